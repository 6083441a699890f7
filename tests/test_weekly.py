"""The weekly review (pitwall/weekly.py, weeks.py, highlights.py, views.weekly) on the golden
business (tests/golden/), against figures worked out by hand from the CSV files and
docs/metrics.md ("Weekly review"). None was copied from the code's output.

Abbreviations in comments: customers k1..k7, leads L1..L8, orders o1..o15, ISO weeks of 2025
W01..W16. A "week" is Monday..Sunday:

    W01 2024-12-30..01-05  W05 01-27..02-02  W09 02-24..03-02  W13 03-24..03-30
    W02 01-06..01-12       W06 02-03..02-09  W10 03-03..03-09  W14 03-31..04-06
    W03 01-13..01-19       W07 02-10..02-16  W11 03-10..03-16  W15 04-07..04-13
    W04 01-20..01-26       W08 02-17..02-23  W12 03-17..03-23  W16 04-14..04-20

Every event of the golden business by week (spend.csv, orders.csv, leads.csv, customers.csv,
lead_stages.csv; o8, o11, o14 have no campaign):

    W01 spend search_b2b 100 (01-05)            lead L1 search (01-05)
    W02 spend social 60 (01-10)                 o1 k1 200 search_b2b (01-12)
        lead L2 search (01-10)                  new k1 search (01-10)
    W03 spend print 200 (01-15)                 won L1 (01-15; search, own b2b/north)
    W04 spend search_b2c 50 (01-20), events 90 (01-25)      lead L3 social (01-20)
    W05 no spend                                lead L4 print (02-01)
        new k2 social (01-28), k6 search_b2c (02-02; own segment b2b)
    W06 spend search_b2b 80 (02-03)             o3 k2 120 social (02-05), o12 k7 250 referral
        lead L5 events (02-05)                  new k7 referral (derived, first order 02-08)
    W07 spend search_b2c 40 (02-14), social 30 (02-10), print 100 (02-12)
        o7 k4 90 search_b2c (02-10)             lead L6 search (02-15)
        new k3 events (02-14), k4 search (no acquired_at: first order o7 02-10)
    W08 spend social 30 (02-20)                 o5 k3 500 events (02-20), o9 k5 30 search_b2b
    W09 spend events 150 (02-26), search_b2b 70 (03-02)      lead L7 social (03-01 16:30)
    W10 spend social 40 (03-08)                 o2 k1 150 search_b2b (03-05)
        new k5 social (03-03; own region north)
    W11 spend search_b2b 30 (03-16), print 120 (03-15)
        o10 k5 60 social (03-10 18:00)          lead L8 events (03-10)
    W12 spend search_b2c 60 (03-20)             o4 k2 80 search_b2c (03-18)
        won L8 (03-20; events, own b2b/south)
    W13 spend print 80 (03-25)                  o11 k5 40 unattributed (03-25)
    W14 spend search_b2b 50 (04-04)             o6 k3 300 events (04-02), o15 k2 0 social
    W15 spend social 25 (04-10)                 o8 k4 60 unattributed (04-08)
    W16 spend events 100 (04-18)                o13 k7 100 referral (04-15),
                                                o14 k3 70 unattributed (04-20 16:00)

Per week, unfiltered (online spend = search + social; buyers = distinct customers ordering):

    week  spend online revenue leads new won buyers
    W01    100   100      0     1    0   0    0
    W02     60    60    200     1    1   0    1   k1
    W03    200     0      0     0    0   1    0
    W04    140    50      0     1    0   0    0
    W05      0     0      0     1    2   0    0
    W06     80    80    370     1    1   0    2   k2 k7
    W07    170    70     90     1    2   0    1   k4
    W08     30    30    530     0    0   0    2   k3 k5
    W09    220    70      0     1    0   0    0
    W10     40    40    150     0    1   0    1   k1
    W11    150    30     60     1    0   0    1   k5
    W12     60    60     80     0    0   1    1   k2
    W13     80     0      0     0    0   0    1   k5
    W14     50    50    300     0    0   0    2   k3 k2
    W15     25    25      0     0    0   0    1   k4
    W16    100     0    100     0    0   0    2   k7 k3
    sum   1505   665   1880     8    7   2

(spend 1505 and credited revenue 1880 match tests/test_golden_views.py; online 665 =
210+180+200+75, the monthly online spend there.)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from conftest import CountingConnection

from pitwall import highlights, views, weekly, weeks
from pitwall.filters import FilterError, Filters
from pitwall.formatting import change
from pitwall.metrics import METRICS

D = dt.date
E = math.nan  # an empty ratio

KEYS = ["spend", "online_spend", "all_spend", "revenue", "leads", "new_customers", "deals_won",
        "buyers", "online_share", "roas", "cpl", "cac"]
MEASURES = KEYS[:8]

W01, W02, W03, W04, W05 = D(2024, 12, 30), D(2025, 1, 6), D(2025, 1, 13), D(2025, 1, 20), \
    D(2025, 1, 27)
W07, W08, W09, W11, W12 = D(2025, 2, 10), D(2025, 2, 17), D(2025, 2, 24), D(2025, 3, 10), \
    D(2025, 3, 17)
W15, W16 = D(2025, 4, 7), D(2025, 4, 14)


# --- helpers --------------------------------------------------------------------------------


def query(h) -> dict[str, list[str]]:
    """A highlight's link parameters, as the page it opens reads them."""
    return parse_qs(urlsplit(h.url()).query)


def fig(spend, online, all_, revenue, leads, new, won, buyers, share, roas, cpl, cac) -> dict:
    """The twelve figures of a week (or of the average week), in KEYS order."""
    return dict(zip(KEYS, (spend, online, all_, revenue, leads, new, won, buyers, share, roas,
                           cpl, cac), strict=True))


def assert_figures(where: str, got: dict, want: dict) -> None:
    problems = []
    for key in KEYS:
        w, g = want[key], got[key]
        if isinstance(w, float) and math.isnan(w):
            if not pd.isna(g):
                problems.append(f"{where} {key}: expected empty, got {g!r}")
        elif pd.isna(g) or float(g) != pytest.approx(w):
            problems.append(f"{where} {key}: expected {w!r}, got {g!r}")
    assert not problems, "\n".join(problems)


def deltas(now: dict, other: dict, names) -> dict:
    """The tile delta strings, as the page and the report write them."""
    return {m: change(METRICS[m].fmt, now[m], other[m]) for m in names}


TILES = ["spend", "online_share", "revenue", "roas", "leads", "cpl", "deals_won",
         "new_customers", "cac", "buyers"]


# --- 1. weeks: parsing and naming -----------------------------------------------------------


@pytest.mark.parametrize("text, monday", [
    ("2025-W16", D(2025, 4, 14)),  # W02 starts 01-06; + 14 weeks (98 days) = 04-14
    ("2025w16", D(2025, 4, 14)),  # the regex allows no hyphen; text is upper-cased
    (" 2025-w16 ", D(2025, 4, 14)),  # stripped
    ("2025-W01", D(2024, 12, 30)),  # 2025-01-01 is a Wednesday: W01 starts in 2024
    ("2025-W07", D(2025, 2, 10)),
    ("2025-W52", D(2025, 12, 22)),  # 2025 has 52 weeks (01-01 is a Wednesday, not leap)
    ("2020-W53", D(2020, 12, 28)),  # 2020 is leap and starts on a Wednesday: 53 weeks
    ("2026-W53", D(2026, 12, 28)),  # 2026 starts on a Thursday: 53 weeks
])
def test_parse_valid(text, monday):
    assert weeks.parse(text) == monday
    assert weeks.parse(text).weekday() == 0


@pytest.mark.parametrize("text, phrase", [
    ("2025-W54", "'2025-W54' is not a week: ISO year 2025 has no week 54"),
    ("2025-W53", "'2025-W53' is not a week: ISO year 2025 has no week 53"),
    ("2025-W00", "ISO year 2025 has no week 00"),
    ("2025-16", "a week is written like 2025-W07 (ISO year and week), not '2025-16'"),
    ("hello", "not 'hello'"),
    ("2025-W7", "not '2025-W7'"),  # two digits for the week
    ("", "a week is written like 2025-W07"),
])
def test_parse_invalid(text, phrase):
    with pytest.raises(FilterError) as err:
        weeks.parse(text)
    assert phrase in str(err.value)


def test_name_label_and_year_boundary():
    assert weeks.name(D(2025, 4, 14)) == "2025-W16"
    assert weeks.name(D(2024, 12, 30)) == "2025-W01"  # Monday 2024-12-30: 2025's first week
    assert weeks.name(D(2021, 1, 4)) == "2021-W01"  # 2021-01-01 is a Friday: in 2020-W53
    assert weeks.name(D(2020, 12, 28)) == "2020-W53"
    assert weeks.parse(weeks.name(D(2024, 12, 30))) == D(2024, 12, 30)
    assert weeks.label(D(2025, 4, 14)) == "2025-W16 · 14 Apr – 20 Apr 2025"


@pytest.mark.parametrize("last_day, monday", [
    (D(2025, 4, 20), D(2025, 4, 14)),  # a Sunday: its own week
    (D(2025, 4, 19), D(2025, 4, 7)),  # Saturday: that week is incomplete, the one before
    (D(2025, 4, 16), D(2025, 4, 7)),  # Wednesday
    (D(2025, 4, 14), D(2025, 4, 7)),  # Monday
    (D(2025, 1, 5), D(2024, 12, 30)),  # Sunday 2025-01-05 ends 2025-W01
    (D(2025, 1, 1), D(2024, 12, 23)),  # Wednesday in W01: the week before is 2024-W52
])
def test_last_complete(last_day, monday):
    assert weeks.last_complete(last_day) == monday


def test_span_shift_sunday():
    assert weeks.span(W16) == (D(2025, 4, 14), D(2025, 4, 20))
    assert weeks.span(W16, 13) == (D(2025, 1, 20), D(2025, 4, 20))  # 04-14 - 12*7 days
    assert weeks.span(W16, 4) == (D(2025, 3, 24), D(2025, 4, 20))
    assert weeks.sunday(W01) == D(2025, 1, 5)
    assert weeks.shift(W01, -1) == D(2024, 12, 23)


# --- 2. default week and choices ------------------------------------------------------------


def test_default_week_and_choices(golden_con):
    # Latest date: o14 2025-04-20 16:00 (spend ends 04-18, leads 03-10) - a Sunday, so its
    # own week 2025-W16 is complete and is the default.
    assert views.data_span(golden_con) == (D(2025, 1, 5), D(2025, 4, 20))
    assert weekly.default_week(golden_con) == D(2025, 4, 14)
    got = weekly.choices(golden_con)
    # First date 2025-01-05 (spend of c_search_b2b, lead L1) is in W01 (Monday 2024-12-30).
    # 2024-12-30 .. 2025-04-14 is 105 days = 15 weeks apart: 16 weeks, newest first.
    assert len(got) == 16
    assert got[0] == D(2025, 4, 14) and weeks.name(got[0]) == "2025-W16"
    assert got[-1] == D(2024, 12, 30) and weeks.name(got[-1]) == "2025-W01"
    assert got == sorted(got, reverse=True)
    assert all(b - a == dt.timedelta(days=7) for a, b in zip(got[1:], got[:-1], strict=True))


# --- 3. 2025-W16 against W15 and the average of W12..W15 ------------------------------------

W16_NOW = fig(
    100, 0, 100,  # events 04-18 100 (offline): online 0 / all 100
    100,  # o13 k7 100 referral (o14 70 is unattributed)
    0, 0, 0,  # no lead created, nobody acquired, nobody won
    2,  # k7 (o13), k3 (o14: unattributed orders still make an active customer)
    0 / 100, 100 / 100, E, E)  # online share 0; ROAS 1.0; CPL, CAC: 0 leads/customers
W15_NOW = fig(
    25, 25, 25,  # social 04-10 25
    0,  # o8 60 unattributed
    0, 0, 0,
    1,  # k4 (o8)
    25 / 25, 0 / 25, E, E)
# Average week of W12..W15: spend (60+80+50+25)/4 = 215/4 = 53.75,
# online (60+0+50+25)/4 = 135/4 = 33.75, revenue (80+0+300+0)/4 = 95, leads 0, new 0,
# won (1+0+0+0)/4 = 0.25 (L8 in W12), buyers (1+1+2+1)/4 = 1.25.
# Ratios of the averages: share 33.75/53.75 = 27/43, ROAS 95/53.75 = 76/43, CPL/CAC empty.
W16_AVERAGE = fig(53.75, 33.75, 53.75, 95, 0, 0, 0.25, 1.25, 27 / 43, 76 / 43, E, E)


def test_w16_figures(golden_con):
    r = weekly.review(golden_con, W16)
    assert r.name == "2025-W16"
    assert r.has_data
    assert_figures("now", r.now, W16_NOW)
    assert_figures("before", r.before, W15_NOW)
    assert_figures("average", r.average, W16_AVERAGE)
    assert r.filters.start == W16 and r.filters.end == D(2025, 4, 20)


def test_w16_tile_deltas(golden_con):
    r = weekly.review(golden_con, W16)
    assert deltas(r.now, r.before, TILES) == {
        "spend": "+300.0 %",  # 100 / 25 - 1
        "online_share": "-100.0 pp",  # 0 - 100 %
        "revenue": None,  # from 0
        "roas": None,  # 1.0 against 0.0: a change from 0
        "leads": None,  # 0 against 0
        "cpl": None,  # empty both weeks
        "deals_won": None,
        "new_customers": None,
        "cac": None,
        "buyers": "+100.0 %",  # 2 / 1 - 1
    }
    assert deltas(r.now, r.average, TILES) == {
        "spend": "+86.0 %",  # 100 / 53.75 - 1 = 0.8605
        "online_share": "-62.8 pp",  # 0 - 27/43 = -0.6279
        "revenue": "+5.3 %",  # 100 / 95 - 1 = 0.0526
        "roas": "-43.4 %",  # 1 / (76/43) - 1 = 43/76 - 1 = -0.4342
        "leads": None,  # average 0
        "cpl": None,
        "deals_won": "-100.0 %",  # 0 / 0.25 - 1
        "new_customers": None,
        "cac": None,
        "buyers": "+60.0 %",  # 2 / 1.25 - 1
    }


# --- 4. busier weeks: W07 (and W05, with zero spend) ----------------------------------------

W07_NOW = fig(
    170, 70, 170,  # search_b2c 40 + social 30 online, print 100 offline
    90,  # o7 k4 search_b2c
    1,  # L6 (02-15, search)
    2,  # k3 (02-14, events), k4 (first order o7 02-10, c_search_b2c)
    0,
    1,  # k4 (o7)
    70 / 170, 90 / 170, 170 / 1, 170 / 2)
W06_NOW = fig(
    80, 80, 80,  # search_b2b 02-03
    120 + 250,  # o3 social, o12 referral
    1,  # L5 (events)
    1,  # k7 (derived from o12 02-08, referral)
    0,
    2,  # k2 (o3), k7 (o12)
    80 / 80, 370 / 80, 80 / 1, 80 / 1)
# Average of W03..W06: spend (200+140+0+80)/4 = 105; online (0+50+0+80)/4 = 32.5;
# revenue (0+0+0+370)/4 = 92.5; leads (0+1+1+1)/4 = 0.75 (L3, L4, L5); new (0+0+2+1)/4 = 0.75
# (k2 k6, k7); won (1+0+0+0)/4 = 0.25 (L1 01-15); buyers (0+0+0+2)/4 = 0.5.
# Ratios: share 32.5/105 = 13/42, ROAS 92.5/105 = 37/42, CPL 105/0.75 = 140, CAC 140.
W07_AVERAGE = fig(105, 32.5, 105, 92.5, 0.75, 0.75, 0.25, 0.5, 13 / 42, 37 / 42, 140, 140)


def test_w07_figures_and_deltas(golden_con):
    r = weekly.review(golden_con, W07)
    assert_figures("now", r.now, W07_NOW)
    assert_figures("before", r.before, W06_NOW)
    assert_figures("average", r.average, W07_AVERAGE)
    names = [m for m in TILES if m != "cac"]
    assert deltas(r.now, r.before, names) == {
        "spend": "+112.5 %",  # 170 / 80 - 1
        "online_share": "-58.8 pp",  # 7/17 - 1 = -0.5882
        "revenue": "-75.7 %",  # 90 / 370 - 1 = -0.7568
        "roas": "-88.6 %",  # (9/17) / (37/8) - 1 = 72/629 - 1 = -0.8855
        "leads": "+0.0 %",  # 1 / 1 - 1
        "cpl": "+112.5 %",  # 170 / 80 - 1
        "deals_won": None,  # 0 against 0
        "new_customers": "+100.0 %",  # 2 / 1 - 1
        "buyers": "-50.0 %",  # 1 / 2 - 1
    }
    # CAC 85 against 80 is +6.25 % exactly: a rounding tie, so checked as a number
    assert r.now["cac"] / r.before["cac"] - 1 == pytest.approx(0.0625)
    assert deltas(r.now, r.average, TILES) == {
        "spend": "+61.9 %",  # 170 / 105 - 1 = 0.6190
        "online_share": "+10.2 pp",  # 7/17 - 13/42 = 73/714 = 0.1022
        "revenue": "-2.7 %",  # 90 / 92.5 - 1 = -0.0270
        "roas": "-39.9 %",  # (9/17) / (37/42) - 1 = 378/629 - 1 = -0.3990
        "leads": "+33.3 %",  # 1 / 0.75 - 1
        "cpl": "+21.4 %",  # 170 / 140 - 1 = 0.2143
        "deals_won": "-100.0 %",  # 0 / 0.25 - 1
        "new_customers": "+166.7 %",  # 2 / 0.75 - 1
        "cac": "-39.3 %",  # 85 / 140 - 1 = -0.3929
        "buyers": "+100.0 %",  # 1 / 0.5 - 1
    }


# W05 (01-27..02-02): no spend at all, but lead L4 and new customers k2 (01-28), k6 (02-02):
# CPL = 0 / 1 = 0 and CAC = 0 / 2 = 0 (not empty); online share 0/0 and ROAS 0/0 are empty.
W05_NOW = fig(0, 0, 0, 0, 1, 2, 0, 0, E, E, 0.0, 0.0)
W04_NOW = fig(
    140, 50, 140,  # search_b2c 50 online, events 90 offline
    0, 1, 0, 0, 0,  # L3
    50 / 140, 0 / 140, 140 / 1, E)  # no new customer: CAC empty
# Average of W01..W04: spend (100+60+200+140)/4 = 125, online (100+60+0+50)/4 = 52.5,
# revenue (0+200+0+0)/4 = 50, leads (1+1+0+1)/4 = 0.75 (L1 L2 L3), new (0+1+0+0)/4 = 0.25
# (k1), won (0+0+1+0)/4 = 0.25 (L1), buyers (0+1+0+0)/4 = 0.25 (k1).
# Ratios: share 52.5/125 = 0.42, ROAS 50/125 = 0.4, CPL 125/0.75 = 500/3, CAC 125/0.25 = 500.
W05_AVERAGE = fig(125, 52.5, 125, 50, 0.75, 0.25, 0.25, 0.25, 0.42, 0.4, 500 / 3, 500)


def test_w05_zero_spend_ratios(golden_con):
    r = weekly.review(golden_con, W05)
    assert_figures("now", r.now, W05_NOW)
    assert r.now["cpl"] == 0.0 and r.now["cac"] == 0.0  # zero, not empty
    assert pd.isna(r.now["online_share"]) and pd.isna(r.now["roas"])
    assert_figures("before", r.before, W04_NOW)
    assert_figures("average", r.average, W05_AVERAGE)
    assert deltas(r.now, r.before, TILES) == {
        "spend": "-100.0 %",  # 0 / 140 - 1
        "online_share": None,  # empty this week
        "revenue": None,  # 0 against 0
        "roas": None,  # empty this week
        "leads": "+0.0 %",
        "cpl": "-100.0 %",  # 0 / 140 - 1
        "deals_won": None,
        "new_customers": None,  # from 0
        "cac": None,  # empty the week before
        "buyers": None,
    }
    assert deltas(r.now, r.average, TILES) == {
        "spend": "-100.0 %",
        "online_share": None,
        "revenue": "-100.0 %",  # 0 / 50 - 1
        "roas": None,
        "leads": "+33.3 %",  # 1 / 0.75 - 1
        "cpl": "-100.0 %",
        "deals_won": "-100.0 %",
        "new_customers": "+700.0 %",  # 2 / 0.25 - 1
        "cac": "-100.0 %",  # 0 / 500 - 1
        "buyers": "-100.0 %",
    }


def test_w12_deal_won(golden_con):
    # W12 (03-17..03-23): spend search_b2c 60 (03-20); o4 k2 80 search_b2c (03-18); L8 enters
    # won 03-20 (its decision 03-18 is no deal); no lead created, nobody acquired.
    r = weekly.review(golden_con, W12)
    assert_figures("now", r.now, fig(60, 60, 60, 80, 0, 0, 1, 1, 1.0, 80 / 60, E, E))
    # W11: search_b2b 30 + print 120; o10 k5 60 social; L8 created (events)
    assert_figures("before", r.before,
                   fig(150, 30, 150, 60, 1, 0, 0, 1, 30 / 150, 60 / 150, 150, E))


# --- 5. filters -----------------------------------------------------------------------------


def test_w07_search_only(golden_con):
    # search campaigns c_search_b2b, c_search_b2c.
    # W07: spend c_search_b2c 40; revenue o7 90; lead L6 (c_search_b2b); new k4 (c_search_b2c;
    #      k3 is events); buyers k4 (acquired by search).
    # W06: spend c_search_b2b 80; o3 (social), o12 (referral) not search; L5 events; k7
    #      referral; buyers k2 (social), k7 (referral) were not acquired by search.
    # W03..W06 for the average: spend 0 + 50 + 0 + 80 = 130 -> 32.5; revenue 0; leads 0
    #      (L3 social, L4 print, L5 events); new k6 (c_search_b2c, W05) -> 0.25; won L1
    #      (search, W03) -> 0.25; buyers 0.  CAC 32.5 / 0.25 = 130, CPL empty.
    r = weekly.review(golden_con, W07, Filters(channels=("search",)))
    assert_figures("now", r.now, fig(40, 40, 40, 90, 1, 1, 0, 1, 1.0, 90 / 40, 40, 40))
    assert_figures("before", r.before, fig(80, 80, 80, 0, 0, 0, 0, 0, 1.0, 0.0, E, E))
    assert_figures("average", r.average,
                   fig(32.5, 32.5, 32.5, 0, 0, 0.25, 0.25, 0, 1.0, 0.0, E, 130))
    assert r.filters.channels == ("search",)


def test_w07_offline(golden_con):
    # kind offline: campaigns c_print, c_events; the online share keeps both kinds.
    # W07: spend print 100; online 70 of all 170; revenue 0 (o7 is search); leads 0 (L6
    #      search); new k3 (events); buyers 0 (k4 was acquired by search, online).
    # W06: spend 0 (search only), online 80 of 80; revenue 0; lead L5 (events) at no offline
    #      spend -> CPL 0 / 1 = 0; new 0 (k7 referral); buyers 0 (k2 social, k7 referral).
    r = weekly.review(golden_con, W07, Filters(kind="offline"))
    assert_figures("now", r.now, fig(100, 70, 170, 0, 0, 1, 0, 0, 70 / 170, 0.0, E, 100))
    assert_figures("before", r.before, fig(0, 80, 80, 0, 1, 0, 0, 0, 1.0, E, 0.0, E))
    assert r.before["cpl"] == 0.0


def test_w07_segment_b2b(golden_con):
    # b2b campaigns: c_search_b2b, c_print, c_events (campaign segment for spend, revenue,
    # leads, new customers; the online share is within the segment too).
    # W07: spend print 100 (c_search_b2c 40 and c_social 30 are b2c): online 0 of 100;
    #      revenue o7 is c_search_b2c (b2c) -> 0; lead L6 c_search_b2b -> 1; new k3 c_events
    #      -> 1 (k4 c_search_b2c is b2c); buyers: k4's own segment is b2c -> 0.
    # W06: spend c_search_b2b 80 (online); revenue o3 c_social, o12 c_referral: b2c -> 0;
    #      lead L5 c_events -> 1; new k7 (c_referral, b2c) -> 0; buyers k2 (no own segment:
    #      c_social's b2c), k7 (derived, c_referral's b2c) -> 0.
    r = weekly.review(golden_con, W07, Filters(segment="b2b"))
    assert_figures("now", r.now, fig(100, 0, 100, 0, 1, 1, 0, 0, 0.0, 0.0, 100, 100))
    assert_figures("before", r.before, fig(80, 80, 80, 0, 1, 0, 0, 0, 1.0, 0.0, 80, E))


def test_w12_deals_won_follow_the_lead_buyers_their_acquisition(golden_con):
    # W12: spend c_search_b2c 60 (online); o4 k2 80 credited to c_search_b2c; L8 won (lead of
    # c_events: offline, own segment b2b); buyer k2, acquired by c_social (online, b2c).
    con = golden_con
    # offline: no spend (online 60 of 60 still counts), no revenue, L8 won, k2 is online
    r = weekly.review(con, W12, Filters(kind="offline"))
    assert_figures("offline", r.now, fig(0, 60, 60, 0, 0, 0, 1, 0, 1.0, E, E, E))
    # online: everything but the deal
    r = weekly.review(con, W12, Filters(kind="online"))
    assert_figures("online", r.now, fig(60, 60, 60, 80, 0, 0, 0, 1, 1.0, 80 / 60, E, E))
    # search: the spend and o4's revenue, but k2 was acquired by social and L8 is events
    r = weekly.review(con, W12, Filters(channels=("search",)))
    assert_figures("search", r.now, fig(60, 60, 60, 80, 0, 0, 0, 0, 1.0, 80 / 60, E, E))
    # social: nothing credited or spent, but k2 is a social customer
    r = weekly.review(con, W12, Filters(channels=("social",)))
    assert_figures("social", r.now, fig(0, 0, 0, 0, 0, 0, 0, 1, E, E, E, E))
    # events: only the deal; no spend at all -> online share 0/0 empty
    r = weekly.review(con, W12, Filters(channels=("events",)))
    assert_figures("events", r.now, fig(0, 0, 0, 0, 0, 0, 1, 0, E, E, E, E))
    # b2b: c_search_b2c is b2c (no spend, no revenue); L8's own segment b2b; k2 is b2c
    r = weekly.review(con, W12, Filters(segment="b2b"))
    assert_figures("b2b", r.now, fig(0, 0, 0, 0, 0, 0, 1, 0, E, E, E, E))
    # b2c: spend and revenue of c_search_b2c, buyer k2 (c_social's b2c), not L8
    r = weekly.review(con, W12, Filters(segment="b2c"))
    assert_figures("b2c", r.now, fig(60, 60, 60, 80, 0, 0, 0, 1, 1.0, 80 / 60, E, E))


def test_w03_deal_won_by_search(golden_con):
    # W03: print 200 (offline); L1 (c_search_b2b) won 01-15.
    r = weekly.review(golden_con, W03, Filters(channels=("search",)))
    assert_figures("search", r.now, fig(0, 0, 0, 0, 0, 0, 1, 0, E, E, E, E))
    r = weekly.review(golden_con, W03, Filters(kind="offline"))
    assert_figures("offline", r.now, fig(200, 0, 200, 0, 0, 0, 0, 0, 0.0, 0.0, E, E))


def test_buyers_by_acquisition_not_by_credit(golden_con):
    # W08: o5 k3 500 events, o9 k5 30 credited to c_search_b2b; k5 was acquired by c_social.
    r = weekly.review(golden_con, W08, Filters(channels=("search",)))
    assert_figures("search", r.now, fig(0, 0, 0, 30, 0, 0, 0, 0, E, E, E, E))
    r = weekly.review(golden_con, W08, Filters(channels=("social",)))
    # social spend 02-20 30; no social revenue; buyer k5
    assert_figures("social", r.now, fig(30, 30, 30, 0, 0, 0, 0, 1, 1.0, 0.0, E, E))
    # W16 offline: events 100; o13 is referral (online); buyer k3 (events) through o14,
    # an unattributed order; k7 is a referral customer.
    r = weekly.review(golden_con, W16, Filters(kind="offline"))
    assert_figures("offline", r.now, fig(100, 0, 100, 0, 0, 0, 0, 1, 0.0, 0.0, E, E))


def test_region_own_for_buyers_campaign_for_revenue(golden_con):
    # north campaigns: c_search_b2b, c_print, c_referral. W11: spend search_b2b 30 + print 120;
    # o10 k5 60 is c_social (south) -> no revenue; L8 c_events (south) -> no lead; buyer k5
    # counts (own region north although acquired by c_social).
    r = weekly.review(golden_con, W11, Filters(region="north"))
    assert_figures("north", r.now, fig(150, 30, 150, 0, 0, 0, 0, 1, 30 / 150, 0.0, E, E))


# --- 6. the thirteen-week trend -------------------------------------------------------------


def test_w16_trend_frame(golden_con):
    r = weekly.review(golden_con, W16)
    df = r.weeks
    mondays = [D(2025, 1, 20) + dt.timedelta(weeks=i) for i in range(13)]  # W04..W16
    assert [d.date() for d in df["week"]] == mondays
    assert list(df["week_name"]) == [f"2025-W{n:02d}" for n in range(4, 17)]
    assert not df[MEASURES].isna().any().any()
    #                     W04  W05 W06  W07 W08  W09 W10  W11 W12 W13 W14 W15  W16
    assert list(df["spend"]) == [140, 0, 80, 170, 30, 220, 40, 150, 60, 80, 50, 25, 100]
    assert df["spend"].sum() == 1145  # 1505 - W01 100 - W02 60 - W03 200
    assert list(df["revenue"]) == [0, 0, 370, 90, 530, 0, 150, 60, 80, 0, 300, 0, 100]
    assert list(df["leads"]) == [1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]  # L3..L8
    assert list(df["new_customers"]) == [0, 2, 1, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert list(df["deals_won"]) == [0] * 8 + [1] + [0] * 4  # L8 in W12 (L1 was W03)
    assert list(df["buyers"]) == [0, 0, 2, 1, 2, 0, 1, 1, 1, 1, 2, 1, 2]
    assert list(df["online_spend"]) == [50, 0, 80, 70, 30, 70, 40, 30, 60, 0, 50, 25, 0]
    assert pd.isna(df["online_share"].iloc[1])  # W05: nothing spent
    assert df["online_share"].iloc[5] == pytest.approx(70 / 220)  # W09
    # the reviewed week is last, the week before second to last
    assert df["spend"].iloc[-1] == r.now["spend"] and df["spend"].iloc[-2] == r.before["spend"]


@pytest.mark.parametrize(
    ("f", "spend"),  # W08..W12 by hand (the event table above)
    [
        (Filters(), [30, 220, 40, 150, 60]),
        (Filters(channels=("social",)), [30, 0, 40, 0, 0]),
        (Filters(kind="offline"), [0, 150, 0, 120, 0]),
    ],
)
def test_weeks_inside_weeks_already_read_are_cut_from_them(golden_con, f, spend):
    """Within a query set, views.weekly over weeks inside a range already read takes those
    weeks' rows from it (queries.run_within) and equals its own query's answer; a range that
    reaches outside is read anew."""
    from pitwall import queries

    con = CountingConnection(golden_con)
    reads = con.reads
    wide = replace(f, start=D(2025, 1, 20), end=D(2025, 4, 20))  # W04..W16
    inner = replace(f, start=D(2025, 2, 17), end=D(2025, 3, 23))  # W08..W12
    outside = replace(f, start=D(2025, 1, 6), end=D(2025, 2, 2))  # W02..W05
    alone = {k: views.weekly(golden_con, g) for k, g in (("inner", inner), ("out", outside))}
    with queries.memo():
        views.weekly(con, wide)
        assert len(reads) == 1
        cut = views.weekly(con, inner)
        assert len(reads) == 1  # no query: the rows of W08..W12 of the first answer
        pd.testing.assert_frame_equal(cut, alone["inner"])
        assert list(cut["spend"]) == spend
        again = views.weekly(con, outside)
        assert len(reads) == 2
        pd.testing.assert_frame_equal(again, alone["out"])


def test_quiet_weeks_are_zero(golden_con):
    # W02's thirteen weeks: 2024-10-14 .. 2025-01-06; the first eleven hold nothing.
    r = weekly.review(golden_con, W02)
    df = r.weeks
    assert len(df) == 13
    assert df["week"].iloc[0].date() == D(2024, 10, 14)  # 2025-01-06 - 84 days
    assert df["week"].iloc[-1].date() == W02
    quiet = df.iloc[:11]
    assert (quiet[MEASURES] == 0).all().all() and not quiet[MEASURES].isna().any().any()
    assert list(df["spend"]) == [0] * 11 + [100, 60]
    assert list(df["leads"]) == [0] * 11 + [1, 1]  # L1, L2
    assert list(df["revenue"]) == [0] * 12 + [200]  # o1
    # the four weeks before W02 are 2024-W50..2025-W01: only W01 spent 100 and made L1
    assert r.average["spend"] == pytest.approx(25) and r.average["leads"] == pytest.approx(0.25)
    assert r.average["cpl"] == pytest.approx(100)  # 25 / 0.25
    assert r.average["roas"] == 0.0  # 0 / 25: zero, not empty


# --- 7. consistency with Channel ROI --------------------------------------------------------


@pytest.mark.parametrize("monday", [W02, W05, W07, W08, W11, W16, D(2024, 3, 4)])
@pytest.mark.parametrize("f", [Filters(), Filters(kind="offline"), Filters(segment="b2c"),
                               Filters(channels=("search", "referral"))])
def test_week_equals_channel_roi_totals(golden_con, monday, f):
    r = weekly.review(golden_con, monday, f)
    f_week = replace(f, start=monday, end=weeks.sunday(monday))
    roi = views.channel_roi(golden_con, f_week)
    for m in ("spend", "revenue", "leads", "new_customers"):
        assert r.now[m] == pytest.approx(float(roi[m].sum())), m


def test_channel_roi_totals_by_hand(golden_con):
    # the same identity on W07 with hand figures: spend 40+30+100, revenue 90, leads 1, new 2
    roi = views.channel_roi(golden_con, Filters(W07, D(2025, 2, 16)))
    assert [roi[m].sum() for m in ("spend", "revenue", "leads", "new_customers")] == [
        170, 90, 1, 2]


# --- 8. highlights --------------------------------------------------------------------------
# 2025-W16 candidates, from docs/metrics.md:
#  Movers (against W15 04-07..04-13; channel_roi rows: W16 events (spend 100), referral
#  (revenue 100); W15 social (spend 25)):
#   revenue: total max(100, 0) = 100; referral 0 -> 100: score 1.0
#   spend:   total max(100, 25) = 100; events 0 -> 100: 1.0; social 25 -> 0: 0.25
#   leads:   total 0: none
#  Online share: 0 / 100 = 0 % against April's 50 % (Thursday 04-17): 50 pp under, score 0.5
#  Pacing to Sunday 04-20 (20 of 30 April days): search 50 against 60*20/30 = 40 -> 125 %;
#   social 25 against 30*20/30 = 20 -> 125 %; events has spend but no April budget -> not
#   paced. Prorated total 60: search |50-40|/60 = 1/6, social |25-20|/60 = 1/12.
#  Funnel: recent leads created 02-24..03-23 (four weeks ending four weeks before Sunday
#   04-20): L7 (identified), L8 (won at day 10 <= 28); before, 01-27..02-23: L4 (presented,
#   qual 10, pres 12), L5 (decision at 10, then lost), L6 (qualified).
#   leads by stage, recent: 2, 1, 1, 1, 1, 1; before: 3, 3, 2, 1, 1, 0.
#   conversion from previous, recent: 1/2, 1, 1, 1, 1; before: 1, 2/3, 1/2, 1, 0/1.
#   change: qualified -0.5, presented +1/3, offer +0.5, decision 0, won +1.0 -> won, 1.0.
#  Cohorts: Sunday 04-20 does not end April, so the newest cohort with a finished period 1 is
#   February (period 1 = March). Feb: k3, k4, k6, k7 - none ordered in March -> 0 %. Cohorts
#   of 2024-08..2025-01: only January (k1, k2): k2 ordered in February (o3) -> 1/2 = 50 %.
#   Gap 0.5.
# Sorted by score, highest first; equal scores keep the order in which the code collects them
# (movers, online share, pacing, funnel, cohorts; within movers revenue, spend, leads, each
# channel in name order from the outer join) because Python's sort is stable:
#   1.0 referral revenue, 1.0 events spend, 1.0 funnel, 0.5 online share, 0.5 cohorts,
#   0.25 social spend | cut by the limit of six: 1/6 search pace, 1/12 social pace.

W16_DATES = ("2025-04-14", "2025-04-20")
# a mover's link shows the thirteen weeks to its week: 2025-04-14 - 12 weeks = 2025-01-20
W16_TREND = ("2025-01-20", "2025-04-20")


def test_w16_highlights(golden_con):
    hs = weekly.review(golden_con, W16).highlights
    assert len(hs) == 6
    assert [h.score for h in hs] == pytest.approx([1.0, 1.0, 1.0, 0.5, 0.5, 0.25])
    assert [h.page for h in hs] == ["channel_roi", "channel_roi", "funnel", "spend_balance",
                                    "cohorts", "channel_roi"]
    rev, spend, fun, share, coh, social = hs

    assert rev.text == ("Revenue from **referral** rose from nothing to €100 against the week "
                        "before.")
    assert query(rev) == {"period": ["Custom range"], "dates": list(W16_TREND),
                           "channel": ["referral"]}
    assert rev.url("http://pit.wall/") == (
        "http://pit.wall/channel_roi?period=Custom+range&dates=2025-01-20&dates=2025-04-20"
        "&channel=referral")

    assert spend.text == "Spend from **events** rose from nothing to €100 against the week before."
    assert query(spend)["channel"] == ["events"]
    assert query(spend)["dates"] == list(W16_TREND)

    assert "Conversion from **decision** to **won** rose from 0.0 % to 100.0 %" in fun.text
    assert "leads created 24 Feb–23 Mar" in fun.text and "28 days" in fun.text
    assert query(fun) == {"period": ["Custom range"], "dates": ["2025-02-24", "2025-03-23"],
                           "window": ["28"], "compare": ["true"]}

    assert share.text == ("The **online share** of spend was 0.0 %, 50.0 pp under its 50 % "
                          "target.")
    # the link shows the thirteen weeks of the trend
    assert query(share) == {"period": ["Custom range"], "dates": ["2025-01-20", "2025-04-20"]}

    assert "The **February 2025** cohort kept 0.0 %" in coh.text
    assert "against 50.0 % for the 1 cohort before it." in coh.text
    # Feb 2025 and the six cohort months before (from 2024-08-01), the start held to the
    # first data date 2025-01-05: the date filter accepts nothing outside the data
    assert query(coh)["dates"] == ["2025-01-05", "2025-02-28"]

    assert social.text == ("Spend from **social** fell to nothing from €25.00 against the week "
                           "before.")
    assert query(social)["channel"] == ["social"]
    assert all(h.page_title for h in hs)


def test_w16_pacing_candidates(golden_con):
    # cut from the review by the limit of six, still found by the pacing rule
    f = Filters(W16, D(2025, 4, 20))
    hs = highlights.pacing(golden_con, W16, f)
    assert [h.score for h in hs] == pytest.approx([10 / 60, 5 / 60])
    search, social = hs
    assert search.text == ("**search** is over its budget pace: €50.00 spent by 20 April, 125 % "
                           "of its April budget prorated to that day (€40.00).")
    assert social.text.startswith("**social** is over its budget pace: €25.00 spent by 20 April")
    assert "(€20.00)" in social.text
    assert query(search) == {"period": ["Custom range"], "dates": ["2025-04-01", "2025-04-20"],
                              "channel": ["search"]}


# 2025-W07 (02-10..02-16) candidates:
#  Movers against W06 (02-03..02-09). channel_roi W07: print (spend 100), search (spend 40,
#  revenue 90, lead L6), social (spend 30), events (new k3 only); W06: search (spend 80),
#  social (revenue 120), referral (revenue 250), events (lead L5).
#   revenue total max(90, 370) = 370: referral 250 -> 0: 250/370; social 120 -> 0: 120/370;
#           search 0 -> 90: 90/370
#   spend   total max(170, 80) = 170: print 0 -> 100: 100/170; search 80 -> 40: 40/170;
#           social 0 -> 30: 30/170
#   leads   total max(1, 1) = 1: events 1 -> 0: 1.0; search 0 -> 1: 1.0
#   at most three movers: events leads 1.0, search leads 1.0, referral revenue 0.676
#  Online share 70/170 = 41.2 % against February's 45 %: 3.8 pp under, score 0.45 - 7/17
#   = 13/340 = 0.038.
#  Pacing to Sunday 02-16 (16 of 28 days). Spend 02-01..02-16: search 80+40 = 120, social 30,
#   print 100, events 0. Prorated budgets: search 120*16/28 = 480/7 = 68.57, social 80*16/28
#   = 320/7 = 45.71, print 130*16/28 = 520/7 = 74.29, events 150*16/28 = 600/7 = 85.71;
#   total 480*16/28 = 1920/7.
#   pace search 120/(480/7) = 175 %, social 30/(320/7) = 65.6 %, print 100/(520/7) = 134.6 %,
#   events 0 %: all four outside 85..115 %.
#   scores (x 7/1920): events 600/1920 = 0.3125, search |840-480|/1920 = 0.1875,
#   print |700-520|/1920 = 0.09375, social |210-320|/1920 = 0.0573.
#  Funnel: leads of 12-23..01-19 (L1, L2) against 11-25..12-22 (none): nothing to compare.
#  Cohorts: newest with a finished period 1 is December 2024: no such cohort.
#  Top six: events leads, search leads, referral revenue, events pace, search pace, print pace
#  (then social pace 0.057 and the online share 0.038 are cut).


def test_w07_highlights_with_budget_pace(golden_con):
    hs = weekly.review(golden_con, W07).highlights
    assert [h.score for h in hs] == pytest.approx([1.0, 1.0, 250 / 370, 0.3125, 0.1875,
                                                   0.09375])
    assert [h.page for h in hs] == ["channel_roi"] * 3 + ["spend_balance"] * 3
    leads_events, leads_search, referral, events, search, print_ = hs
    assert leads_events.text == ("Leads from **events** fell to nothing from 1 against the week "
                                 "before.")
    assert leads_search.text == ("Leads from **search** rose from nothing to 1 against the week "
                                 "before.")
    assert referral.text == ("Revenue from **referral** fell to nothing from €250 against the "
                             "week before.")
    # thirteen weeks to W07 start 2024-11-18, before the data: held to its first day
    assert query(referral) == {"period": ["Custom range"], "dates": ["2025-01-05", "2025-02-16"],
                                "channel": ["referral"]}
    assert events.text == ("**events** is under its budget pace: €0.00 spent by 16 February, 0 % "
                           "of its February budget prorated to that day (€85.71).")
    assert search.text == ("**search** is over its budget pace: €120 spent by 16 February, 175 % "
                           "of its February budget prorated to that day (€68.57).")
    assert print_.text == ("**print** is over its budget pace: €100 spent by 16 February, 135 % "
                           "of its February budget prorated to that day (€74.29).")
    for h, channel in ((events, "events"), (search, "search"), (print_, "print")):
        assert query(h) == {"period": ["Custom range"],
                             "dates": ["2025-02-01", "2025-02-16"], "channel": [channel]}


def test_w07_cut_candidates(golden_con):
    f = Filters(W07, D(2025, 2, 16))
    share = highlights.online_share(golden_con, W07, f)
    assert len(share) == 1
    assert share[0].score == pytest.approx(0.45 - 70 / 170)
    assert share[0].text == ("The **online share** of spend was 41.2 %, 3.8 pp under its 45 % "
                             "target.")
    paced = {query(h)["channel"][0]: h for h in highlights.pacing(golden_con, W07, f)}
    assert set(paced) == {"events", "print", "search", "social"}
    assert paced["social"].score == pytest.approx(110 / 1920)
    assert "66 % of its February budget prorated to that day (€45.71)" in paced["social"].text
    movers = highlights.movers(golden_con, W07, f)
    assert len(movers) == 3  # at most three of the eight
    assert highlights.funnel(golden_con, W07, f) == []
    assert highlights.cohorts(golden_con, W07, f) == []


def test_w09_pacing_judges_the_month_just_ended(golden_con):
    # W09 ends Sunday 03-02, in March's first six days: pace February as a whole.
    # February spend: search 80+40 = 120 (budget 120: 100 %), social 30+30 = 60 (80: 75 %),
    # print 100 (130: 76.9 %), events 150 (150: 100 %). Total budget 480.
    # social |60-80|/480 = 1/24; print |100-130|/480 = 1/16.
    hs = highlights.pacing(golden_con, W09, Filters(W09, D(2025, 3, 2)))
    assert [query(h)["channel"] for h in hs] == [["print"], ["social"]]
    assert [h.score for h in hs] == pytest.approx([30 / 480, 20 / 480])
    assert hs[0].text == "**print** ended February under budget: €100 spent, 77 % of its €130."
    assert hs[1].text == "**social** ended February under budget: €60.00 spent, 75 % of its €80.00."
    assert query(hs[0])["dates"] == ["2025-02-01", "2025-02-28"]


def test_w13_pacing_band(golden_con):
    # Sunday 03-30: 30 of 31 March days. Spend 03-01..03-30: search 70+30+60 = 160, social
    # 40, print 120+80 = 200 (budget row 2025-03-15 counts for March), events 0.
    # Prorated: search 155*30/31 = 150, social 62*30/31 = 60, print 186*30/31 = 180,
    # events 93*30/31 = 90; total 480.
    # search 160/150 = 106.7 % and print 200/180 = 111.1 % are inside 85..115 %: no news.
    # events 0 % (score 90/480), social 40/60 = 66.7 % (score 20/480).
    hs = highlights.pacing(golden_con, D(2025, 3, 24), Filters(D(2025, 3, 24), D(2025, 3, 30)))
    assert [query(h)["channel"] for h in hs] == [["events"], ["social"]]
    assert [h.score for h in hs] == pytest.approx([90 / 480, 20 / 480])
    assert hs[0].text == ("**events** is under its budget pace: €0.00 spent by 30 March, 0 % "
                          "of its March budget prorated to that day (€90.00).")
    assert "€40.00 spent by 30 March, 67 % of its March budget" in hs[1].text
    assert "(€60.00)" in hs[1].text


def test_online_share_target_of_the_thursday_month(golden_con):
    # W01 runs 2024-12-30..2025-01-05: December 2024 has no target, its Thursday 01-02 is in
    # January (45 %). Spend: search 100 (online) of 100 -> 100 %, 55 pp over.
    (h,) = highlights.online_share(golden_con, W01, Filters(W01, D(2025, 1, 5)))
    assert h.text == "The **online share** of spend was 100.0 %, 55.0 pp over its 45 % target."
    assert h.score == pytest.approx(0.55)
    assert query(h)["dates"] == ["2024-10-07", "2025-01-05"]  # 2024-12-30 - 12 weeks
    # W09 runs 02-24..03-02: Thursday 02-27 is February's (45 %), not March's 50 %.
    # Spend events 150 + search 70: online 70/220 = 31.8 %, 45 - 31.8 = 13.2 pp under.
    (h,) = highlights.online_share(golden_con, W09, Filters(W09, D(2025, 3, 2)))
    assert h.text == "The **online share** of spend was 31.8 %, 13.2 pp under its 45 % target."
    assert h.score == pytest.approx(0.45 - 70 / 220)


def test_w09_highlights(golden_con):
    # Movers against W08 (02-17..02-23: social spend 30, events revenue o5 500, search
    # revenue o9 30). W09: events spend 150, search spend 70, social lead L7.
    #   revenue total max(0, 530): events 500/530 = 0.943; search 30/530 = 0.057 (< 10 %)
    #   spend total max(220, 30): events 150/220 = 0.682; search 70/220; social 30/220
    #   leads total max(1, 0): social 1.0 -> three movers: social leads, events revenue,
    #   events spend.
    # Online share 70/220 against February's 45 %: 0.45 - 7/22 = 0.132.
    # Pacing (February as a whole, see test_w09_pacing_judges_the_month_just_ended): print
    #   30/480 = 0.0625, social 20/480 = 0.042 (cut by the limit).
    # Funnel: leads of 01-06..02-02 (L2 offer, L3 presented, L4 presented at day 12) against
    #   12-09..01-05 (L1 won). Recent: 3, 3, 3, 1, 0, 0 -> conversion qualified 1,
    #   presented 1, offer 1/3, decision 0/1 = 0, won 0/0 empty; before: all 1.
    #   Changes: 0, 0, -2/3, -1 (won: empty, left out) -> decision, fell 100 % -> 0 %.
    # Cohorts: Sunday 03-02 -> newest cohort with a finished period 1 is January, and no
    #   cohort before it (2024-07..2024-12): nothing.
    # Ties at 1.0: the mover was collected before the funnel (stable sort).
    hs = weekly.review(golden_con, W09).highlights
    assert [h.score for h in hs] == pytest.approx(
        [1.0, 1.0, 500 / 530, 150 / 220, 0.45 - 70 / 220, 30 / 480])
    assert [h.page for h in hs] == ["channel_roi", "funnel", "channel_roi", "channel_roi",
                                    "spend_balance", "spend_balance"]
    assert hs[0].text == ("Leads from **social** rose from nothing to 1 against the week "
                          "before.")
    assert hs[1].text.startswith("Conversion from **offer** to **decision** fell from 100.0 % "
                                 "to 0.0 % for leads created 06 Jan–02 Feb")
    assert query(hs[1])["dates"] == ["2025-01-06", "2025-02-02"]
    assert hs[2].text == ("Revenue from **events** fell to nothing from €500 against the week "
                          "before.")
    assert hs[3].text == ("Spend from **events** rose from nothing to €150 against the week "
                          "before.")
    assert hs[5].text.startswith("**print** ended February under budget")


# --- 9. a week outside the data -------------------------------------------------------------


def test_week_before_the_data(golden_con):
    monday = weeks.parse("2024-W10")
    assert monday == D(2024, 3, 4)
    r = weekly.review(golden_con, monday)
    assert not r.has_data
    assert len(r.weeks) == 13 and r.weeks["week"].iloc[0].date() == D(2023, 12, 11)
    for d in (r.now, r.before, r.average):
        assert all(d[m] == 0 for m in MEASURES)
        assert all(pd.isna(d[m]) for m in ("online_share", "roas", "cpl", "cac"))
    # no spend, revenue or leads either week; no 2024 target, budget, lead or cohort
    assert r.highlights == []


def test_week_after_the_data(golden_con):
    # 2025-W20 (05-12..05-18): nothing happens, but its thirteen weeks (W08..W20) hold data.
    r = weekly.review(golden_con, D(2025, 5, 12))
    assert r.has_data
    assert all(r.now[m] == 0 for m in MEASURES)
    # average of W16..W19: only W16 -> spend 100/4 = 25, revenue 25, buyers 2/4 = 0.5
    assert r.average["spend"] == pytest.approx(25) and r.average["buyers"] == pytest.approx(0.5)
    # No movers (0 both weeks), no May target or budget, no leads in 03-24..04-20 to compare.
    # Cohorts: Sunday 05-18 -> newest cohort with a finished period 1 is March (k5, no April
    # order: 0 %) against 2024-09..2025-02: January 1/2 and February 0/4 -> 1/6 = 16.7 %.
    assert len(r.highlights) == 1
    (h,) = r.highlights
    assert h.page == "cohorts" and h.score == pytest.approx(1 / 6)
    assert "The **March 2025** cohort kept 0.0 %" in h.text
    assert "against 16.7 % for the 2 cohorts before it." in h.text
    assert query(h)["dates"] == ["2025-01-05", "2025-03-31"]  # from 2024-09-01, held to the data
