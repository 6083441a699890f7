"""Cohort economics (LTV, LTV/CAC, payback) and the retention what-if, worked by hand.

The golden business (tests/golden/README.md) has no gross margin and ends on 2025-04-20, so
nobody there is mature; tests/golden_margins/orders.csv gives every order a margin and adds
o16 (k1, 2026-01-20: past k1's 12 months) and o17 (k2, 2026-01-25: inside k2's 12 months,
which end 2026-01-28), so the data end 2026-01-25 10:00 makes k1 (acquired 2025-01-10) the
one mature customer.

Customers by acquisition channel: search k1 (2025-01-10), k4 (2025-02-10 12:00, its first
order), k6 (2025-02-02, no orders); social k2 (2025-01-28), k5 (2025-03-03); events k3
(2025-02-14); referral k7 (2025-02-08 15:00, derived from o12); print none.
Month k since acquisition holds orders before acquired_at + k months (k >= 1; o9, placed
before k5's acquisition, is in k5's month 1):
    k1: o1 200 (m1), o2 150 (03-05 < 03-10: m2)      k4: o7 90 (m1), o8 60 (04-08 < 04-10: m2)
    k2: o3 120 (m1), o4 80 (m2), o15 0 (m3)          k5: o9 30, o10 60, o11 40 (all m1)
    k3: o5 500 (m1), o6 300 (m2), o14 70 (m3)        k7: o12 250 (m1), o13 100 (04-15: m3)
Spend (golden): search 480, social 185, events 340, print 500, referral 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys

import pandas as pd
import pytest

from pitwall import economics, views
from pitwall.filters import Filters

D = dt.date
N = None  # an empty figure

COLUMNS = [
    "channel",
    "kind",
    "new_customers",
    "cac",
    "ltv_12m",
    "ltv_margin_12m",
    "ltv_to_cac",
    "payback_months",
    "mature_customers",
]


def rows(df: pd.DataFrame) -> dict[str, tuple]:
    out = {}
    for r in df[COLUMNS].itertuples(index=False):
        out[r.channel] = tuple(None if pd.isna(v) else v for v in r[1:])
    return out


def test_golden_economics_all_time(golden_con):
    got = rows(views.cohort_economics(golden_con, Filters()))
    assert got == {
        # CAC 340/1; LTV k3 500 + 300 + 70 = 870; no margin: payback on revenue, 500 >= 340
        # in month 1
        "events": ("offline", 1, 340, 870, N, pytest.approx(870 / 340), 1, 0),
        "print": ("offline", 0, N, N, N, N, N, 0),  # spend, nobody acquired
        # CAC 0/1 = 0 (not empty); LTV/CAC divides by zero: empty; 250 >= 0 in month 1
        "referral": ("online", 1, 0, 350, N, N, 1, 0),
        # CAC 480/3 = 160; LTV (350 + 150 + 0)/3 = 166.67; month 1 (200 + 90)/3 = 96.67 <
        # 160, month 2 500/3 = 166.67 >= 160: payback 2
        "search": ("online", 3, 160, pytest.approx(500 / 3), N, pytest.approx(500 / 3 / 160), 2, 0),
        # CAC 185/2 = 92.5; LTV (200 + 130)/2 = 165; month 1 (120 + 130)/2 = 125 >= 92.5
        "social": ("online", 2, 92.5, 165, N, pytest.approx(165 / 92.5), 1, 0),
    }


def test_golden_economics_for_customers_acquired_in_february(golden_con):
    got = rows(views.cohort_economics(golden_con, Filters(D(2025, 2, 1), D(2025, 2, 28))))
    assert got == {
        # February spend events 150; k3 -> CAC 150, LTV 870, 500 >= 150 in month 1
        "events": ("offline", 1, 150, 870, N, pytest.approx(5.8), 1, 0),
        "print": ("offline", 0, N, N, N, N, N, 0),
        "referral": ("online", 1, 0, 350, N, N, 1, 0),
        # spend 80 + 40 = 120, k4 and k6: CAC 60; LTV (150 + 0)/2 = 75 (all of k4's orders,
        # whatever the range); month 1 90/2 = 45 < 60, month 2 150/2 = 75: payback 2
        "search": ("online", 2, 60, 75, N, pytest.approx(1.25), 2, 0),
        # spend 60, nobody acquired in February through social
        "social": ("online", 0, N, N, N, N, N, 0),
    }


def test_segment_picks_customers_by_their_own_segment(golden_con):
    # Cohorts picks customers by their own segment, else their campaign's (docs/metrics.md,
    # "Cohorts"): b2c customers are k2 (none: c_social's b2c), k4 (b2c), k5 (b2c), k7
    # (derived: c_referral's b2c). k6 is b2b although c_search_b2c is b2c: not counted.
    got = rows(views.cohort_economics(golden_con, Filters(segment="b2c")))
    # search: spend on b2c campaigns (c_search_b2c) 50 + 40 + 60 = 150 over k4 alone = 150;
    # LTV k4 o7 90 + o8 60 = 150: LTV/CAC 1.0; month 2 reaches 150 exactly ("reaches"
    # counts equality)
    assert got["search"] == ("online", 1, 150, 150, N, 1.0, 2, 0)
    # social: c_social 185 over k2, k5 = 92.5; LTV (120 + 80 + 0 + 30 + 60 + 40)/2 = 165
    assert got["social"] == ("online", 2, 92.5, 165, N, pytest.approx(165 / 92.5), 1, 0)
    assert set(got) == {"search", "social", "referral"}


def test_one_population_on_cohorts(golden_con):
    """Under a segment or region filter, retention, the value curves and cohort economics
    count the same customers. North customers: k1 (own north), k5 (own north, although
    c_social is south), k6 (own north, although c_search_b2c is south), k7 (derived:
    c_referral's north); k2 takes c_social's south. b2b: k1, k3, k6."""
    cases = {
        Filters(region="north"): {"search": 2, "social": 1, "referral": 1},
        Filters(segment="b2b"): {"search": 2, "events": 1},
    }
    for f, by_channel in cases.items():
        retention = views.retention(golden_con, f)
        sizes = retention.drop_duplicates("cohort_month")["cohort_size"].sum()
        everyone = views.ltv_curves(golden_con, f, breakdown=None)["customers"].iloc[0]
        econ = views.cohort_economics(golden_con, f).set_index("channel")["new_customers"]
        assert sizes == everyone == econ.sum() == sum(by_channel.values())
        assert econ[econ > 0].to_dict() == by_channel
    # north: social has no north campaign, so no spend over its one north customer (k5):
    # CAC 0; search spends c_search_b2b's 480 - 150 = 330 over k1 and k6 = 165, LTV
    # (200 + 150 + 0)/2 = 175, cumulative 100 < 165 in month 1, 175 in month 2
    got = rows(views.cohort_economics(golden_con, Filters(region="north")))
    assert got["social"] == ("online", 1, 0, 130, N, N, 1, 0)
    assert got["search"] == ("online", 2, 165, 175, N, pytest.approx(175 / 165), 2, 0)


def test_new_customers_and_cac_are_channel_rois(golden_con):
    for f in (Filters(), Filters(D(2025, 2, 1), D(2025, 3, 15)), Filters(kind="online")):
        econ = views.cohort_economics(golden_con, f).set_index("channel")
        roi = views.channel_roi(golden_con, f).set_index("channel")
        assert econ["new_customers"].to_dict() == roi["new_customers"].to_dict()
        pd.testing.assert_series_equal(econ["cac"], roi["cac"])


def test_margins_maturity_and_the_12_month_horizon(margin_con):
    got = rows(views.cohort_economics(margin_con, Filters()))
    assert got == {
        # margin k3 150 + 200 + 21 = 371; month 1 150 < 340, month 2 350 >= 340: payback 2
        "events": ("offline", 1, 340, 870, 371, pytest.approx(870 / 340), 2, 0),
        "print": ("offline", 0, N, N, N, N, N, 0),
        # margin 100 + 40
        "referral": ("online", 1, 0, 350, 140, N, 1, 0),
        # o16 is past k1's 12 months: LTV stays 500/3; margin (80 + 60 + 27 + 18)/3 = 61.67;
        # cumulative margin never reaches 160 (225/3 = 75 with o16 in month 13): no payback.
        # k1 is mature (2025-01-10 + 12 months <= 2026-01-25).
        "search": ("online", 3, 160, pytest.approx(500 / 3), pytest.approx(185 / 3),
                   pytest.approx(500 / 3 / 160), N, 1),
        # o17 is inside k2's 12 months: LTV (120 + 80 + 0 + 50 + 130)/2 = 190; margin
        # (30 + 20 + 0 + 20 + 9 + 15 + 10)/2 = 52 < 92.5 in every month: no payback
        "social": ("online", 2, 92.5, 190, 52, pytest.approx(190 / 92.5), N, 0),
    }


def test_ltv_curves_by_channel(golden_con):
    c = views.ltv_curves(golden_con, Filters(), breakdown="channel")
    search = c[c["grp"] == "search"]
    # last order 2025-04-20 16:00 is in month 4 of k1 (acquired 2025-01-10)
    assert search["month"].tolist() == [1, 2, 3, 4]
    assert search["ltv"].tolist() == pytest.approx([290 / 3, 500 / 3, 500 / 3, 500 / 3])
    # whole months by 2025-04-20 16:00: k1 3, k4 2 (04-10 12:00), k6 2 (04-02)
    assert search["reached"].tolist() == [3, 3, 1, 0]
    assert search["ltv_margin"].isna().all()  # no margin loaded


def test_ltv_curves_by_kind(golden_con):
    c = views.ltv_curves(golden_con, Filters(), breakdown="kind").set_index(["grp", "month"])
    # online: k1, k4, k6, k2, k5, k7. Month 1: 200 + 90 + 120 + 30 + 60 + 40 + 250 = 790;
    # month 2: o2 150 + o8 60 + o4 80 = 290; month 3: o15 0 + o13 100 = 100; month 4: none
    assert c.loc["online", "customers"].unique().tolist() == [6]
    assert c.loc["online", "ltv"].tolist() == pytest.approx(
        [790 / 6, 1080 / 6, 1180 / 6, 1180 / 6]
    )
    # offline: k3 alone (acquired 2025-02-14: months 1..3)
    assert c.loc["offline", "ltv"].tolist() == pytest.approx([500, 800, 870])


def test_ltv_curves_with_margins(margin_con):
    c = views.ltv_curves(margin_con, Filters(), breakdown="channel")
    social = c[c["grp"] == "social"].set_index("month")
    # k2 (2025-01-28) to 2026-01-25: months 1..12; o17 is k2's month 12
    assert social.index.max() == 12
    assert social.loc[1, "ltv_margin"] == pytest.approx((30 + 34) / 2)
    assert social.loc[11, "ltv_margin"] == pytest.approx((30 + 20 + 0 + 34) / 2)
    assert social.loc[12, "ltv_margin"] == pytest.approx(52)
    assert social.loc[12, "ltv"] == pytest.approx(190)


def test_what_if_retention_were_five_points_higher(golden_con):
    # complete cells of period >= 1 (last order 2025-04-20, so April is incomplete):
    #   Jan cohort (k1, k2; 2 customers) p1 = Feb: k2 active, revenue 120 -> rate 50 %
    #   Jan cohort p2 = Mar: k1, k2 active, 150 + 80 = 230 -> rate 100 % (no room)
    #   Feb cohort (k3, k4, k6, k7; 4) p1 = Mar: nobody -> rate 0 %
    # revenue per active customer: p1 120 / 1 = 120; p2 230 / 2 = 115.
    # +5 points: Jan p1 0.05 x 2 = 0.1, Feb p1 0.05 x 4 = 0.2 extra customers -> p1 gains
    # 0.3 x 120 = 36; p2 gains nothing (Jan p2 is full).
    retention = views.retention(golden_con, Filters(), mode="bounded")
    got = economics.what_if(retention, 5).set_index("period")
    assert got.index.tolist() == [1, 2]
    assert got["extra_customers"].tolist() == pytest.approx([0.3, 0.0])
    assert got["revenue_per_active"].tolist() == pytest.approx([120, 115])
    assert got["revenue_gained"].tolist() == pytest.approx([36, 0])
    # +50 points: Jan p1 min(0.5, 0.5) x 2 = 1, Feb p1 0.5 x 4 = 2 -> 3 x 120 = 360
    assert economics.what_if(retention, 50)["revenue_gained"].sum() == pytest.approx(360)
    assert economics.what_if(retention, 0)["revenue_gained"].sum() == 0


@pytest.mark.parametrize("points", [-1, 100.5])
def test_what_if_refuses_impossible_lifts(golden_con, points):
    retention = views.retention(golden_con, Filters(), mode="bounded")
    with pytest.raises(ValueError, match="0 to 100 points"):
        economics.what_if(retention, points)


def test_cli_export(margin_warehouse):
    proc = subprocess.run(
        [sys.executable, "-m", "pitwall", "export", "cohort-economics", "--warehouse",
         str(margin_warehouse), "--channel", "search", "--channel", "events"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    reader = csv.DictReader(io.StringIO(proc.stdout))
    assert reader.fieldnames == COLUMNS
    got = {r["channel"]: r for r in reader}
    assert set(got) == {"events", "search"}
    assert got["search"] == {
        "channel": "search",
        "kind": "online",
        "new_customers": "3",
        "cac": "160.0",
        "ltv_12m": "166.666667",
        "ltv_margin_12m": "61.666667",
        "ltv_to_cac": "1.041667",
        "payback_months": "",
        "mature_customers": "1",
    }
    assert got["events"]["payback_months"] == "2"
    assert got["events"]["ltv_margin_12m"] == "371.0"
