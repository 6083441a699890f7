"""HubSpot's deals export: `Record ID`, `Deal Stage`, `Close Date`, `Create Date`, `Amount`,
`Pipeline`.

Each deal is a lead (lead_id = `Record ID`) created at `Create Date`, in a funnel of HubSpot's
default pipeline (STAGES, written as `funnel_stages`). The export holds a deal's current stage
only, so a deal at a stage is taken to have passed every earlier one: an open deal entered
them at its create date, a won deal at its close date; a lost deal is `lost` at its close date.
A stage of another pipeline is refused unless the mapping names its default stage
(`[files."deals.csv".stages] "Demo booked" = "presentationscheduled"`). When contacts are
loaded with the deals, the contacts make the funnel and the deals are left out (said in the
note). A won deal's `Amount` at its close date is a row of `sales` (revenue totals without
customers: Channel ROI credits no campaign with them).
"""

from __future__ import annotations

import re

from pitwall.adapters.base import Adapter, Export, Part, Result, count
from pitwall.mapping import Converter, FileMapping
from pitwall.problems import Problem
from pitwall.schema import LOST

NAME = "HubSpot deals export"
STAGES = (  # internal name, label (the funnel stage, lower-cased)
    ("appointmentscheduled", "Appointment scheduled"),
    ("qualifiedtobuy", "Qualified to buy"),
    ("presentationscheduled", "Presentation scheduled"),
    ("decisionmakerboughtin", "Decision maker bought-in"),
    ("contractsent", "Contract sent"),
    ("closedwon", "Closed won"),
)
CLOSED_LOST = "closedlost"


def _key(text: str) -> str:
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text.strip())  # "Closed Won (Sales Pipeline)"
    return re.sub(r"[^a-z0-9]", "", text.lower())


def recognise(header: list[str]) -> bool:
    cols = set(header)
    return {"Record ID", "Deal Stage", "Pipeline"} <= cols and bool({"Close Date", "Amount"} & cols)


def adapt(export: Export, options: FileMapping, conv: Converter) -> Result:
    position = {}
    for i, (internal, label) in enumerate(STAGES, 1):
        position[internal] = position[_key(label)] = i
    position[CLOSED_LOST] = 0
    mapped = {_key(k): _key(v) for k, v in options.stages.items()}
    names = [label.lower() for _, label in STAGES]
    leads, lead_rows, entries, entry_rows, problems = [], [], [], [], []
    won = lost = 0
    sales, sales_rows = [], []
    for row, r in export.records():
        deal = r.get("Record ID", "").strip()
        created = conv.date(r.get("Create Date"), row, "Create Date")
        closed = conv.date(r.get("Close Date"), row, "Close Date")
        raw = r.get("Deal Stage", "")
        key = mapped.get(_key(raw), _key(raw))
        if key not in position:
            problems.append(
                Problem(
                    "unknown_stage",
                    export.name,
                    "not a stage of HubSpot's default pipeline; name its default stage in "
                    f'pitwall.toml ([files."{export.name}".stages] '
                    f'"{raw.strip()}" = "contractsent")',
                    row,
                    "Deal Stage",
                    raw,
                )
            )
            continue
        leads.append({"lead_id": deal, "created_at": created})
        lead_rows.append(row)
        at = position[key]
        if at == 0:
            lost += 1
            entries.append({"lead_id": deal, "stage": LOST, "entered_at": closed or created})
            entry_rows.append(row)
            continue
        won += at == len(STAGES)
        if at == len(STAGES) and r.get("Amount", "").strip():
            sales.append(
                {"date": closed or created, "revenue": conv.number(r.get("Amount"), row, "Amount")}
            )
            sales_rows.append(row)
        when = closed if at == len(STAGES) and closed else created
        for stage in names[1:at]:
            entries.append({"lead_id": deal, "stage": stage, "entered_at": when})
            entry_rows.append(row)
    parts = [
        Part("leads", leads, lead_rows, {"lead_id": "Record ID", "created_at": "Create Date"}),
        Part(
            "lead_stages",
            entries,
            entry_rows,
            {"lead_id": "Record ID", "stage": "Deal Stage", "entered_at": "Close Date"},
        ),
        Part(
            "funnel_stages",
            [{"stage": s, "position": str(i)} for i, s in enumerate(names, 1)],
            [export.header + 1] * len(names),
            {},
        ),
    ]
    if sales:
        parts.append(Part("sales", sales, sales_rows, {"date": "Close Date", "revenue": "Amount"}))
    summary = (
        f"leads ({count(len(leads), 'deal')}: {won:,} won, {lost:,} lost), "
        f"lead_stages ({count(len(entries), 'stage entry', 'stage entries')}), "
        "funnel_stages (HubSpot's default pipeline)"
        + (f", sales ({count(len(sales), 'won deal')})" if sales else "")
    )
    return Result(parts, summary, problems=problems)


ADAPTER = Adapter(NAME, recognise, adapt)
