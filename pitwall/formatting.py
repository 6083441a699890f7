"""Numbers the way a marketing lead reads them: €1.2M, 12.5 %, 3.4×, 1,204."""

from __future__ import annotations

import math

import pandas as pd

CURRENCY = "€"


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def money(value, precise: bool = False) -> str:
    if _missing(value):
        return "–"
    sign = "−" if value < 0 else ""
    v = abs(float(value))
    if precise or v < 10_000:
        return f"{sign}{CURRENCY}{v:,.0f}" if v >= 100 else f"{sign}{CURRENCY}{v:,.2f}"
    if v < 1_000_000:
        return f"{sign}{CURRENCY}{v / 1000:,.1f}k"
    return f"{sign}{CURRENCY}{v / 1_000_000:,.2f}M"


def percent(value, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{float(value) * 100:.{digits}f} %"


def ratio(value) -> str:
    return "–" if _missing(value) else f"{float(value):.2f}×"


def count(value) -> str:
    return "–" if _missing(value) else f"{float(value):,.0f}"


def orders(value) -> str:
    """A number of orders in words: "1 order", "1,204 orders" (shares of orders round)."""
    return "1 order" if count(value) == "1" else f"{count(value)} orders"


def days(value) -> str:
    return "–" if _missing(value) else f"{float(value):.1f} d"


def month(value) -> str:
    """A month as people write it: Sep 2026."""
    return "–" if _missing(value) else pd.Timestamp(value).strftime("%b %Y")


def date(value) -> str:
    return "–" if _missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def text(value) -> str:
    return "–" if _missing(value) else str(value)


def yes_no(value) -> str:
    return "–" if _missing(value) else ("yes" if value else "no")


def money_exact(value) -> str:
    """Money in a table: whole euros with separators, cents below €100."""
    return money(value, precise=True)


def statistic(value) -> str:
    """A statistic read as a plain number: an AUC of 0.712, a Brier score of 0.053."""
    return "–" if _missing(value) else f"{float(value):.3f}"



def score(value) -> str:
    """A Net Promoter Score: a whole number from −100 to +100."""
    if _missing(value):
        return "–"
    shown = round(float(value))
    return "0" if shown == 0 else f"{shown:+d}".replace("-", "−")


def volume(value) -> str:
    """A large count on a tile: 82.1M impressions, 14.3k clicks (tables show it whole)."""
    if _missing(value):
        return "–"
    v = float(value)
    # from 10,000 on: 12,345 reads 12.3k, but 9,876 stays whole
    for above, size, unit in ((1e9, 1e9, "bn"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(v) >= above:
            return f"{v / size:,.1f}{unit}"
    return f"{v:,.0f}"


def decimal(value) -> str:
    """A small average like orders per buyer: 1.84."""
    return "–" if _missing(value) else f"{float(value):,.2f}"


FORMATS = {"money": money, "percent": percent, "ratio": ratio, "count": count, "days": days}
FORMATS |= {"score": score, "decimal": decimal, "volume": volume, "statistic": statistic}
# In tables every cell of a column reads the same way; `money` is exact there.
CELL_FORMATS = FORMATS | {
    "money": money_exact,
    "month": month,
    "date": date,
    "text": text,
    "yes_no": yes_no,
    "volume": count,
}
# Columns shown in tables that are not metrics (pitwall/metrics.py), by how they read.
COLUMN_KINDS = {
    "month": "month",
    "cohort_month": "month",
    "period": "count",
    "position": "count",
    "month_since": "count",
    "row": "count",
    "orders": "count",
    "rows": "count",
    "complete": "yes_no",
    "spend_to_date": "money",
    "prorated_budget": "money",
    "pacing": "percent",
    "first": "date",
    "last": "date",
}


def column_kind(name: str, values: pd.Series, metrics: dict) -> str:
    """How a table column reads: the metric's format, a declared kind, or text. A number
    column with neither is refused: every figure in a table has a declared format."""
    if name in metrics:
        return metrics[name].fmt
    if name in COLUMN_KINDS:
        return COLUMN_KINDS[name]
    if pd.api.types.is_bool_dtype(values):
        return "yes_no"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if pd.api.types.is_numeric_dtype(values):
        raise KeyError(f"column {name!r} has no format: declare it as a metric or a kind")
    return "text"


def fmt(kind: str, value) -> str:
    return FORMATS[kind](value)


def change(kind: str, now, before) -> str | None:
    """The KPI delta: relative change for amounts, points for percentages."""
    if _missing(now) or _missing(before):
        return None
    if kind == "percent":
        return f"{(float(now) - float(before)) * 100:+.1f} pp"
    if kind == "score":  # an NPS moves in points, like a percentage
        return f"{float(now) - float(before):+.0f} points"
    if float(before) == 0:
        return None
    return f"{(float(now) / float(before) - 1) * 100:+.1f} %"
