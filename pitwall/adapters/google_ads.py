"""Google Ads' campaign report (Campaigns → Download → CSV): a title line and a date range
line above the header, `Total: …` rows at the end, numbers like `"4,838.80"`, ` --` for
nothing, percentages like `1.16%`.

Split by `Day`, each row is a campaign's spend that day; without it, each row is the whole
date range, spread evenly over its days (said in the load's note). A campaign's channel comes
from its `Campaign type` through CHANNELS, which a mapping may override per type
(`[files."Campaign report.csv".channels] Search = "SEA"`). campaign_id = `Campaign ID` when the
report has it, else the campaign's name. ` --` reads as nothing: no cost is 0.
"""

from __future__ import annotations

from pitwall.adapters.base import Adapter, Export, Part, Result, count, spread
from pitwall.mapping import Converter, FileMapping

NAME = "Google Ads campaign report"
CHANNELS = {  # Campaign type -> channel (docs/import-contract.md)
    "Search": "Paid search",
    "Display": "Display",
    "Video": "Online video",
    "Shopping": "Shopping",
    "Performance Max": "Performance Max",
    "Demand Gen": "Demand Gen",
    "Discovery": "Demand Gen",
    "App": "App campaigns",
    "Smart": "Smart campaigns",
}
WITHOUT_TYPE = "Google Ads"  # the channel when the report has no Campaign type column
GROUP = "Google Ads"


def recognise(header: list[str]) -> bool:
    cols = set(header)
    return "Campaign" in cols and "Cost" in cols and bool({"Impr.", "Impressions"} & cols)


def _range(export: Export, conv: Converter) -> tuple[str, str] | None:
    for cells in export.rows[: export.header]:
        text = " ".join(c for c in cells if c.strip())
        if " - " in text:
            a, b = (conv.date(p, 0, "") for p in text.split(" - ", 1))
            if a[:4].isdigit() and b[:4].isdigit():
                return a, b
    return None


def adapt(export: Export, options: FileMapping, conv: Converter) -> Result:
    cols = export.columns
    impr = "Impr." if "Impr." in cols else "Impressions"
    daily = "Day" in cols
    span = None if daily else _range(export, Converter(export.name, conv.reading))
    channels_by_type = CHANNELS | options.channels
    spend, spend_rows, campaigns, totals, skipped = [], [], {}, 0, 0
    currencies: list[str] = []
    for row, r in export.records():
        first = next((v.strip() for v in r.values() if v.strip()), "")
        if first.lower().startswith("total"):
            totals += 1
            continue
        name = r.get("Campaign", "").strip()
        if not name:
            skipped += 1
            continue
        campaign = r.get("Campaign ID", "").strip() or name
        kind = r.get("Campaign type", "").strip()
        channel = channels_by_type.get(kind, kind) if "Campaign type" in cols else WITHOUT_TYPE
        campaigns.setdefault(
            campaign, (row, {"campaign_id": campaign, "channel": channel, "campaign_name": name})
        )
        amount = conv.number(r.get("Cost"), row, "Cost") or "0"
        counts = {
            "impressions": conv.number(r.get(impr), row, impr),
            "clicks": conv.number(r.get("Clicks"), row, "Clicks"),
        }
        code = r.get("Currency code", "").strip().upper()
        if code and code not in currencies:
            currencies.append(code)
        days = None
        if daily:
            days = [{"date": conv.date(r.get("Day"), row, "Day"), "amount": amount, **counts}]
        elif span:
            days = spread(span[0], span[1], amount, counts)
        if days is None:  # unreadable: load as written so the checks name it
            days = [{"date": span[0] if span else "", "amount": amount, **counts}]
        for d in days:
            spend.append({"campaign_id": campaign, **d})
            spend_rows.append(row)
    channels = {c["channel"] for _, c in campaigns.values()}
    parts = [
        Part(
            "spend",
            spend,
            spend_rows,
            {
                "date": "Day",
                "amount": "Cost",
                "impressions": impr,
                "clicks": "Clicks",
                "campaign_id": "Campaign",
            },
        ),
        Part(
            "campaigns",
            [c for _, c in campaigns.values()],
            [r for r, _ in campaigns.values()],
            {"campaign_id": "Campaign", "channel": "Campaign type"},
        ),
        Part(
            "channels",
            [{"channel": c, "kind": "online", "group": GROUP} for c in sorted(channels)],
            [export.header + 1] * len(channels),
            {"channel": "Campaign type"},
        ),
    ]
    unit = "campaign-day" if daily else "day"
    summary = (
        f"spend ({count(len(spend), unit)}), campaigns ({len(campaigns):,}), "
        f"channels ({', '.join(sorted(channels))})"
    )
    extra = []
    if not daily and span:
        extra.append(f"one range {span[0]} to {span[1]} spread evenly over its days")
    elif not daily:
        extra.append("no Day column and no date range line: the rows have no date")
    if totals:
        extra.append(f"{count(totals, 'total row')} dropped")
    return Result(
        parts, summary, currencies=currencies, currency_column="Currency code", extra=extra
    )


ADAPTER = Adapter(NAME, recognise, adapt)
