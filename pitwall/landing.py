"""Will we land? Targets against a forecast of the month's or quarter's end.

For every target of the period (and spend against budget where spend has no target) the
actual so far is projected to the period's last day and judged by the metric's good
direction (metrics.Metric.direction). Definitions and thresholds: docs/metrics.md, "Targets
and landing forecasts".

- run_rate (the default): actual from the period's first day through the as-of day
  inclusive / elapsed days × days in the period.
- seasonal: actual / the share of last year's same period that its same days reached
  (the same dates a year earlier). A measure falls back to the run rate when the data does
  not reach back to last year's period start, or last year's period total is zero.

A ratio (ROAS, CPL, CAC, online share) is the projection of its numerator over that of its
denominator. A quarter sums its months' actuals; its target is the sum of its months'
targets (the mean for a ratio), and only when every month of it has one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pitwall import queries, rollups
from pitwall.attribution import DEFAULT_LOOKBACK
from pitwall.filters import FilterError, Filters, parse_date
from pitwall.metrics import METRICS, TARGET_METRICS

METHODS = ("run_rate", "seasonal")
DEFAULT_METHOD = "run_rate"
# How far on the wrong side of its target a projection may land (as a share of the target)
# and still be on track, or at risk; beyond AT_RISK it is off track. "Wrong side": under for
# more-is-better, over for less-is-better, either way for on-target metrics (spend).
ON_TRACK = 0.05
AT_RISK = 0.15
STATUSES = ("on_track", "at_risk", "off_track")
STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}
MEASURES = ("spend", "revenue", "leads", "new_customers", "deals_won")
COLUMNS = (
    "metric",
    "channel",
    "kind",
    "period",
    "target",
    "actual",
    "projected",
    "projected_vs_target",
    "status",
)

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-?Q([1-4])")


@dataclass(frozen=True)
class Period:
    name: str  # 2025-02 or 2025-Q1
    start: dt.date
    end: dt.date
    months: tuple[dt.date, ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if len(self.months) == 1:
            return f"{self.start:%b %Y}"
        return f"{self.name[-2:]} {self.start.year}"


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _month_end(first: dt.date) -> dt.date:
    return _month_start(first.year, first.month + 1) - dt.timedelta(days=1)


def month(day: dt.date) -> Period:
    first = day.replace(day=1)
    return Period(f"{first:%Y-%m}", first, _month_end(first), (first,))


def quarter(day: dt.date) -> Period:
    q = (day.month - 1) // 3
    first = dt.date(day.year, 3 * q + 1, 1)
    months = tuple(_month_start(day.year, 3 * q + i + 1) for i in range(3))
    return Period(f"{day.year}-Q{q + 1}", first, _month_end(months[-1]), months)


def parse_period(text: str) -> Period:
    """A month written YYYY-MM or a quarter written YYYY-Qn."""
    t = str(text).strip().upper()
    if m := _QUARTER.fullmatch(t):
        return quarter(dt.date(int(m[1]), 3 * int(m[2]) - 2, 1))
    if (m := _MONTH.fullmatch(t)) and 1 <= int(m[2]) <= 12:
        return month(dt.date(int(m[1]), int(m[2]), 1))
    raise FilterError(f"a period is a month like 2025-02 or a quarter like 2025-Q1, not {text!r}")


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def daily(con, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Base measures per day and channel over the whole business (targets carry their own
    scope; see `applies`)."""
    params = Filters(start, end).params() | {"lookback_days": DEFAULT_LOOKBACK}
    df = queries.run(con, rollups.query("targets/daily", DEFAULT_LOOKBACK), params)
    df["day"] = pd.to_datetime(df["day"]).dt.date
    return df


def _totals(rows: pd.DataFrame, first: dt.date, last: dt.date) -> dict:
    """The base measures summed over first..last (inclusive), online and all spend apart."""
    inside = rows[(rows["day"] >= first) & (rows["day"] <= last)]
    out = {m: float(inside[m].sum()) for m in MEASURES}
    out["online_spend"] = float(inside.loc[inside["kind"] == "online", "spend"].sum())
    out["all_spend"] = float(inside["spend"].sum())
    return out


def _scope(day_rows: pd.DataFrame, channel, kind, metric: str) -> pd.DataFrame:
    """The rows a target's scope counts. The online share of a scope counts both kinds."""
    if isinstance(channel, str):
        return day_rows[day_rows["channel"] == channel]
    if isinstance(kind, str) and metric != "online_share":
        return day_rows[day_rows["kind"] == kind]
    return day_rows


def applies(f: Filters, channel, kind, channel_kind) -> bool:
    """A target shows under the filters when its scope is inside what they pick, so its
    actual is the same whichever way it is reached: a whole-business target with no filter,
    a channel's when the channel (and its kind) are picked, a kind's when no channel is."""
    if f.segment or f.region:
        return False
    if isinstance(channel, str):
        return (not f.channels or channel in f.channels) and f.kind in (None, channel_kind)
    if isinstance(kind, str):
        return not f.channels and f.kind in (None, kind)
    return not f.channels and f.kind is None


def status(metric: str, projected_vs_target) -> str | None:
    if projected_vs_target is None or not np.isfinite(projected_vs_target):
        return None
    direction = METRICS[metric].direction
    if direction == "more":
        short = 1 - projected_vs_target
    elif direction == "less":
        short = projected_vs_target - 1
    else:
        short = abs(projected_vs_target - 1)
    if short <= ON_TRACK + 1e-12:
        return "on_track"
    return "at_risk" if short <= AT_RISK + 1e-12 else "off_track"


def _project(
    rows: pd.DataFrame, period: Period, as_of: dt.date, method: str, history: dt.date | None
) -> tuple[dict, dict, dict]:
    """Actual and projected base measures of `rows` for the period, and the method each
    measure's projection used."""
    last = min(as_of, period.end)
    actual = _totals(rows, period.start, last)
    elapsed = (last - period.start).days + 1
    plain = {k: "run_rate" for k in actual}
    if elapsed <= 0:
        return {k: 0.0 for k in actual}, {k: np.nan for k in actual}, plain
    run = {k: v / elapsed * period.days for k, v in actual.items()}
    if method != "seasonal" or last >= period.end:
        return actual, (actual if last >= period.end else run), plain
    ly_start = _year_before(period.start)
    ly_end = _month_end(_month_start(ly_start.year, ly_start.month + len(period.months) - 1))
    if history is None or history > ly_start:
        return actual, run, plain
    so_far = _totals(rows, ly_start, _year_before(last))
    whole = _totals(rows, ly_start, ly_end)
    projected, used = {}, {}
    for k, v in actual.items():
        if whole[k] > 0 and so_far[k] > 0:
            projected[k] = v / (so_far[k] / whole[k])
            used[k] = "seasonal"
        else:
            projected[k] = run[k]
            used[k] = "run_rate"
    return actual, projected, used


def _value(metric: str, measures: dict) -> float:
    m = METRICS[metric]
    if m.parts is None:
        return measures[metric]
    return float(m.compute(pd.DataFrame([measures])).iloc[0])


def _months(df: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The rows of the period's months (the target tables are read whole, once per page)."""
    return queries.rows_between(df, "month", period.months[0], period.months[-1])


def _targets(con, period: Period) -> pd.DataFrame:
    """The period's targets, one row per metric and scope: a month's as loaded; a quarter's
    summed over its months (averaged for a ratio) when every month has one."""
    df = _months(queries.run(con, "targets/targets"), period)
    keys = ["metric", "channel", "kind", "channel_kind"]
    if df.empty:
        return pd.DataFrame(columns=keys + ["target"])
    out = []
    for key, g in df.groupby(keys, dropna=False, sort=False):
        if g["month"].nunique() < len(period.months):
            continue
        metric = key[0]
        value = g["value"].mean() if METRICS[metric].parts else g["value"].sum()
        out.append(dict(zip(keys, key, strict=True)) | {"target": float(value)})
    return pd.DataFrame(out, columns=keys + ["target"])


def _budgets(con, period: Period, f: Filters) -> list[dict]:
    """Spend against budget where spend has no target: the whole business (no filter) or
    each picked channel, when every month of the period has a budget."""
    df = _months(queries.run(con, "targets/budgets"), period)
    scopes = [(ch, None) for ch in f.channels] if f.channels else [(None, f.kind)]
    out = []
    for channel, kind in scopes:
        picked = df
        if channel:
            picked = df[df["channel"] == channel]
        elif kind:
            picked = df[df["kind"] == kind]
        if picked["month"].nunique() < len(period.months) or f.segment or f.region:
            continue
        channel_kind = picked["kind"].iloc[0] if channel else None
        if channel and f.kind not in (None, channel_kind):
            continue
        out.append(
            {
                "metric": "spend",
                "channel": channel,
                "kind": kind,
                "channel_kind": channel_kind,
                "target": float(picked["budget"].sum()),
            }
        )
    return out


def default_as_of(con) -> dt.date | None:
    row = queries.run(con, "common/data_span").iloc[0]
    return None if pd.isna(row.last_day) else pd.Timestamp(row.last_day).date()


def resolve(con, month_: str | None = None, quarter_: str | None = None, as_of=None):
    """The period and as-of day from the options (defaults: the month of the data's last
    day, as of that day)."""
    if month_ and quarter_:
        raise FilterError("give --month or --quarter, not both")
    if isinstance(as_of, str):
        as_of = parse_date(as_of, "--as-of")
    last = default_as_of(con)
    if as_of is None and last is None and not (month_ or quarter_):
        return None, None
    if month_ or quarter_:
        period = parse_period(month_ or quarter_)
        if quarter_ and not _QUARTER.fullmatch(str(quarter_).strip().upper()):
            raise FilterError(f"a quarter is written like 2025-Q1, not {quarter_!r}")
        if month_ and not _MONTH.fullmatch(str(month_).strip()):
            raise FilterError(f"a month is written like 2025-02, not {month_!r}")
        if as_of is None:
            as_of = min(last, period.end) if last else period.start - dt.timedelta(days=1)
    else:
        as_of = as_of or last
        period = month(as_of)
    return period, as_of


def landing(
    con,
    f: Filters | None = None,
    month: str | None = None,
    quarter: str | None = None,
    as_of=None,
    method: str = DEFAULT_METHOD,
    period: Period | None = None,
) -> pd.DataFrame:
    """One row per target of the period that the filters show (COLUMNS first), spend
    against budget where spend has none, in TARGET_METRICS order."""
    f = f or Filters()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if period is None:
        period, as_of = resolve(con, month, quarter, as_of)
    elif as_of is None:
        as_of = min(default_as_of(con) or period.end, period.end)
    extra = ["label", "fmt", "direction", "method", "source", "as_of", "elapsed_days", "days"]
    if period is None:
        return pd.DataFrame(columns=[*COLUMNS, *extra])
    goals = _targets(con, period)
    goals = goals[
        [
            applies(f, r.channel, r.kind, r.channel_kind)
            for r in goals.itertuples(index=False)
        ]
    ] if len(goals) else goals
    rows = goals.assign(source="target").to_dict("records")
    has_spend = {(r["channel"], r["kind"]) for r in rows if r["metric"] == "spend"}
    rows += [
        b | {"source": "budget"}
        for b in _budgets(con, period, f)
        if (b["channel"], b["kind"]) not in has_spend
    ]
    first_day = _history(con)
    start = _year_before(period.start) if method == "seasonal" else period.start
    days = daily(con, start, min(as_of, period.end)) if rows else None
    out = []
    for r in rows:
        channel = r["channel"] if isinstance(r["channel"], str) else None
        kind = r["kind"] if isinstance(r["kind"], str) else None
        scoped = _scope(days, channel, kind, r["metric"])
        actual, projected, used = _project(scoped, period, as_of, method, first_day)
        parts = METRICS[r["metric"]].parts or (r["metric"],)
        seasonal = all(used[p] == "seasonal" for p in parts)
        now, then = _value(r["metric"], actual), _value(r["metric"], projected)
        vs = then / r["target"] if r["target"] and np.isfinite(then) else np.nan
        m = METRICS[r["metric"]]
        out.append(
            {
                "metric": r["metric"],
                "channel": channel,
                "kind": kind,
                "period": period.name,
                "target": r["target"],
                "actual": now,
                "projected": then,
                "projected_vs_target": vs,
                "status": status(r["metric"], vs),
                "label": m.label,
                "fmt": m.fmt,
                "direction": m.direction,
                "method": "seasonal" if seasonal else "run_rate",
                "source": r["source"],
                "as_of": as_of,
                "elapsed_days": max(0, (min(as_of, period.end) - period.start).days + 1),
                "days": period.days,
            }
        )
    df = pd.DataFrame(out, columns=[*COLUMNS, *extra])
    order = {m: i for i, m in enumerate(TARGET_METRICS)}
    df["_o"] = df["metric"].map(order)
    df = df.sort_values(["_o", "channel", "kind"], na_position="first", kind="stable")
    return df.drop(columns="_o").reset_index(drop=True)


def _history(con) -> dt.date | None:
    row = queries.run(con, "common/data_span").iloc[0]
    return None if pd.isna(row.first_day) else pd.Timestamp(row.first_day).date()


def scope_label(channel, kind) -> str:
    if isinstance(channel, str):
        return channel
    if isinstance(kind, str):
        return kind
    return "all"


def sentence(row) -> str:
    """"Leads are projected to land at 70 % of the February target." (**bold** subject)"""
    from pitwall import formatting

    who = METRICS[row["metric"]].label
    if isinstance(row["channel"], str) or isinstance(row["kind"], str):
        who = f"{who} ({scope_label(row['channel'], row['kind'])})"
    what = "budget" if row["source"] == "budget" else "target"
    period = parse_period(row["period"])
    when = f"{period.start:%B}" if len(period.months) == 1 else period.name[-2:]
    verb = "are" if METRICS[row["metric"]].fmt == "count" else "is"
    return (
        f"**{who}** {verb} projected to land at "
        f"{formatting.percent(row['projected_vs_target'], 0)} of the {when} {what} "
        f"({formatting.fmt(row['fmt'], row['projected'])} against "
        f"{formatting.fmt(row['fmt'], row['target'])})."
    )



MIN_DAYS = 7  # earlier in a month, a run rate says little: judge the month just ended


def week_as_of(monday: dt.date) -> dt.date:
    """The day a week's review projects from: its Sunday, or when that is before the
    MIN_DAYS-th of its month, the last day of the month before."""
    sunday = monday + dt.timedelta(days=6)
    return sunday if sunday.day >= MIN_DAYS else sunday.replace(day=1) - dt.timedelta(days=1)


def for_week(con, monday: dt.date, f: Filters, method: str = DEFAULT_METHOD) -> pd.DataFrame:
    """The weekly review's "Will we land?": the month's targets, then the quarter's."""
    as_of = week_as_of(monday)
    parts = [
        landing(con, f, period=p, as_of=as_of, method=method)
        for p in (month(as_of), quarter(as_of))
    ]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else parts_empty()


def parts_empty() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[*COLUMNS, "label", "fmt", "direction", "method", "source", "as_of",
                 "elapsed_days", "days"]
    )
