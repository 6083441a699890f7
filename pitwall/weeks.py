"""ISO weeks (Monday to Sunday) as the weekly review names them: 2025-W16."""

from __future__ import annotations

import datetime as dt
import re

from pitwall.filters import FilterError, check_day

_WEEK = re.compile(r"(\d{4})-?W(\d{2})")


def parse(text: str) -> dt.date:
    """The Monday of an ISO week written YYYY-Www."""
    m = _WEEK.fullmatch(str(text).strip().upper())
    if not m:
        raise FilterError(f"a week is written like 2025-W07 (ISO year and week), not {text!r}")
    try:
        monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise FilterError(f"{text!r} is not a week: ISO year {m[1]} has no week {m[2]}") from None
    check_day(monday, "the week")
    return monday


def name(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def sunday(monday: dt.date) -> dt.date:
    return monday + dt.timedelta(days=6)


def shift(monday: dt.date, weeks: int) -> dt.date:
    return monday + dt.timedelta(weeks=weeks)


def last_complete(last_day: dt.date) -> dt.date:
    """Monday of the last week that the data covers to its Sunday."""
    this = monday_of(last_day)
    return this if last_day == sunday(this) else shift(this, -1)


def span(monday: dt.date, weeks: int = 1) -> tuple[dt.date, dt.date]:
    """First and last day of `weeks` weeks ending with the week of `monday`."""
    return shift(monday, 1 - weeks), sunday(monday)


def label(monday: dt.date) -> str:
    end = sunday(monday)
    return f"{name(monday)} · {monday:%d %b} – {end:%d %b %Y}"
