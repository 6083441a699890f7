"""Loyalty and media efficiency against figures worked out by hand.

The data: the golden business (tests/golden/) with tests/golden_loyalty/ loaded on top (see
tests/golden/README.md, "Loyalty"): nine NPS answers, the fifteen golden orders with their
sales channel plus four in 2026, and the golden spend with impressions and clicks on the
online campaigns only. Definitions: docs/metrics.md, "Loyalty" and "Media efficiency".

Who answered what (P promoter 9–10, Pa passive 7–8, D detractor 0–6), with each customer's
acquisition channel / segment / region (customer_facts: own, else the campaign's):

    k1 search b2b north   2025-01-20: 10 P    2025-03-10: 7 Pa (latest)
    k2 social b2c south   2025-01-25:  7 Pa
    k4 search b2c south   2025-02-15:  9 P
    k3 events b2b south   2025-02-25:  4 D
    k7 referral b2c north 2025-03-05:  9 P   (derived customer: c_referral's segment, region)
    k9 unknown customer   2025-03-20: 10 P   (in neither customers nor orders: kept)
    k5 social b2c north   2025-03-28:  8 Pa
    k6 search b2b north   2025-04-02:  0 D   (no orders)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_load_errors import fingerprint, refuse, write_folder

from pitwall import highlights, views
from pitwall.cli import main
from pitwall.filters import Filters
from pitwall.load import load_folder
from pitwall.schema import TABLES
from pitwall.warehouse import open_readonly

ROOT = Path(__file__).resolve().parent.parent
E = None
EVERYTHING = Filters()
JAN_APR = Filters(dt.date(2025, 1, 1), dt.date(2025, 4, 30))


def rows(df: pd.DataFrame, key: str, cols: list[str]) -> dict:
    """{key: (cols...)}, None for empty cells, floats rounded to 6 places."""
    out = {}
    for _, r in df.iterrows():
        k = r[key].strftime("%Y-%m") if isinstance(r[key], pd.Timestamp) else r[key]
        out[k] = tuple(
            None if pd.isna(r[c]) else (round(float(r[c]), 6) if isinstance(r[c], float) else r[c])
            for c in cols
        )
    return out


NPS_COLS = ["responses", "promoters", "passives", "detractors", "nps"]


# --- Net Promoter Score --------------------------------------------------------------------


def test_nps_by_month(loyalty_con):
    got = rows(views.nps(loyalty_con, EVERYTHING), "month", NPS_COLS)
    assert got == {
        # Jan: k1 10 P, k2 7 Pa -> (1 − 0) / 2 × 100 = 50
        "2025-01": (2, 1, 1, 0, 50.0),
        # Feb: k4 9 P, k3 4 D -> (1 − 1) / 2 = 0 (zero, not empty)
        "2025-02": (2, 1, 0, 1, 0.0),
        # Mar: k7 9 P, k1 7 Pa, k9 10 P (unknown customer, kept), k5 8 Pa -> (2 − 0) / 4 = 50
        "2025-03": (4, 2, 2, 0, 50.0),
        # Apr: k6 0 D -> (0 − 1) / 1 = −100
        "2025-04": (1, 0, 0, 1, -100.0),
    }
    # the period's score over every answer: 4 P, 3 Pa, 2 D of 9 -> (4 − 2) / 9 × 100 = 22.22
    total = views.nps_summary(views.nps(loyalty_con, EVERYTHING))
    assert total["responses"] == 9 and total["nps"] == pytest.approx(200 / 9)


def test_nps_by_month_follows_the_filters(loyalty_con):
    # channel search (k1, k4, k6), answers in Feb–Mar: k4 9 P (Feb), k1 7 Pa (Mar); the
    # unknown customer k9 has no channel, so a picked channel leaves it out
    f = Filters(dt.date(2025, 2, 1), dt.date(2025, 3, 31), channels=("search",))
    assert rows(views.nps(loyalty_con, f), "month", NPS_COLS) == {
        "2025-02": (1, 1, 0, 0, 100.0),
        "2025-03": (1, 0, 1, 0, 0.0),
    }


def test_nps_by_group(loyalty_con):
    by = {b: rows(views.nps_groups(loyalty_con, EVERYTHING, b), b, NPS_COLS) for b in
          ("channel", "segment", "region")}
    assert by["channel"] == {
        # search: k1 10 P, k4 9 P, k1 7 Pa, k6 0 D -> (2 − 1) / 4 = 25
        "search": (4, 2, 1, 1, 25.0),
        # social: k2 7 Pa, k5 8 Pa -> 0
        "social": (2, 0, 2, 0, 0.0),
        "(none)": (1, 1, 0, 0, 100.0),  # k9, the unknown customer
        "events": (1, 0, 0, 1, -100.0),  # k3 4 D
        "referral": (1, 1, 0, 0, 100.0),  # k7 9 P
    }
    # most responses first, then by name: "(none)" sorts before letters
    assert list(views.nps_groups(loyalty_con, EVERYTHING, "channel")["channel"]) == [
        "search", "social", "(none)", "events", "referral"
    ]
    assert by["segment"] == {
        # b2b: k1 10 P, k3 4 D, k1 7 Pa, k6 0 D -> (1 − 2) / 4 = −25
        "b2b": (4, 1, 1, 2, -25.0),
        # b2c: k2 7 Pa, k4 9 P, k7 9 P, k5 8 Pa -> (2 − 0) / 4 = 50
        "b2c": (4, 2, 2, 0, 50.0),
        "(none)": (1, 1, 0, 0, 100.0),
    }
    assert by["region"] == {
        # north: k1 10 P, k7 9 P, k1 7 Pa, k5 8 Pa (own region), k6 0 D -> (2 − 1) / 5 = 20
        "north": (5, 2, 2, 1, 20.0),
        # south: k2 7 Pa, k4 9 P, k3 4 D -> 0
        "south": (3, 1, 1, 1, 0.0),
        "(none)": (1, 1, 0, 0, 100.0),
    }


VALUE_COLS = ["customers", "revenue", "revenue_per_customer", "eligible", "retained",
              "retention_12m"]


def test_promoters_against_detractors(loyalty_con):
    """Groups by each customer's latest answer; revenue of their orders in the range;
    retention_12m over the customers a year on. The last order loaded is o18, 2026-02-15
    10:00, so a customer is a year on when their first order + 12 months <= that:
    k1 (first 2025-01-12 -> 2026-01-12), k2 (2025-02-05 -> 2026-02-05), k4 (2025-02-10 12:00 ->
    2026-02-10 12:00), k7 (2025-02-08 15:00 -> 2026-02-08 15:00) are; k3 (2025-02-20 ->
    2026-02-20) and k5 (2025-02-22 -> 2026-02-22) are not; k6 and k9 have no orders.
    Still buying a year on: k1 (o16 2026-01-20), k4 (o17 2026-02-12), k7 (o19 2026-02-10);
    k2's last order is 2025-04-05."""
    got = rows(views.nps_value(loyalty_con, EVERYTHING), "group", VALUE_COLS)
    assert got == {
        # k4 (90 + 60 + 50 = 200), k7 (250 + 100 + 40 = 390), k9 (0): 590 / 3 = 196.67;
        # a year on: k4, k7; both still buying -> 2 / 2
        "promoters": (3, 590.0, round(590 / 3, 6), 2, 2, 1.0),
        # k1 (latest answer 7: 200 + 150 + 100 = 450), k2 (120 + 80 + 0 = 200),
        # k5 (30 + 60 + 40 = 130): 780 / 3 = 260; a year on: k1, k2; k1 buying -> 1 / 2
        "passives": (3, 780.0, 260.0, 2, 1, 0.5),
        # k3 (500 + 300 + 70 + 80 = 950), k6 (0): 950 / 2 = 475; none a year on -> empty
        "detractors": (2, 950.0, 475.0, 0, 0, E),
    }


def test_promoters_against_detractors_in_a_range(loyalty_con):
    """Jan–Feb 2025: only the answers of k1 (10), k2 (7), k4 (9), k3 (4) count, so k1 is a
    promoter here (his 7 came in March); revenue of the orders in Jan–Feb only."""
    f = Filters(dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    got = rows(views.nps_value(loyalty_con, f), "group", VALUE_COLS)
    assert got == {
        # k1 o1 200, k4 o7 90: 290 / 2 = 145; both a year on and still buying
        "promoters": (2, 290.0, 145.0, 2, 2, 1.0),
        # k2 o3 120; a year on, not buying -> 0 %, not empty
        "passives": (1, 120.0, 120.0, 1, 0, 0.0),
        # k3 o5 500; not a year on
        "detractors": (1, 500.0, 500.0, 0, 0, E),
    }
    # 2025 to April: k4 o7 90 + o8 60, k7 o12 250 + o13 100 -> 500 / 3 promoters;
    # k1 350, k2 200, k5 130 -> 680 / 3; k3 500 + 300 + 70 = 870, k6 0 -> 435
    per = rows(views.nps_value(loyalty_con, JAN_APR), "group", ["revenue_per_customer"])
    assert per == {
        "promoters": (round(500 / 3, 6),),
        "passives": (round(680 / 3, 6),),
        "detractors": (435.0,),
    }


# --- purchase frequency and average order value ---------------------------------------------

FREQ_COLS = ["buyers", "orders", "revenue", "purchase_frequency", "aov"]


def test_frequency_and_order_value(loyalty_con):
    """Orders placed Jan–Apr 2025 (the fifteen golden orders, 2,050 in all)."""
    f = JAN_APR
    assert rows(views.frequency(loyalty_con, f, "cohort"), "group", FREQ_COLS) == {
        # k1 (o1, o2: 350), k2 (o3, o4, o15: 200): 5 orders / 2 = 2.5; 550 / 5 = 110
        "2025-01": (2, 5, 550.0, 2.5, 110.0),
        # k3 (o5, o6, o14: 870), k4 (o7, o8: 150), k7 (o12, o13: 350): 7 / 3; 1370 / 7
        "2025-02": (3, 7, 1370.0, round(7 / 3, 6), round(1370 / 7, 6)),
        # k5 (o9 before the cohort month still counts, o10, o11: 130): 3 / 1; 130 / 3
        "2025-03": (1, 3, 130.0, 3.0, round(130 / 3, 6)),
    }
    assert rows(views.frequency(loyalty_con, f, "channel"), "group", FREQ_COLS) == {
        "events": (1, 3, 870.0, 3.0, 290.0),  # k3: 870 / 3
        "referral": (1, 2, 350.0, 2.0, 175.0),  # k7: 350 / 2
        # k1 200 + 150, k4 90 + 60: 4 / 2; 500 / 4
        "search": (2, 4, 500.0, 2.0, 125.0),
        # k2 120 + 80 + 0, k5 30 + 60 + 40: 6 / 2; 330 / 6
        "social": (2, 6, 330.0, 3.0, 55.0),
    }
    assert rows(views.frequency(loyalty_con, f, "sales_channel"), "group", FREQ_COLS) == {
        # o2 k1 150, o5 k3 500, o6 k3 300: 3 orders / 2 buyers; 950 / 3
        "field sales": (2, 3, 950.0, 1.5, round(950 / 3, 6)),
        # o8 k4 60, o12 k7 250, o13 k7 100, o14 k3 70: 4 / 3; 480 / 4
        "phone": (3, 4, 480.0, round(4 / 3, 6), 120.0),
        # o1 k1 200, o3 k2 120, o4 k2 80, o7 k4 90, o9 k5 30, o10 k5 60, o15 k2 0:
        # 7 orders / 4 buyers; 580 / 7
        "webshop": (4, 7, 580.0, 1.75, round(580 / 7, 6)),
        "(none)": (1, 1, 40.0, 1.0, 40.0),  # o11 k5 40, no sales channel: last
    }
    # the tiles count each buyer once: 6 buyers, 15 orders, 2,050 -> 2.5 and 136.67
    tiles = views.frequency_summary(views.frequency(loyalty_con, f, "channel"))
    assert tiles == pytest.approx(
        {"buyers": 6, "orders": 15, "revenue": 2050, "purchase_frequency": 2.5,
         "aov": 2050 / 15}
    )


# --- media efficiency ------------------------------------------------------------------------

MEDIA_COLS = ["spend", "impressions", "clicks", "ctr", "cpc", "cpm"]


def test_media_efficiency_per_channel_and_campaign(loyalty_con):
    by_channel = rows(views.media(loyalty_con, EVERYTHING), "channel", MEDIA_COLS)
    assert by_channel == {
        # offline: spend but no impressions or clicks -> empty, never 0
        "events": (340.0, E, E, E, E, E),
        "print": (500.0, E, E, E, E, E),
        # search: b2b rows 100 (20000 imp, 400 clicks), 80 (16000, 320), 70 (none),
        # 30 (6000, 120), 50 (10000, 200); b2c 50 (5000, 250), 40 (4000, 200), 60 (6000, 300).
        # spend 480; impressions 67000; clicks 1790; spend of the rows carrying them 410
        # CTR 1790 / 67000; CPC 410 / 1790; CPM 410 / 67000 × 1000 = 6.119
        "search": (480.0, 67000.0, 1790.0, round(1790 / 67000, 6), round(410 / 1790, 6),
                   round(410 / 67000 * 1000, 6)),
        # social: 60 (30000, 150), 30 (15000, no clicks), 30 (15000, 60), 40 (20000, 100),
        # 25 (12500, 50): impressions 92500, clicks 360; CTR over rows with both:
        # 360 / (92500 − 15000 = 77500); CPC (185 − 30 = 155) / 360; CPM 185 / 92500 × 1000 = 2
        "social": (185.0, 92500.0, 360.0, round(360 / 77500, 6), round(155 / 360, 6), 2.0),
    }
    by_campaign = rows(views.media(loyalty_con, EVERYTHING, "campaign"), "campaign_id",
                       MEDIA_COLS)
    # c_search_b2b: 330 spent, 260 of it on rows with figures: CTR 1040 / 52000 = 2 %,
    # CPC 260 / 1040 = 0.25, CPM 260 / 52000 × 1000 = 5
    assert by_campaign["c_search_b2b"] == (330.0, 52000.0, 1040.0, 0.02, 0.25, 5.0)
    # c_search_b2b's March 2 row carries nothing: in March only the 16th counts
    march = Filters(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    b2b = rows(views.media(loyalty_con, march, "campaign"), "campaign_id", MEDIA_COLS)
    assert b2b["c_search_b2b"] == (100.0, 6000.0, 120.0, 0.02, 0.25, 5.0)  # 30/120, 30/6
    # c_search_b2c: 150 / 750 clicks = 0.20, 750 / 15000 = 5 %, 150 / 15000 × 1000 = 10
    assert by_campaign["c_search_b2c"] == (150.0, 15000.0, 750.0, 0.05, 0.2, 10.0)
    assert by_campaign["c_print"] == (500.0, E, E, E, E, E)
    # tiles: impressions 159500, clicks 2150; CTR 2150 / (67000 + 77500); CPC (410 + 155) /
    # 2150; CPM (410 + 185) / 159500 × 1000
    totals = views.media_totals(views.media(loyalty_con, EVERYTHING))
    assert (totals["impressions"], totals["clicks"]) == (159500, 2150)
    assert totals["ctr"] == pytest.approx(2150 / 144500)
    assert totals["cpc"] == pytest.approx(565 / 2150)
    assert totals["cpm"] == pytest.approx(595 / 159500 * 1000)
    # offline channels carry no impressions: every total empty, never 0
    offline_only = views.media_totals(views.media(loyalty_con, Filters(kind="offline")))
    assert all(pd.isna(offline_only[m]) for m in ("impressions", "ctr", "cpc", "cpm"))


# --- exports -----------------------------------------------------------------------------------


def _export(warehouse: Path, capsys, *args: str) -> str:
    """`python -m pitwall export ...`, run in this process (the CLI's exit codes and its
    process are tested with the refusal below and in tests/test_load_errors.py)."""
    capsys.readouterr()
    assert main(["export", *args, "--warehouse", str(warehouse)]) == 0
    return capsys.readouterr().out


def test_exports_print_the_contract(loyalty_warehouse, capsys):
    assert _export(loyalty_warehouse, capsys, "nps") == (
        "month,responses,promoters,passives,detractors,nps\n"
        "2025-01,2,1,1,0,50.0\n"
        "2025-02,2,1,0,1,0.0\n"
        "2025-03,4,2,2,0,50.0\n"
        "2025-04,1,0,0,1,-100.0\n"
    )
    # filters as every export: region north, January to March -> k1 10 (Jan), k1 7 and k7 9
    # and k5 8 (Mar): Jan (1 − 0) / 1; Mar (1 − 0) / 3 = 33.33
    north = _export(loyalty_warehouse, capsys, "nps", "--region", "north", "--start",
                    "2025-01-01", "--end", "2025-03-31")
    assert north.splitlines()[1:] == ["2025-01,1,1,0,0,100.0", "2025-03,3,1,2,0,33.333333"]
    assert _export(loyalty_warehouse, capsys, "nps-value") == (
        "group,customers,revenue_per_customer,retention_12m\n"
        "promoters,3,196.666667,1.0\n"  # see test_promoters_against_detractors
        "passives,3,260.0,0.5\n"
        "detractors,2,475.0,\n"
    )
    media = _export(loyalty_warehouse, capsys, "media", "--kind", "offline")
    assert media.splitlines() == [
        "channel,kind,campaign_id,campaign_name,spend,impressions,clicks,ctr,cpc,cpm",
        "events,offline,c_events,Trade fairs,340.0,,,,,",
        "print,offline,c_print,Print ads,500.0,,,,,",
    ]
    freq = _export(loyalty_warehouse, capsys, "purchase-frequency", "--start", "2025-01-01",
                   "--end", "2025-04-30")
    lines = freq.splitlines()
    assert lines[0] == "breakdown,group,buyers,orders,revenue,purchase_frequency,aov"
    assert "sales_channel,webshop,4,7,580.0,1.75,82.857143" in lines  # 580 / 7


# --- refusals ------------------------------------------------------------------------------


def test_a_score_of_11_is_refused_and_nothing_changes(golden_copy, tmp_path):
    nps = (
        "customer_id,answered_at,score,comment\n"
        "k1,2025-01-20,10,fine\n"
        "k2,2025-01-25,11,off the scale\n"  # row 3
    )
    folder = write_folder(tmp_path / "bad", {"nps.csv": nps})
    problems = refuse(folder, golden_copy, "bad_score", file="nps.csv", row=3, column="score",
                      value="11")
    assert str(problems[0]) == (
        "nps.csv, row 3, column 'score': a score is a whole number from 0 to 10 (how likely to "
        "recommend: 0 not at all, 10 extremely) (value: '11') [bad_score]"
    )


def test_valid_answers_load_beside_the_other_tables(golden_copy, tmp_path):
    before = fingerprint(golden_copy).tables
    folder = write_folder(tmp_path / "ok", {"nps.csv": (
        "customer_id,answered_at,score,comment\nk1,2025-01-20,0,\nzz,2025-02-01,10,\n"
    )})
    load_folder(folder, golden_copy)
    after = fingerprint(golden_copy).tables
    kept = [t for t in TABLES if t != "nps"]  # the contract's other tables, row for row
    assert {t: after[t] for t in kept} == {t: before[t] for t in kept}
    con = open_readonly(golden_copy)
    try:
        # k1 0 D, zz (unknown) 10 P -> Jan (0 − 1) / 1, Feb (1 − 0) / 1
        assert rows(views.nps(con, EVERYTHING), "month", NPS_COLS) == {
            "2025-01": (1, 0, 0, 1, -100.0), "2025-02": (1, 1, 0, 0, 100.0)
        }
    finally:
        con.close()


# --- the weekly review's highlights ----------------------------------------------------------


def test_highlights_name_the_nps_change_and_a_cpc_jump(loyalty_con, monkeypatch):
    # the week of Monday 2025-04-07 (Sunday the 13th): March is the last complete month.
    # March NPS 50 against February's 0 (test_nps_by_month) -> +50 points, score 0.5
    monkeypatch.setattr(highlights, "NPS_MIN_RESPONSES", 2)
    [h] = highlights.nps_change(loyalty_con, dt.date(2025, 4, 7), EVERYTHING)
    assert h.text == (
        "**Net Promoter Score** rose to +50 in March from 0 in February (4 answers, "
        "+50 points)."
    )
    assert h.score == pytest.approx(0.5) and h.page == "loyalty"
    assert dict(h.params)["dates"] == "2025-03-31"  # from Feb 1 to Mar 31
    monkeypatch.setattr(highlights, "NPS_MIN_RESPONSES", 3)  # February had 2 answers
    assert highlights.nps_change(loyalty_con, dt.date(2025, 4, 7), EVERYTHING) == []

    # the week 2025-03-10..16: search's only clicks are c_search_b2b's 16th, 30 / 120 = 0.25;
    # the four weeks before (Feb 10..Mar 9): c_search_b2b's Mar 2 row carries no clicks,
    # c_search_b2c's Feb 14: 40 / 200 = 0.20 -> +25 %; social has no spend that week.
    monkeypatch.setattr(highlights, "CPC_JUMP", 0.2)
    [h] = highlights.cpc_jump(loyalty_con, dt.date(2025, 3, 10), EVERYTHING)
    assert h.text == (
        "A click on **search** cost €0.25 this week, +25.0 % against the 4 weeks before (€0.20)."
    )
    # score: the rise 0.25 × search's share of the week's spend on clicks (30 / 30)
    assert h.score == pytest.approx(0.25) and h.page == "channel_roi"
    assert ("channel", "search") in h.params
    monkeypatch.setattr(highlights, "CPC_MIN_CLICKS", 121)  # 120 clicks that week
    assert highlights.cpc_jump(loyalty_con, dt.date(2025, 3, 10), EVERYTHING) == []


# --- the pages -------------------------------------------------------------------------------


def _page(warehouse: Path, page: str, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(warehouse))
    at = AppTest.from_file("../app.py", default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def test_the_loyalty_page(loyalty_warehouse, monkeypatch):
    at = _page(loyalty_warehouse, "loyalty", monkeypatch, period="All time")
    tiles = {m.label: m.value for m in at.metric}
    # all time: 9 answers, (4 − 2) / 9 = +22; 6 buyers (k1–k5, k7), 19 orders,
    # 2,050 + 100 + 50 + 40 + 80 = 2,320: 19 / 6 = 3.17 orders each, 2,320 / 19 = €122
    assert tiles == {
        "NPS": "+22",
        "Responses": "9",
        "Active customers": "6",
        "Purchase frequency": "3.17",
        "Average order value": "€122",
    }
    tables = [d.value for d in at.dataframe]
    # by month, by acquisition channel (the default), the three groups, frequency by channel
    assert len(tables) == 4
    assert len(at.get("download_button")) == 4  # a CSV under every table
    assert list(tables[1]["channel"]) == ["search", "social", "(none)", "events", "referral"]
    groups = tables[2].set_index("group")
    assert list(groups.index) == ["promoters", "passives", "detractors"]
    assert groups.loc["passives", "revenue_per_customer"] == 260.0
    assert pd.isna(groups.loc["detractors", "retention_12m"])
    assert "Full definitions" in at.main.caption[-1].value


def test_the_loyalty_page_breakdowns_from_the_url(loyalty_warehouse, monkeypatch):
    at = _page(loyalty_warehouse, "loyalty", monkeypatch, period="All time",
               nps_by="Region", buy_by="Sales channel")
    tables = [d.value for d in at.dataframe]
    # test_nps_by_group's regions: north +20, south 0, (none) +100
    assert dict(zip(tables[1]["region"], tables[1]["nps"], strict=True)) == {
        "north": 20.0, "south": 0.0, "(none)": 100.0
    }
    # all orders (2026 too): webshop o1, o3, o4, o7, o9, o10, o15, o16, o17 -> 9 orders by
    # k1, k2, k4, k5; 580 + 100 + 50 = 730 -> 9 / 4 = 2.25, 730 / 9
    webshop = tables[3].set_index("group").loc["webshop"]
    assert (webshop["buyers"], webshop["orders"]) == (4, 9)
    assert webshop["aov"] == pytest.approx(730 / 9)


def test_the_loyalty_page_without_nps(golden_warehouse, monkeypatch):
    at = _page(golden_warehouse, "loyalty", monkeypatch, period="All time")
    assert any(i.value.startswith("Load an nps table") for i in at.info)
    # frequency still shows: the golden orders, 15 orders by 6 buyers
    assert {m.label for m in at.metric} == {
        "Active customers", "Purchase frequency", "Average order value"
    }
    assert {m.label: m.value for m in at.metric}["Purchase frequency"] == "2.50"


def test_channel_roi_shows_media_efficiency(loyalty_warehouse, monkeypatch):
    at = _page(loyalty_warehouse, "channel_roi", monkeypatch, period="All time")
    tiles = {m.label: m.value for m in at.metric}
    # test_media_efficiency_per_channel_and_campaign's totals, formatted
    assert {k: tiles[k] for k in ("Impressions", "Clicks", "CTR", "CPC", "CPM")} == {
        "Impressions": "159.5k", "Clicks": "2,150", "CTR": "1.5 %", "CPC": "€0.26",
        "CPM": "€3.73",
    }
    media = next(d.value for d in at.dataframe if "cpm" in d.value.columns and
                 "campaign_name" not in d.value.columns).set_index("channel")
    assert media["ctr"].isna()["print"] and media["cpm"].isna()["events"]  # shown as –
    assert media.loc["social", "cpm"] == pytest.approx(2.0)


def test_channel_roi_without_impressions(golden_warehouse, monkeypatch):
    # no impressions anywhere: the section says what to load instead of showing zeros
    at = _page(golden_warehouse, "channel_roi", monkeypatch, period="All time")
    assert any("carries impressions or clicks" in i.value for i in at.info)
    assert "CTR" not in {m.label for m in at.metric}
