"""The import contract: which tables exist, their columns, types, keys and references.

Everything that reads, validates or documents input files works from these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pitwall.dimensions import DIMENSIONS

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
    "choice": "VARCHAR",  # one of the column's `allowed` values, any case, stored lower-case
}

DEFAULT_STAGES = ("identified", "qualified", "presented", "offer", "decision", "won")
LOST = "lost"  # an outcome, not a stage
# Who brought a lead in (leads.source): B2B lead management tells marketing's leads from
# those sales finds itself, partners pass on, or service turns up.
LEAD_SOURCES = ("marketing", "sales", "partner", "service", "other")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    min_value: float | None = None
    max_value: float | None = None
    allowed: tuple[str, ...] | None = None  # type "choice": the values it may take


@dataclass(frozen=True)
class Reference:
    column: str
    table: str
    target: str


@dataclass(frozen=True)
class Legacy:
    """An older shape of a table's file that still loads: a file whose header has `signal`
    (and not the columns of `constants`) is read with `renamed` contract columns taken from
    the file's columns of those names and `constants` filled in."""

    signal: str
    renamed: dict[str, str]  # contract column -> the old file's column
    constants: dict[str, str]  # contract column -> the value every row gets
    note: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    sort_by: str | None = None  # facts are stored sorted by date so date filters skip data
    description: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    legacy: Legacy | None = None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(*specs: tuple) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in specs)


# The dimensions' own columns (pitwall/dimensions.py): a campaign's, and those a lead or a
# customer may carry. `channel` and `kind` live on `channels` and are written out.
CAMPAIGN_DIMENSIONS = tuple((d.name, "text") for d in DIMENSIONS if d.source == "campaigns")
OWN_DIMENSIONS = tuple((d.name, "text") for d in DIMENSIONS if d.own)


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
                *CAMPAIGN_DIMENSIONS,
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
            _cols(
                ("month", "month", True),
                ("metric", "text", True),
                ("value", "number", True, 0),
                ("channel", "text"),
                ("kind", "kind"),
            ),
            # unique per month, metric and scope (NULL channel and kind included): checks.py
            references=(Reference("channel", "channels", "channel"),),
            sort_by="month",
            description="Monthly targets for the headline metrics, for the whole business, "
            "one channel or one kind.",
            legacy=Legacy(
                "online_share",
                {"value": "online_share"},
                {"metric": "online_share"},
                "the old shape (month, online_share) was read as targets for the metric "
                "online_share",
            ),
        ),
        Table(
            "events",
            _cols(
                ("date", "date", True),
                ("end_date", "date"),
                ("label", "text", True),
                ("channel", "text"),
                ("kind", "kind"),
            ),
            references=(Reference("channel", "channels", "channel"),),
            sort_by="date",
            description="Optional: what happened (a launch, a trade fair, a price change), "
            "drawn on the time charts.",
        ),
        Table(
            "leads",
            _cols(
                ("lead_id", "text", True),
                ("created_at", "timestamp", True),
                ("campaign_id", "text"),
                ("customer_id", "text"),
                *OWN_DIMENSIONS,
                ("source", "choice", False, None, None, LEAD_SOURCES),
                ("score", "number"),
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
                *OWN_DIMENSIONS,
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
            "sales",
            _cols(
                ("date", "date", True),
                ("revenue", "number", True),
                ("channel", "text"),
                ("region", "text"),
            ),
            sort_by="date",
            description="Optional: revenue totals without customers (per day or week, from "
            "finance or a till), where there are no orders.",
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
        Table(
            "nps",
            _cols(
                ("customer_id", "text", True),
                ("answered_at", "timestamp", True),
                ("score", "integer", True, 0, 10),
                ("comment", "text"),
            ),
            sort_by="answered_at",
            description="Optional: Net Promoter Score answers (0–10: how likely the customer "
            "is to recommend you).",
        ),
    )
}

# Revenue comes from one of these, at least one required: orders (per customer), sales totals.
REVENUE_TABLES = ("orders", "sales")
# Columns that hold money, in the warehouse's one currency (a mapping's rate converts them).
MONEY_COLUMNS = {
    "spend": ("amount",),
    "budgets": ("amount",),
    "orders": ("revenue", "gross_margin"),
    "sales": ("revenue",),
}
FILE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".xlsx": "excel", ".xlsm": "excel"}
