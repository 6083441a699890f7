"""HubSpot's contacts export with lifecycle dates: `Record ID`, `Create Date`, `Became a
Lead Date`, `Became a Marketing Qualified Lead Date`, `Became a Sales Qualified Lead Date`,
`Became an Opportunity Date`, `Became a Customer Date`, `Original Source`, `Email`.

Each contact is a lead (lead_id = `Record ID`) created at its lead date (else its create date,
else its earliest lifecycle date); each later lifecycle date is an entry into that stage; the
funnel is written as `funnel_stages`: lead → mql → sql → opportunity → customer. A contact
with an e-mail gets the customer id a Shopify order with that e-mail gets (base.customer_key).
`Original Source` names a kind of source, not a campaign: it is not loaded.
"""

from __future__ import annotations

from pitwall.adapters.base import Adapter, Export, Part, Result, count, customer_key
from pitwall.mapping import Converter, FileMapping

NAME = "HubSpot contacts export"
STAGES = (  # funnel stage, the export's column
    ("lead", "Became a Lead Date"),
    ("mql", "Became a Marketing Qualified Lead Date"),
    ("sql", "Became a Sales Qualified Lead Date"),
    ("opportunity", "Became an Opportunity Date"),
    ("customer", "Became a Customer Date"),
)


def recognise(header: list[str]) -> bool:
    cols = set(header)
    return "Record ID" in cols and sum(c in cols for _, c in STAGES) >= 2


def adapt(export: Export, options: FileMapping, conv: Converter) -> Result:
    cols = export.columns
    leads, lead_rows, entries, entry_rows = [], [], [], []
    for row, r in export.records():
        lead = r.get("Record ID", "").strip()
        dates = {s: conv.date(r.get(c), row, c) for s, c in STAGES if c in cols}
        created = (
            conv.date(r.get("Create Date"), row, "Create Date") if "Create Date" in cols else ""
        )
        readable = sorted(d for d in dates.values() if d[:4].isdigit())
        start = dates.get("lead") or created or (readable[0] if readable else "")
        leads.append(
            {
                "lead_id": lead,
                "created_at": start,
                "customer_id": customer_key(r.get("Email", "")) if "Email" in cols else None,
            }
        )
        lead_rows.append(row)
        for stage, _ in STAGES[1:]:
            if dates.get(stage):
                entries.append({"lead_id": lead, "stage": stage, "entered_at": dates[stage]})
                entry_rows.append(row)
    stages = [s for s, _ in STAGES]
    column_of = {"lead_id": "Record ID", "created_at": "Became a Lead Date"}
    parts = [
        Part("leads", leads, lead_rows, column_of | {"customer_id": "Email"}),
        Part(
            "lead_stages",
            entries,
            entry_rows,
            {"lead_id": "Record ID", "stage": "lifecycle stage", "entered_at": "lifecycle date"},
        ),
        Part(
            "funnel_stages",
            [{"stage": s, "position": str(i)} for i, s in enumerate(stages, 1)],
            [export.header + 1] * len(stages),
            {},
        ),
    ]
    summary = (
        f"leads ({len(leads):,}), "
        f"lead_stages ({count(len(entries), 'stage entry', 'stage entries')}), "
        f"funnel_stages ({' → '.join(stages)})"
    )
    return Result(parts, summary)


ADAPTER = Adapter(NAME, recognise, adapt)
