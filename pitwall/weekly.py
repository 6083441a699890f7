"""The weekly review: one ISO week's figures against the week before and the four weeks
before, the thirteen-week trend, and the highlights. The page and the report both show
exactly this."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from pitwall import alerts, highlights, landing, views, weeks
from pitwall.filters import Filters, check_day
from pitwall.metrics import derive
from pitwall.views import WEEK_MEASURES, WEEK_RATIOS

TILES = [
    "spend",
    "online_share",
    "revenue",
    "roas",
    "leads",
    "cpl",
    "deals_won",
    "new_customers",
    "cac",
    "buyers",
]
TREND = ["spend", "online_share", "revenue", "roas", "leads", "new_customers"]
TREND_WEEKS = 13
AVERAGE_WEEKS = 4


@dataclass
class Review:
    monday: dt.date
    filters: Filters  # channel, kind, segment and region; the dates are the week's
    weeks: pd.DataFrame  # TREND_WEEKS rows, the reviewed week last
    now: dict
    before: dict  # the week before
    average: dict  # the average week of the four before
    highlights: list[highlights.Highlight] = field(default_factory=list)
    landing: pd.DataFrame = field(default_factory=landing.parts_empty)  # "Will we land?"
    events: pd.DataFrame = field(default_factory=pd.DataFrame)  # of the thirteen weeks
    alerts: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def news(self) -> list[str]:
        """The alerts the review lists: those of target rules are the "Will we land?"
        table's off-track rows already."""
        if self.alerts.empty:
            return []
        return list(self.alerts.loc[self.alerts["kind"] != "target", "message"])

    @property
    def week_events(self) -> pd.DataFrame:
        """The events that overlap the reviewed week, numbered as the charts mark them."""
        from pitwall.charts import numbered

        ev = numbered(self.events)
        if ev.empty:
            return ev
        monday, sunday = pd.Timestamp(self.monday), pd.Timestamp(weeks.sunday(self.monday))
        return ev[(ev["date"] <= sunday) & (ev["end_date"] >= monday)]

    @property
    def name(self) -> str:
        return weeks.name(self.monday)

    @property
    def has_data(self) -> bool:
        return bool(self.weeks[WEEK_MEASURES].to_numpy().any())


def default_week(con) -> dt.date | None:
    """Monday of the last complete week in the data (None for an empty warehouse)."""
    _, last = views.data_span(con)
    return None if last is None else weeks.last_complete(last)


def choices(con) -> list[dt.date]:
    """Mondays of the weeks a review can be made for, newest first."""
    first, last = views.data_span(con)
    if last is None:
        return []
    newest = weeks.last_complete(last)
    oldest = weeks.monday_of(first)
    count = (newest - oldest).days // 7 + 1
    return [weeks.shift(newest, -i) for i in range(max(count, 1))]


def review(con, monday: dt.date, f: Filters | None = None) -> Review:
    check_day(monday, "the week")
    start, end = weeks.span(monday, TREND_WEEKS)
    f = replace(f or Filters(), start=start, end=end)
    frame = views.weekly(con, f)
    frame["week_name"] = [weeks.name(d.date()) for d in frame["week"]]
    rows = frame.set_index("week")
    this = pd.Timestamp(monday)
    earlier = rows.loc[pd.Timestamp(weeks.shift(monday, -AVERAGE_WEEKS)) : this].iloc[:-1]
    # the average week: measures averaged, ratios taken from those averages (ratio of sums)
    average = derive(earlier[WEEK_MEASURES].mean().to_frame().T, WEEK_RATIOS).iloc[0]
    week_filters = replace(f, start=monday, end=weeks.sunday(monday))
    forecast = landing.for_week(con, monday, week_filters)
    return Review(
        monday=monday,
        filters=week_filters,
        weeks=frame,
        now=rows.loc[this].to_dict(),
        before=rows.iloc[-2].to_dict(),
        average=average.to_dict(),
        highlights=highlights.find(con, monday, week_filters, forecast),
        landing=forecast,
        events=views.events(con, f),
        alerts=alerts.find(con, monday, week_filters, forecast=forecast),
    )
