"""The pandas-only baseline: the four views computed the way a typical pandas Streamlit app does.

`python -m pitwall bench` measures what Pitwall's DuckDB views gain over the usual way of
building such a dashboard: load the raw contract tables into pandas DataFrames once at
startup (`frames`), then recompute each page's figures with pandas on every rerun. This module
is that app's computation, written as fair, vectorised pandas (no loops over rows).

It works from the raw contract tables only, never from the warehouse's derived tables
(campaign_channels, customer_facts, customer_months, lead_facts, lead_stage_entries,
stage_positions): a pandas app has none of them, so each call derives what it needs itself,
as such an app would on each rerun. The formulas are written here independently of
`pitwall.metrics`, following docs/metrics.md and the SQL under queries/, so `same` can check
that both give the same figures; the benchmark relies on that check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pitwall.attribution import DEFAULT_LOOKBACK
from pitwall.dimensions import DIMENSIONS, KINDS
from pitwall.filters import Filters
from pitwall.schema import DEFAULT_STAGES
from pitwall.views import MODES, VIEW_COLUMNS

TABLES = (
    "channels",
    "campaigns",
    "spend",
    "budgets",
    "targets",
    "leads",
    "lead_stages",
    "funnel_stages",
    "customers",
    "orders",
    "touchpoints",
)
# Columns that identify a row of each view (rows are matched on them by `same`).
KEYS = {
    "spend-balance": ["month", "kind"],
    "channel-roi": ["channel", "kind"],
    "funnel": ["position", "stage"],
    "retention": ["cohort_month", "period"],
}
RTOL = 1e-9  # relative tolerance of `same`
ATOL = 1e-12  # absolute floor, for figures that cancel to about zero (e.g. ROI at break-even)
DAY = pd.Timedelta(days=1)
DIMENSION_NAMES = [d.name for d in DIMENSIONS]
OWN = [d.name for d in DIMENSIONS if d.own]  # columns a lead or customer may carry itself


def frames(con) -> dict[str, pd.DataFrame]:
    """The raw contract tables read from a warehouse connection into pandas (the app's startup
    load)."""
    return {name: con.table(name).df() for name in TABLES}


# --- helpers ------------------------------------------------------------------------------------


def _ratio(num, den) -> pd.Series:
    """num / den, empty (NaN) when den is zero or missing or the result is not finite."""
    num = pd.Series(num, dtype="float64")
    den = pd.Series(den, dtype="float64", index=num.index)
    out = num / den.where(den != 0)
    return out.where(np.isfinite(out))


def _month(s: pd.Series) -> pd.Series:
    """First day of each value's month (NaT stays NaT)."""
    months = s.to_numpy(dtype="datetime64[us]").astype("datetime64[M]")
    return pd.Series(months.astype("datetime64[us]"), index=s.index, name=s.name)


def _month_number(s: pd.Series) -> pd.Series:
    """Months since year 0, so the difference of two is whole calendar months."""
    return s.dt.year * 12 + s.dt.month


def _in_range(s: pd.Series, f: Filters) -> pd.Series:
    """Dates or timestamps within f.start .. f.end inclusive (the whole end day)."""
    keep = pd.Series(True, index=s.index)
    if f.start is not None:
        keep &= s >= pd.Timestamp(f.start)
    if f.end is not None:
        keep &= s < pd.Timestamp(f.end) + DAY
    return keep


def _picked(df: pd.DataFrame, f: Filters, kind: bool = True) -> pd.Series:
    """Rows matching the dimensions' filters (a missing value never matches a set filter)."""
    keep = pd.Series(True, index=df.index)
    for d in DIMENSIONS:
        value = f.value(d)
        if d.name == "kind" and not kind or value in (None, ()):
            continue
        keep &= df[d.name].isin(value if d.multiple else [value]).fillna(False)
    return keep.astype(bool)


def _campaign_channels(t: dict) -> pd.DataFrame:
    """Every campaign with its channel's kind and group."""
    ch = t["channels"].rename(columns={"group": "channel_group"})
    cc = t["campaigns"].merge(ch, on="channel", how="inner")
    cc["channel_group"] = cc["channel_group"].fillna(cc["channel"])
    return cc[["campaign_id", "channel_group", *DIMENSION_NAMES]]


def _with_campaign(df: pd.DataFrame, cc: pd.DataFrame) -> pd.DataFrame:
    """Add the dimensions of each row's campaign; an `own` dimension keeps the row's value
    when it has one."""
    out = df.merge(
        cc[["campaign_id", *DIMENSION_NAMES]], on="campaign_id", how="left", suffixes=("", "_c")
    )
    for d in DIMENSIONS:
        if d.own:
            out[d.name] = out[d.name].fillna(out.pop(f"{d.name}_c"))
    return out


def _customers(t: dict, cc: pd.DataFrame) -> pd.DataFrame:
    """One row per customer: acquired_at, campaign_id and the dimensions.

    Listed customers without acquired_at take their first order's date, and its campaign
    unless `customers` names one; customers only in orders come from their first order.
    """
    orders = t["orders"]
    firsts = orders.groupby("customer_id", sort=False)["ordered_at"].min().rename("first_at")
    # The campaign of the first order, none when that order has none.
    first_campaign = (
        orders[["customer_id", "ordered_at", "campaign_id"]]
        .sort_values("ordered_at", kind="stable")
        .drop_duplicates("customer_id")
        .set_index("customer_id")["campaign_id"]
        .rename("first_campaign_id")
    )
    first = pd.concat([firsts, first_campaign], axis=1)

    listed = t["customers"][["customer_id", "acquired_at", "campaign_id", *OWN]]
    listed = listed.join(first, on="customer_id")
    no_date = listed["acquired_at"].isna()
    listed["campaign_id"] = listed["campaign_id"].where(
        ~no_date, listed["campaign_id"].fillna(listed["first_campaign_id"])
    )
    listed["acquired_at"] = listed["acquired_at"].fillna(listed["first_at"])

    unlisted = first.drop(listed["customer_id"], errors="ignore")
    derived = pd.DataFrame(
        {
            "customer_id": unlisted.index,
            "acquired_at": unlisted["first_at"].to_numpy(),
            "campaign_id": unlisted["first_campaign_id"].to_numpy(),
        }
    )
    everyone = pd.concat(
        [listed.drop(columns=["first_at", "first_campaign_id"]), derived], ignore_index=True
    )
    return _with_campaign(everyone, cc)


def _stages(t: dict) -> pd.DataFrame:
    """The funnel's stages numbered 1..n: funnel_stages when loaded, else the defaults."""
    fs = t["funnel_stages"]
    if len(fs):
        out = fs.sort_values("position", kind="stable")[["stage"]].reset_index(drop=True)
    else:
        out = pd.DataFrame({"stage": list(DEFAULT_STAGES)})
    out["position"] = np.arange(1, len(out) + 1)
    return out


# --- the four views -----------------------------------------------------------------------------


def spend_balance(t: dict, f: Filters) -> pd.DataFrame:
    """Spend, budget and share of spend per month and kind (both kinds for every month with
    spend or budget); the kind filter picks rows, the month's spend stays both kinds'."""
    cc = _campaign_channels(t)
    cc = cc[_picked(cc, f, kind=False)]
    spend = t["spend"]
    spend = spend[_in_range(spend["date"], f)].merge(cc[["campaign_id", "kind"]], on="campaign_id")
    spent = spend.groupby([_month(spend["date"]).rename("month"), "kind"])["amount"].sum()

    budgets = t["budgets"].merge(t["channels"][["channel", "kind"]], on="channel")
    if f.channels:
        budgets = budgets[budgets["channel"].isin(f.channels)]
    month = budgets["month"]
    days_in_month = month.dt.days_in_month
    last_day = _month(month) + pd.to_timedelta(days_in_month - 1, unit="D")
    keep = pd.Series(True, index=budgets.index)
    first_in, last_in = month, last_day
    if f.start is not None:
        keep &= last_day >= pd.Timestamp(f.start)
        first_in = month.clip(lower=pd.Timestamp(f.start))
    if f.end is not None:
        keep &= month <= pd.Timestamp(f.end)
        last_in = last_day.clip(upper=pd.Timestamp(f.end))
    # A month cut by the range counts the share of its days inside it.
    days = (last_in - first_in).dt.days + 1
    budgets = budgets.assign(budget=budgets["amount"] * days / days_in_month)[keep]
    planned = budgets.groupby(["month", "kind"])["budget"].sum()

    months = (
        spent.index.get_level_values("month")
        .append(planned.index.get_level_values("month"))
        .unique()
    )
    grid = pd.MultiIndex.from_product([months, list(KINDS)], names=["month", "kind"])
    out = pd.DataFrame(
        {"spend": spent.reindex(grid, fill_value=0.0), "budget": planned.reindex(grid)}
    ).reset_index()
    out["spend"] = out["spend"].astype("float64")
    out["budget"] = out["budget"].astype("float64")
    out["month_spend"] = out.groupby("month")["spend"].transform("sum")
    if f.kind is not None:
        out = out[out["kind"] == f.kind]
    out = out.sort_values(["month", "kind"], ascending=[True, False]).reset_index(drop=True)
    out["share_of_spend"] = _ratio(out["spend"], out["month_spend"])
    return out


def _last_touch(
    orders: pd.DataFrame, touches: pd.DataFrame, days: int = DEFAULT_LOOKBACK
) -> pd.Series:
    """Each order's last-touch campaign: its own, else the customer's latest touchpoint in
    the `days` up to the order (ties on time: the greatest campaign_id)."""
    own = orders["campaign_id"]
    loose = orders.loc[own.isna(), ["customer_id", "ordered_at"]].reset_index()
    if loose.empty or touches.empty:
        return own
    latest = pd.merge_asof(
        loose.sort_values("ordered_at"),
        touches.sort_values(["touched_at", "campaign_id"])[
            ["customer_id", "touched_at", "campaign_id"]
        ],
        left_on="ordered_at",
        right_on="touched_at",
        by="customer_id",
        tolerance=pd.Timedelta(days=days),
        direction="backward",
    ).set_index("index")["campaign_id"]
    return own.fillna(latest)


def channel_roi(t: dict, f: Filters) -> pd.DataFrame:
    """Spend, last-touch revenue (the order's campaign, else its latest touchpoint in 30
    days), leads and new customers per channel, with their ratios.
    The dimensions pick campaigns by the campaign's own values."""
    campaigns = _campaign_channels(t)
    cc = campaigns[_picked(campaigns, f)].set_index("campaign_id")

    spend = t["spend"]
    spent = spend[_in_range(spend["date"], f)].groupby("campaign_id")["amount"].sum()

    orders = t["orders"]
    orders = orders[_in_range(orders["ordered_at"], f)]
    orders = orders.assign(campaign_id=_last_touch(orders, t["touchpoints"]))
    orders = orders[orders["campaign_id"].notna()]
    by_campaign = orders.groupby("campaign_id")
    credited = pd.DataFrame(
        {
            "revenue": by_campaign["revenue"].sum(),
            "gross_margin": by_campaign["gross_margin"].sum(min_count=1),
            "orders": by_campaign.size(),
        }
    )

    leads = t["leads"]
    created = leads[_in_range(leads["created_at"], f)].groupby("campaign_id").size()

    customers = _customers(t, campaigns)
    acquired = customers[_in_range(customers["acquired_at"], f)].groupby("campaign_id").size()

    df = cc.join(spent.rename("spend")).join(credited).join(created.rename("leads"))
    df = df.join(acquired.rename("new_customers"))
    active = (
        df["spend"].notna()
        | df["orders"].notna()
        | df["leads"].notna()
        | df["new_customers"].notna()
    )
    df = df[active]
    df[["spend", "revenue"]] = df[["spend", "revenue"]].fillna(0.0)
    for col in ("orders", "leads", "new_customers"):
        df[col] = df[col].fillna(0).astype("int64")

    measures = ["spend", "revenue", "gross_margin", "orders", "leads", "new_customers"]
    out = df.groupby(["channel", "kind", "channel_group"], as_index=False, sort=True)[measures].sum(
        min_count=1
    )
    out["gross_margin"] = out["gross_margin"].astype("float64")
    out["roas"] = _ratio(out["revenue"], out["spend"])
    out["roi"] = _ratio(out["revenue"] - out["spend"], out["spend"])
    out["margin_roi"] = _ratio(out["gross_margin"] - out["spend"], out["spend"])
    out["cpl"] = _ratio(out["spend"], out["leads"])
    out["cac"] = _ratio(out["spend"], out["new_customers"])
    return out


def funnel(t: dict, f: Filters, window_days: float | None = None) -> pd.DataFrame:
    """Leads reaching each stage, conversion, drop-off, skipped stages and median days in
    stage. Every lead is identified at created_at; only its first entry into a stage counts;
    with a window only stages entered within window_days of created_at count."""
    if window_days is not None and window_days < 0:
        raise ValueError("the conversion window must be 0 days or more")
    stages = _stages(t)
    columns = [
        "stage",
        "position",
        "leads",
        "entered",
        "skipped",
        "median_days_in_stage",
        "conversion_from_previous",
        "conversion_from_first",
        "dropped",
    ]

    leads = _with_campaign(t["leads"], _campaign_channels(t))
    leads = leads[_in_range(leads["created_at"], f) & _picked(leads, f)]
    leads = leads[["lead_id", "created_at"]]
    if leads.empty:
        return pd.DataFrame(columns=columns)

    later = t["lead_stages"].merge(stages[stages["position"] > 1], on="stage")
    later = later.groupby(["lead_id", "position"], as_index=False)["entered_at"].min()
    later = later.merge(leads, on="lead_id")
    first = leads.assign(position=1, entered_at=leads["created_at"])
    e = pd.concat([first, later], ignore_index=True)
    e["days"] = (e["entered_at"] - e["created_at"]).dt.total_seconds() / 86400.0
    # The next stage each lead entered, in time, before any window is applied.
    e = e.sort_values(["lead_id", "entered_at", "position"], kind="stable")
    e["next_days"] = e.groupby("lead_id", sort=False)["days"].shift(-1)
    if window_days is not None:
        e = e[e["days"] <= window_days]

    positions = stages["position"].to_numpy()
    furthest = e.groupby("lead_id")["position"].max()
    reached = furthest.value_counts().reindex(positions, fill_value=0)
    leads_at = reached.iloc[::-1].cumsum().iloc[::-1]  # furthest stage here or later
    entered = e.groupby("position").size().reindex(positions, fill_value=0)
    timed = e["next_days"].notna()
    if window_days is not None:
        timed &= e["next_days"] <= window_days
    durations = (e["next_days"] - e["days"])[timed]
    median = durations.groupby(e.loc[timed, "position"]).median().reindex(positions)

    out = stages.copy()
    out["leads"] = leads_at.to_numpy().astype("int64")
    out["entered"] = entered.to_numpy().astype("int64")
    out["skipped"] = out["leads"] - out["entered"]
    out["median_days_in_stage"] = median.to_numpy().astype("float64")
    out["conversion_from_previous"] = _ratio(out["leads"], out["leads"].shift(1))
    out["conversion_from_first"] = _ratio(out["leads"], out["leads"].iloc[0])
    following = out["leads"].shift(-1).fillna(out["leads"])  # 0 dropped at the last stage
    out["dropped"] = (out["leads"] - following).astype("int64")
    return out[columns]


def retention(t: dict, f: Filters, mode: str = "bounded") -> pd.DataFrame:
    """Cohort size, active customers, retention and revenue per cohort month and period,
    from period 0 to the month of the last order. The date range picks cohorts (by
    acquired_at); their later orders all count. mode "unbounded" counts a customer as active
    in every period up to their last ordering period ("on or after")."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    columns = [
        "cohort_month",
        "period",
        "cohort_size",
        "active_bounded",
        "active_unbounded",
        "revenue",
        "gross_margin",
        "orders",
        "complete",
        "active_customers",
        "retention_rate",
    ]

    cf = _customers(t, _campaign_channels(t))
    cf = cf[cf["acquired_at"].notna() & _in_range(cf["acquired_at"], f) & _picked(cf, f)]
    cf = cf[["customer_id", "acquired_at"]].assign(cohort_month=_month(cf["acquired_at"]))
    if cf.empty:
        return pd.DataFrame(columns=columns)

    orders = t["orders"]
    data_end = orders["ordered_at"].max()  # the day of the last order in the warehouse
    end_month = None if pd.isna(data_end) else data_end.year * 12 + data_end.month

    # Each customer's months with orders, from their cohort month on.
    o = orders[["customer_id", "ordered_at", "revenue", "gross_margin"]].merge(
        cf[["customer_id", "cohort_month"]], on="customer_id"
    )
    o["period"] = _month_number(o["ordered_at"]) - _month_number(o["cohort_month"])
    o = o[o["period"] >= 0]
    by_month = o.groupby(["cohort_month", "customer_id", "period"], sort=False)
    months = pd.DataFrame(
        {
            "orders": by_month.size(),
            "revenue": by_month["revenue"].sum(),
            "gross_margin": by_month["gross_margin"].sum(min_count=1),
        }
    ).reset_index()

    sizes = cf.groupby("cohort_month").size().rename("cohort_size").reset_index()
    if end_month is None:
        n_periods = pd.Series(1, index=sizes.index)
    else:
        n_periods = (end_month - _month_number(sizes["cohort_month"])).clip(lower=0) + 1
    grid = sizes.loc[sizes.index.repeat(n_periods)].reset_index(drop=True)
    grid["period"] = grid.groupby("cohort_month").cumcount()

    by_period = months.groupby(["cohort_month", "period"])
    monthly = pd.DataFrame(
        {
            "active_bounded": by_period.size(),
            "orders": by_period["orders"].sum(),
            "revenue": by_period["revenue"].sum(),
            "gross_margin": by_period["gross_margin"].sum(min_count=1),
        }
    )
    lasts = (
        months.groupby(["cohort_month", "customer_id"])["period"]
        .max()
        .reset_index()
        .groupby(["cohort_month", "period"])
        .size()
        .rename("last_here")
    )
    out = grid.join(monthly, on=["cohort_month", "period"]).join(
        lasts, on=["cohort_month", "period"]
    )
    out["active_bounded"] = out["active_bounded"].fillna(0).astype("int64")
    out["orders"] = out["orders"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0).astype("float64")
    out["gross_margin"] = out["gross_margin"].astype("float64")
    # "On or after": customers whose last ordering period is this one or later.
    last_here = out["last_here"].fillna(0).astype("int64")
    out["active_unbounded"] = last_here.iloc[::-1].groupby(out["cohort_month"]).cumsum()
    # Complete: the period's month has ended by the last order's day.
    if end_month is None:
        out["complete"] = pd.array([pd.NA] * len(out), dtype="boolean")
    else:
        day_after = data_end.normalize() + DAY
        period_month = _month_number(out["cohort_month"]) + out["period"]
        out["complete"] = period_month < day_after.year * 12 + day_after.month
    out["active_customers"] = out[f"active_{mode}"]
    out["retention_rate"] = _ratio(out["active_customers"], out["cohort_size"])
    return out[columns]


# --- the equality check -------------------------------------------------------------------------


def _comparable(df: pd.DataFrame, cols: list[str], keys: list[str]) -> pd.DataFrame:
    out = df[cols].copy()
    for col in ("month", "cohort_month"):
        if col in out:
            out[col] = pd.to_datetime(out[col]).astype("datetime64[us]")
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def same(view: str, ours: pd.DataFrame, theirs: pd.DataFrame) -> str | None:
    """None when the two frames agree on the view's contract columns (VIEW_COLUMNS[view]):
    same rows after sorting by the key columns, numbers equal to 1e-9 relative (1e-12
    absolute near zero), nulls in the same places. Else a short description of the first
    difference."""
    cols = VIEW_COLUMNS[view]
    keys = KEYS[view]
    for name, df in (("ours", ours), ("theirs", theirs)):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            return f"{view}: {name} lacks columns {', '.join(missing)}"
    if len(ours) != len(theirs):
        return f"{view}: {len(ours)} rows in ours, {len(theirs)} in theirs"
    a, b = _comparable(ours, cols, keys), _comparable(theirs, cols, keys)
    for col in cols:
        x, y = a[col], b[col]
        x_null, y_null = x.isna().to_numpy(), y.isna().to_numpy()
        if _numeric(x) and _numeric(y):
            xv, yv = x.to_numpy("float64", na_value=np.nan), y.to_numpy("float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                close = np.abs(xv - yv) <= np.maximum(
                    RTOL * np.maximum(np.abs(xv), np.abs(yv)), ATOL
                )
        else:
            close = (x.astype(object) == y.astype(object)).to_numpy(bool)
        ok = (x_null == y_null) & (x_null | close)
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            where = ", ".join(f"{k}={b.at[i, k]}" for k in keys)
            return f"{view}: row {i} ({where}) {col}: ours {x[i]!r}, theirs {y[i]!r}"
    return None
