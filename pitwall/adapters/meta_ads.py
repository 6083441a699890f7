"""Meta Ads Manager's export (Reports → Export table data, CSV): `Reporting starts`,
`Reporting ends`, `Campaign name`, `Amount spent (EUR)` (the currency in the column's name),
`Impressions`, `Link clicks`.

A row whose `Day` is set, or whose range is one day, is that day's spend; a longer range is
spread evenly over its days (said in the note). Every campaign is in the channel "Paid social"
unless the mapping gives another (`[files."Meta.csv".constants] channel = "Instagram"`).
campaign_id = `Campaign ID` when present, else the campaign's name. Rows without a campaign
name (a summary row) are left out.
"""

from __future__ import annotations

import re

from pitwall.adapters.base import Adapter, Export, Part, Result, count, spread
from pitwall.mapping import Converter, FileMapping

NAME = "Meta Ads Manager export"
CHANNEL = "Paid social"
GROUP = "Meta"
_AMOUNT = re.compile(r"^Amount spent(?: \(([A-Z]{3})\))?$")


def _amount_column(header: list[str]) -> str | None:
    return next((c for c in header if _AMOUNT.match(c)), None)


def recognise(header: list[str]) -> bool:
    cols = set(header)
    return {"Reporting starts", "Reporting ends", "Campaign name"} <= cols and bool(
        _amount_column(header)
    )


def adapt(export: Export, options: FileMapping, conv: Converter) -> Result:
    cols = export.columns
    amount_col = _amount_column(cols)
    code = _AMOUNT.match(amount_col).group(1)
    clicks_col = next((c for c in ("Link clicks", "Clicks (all)", "Clicks") if c in cols), None)
    channel = options.constants.get("channel") or CHANNEL
    spend, rows, campaigns, spread_rows, summary_rows = [], [], {}, 0, 0
    currencies = [code] if code else []
    for row, r in export.records():
        name = r.get("Campaign name", "").strip()
        if not name:
            summary_rows += 1
            continue
        campaign = r.get("Campaign ID", "").strip() or name
        campaigns.setdefault(
            campaign, (row, {"campaign_id": campaign, "channel": channel, "campaign_name": name})
        )
        if not code and r.get("Currency", "").strip():
            found = r["Currency"].strip().upper()
            currencies += [] if found in currencies else [found]
        amount = conv.number(r.get(amount_col), row, amount_col) or "0"
        counts = {"impressions": conv.number(r.get("Impressions"), row, "Impressions")}
        if clicks_col:
            counts["clicks"] = conv.number(r.get(clicks_col), row, clicks_col)
        day = r.get("Day", "").strip()
        start = conv.date(
            day or r.get("Reporting starts"), row, "Day" if day else "Reporting starts"
        )
        end = start if day else conv.date(r.get("Reporting ends"), row, "Reporting ends")
        days = None
        if start != end:
            days = spread(start, end, amount, counts)
            spread_rows += days is not None
        days = days or [{"date": start, "amount": amount, **counts}]
        for d in days:
            spend.append({"campaign_id": campaign, **d})
            rows.append(row)
    parts = [
        Part(
            "spend",
            spend,
            rows,
            {
                "date": "Reporting starts",
                "amount": amount_col,
                "impressions": "Impressions",
                "clicks": clicks_col or "",
                "campaign_id": "Campaign name",
            },
        ),
        Part(
            "campaigns",
            [c for _, c in campaigns.values()],
            [r for r, _ in campaigns.values()],
            {"campaign_id": "Campaign name"},
        ),
        Part(
            "channels",
            [{"channel": channel, "kind": "online", "group": GROUP}],
            [export.header + 1],
            {},
        ),
    ]
    summary = (
        f"spend ({count(len(spend), 'day')}), campaigns ({len(campaigns):,}), channels ({channel})"
    )
    extra = []
    if spread_rows:
        extra.append(f"{count(spread_rows, 'row')} covering several days spread evenly over them")
    if summary_rows:
        extra.append(f"{count(summary_rows, 'row')} without a campaign name left out")
    return Result(parts, summary, currencies=currencies, currency_column=amount_col, extra=extra)


ADAPTER = Adapter(NAME, recognise, adapt)
