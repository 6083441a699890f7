"""Numbers the way a marketing lead reads them: €1.2M, 12.5 %, 3.4×, 1,204."""

from __future__ import annotations

import math

CURRENCY = "€"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


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


def days(value) -> str:
    return "–" if _missing(value) else f"{float(value):.1f} d"


FORMATS = {"money": money, "percent": percent, "ratio": ratio, "count": count, "days": days}


def fmt(kind: str, value) -> str:
    return FORMATS[kind](value)


def change(kind: str, now, before) -> str | None:
    """The KPI delta: relative change for amounts, points for percentages."""
    if _missing(now) or _missing(before):
        return None
    if kind == "percent":
        return f"{(float(now) - float(before)) * 100:+.1f} pp"
    if float(before) == 0:
        return None
    return f"{(float(now) / float(before) - 1) * 100:+.1f} %"


# Column formats for st.dataframe (printf-style, understood by st.column_config).
COLUMN_FORMATS = {
    "money": "€%,.0f",
    "percent": "percent",
    "ratio": "%.2f×",
    "count": "%,d",
    "days": "%.1f",
}
