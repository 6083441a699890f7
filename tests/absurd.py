"""Absurd URL values, and URLs that give one to every URL parameter of the app.

Shared by tests/test_controls.py (the cleaning function on each value), tests/test_pages.py
(AppTest) and tests/test_browser.py (Chromium). The parameters are the declared controls
(pitwall/controls.py) and the filter dimensions (pitwall/dimensions.py).
"""

from __future__ import annotations

from pitwall.controls import CONTROLS
from pitwall.dimensions import DIMENSIONS

ABSURD = [
    "1e400",  # OverflowError in Streamlit's bound number input (issue 12)
    "-inf",  # the same, on Channel ROI's lookback (issue 12)
    "NaN",
    "-0",
    "0x7fffffff",
    "1_000",
    "1,5",
    "",
    "<img src=x onerror=alert(1)>",
    "\x00",
    "٣",  # ARABIC-INDIC DIGIT THREE: int() accepts it
    "99999999999999999999999",
    "-1e400",
    "Infinity",
    "<script>alert(1)</script>",
    " 7",
    "x" * 5000,
]

# every URL parameter of the app, in a fixed order
KEYS = [*CONTROLS, *(d.name for d in DIMENSIONS)]


def query(rotation: int, custom_range: bool = False) -> list[tuple[str, str]]:
    """(key, value) pairs giving every parameter an absurd value; `rotation` shifts which
    value each key gets, so a few rotations give each key several. `dates` gets two values.
    With `custom_range`, `period` is "Custom range" so that the Dates input reads `dates`."""
    pairs = []
    for i, key in enumerate(KEYS):
        value = ABSURD[(rotation + i) % len(ABSURD)]
        if key == "period" and custom_range:
            value = "Custom range"
        pairs.append((key, value))
        if key == "dates":
            pairs.append((key, ABSURD[(rotation + i + 1) % len(ABSURD)]))
    return pairs


# The parameter each page is most about: its absurd values start with it.
FOCUS = {
    "weekly": "week",
    "spend_balance": "period",
    "channel_roi": "lookback",
    "funnel": "window",
    "cohorts": "lift",
    "data": "period",
}


def focused(page: str, k: int, custom_range: bool = False) -> list[tuple[str, str]]:
    """A rotation giving the page's FOCUS parameter ABSURD[k]: k=0 puts `1e400` and k=1
    `-inf` where issue 12 found them (window on Funnel, lookback on Channel ROI)."""
    return query(k - KEYS.index(FOCUS[page]), custom_range)


def as_dict(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """The pairs as AppTest's query_params take them (repeated keys as a list)."""
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}
