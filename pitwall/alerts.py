"""Alerts: rules that fire on a week, from a TOML file or the built-in defaults.

Three kinds of rule (docs/metrics.md, "Alerts"):
- `target`: a target projected to land with a status in `statuses` (default off_track);
- `band`: a weekly metric outside its trailing `weeks`-week median ± k·MAD (median absolute
  deviation), in the metric's bad direction by default (`direction = "bad" | "both" | "up" |
  "down"`), for the whole selection or `by = "channel"`;
- `funnel`: a stage's conversion from the previous stage dropping more than `points`
  percentage points (leads of the four weeks that have had FUNNEL_WINDOW days to convert,
  against the four weeks before them, as the highlights compare them).
Alerts are data: a rule that fires is a row, never an error.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from pitwall import formatting, landing, views, weeks
from pitwall.filters import Filters
from pitwall.highlights import conversion_changes
from pitwall.metrics import METRICS
from pitwall.views import WEEK_MEASURES, WEEK_RATIOS

COLUMNS = ("rule", "metric", "channel", "observed", "expected", "message")
KINDS = ("target", "band", "funnel")
BAND_METRICS = ["spend", "revenue", "leads", "new_customers", "deals_won"]

DEFAULT_RULES = """
[[rule]]
name = "target_off_track"
kind = "target"
statuses = ["off_track"]

[[rule]]
name = "weekly_outlier"
kind = "band"
metrics = ["spend", "revenue", "leads", "new_customers", "deals_won"]
weeks = 8
k = 3.0
direction = "bad"

[[rule]]
name = "funnel_conversion_drop"
kind = "funnel"
points = 10
"""


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    metrics: tuple[str, ...] = tuple(BAND_METRICS)
    statuses: tuple[str, ...] = ("off_track",)
    weeks: int = 8
    k: float = 3.0
    direction: str = "bad"
    by: str | None = None
    points: float = 10.0


class RuleError(ValueError):
    pass


def parse(text: str, source: str = "rules") -> list[Rule]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from None
    rules = []
    for i, r in enumerate(data.get("rule", []), start=1):
        where = f"{source}: rule {i}"
        kind = r.get("kind")
        if kind not in KINDS:
            raise RuleError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
        name = str(r.get("name") or kind)
        metrics = tuple(r.get("metrics", BAND_METRICS))
        unknown = [m for m in metrics if m not in WEEK_MEASURES + WEEK_RATIOS]
        if unknown:
            raise RuleError(f"{where}: no weekly metric {unknown[0]!r}")
        statuses = tuple(r.get("statuses", ["off_track"]))
        if any(s not in landing.STATUSES for s in statuses):
            raise RuleError(f"{where}: statuses are {', '.join(landing.STATUSES)}")
        direction = r.get("direction", "bad")
        if direction not in ("bad", "both", "up", "down"):
            raise RuleError(f"{where}: direction must be bad, both, up or down")
        by = r.get("by")
        if by not in (None, "channel"):
            raise RuleError(f'{where}: by must be "channel" or left out')
        try:
            n_weeks, k, points = (
                int(r.get("weeks", 8)),
                float(r.get("k", 3)),
                float(r.get("points", 10)),
            )
        except (TypeError, ValueError):
            raise RuleError(f"{where}: weeks, k and points are numbers") from None
        if n_weeks < 3 or k <= 0 or points <= 0:
            raise RuleError(f"{where}: weeks must be 3 or more, k and points above 0")
        rules.append(Rule(name, kind, metrics, statuses, n_weeks, k, direction, by, points))
    if not rules:
        raise RuleError(f"{source}: no [[rule]] tables")
    return rules


def load(path: Path | None) -> list[Rule]:
    if path is None:
        return parse(DEFAULT_RULES, "built-in rules")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no rules file at {path}")
    return parse(path.read_text(encoding="utf-8"), path.name)


def _weekly(con, monday: dt.date, f: Filters, n_weeks: int, channel: str | None):
    start = weeks.shift(monday, -n_weeks)
    picked = replace(f, start=start, end=weeks.sunday(monday))
    if channel:
        picked = replace(picked, channels=(channel,))
    return views.weekly(con, picked)


def _band(con, rule: Rule, monday: dt.date, f: Filters) -> list[dict]:
    channels = [None]
    if rule.by == "channel":
        options = views.filter_options(con).get("channel", [])
        channels = [c for c in options if not f.channels or c in f.channels]
    out = []
    for channel in channels:
        frame = _weekly(con, monday, f, rule.weeks, channel)
        history, now = frame.iloc[:-1], frame.iloc[-1]
        for metric in rule.metrics:
            values = history[metric].dropna().to_numpy(dtype=float)
            if len(values) < rule.weeks or pd.isna(now[metric]):
                continue
            median = float(np.median(values))
            mad = float(np.median(np.abs(values - median)))
            low, high = median - rule.k * mad, median + rule.k * mad
            observed = float(now[metric])
            up, down = observed > high, observed < low
            direction = rule.direction
            if direction == "bad":
                d = METRICS[metric].direction
                direction = {"more": "down", "less": "up"}.get(d, "both")
            fired = (up and direction in ("up", "both")) or (down and direction in ("down", "both"))
            if not fired:
                continue
            m = METRICS[metric]
            where = f" from {channel}" if channel else ""
            out.append(
                {
                    "rule": rule.name,
                    "metric": metric,
                    "channel": channel,
                    "observed": observed,
                    "expected": median,
                    "message": (
                        f"{m.label}{where} in {weeks.name(monday)}: "
                        f"{formatting.fmt(m.fmt, observed)}, {'above' if up else 'below'} the "
                        f"usual range "
                        f"{formatting.fmt(m.fmt, max(low, 0))}–{formatting.fmt(m.fmt, high)} "
                        f"(median of the {rule.weeks} weeks before ± {rule.k:g}·MAD)."
                    ),
                }
            )
    return out


def _target(rule: Rule, forecast: pd.DataFrame) -> list[dict]:
    out = []
    for _, r in forecast.iterrows():
        if r["status"] not in rule.statuses:
            continue
        channel = r["channel"] if isinstance(r["channel"], str) else None
        out.append(
            {
                "rule": rule.name,
                "metric": r["metric"],
                "channel": channel,
                "observed": r["projected"],
                "expected": r["target"],
                "message": landing.sentence(r).replace("**", "")
                + f" Status: {landing.STATUS_LABELS[r['status']].lower()}.",
            }
        )
    return out


def _funnel(con, rule: Rule, monday: dt.date, f: Filters) -> list[dict]:
    both, start, end = conversion_changes(con, monday, f)
    out = []
    for r in both.itertuples():
        if r.delta * 100 >= -rule.points:
            continue
        out.append(
            {
                "rule": rule.name,
                "metric": "conversion_from_previous",
                "channel": None,
                "observed": r.conversion_from_previous,
                "expected": r.conversion_from_previous_before,
                "message": (
                    f"Conversion from {r.previous_stage} to {r.stage} fell from "
                    f"{formatting.percent(r.conversion_from_previous_before)} to "
                    f"{formatting.percent(r.conversion_from_previous)} for leads created "
                    f"{start:%d %b}–{end:%d %b} (more than {rule.points:g} points)."
                ),
            }
        )
    return out


def find(
    con,
    monday: dt.date,
    f: Filters | None = None,
    rules: list[Rule] | None = None,
    forecast: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The alerts that fire for the week of `monday` (COLUMNS, then the rule's kind), in
    rule order."""
    f = f or Filters()
    rules = rules if rules is not None else load(None)
    found: list[dict] = []
    for rule in rules:
        if rule.kind == "target":
            if forecast is None:
                forecast = landing.for_week(con, monday, f)
            fired = _target(rule, forecast)
        elif rule.kind == "band":
            fired = _band(con, rule, monday, f)
        else:
            fired = _funnel(con, rule, monday, f)
        found += [a | {"kind": rule.kind} for a in fired]
    out = pd.DataFrame(found, columns=[*COLUMNS, "kind"])
    for col in ("observed", "expected"):
        out[col] = out[col].astype("float64").round(6)
    return out
