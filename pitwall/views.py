"""The views: what pages, exports and the report show. One function per view.

Each returns the contract's columns (EXPORTS) first, then any extra columns a page uses;
the export keeps only the contract's. Pages only lay out what these return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from pitwall import attribution, economics, landing, queries, rollups, weeks
from pitwall.attribution import DEFAULT_LOOKBACK, DEFAULT_MODEL
from pitwall.filters import COMPARISONS, Filters
from pitwall.lead_views import lead_scores, lead_sources  # noqa: F401 (exported: EXPORTS)
from pitwall.loyalty import (  # noqa: F401  (views the pages, EXPORTS and the CLI call)
    campaign_media,
    frequencies,
    frequency,
    frequency_summary,
    media,
    media_totals,
    nps,
    nps_groups,
    nps_summary,
    nps_value,
)
from pitwall.metrics import add_totals, derive, derive_funnel, ratio
from pitwall.schema import LOST


@dataclass(frozen=True)
class Export:
    """A view the command line exports: its function here, the contract's columns (in
    order), and the view's own options the CLI passes on (the shared filters always)."""

    view: str
    columns: tuple[str, ...]
    options: tuple[str, ...] = ()


EXPORTS: dict[str, Export] = {
    "spend-balance": Export(
        "spend_balance", ("month", "kind", "spend", "budget", "share_of_spend")
    ),
    "channel-roi": Export(
        "channel_roi",
        (
            "channel",
            "kind",
            "spend",
            "revenue",
            "roas",
            "roi",
            "leads",
            "cpl",
            "new_customers",
            "cac",
        ),
        ("model", "lookback_days"),
    ),
    "funnel": Export(
        "funnel",
        (
            "stage",
            "position",
            "leads",
            "conversion_from_previous",
            "conversion_from_first",
            "dropped",
            "skipped",
            "median_days_in_stage",
        ),
        ("window_days",),
    ),
    "retention": Export(
        "retention",
        ("cohort_month", "period", "cohort_size", "active_customers", "retention_rate", "revenue"),
        ("mode",),
    ),
    "cohort-economics": Export(
        "cohort_economics",
        (
            "channel",
            "kind",
            "new_customers",
            "cac",
            "ltv_12m",
            "ltv_margin_12m",
            "ltv_to_cac",
            "payback_months",
            "mature_customers",
        ),
    ),
    "targets": Export("landing_forecast", landing.COLUMNS, ("month", "quarter", "as_of", "method")),
    "lead-sources": Export(
        "lead_sources", ("source", "kind", "leads", "qualified", "won", "win_rate", "revenue")
    ),
    "lead-scores": Export(
        "lead_scores", ("lead_id", "score", "band", "top_reasons"), ("open_only",)
    ),
    "nps": Export("nps", ("month", "responses", "promoters", "passives", "detractors", "nps")),
    "nps-value": Export(
        "nps_value", ("group", "customers", "revenue_per_customer", "retention_12m")
    ),
    "purchase-frequency": Export(
        "frequencies",
        ("breakdown", "group", "buyers", "orders", "revenue", "purchase_frequency", "aov"),
    ),
    "media": Export(
        "campaign_media",
        (
            "channel",
            "kind",
            "campaign_id",
            "campaign_name",
            "spend",
            "impressions",
            "clicks",
            "ctr",
            "cpc",
            "cpm",
        ),
    ),
}
VIEW_COLUMNS = {name: list(e.columns) for name, e in EXPORTS.items()}
ROI_RATIOS = ["roas", "roi", "margin_roi", "cpl", "cac"]
ROI_MEASURES = ["spend", "revenue", "gross_margin", "orders", "leads", "new_customers"]
MODES = ("bounded", "unbounded")
THIS_PERIOD = "This period"


def spend_balance(con, f: Filters) -> pd.DataFrame:
    df = queries.run(con, "spend_balance/monthly", f.params())
    return derive(df, ["share_of_spend"])


def channel_roi(
    con,
    f: Filters,
    by: str = "channel",
    model: str = DEFAULT_MODEL,
    lookback_days: int = DEFAULT_LOOKBACK,
) -> pd.DataFrame:
    """ROI per channel (by='channel') or per campaign (by='campaign'), revenue credited by
    the attribution `model` over `lookback_days` of touchpoints."""
    params = f.params() | attribution.params(model, lookback_days)
    df = queries.run(con, rollups.query("channel_roi/by_campaign", lookback_days), params)
    if by == "channel":
        keys = ["channel", "kind", "channel_group"]
        df = df.groupby(keys, as_index=False, sort=True, dropna=False)[ROI_MEASURES].sum(
            min_count=1
        )
        df["gross_margin"] = df["gross_margin"].astype("float64")
        for col in ("spend", "revenue"):
            df[col] = df[col].fillna(0.0)
    elif by != "campaign":
        raise ValueError(f"by must be 'channel' or 'campaign', not {by!r}")
    if not revenue_attributed(con):
        # revenue known only as sales totals: no channel earned nothing, none is credited
        df[["revenue", "gross_margin"]] = float("nan")
    return derive(df, ROI_RATIOS)


def revenue_attributed(con) -> bool:
    """False when revenue comes only from `sales` totals (no orders): then no campaign is
    credited with revenue, and ROAS and ROI have nothing to say."""
    row = queries.run(con, "channel_roi/sales", {"start": None, "end": None}).iloc[0]
    return bool(row["orders"]) or not row["sales_rows"]


def sales_revenue(con, f: Filters) -> dict:
    """Channel ROI's note when revenue is only sales totals: whether it is attributed, and
    the sales revenue in the period (all of it: totals carry no campaign)."""
    row = queries.run(con, "channel_roi/sales", f.params()).iloc[0]
    revenue = row["revenue"]
    return {
        "attributed": revenue_attributed(con),
        "revenue": None if pd.isna(revenue) else float(revenue),
        "rows": int(row["sales_rows"]),
    }


def roi_totals(roi: pd.DataFrame) -> dict:
    """The Channel ROI tiles: the measures summed over the rows, the ratios of the sums."""
    return add_totals(roi, ROI_MEASURES, ROI_RATIOS)


def funnel(
    con, f: Filters, window_days: float | None = None, breakdown: str | None = None
) -> pd.DataFrame:
    if window_days is not None and window_days < 0:
        raise ValueError("the conversion window must be 0 days or more")
    params = f.params() | {"window_days": window_days}
    # no window: the rollups; a window reads the lead stage entries (docs/metrics.md)
    name = "funnel/stages" if window_days is not None else "funnel/stages_rolled"
    df = queries.run(con, name, params, group=breakdown)
    return derive_funnel(df)


def window_conversion(con, f: Filters, window_days: float) -> pd.DataFrame:
    """funnel()'s leads and conversions per stage under a conversion window, without the
    days in stage: from the rollup for the stored window (the weekly review's), else from
    the lead stage entries."""
    if window_days < 0:
        raise ValueError("the conversion window must be 0 days or more")
    stored = window_days == rollups.STORED_WINDOW
    name = "funnel/window_leads_rolled" if stored else "funnel/window_leads"
    return derive_funnel(queries.run(con, name, f.params() | {"window_days": window_days}))


def funnel_summary(stages: pd.DataFrame) -> dict:
    """The Funnel tiles from the funnel view: leads, leads reaching the last stage, win rate
    (conversion from first into the last stage), stage skips, and the stage with the
    biggest drop (lowest conversion from the previous stage)."""
    if stages.empty:
        return {
            "leads": 0,
            "won": 0,
            "win_rate": None,
            "skipped": 0,
            "last_stage": None,
            "worst_stage": None,
            "worst_conversion": None,
        }
    worst = stages.iloc[1:].dropna(subset=["conversion_from_previous"])
    worst = worst.sort_values("conversion_from_previous", kind="stable").head(1)
    return {
        "leads": int(stages["leads"].iloc[0]),
        "won": int(stages["leads"].iloc[-1]),
        "win_rate": stages["conversion_from_first"].iloc[-1],
        "skipped": int(stages["skipped"].sum()),
        "last_stage": stages["stage"].iloc[-1],
        "worst_stage": worst["stage"].iloc[0] if len(worst) else None,
        "worst_conversion": worst["conversion_from_previous"].iloc[0] if len(worst) else None,
    }


def periods(now: pd.DataFrame, before: pd.DataFrame, compare: str) -> pd.DataFrame:
    """A view's rows for this period and the one it is compared with, labelled in `period`
    ("This period", then filters.COMPARISONS[compare])."""
    return pd.concat(
        [now.assign(period=THIS_PERIOD), before.assign(period=COMPARISONS[compare])],
        ignore_index=True,
    )


def retention(con, f: Filters, mode: str = "bounded", breakdown: str | None = None) -> pd.DataFrame:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    df = queries.run(con, "cohorts/retention_rolled", f.params(), group=breakdown)
    df["active_customers"] = df[f"active_{mode}"]
    return derive(df, ["retention_rate"])


def ltv_curves(con, f: Filters, breakdown: str | None = "channel") -> pd.DataFrame:
    """Cumulative revenue (and margin) per acquired customer by month since acquisition."""
    return economics.curves(queries.run(con, "cohorts/ltv_rolled", f.params(), group=breakdown))


def cohort_economics(con, f: Filters) -> pd.DataFrame:
    """Per acquisition channel: the Cohorts page's customers, the channel's spend over them
    (CAC), 12-month value and payback."""
    return economics.by_channel(channel_roi(con, f), ltv_curves(con, f, "channel"))


def retention_summary(cohorts: pd.DataFrame) -> dict:
    """The Cohorts tiles from the retention view: customers acquired, month-1 retention
    (complete cells only, pooled) and the cohorts' revenue."""
    return {
        "cohort_size": cohorts.drop_duplicates("cohort_month")["cohort_size"].sum(),
        "retention_rate": economics.pooled_retention(cohorts, period=1),
        "revenue": cohorts["revenue"].sum(),
    }


def pooled_retention(con, f: Filters, mode: str, breakdown: str) -> pd.DataFrame:
    """Retention by period and group, pooling every shown cohort whose period is complete."""
    return economics.pooled_curve(retention(con, f, mode=mode, breakdown=breakdown))


def cumulative_revenue(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Each cohort's cumulative revenue per customer by period (the retention view's)."""
    return cohorts.assign(
        cumulative=cohorts.groupby("cohort_month")["revenue"].cumsum() / cohorts["cohort_size"],
        grp=cohorts["cohort_month"].dt.strftime("%Y-%m"),
    )


def what_if(con, f: Filters, lift: float) -> pd.DataFrame:
    """Revenue gained per period at `lift` more retention points (economics.what_if)."""
    return economics.what_if(retention(con, f, mode="bounded"), lift)


def economics_summary(econ: pd.DataFrame) -> dict:
    """Cohort economics over all channels: 12-month value per customer, CAC (all channels'
    spend over all their new customers) and their ratio."""
    customers = econ["new_customers"].sum()
    value = (econ["ltv_12m"] * econ["new_customers"]).sum(min_count=1)
    out = pd.DataFrame(
        [
            {
                "ltv_12m": value / customers if customers else None,
                "spend": econ["spend"].sum(),
                "new_customers": customers,
            }
        ]
    )
    out = derive(out, ["cac"])
    return derive(out, ["ltv_to_cac"]).iloc[0].to_dict()


def what_if_summary(gained: pd.DataFrame) -> dict:
    """The what-if's totals: revenue gained (empty when no period could be priced) and the
    extra active customer-months."""
    return {
        "revenue_gained": gained["revenue_gained"].sum(min_count=1) if len(gained) else None,
        "extra_customers": gained["extra_customers"].sum() if len(gained) else 0.0,
    }


def landing_forecast(
    con,
    f: Filters,
    month: str | None = None,
    quarter: str | None = None,
    as_of=None,
    method: str = landing.DEFAULT_METHOD,
) -> pd.DataFrame:
    """Every target of the month (or quarter) projected to its end (pitwall/landing.py)."""
    return landing.landing(con, f, month=month, quarter=quarter, as_of=as_of, method=method)


def target_notes(con, f: Filters) -> dict[str, str]:
    """For the KPI tiles: each targeted metric's month target and landing projection, as a
    line under the value ("Feb target €500 · landing €560, 112 %, at risk"). The month is
    that of the period's last day (or the data's, if earlier), projected as of that day."""
    from pitwall import formatting

    last = landing.default_as_of(con)
    if last is None:
        return {}
    day = min(f.end, last) if f.end else last
    df = landing.landing(con, f, period=landing.month(day), as_of=day)
    notes = {}
    for _, r in df.iterrows():
        if r["metric"] in notes:
            continue  # the first (widest) scope the filters show
        what = "budget" if r["source"] == "budget" else "target"
        status = landing.STATUS_LABELS.get(r["status"], "").lower()
        notes[r["metric"]] = (
            f"{day:%b} {what} {formatting.fmt(r['fmt'], r['target'])} · landing "
            f"{formatting.fmt(r['fmt'], r['projected'])}"
            + (f" ({formatting.percent(r['projected_vs_target'], 0)}, {status})" if status else "")
        )
    return notes


def landing_table(forecast: pd.DataFrame) -> pd.DataFrame:
    """The "Will we land?" rows as the page shows them (report.landing_rows, formatted)."""
    from pitwall import report

    rows = report.landing_rows(forecast)
    # which target and its verdict first: on a phone the last columns scroll out of sight
    return pd.DataFrame(
        {
            "Metric": [r.label + (" (budget)" if r.note else "") for r in rows],
            "Period": [r.period for r in rows],
            "Status": [r.status_label for r in rows],
            "Projected vs target": [r.vs_target for r in rows],
            "Projected": [r.projected for r in rows],
            "Target": [r.target for r in rows],
            "Actual so far": [r.actual for r in rows],
        }
    )


def export(con, name: str, f: Filters, **options) -> pd.DataFrame:
    """The export `name` (EXPORTS) with the filters and the options that view takes."""
    e = EXPORTS[name]
    frame = globals()[e.view](con, f, **{k: v for k, v in options.items() if k in e.options})
    return export_frame(name, frame)


def export_frame(view: str, df: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns, months written as YYYY-MM."""
    out = df[VIEW_COLUMNS[view]].copy()
    floats = out.select_dtypes("float").columns
    out[floats] = out[floats].round(6)  # drop binary noise like 57185.83000000001
    for col in ("month", "cohort_month"):
        if col in out:
            out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m")
    return out


# --- supporting queries the pages (and the report) use beside the four views ---


def spend_totals(con, f: Filters) -> dict:
    """Period totals for the spend KPIs: spend, budget, spend/budget and online share."""
    both = spend_balance(con, replace(f, kind=None))
    shown = both if f.kind is None else both[both["kind"] == f.kind]
    sums = pd.DataFrame(
        [
            {
                "spend": shown["spend"].sum(),
                "budget": shown["budget"].sum(min_count=1),
                "online_spend": both.loc[both["kind"] == "online", "spend"].sum(),
                "all_spend": both["spend"].sum(),
            }
        ]
    )
    out = derive(sums, ["spend_to_budget", "online_share"]).iloc[0].to_dict()
    out["has_data"] = bool(out["spend"] != 0 or pd.notna(out["budget"]))
    goal = targets(con, f)
    # the target of the period's last month with one
    out["online_share_target"] = goal["online_share"].iloc[-1] if len(goal) else None
    return out


def spend_by_channel(con, f: Filters) -> pd.DataFrame:
    """Spend and budget per month and channel, with spend against budget (`variance`:
    (spend − budget) / budget)."""
    df = queries.run(con, "spend_balance/by_channel", f.params())
    return df.assign(variance=ratio(df["spend"] - df["budget"], df["budget"]))


def budget_by_channel(by_channel: pd.DataFrame) -> pd.DataFrame:
    """spend_by_channel summed over the months: spend and budget per channel."""
    return by_channel.groupby(["channel", "kind"], as_index=False)[["spend", "budget"]].sum(
        min_count=1
    )


def targets(con, f: Filters) -> pd.DataFrame:
    return queries.run(con, "spend_balance/targets", f.params())


def pacing(con, f: Filters, asof) -> pd.DataFrame:
    """Budget pacing per channel for the month of `asof`, up to that day."""
    df = queries.run(con, "spend_balance/pacing", f.params() | {"asof": asof})
    df["prorated_budget"] = df["budget"] * df["days_elapsed"] / df["days_in_month"]
    df["pacing"] = ratio(df["spend_to_date"], df["prorated_budget"])
    return df


def unattributed(
    con, f: Filters, model: str = DEFAULT_MODEL, lookback_days: int = DEFAULT_LOOKBACK
) -> dict:
    params = f.params() | attribution.params(model, lookback_days)
    name = rollups.query("channel_roi/unattributed", lookback_days)
    return queries.run(con, name, params).iloc[0].to_dict()


UNATTRIBUTED_REASONS = {
    "no_campaign": "Orders with no campaign and no touchpoint in the lookback",
    "no_channel": "Credited to a campaign that is not in campaigns.csv (or has no channel)",
}


def unattributed_reasons(
    con, f: Filters, model: str = DEFAULT_MODEL, lookback_days: int = DEFAULT_LOOKBACK
) -> pd.DataFrame:
    """The unattributed revenue by reason (UNATTRIBUTED_REASONS), with its share of all
    revenue in the range."""
    params = f.params() | attribution.params(model, lookback_days)
    df = queries.run(con, rollups.query("channel_roi/unattributed_reasons", lookback_days), params)
    return df.assign(reason=df["reason"].map(UNATTRIBUTED_REASONS))


def attributed_share(loose: dict) -> float | None:
    """The share of all the range's revenue that the model credits to some channel: 1 −
    unattributed / all (empty without revenue). The dimensions' filters do not change it."""
    return 1 - ratio([loose["revenue"]], [loose["total_revenue"]]).iloc[0]


def model_credits(con, f: Filters, lookback_days: int = DEFAULT_LOOKBACK) -> pd.DataFrame:
    """Each channel's credited revenue under every attribution model."""
    params = f.params() | attribution.params(lookback_days=lookback_days)
    name = rollups.query("channel_roi/models", lookback_days)
    return queries.run(con, name, params | {"models": list(attribution.MODELS)})


def attribution_models(con, f: Filters, lookback_days: int = DEFAULT_LOOKBACK) -> pd.DataFrame:
    """Every model's credited revenue and ROAS per channel, in long form with labels and the
    credit against last touch (attribution.compare, attribution.labelled)."""
    roi = channel_roi(con, f, lookback_days=lookback_days)  # the channels and their spend
    return attribution.labelled(attribution.compare(roi, model_credits(con, f, lookback_days)))


PARETO_SHARE = 0.8  # "n campaigns bring 80 % of the credited revenue"
PARETO_CAMPAIGNS = 50  # the chart's campaigns at most


def campaign_pareto(campaigns: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Campaigns by credited revenue, largest first (ties by name), with the cumulative
    share of all credited revenue; and how many bring PARETO_SHARE of it."""
    ranked = campaigns[campaigns["revenue"] > 0].sort_values(
        ["revenue", "campaign_name"], ascending=[False, True], kind="stable"
    )
    ranked = ranked.head(PARETO_CAMPAIGNS).reset_index(drop=True)
    total = campaigns["revenue"].sum()
    ranked = ranked.assign(
        rank=range(1, len(ranked) + 1), cumulative_share=ranked["revenue"].cumsum() / total
    )
    top = min(int((ranked["cumulative_share"] < PARETO_SHARE).sum()) + 1, len(ranked))
    return ranked, top


WEEK_MEASURES = [
    "spend",
    "online_spend",
    "all_spend",
    "revenue",
    "leads",
    "new_customers",
    "deals_won",
    "buyers",
]
WEEK_RATIOS = ["online_share", "roas", "cpl", "cac"]


def weekly(con, f: Filters) -> pd.DataFrame:
    """One row per ISO week from f.start's week to f.end's week, quiet weeks included."""
    first, last = weeks.monday_of(f.start), weeks.monday_of(f.end)
    params = replace(f, start=first, end=weeks.sunday(last)).params()
    params["lookback_days"] = DEFAULT_LOOKBACK  # revenue is credited as Channel ROI's default
    name = rollups.query("weekly/measures", DEFAULT_LOOKBACK)
    df = queries.run_within(con, name, params, "week")
    every = pd.DatetimeIndex(pd.date_range(first, last, freq="7D"), name="week")
    df["week"] = pd.to_datetime(df["week"])
    df = df.set_index("week").reindex(every, fill_value=0).reset_index()
    df[WEEK_MEASURES] = df[WEEK_MEASURES].astype("float64")
    return derive(df, WEEK_RATIOS)


EVENT_LAUNCHES = 3  # campaign launches marked on a chart: those with the most spend
BEFORE_AFTER_DAYS = 28
BEFORE_AFTER = ["spend", "revenue", "roas", "leads", "cpl", "new_customers", "cac"]


def events(con, f: Filters, launches: int = EVENT_LAUNCHES) -> pd.DataFrame:
    """What happened in f.start..f.end, picked like the chart's data: the events table, and
    the launches of the `launches` campaigns with the most spend in the range."""
    df = queries.run(con, "common/events", f.params() | {"launches": launches})
    for col in ("date", "end_date"):
        df[col] = pd.to_datetime(df[col])
    return df


def before_after(con, f: Filters, day, days: int = BEFORE_AFTER_DAYS) -> pd.DataFrame:
    """The `days` days before `day` against the `days` days from `day` on (day included),
    for BEFORE_AFTER, with the filters' channel, kind, segment and region: one row per
    metric with before, after and the change (points for a percentage). When the data ends
    sooner, both windows shrink to the days after `day` that the data covers (column
    `days`), so the two sides always compare equal lengths."""
    day = pd.Timestamp(day).date()
    _, last = data_span(con)
    if last is not None:
        days = max(0, min(days, (last - day).days + 1))
    start, end = day - dt.timedelta(days=days), day + dt.timedelta(days=days - 1)
    daily = queries.run(
        con,
        rollups.query("targets/daily", DEFAULT_LOOKBACK),
        replace(f, start=start, end=end, kind=None).params() | {"lookback_days": DEFAULT_LOOKBACK},
    )
    if f.kind is not None:
        daily = daily[daily["kind"] == f.kind]
    daily["after"] = pd.to_datetime(daily["day"]).dt.date >= day
    measures = ["spend", "revenue", "leads", "new_customers"]
    sums = daily.groupby("after")[measures].sum().reindex([False, True], fill_value=0)
    both = derive(sums.astype("float64"), ["roas", "cpl", "cac"])
    out = pd.DataFrame(
        {
            "metric": BEFORE_AFTER,
            "before": both.loc[False, BEFORE_AFTER].to_numpy(),
            "after": both.loc[True, BEFORE_AFTER].to_numpy(),
        }
    )
    out["change"] = ratio(out["after"] - out["before"], out["before"])
    out["before_start"], out["after_end"], out["days"] = start, end, days
    return out


def before_after_table(card: pd.DataFrame) -> pd.DataFrame:
    """The before/after card as the page shows it: formatted, changes as text."""
    from pitwall import formatting
    from pitwall.metrics import METRICS

    n = int(card["days"].iloc[0]) if len(card) else BEFORE_AFTER_DAYS
    return pd.DataFrame(
        {
            "Metric": [METRICS[m].label for m in card["metric"]],
            f"{n} days before": [
                formatting.fmt(METRICS[m].fmt, v)
                for m, v in zip(card["metric"], card["before"], strict=True)
            ],
            f"{n} days from": [
                formatting.fmt(METRICS[m].fmt, v)
                for m, v in zip(card["metric"], card["after"], strict=True)
            ],
            "Change": [
                formatting.change(METRICS[m].fmt, a, b) or "–"
                for m, a, b in zip(card["metric"], card["after"], card["before"], strict=True)
            ],
        }
    )


def data_span(con) -> tuple:
    row = queries.run(con, "common/data_span").iloc[0]
    return (
        None if pd.isna(row.first_day) else row.first_day.date(),
        None if pd.isna(row.last_day) else row.last_day.date(),
    )


def channel_kinds(con) -> dict[str, str]:
    df = queries.run(con, "common/channel_kinds")
    return dict(zip(df["channel"], df["kind"], strict=True))


def filter_options(con) -> dict[str, list]:
    df = queries.run(con, "common/filter_options")
    return {k: g["value"].tolist() for k, g in df.groupby("filter")}


def health(con, stuck_days: int = 90) -> pd.DataFrame:
    return queries.run(con, "data/health", {"stuck_days": stuck_days, "lost": LOST})
