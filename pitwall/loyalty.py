"""Loyalty: Net Promoter Score, purchase frequency and average order value, and media
efficiency (impressions, clicks, CTR, CPC, CPM). The views here are exported through
pitwall.views (EXPORTS); the SQL is in queries/loyalty/ and queries/channel_roi/media.sql."""

from __future__ import annotations

import pandas as pd

from pitwall import queries
from pitwall.filters import Filters, add_months, month_end
from pitwall.metrics import derive

NPS_COUNTS = ["responses", "promoters", "passives", "detractors"]
# the breakdowns of NPS by group (the answering customer's dimension) and their labels
NPS_GROUPS = {"channel": "Acquisition channel", "segment": "Segment", "region": "Region"}
NONE_LABEL = "(none)"  # a group without a value: no acquisition channel, no sales channel
FREQUENCY_BY = {
    "cohort": "Cohort",
    "channel": "Acquisition channel",
    "sales_channel": "Sales channel",
}
MEDIA_MEASURES = [
    "spend",
    "impressions",
    "clicks",
    "impression_spend",
    "click_spend",
    "paired_clicks",
    "paired_impressions",
]
MEDIA_RATIOS = ["ctr", "cpc", "cpm"]


def month_params(con, f: Filters) -> dict | None:
    """f's parameters for the month rollups (buyer_months, nps_latest*): the range as whole
    months, an end open where no order or answer lies beyond it. None when the range cuts a
    month inside the data: the caller reads the detail (docs/metrics.md, "Where the figures
    are read from")."""
    span = queries.run(con, "loyalty/span").iloc[0]
    if pd.isna(span["first_day"]):
        return f.params()  # no orders, no answers: the rollups are empty too
    first, last = (pd.Timestamp(span[c]).date() for c in ("first_day", "last_day"))
    if (f.end is not None and f.end < first) or (f.start is not None and f.start > last):
        # nothing lies in the range: read the month after the data, as empty
        return f.params() | {"start": add_months(last.replace(day=1), 1), "end": None}
    start = None if f.start is None or f.start <= first else f.start
    end = None if f.end is None or f.end >= last else f.end
    if (start is not None and start.day != 1) or (end is not None and not month_end(end)):
        return None
    return f.params() | {"start": start, "end": end}


def _read(con, name: str, f: Filters, extra: dict | None = None) -> pd.DataFrame:
    """queries/loyalty/<name>_rolled.sql over whole months, else <name>.sql."""
    whole = month_params(con, f)
    if whole is None:
        return queries.run(con, f"loyalty/{name}", f.params() | (extra or {}))
    return queries.run(con, f"loyalty/{name}_rolled", whole | (extra or {}))


def nps(con, f: Filters) -> pd.DataFrame:
    """NPS per month of answer: responses, promoters, passives, detractors and the score."""
    df = queries.run(con, "loyalty/nps_rolled", f.params()).drop(columns="grp")
    df[NPS_COUNTS] = df[NPS_COUNTS].astype("int64")
    return derive(df, ["nps"])


def nps_groups(con, f: Filters, breakdown: str) -> pd.DataFrame:
    """NPS per value of a dimension (`breakdown`: channel, segment or region of the
    answering customer), over every answer in the range; most responses first."""
    if breakdown not in NPS_GROUPS:
        raise ValueError(f"breakdown must be one of {', '.join(NPS_GROUPS)}, not {breakdown!r}")
    df = queries.run(con, "loyalty/nps_rolled", f.params(), group=breakdown)
    df = df.groupby("grp", dropna=False, as_index=False)[NPS_COUNTS].sum()
    df["grp"] = df["grp"].fillna(NONE_LABEL)
    df = df.rename(columns={"grp": breakdown}).astype({c: "int64" for c in NPS_COUNTS})
    df = df.sort_values(["responses", breakdown], ascending=[False, True], kind="stable")
    return derive(df.reset_index(drop=True), ["nps"])


def nps_summary(monthly: pd.DataFrame) -> dict:
    """The period's NPS over every answer (the tiles)."""
    sums = pd.DataFrame([{c: monthly[c].sum() for c in NPS_COUNTS}])
    return derive(sums, ["nps"]).iloc[0].to_dict()


def nps_value(con, f: Filters) -> pd.DataFrame:
    """Promoters, passives and detractors side by side (a customer's group from their
    latest answer in the range): customers, revenue per customer in the range, and the
    share still buying 12 months after their first order."""
    df = _read(con, "nps_value", f).rename(columns={"grp": "group"})
    return derive(df, ["revenue_per_customer", "retention_12m"])


def frequency(con, f: Filters, by: str = "channel") -> pd.DataFrame:
    """Purchase frequency (orders per buyer) and average order value of the range's
    orders, per group of `by` (FREQUENCY_BY)."""
    if by not in FREQUENCY_BY:
        raise ValueError(f"by must be one of {', '.join(FREQUENCY_BY)}, not {by!r}")
    df = _read(con, "frequency", f, {"by": by})
    df["grp"] = df["grp"].fillna(NONE_LABEL)
    df = df.rename(columns={"grp": "group"}).astype({"buyers": "int64", "orders": "int64"})
    return derive(df.assign(breakdown=by), ["purchase_frequency", "aov"])


def frequencies(con, f: Filters) -> pd.DataFrame:
    """frequency() for every breakdown, one under the other (the export)."""
    return pd.concat([frequency(con, f, by) for by in FREQUENCY_BY], ignore_index=True)


def frequency_summary(by_channel: pd.DataFrame) -> dict:
    """Buyers, orders, purchase frequency and AOV over every order of a frequency() frame
    by acquisition channel (the tiles: each buyer is in one acquisition channel, so the
    buyers add up)."""
    sums = pd.DataFrame(
        [{c: by_channel[c].sum() for c in ("buyers", "orders", "revenue")}], dtype="float64"
    )
    return derive(sums, ["purchase_frequency", "aov"]).iloc[0].to_dict()


def media(con, f: Filters, by: str = "channel") -> pd.DataFrame:
    """Impressions, clicks, CTR, CPC and CPM per channel (by='channel') or campaign
    (by='campaign'). Where no spend row carries impressions (or clicks) they and their
    ratios are empty, never 0."""
    df = queries.run(con, "channel_roi/media", f.params())
    if by == "channel":
        df = df.groupby(["channel", "kind"], as_index=False, sort=True)[MEDIA_MEASURES].sum(
            min_count=1
        )
    elif by != "campaign":
        raise ValueError(f"by must be 'channel' or 'campaign', not {by!r}")
    df[MEDIA_MEASURES] = df[MEDIA_MEASURES].astype("float64")
    return derive(df, MEDIA_RATIOS)


def campaign_media(con, f: Filters) -> pd.DataFrame:
    """media() per campaign (the export): whole counts, empty where no row carries them
    (the CSV reads 1200, not 1200.0)."""
    return media(con, f, by="campaign").astype({"impressions": "Int64", "clicks": "Int64"})


def media_totals(df: pd.DataFrame) -> dict:
    """CTR, CPC and CPM over every row of a media view (empty without impressions)."""
    sums = pd.DataFrame([{m: df[m].sum(min_count=1) for m in MEDIA_MEASURES}], dtype="float64")
    return derive(sums, MEDIA_RATIOS).iloc[0].to_dict()
