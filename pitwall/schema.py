"""The import contract: which tables exist, their columns, types, keys and references.

Everything that reads, validates or documents input files works from these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column types of the contract. Each maps to a warehouse SQL type.
SQL_TYPES = {
    "text": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "month": "DATE",  # first day of the month
    "kind": "VARCHAR",
    "stage": "VARCHAR",  # matched case-insensitively, stored lower-case
}

DEFAULT_STAGES = ("identified", "qualified", "presented", "offer", "decision", "won")
LOST = "lost"  # an outcome, not a stage
KINDS = ("online", "offline")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class Reference:
    column: str
    table: str
    target: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    sort_by: str | None = None  # facts are stored sorted by date so date filters skip data
    description: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(*specs: tuple) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in specs)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "channels",
            _cols(("channel", "text", True), ("kind", "kind", True), ("group", "text")),
            key=("channel",),
            description="Marketing channels and whether each is online or offline.",
        ),
        Table(
            "campaigns",
            _cols(
                ("campaign_id", "text", True),
                ("channel", "text", True),
                ("campaign_name", "text"),
                ("segment", "text"),
                ("region", "text"),
                ("start_date", "date"),
                ("end_date", "date"),
            ),
            key=("campaign_id",),
            references=(Reference("channel", "channels", "channel"),),
            description="Campaigns, each run in one channel.",
        ),
        Table(
            "spend",
            _cols(
                ("date", "date", True),
                ("campaign_id", "text", True),
                ("amount", "number", True, 0),
                ("impressions", "integer", False, 0),
                ("clicks", "integer", False, 0),
            ),
            references=(Reference("campaign_id", "campaigns", "campaign_id"),),
            sort_by="date",
            description="Actual cost booked per campaign and day.",
        ),
        Table(
            "budgets",
            _cols(
                ("month", "month", True), ("channel", "text", True), ("amount", "number", True, 0)
            ),
            key=("month", "channel"),
            references=(Reference("channel", "channels", "channel"),),
            sort_by="month",
            description="Planned spend per channel and month.",
        ),
        Table(
            "targets",
            _cols(("month", "month", True), ("online_share", "number", True, 0, 1)),
            key=("month",),
            sort_by="month",
            description="Target share of spend that goes online, per month.",
        ),
        Table(
            "leads",
            _cols(
                ("lead_id", "text", True),
                ("created_at", "timestamp", True),
                ("campaign_id", "text"),
                ("customer_id", "text"),
                ("segment", "text"),
                ("region", "text"),
            ),
            key=("lead_id",),
            references=(Reference("campaign_id", "campaigns", "campaign_id"),),
            sort_by="created_at",
            description="Leads with the campaign that brought them in.",
        ),
        Table(
            "lead_stages",
            _cols(
                ("lead_id", "text", True),
                ("stage", "stage", True),
                ("entered_at", "timestamp", True),
            ),
            references=(Reference("lead_id", "leads", "lead_id"),),
            sort_by="entered_at",
            description="One row each time a lead enters a funnel stage (or is lost).",
        ),
        Table(
            "funnel_stages",
            _cols(("stage", "stage", True), ("position", "integer", True, 1)),
            key=("stage",),
            description="Optional: the funnel's stages in order.",
        ),
        Table(
            "customers",
            _cols(
                ("customer_id", "text", True),
                ("acquired_at", "timestamp"),
                ("campaign_id", "text"),
                ("segment", "text"),
                ("region", "text"),
            ),
            key=("customer_id",),
            references=(Reference("campaign_id", "campaigns", "campaign_id"),),
            sort_by="acquired_at",
            description="Customers with the campaign that acquired them.",
        ),
        Table(
            "orders",
            _cols(
                ("order_id", "text", True),
                ("customer_id", "text", True),
                ("ordered_at", "timestamp", True),
                ("revenue", "number", True),
                ("gross_margin", "number"),
                ("campaign_id", "text"),
                ("sales_channel", "text"),
            ),
            key=("order_id",),
            references=(Reference("campaign_id", "campaigns", "campaign_id"),),
            sort_by="ordered_at",
            description="Orders with the last-touch campaign credited for them.",
        ),
        Table(
            "touchpoints",
            _cols(
                ("customer_id", "text", True),
                ("touched_at", "timestamp", True),
                ("campaign_id", "text", True),
            ),
            references=(Reference("campaign_id", "campaigns", "campaign_id"),),
            sort_by="touched_at",
            description="Optional: every marketing touch of a customer (multi-touch attribution).",
        ),
        Table(
            "controls",
            _cols(("date", "date", True), ("name", "text", True), ("value", "number", True)),
            key=("date", "name"),
            sort_by="date",
            description="Optional: weekly model controls (competitor activity, prices, holidays).",
        ),
    )
}

REQUIRED_TABLES = ("orders",)
FILE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".xlsx": "excel", ".xlsm": "excel"}
