"""Synthetic demo business: an industrial supplier (B2B and B2C) with a webshop.

The data come from a small generative model whose parameters are returned as ``truth``:

* a campaign plan per channel (always-on grids, flights, fairs, catalogues, ...) gets the
  channel's yearly budget spread over its active days, in the weekly shape of the channel's
  own media plan (budget steps, pulses, paused weeks) -> ``spend``;
* every spend row yields Poisson-many leads (true cost per lead) and directly acquired
  webshop customers (true acquisition rate), optionally after a response lag;
* leads walk the six-stage funnel with per-channel conversion probabilities, a few take the
  "elevator" straight to presented/offer, failures get a ``lost`` row; won leads become customers;
* a customer orders in month k >= 1 after acquisition with probability
  p(k) = floor + (p1 - floor) * exp(-decay * (k - 1)) of the acquiring channel (month 0 always
  holds the first order), realised as a mix of loyal "core" customers and decaying ones;
* before acquisition a customer meets Poisson-many "opening" touches (display, social, print,
  ...) in running campaigns of their segment and region -> ``touchpoints``;
* on top, every channel lifts orders of existing customers through a known geometric adstock
  and logistic saturation of its weekly spend (the marketing-mix truth: ``truth["mmm"]``);
  these orders carry no campaign, so attribution cannot see them (offline channels above all).

Everything random comes from ``numpy.random.default_rng(seed)`` drawn in a fixed order (the
media plan's flighting and the marketing-mix lift from streams of their own), so
(scale, seed, end) fully determine the result. Counts of leads, customers and orders scale with
``scale``; the campaign plan and spend do not (so cost per lead in ``truth`` is divided by scale).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from pitwall import demo_nps
from pitwall.schema import DEFAULT_STAGES, LEAD_SOURCES, LOST

SEGMENTS = ("B2B", "B2C")
REGIONS = ("North", "South", "East", "West")
STAGES = DEFAULT_STAGES  # the demo business uses the default funnel
SALES_CHANNELS = ("webshop", "field sales", "phone")
MONTHS = 36
DAY = 86_400
TARGET_START, TARGET_STEP = 0.20, 0.04  # online share target and its yearly rise
FIRST_CUSTOMER_ID = 100_001  # a range apart from lead ids, so a wrong join shows up

# Campaign spend profiles.
FLAT, EVENT, DROP, WEEKDAYS, SENDS = range(5)


@dataclass(frozen=True)
class _Channel:
    name: str
    kind: str
    group: str
    spend: float  # external spend in the first model year, EUR
    growth: float  # yearly spend growth
    cpl: tuple[float, float]  # true cost per lead (B2B, B2C campaigns) at scale 1, EUR
    acq: tuple[float, float]  # direct customers per 1,000 EUR (B2B, B2C) at scale 1
    conv: tuple[float, ...]  # P(reaching the next stage) from identified .. decision
    elevator: float  # P(identified -> presented/offer directly)
    retention: tuple[float, float, float]  # p1, floor, decay of p(k)
    aov: float  # multiplier on the segment's average order value
    margin: float  # added to the segment's margin rate
    lag: float  # mean response lag in days (a catalogue is read weeks after it arrives)
    cpm: float = 0.0  # online: EUR per 1,000 impressions
    ctr: float = 0.0  # online: clicks per impression


# fmt: off
_CHANNELS = (
    # name, kind, group, year-1 spend, growth, CPL, direct acq/1000 EUR, funnel conversion,
    # elevator, retention (p1, floor, decay), AOV factor, margin shift, lag, CPM, CTR
    _Channel("Paid search", "online", "Search", 340e3, 0.18, (150, 700), (1.4, 5.4),
             (0.45, 0.55, 0.60, 0.65, 0.45), 0.04, (0.40, 0.15, 0.25), 0.90, 0.00, 0, 28, 0.045),
    _Channel("Social", "online", "Social & messaging", 150e3, 0.25, (400, 1500), (0.7, 3.4),
             (0.30, 0.45, 0.55, 0.60, 0.40), 0.03, (0.25, 0.05, 0.35), 0.80, 0.01, 0, 7, 0.009),
    _Channel("Display", "online", "Display", 120e3, 0.10, (900, 3000), (0.35, 1.9),
             (0.25, 0.40, 0.50, 0.60, 0.40), 0.02, (0.20, 0.03, 0.40), 0.75, 0.01, 0, 2.5, 0.0025),
    _Channel("Email newsletter", "online", "Owned media", 60e3, 0.15, (80, 400), (2.9, 9.5),
             (0.50, 0.60, 0.60, 0.65, 0.50), 0.05, (0.50, 0.22, 0.20), 0.90, 0.00, 0, 1.5, 0.025),
    _Channel("Messaging", "online", "Social & messaging", 40e3, 0.45, (150, 600), (2.2, 6.8),
             (0.45, 0.55, 0.60, 0.65, 0.45), 0.05, (0.45, 0.15, 0.25), 0.80, 0.00, 0, 60, 0.08),
    _Channel("Website / SEO", "online", "Search", 130e3, 0.22, (200, 800), (1.8, 5.7),
             (0.50, 0.55, 0.60, 0.65, 0.45), 0.04, (0.42, 0.18, 0.22), 0.95, 0.00, 0, 3, 0.03),
    _Channel("Trade fairs", "offline", "Events", 1350e3, 0.00, (600, 2500), (0.09, 0.27),
             (0.60, 0.70, 0.65, 0.70, 0.55), 0.10, (0.70, 0.45, 0.10), 1.30, -0.02, 0),
    _Channel("Print", "offline", "Print & mail", 420e3, -0.03, (900, 3000), (0.36, 1.2),
             (0.40, 0.50, 0.55, 0.60, 0.45), 0.03, (0.50, 0.28, 0.18), 1.00, 0.00, 12),
    _Channel("Direct mail", "offline", "Print & mail", 300e3, -0.02, (500, 2000), (0.55, 1.35),
             (0.35, 0.50, 0.55, 0.60, 0.45), 0.04, (0.50, 0.25, 0.20), 0.95, 0.00, 8),
    _Channel("PR & events", "offline", "Events", 240e3, 0.02, (700, 3000), (0.18, 0.45),
             (0.55, 0.65, 0.60, 0.65, 0.50), 0.08, (0.60, 0.35, 0.15), 1.20, -0.01, 2),
    _Channel("Telesales", "offline", "Sales", 420e3, 0.03, (300, 1200), (0.6, 0.9),
             (0.55, 0.60, 0.60, 0.65, 0.50), 0.07, (0.65, 0.40, 0.12), 1.10, -0.01, 0),
    _Channel("Sponsoring", "offline", "Brand", 180e3, 0.00, (3000, 8000), (0.18, 0.6),
             (0.30, 0.45, 0.50, 0.60, 0.40), 0.02, (0.35, 0.12, 0.25), 0.90, 0.00, 10),
    _Channel("Radio / TV", "offline", "Brand", 260e3, -0.02, (4000, 9000), (0.27, 1.0),
             (0.25, 0.40, 0.50, 0.55, 0.40), 0.02, (0.30, 0.08, 0.30), 0.85, 0.00, 3),
)
# fmt: on
_CH = {c.name: i for i, c in enumerate(_CHANNELS)}

# Trade fairs: name, month, days, relative size, segment, region. Spring and autumn dominate.
_FAIRS = (
    ("Winter Trade Days", 1, 3, 0.5, "B2B", "North"),
    ("Industrial Spring Expo", 3, 5, 3.0, "B2B", "South"),
    ("BuildTech", 3, 4, 1.5, "B2B", "North"),
    ("Tools & Fasteners Fair", 4, 4, 2.0, "B2B", "West"),
    ("Home & Garden Show", 4, 3, 0.7, "B2C", "East"),
    ("Regional Crafts Fair", 6, 3, 0.5, "B2B", "East"),
    ("Autumn Industry Expo", 9, 5, 2.5, "B2B", "West"),
    ("Workshop & Safety Fair", 10, 4, 1.6, "B2B", "South"),
    ("Maintenance Days", 10, 3, 1.0, "B2B", "North"),
)
_PR_EVENTS = ("Customer day", "Open house", "Press conference", "Dealer evening", "Product launch")
# Monthly seasonality of always-on activity (B2B: summer and Christmas lull; B2C: DIY spring and
# Christmas shopping).
_SEASON = np.array(
    [
        [0.90, 1.00, 1.15, 1.15, 1.05, 0.95, 0.80, 0.65, 1.10, 1.15, 1.10, 0.75],
        [0.80, 0.85, 1.05, 1.15, 1.10, 0.95, 0.85, 0.80, 0.95, 1.00, 1.25, 1.30],
    ]
)
_WEEKEND = (0.45, 1.10)  # online weekend activity relative to weekdays, B2B / B2C
_SEND_DAYS = {"Email newsletter": ((1,), (3, 6)), "Messaging": ((2,), (4,))}  # Mon = 0

_AOV = (1500.0, 180.0)  # mean order value B2B / B2C, EUR
_AOV_SIGMA = (0.8, 0.6)  # lognormal spread of order values
_MARGIN = (0.33, 0.41)  # mean gross margin rate B2B / B2C
_MARGIN_SD = 0.04
_EXTRA_ORDERS = (0.35, 0.1)  # Poisson mean of further orders in an active month, B2B / B2C
_CORE_ACTIVITY = 0.85  # monthly order probability of a loyal core customer
_STAGE_DAYS = (4.0, 7.0, 10.0, 14.0, 9.0)  # median days in identified .. decision
_STAGE_SIGMA = 0.6
_UNTRACKED = 0.03  # direct acquisitions whose campaign was not tracked
# Sales channel mix (webshop, field sales, phone) for lead-won B2B/B2C and direct B2B/B2C.
_SALES_MIX = np.array(
    [[0.20, 0.55, 0.25], [0.50, 0.10, 0.40], [0.75, 0.05, 0.20], [0.90, 0.00, 0.10]]
)
_TOUCH_P = (0.40, 0.0, 0.08)  # P(repeat order credited to a campaign) by sales channel
_TOUCH_CHANNELS = ("Paid search", "Email newsletter", "Messaging")
_TOUCH_WEIGHTS = (0.50, 0.35, 0.15)
# Touchpoints before acquisition: the channels that open a journey, Poisson-many per customer,
# each an exponential number of days before the acquisition (some beyond a 30-day lookback).
_OPENER_CHANNELS = ("Display", "Social", "Radio / TV", "Sponsoring", "Print", "Website / SEO")
_OPENER_WEIGHTS = (0.25, 0.25, 0.10, 0.05, 0.15, 0.20)
_OPENERS_PER_CUSTOMER = 2.5
_OPENER_DAYS = 16.0  # mean days from an opening touch to the acquisition
# Marketing-mix truth per channel: (adstock decay per week, logistic saturation rate with spend
# in units of the channel's largest weekly spend, average ROAS of the lifted orders over the
# window at scale 1). Weekly lifted revenue = beta * (1 - e^(-lam z)) / (1 + e^(-lam z)) with
# z = normalised geometric adstock (8 weeks) of weekly spend / the channel's largest week, the
# same family the budget planner's model fits; beta follows from the ROAS.
# fmt: off
_MMM = {
    "Paid search": (0.20, 2.0, 4.0), "Social": (0.30, 1.5, 1.6), "Display": (0.30, 1.5, 0.8),
    "Email newsletter": (0.10, 2.0, 5.0), "Messaging": (0.10, 2.0, 4.0),
    "Website / SEO": (0.50, 1.0, 2.5), "Trade fairs": (0.60, 1.5, 5.0),
    "Print": (0.50, 2.0, 0.8), "Direct mail": (0.30, 2.0, 2.0), "PR & events": (0.40, 1.5, 3.0),
    "Telesales": (0.20, 1.5, 3.0), "Sponsoring": (0.50, 1.0, 0.6), "Radio / TV": (0.40, 1.5, 1.0),
}
# fmt: on
MMM_L_MAX = 8
# The media plan's weekly flighting per channel (`_flighted`): (weeks between budget steps
# (min, max), spread of the budget level (lognormal sd), pulse period in weeks, weeks on per
# period, spend between pulses relative to a pulse, paused runs (1-3 weeks) per year).
# Every channel pulses at its own period, so no two plans can fall into step. Dated offline
# campaigns (fairs, PR events, mailings) are flighted by their dates alone.
# fmt: off
_FLIGHTING = {
    "Paid search": ((4, 10), 0.35, 5, 3, 0.4, 1.0),
    "Social": ((3, 6), 0.40, 3, 2, 0.0, 1.0),
    "Display": ((3, 8), 0.40, 4, 2, 0.2, 1.0),
    "Email newsletter": ((4, 9), 0.35, 2, 1, 0.3, 1.5),
    "Messaging": ((5, 10), 0.35, 6, 3, 0.0, 1.0),
    "Website / SEO": ((6, 13), 0.50, 7, 4, 0.3, 1.0),
    "Telesales": ((5, 12), 0.30, 8, 5, 0.15, 1.0),
    "Sponsoring": ((8, 16), 0.30, 9, 4, 0.1, 1.0),
    "Print": ((8, 20), 0.50, 1, 1, 1.0, 1.0),
    "Radio / TV": ((6, 12), 0.50, 3, 2, 0.0, 0.5),
}
# fmt: on
_LIFT_ORDER_VALUE = 2.5  # a lifted order is worth 2.5 x the segment's average order


# Who brings a lead in (leads.source: marketing, sales, partner, service, other), by the
# channel group of its campaign: telesales and fairs are largely sales' own work, partners
# pass on leads at events. A won lead's source is drawn with these odds against a lost one's
# (sales and partner leads close more often): the source then tells something about the
# outcome, as it does in a real CRM.
_SOURCE_MIX = {
    "Search": (0.86, 0.03, 0.05, 0.04, 0.02),
    "Social & messaging": (0.88, 0.02, 0.04, 0.04, 0.02),
    "Display": (0.90, 0.02, 0.03, 0.03, 0.02),
    "Owned media": (0.80, 0.04, 0.03, 0.11, 0.02),
    "Events": (0.50, 0.32, 0.13, 0.02, 0.03),
    "Print & mail": (0.80, 0.10, 0.05, 0.03, 0.02),
    "Sales": (0.15, 0.75, 0.04, 0.05, 0.01),
    "Brand": (0.85, 0.05, 0.05, 0.02, 0.03),
}
_SOURCE_WON_ODDS = (1.0, 1.8, 2.5, 1.4, 0.7)


def _lead_sources(rng: np.random.Generator, ch: np.ndarray, won: np.ndarray) -> pd.Series:
    groups = [c.group for c in _CHANNELS]
    mix = np.array([_SOURCE_MIX[g] for g in groups])[ch]
    mix = np.where(won[:, None], mix * np.array(_SOURCE_WON_ODDS), mix)
    mix = mix / mix.sum(axis=1, keepdims=True)
    u = rng.random(len(ch))[:, None]
    which = (u > np.cumsum(mix, axis=1)).sum(axis=1).clip(max=len(LEAD_SOURCES) - 1)
    return pd.Series(np.array(LEAD_SOURCES, dtype=object)[which])


@dataclass
class DemoData:
    tables: dict[str, pd.DataFrame]
    truth: dict


@dataclass(frozen=True)
class _Calendar:
    start: dt.date
    end: dt.date  # last day included

    @property
    def day0(self) -> int:  # days since 1970-01-01 of the first day
        return (self.start - dt.date(1970, 1, 1)).days

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def end_s(self) -> int:  # last second of the window, epoch seconds
        return (self.day0 + self.n_days) * DAY - 1

    def idx(self, d: dt.date) -> int:
        return (d - self.start).days

    def month_start(self) -> np.ndarray:
        """Day index of each month start plus n_days as sentinel (length MONTHS + 1)."""
        months = np.arange(MONTHS + 1) + self.start.year * 12 + self.start.month - 1
        first = [dt.date(int(m) // 12, int(m) % 12 + 1, 1) for m in months]
        return np.array([self.idx(d) for d in first])


def _window(end: dt.date | None) -> _Calendar:
    """36 whole months ending with the last complete month on or before ``end``."""
    end = end or dt.date.today()
    if (end + dt.timedelta(days=1)).month != end.month:
        last = end
    else:
        last = end.replace(day=1) - dt.timedelta(days=1)
    m = last.year * 12 + last.month - 1 - (MONTHS - 1)
    return _Calendar(dt.date(m // 12, m % 12 + 1, 1), last)


# --- campaign plan -----------------------------------------------------------------------------


def _periods(cal: _Calendar, months: int):
    """Calendar quarters/halves/years overlapping the window, clipped to it (day indices)."""
    for y in range(cal.start.year, cal.end.year + 1):
        for i in range(12 // months):
            first = dt.date(y, 1 + i * months, 1)
            nxt = dt.date(y + (i + 1) * months // 12, (1 + (i + 1) * months - 1) % 12 + 1, 1)
            s, e = cal.idx(first), cal.idx(nxt) - 1
            if e >= 0 and s < cal.n_days:
                yield y, i + 1, max(s, 0), min(e, cal.n_days - 1)


def _plan(rng: np.random.Generator, cal: _Calendar) -> list[tuple]:
    """Campaigns as (channel, name, segment, region, first day, last day, weight, profile)."""
    out: list[tuple] = []

    def add(ch, name, seg, region, s, e, weight, profile):
        s, e = max(s, 0), min(e, cal.n_days - 1)
        if s <= e:
            out.append(
                (
                    _CH[ch],
                    name,
                    SEGMENTS.index(seg),
                    REGIONS.index(region),
                    s,
                    e,
                    float(weight),
                    profile,
                )
            )

    grid = [(s, r) for s in SEGMENTS for r in REGIONS]
    # Always-on programmes run per segment and sales region.
    for y, h, s, e in _periods(cal, 6):
        for seg, reg in grid:
            add("Paid search", f"Search {seg} {reg} {y}-H{h}", seg, reg, s, e, 1.0, FLAT)
            add("Email newsletter", f"Newsletter {seg} {reg} {y}-H{h}", seg, reg, s, e, 1.0, SENDS)
            add(
                "Messaging",
                f"WhatsApp broadcast {seg} {reg} {y}-H{h}",
                seg,
                reg,
                s,
                e,
                0.5 if seg == "B2B" else 1.0,
                SENDS,
            )
    for y, _, s, e in _periods(cal, 12):
        for seg, reg in grid:
            add("Website / SEO", f"SEO & content {seg} {reg} {y}", seg, reg, s, e, 1.0, FLAT)
        add(
            "Sponsoring",
            f"Sponsoring FC {rng.choice(REGIONS)} {y}",
            "B2C",
            rng.choice(REGIONS),
            s,
            e,
            1.0,
            EVENT,
        )
        add(
            "Sponsoring",
            f"Sponsoring trade association {y}",
            "B2B",
            rng.choice(REGIONS),
            s,
            e,
            0.8,
            EVENT,
        )
    for y, q, s, e in _periods(cal, 3):
        for reg in REGIONS:
            add("Telesales", f"Telesales {reg} {y}-Q{q}", "B2B", reg, s, e, 1.0, WEEKDAYS)
        for i, seg in enumerate(("B2C", "B2C", "B2B")):
            _flight(rng, add, "Social", f"Social {seg} {y}-Q{q}{'abc'[i]}", seg, s, e, 28, 56)
        for i in range(2):
            seg = "B2C" if rng.random() < 0.6 else "B2B"
            _flight(rng, add, "Display", f"Display {seg} {y}-Q{q}{'ab'[i]}", seg, s, e, 21, 42)
    for y in range(cal.start.year, cal.end.year + 1):
        _plan_year(rng, cal, add, y)
    return out


def _flight(rng, add, ch, name, seg, s, e, min_len, max_len):
    """A burst campaign starting somewhere in [s, e], kept inside the period."""
    first = s + int(rng.integers(0, max(e - s - 14, 1)))
    add(
        ch,
        name,
        seg,
        rng.choice(REGIONS),
        first,
        min(first + int(rng.integers(min_len, max_len)), e),
        1.0,
        FLAT,
    )


def _plan_year(rng, cal, add, y):
    """Dated offline campaigns of calendar year y (fairs, catalogues, mailings, events, radio)."""

    def at(month, lo=3, hi=20):
        return cal.idx(dt.date(y, month, int(rng.integers(lo, hi))))

    for name, month, days, size, seg, reg in _FAIRS:
        s = at(month)
        add("Trade fairs", f"{name} {y}", seg, reg, s, s + days - 1, size, EVENT)
    for reg in REGIONS:  # catalogues go out in regional editions: January and September peaks
        s = at(1, 5, 15)
        add("Print", f"Main catalogue {y} {reg}", "B2B", reg, s, s + 27, 2.0, DROP)
        s = at(9, 1, 10)
        add("Print", f"Autumn catalogue {y} {reg}", "B2B", reg, s, s + 20, 1.0, DROP)
    for name, month in (
        ("Spring DIY flyer", 3),
        ("Garden flyer", 5),
        ("Workwear flyer", 10),
        ("Christmas flyer", 11),
    ):
        s = at(month)
        add("Print", f"{name} {y}", "B2C", rng.choice(REGIONS), s, s + 13, 0.6, DROP)
    for i, month in enumerate(sorted(rng.choice([2, 3, 5, 6, 9, 10, 11], 6, replace=False))):
        seg = "B2B" if rng.random() < 0.6 else "B2C"
        s = at(int(month))
        add(
            "Direct mail",
            f"Mailing {seg} {y}-{i + 1}",
            seg,
            rng.choice(REGIONS),
            s,
            s + 11,
            float(rng.lognormal(0, 0.3)),
            DROP,
        )
    for name, month in zip(
        _PR_EVENTS, rng.choice([2, 3, 4, 5, 6, 9, 10, 11], 5, replace=False), strict=True
    ):
        seg = "B2B" if rng.random() < 0.8 else "B2C"
        s = at(int(month))
        add(
            "PR & events",
            f"{name} {y}",
            seg,
            rng.choice(REGIONS),
            s,
            s + int(rng.integers(0, 2)),
            float(rng.lognormal(0, 0.3)),
            EVENT,
        )
    for i, month in enumerate((3, 5, 11)):
        s = at(month, 1, 12)
        add(
            "Radio / TV",
            f"Radio/TV flight {y}-{i + 1}",
            "B2C",
            rng.choice(REGIONS),
            s,
            s + int(rng.integers(13, 21)),
            1.0,
            FLAT,
        )


def _campaign_table(plan: list[tuple], cal: _Calendar) -> tuple[pd.DataFrame, dict]:
    """Sort the plan by start date and channel, hand out ids C0001, ...; frame + arrays."""
    plan = sorted(plan, key=lambda c: (c[4], c[0], c[1]))
    cols = [np.array(x) for x in zip(*plan, strict=True)]
    cp = dict(zip(("ch", "name", "seg", "reg", "s", "e", "w", "prof"), cols, strict=True))
    cp["id"] = np.array([f"C{i + 1:04d}" for i in range(len(plan))])
    day0 = np.datetime64(cal.start, "D")
    frame = pd.DataFrame(
        {
            "campaign_id": cp["id"],
            "channel": [_CHANNELS[c].name for c in cp["ch"]],
            "campaign_name": cp["name"],
            "segment": [SEGMENTS[x] for x in cp["seg"]],
            "region": [REGIONS[x] for x in cp["reg"]],
            "start_date": (day0 + cp["s"]).astype("datetime64[us]"),
            "end_date": (day0 + cp["e"]).astype("datetime64[us]"),
        }
    )
    return frame, cp


# --- spend -------------------------------------------------------------------------------------


def _spend(rng: np.random.Generator, cal: _Calendar, cp: dict, flight_rng) -> dict:
    """Spread each channel's yearly budget over the active days of its campaigns, in the
    weekly shape of the channel's media plan (`_flighted`); paused days have no spend row."""
    weekday = (cal.day0 + np.arange(cal.n_days) + 3) % 7  # Mon = 0; 1970-01-01 was a Thursday
    cal_month = _month_of_year(cal)
    rows_c, rows_d, rows_w = [], [], []
    for i in range(len(cp["ch"])):
        days = np.arange(cp["s"][i], cp["e"][i] + 1)
        if cp["prof"][i] == WEEKDAYS:
            days = days[weekday[days] < 5]
        elif cp["prof"][i] == SENDS:
            sends = _SEND_DAYS[_CHANNELS[cp["ch"][i]].name][cp["seg"][i]]
            days = days[np.isin(weekday[days], sends)]
        decay = np.exp(-np.arange(len(days)) / 6.0)  # print/mail costs fall on the first days
        rows_c.append(np.full(len(days), i))
        rows_d.append(days)
        rows_w.append(cp["w"][i] * (decay if cp["prof"][i] == DROP else np.ones(len(days))))
    camp, day, w = np.concatenate(rows_c), np.concatenate(rows_d), np.concatenate(rows_w)
    ch, seg, prof = cp["ch"][camp], cp["seg"][camp], cp["prof"][camp]
    online = np.array([c.kind == "online" for c in _CHANNELS])[ch]
    growth = np.array([c.growth for c in _CHANNELS])
    seasonal = np.isin(prof, (FLAT, WEEKDAYS, SENDS))
    w = w * np.where(seasonal, _SEASON[seg, cal_month[day]], 1.0)
    weekend = online & (prof == FLAT) & (weekday[day] >= 5)
    w = w * np.where(weekend, np.array(_WEEKEND)[seg], 1.0)
    w = w * (1 + growth[ch]) ** (day / 365.25)
    w = w * rng.lognormal(0, np.where(prof == EVENT, 0.1, 0.25))
    w = _flighted(flight_rng, cal, ch, day, w)
    # Channel totals: year-1 budget compounded over three years, with a little luck.
    totals = np.array([c.spend * sum((1 + c.growth) ** y for y in range(3)) for c in _CHANNELS])
    totals = totals * rng.lognormal(0, 0.03, len(_CHANNELS))
    amount = np.round(w * (totals / np.bincount(ch, w, len(_CHANNELS)))[ch], 2)
    impressions, clicks = _impressions(rng, ch, amount, online)
    order = np.lexsort((camp, day))
    order = order[amount[order] > 0]  # a paused week books nothing
    return {
        "camp": camp[order],
        "day": day[order],
        "amount": amount[order],
        "impressions": impressions[order],
        "clicks": clicks[order],
    }


def _flighted(rng, cal: _Calendar, ch: np.ndarray, day: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weights of spend rows shaped by each channel's weekly media plan: budget levels that
    step every few weeks, pulses at the channel's own rhythm and phase, and dark weeks
    (paused). Each channel draws its own plan, so no two channels' weekly spend moves
    together, nor with the season or the trend (a model can tell them apart). Each
    channel's spend in each calendar year stays what it was (growth and the yearly online
    share keep their story; the plan moves money between the weeks of a year); dated
    campaigns (fairs, mailings, events) keep their dates."""
    shift = (cal.day0 + 3) % 7  # weekday of the first day, Mon = 0
    week = (day + shift) // 7
    n_weeks = int(week.max()) + 1
    mult = np.ones((len(_CHANNELS), n_weeks))
    for c, (steps, sd, period, on, low, dark) in _FLIGHTING.items():
        # budget levels: a new level every steps[0]..steps[1] weeks
        edges = np.cumsum(rng.integers(steps[0], steps[1] + 1, n_weeks))
        levels = rng.lognormal(0, sd, n_weeks)
        level = levels[np.searchsorted(edges, np.arange(n_weeks), side="right")]
        # pulses: `on` weeks of every `period`, at a random phase; `low` x spend in between
        pulse = np.where((np.arange(n_weeks) + rng.integers(period)) % period < on, 1.0, low)
        # dark weeks: Poisson-many pauses a year, 1-3 weeks each
        off = np.zeros(n_weeks, bool)
        for s in rng.integers(0, n_weeks, rng.poisson(dark * n_weeks / 52)):
            off[s : s + int(rng.integers(1, 4))] = True
        mult[_CH[c]] = level * pulse * ~off
    shaped = w * mult[ch, week]
    year = (np.datetime64(cal.start, "D") + day).astype("datetime64[Y]").astype(np.int64)
    _, inverse = np.unique(ch * 10_000 + year, return_inverse=True)
    before, after = np.bincount(inverse, w), np.bincount(inverse, shaped)
    # a year whose active days all fell in paused weeks keeps its plain shape
    paused = (after <= 0)[inverse]
    return np.where(paused, w, shaped * (before / np.maximum(after, 1e-12))[inverse])


def _month_of_year(cal: _Calendar) -> np.ndarray:
    days = np.datetime64(cal.start, "D") + np.arange(cal.n_days)
    return days.astype("datetime64[M]").astype(np.int64) % 12


def _impressions(rng, ch, amount, online):
    """Impressions from a channel CPM and clicks from its CTR, both with daily noise."""
    cpm = np.array([c.cpm or 1.0 for c in _CHANNELS])[ch]
    ctr = np.array([c.ctr for c in _CHANNELS])[ch]
    imp = np.round(amount / cpm * 1000 * rng.lognormal(0, 0.1, len(amount))).astype(np.int64)
    clicks = rng.binomial(imp, np.clip(ctr * rng.lognormal(0, 0.15, len(amount)), 0, 1))
    return np.where(online, imp, -1), np.where(online, clicks, -1)


def _monthly(cal: _Calendar, day: np.ndarray, ch: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Spend as a (month, channel) matrix."""
    month = np.searchsorted(cal.month_start(), day, side="right") - 1
    out = np.zeros((MONTHS, len(_CHANNELS)))
    np.add.at(out, (month, ch), amount)
    return out


def _budgets(rng, actual: np.ndarray) -> np.ndarray:
    """Plans that actuals miss both ways; online tends to underspend its (ambitious) plan."""
    online = np.array([c.kind == "online" for c in _CHANNELS])
    miss = np.clip(np.where(online, -0.06, 0.02) + rng.normal(0, 0.12, actual.shape), -0.3, 0.3)
    return np.round(actual / (1 + miss), -2)


def _target_share(cal: _Calendar, year: int) -> float:
    """Online share target of a fiscal (calendar) year: 20 % at the window start, +4 points a
    year, read at the middle of the year's covered part. Slightly ahead of the actual share."""
    first = max(cal.start, dt.date(year, 1, 1))
    last = min(cal.end, dt.date(year, 12, 31))
    mid = (first - cal.start).days + (last - first).days / 2
    return round(TARGET_START + TARGET_STEP * mid / 365.25, 2)


# --- leads, funnel, customers ------------------------------------------------------------------


def _time_of_day(rng, b2c: np.ndarray) -> np.ndarray:
    """Seconds after midnight: business hours for B2B, evenings-heavy for B2C."""
    n = len(b2c)
    b2b_t = rng.normal(12.5, 2.6, n)
    b2b_t = np.where((b2b_t < 7) | (b2b_t >= 19), rng.uniform(8, 17, n), b2b_t)  # no pile-ups
    b2c_t = np.where(rng.random(n) < 0.55, rng.normal(20, 2, n), rng.uniform(7, 23, n)) % 24
    return (np.where(b2c, b2c_t, b2b_t) * 3600).astype(np.int64)


def _respond(rng, cal, spend, cp, rate_per_eur: np.ndarray):
    """Poisson responses to every spend row; returns (campaign index, epoch seconds), by time."""
    camp = spend["camp"]
    ch, seg = cp["ch"][camp], cp["seg"][camp]
    n = rng.poisson(spend["amount"] * rate_per_eur[ch, seg])
    rows = np.repeat(np.arange(len(camp)), n)
    lag = np.array([c.lag for c in _CHANNELS])[ch[rows]]
    day = spend["day"][rows] + np.floor(rng.exponential(lag)).astype(np.int64)
    t = (cal.day0 + day) * DAY + _time_of_day(rng, seg[rows] == 1)
    keep = day < cal.n_days
    order = np.argsort(t[keep], kind="stable")
    return camp[rows][keep][order], t[keep][order]


def _funnel(rng, ch: np.ndarray, created: np.ndarray, end_s: int):
    """Walk leads through the stages. Returns (times, visited, lost_time) with times (n, 6)."""
    n = len(ch)
    conv = np.array([c.conv for c in _CHANNELS])[ch]
    elevated = rng.random(n) < np.array([c.elevator for c in _CHANNELS])[ch]
    jump_to = np.where(elevated, rng.integers(2, 4, n), 1)  # presented or offer
    skipped = elevated[:, None] & (np.arange(5) < jump_to[:, None])  # no test on the way up
    success = (rng.random((n, 5)) < conv) | skipped
    furthest = np.cumprod(success, axis=1).sum(axis=1)  # 5 = won
    pos = np.arange(6)
    visited = (pos <= furthest[:, None]) & ~((pos >= 1) & (pos < jump_to[:, None]))
    # Whole days per stage (at least one) and a business-hours time of day for each move, so
    # stage times strictly increase and look like a sales rep's CRM log.
    median = np.log(np.array(_STAGE_DAYS))
    days = np.exp(median + _STAGE_SIGMA * rng.standard_normal((n, 5)))
    days = np.maximum(np.round(days), 1).astype(np.int64)
    step = np.where(visited[:, :5], days, 0)
    entry = created[:, None] // DAY + np.concatenate(
        [np.zeros((n, 1), np.int64), np.cumsum(step, axis=1)], axis=1
    )
    tod = _time_of_day(rng, np.zeros(n * 6, bool)).reshape(n, 6)
    times = np.concatenate([created[:, None], entry[:, 1:] * DAY + tod[:, 1:]], axis=1)
    # Lost after the days the furthest stage would have taken (tod[:, 0] is otherwise unused).
    rows, last = np.arange(n), np.minimum(furthest, 4)
    lost = np.where(furthest < 5, (entry[rows, furthest] + days[rows, last]) * DAY + tod[:, 0], -1)
    visited &= times <= end_s
    lost = np.where((lost >= 0) & (lost <= end_s), lost, -1)
    return times, visited, lost


def _stage_rows(times, visited, lost) -> pd.DataFrame:
    lead, stage = np.nonzero(visited)
    lost_lead = np.flatnonzero(lost >= 0)
    lead = np.concatenate([lead, lost_lead])
    stage = np.concatenate([stage, np.full(len(lost_lead), len(STAGES))])
    t = np.concatenate([times[visited], lost[lost_lead]])
    order = np.lexsort((t, lead))
    return _frame(
        {
            "lead_id": lead[order].astype(np.int64) + 1,
            "stage": _labels(stage[order], [*STAGES, LOST]),
            "entered_at": _ts(t[order]),
        }
    )


# --- orders ------------------------------------------------------------------------------------


def _retention_mix(ch: np.ndarray):
    """Per customer: P(core), monthly activity of core/non-core and survival ratio per month.

    p(k) = pi * a_core + (1 - pi) * a_nc * r**(k-1) with pi * a_core = floor and
    (1 - pi) * a_nc = p1 - floor, r = exp(-decay): the marginal cohort curve is exactly p(k).
    """
    p1, floor, decay = (np.array(x) for x in zip(*[c.retention for c in _CHANNELS], strict=True))
    pi = floor / _CORE_ACTIVITY
    a_nc = (p1 - floor) / (1 - pi)
    return pi[ch], a_nc[ch], np.exp(-decay)[ch]


def _orders(rng, cal, cust: dict) -> dict:
    """Order events of every customer: the first one in the acquisition month, then retention."""
    n = len(cust["ch"])
    month_start = cal.month_start()
    month_s = (cal.day0 + month_start) * DAY
    pi, a_nc, r = _retention_mix(cust["ch"])
    core = rng.random(n) < pi
    life = rng.geometric(1 - r)  # non-core customers are alive in months 1..life
    m0 = cust["m0"]
    # First order: webshop customers buy right away, won leads sign it within hours.
    # Past the month end the delay is redrawn inside the month, so ends don't pile up.
    delay = rng.exponential(np.where(cust["via_lead"], 4 * 3600, 1800))
    room = month_s[m0 + 1] - 1 - cust["t"]
    delay = np.where(delay <= room, delay, rng.random(n) * room).astype(np.int64)
    first_t = cust["t"] + delay
    cust_idx, times = [np.arange(n)], [first_t]
    extra = np.array(_EXTRA_ORDERS)
    for m in range(1, MONTHS):
        idx = np.flatnonzero(m0 < m)
        k = m - m0[idx]
        p = np.where(core[idx], _CORE_ACTIVITY, np.where(k <= life[idx], a_nc[idx], 0.0))
        idx = idx[rng.random(len(idx)) < p]
        idx = np.repeat(idx, 1 + rng.poisson(extra[cust["seg"][idx]]))
        b2b = cust["seg"][idx] == 0
        month_days = np.arange(month_start[m], month_start[m + 1])
        workdays = month_days[(cal.day0 + month_days + 3) % 7 < 5]  # B2B buys Mon-Fri
        days = np.where(
            b2b,
            workdays[rng.integers(0, len(workdays), len(idx))],
            rng.choice(month_days, len(idx)),
        )
        cust_idx.append(idx)
        times.append((cal.day0 + days) * DAY + _time_of_day(rng, cust["seg"][idx] == 1))
    ci, t = np.concatenate(cust_idx), np.concatenate(times)
    first = np.zeros(len(ci), bool)
    first[:n] = True
    order = np.argsort(t, kind="stable")
    return {"cust": ci[order], "t": t[order], "first": first[order]}


def _order_attributes(rng, cal, orders, cust, cp):
    """Revenue, margin, sales channel and last-touch campaign of each order."""
    ci = orders["cust"]
    n = len(ci)
    seg, ch = cust["seg"][ci], cust["ch"][ci]
    group = np.where(cust["via_lead"][ci], 0, 2) + seg
    cum = np.cumsum(_SALES_MIX, axis=1)
    u = rng.random(n)
    sales = (u >= cum[group, 0]).astype(np.int8) + (u >= cum[group, 1])
    aov = np.array(_AOV)[seg] * np.array([c.aov for c in _CHANNELS])[ch]
    sigma = np.array(_AOV_SIGMA)[seg]
    revenue = np.maximum(np.round(rng.lognormal(np.log(aov) - sigma**2 / 2, sigma), 2), 1.0)
    rate = np.array(_MARGIN)[seg] + np.array([c.margin for c in _CHANNELS])[ch]
    rate = np.clip(rate + rng.normal(0, _MARGIN_SD, n), 0.05, 0.7)
    campaign = np.where(orders["first"], cust["camp"][ci], -1)
    touched = ~orders["first"] & (rng.random(n) < np.array(_TOUCH_P)[sales])
    campaign[touched] = _running_campaign(
        rng,
        cal,
        cp,
        orders["t"][touched],
        seg[touched],
        cust["reg"][ci][touched],
        _TOUCH_CHANNELS,
        _TOUCH_WEIGHTS,
    )
    return revenue, np.round(revenue * rate, 2), sales, campaign


def _running_campaign(rng, cal, cp, t, seg, reg, channels, weights):
    """A campaign of one of `channels` (drawn by `weights`) running at time t in the
    customer's segment and region, or -1 when none is."""
    lookup = np.full((len(channels), cal.n_days, 2, 4), -1)
    for i, name in enumerate(channels):
        for j in np.flatnonzero(cp["ch"] == _CH[name]):
            lookup[i, cp["s"][j] : cp["e"][j] + 1, cp["seg"][j], cp["reg"][j]] = j
    which = rng.choice(len(channels), len(t), p=weights)
    return lookup[which, t // DAY - cal.day0, seg, reg]


def _touchpoints(rng, cal, cust, cp) -> dict:
    """Opening touches before each acquisition, in running campaigns of opener channels."""
    count = rng.poisson(_OPENERS_PER_CUSTOMER, len(cust["t"]))
    ci = np.repeat(np.arange(len(cust["t"])), count)
    t = cust["t"][ci] - (rng.exponential(_OPENER_DAYS, len(ci)) * DAY).astype(np.int64)
    inside = t >= cal.day0 * DAY
    ci, t = ci[inside], t[inside]
    camp = _running_campaign(
        rng, cal, cp, t, cust["seg"][ci], cust["reg"][ci], _OPENER_CHANNELS, _OPENER_WEIGHTS
    )
    found = camp >= 0
    order = np.argsort(t[found], kind="stable")
    return {"cust": ci[found][order], "t": t[found][order], "camp": camp[found][order]}


# --- assembly ----------------------------------------------------------------------------------


def _ts(seconds: np.ndarray) -> np.ndarray:
    return seconds.astype("datetime64[s]").astype("datetime64[us]")


def _labels(codes: np.ndarray, names) -> pd.Series:
    """Codes -> str column (-1 = missing), built through Arrow so 10M rows stay fast."""
    codes = np.asarray(codes)
    arr = pa.DictionaryArray.from_arrays(
        pa.array(np.maximum(codes, 0).astype(np.int32), mask=codes < 0),
        pa.array([str(x) for x in names]),
    ).cast(pa.string())
    return pd.Series(arr, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _frame(columns: dict) -> pd.DataFrame:
    """A frame that adopts the (large, freshly built) arrays instead of copying them."""
    return pd.DataFrame(columns, copy=False)


def _nullable(values: np.ndarray) -> pd.arrays.IntegerArray:
    """int64 codes -> nullable Int64 (-1 = missing)."""
    return pd.arrays.IntegerArray(np.where(values < 0, 0, values).astype(np.int64), values < 0)


def generate(scale: float = 1, seed: int = 0, end: dt.date | None = None) -> DemoData:
    """Build the demo warehouse tables for 36 months ending before ``end`` (default: today)."""
    rng = np.random.default_rng(seed)
    cal = _window(end)
    camps, cp = _campaign_table(_plan(rng, cal), cal)
    # The media plan's weekly flighting draws from its own stream (the main stream keeps its
    # order of draws).
    spend = _spend(rng, cal, cp, np.random.default_rng([seed, 14]))
    camp_ch = cp["ch"]
    actual = _monthly(cal, spend["day"], camp_ch[spend["camp"]], spend["amount"])
    budget = _budgets(rng, actual)

    # Leads: Poisson in spend / cost per lead, then the funnel.
    lead_rate = np.array([[scale / x for x in c.cpl] for c in _CHANNELS])
    lead_camp, lead_t = _respond(rng, cal, spend, cp, lead_rate)
    times, visited, lost = _funnel(rng, camp_ch[lead_camp], lead_t, cal.end_s)
    won = np.flatnonzero(visited[:, 5])

    # Direct (webshop) customers: Poisson in spend * acquisition rate.
    acq_rate = np.array([[scale * x / 1000 for x in c.acq] for c in _CHANNELS])
    dir_camp, dir_t = _respond(rng, cal, spend, cp, acq_rate)
    cust = _customer_arrays(rng, cal, cp, lead_camp[won], times[won, 5], dir_camp, dir_t)
    lead_customer = np.full(len(lead_camp), -1, np.int64)
    lead_customer[won] = cust["id"][: len(won)]
    sorted_cust = {k: v[cust["order"]] for k, v in cust.items()}
    orders = _orders(rng, cal, sorted_cust)
    revenue, margin, sales, order_camp = _order_attributes(rng, cal, orders, sorted_cust, cp)
    touches = _touchpoints(rng, cal, sorted_cust, cp)  # drawn last: the rest stays as it was
    # The marketing-mix lift draws from its own stream, so everything above stays as it was.
    weekly = _weekly_spend(cal, spend, camp_ch)
    lift = _lift(
        np.random.default_rng([seed, 13]), cal, weekly, spend, cp, sorted_cust, orders, scale
    )
    revenue, margin, sales, order_camp = (
        np.concatenate([revenue, lift["revenue"]]),
        np.concatenate([margin, lift["margin"]]),
        np.concatenate([sales, lift["sales"]]),
        np.concatenate([order_camp, np.full(len(lift["t"]), -1)]),
    )
    orders = {
        "cust": np.concatenate([orders["cust"], lift["cust"]]),
        "t": np.concatenate([orders["t"], lift["t"]]),
    }

    cid = cp["id"]
    tables = {
        "channels": pd.DataFrame(
            {
                "channel": [c.name for c in _CHANNELS],
                "kind": [c.kind for c in _CHANNELS],
                "group": [c.group for c in _CHANNELS],
            }
        ),
        "campaigns": camps,
        "spend": pd.DataFrame(
            {
                "date": _ts((cal.day0 + spend["day"]) * DAY),
                "campaign_id": _labels(spend["camp"], cid),
                "amount": spend["amount"],
                "impressions": _nullable(spend["impressions"]),
                "clicks": _nullable(spend["clicks"]),
            }
        ),
        "budgets": _month_channel_frame(cal, budget),
        "targets": pd.DataFrame(
            {
                "month": _ts((cal.day0 + cal.month_start()[:MONTHS]) * DAY),
                "online_share": [_target_share(cal, y) for y in _month_years(cal)],
            }
        ),
        "leads": _frame(
            {
                "lead_id": np.arange(1, len(lead_camp) + 1, dtype=np.int64),
                "created_at": _ts(lead_t),
                "campaign_id": _labels(lead_camp, cid),
                "customer_id": _nullable(lead_customer),
                "segment": _labels(cp["seg"][lead_camp], SEGMENTS),
                "region": _labels(cp["reg"][lead_camp], REGIONS),
                # its own stream, drawn last: every figure above stays as it was
                "source": _lead_sources(
                    np.random.default_rng([seed, 16]), camp_ch[lead_camp], visited[:, 5]
                ),
            }
        ),
        "lead_stages": _stage_rows(times, visited, lost),
        "funnel_stages": pd.DataFrame(
            {"stage": list(STAGES), "position": np.arange(1, len(STAGES) + 1, dtype=np.int64)}
        ),
        "customers": _frame(
            {
                "customer_id": sorted_cust["id"],
                "acquired_at": _ts(sorted_cust["t"]),
                "campaign_id": _labels(sorted_cust["camp"], cid),
                "segment": _labels(sorted_cust["seg"], SEGMENTS),
                "region": _labels(sorted_cust["reg"], REGIONS),
            }
        ),
        "orders": _frame(
            {
                "order_id": np.arange(1, len(revenue) + 1, dtype=np.int64),
                "customer_id": sorted_cust["id"][orders["cust"]],
                "ordered_at": _ts(orders["t"]),
                "revenue": revenue,
                "gross_margin": margin,
                "campaign_id": _labels(order_camp, cid),
                "sales_channel": _labels(sales, SALES_CHANNELS),
            }
        ),
        "touchpoints": _frame(
            {
                "customer_id": sorted_cust["id"][touches["cust"]],
                "touched_at": _ts(touches["t"]),
                "campaign_id": _labels(touches["camp"], cid),
            }
        ),
    }
    truth = _truth(cal, scale, seed)
    truth["mmm"] = _mmm_truth(weekly, spend, cp, scale, lift)
    truth["lead_sources"] = {
        "mix": {c.name: dict(zip(LEAD_SOURCES, _SOURCE_MIX[c.group], strict=True))
                for c in _CHANNELS},
        "won_odds": dict(zip(LEAD_SOURCES, _SOURCE_WON_ODDS, strict=True)),
    }  # fmt: skip
    # NPS answers from their own stream, drawn from the orders above: nothing else moves
    tables["nps"], truth["nps"] = demo_nps.answers(
        np.random.default_rng([seed, 17]),
        sorted_cust["id"],
        orders["cust"],
        orders["t"],
        cal.end_s,
    )
    return DemoData(tables, truth)


def _customer_arrays(rng, cal, cp, won_camp, won_t, dir_camp, dir_t) -> dict:
    """Won leads first, then direct acquisitions; ids follow acquisition time."""
    camp = np.concatenate([won_camp, dir_camp])
    t = np.concatenate([won_t, dir_t])
    via_lead = np.arange(len(camp)) < len(won_camp)
    order = np.argsort(t, kind="stable")
    ids = np.empty(len(camp), np.int64)
    ids[order] = FIRST_CUSTOMER_ID + np.arange(len(camp))
    month_s = (cal.day0 + cal.month_start()) * DAY
    untracked = ~via_lead & (rng.random(len(camp)) < _UNTRACKED)
    return {
        "id": ids,
        "t": t,
        "via_lead": via_lead,
        "order": order,
        "ch": cp["ch"][camp],
        "seg": cp["seg"][camp],
        "reg": cp["reg"][camp],
        "camp": np.where(untracked, -1, camp),
        "m0": np.searchsorted(month_s, t, side="right") - 1,
    }


def _month_years(cal: _Calendar) -> list[int]:
    m = cal.start.year * 12 + cal.start.month - 1 + np.arange(MONTHS)
    return [int(x) // 12 for x in m]


def _month_channel_frame(cal: _Calendar, values: np.ndarray) -> pd.DataFrame:
    months = _ts((cal.day0 + cal.month_start()[:MONTHS]) * DAY)
    return pd.DataFrame(
        {
            "month": np.repeat(months, len(_CHANNELS)),
            "channel": [c.name for c in _CHANNELS] * MONTHS,
            "amount": values.ravel(),
        }
    )


# --- marketing-mix lift ------------------------------------------------------------------------


@dataclass
class _Weekly:
    monday: np.ndarray  # datetime64[D] of each ISO week's Monday
    first_day: np.ndarray  # day index of each week's first day inside the window
    last_day: np.ndarray  # day index of each week's last day inside the window
    spend: np.ndarray  # (weeks, channels) EUR


def _weekly_spend(cal: _Calendar, spend: dict, camp_ch: np.ndarray) -> _Weekly:
    """Spend per ISO week (Monday to Sunday) and channel; the window's edge weeks are partial."""
    shift = (cal.day0 + 3) % 7  # weekday of the first day, Mon = 0
    n_weeks = (cal.n_days - 1 + shift) // 7 + 1
    week = (spend["day"] + shift) // 7
    out = np.zeros((n_weeks, len(_CHANNELS)))
    np.add.at(out, (week, camp_ch[spend["camp"]]), spend["amount"])
    first = np.maximum(np.arange(n_weeks) * 7 - shift, 0)
    last = np.minimum(np.arange(n_weeks) * 7 - shift + 6, cal.n_days - 1)
    monday = np.datetime64(cal.start, "D") - shift + 7 * np.arange(n_weeks)
    return _Weekly(monday, first, last, out)


def adstock(x: np.ndarray, alpha, l_max: int = MMM_L_MAX) -> np.ndarray:
    """Normalised geometric adstock over the first axis (weeks); alpha per column or scalar.
    Weeks before the first carry nothing over."""
    alpha = np.asarray(alpha, float)
    weights = alpha[..., None] ** np.arange(l_max)  # (..., l_max)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    out = np.zeros(np.broadcast_shapes(x.shape, alpha.shape))
    for lag in range(l_max):
        out[lag:] = out[lag:] + weights[..., lag] * x[: len(x) - lag]
    return out


def logistic(z: np.ndarray, lam) -> np.ndarray:
    e = np.exp(-np.asarray(lam) * z)
    return (1 - e) / (1 + e)


def _lift_expected(weekly: _Weekly, scale: float, bump: float = 0.0) -> tuple[np.ndarray, dict]:
    """Expected lifted revenue per week and channel; parameters per channel."""
    alpha, lam, roas = (np.array(v) for v in zip(*[_MMM[c.name] for c in _CHANNELS], strict=True))
    x = weekly.spend
    top = x.max(axis=0)
    shape = logistic(adstock(x, alpha) / top, lam)
    beta = roas * scale * x.sum(axis=0) / shape.sum(axis=0)  # EUR per week at full saturation
    if bump:
        shape = logistic(adstock(x * (1 + bump), alpha) / top, lam)
    return beta * shape, {"alpha": alpha, "lam": lam, "beta": beta, "top": top}


def _lift(rng, cal, weekly: _Weekly, spend, cp, cust: dict, orders: dict, scale) -> dict:
    """Orders lifted by spend: Poisson per week and channel, placed on a random day of the week
    with a customer of the segment who is active that month anyway."""
    revenue, _ = _lift_expected(weekly, 1.0)
    scale_rev = revenue * scale
    b2c_share = _b2c_share(spend, cp)  # per channel, by spend
    aov = np.array(_AOV)[None, :] * np.array([c.aov for c in _CHANNELS])[:, None]  # (ch, seg)
    mean_value = _LIFT_ORDER_VALUE * ((1 - b2c_share) * aov[:, 0] + b2c_share * aov[:, 1])
    n = rng.poisson(scale_rev / mean_value)
    wk, ch = np.nonzero(n)
    wk, ch = np.repeat(wk, n[wk, ch]), np.repeat(ch, n[wk, ch])
    seg = (rng.random(len(ch)) < b2c_share[ch]).astype(np.int64)
    day = weekly.first_day[wk] + (
        rng.random(len(wk)) * (weekly.last_day[wk] - weekly.first_day[wk] + 1)
    ).astype(np.int64)
    t = (cal.day0 + day) * DAY + _time_of_day(rng, seg == 1)
    sigma = np.array(_AOV_SIGMA)[seg]
    value = _LIFT_ORDER_VALUE * aov[ch, seg]
    rev = np.maximum(np.round(rng.lognormal(np.log(value) - sigma**2 / 2, sigma), 2), 1.0)
    rate = np.array(_MARGIN)[seg] + np.array([c.margin for c in _CHANNELS])[ch]
    rate = np.clip(rate + rng.normal(0, _MARGIN_SD, len(ch)), 0.05, 0.7)
    cum = np.cumsum(_SALES_MIX[2 + seg], axis=1)
    u = rng.random(len(ch))
    sales = (u >= cum[:, 0]).astype(np.int8) + (u >= cum[:, 1])
    # The customer: one of the segment who orders anyway that month and whose first order
    # came before this one. A lifted order adds to what active customers buy, so who is
    # active in a month (retention, cohorts) stays exactly as the retention model made it.
    first_t = np.full(len(cust["t"]), np.iinfo(np.int64).max)
    np.minimum.at(first_t, orders["cust"], orders["t"])
    month_s = (cal.day0 + cal.month_start()) * DAY
    o_month = np.searchsorted(month_s, orders["t"], side="right") - 1
    l_month = np.searchsorted(month_s, t, side="right") - 1
    who = np.full(len(ch), -1)
    for m in range(MONTHS):
        active = np.unique(orders["cust"][o_month == m])
        for s in (0, 1):
            pool = active[cust["seg"][active] == s]
            pool = pool[np.argsort(first_t[pool], kind="stable")]
            here = np.flatnonzero((seg == s) & (l_month == m))
            if not len(here) or not len(pool):
                continue
            count = np.searchsorted(first_t[pool], t[here], side="left")
            pick = (rng.random(len(here)) * count).astype(np.int64)
            who[here] = np.where(count > 0, pool[np.minimum(pick, len(pool) - 1)], -1)
    keep = who >= 0  # a month's first hours may have nobody yet
    return {
        "cust": who[keep],
        "t": t[keep],
        "ch": ch[keep],
        "revenue": rev[keep],
        "margin": np.round(rev * rate, 2)[keep],
        "sales": sales[keep],
    }


def _b2c_share(spend: dict, cp: dict) -> np.ndarray:
    ch = cp["ch"][spend["camp"]]
    b2c = cp["seg"][spend["camp"]] == 1
    total = np.bincount(ch, spend["amount"], len(_CHANNELS))
    return np.bincount(ch, spend["amount"] * b2c, len(_CHANNELS)) / np.maximum(total, 1e-9)


def _first_order_roas(spend: dict, cp: dict, scale: float) -> np.ndarray:
    """Expected first-order revenue per EUR of spend through leads won and direct customers
    (the response the channel's campaigns are credited with), by the channel's segment mix."""
    b2c = _b2c_share(spend, cp)
    out = []
    for i, c in enumerate(_CHANNELS):
        per_seg = [
            scale * (_win_rate(c) / c.cpl[s] + c.acq[s] / 1000) * _AOV[s] * c.aov for s in (0, 1)
        ]
        out.append((1 - b2c[i]) * per_seg[0] + b2c[i] * per_seg[1])
    return np.array(out)


def _mmm_truth(weekly: _Weekly, spend: dict, cp: dict, scale: float, lift: dict) -> dict:
    """Per channel: the lift's parameters, its expected contribution, ROAS and marginal ROAS."""
    base, params = _lift_expected(weekly, scale)
    bumped, _ = _lift_expected(weekly, scale, bump=0.01)
    total = weekly.spend.sum(axis=0)
    first = _first_order_roas(spend, cp, scale)
    realised = np.bincount(lift["ch"], lift["revenue"], len(_CHANNELS))
    channels = {}
    for i, c in enumerate(_CHANNELS):
        contribution = base[:, i].sum()
        channels[c.name] = {
            "kind": c.kind,
            "adstock_alpha": float(params["alpha"][i]),
            "saturation_lam": float(params["lam"][i]),
            "saturation_beta_eur_per_week": round(float(params["beta"][i]), 2),
            "largest_weekly_spend_eur": round(float(params["top"][i]), 2),
            "spend_eur": round(float(total[i]), 2),
            "contribution_eur": round(float(contribution), 2),
            "realised_contribution_eur": round(float(realised[i]), 2),
            "roas": round(float(contribution / total[i]), 4),
            "marginal_roas": round(
                float((bumped[:, i].sum() - contribution) / (0.01 * total[i])), 4
            ),
            "first_order_roas": round(float(first[i]), 4),
        }
    return {
        "outcome": "revenue",
        "grain": "ISO week (Monday to Sunday); the window's first and last weeks are partial",
        "weeks": int(len(weekly.monday)),
        "first_week": str(weekly.monday[0]),
        "l_max": MMM_L_MAX,
        "channels": channels,
        "notes": {
            "lift": "lifted revenue of channel c in week t = beta_c * (1 - exp(-lam_c z)) / "
            "(1 + exp(-lam_c z)), z = normalised geometric adstock (decay adstock_alpha, "
            f"{MMM_L_MAX} weeks) of weekly spend / largest_weekly_spend_eur. Realised as "
            "Poisson-many orders of existing customers, with no campaign.",
            "roas": "contribution_eur / spend_eur over the window; marginal_roas: extra "
            "lifted revenue per extra EUR when every week's spend rises by 1 %.",
            "first_order_roas": "expected first-order revenue per EUR through the channel's "
            "leads and direct customers (linear in spend, lagged by the funnel); repeat "
            "orders of those customers come months later and are not in it.",
        },
    }


# --- ground truth ------------------------------------------------------------------------------


def _win_rate(c: _Channel) -> float:
    """P(won) of a new lead: the normal path or an elevator ride to presented/offer."""
    q = np.array(c.conv)
    normal = float(np.prod(q))
    jump = 0.5 * float(np.prod(q[2:])) + 0.5 * float(np.prod(q[3:]))
    return (1 - c.elevator) * normal + c.elevator * jump


def _curve(c: _Channel, months: int = 13) -> list[float]:
    p1, floor, decay = c.retention
    return [1.0] + [
        round(floor + (p1 - floor) * math.exp(-decay * (k - 1)), 4) for k in range(1, months)
    ]


def _truth(cal: _Calendar, scale: float, seed: int) -> dict:
    transitions = [f"{a}->{b}" for a, b in zip(STAGES[:-1], STAGES[1:], strict=True)]
    channels = {}
    for c in _CHANNELS:
        p1, floor, decay = c.retention
        channels[c.name] = {
            "kind": c.kind,
            "group": c.group,
            "year1_spend_eur": c.spend,
            "spend_growth_per_year": c.growth,
            "cost_per_lead_eur": {
                s: round(x / scale, 4) for s, x in zip(SEGMENTS, c.cpl, strict=True)
            },
            "stage_conversion": dict(zip(transitions, c.conv, strict=True)),
            "elevator_rate": c.elevator,
            "win_rate": round(_win_rate(c), 5),
            "direct_customers_per_1000_eur": {
                s: round(x * scale, 4) for s, x in zip(SEGMENTS, c.acq, strict=True)
            },
            "response_lag_days_mean": c.lag,
            "retention": {
                "p1": p1,
                "floor": floor,
                "decay": decay,
                "core_share": round(floor / _CORE_ACTIVITY, 4),
            },
            "retention_curve": _curve(c),
            "avg_order_value_eur": {
                s: round(a * c.aov, 2) for s, a in zip(SEGMENTS, _AOV, strict=True)
            },
            "margin_rate": {
                s: round(m + c.margin, 4) for s, m in zip(SEGMENTS, _MARGIN, strict=True)
            },
            "cpm_eur": c.cpm or None,
            "ctr": c.ctr or None,
        }
    years = sorted(set(_month_years(cal)))
    online = [c for c in _CHANNELS if c.kind == "online"]
    return {
        "seed": int(seed),
        "scale": scale if isinstance(scale, int) else float(scale),
        "start": cal.start.isoformat(),
        "end": cal.end.isoformat(),
        "currency": "EUR",
        "online_growth_rate": round(
            sum(c.spend * c.growth for c in online) / sum(c.spend for c in online), 4
        ),
        "offline_growth_rate": round(
            sum(c.spend * c.growth for c in _CHANNELS if c.kind == "offline")
            / sum(c.spend for c in _CHANNELS if c.kind == "offline"),
            4,
        ),
        "target_online_share": {str(y): _target_share(cal, y) for y in years},
        "stages": list(STAGES),
        "stage_days_median": dict(zip(STAGES[:-1], _STAGE_DAYS, strict=True)),
        "stage_days_sigma": _STAGE_SIGMA,
        "orders_per_active_month": {s: 1 + x for s, x in zip(SEGMENTS, _EXTRA_ORDERS, strict=True)},
        "order_value_sigma": dict(zip(SEGMENTS, _AOV_SIGMA, strict=True)),
        "untracked_customer_share": _UNTRACKED,
        "repeat_order_touch_share": dict(zip(SALES_CHANNELS, _TOUCH_P, strict=True)),
        "touch_channels": dict(zip(_TOUCH_CHANNELS, _TOUCH_WEIGHTS, strict=True)),
        "opening_touches": {
            "per_customer": _OPENERS_PER_CUSTOMER,
            "days_before_acquisition_mean": _OPENER_DAYS,
            "channels": dict(zip(_OPENER_CHANNELS, _OPENER_WEIGHTS, strict=True)),
        },
        "channels": channels,
        "notes": {
            "leads": "Poisson(spend * scale / cost_per_lead) per campaign-day, per segment of "
            "the campaign; cost_per_lead_eur is already divided by scale.",
            "acquisition": "direct (webshop) customers ~ Poisson(spend / 1000 * rate) per "
            "campaign-day; rate already multiplied by scale. Won leads are "
            "customers too (expected per lead: win_rate).",
            "retention": "retention_curve[k] = P(customer orders in month k after the "
            "acquisition month); k=0 is always 1 (first order). p(k) = floor + "
            "(p1 - floor) * exp(-decay * (k - 1)) for k >= 1, the same for both "
            "segments; realised as core_share loyal customers ordering with "
            f"P={_CORE_ACTIVITY} a month plus decaying non-core customers.",
            "elevator": "elevated leads jump from identified to presented or offer (50/50).",
            "stages": "days in a stage ~ round(lognormal(log(median), sigma)), at least 1, "
            "moves logged at business hours; a lost row follows the furthest stage "
            "after the days that stage would have taken. Events after the window end "
            "are cut (open leads).",
            "spend": "channel spend grows continuously at spend_growth_per_year; each "
            "calendar year's spend of a channel is spread over its weeks by the channel's "
            "media plan (budget steps, pulses, paused weeks; demo._FLIGHTING).",
            "budgets": "budget = actual / (1 + miss), miss ~ N(-0.06 online / +0.02 offline, "
            "0.12) clipped to +-0.3, rounded to 100 EUR: online underspends its plan.",
            "targets": f"online share target {TARGET_START} at the window start, "
            f"+{TARGET_STEP} a year, one value per calendar year.",
        },
    }
