"""The shared filters of every view, validated once, bound to SQL as parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from pitwall.dimensions import DIMENSIONS, Dimension


class FilterError(ValueError):
    """A filter value that cannot be used; the message says which and why."""


# Dates a filter may name. Far beyond any business's data, and far enough from Python's
# own limits that a previous period or a trend window never overflows.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


def check_day(day: dt.date | None, what: str = "a date") -> None:
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise FilterError(f"{what} must lie between {FIRST_DAY} and {LAST_DAY}, not {day}")


@dataclass(frozen=True, init=False)
class Filters:
    """A date range and a pick per dimension (pitwall/dimensions.py).

    `Filters(start, end, channels=("Print",), kind="offline")`: each dimension is a keyword
    named by its `param`; its value reads back as an attribute (`f.channels`, `f.kind`).
    `dataclasses.replace(f, kind=None)` works as for any dataclass."""

    start: dt.date | None
    end: dt.date | None
    picks: tuple[tuple[str, object], ...]  # (param, value) of the picked dimensions

    def __init__(self, start=None, end=None, picks=(), **named):
        chosen = dict(picks) | named
        unknown = set(chosen) - {d.param for d in DIMENSIONS}
        if unknown:
            raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}")
        cleaned = []
        for d in DIMENSIONS:
            value = chosen.get(d.param)
            if d.multiple:
                value = tuple(value or ())
            if value in (None, ()):
                continue
            if d.values is not None:
                for v in value if d.multiple else (value,):
                    if v not in d.values:
                        raise FilterError(
                            f"{d.name} must be one of {', '.join(d.values)}, not {v!r}"
                        )
            cleaned.append((d.param, value))
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "picks", tuple(cleaned))
        check_day(self.start, "the start date")
        check_day(self.end, "the end date")
        if self.start and self.end and self.start > self.end:
            raise FilterError(f"the start date {self.start} is after the end date {self.end}")

    def __getattr__(self, name: str):
        for d in DIMENSIONS:
            if d.param == name:
                return dict(self.picks).get(name, () if d.multiple else None)
        raise AttributeError(name)

    def value(self, d: Dimension):
        return getattr(self, d.param)

    def params(self) -> dict:
        out = {"start": self.start, "end": self.end}
        for d in DIMENSIONS:
            value = self.value(d)
            out[d.param] = (list(value) or None) if d.multiple else value
        return out

    def compared(self, how: str = "previous") -> Filters:
        """The period this one is compared with: the one just before it ("previous") or the
        same dates a year before ("year"; 29 February becomes the 28th)."""
        if how == "year":
            if not (self.start and self.end):
                raise FilterError("a comparison needs both a start and an end date")
            return replace(self, start=_year_before(self.start), end=_year_before(self.end))
        if how != "previous":
            raise FilterError(f"compare with one of {', '.join(COMPARISONS)}, not {how!r}")
        return self.previous()

    def previous(self) -> Filters:
        """The period of equal length just before this one (for KPI deltas): as many whole
        calendar months when the period is whole months (twelve months against the twelve
        before, whatever their days), else as many days."""
        if not (self.start and self.end):
            raise FilterError("a previous period needs both a start and an end date")
        months = whole_months(self.start, self.end)
        if months:
            return replace(
                self,
                start=add_months(self.start, -months),
                end=self.start - dt.timedelta(days=1),
            )
        days = (self.end - self.start).days + 1
        return replace(
            self,
            start=self.start - dt.timedelta(days=days),
            end=self.start - dt.timedelta(days=1),
        )


def month_end(day: dt.date) -> bool:
    """Whether `day` is the last day of its month."""
    return (day + dt.timedelta(days=1)).day == 1


def whole_months(start: dt.date, end: dt.date) -> int:
    """How many calendar months [start, end] covers when it starts on a month's first day
    and ends on a month's last, else 0."""
    if start.day != 1 or not month_end(end) or end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def parse_date(text: str | None, what: str = "date") -> dt.date | None:
    if text in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise FilterError(f"{what} must be an ISO date like 2025-03-14, not {text!r}") from None


# The URL carries a preset by its label (?period=Last+4+weeks), as Streamlit binds options.
# "Page default" is each page's own (pitwall/navigation.py: cohorts read best over whole
# months, the other pages over recent weeks).
PAGE_DEFAULT = "Page default"
PRESETS = (
    PAGE_DEFAULT,
    "Last 4 weeks",
    "Last 13 weeks",
    "Last 52 weeks",
    "Last 12 complete months",
    "Quarter to date",
    "Year to date",
    "All time",
    "Custom range",
)
# What a period is compared with (the KPI deltas, the funnel's comparison).
COMPARISONS = {"previous": "Previous period", "year": "Same period a year before"}


def preset_range(preset: str, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """Date range of a preset, anchored at the latest date in the data (not today)."""
    weeks = {"Last 4 weeks": 4, "Last 13 weeks": 13, "Last 52 weeks": 52}
    if preset in weeks:
        start = last - dt.timedelta(days=7 * weeks[preset] - 1)
    elif preset == "Last 12 complete months":
        # the last month that has ended by the latest date, and the eleven before it
        end = (
            last
            if month_end(last)
            else last.replace(day=1) - dt.timedelta(1)
        )
        start = add_months(end.replace(day=1), -11)
        return max(start, first), max(end, first)
    elif preset == "Quarter to date":
        start = dt.date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
    elif preset == "Year to date":
        start = dt.date(last.year, 1, 1)
    else:
        start = first
    return max(start, first), last


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) day's month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
