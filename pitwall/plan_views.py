"""What the budget planner's page and exports show, from the stored model fit only.

Like pitwall.views, one function per view; the export columns are declared once here.
Nothing here fits a model: without a stored fit every view raises mmm.NoFit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pitwall import mmm, planner, queries

PLAN_COLUMNS = [
    "channel",
    "kind",
    "current_spend",
    "planned_spend",
    "change",
    "expected_outcome_current",
    "expected_outcome_planned",
]
VIEW_COLUMNS = {
    "mmm-channels": [
        "channel",
        "kind",
        "spend",
        "contribution",
        "roas",
        "roas_low",
        "roas_high",
        "marginal_roas",
        "attributed_roas",
    ],
    "response-curves": [
        "channel",
        "weekly_spend",
        "weekly_outcome",
        "weekly_outcome_low",
        "weekly_outcome_high",
    ],
}


def fit_info(con) -> dict | None:
    return mmm.read_fit(con)


def mmm_channels(con) -> pd.DataFrame:
    df = mmm.read_table(con, "mmm_channels")
    spread = df["roas_high"] / df["roas_low"].where(df["roas_low"] > 0)
    df["evidence"] = np.where(spread <= mmm.EVIDENCE_SPREAD, "data", "mostly prior")
    return df.sort_values("roas", ascending=False, ignore_index=True)


def headline(con) -> dict:
    """The page's tiles: modelled against attributed ROAS per kind, marketing's share of the
    outcome, the channel whose next euro returns most, the channels the prior decided."""
    fit = mmm.require_fit(con)
    ch = mmm_channels(con)
    kinds = {}
    for kind, g in ch.groupby("kind"):
        spend = g["spend"].sum()
        kinds[kind] = {
            "roas": g["contribution"].sum() / spend if spend else None,
            "attributed_roas": g["attributed_outcome"].sum() / spend if spend else None,
        }
    best = ch.loc[ch["marginal_roas"].idxmax()]
    total = fit.get("actual_total")
    return {
        "kinds": kinds,
        "marketing_share": ch["contribution"].sum() / total if total else None,
        "best_channel": str(best["channel"]),
        "best_marginal_roas": float(best["marginal_roas"]),
        "weak": list(ch.loc[ch["evidence"] != "data", "channel"]),
    }


def response_curves(con) -> pd.DataFrame:
    return mmm.read_table(con, "mmm_curves").sort_values(
        ["channel", "weekly_spend"], ignore_index=True
    )


def weekly(con) -> pd.DataFrame:
    """week, series, value: actual, fitted (+ low/high), base and `ch:<channel>` series."""
    return mmm.read_table(con, "mmm_weekly").sort_values(["week", "series"], ignore_index=True)


def export_frame(view: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The declared columns; numbers rounded to 6 decimals like every export."""
    out = frame[PLAN_COLUMNS if view == "plan" else VIEW_COLUMNS[view]].copy()
    floats = out.select_dtypes("float").columns
    out[floats] = out[floats].round(6)
    return out


@dataclass
class PlanRequest:
    budget: float | None = None  # default: the last N weeks' spend
    weeks: int = planner.DEFAULT_WEEKS
    share_min: float | None = None  # default: the online-share target for the coming months
    share_max: float | None = None
    bounds: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    amounts: dict[str, float] = field(default_factory=dict)  # one's own plan to test


@dataclass
class Plan:
    table: pd.DataFrame  # PLAN_COLUMNS + min, max, own_spend, expected_outcome_own, marginal
    summary: dict
    budget: float
    weeks: int
    share_min: float | None
    share_max: float | None
    target_share: float | None
    current_online_share: float
    planned_online_share: float
    own: dict | None = None
    current_breaks: list[str] = field(default_factory=list)  # limits the current split breaks


@dataclass
class PlanData:
    """Everything a plan needs from the warehouse; read once, reused on every change."""

    curves: planner.Curves
    spend: pd.DataFrame  # week, channel, spend
    last_week: dt.date
    targets: pd.DataFrame  # month, online_share


def plan_data(con) -> PlanData:
    mmm.require_fit(con)
    channels = mmm.read_table(con, "mmm_channels")
    curves = planner.Curves.from_tables(mmm.read_table(con, "mmm_draws"), channels)
    spend = mmm.read_table(con, "mmm_spend")
    spend["week"] = pd.to_datetime(spend["week"]).dt.date
    # the whole-business online-share targets, as Spend balance reads them, for all months
    targets = queries.run(con, "spend_balance/targets", {"start": None, "end": None})
    return PlanData(curves, spend, max(spend["week"]), targets)


def target_share(data: PlanData, weeks: int) -> float | None:
    """The online-share target for the plan's months (the weeks after the data); the latest
    target when none is set that far ahead; None without targets."""
    if data.targets.empty:
        return None
    first = data.last_week + dt.timedelta(days=7)
    last = first + dt.timedelta(days=7 * weeks - 1)
    months = pd.to_datetime(data.targets["month"]).dt.date
    ahead = data.targets[(months >= first.replace(day=1)) & (months <= last)]
    if ahead.empty:
        return float(data.targets["online_share"].iloc[-1])
    return float(ahead["online_share"].mean())


def plan(data: PlanData, req: PlanRequest) -> Plan:
    if not 1 <= req.weeks <= planner.MAX_WEEKS:
        raise planner.PlanError(f"weeks must lie between 1 and {planner.MAX_WEEKS}")
    c = data.curves
    current, budget = planner.current_amounts(data.spend, c.channels, req.weeks, req.budget)
    unknown = sorted(set(req.bounds) - set(c.channels)) + sorted(set(req.amounts) - set(c.channels))
    if unknown:
        raise planner.PlanError(
            f"no modelled channel called {unknown[0]!r}; channels are {', '.join(c.channels)}"
        )
    lower = current * (1 - planner.DEFAULT_RANGE)
    upper = current * (1 + planner.DEFAULT_RANGE)
    for i, ch in enumerate(c.channels):
        lo, hi = req.bounds.get(ch, (None, None))
        lower[i] = lower[i] if lo is None else lo
        upper[i] = upper[i] if hi is None else hi
    target = target_share(data, req.weeks)
    smin = target if req.share_min is None else req.share_min
    smax = req.share_max
    p = planner.Planner(c, planner.patterns(data.spend, c.channels, req.weeks))
    planned = p.optimise(budget, lower, upper, smin, smax, start=np.clip(current, lower, upper))
    cur_out, new_out = p.expected(current), p.expected(planned)
    table = pd.DataFrame(
        {
            "channel": c.channels,
            "kind": c.kinds,
            "current_spend": current,
            "planned_spend": planned,
            "change": planned - current,
            "expected_outcome_current": cur_out,
            "expected_outcome_planned": new_out,
            "min_spend": lower,
            "max_spend": upper,
            "marginal_return_planned": p.marginal(planned),
            "at_bound": np.select(
                [
                    np.isclose(lower, upper, rtol=1e-6, atol=0.5),
                    np.isclose(planned, lower, rtol=1e-6, atol=0.5),
                    np.isclose(planned, upper, rtol=1e-6, atol=0.5),
                ],
                ["fixed", "minimum", "maximum"],
                "",
            ),
        }
    )
    own = None
    if req.amounts:
        mine = np.array([req.amounts.get(ch, cur) for ch, cur in zip(c.channels, current,
                                                                     strict=True)])
        table["own_spend"] = mine
        table["expected_outcome_own"] = p.expected(mine)
        own = planner.summary(p, current, mine) | {"total": float(mine.sum())}
    online = np.array(c.online)
    breaks = [
        f"{ch} {'below its minimum' if cur < lo else 'above its maximum'}"
        for ch, cur, lo, hi in zip(c.channels, current, lower, upper, strict=True)
        if cur < lo - 0.5 or cur > hi + 0.5
    ]
    share_now = float(current[online].sum() / budget) if budget else 0.0
    if smin is not None and share_now < smin - 1e-9:
        breaks.append(f"online share {share_now:.0%} below the floor of {smin:.0%}")
    if smax is not None and share_now > smax + 1e-9:
        breaks.append(f"online share {share_now:.0%} above the ceiling of {smax:.0%}")
    return Plan(
        table=table.sort_values("planned_spend", ascending=False, ignore_index=True),
        summary=planner.summary(p, current, planned),
        budget=budget,
        weeks=req.weeks,
        share_min=smin,
        share_max=smax,
        target_share=target,
        current_online_share=share_now,
        planned_online_share=float(planned[online].sum() / budget) if budget else 0.0,
        own=own,
        current_breaks=breaks,
    )


def read_bounds(path) -> dict[str, tuple[float | None, float | None]]:
    """A bounds file: CSV with columns channel, min, max (either may be empty)."""
    df = pd.read_csv(path)
    missing = {"channel", "min", "max"} - set(df.columns)
    if missing:
        raise ValueError(
            f"{path}: the bounds file needs the columns channel, min, max "
            f"(missing: {', '.join(sorted(missing))})"
        )
    out = {}
    for row in df.itertuples(index=False):
        lo = None if pd.isna(row.min) else float(row.min)
        hi = None if pd.isna(row.max) else float(row.max)
        out[str(row.channel)] = (lo, hi)
    return out
