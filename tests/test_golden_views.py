"""The four views on the golden business (tests/golden/), against figures worked out by hand.

Every expected figure below was derived from the CSV files and docs/metrics.md, with the
arithmetic in a comment; none was copied from the code's output. See tests/golden/README.md
for the business and its deliberate edge cases.

Abbreviations in comments: customers k1..k7, leads L1..L8, orders o1..o15. A lead's stage
entries are written as days since created_at, e.g. L1: qual 2, pres 5, offer 7.5, dec 9, won 10.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from pitwall import views
from pitwall.filters import Filters
from pitwall.load import load_folder
from pitwall.warehouse import open_readonly

D = dt.date
E = None  # an empty (null) figure

SB_COLS = ["spend", "budget", "share_of_spend"]
ROI_COLS = ["kind", "spend", "revenue", "roas", "roi", "leads", "cpl", "new_customers", "cac"]
FUNNEL_COLS = ["position", "leads", "conversion_from_previous", "conversion_from_first",
               "dropped", "skipped", "median_days_in_stage"]
RET_COLS = ["cohort_size", "active_customers", "retention_rate", "revenue"]
STAGES = ["identified", "qualified", "presented", "offer", "decision", "won"]


# --- helpers --------------------------------------------------------------------------------


def _key(value):
    if isinstance(value, (pd.Timestamp, dt.date)):
        return pd.Timestamp(value).strftime("%Y-%m")
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _mismatch(where: str, want, have, abs_tol: float | None = None) -> str | None:
    if want is None:
        return None if pd.isna(have) else f"{where}: expected empty, got {have!r}"
    if isinstance(want, str):
        return None if have == want else f"{where}: expected {want!r}, got {have!r}"
    if have is None or (isinstance(have, float) and math.isnan(have)) or pd.isna(have):
        return f"{where}: expected {want!r}, got empty"
    if float(have) == pytest.approx(want, abs=abs_tol):
        return None
    return f"{where}: expected {want!r}, got {have!r}"


def assert_table(df: pd.DataFrame, keys: list[str], cols: list[str], expected: dict,
                 abs_tol: float | None = None) -> None:
    """Rows of `df` keyed by `keys` (months as YYYY-MM) must be exactly `expected`.

    Floats compare with pytest.approx (abs_tol: for exports, which may round to 6 decimals).
    """
    got = {tuple(_key(r[k]) for k in keys): r for _, r in df.iterrows()}
    expected = {k if isinstance(k, tuple) else (k,): v for k, v in expected.items()}
    assert len(got) == len(df), "duplicate keys in the view"
    assert set(got) == set(expected), f"rows: expected {sorted(expected)}, got {sorted(got)}"
    problems = []
    for key, values in expected.items():
        assert len(values) == len(cols)
        for col, want in zip(cols, values, strict=True):
            msg = _mismatch(f"{key} {col}", want, got[key][col], abs_tol)
            if msg:
                problems.append(msg)
    assert not problems, "\n".join(problems)


def funnel_table(df: pd.DataFrame, expected: dict, grp: str | None = None) -> None:
    if grp is not None:
        df = df[df["grp"] == grp]
    assert list(df["stage"]) == STAGES  # in stage order
    assert_table(df, ["stage"], FUNNEL_COLS, expected)


def _rows(**by_stage):
    return {s: (STAGES.index(s) + 1, *v) for s, v in by_stage.items()}


# --- spend balance --------------------------------------------------------------------------
# Spend per month and kind (spend.csv):
#   Jan online  search 100+50 + social 60 = 210, offline print 200 + events 90 = 290 (500)
#   Feb online  search 80+40 + social 30+30 = 180, offline print 100 + events 150 = 250 (430)
#   Mar online  search 70+30+60 + social 40 = 200, offline print 120+80 = 200 (400)
#   Apr online  search 50 + social 25 = 75, offline events 100 = 100 (175)
# Budgets: Jan online 160+60=220, offline 200+100=300; Feb 120+80=200, 130+150=280;
#          Mar 155+62=217, 186+93=279; Apr online 60+30=90, offline: no row.


def test_spend_balance_all(golden_con):
    df = views.spend_balance(golden_con, Filters())
    assert_table(df, ["month", "kind"], SB_COLS, {
        ("2025-01", "online"): (210, 220, 210 / 500),
        ("2025-01", "offline"): (290, 300, 290 / 500),
        ("2025-02", "online"): (180, 200, 180 / 430),
        ("2025-02", "offline"): (250, 280, 250 / 430),
        ("2025-03", "online"): (200, 217, 200 / 400),
        ("2025-03", "offline"): (200, 279, 200 / 400),
        ("2025-04", "online"): (75, 90, 75 / 175),
        ("2025-04", "offline"): (100, E, 100 / 175),  # no offline budget row in April
    })
    assert pd.isna(df.loc[(df["month"] == pd.Timestamp("2025-04-01"))
                          & (df["kind"] == "offline"), "budget"]).all()


def test_spend_balance_range_prorates_budget(golden_con):
    # 2025-02-15..2025-03-10. Spend: Feb online social 02-20 30 (search 02-14 is out),
    # offline events 02-26 150 (print 02-12 out) -> month 180; Mar online search 03-02 70 +
    # social 03-08 40 = 110, offline 0 (print 03-15 out) -> month 110.
    # Budget: Feb days 15..28 = 14/28: online 200*14/28 = 100, offline 280*14/28 = 140;
    #         Mar days 1..10 = 10/31: online 217*10/31 = 70, offline 279*10/31 = 90.
    df = views.spend_balance(golden_con, Filters(D(2025, 2, 15), D(2025, 3, 10)))
    assert_table(df, ["month", "kind"], SB_COLS, {
        ("2025-02", "online"): (30, 100, 30 / 180),
        ("2025-02", "offline"): (150, 140, 150 / 180),
        ("2025-03", "online"): (110, 70, 110 / 110),
        ("2025-03", "offline"): (0, 90, 0 / 110),  # budget but no spend in range
    })


def test_spend_balance_open_start_cuts_april(golden_con):
    # From 2025-04-11: only events 04-18 100 (search 04-04, social 04-10 are out).
    # Budget Apr days 11..30 = 20/30: online 90*20/30 = 60; offline no row -> empty.
    df = views.spend_balance(golden_con, Filters(start=D(2025, 4, 11)))
    assert_table(df, ["month", "kind"], SB_COLS, {
        ("2025-04", "online"): (0, 60, 0 / 100),
        ("2025-04", "offline"): (100, E, 100 / 100),
    })


def test_spend_balance_one_channel(golden_con):
    # search only: Jan 100+50=150 (budget 160), Feb 80+40=120 (120), Mar 70+30+60=160 (155),
    # Apr 50 (60). No offline channel chosen: offline spend 0, no offline budget -> empty.
    df = views.spend_balance(golden_con, Filters(channels=("search",)))
    assert_table(df, ["month", "kind"], SB_COLS, {
        ("2025-01", "online"): (150, 160, 1.0),
        ("2025-01", "offline"): (0, E, 0.0),
        ("2025-02", "online"): (120, 120, 1.0),
        ("2025-02", "offline"): (0, E, 0.0),
        ("2025-03", "online"): (160, 155, 1.0),
        ("2025-03", "offline"): (0, E, 0.0),
        ("2025-04", "online"): (50, 60, 1.0),
        ("2025-04", "offline"): (0, E, 0.0),
    })


def test_spend_balance_two_channels(golden_con):
    # search + print. Jan: 150 / print 200 (budgets 160 / 200), month 350.
    # Feb: 120 / 100 (120 / 130), 220. Mar: 160 / 120+80=200 (155 / 186), 360.
    # Apr: 50 / 0 (60 / no print budget), 50.
    df = views.spend_balance(golden_con, Filters(channels=("search", "print")))
    assert_table(df, ["month", "kind"], SB_COLS, {
        ("2025-01", "online"): (150, 160, 150 / 350),
        ("2025-01", "offline"): (200, 200, 200 / 350),
        ("2025-02", "online"): (120, 120, 120 / 220),
        ("2025-02", "offline"): (100, 130, 100 / 220),
        ("2025-03", "online"): (160, 155, 160 / 360),
        ("2025-03", "offline"): (200, 186, 200 / 360),
        ("2025-04", "online"): (50, 60, 50 / 50),
        ("2025-04", "offline"): (0, E, 0 / 50),
    })


def test_spend_balance_kind_keeps_share_of_whole_month(golden_con):
    # offline rows only; share is still of all spend that month (both kinds).
    df = views.spend_balance(golden_con, Filters(kind="offline"))
    assert_table(df, ["month", "kind"], SB_COLS, {
        ("2025-01", "offline"): (290, 300, 290 / 500),
        ("2025-02", "offline"): (250, 280, 250 / 430),
        ("2025-03", "offline"): (200, 279, 200 / 400),
        ("2025-04", "offline"): (100, E, 100 / 175),
    })


def test_spend_balance_segment_does_not_change_budget(golden_con):
    # b2b campaigns: c_search_b2b, c_print, c_events. Budgets are per channel: unchanged.
    # Jan online 100, offline 200+90=290 (390); Feb 80, 100+150=250 (330);
    # Mar 70+30=100, 120+80=200 (300); Apr 50, 100 (150).
    df = views.spend_balance(golden_con, Filters(segment="b2b"))
    assert_table(df, ["month", "kind"], SB_COLS, {
        ("2025-01", "online"): (100, 220, 100 / 390),
        ("2025-01", "offline"): (290, 300, 290 / 390),
        ("2025-02", "online"): (80, 200, 80 / 330),
        ("2025-02", "offline"): (250, 280, 250 / 330),
        ("2025-03", "online"): (100, 217, 100 / 300),
        ("2025-03", "offline"): (200, 279, 200 / 300),
        ("2025-04", "online"): (50, 90, 50 / 150),
        ("2025-04", "offline"): (100, E, 100 / 150),
    })


def test_spend_balance_region(golden_con):
    # south campaigns: c_search_b2c, c_social, c_events.
    # Jan online 50+60=110, offline 90 (200); Feb 40+30+30=100, 150 (250);
    # Mar 60+40=100, 0 (100); Apr 25, 100 (125). Budgets unchanged.
    df = views.spend_balance(golden_con, Filters(region="south"))
    assert_table(df, ["month", "kind"], SB_COLS, {
        ("2025-01", "online"): (110, 220, 110 / 200),
        ("2025-01", "offline"): (90, 300, 90 / 200),
        ("2025-02", "online"): (100, 200, 100 / 250),
        ("2025-02", "offline"): (150, 280, 150 / 250),
        ("2025-03", "online"): (100, 217, 1.0),
        ("2025-03", "offline"): (0, 279, 0.0),
        ("2025-04", "online"): (25, 90, 25 / 125),
        ("2025-04", "offline"): (100, E, 100 / 125),
    })


# --- channel ROI ----------------------------------------------------------------------------
# Revenue by last-touch campaign: c_search_b2b o1 200 + o2 150 + o9 30 = 380;
# c_search_b2c o4 80 + o7 90 = 170; c_social o3 120 + o10 60 + o15 0 = 180;
# c_events o5 500 + o6 300 = 800; c_referral o12 250 + o13 100 = 350; c_print none.
# Unattributed: o8 60 + o11 40 + o14 70 = 170. Total 2050.
# Leads: search L1 L2 L6, social L3 L7, print L4, events L5 L8.
# New customers: search k1 k4 k6, social k2 k5, events k3, referral k7 (derived), print none.

ROI_ALL = {
    # spend 90+150+100=340; revenue 800; leads 2; new k3
    "events": ("offline", 340, 800, 800 / 340, (800 - 340) / 340, 2, 340 / 2, 1, 340 / 1),
    # spend 200+100+120+80=500; no revenue; lead L4; no new customer -> cac empty
    "print": ("offline", 500, 0, 0 / 500, (0 - 500) / 500, 1, 500 / 1, 0, E),
    # revenue but no spend: roas, roi empty; no leads: cpl empty; 1 new customer: cac 0/1
    "referral": ("online", 0, 350, E, E, 0, E, 1, 0.0),
    # spend 330+150=480; revenue 380+170=550; 3 leads; 3 new
    "search": ("online", 480, 550, 550 / 480, (550 - 480) / 480, 3, 480 / 3, 3, 480 / 3),
    # spend 60+30+30+40+25=185; revenue 180; 2 leads; 2 new
    "social": ("online", 185, 180, 180 / 185, (180 - 185) / 185, 2, 185 / 2, 2, 185 / 2),
}


def test_channel_roi_all(golden_con):
    df = views.channel_roi(golden_con, Filters())
    assert_table(df, ["channel"], ROI_COLS, ROI_ALL)
    referral = df.set_index("channel").loc["referral"]
    assert pd.isna(referral["roas"]) and pd.isna(referral["roi"]) and pd.isna(referral["cpl"])
    assert pd.isna(df.set_index("channel").loc["print", "cac"])
    # credited revenue = all revenue 2050 - unattributed 170
    assert df["revenue"].sum() == pytest.approx(1880)
    assert df["spend"].sum() == pytest.approx(1505)  # 500+430+400+175


def test_channel_roi_range(golden_con):
    # 2025-02-15..2025-03-10 (inclusive; o10 at 03-10 18:00 and L8 at 03-10 00:00 count,
    # L6 created exactly 02-15 counts).
    # events: spend 02-26 150; revenue o5 500; lead L8; no customer acquired (k3 02-14 is out)
    # search: spend 03-02 70; revenue o9 30 + o2 150 = 180; lead L6; no new customer
    # social: spend 02-20 30 + 03-08 40 = 70; revenue o10 60; lead L7; new k5 (03-03)
    # print (spend 02-12, 03-15 out) and referral (o12 02-08, o13 04-15 out) do not appear.
    df = views.channel_roi(golden_con, Filters(D(2025, 2, 15), D(2025, 3, 10)))
    assert_table(df, ["channel"], ROI_COLS, {
        "events": ("offline", 150, 500, 500 / 150, 350 / 150, 1, 150, 0, E),
        "search": ("online", 70, 180, 180 / 70, 110 / 70, 1, 70, 0, E),
        "social": ("online", 70, 60, 60 / 70, -10 / 70, 1, 70, 1, 70),
    })


def test_channel_roi_one_channel(golden_con):
    df = views.channel_roi(golden_con, Filters(channels=("search",)))
    assert_table(df, ["channel"], ROI_COLS, {"search": ROI_ALL["search"]})


def test_channel_roi_two_channels(golden_con):
    df = views.channel_roi(golden_con, Filters(channels=("search", "social")))
    assert_table(df, ["channel"], ROI_COLS,
                 {"search": ROI_ALL["search"], "social": ROI_ALL["social"]})


def test_channel_roi_kind(golden_con):
    df = views.channel_roi(golden_con, Filters(kind="offline"))
    assert_table(df, ["channel"], ROI_COLS,
                 {"events": ROI_ALL["events"], "print": ROI_ALL["print"]})


def test_channel_roi_segment_picks_campaigns(golden_con):
    # b2c campaigns: c_search_b2c, c_social, c_referral (by the campaign's segment, so L7
    # (own segment b2b) still counts for c_social and k6 (own b2b) for c_search_b2c).
    # search: c_search_b2c spend 50+40+60=150; revenue o4 80 + o7 90 = 170; lead L2;
    #         new k4, k6
    df = views.channel_roi(golden_con, Filters(segment="b2c"))
    assert_table(df, ["channel"], ROI_COLS, {
        "referral": ROI_ALL["referral"],
        "search": ("online", 150, 170, 170 / 150, 20 / 150, 1, 150, 2, 75),
        "social": ROI_ALL["social"],
    })


def test_channel_roi_region(golden_con):
    # north campaigns: c_search_b2b, c_print, c_referral.
    # search: c_search_b2b spend 100+80+70+30+50=330; revenue 380; leads L1 L6; new k1
    df = views.channel_roi(golden_con, Filters(region="north"))
    assert_table(df, ["channel"], ROI_COLS, {
        "print": ROI_ALL["print"],
        "referral": ROI_ALL["referral"],
        "search": ("online", 330, 380, 380 / 330, 50 / 330, 2, 165, 1, 330),
    })


def test_channel_roi_by_campaign(golden_con):
    df = views.channel_roi(golden_con, Filters(), by="campaign")
    cols = ["spend", "revenue", "leads", "new_customers", "cpl", "cac"]
    assert_table(df, ["campaign_id"], cols, {
        "c_search_b2b": (330, 380, 2, 1, 165, 330),  # leads L1 L6, new k1
        "c_search_b2c": (150, 170, 1, 2, 150, 75),  # lead L2, new k4 k6
        "c_social": (185, 180, 2, 2, 92.5, 92.5),
        "c_print": (500, 0, 1, 0, 500, E),
        "c_events": (340, 800, 2, 1, 170, 340),
        "c_referral": (0, 350, 0, 1, E, 0.0),
    })


# --- funnel ---------------------------------------------------------------------------------
# Stage entries (days since created_at, first entry only, within no window):
#   L1 qual 2, pres 5, offer 7.5, dec 9, won 10     -> furthest won
#   L2 offer 4 (elevator), lost                      -> offer
#   L3 pres 3 (elevator), lost                       -> presented
#   L4 qual 10, pres 12                              -> presented
#   L5 qual 1, pres 3, offer 4.5, dec 10, lost       -> decision
#   L6 qual 5                                        -> qualified
#   L7 (identified row a day later is ignored)       -> identified
#   L8 qual 2 (again at 3: ignored), pres 6, offer 7, dec 8, won 10 -> won
# Durations (to the next stage reached): identified L1 2, L2 4, L3 3, L4 10, L5 1, L6 5, L8 2;
#   qualified L1 3, L4 2, L5 2, L8 4; presented L1 2.5, L5 1.5, L8 1; offer L1 1.5, L5 5.5,
#   L8 1; decision L1 1, L8 2.


def test_funnel_all(golden_con):
    df = views.funnel(golden_con, Filters())
    funnel_table(df, _rows(
        # leads, conv prev, conv first, dropped, skipped, median
        identified=(8, E, 8 / 8, 8 - 7, 0, 3.0),  # 1,2,2,3,4,5,10 -> 3
        qualified=(7, 7 / 8, 7 / 8, 7 - 6, 2, 2.5),  # all but L7; skipped L2 L3; 2,2,3,4
        presented=(6, 6 / 7, 6 / 8, 6 - 4, 1, 1.5),  # L1-L5, L8; skipped L2; 1,1.5,2.5
        offer=(4, 4 / 6, 4 / 8, 4 - 3, 0, 1.5),  # L1 L2 L5 L8; 1,1.5,5.5
        decision=(3, 3 / 4, 3 / 8, 3 - 2, 0, 1.5),  # L1 L5 L8; 1,2 -> 1.5
        won=(2, 2 / 3, 2 / 8, 0, 0, E),  # L1 L8; no later stage
    ))


def test_funnel_window_7_days(golden_con):
    # Only entries at day <= 7: L1 qual 2, pres 5 (offer 7.5 out) -> presented; L2 offer 4;
    # L3 pres 3; L4 nothing (qual 10 out) -> identified; L5 qual 1, pres 3, offer 4.5 (dec 10
    # out) -> offer; L6 qual 5; L7 identified; L8 qual 2, pres 6, offer 7 (exactly 7: in;
    # dec 8 out) -> offer.
    # Durations need the next stage in time too: identified L1 2, L2 4, L3 3, L5 1, L6 5,
    # L8 2 (L4's next is at 10); qualified L1 3, L5 2, L8 4; presented L5 1.5, L8 1 (L1's
    # next is at 7.5); offer none (L5 -> 10, L8 -> 8).
    df = views.funnel(golden_con, Filters(), window_days=7)
    funnel_table(df, _rows(
        identified=(8, E, 1.0, 8 - 6, 0, 2.5),  # 1,2,2,3,4,5 -> (2+3)/2
        qualified=(6, 6 / 8, 6 / 8, 6 - 5, 2, 3.0),  # L1 L2 L3 L5 L6 L8; entered L1 L5 L6 L8
        presented=(5, 5 / 6, 5 / 8, 5 - 3, 1, 1.25),  # L1 L2 L3 L5 L8; entered L1 L3 L5 L8
        offer=(3, 3 / 5, 3 / 8, 3 - 0, 0, E),  # L2 L5 L8
        decision=(0, 0 / 3, 0.0, 0, 0, E),
        won=(0, E, 0.0, 0, 0, E),  # 0 / 0 -> empty
    ))


EVENTS_FUNNEL = _rows(
    # L5: qual 1, pres 3, offer 4.5, dec 10; L8: qual 2, pres 6, offer 7, dec 8, won 10
    identified=(2, E, 1.0, 0, 0, 1.5),  # 1, 2
    qualified=(2, 1.0, 1.0, 0, 0, 3.0),  # 2, 4
    presented=(2, 1.0, 1.0, 0, 0, 1.25),  # 1.5, 1
    offer=(2, 1.0, 1.0, 0, 0, 3.25),  # 5.5, 1
    decision=(2, 1.0, 1.0, 1, 0, 2.0),  # L8 2 (L5 then lost)
    won=(1, 1 / 2, 1 / 2, 0, 0, E),
)


def test_funnel_breakdown_by_channel(golden_con):
    df = views.funnel(golden_con, Filters(), breakdown="channel")
    assert set(df["grp"]) == {"events", "print", "search", "social"}  # referral has no leads
    # search: L1 (won), L2 (offer), L6 (qualified). Durations: ident L1 2, L2 4, L6 5.
    funnel_table(df, _rows(
        identified=(3, E, 1.0, 0, 0, 4.0),
        qualified=(3, 3 / 3, 1.0, 1, 1, 3.0),  # L2 skipped; L1 3
        presented=(2, 2 / 3, 2 / 3, 0, 1, 2.5),  # L1 L2; L2 skipped; L1 2.5
        offer=(2, 2 / 2, 2 / 3, 1, 0, 1.5),  # L1 L2; L1 1.5
        decision=(1, 1 / 2, 1 / 3, 0, 0, 1.0),  # L1
        won=(1, 1 / 1, 1 / 3, 0, 0, E),
    ), grp="search")
    # events: L5 (decision), L8 (won).
    funnel_table(df, EVENTS_FUNNEL, grp="events")
    # social: L3 (presented, elevator), L7 (identified).
    funnel_table(df, _rows(
        identified=(2, E, 1.0, 1, 0, 3.0),  # L3 3 (L7 never moved)
        qualified=(1, 1 / 2, 1 / 2, 0, 1, E),  # L3 skipped it
        presented=(1, 1 / 1, 1 / 2, 1, 0, E),
        offer=(0, 0 / 1, 0.0, 0, 0, E),
        decision=(0, E, 0.0, 0, 0, E),
        won=(0, E, 0.0, 0, 0, E),
    ), grp="social")
    # print: L4 (presented).
    funnel_table(df, _rows(
        identified=(1, E, 1.0, 0, 0, 10.0),
        qualified=(1, 1.0, 1.0, 0, 0, 2.0),
        presented=(1, 1.0, 1.0, 1, 0, E),
        offer=(0, 0.0, 0.0, 0, 0, E),
        decision=(0, E, 0.0, 0, 0, E),
        won=(0, E, 0.0, 0, 0, E),
    ), grp="print")


def test_funnel_one_channel(golden_con):
    df = views.funnel(golden_con, Filters(channels=("events",)))
    funnel_table(df, EVENTS_FUNNEL)


def test_funnel_two_channels(golden_con):
    # search + social: L1 won, L2 offer, L6 qualified, L3 presented, L7 identified.
    df = views.funnel(golden_con, Filters(channels=("search", "social")))
    funnel_table(df, _rows(
        identified=(5, E, 1.0, 1, 0, 3.5),  # durations L1 2, L2 4, L6 5, L3 3 -> (3+4)/2
        qualified=(4, 4 / 5, 4 / 5, 1, 2, 3.0),  # entered L1 L6; skipped L2 L3
        presented=(3, 3 / 4, 3 / 5, 1, 1, 2.5),  # L1 L2 L3; entered L1 L3
        offer=(2, 2 / 3, 2 / 5, 1, 0, 1.5),
        decision=(1, 1 / 2, 1 / 5, 0, 0, 1.0),
        won=(1, 1.0, 1 / 5, 0, 0, E),
    ))


def test_funnel_range_moves_leads_out(golden_con):
    # created 2025-02-01..2025-03-01: L4 (02-01 00:00), L5, L6, L7 (03-01 16:30, inclusive
    # end day). L1 L2 L3 (January) and L8 (03-10) are out.
    # furthest: L4 presented, L5 decision, L6 qualified, L7 identified.
    df = views.funnel(golden_con, Filters(D(2025, 2, 1), D(2025, 3, 1)))
    funnel_table(df, _rows(
        identified=(4, E, 1.0, 1, 0, 5.0),  # L4 10, L5 1, L6 5 -> 5
        qualified=(3, 3 / 4, 3 / 4, 1, 0, 2.0),  # L4 2, L5 2
        presented=(2, 2 / 3, 2 / 4, 1, 0, 1.5),  # L5 1.5
        offer=(1, 1 / 2, 1 / 4, 0, 0, 5.5),  # L5 5.5
        decision=(1, 1.0, 1 / 4, 1, 0, E),  # L5 lost after decision
        won=(0, 0.0, 0.0, 0, 0, E),
    ))


def test_funnel_segment_uses_lead_own_segment(golden_con):
    # b2c leads: L2, L3 (no own segment: c_search_b2c / c_social are b2c). L7 is b2b itself
    # although c_social is b2c, so it is out.
    df = views.funnel(golden_con, Filters(segment="b2c"))
    funnel_table(df, _rows(
        identified=(2, E, 1.0, 0, 0, 3.5),  # L2 4, L3 3
        qualified=(2, 1.0, 1.0, 0, 2, E),  # both skipped it
        presented=(2, 1.0, 1.0, 1, 1, E),  # L2 skipped it; L3 lost there
        offer=(1, 1 / 2, 1 / 2, 1, 0, E),
        decision=(0, 0.0, 0.0, 0, 0, E),
        won=(0, E, 0.0, 0, 0, E),
    ))


def test_funnel_region(golden_con):
    # north leads: L1, L4, L6, L7 (own region); L2/L3 take south from their campaigns.
    df = views.funnel(golden_con, Filters(region="north"))
    funnel_table(df, _rows(
        identified=(4, E, 1.0, 1, 0, 5.0),  # L1 2, L4 10, L6 5
        qualified=(3, 3 / 4, 3 / 4, 1, 0, 2.5),  # L1 3, L4 2
        presented=(2, 2 / 3, 2 / 4, 1, 0, 2.5),  # L1 2.5
        offer=(1, 1 / 2, 1 / 4, 0, 0, 1.5),
        decision=(1, 1.0, 1 / 4, 0, 0, 1.0),
        won=(1, 1.0, 1 / 4, 0, 0, E),
    ))


def test_funnel_kind(golden_con):
    # offline: L4 (print, presented), L5 (decision), L8 (won).
    df = views.funnel(golden_con, Filters(kind="offline"))
    funnel_table(df, _rows(
        identified=(3, E, 1.0, 0, 0, 2.0),  # L4 10, L5 1, L8 2
        qualified=(3, 1.0, 1.0, 0, 0, 2.0),  # L4 2, L5 2, L8 4
        presented=(3, 1.0, 1.0, 1, 0, 1.25),  # L5 1.5, L8 1
        offer=(2, 2 / 3, 2 / 3, 0, 0, 3.25),  # L5 5.5, L8 1
        decision=(2, 1.0, 2 / 3, 1, 0, 2.0),  # L8 2
        won=(1, 1 / 2, 1 / 3, 0, 0, E),
    ))


# --- retention ------------------------------------------------------------------------------
# Cohorts (acquired_at, else first order): Jan k1 (01-10), k2 (01-28, first order in Feb);
# Feb k3 (02-14), k4 (no acquired_at: o7 02-10), k6 (02-02, no orders), k7 (derived: o12
# 02-08); Mar k5 (03-03; its o9 on 02-22 is before the cohort: ignored).
# Orders by period: k1 p0 200, p2 150; k2 p1 120, p2 80, p3 0 (o15); k3 p0 500, p2 300+70;
# k4 p0 90, p2 60; k5 p0 60+40; k7 p0 250, p2 100. Last order 2025-04-20: periods to April.
# Last period: k1 2, k2 3, k3 2, k4 2, k5 0, k7 2, k6 none.

RET_ALL_BOUNDED = {
    ("2025-01", 0): (2, 1, 1 / 2, 200),  # k1
    ("2025-01", 1): (2, 1, 1 / 2, 120),  # k2
    ("2025-01", 2): (2, 2, 2 / 2, 150 + 80),  # k1, k2
    ("2025-01", 3): (2, 1, 1 / 2, 0),  # k2, an order of 0 still counts
    ("2025-02", 0): (4, 3, 3 / 4, 500 + 90 + 250),  # k3 k4 k7 (k6 never orders)
    ("2025-02", 1): (4, 0, 0.0, 0),
    ("2025-02", 2): (4, 3, 3 / 4, 370 + 60 + 100),  # k3 (two orders) k4 k7
    ("2025-03", 0): (1, 1, 1.0, 100),  # k5, two orders
    ("2025-03", 1): (1, 0, 0.0, 0),
}


def test_retention_bounded(golden_con):
    df = views.retention(golden_con, Filters(), mode="bounded")
    assert_table(df, ["cohort_month", "period"], RET_COLS, RET_ALL_BOUNDED)


def test_retention_unbounded(golden_con):
    # active if ordered in k or later: Jan k1 (last 2), k2 (last 3) -> 2,2,2,1;
    # Feb k3 k4 k7 (last 2) -> 3,3,3; Mar k5 (last 0) -> 1,0. Revenue stays period k's.
    df = views.retention(golden_con, Filters(), mode="unbounded")
    assert_table(df, ["cohort_month", "period"], RET_COLS, {
        ("2025-01", 0): (2, 2, 1.0, 200),
        ("2025-01", 1): (2, 2, 1.0, 120),  # k1 inactive in Feb but orders in Mar
        ("2025-01", 2): (2, 2, 1.0, 230),
        ("2025-01", 3): (2, 1, 1 / 2, 0),
        ("2025-02", 0): (4, 3, 3 / 4, 840),
        ("2025-02", 1): (4, 3, 3 / 4, 0),
        ("2025-02", 2): (4, 3, 3 / 4, 530),
        ("2025-03", 0): (1, 1, 1.0, 100),
        ("2025-03", 1): (1, 0, 0.0, 0),
    })


def test_retention_marks_incomplete_periods(golden_con):
    # last order 2025-04-20: April has not ended -> incomplete; March and before complete.
    df = views.retention(golden_con, Filters())
    got = {(_key(r.cohort_month), r.period): bool(r.complete) for r in df.itertuples()}
    assert got == {("2025-01", 0): True, ("2025-01", 1): True, ("2025-01", 2): True,
                   ("2025-01", 3): False, ("2025-02", 0): True, ("2025-02", 1): True,
                   ("2025-02", 2): False, ("2025-03", 0): True, ("2025-03", 1): False}


@pytest.mark.parametrize("mode", ["bounded", "unbounded"])
def test_retention_range_picks_cohorts_by_acquired_at(golden_con, mode):
    # acquired 2025-01-15..2025-02-08: k2 (01-28), k6 (02-02), k7 (02-08 15:00, inclusive).
    # k1 (01-10), k4 (o7 02-10), k3 (02-14), k5 are out. Later orders all count.
    # Jan {k2}: no order in Jan; p1 120, p2 80, p3 0. Feb {k6, k7}: k7 p0 250, p2 100.
    df = views.retention(golden_con, Filters(D(2025, 1, 15), D(2025, 2, 8)), mode=mode)
    if mode == "bounded":
        expected = {
            ("2025-01", 0): (1, 0, 0.0, 0),
            ("2025-01", 1): (1, 1, 1.0, 120),
            ("2025-01", 2): (1, 1, 1.0, 80),
            ("2025-01", 3): (1, 1, 1.0, 0),
            ("2025-02", 0): (2, 1, 1 / 2, 250),
            ("2025-02", 1): (2, 0, 0.0, 0),
            ("2025-02", 2): (2, 1, 1 / 2, 100),
        }
    else:  # k2 orders up to p3, k7 up to p2
        expected = {
            ("2025-01", 0): (1, 1, 1.0, 0),
            ("2025-01", 1): (1, 1, 1.0, 120),
            ("2025-01", 2): (1, 1, 1.0, 80),
            ("2025-01", 3): (1, 1, 1.0, 0),
            ("2025-02", 0): (2, 1, 1 / 2, 250),
            ("2025-02", 1): (2, 1, 1 / 2, 0),
            ("2025-02", 2): (2, 1, 1 / 2, 100),
        }
    assert_table(df, ["cohort_month", "period"], RET_COLS, expected)


def test_retention_one_channel(golden_con):
    # acquired by social: k2 (Jan), k5 (Mar). All k2's orders count (o4 is credited to
    # search but the cohort follows the acquisition channel).
    df = views.retention(golden_con, Filters(channels=("social",)))
    assert_table(df, ["cohort_month", "period"], RET_COLS, {
        ("2025-01", 0): (1, 0, 0.0, 0),
        ("2025-01", 1): (1, 1, 1.0, 120),
        ("2025-01", 2): (1, 1, 1.0, 80),
        ("2025-01", 3): (1, 1, 1.0, 0),
        ("2025-03", 0): (1, 1, 1.0, 100),
        ("2025-03", 1): (1, 0, 0.0, 0),
    })


@pytest.mark.parametrize("mode", ["bounded", "unbounded"])
def test_retention_two_channels(golden_con, mode):
    # search + referral: Jan {k1}; Feb {k4, k6 (search), k7 (referral)}.
    # k1 p0 200, p2 150; k4 p0 90, p2 60; k7 p0 250, p2 100.
    df = views.retention(golden_con, Filters(channels=("search", "referral")), mode=mode)
    jan1 = (1, 0, 0.0, 0) if mode == "bounded" else (1, 1, 1.0, 0)  # k1 orders again in p2
    feb1 = (3, 0, 0.0, 0) if mode == "bounded" else (3, 2, 2 / 3, 0)  # k4 k7 order in p2
    assert_table(df, ["cohort_month", "period"], RET_COLS, {
        ("2025-01", 0): (1, 1, 1.0, 200),
        ("2025-01", 1): jan1,
        ("2025-01", 2): (1, 1, 1.0, 150),
        ("2025-01", 3): (1, 0, 0.0, 0),
        ("2025-02", 0): (3, 2, 2 / 3, 90 + 250),
        ("2025-02", 1): feb1,
        ("2025-02", 2): (3, 2, 2 / 3, 60 + 100),
    })


def test_retention_kind(golden_con):
    # offline acquisition: k3 (events), Feb: p0 500, p2 300+70.
    df = views.retention(golden_con, Filters(kind="offline"))
    assert_table(df, ["cohort_month", "period"], RET_COLS, {
        ("2025-02", 0): (1, 1, 1.0, 500),
        ("2025-02", 1): (1, 0, 0.0, 0),
        ("2025-02", 2): (1, 1, 1.0, 370),
    })


def test_retention_segment_uses_customer_own_segment(golden_con):
    # b2c: k2 (none: c_social's b2c), k4 (own), k5 (own), k7 (derived: c_referral's b2c).
    # k6 is b2b itself although c_search_b2c is b2c -> out. k1, k3 are b2b.
    df = views.retention(golden_con, Filters(segment="b2c"), mode="unbounded")
    assert_table(df, ["cohort_month", "period"], RET_COLS, {
        ("2025-01", 0): (1, 1, 1.0, 0),  # k2 orders from p1 on
        ("2025-01", 1): (1, 1, 1.0, 120),
        ("2025-01", 2): (1, 1, 1.0, 80),
        ("2025-01", 3): (1, 1, 1.0, 0),
        ("2025-02", 0): (2, 2, 1.0, 90 + 250),  # k4, k7
        ("2025-02", 1): (2, 2, 1.0, 0),
        ("2025-02", 2): (2, 2, 1.0, 60 + 100),
        ("2025-03", 0): (1, 1, 1.0, 100),  # k5
        ("2025-03", 1): (1, 0, 0.0, 0),
    })


def test_retention_region_uses_customer_own_region(golden_con):
    # north: k1 (own), k5 (own, although c_social is south), k6 (own), k7 (c_referral).
    df = views.retention(golden_con, Filters(region="north"))
    assert_table(df, ["cohort_month", "period"], RET_COLS, {
        ("2025-01", 0): (1, 1, 1.0, 200),  # k1
        ("2025-01", 1): (1, 0, 0.0, 0),
        ("2025-01", 2): (1, 1, 1.0, 150),
        ("2025-01", 3): (1, 0, 0.0, 0),
        ("2025-02", 0): (2, 1, 1 / 2, 250),  # k6 (no orders), k7
        ("2025-02", 1): (2, 0, 0.0, 0),
        ("2025-02", 2): (2, 1, 1 / 2, 100),
        ("2025-03", 0): (1, 1, 1.0, 100),  # k5
        ("2025-03", 1): (1, 0, 0.0, 0),
    })


def test_retention_breakdown_by_channel(golden_con):
    df = views.retention(golden_con, Filters(), breakdown="channel")
    assert set(df["grp"]) == {"events", "referral", "search", "social"}  # print: nobody
    assert_table(df[df["grp"] == "referral"], ["cohort_month", "period"], RET_COLS, {
        ("2025-02", 0): (1, 1, 1.0, 250),  # k7, derived from its orders
        ("2025-02", 1): (1, 0, 0.0, 0),
        ("2025-02", 2): (1, 1, 1.0, 100),
    })
    assert_table(df[df["grp"] == "search"], ["cohort_month", "period"], RET_COLS, {
        ("2025-01", 0): (1, 1, 1.0, 200),  # k1
        ("2025-01", 1): (1, 0, 0.0, 0),
        ("2025-01", 2): (1, 1, 1.0, 150),
        ("2025-01", 3): (1, 0, 0.0, 0),
        ("2025-02", 0): (2, 1, 1 / 2, 90),  # k4, k6
        ("2025-02", 1): (2, 0, 0.0, 0),
        ("2025-02", 2): (2, 1, 1 / 2, 60),
    })


def test_listed_customer_without_date_or_campaign_takes_first_order_campaign(golden_dir,
                                                                               tmp_path):
    """docs/metrics.md, Customers: when acquired_at is empty, the acquisition date is the
    first order's date 'and their acquisition campaign is that first order's campaign'.

    Variant of the golden business: k4 listed with neither acquired_at nor campaign_id.
    Its first order o7 (2025-02-10) is credited to c_search_b2c, so search still has
    3 new customers (k1, k4, k6) and the February search cohort still holds k4.
    """
    folder = tmp_path / "golden_variant"
    shutil.copytree(golden_dir, folder, ignore=shutil.ignore_patterns("*.md"))
    customers = (folder / "customers.csv").read_text()
    assert "k4,,c_search_b2c,b2c,south" in customers
    (folder / "customers.csv").write_text(customers.replace("k4,,c_search_b2c,", "k4,,,"))
    warehouse = tmp_path / "variant.duckdb"
    load_folder(folder, warehouse)
    con = open_readonly(warehouse)
    try:
        roi = views.channel_roi(con, Filters(channels=("search",))).set_index("channel")
        ret = views.retention(con, Filters(channels=("search",)))
        feb0 = ret[(ret["cohort_month"] == pd.Timestamp("2025-02-01")) & (ret["period"] == 0)]
        got = (int(roi.loc["search", "new_customers"]), list(feb0["cohort_size"]))
        # search new customers k1, k4 (via o7), k6 = 3; February search cohort k4, k6 = 2
        assert got == (3, [2]), (
            f"k4 (no acquired_at, no campaign_id) should be acquired by its first order's "
            f"campaign c_search_b2c; got (search new_customers, Feb cohort size) = {got}")
    finally:
        con.close()


# --- warehouse rules on the golden warehouse ------------------------------------------------

KEYS = {
    "channels": ["channel"], "campaigns": ["campaign_id"], "leads": ["lead_id"],
    "customers": ["customer_id"], "orders": ["order_id"], "budgets": ["month", "channel"],
    "targets": ["month"],
}
REFERENCES = [
    ("campaigns", "channel", "channels", "channel"),
    ("budgets", "channel", "channels", "channel"),
    ("spend", "campaign_id", "campaigns", "campaign_id"),
    ("leads", "campaign_id", "campaigns", "campaign_id"),
    ("customers", "campaign_id", "campaigns", "campaign_id"),
    ("orders", "campaign_id", "campaigns", "campaign_id"),
    ("lead_stages", "lead_id", "leads", "lead_id"),
]


@pytest.mark.parametrize("table", sorted(KEYS))
def test_keys_are_unique(golden_con, table):
    cols = ", ".join(f'"{c}"' for c in KEYS[table])
    rows, distinct = golden_con.execute(
        f"SELECT count(*), count(DISTINCT ({cols})) FROM {table}").fetchone()
    assert rows > 0 and rows == distinct


@pytest.mark.parametrize("table, col, target, target_col", REFERENCES)
def test_references_resolve(golden_con, table, col, target, target_col):
    missing = golden_con.execute(
        f"SELECT count(*) FROM {table} s WHERE s.{col} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {target} t WHERE t.{target_col} = s.{col})").fetchone()[0]
    assert missing == 0


def test_golden_tables_hold_what_the_files_hold(golden_con):
    count = {t: golden_con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
             for t in ("channels", "campaigns", "spend", "budgets", "targets", "leads",
                       "lead_stages", "customers", "orders", "funnel_stages")}
    assert count == {"channels": 5, "campaigns": 6, "spend": 20, "budgets": 14, "targets": 4,
                     "leads": 8, "lead_stages": 24, "customers": 6, "orders": 15,
                     "funnel_stages": 0}
    stages = {r[0] for r in golden_con.execute("SELECT DISTINCT stage FROM lead_stages").fetchall()}
    assert stages <= set(STAGES) | {"lost"}
    assert "lost" in stages


@pytest.mark.parametrize("f", [Filters(), Filters(segment="b2b"), Filters(region="south"),
                               Filters(D(2025, 2, 15), D(2025, 3, 10)),
                               Filters(channels=("search", "print"))])
def test_online_plus_offline_is_total_spend(golden_con, f):
    df = views.spend_balance(golden_con, f)
    per_month = df.groupby(df["month"].map(_key))["spend"].sum()
    p = f.params()
    raw = golden_con.execute(
        """SELECT strftime(date_trunc('month', s.date), '%Y-%m') AS month, sum(s.amount)
           FROM spend s JOIN campaign_channels c USING (campaign_id)
           WHERE ($start IS NULL OR s.date >= $start) AND ($end IS NULL OR s.date <= $end)
             AND ($channels IS NULL OR list_contains($channels, c.channel))
             AND ($segment IS NULL OR c.segment = $segment)
             AND ($region IS NULL OR c.region = $region)
           GROUP BY 1""",
        {k: p[k] for k in ("start", "end", "channels", "segment", "region")}).fetchall()
    assert {m: pytest.approx(v) for m, v in raw} == per_month[per_month > 0].to_dict()
    shares = df.groupby(df["month"].map(_key))["share_of_spend"].sum()
    assert all(s == pytest.approx(1.0) for s in shares[per_month > 0])


def test_online_plus_offline_is_total_spend_by_hand(golden_con):
    df = views.spend_balance(golden_con, Filters())
    per_month = df.groupby(df["month"].map(_key))["spend"].sum().to_dict()
    # 210+290, 180+250, 200+200, 75+100
    assert per_month == {"2025-01": 500, "2025-02": 430, "2025-03": 400, "2025-04": 175}


@pytest.mark.parametrize("window", [None, 0, 3, 7, 100])
@pytest.mark.parametrize("breakdown", [None, "channel", "kind", "segment", "region"])
def test_funnel_leads_never_increase(golden_con, window, breakdown):
    df = views.funnel(golden_con, Filters(), window_days=window, breakdown=breakdown)
    assert len(df) > 0
    for _, g in df.groupby("grp"):
        leads = list(g.sort_values("position")["leads"])
        assert leads == sorted(leads, reverse=True)
        assert (g["skipped"] >= 0).all() and (g["dropped"] >= 0).all()


# --- CLI export -----------------------------------------------------------------------------


def export(warehouse, view: str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "pitwall", "export", view, "--warehouse", str(warehouse), *args],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def read_csv(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text))
    return reader.fieldnames, list(reader)


def _csv_cell(text: str):
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def assert_records(records: list[dict], keys: list[str], cols: list[str], expected: dict):
    """Exported records (CSV text or JSON values) keyed by `keys`; exports may round floats
    to 6 decimals (docs/metrics.md sets no precision), so compare to within 1e-6."""
    frame = pd.DataFrame([{k: (_csv_cell(v) if isinstance(v, str) else v) for k, v in r.items()}
                          for r in records])
    for k in keys:
        frame[k] = frame[k].map(lambda v: int(v) if isinstance(v, float) else v)
    assert_table(frame, keys, cols, expected, abs_tol=1e-6)


def test_cli_spend_balance_csv(golden_warehouse):
    out = export(golden_warehouse, "spend-balance")
    assert out.splitlines()[0] == "month,kind,spend,budget,share_of_spend"
    header, rows = read_csv(out)
    assert {r["month"] for r in rows} == {"2025-01", "2025-02", "2025-03", "2025-04"}
    april_offline = next(r for r in rows if r["month"] == "2025-04" and r["kind"] == "offline")
    assert april_offline["budget"] == ""  # no offline budget row in April: empty field
    assert float(april_offline["spend"]) == pytest.approx(100)


def test_cli_spend_balance_filtered_matches_hand_values(golden_warehouse):
    out = export(golden_warehouse, "spend-balance", "--start", "2025-02-15",
                 "--end", "2025-03-10")
    header, rows = read_csv(out)
    assert header == ["month", "kind", "spend", "budget", "share_of_spend"]
    # same arithmetic as test_spend_balance_range_prorates_budget
    assert_records(rows, ["month", "kind"], SB_COLS, {
        ("2025-02", "online"): (30, 100, 30 / 180),
        ("2025-02", "offline"): (150, 140, 150 / 180),
        ("2025-03", "online"): (110, 70, 1.0),
        ("2025-03", "offline"): (0, 90, 0.0),
    })


def test_cli_channel_roi_csv_empty_ratios(golden_warehouse):
    out = export(golden_warehouse, "channel-roi")
    assert out.splitlines()[0] == ("channel,kind,spend,revenue,roas,roi,leads,cpl,"
                                   "new_customers,cac")
    header, rows = read_csv(out)
    by = {r["channel"]: r for r in rows}
    assert set(by) == set(ROI_ALL)
    assert (by["referral"]["roas"], by["referral"]["roi"], by["referral"]["cpl"]) == ("", "", "")
    assert float(by["referral"]["cac"]) == 0.0  # 0 spend / 1 new customer
    assert by["print"]["cac"] == ""  # 500 spend / 0 new customers
    assert_records(rows, ["channel"], ROI_COLS, ROI_ALL)


def test_cli_channel_roi_json_nulls(golden_warehouse):
    out = export(golden_warehouse, "channel-roi", "--format", "json")
    records = json.loads(out)
    assert all(list(r) == views.VIEW_COLUMNS["channel-roi"] for r in records)
    by = {r["channel"]: r for r in records}
    assert by["referral"]["roas"] is None and by["referral"]["roi"] is None
    assert by["referral"]["cpl"] is None and by["print"]["cac"] is None
    assert by["referral"]["cac"] == 0
    assert "null" in out and "NaN" not in out
    assert_records(records, ["channel"], ROI_COLS, ROI_ALL)


def test_cli_channel_roi_filtered_json(golden_warehouse):
    out = export(golden_warehouse, "channel-roi", "--format", "json", "--start", "2025-02-15",
                 "--end", "2025-03-10", "--channel", "search", "--channel", "social",
                 "--kind", "online")
    # same arithmetic as test_channel_roi_range
    assert_records(json.loads(out), ["channel"], ROI_COLS, {
        "search": ("online", 70, 180, 180 / 70, 110 / 70, 1, 70, 0, E),
        "social": ("online", 70, 60, 60 / 70, -10 / 70, 1, 70, 1, 70),
    })


def test_cli_funnel_window_csv(golden_warehouse):
    out = export(golden_warehouse, "funnel", "--window-days", "7")
    header, rows = read_csv(out)
    assert header == views.VIEW_COLUMNS["funnel"]
    assert [r["stage"] for r in rows] == STAGES
    won = rows[-1]
    assert won["conversion_from_previous"] == "" and won["median_days_in_stage"] == ""
    # same as test_funnel_window_7_days
    assert_records(rows, ["stage"], FUNNEL_COLS, _rows(
        identified=(8, E, 1.0, 2, 0, 2.5),
        qualified=(6, 6 / 8, 6 / 8, 1, 2, 3.0),
        presented=(5, 5 / 6, 5 / 8, 2, 1, 1.25),
        offer=(3, 3 / 5, 3 / 8, 3, 0, E),
        decision=(0, 0.0, 0.0, 0, 0, E),
        won=(0, E, 0.0, 0, 0, E),
    ))


def test_cli_retention_json_unbounded_segment(golden_warehouse):
    out = export(golden_warehouse, "retention", "--format", "json", "--mode", "unbounded",
                 "--segment", "b2c")
    records = json.loads(out)
    assert all(list(r) == views.VIEW_COLUMNS["retention"] for r in records)
    assert {r["cohort_month"] for r in records} == {"2025-01", "2025-02", "2025-03"}
    # same as test_retention_segment_uses_customer_own_segment
    assert_records(records, ["cohort_month", "period"], RET_COLS, {
        ("2025-01", 0): (1, 1, 1.0, 0),
        ("2025-01", 1): (1, 1, 1.0, 120),
        ("2025-01", 2): (1, 1, 1.0, 80),
        ("2025-01", 3): (1, 1, 1.0, 0),
        ("2025-02", 0): (2, 2, 1.0, 340),
        ("2025-02", 1): (2, 2, 1.0, 0),
        ("2025-02", 2): (2, 2, 1.0, 160),
        ("2025-03", 0): (1, 1, 1.0, 100),
        ("2025-03", 1): (1, 0, 0.0, 0),
    })


def test_cli_retention_csv_bounded(golden_warehouse):
    out = export(golden_warehouse, "retention", "--region", "north")
    assert out.splitlines()[0] == ("cohort_month,period,cohort_size,active_customers,"
                                   "retention_rate,revenue")
    header, rows = read_csv(out)
    assert_records(rows, ["cohort_month", "period"], RET_COLS, {
        ("2025-01", 0): (1, 1, 1.0, 200),
        ("2025-01", 1): (1, 0, 0.0, 0),
        ("2025-01", 2): (1, 1, 1.0, 150),
        ("2025-01", 3): (1, 0, 0.0, 0),
        ("2025-02", 0): (2, 1, 0.5, 250),
        ("2025-02", 1): (2, 0, 0.0, 0),
        ("2025-02", 2): (2, 1, 0.5, 100),
        ("2025-03", 0): (1, 1, 1.0, 100),
        ("2025-03", 1): (1, 0, 0.0, 0),
    })
