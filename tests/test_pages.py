"""The pages as a user sees them (Streamlit AppTest), against figures worked out by hand.

Every expected figure comes from the golden business (tests/golden/, see its README) and
docs/metrics.md, with its arithmetic in a comment; the view-level figures are the ones of
tests/test_golden_views.py. Displayed strings follow pitwall/formatting.py: money "€1,234"
(two decimals below €100), percent "12.3 %", ratio "2.62×", count "1,234"; KPI deltas are
the relative change for amounts and points ("pp") for percentages, against the previous
period of equal length; AppTest shows a missing delta as "".

How a page is opened: like a copied deep link, the filters go in the URL query (the sidebar
widgets are bound to it: `period` by its label, `dates` as two ISO dates, `channel` as a
list) and the page is chosen before the first run. (Switching pages after a run is not used:
each AppTest run starts in Streamlit's legacy pages/ mode, where the router's widgets get
per-page ids, so the bound filters fall back to their defaults.)

The golden data span is 2025-01-05 (first spend and lead) .. 2025-04-20 (last order), so
"All time" means that range and the date input accepts nothing outside it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import absurd
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from pitwall.controls import CONTROLS, clean, url_form
from pitwall.demo_build import build_demo
from pitwall.load import load_folder

E = None  # an empty (null) figure
STAGES = ["identified", "qualified", "presented", "offer", "decision", "won"]
PAGES = ["weekly", "spend_balance", "channel_roi", "funnel", "cohorts", "data"]
ALL_TIME = {"period": "All time"}
# 2025-02-01..2025-03-31 (59 days): two whole months, no budget proration. Previous period
# of equal length: 2024-12-04..2025-01-31, i.e. all of January (no data in December).
FEB_MAR = {"period": "Custom range", "dates": ["2025-02-01", "2025-03-31"]}
# 2025-02-15..2025-03-10 (24 days), the range of tests/test_golden_views.py. Previous period:
# 2025-01-22..2025-02-14.
MID = {"period": "Custom range", "dates": ["2025-02-15", "2025-03-10"]}


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def golden_app(golden_warehouse, monkeypatch):
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(golden_warehouse))
    return open_page


def open_page(page: str, params: dict | None = None) -> AppTest:
    """Open pages/<page>.py as a deep link with `params` in the URL query."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py").run()
    check(at)
    return at


def check(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def deltas(at: AppTest) -> dict[str, str]:
    return {m.label: m.delta for m in at.metric}


def range_caption(at: AppTest) -> str:
    return at.sidebar.caption[0].value


def charts(at: AppTest) -> list:
    """The st.altair_chart elements of the page, in page order."""
    return list(at.get("vega_lite_chart"))


def spec(chart) -> dict:
    return json.loads(chart.proto.spec)


def chart_data(chart, *columns: str) -> pd.DataFrame:
    """The first dataset sent with the chart that holds all `columns`."""
    frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]
    found = [f for f in frames if set(columns) <= set(f.columns)]
    assert found, f"no dataset with {columns}: {[list(f.columns) for f in frames]}"
    return found[0]


def by_key(df: pd.DataFrame, keys: list[str], value: str) -> dict:
    """{key tuple (months as YYYY-MM): value}, None for empty cells."""
    out = {}
    for _, row in df.iterrows():
        key = tuple(
            pd.Timestamp(row[k]).strftime("%Y-%m") if "month" in k else _plain(row[k])
            for k in keys
        )
        out[key if len(key) > 1 else key[0]] = None if pd.isna(row[value]) else row[value]
    assert len(out) == len(df), "duplicate keys"
    return out


def _plain(v):
    return v.item() if hasattr(v, "item") else v


def approx(expected: dict) -> dict:
    return {k: (None if v is None else pytest.approx(v)) for k, v in expected.items()}


def infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


# --- spend balance --------------------------------------------------------------------------
# Spend per month and kind (spend.csv): Jan 210 / 290, Feb 180 / 250, Mar 200 / 200,
# Apr 75 / 100 (online / offline). Budgets: Jan 220 / 300, Feb 200 / 280, Mar 217 / 279,
# Apr 90 / no row. Per channel: search Feb 80+40=120 (budget 120), Mar 70+30+60=160 (155);
# social Feb 30+30=60 (80), Mar 40 (62); print Feb 100 (130), Mar 120+80=200 (186);
# events Feb 150 (150), Mar 0 (93); referral: no spend, no budget.


def test_spend_balance_two_whole_months(golden_app):
    at = golden_app("spend_balance", FEB_MAR)
    assert at.title[0].value == "Spend balance"
    assert range_caption(at) == "01 Feb 2025 – 31 Mar 2025"
    assert kpis(at) == {
        "Spend": "€830",  # 180+250 + 200+200
        "Online share": "45.8 %",  # (180+200) / 830 = 0.4578
        "Budget": "€976",  # 200+280 + 217+279
        "Spend / budget": "85.0 %",  # 830 / 976 = 0.8504
    }
    # Previous period = January: spend 210+290 = 500, online 210/500 = 42.0 %,
    # budget 220+300 = 520 (whole month), spend / budget 500/520 = 96.15 %.
    assert deltas(at) == {
        "Spend": "+66.0 %",  # 830/500 - 1
        "Online share": "+3.8 pp",  # 45.78 - 42.00
        "Budget": "+87.7 %",  # 976/520 - 1 = 0.8769
        "Spend / budget": "-11.1 pp",  # 85.04 - 96.15
    }

    monthly, per_channel, variance, groups = charts(at)
    bars = chart_data(monthly, "month", "kind", "spend", "budget", "share_of_spend")
    keys = ["month", "kind"]
    assert by_key(bars, keys, "spend") == approx({
        ("2025-02", "online"): 180, ("2025-02", "offline"): 250,
        ("2025-03", "online"): 200, ("2025-03", "offline"): 200,
    })
    assert by_key(bars, keys, "budget") == approx({
        ("2025-02", "online"): 200, ("2025-02", "offline"): 280,
        ("2025-03", "online"): 217, ("2025-03", "offline"): 279,
    })
    assert by_key(bars, keys, "share_of_spend") == approx({
        ("2025-02", "online"): 180 / 430, ("2025-02", "offline"): 250 / 430,
        ("2025-03", "online"): 200 / 400, ("2025-03", "offline"): 200 / 400,
    })
    target = chart_data(monthly, "month", "online_share")  # targets.csv
    assert by_key(target, ["month"], "online_share") == approx({"2025-02": 0.45,
                                                                "2025-03": 0.5})

    long = chart_data(per_channel, "channel", "measure", "amount")
    assert by_key(long, ["channel", "measure"], "amount") == approx({
        ("search", "spend"): 280, ("search", "budget"): 275,  # 120+160, 120+155
        ("social", "spend"): 100, ("social", "budget"): 142,  # 60+40, 80+62
        ("print", "spend"): 300, ("print", "budget"): 316,  # 100+200, 130+186
        ("events", "spend"): 150, ("events", "budget"): 243,  # 150+0, 150+93
    })
    cells = chart_data(variance, "channel", "month", "variance")
    # (spend - budget) / budget per channel and month
    assert by_key(cells, ["channel", "month"], "variance") == approx({
        ("search", "2025-02"): 0.0, ("search", "2025-03"): 5 / 155,
        ("social", "2025-02"): -20 / 80, ("social", "2025-03"): -22 / 62,
        ("print", "2025-02"): -30 / 130, ("print", "2025-03"): 14 / 186,
        ("events", "2025-02"): 0.0, ("events", "2025-03"): -1.0,
    })
    assert spec(groups)["encoding"]["color"]["field"] == "channel_group"

    # Pacing for March 2025 (the range ends 03-31: 31 of 31 days, so prorated = budget)
    pacing = at.dataframe[0].value
    assert list(pacing["channel"]) == ["events", "print", "search", "social"]
    assert by_key(pacing, ["channel"], "spend_to_date") == approx(
        {"events": 0, "print": 200, "search": 160, "social": 40})
    assert by_key(pacing, ["channel"], "pacing") == approx(
        {"events": 0 / 93, "print": 200 / 186, "search": 160 / 155, "social": 40 / 62})


def test_spend_balance_all_time(golden_app):
    at = golden_app("spend_balance", ALL_TIME)
    # "All time" is the data span 2025-01-05..2025-04-20, so January counts 27/31 of its
    # budget and April 20/30 (docs/metrics.md: a month cut by the range is prorated).
    assert range_caption(at) == "05 Jan 2025 – 20 Apr 2025"
    assert kpis(at) == {
        "Spend": "€1,505",  # 500+430+400+175
        "Online share": "44.2 %",  # (210+180+200+75) / 1505 = 665/1505 = 0.4419
        # 520*27/31 + 480 + 496 + 90*20/30 = 452.90 + 480 + 496 + 60 = 1488.90
        "Budget": "€1,489",
        "Spend / budget": "101.1 %",  # 1505 / 1488.90 = 1.0108
    }
    assert deltas(at)["Spend"] == ""  # nothing was spent before 2025-01-05
    bars = chart_data(charts(at)[0], "month", "kind", "spend", "budget")
    assert by_key(bars, ["month", "kind"], "spend") == approx({
        ("2025-01", "online"): 210, ("2025-01", "offline"): 290,
        ("2025-02", "online"): 180, ("2025-02", "offline"): 250,
        ("2025-03", "online"): 200, ("2025-03", "offline"): 200,
        ("2025-04", "online"): 75, ("2025-04", "offline"): 100,
    })
    assert by_key(bars, ["month", "kind"], "budget") == approx({
        ("2025-01", "online"): 220 * 27 / 31, ("2025-01", "offline"): 300 * 27 / 31,
        ("2025-02", "online"): 200, ("2025-02", "offline"): 280,
        ("2025-03", "online"): 217, ("2025-03", "offline"): 279,
        ("2025-04", "online"): 90 * 20 / 30, ("2025-04", "offline"): E,  # no offline row
    })


def test_spend_balance_one_channel(golden_app):
    at = golden_app("spend_balance", FEB_MAR)
    at.multiselect(key="channel").set_value(["search"]).run()
    check(at)
    assert kpis(at) == {
        "Spend": "€280",  # 120 + 160
        "Online share": "100.0 %",  # search is online
        "Budget": "€275",  # 120 + 155
        "Spend / budget": "101.8 %",  # 280 / 275 = 1.0182
    }
    # January: search 100+50 = 150, budget 160; 150/160 = 93.75 %
    assert deltas(at) == {
        "Spend": "+86.7 %",  # 280/150 - 1
        "Online share": "+0.0 pp",
        "Budget": "+71.9 %",  # 275/160 - 1 = 0.71875
        "Spend / budget": "+8.1 pp",  # 101.82 - 93.75
    }
    bars = chart_data(charts(at)[0], "month", "kind", "spend")
    assert by_key(bars, ["month", "kind"], "spend") == approx({
        ("2025-02", "online"): 120, ("2025-02", "offline"): 0,
        ("2025-03", "online"): 160, ("2025-03", "offline"): 0,
    })


def test_spend_balance_offline(golden_app):
    at = golden_app("spend_balance", FEB_MAR)
    at.segmented_control(key="kind").set_value("offline").run()
    check(at)
    got = kpis(at)
    assert (got["Spend"], got["Budget"], got["Spend / budget"]) == (
        "€450",  # 250 + 200
        "€559",  # 280 + 279
        "80.5 %",  # 450 / 559 = 0.8050
    )
    bars = chart_data(charts(at)[0], "month", "kind", "spend", "share_of_spend")
    # offline rows only; the share stays the share of all spend that month (both kinds)
    assert by_key(bars, ["month", "kind"], "share_of_spend") == approx({
        ("2025-02", "offline"): 250 / 430, ("2025-03", "offline"): 200 / 400,
    })
    # docs/metrics.md: share_of_spend = spend of the kind / all spend (both kinds, within
    # the channel, segment and region filters; the kind filter is not among them). The
    # online share of Feb-Mar stays (180+200) / 830 = 45.8 %.
    assert got["Online share"] == "45.8 %"


def test_spend_balance_segment_and_pacing(golden_app):
    # b2b campaigns: c_search_b2b, c_print, c_events (segment picks campaigns; budgets are
    # per channel and unchanged). Feb: search 80, print 100, events 150; Mar: search 70+30,
    # print 120+80, events 0. Spend 180 + 300 + 150 = 630, online 180.
    at = golden_app("spend_balance", FEB_MAR | {"segment": "b2b"})
    assert kpis(at) == {
        "Spend": "€630",
        "Online share": "28.6 %",  # 180 / 630 = 0.2857
        "Budget": "€976",  # 480 + 496, as without the segment
        "Spend / budget": "64.5 %",  # 630 / 976 = 0.6455
    }
    # docs/metrics.md: on the spend page segment and region pick campaigns, and budget
    # pacing = spend so far this month / prorated budget. March spend of b2b campaigns:
    # search 70+30 = 100 (c_search_b2c's 60 is b2c), social 0 (c_social is b2c),
    # print 120+80 = 200, events 0.
    pacing = at.dataframe[0].value
    assert by_key(pacing, ["channel"], "spend_to_date") == approx(
        {"events": 0, "print": 200, "search": 100, "social": 0})


# --- channel ROI ----------------------------------------------------------------------------
# All time (tests/test_golden_views.py ROI_ALL): spend events 340, print 500, referral 0,
# search 480, social 185 (1505); credited revenue events 800, print 0, referral 350,
# search 550, social 180 (1880; unattributed o8 60 + o11 40 + o14 70 = 170 from 3 orders);
# leads events 2, print 1, search 3, social 2 (8); new customers events 1, referral 1,
# search 3, social 2 (7).


def test_channel_roi_all_time(golden_app):
    at = golden_app("channel_roi", ALL_TIME)
    assert kpis(at) == {
        "Spend": "€1,505",
        "Revenue": "€1,880",
        "Share attributed": "91.7 %",  # 1 - 170 / 2050
        "ROAS": "1.25×",  # 1880 / 1505 = 1.2492
        "Cost per lead": "€188",  # 1505 / 8 = 188.125
        "CAC": "€215",  # 1505 / 7
    }
    assert set(deltas(at).values()) == {""}  # nothing happened before 2025-01-05
    said = [m.value for m in at.markdown]
    assert any("**€170 of revenue is in no channel** under last touch (3 orders)" in m
               for m in said)
    # where it comes from: o8, o11, o14 have no campaign and no touchpoint
    reasons = at.dataframe[-1].value
    assert reasons["orders"].tolist() == [3] and reasons["revenue"].tolist() == [170]

    # the two side-by-side model charts (tests below) sit between CAC and the Pareto chart
    roas, scatter, cpl, cac, _, _, pareto = charts(at)
    bars, labels, one = spec(roas)["layer"]
    assert bars["encoding"]["x"]["field"] == "roas"
    assert labels["mark"]["type"] == "text"  # every bar carries its value
    assert one["encoding"]["x"]["field"] == "x"  # the 1x break-even rule
    # referral has revenue but no spend: no ROAS, so no bar
    assert by_key(chart_data(roas, "channel", "roas"), ["channel"], "roas") == approx({
        "events": 800 / 340, "print": 0 / 500, "search": 550 / 480, "social": 180 / 185,
    })
    points = chart_data(scatter, "channel", "spend", "revenue")
    assert by_key(points, ["channel"], "revenue") == approx(
        {"events": 800, "print": 0, "referral": 350, "search": 550, "social": 180})
    assert by_key(points, ["channel"], "spend") == approx(
        {"events": 340, "print": 500, "referral": 0, "search": 480, "social": 185})
    # referral has no leads: no CPL bar
    assert by_key(chart_data(cpl, "channel", "cpl"), ["channel"], "cpl") == approx(
        {"events": 340 / 2, "print": 500 / 1, "search": 480 / 3, "social": 185 / 2})
    # print has no new customer: no bar; referral 0 spend / 1 new customer = 0
    assert by_key(chart_data(cac, "channel", "cac"), ["channel"], "cac") == approx(
        {"events": 340 / 1, "referral": 0.0, "search": 480 / 3, "social": 185 / 2})
    # campaigns by revenue: c_events 800, c_search_b2b 380, c_referral 350, c_social 180,
    # c_search_b2c 170 (c_print 0 is left out); cumulative share of 1880.
    ranked = chart_data(pareto, "campaign_name", "revenue", "cumulative_share")
    assert list(ranked["campaign_name"]) == [
        "Trade fairs", "Search B2B", "Referral programme", "Social ads", "Search B2C"]
    assert list(ranked["cumulative_share"]) == pytest.approx(
        [800 / 1880, 1180 / 1880, 1530 / 1880, 1710 / 1880, 1.0])
    # 800 and 1180 are under 80 % of 1880, 1530 is over: 3 campaigns, of 6 with activity
    assert "3 of 6 campaigns bring 80 % of the credited revenue." in [c.value for c in at.caption]

    table = at.dataframe[0].value.set_index("channel")
    assert pd.isna(table.loc["referral", "roas"]) and pd.isna(table.loc["print", "cac"])
    assert table.loc["search", "roi"] == pytest.approx((550 - 480) / 480)


def test_channel_roi_range_with_deltas(golden_app):
    # 2025-02-15..2025-03-10 (tests/test_golden_views.py test_channel_roi_range):
    # events spend 150, revenue 500, lead L8, no new customer; search 70, 180, L6, none;
    # social 70, 60, L7, new k5. Totals: spend 290, revenue 740, 3 leads, 1 new customer.
    at = golden_app("channel_roi", MID)
    assert kpis(at) == {
        "Spend": "€290",
        "Revenue": "€740",
        "Share attributed": "100.0 %",  # nothing unattributed in range
        "ROAS": "2.55×",  # 740 / 290 = 2.5517
        "Cost per lead": "€96.67",  # 290 / 3, under €100: two decimals
        "CAC": "€290",  # 290 / 1
    }
    # Previous period 2025-01-22..2025-02-14: spend events 01-25 90, search 02-03 80 +
    # 02-14 40, social 02-10 30, print 02-12 100 = 340; revenue o3 120 + o7 90 + o12 250
    # = 460; leads L4, L5 = 2; new customers k2 (01-28), k6 (02-02), k7 (02-08), k4 (02-10),
    # k3 (02-14) = 5. ROAS 460/340 = 1.3529, CPL 340/2 = 170, CAC 340/5 = 68.
    assert deltas(at) == {
        "Spend": "-14.7 %",  # 290/340 - 1
        "Revenue": "+60.9 %",  # 740/460 - 1
        "Share attributed": "+0.0 pp",  # all 460 attributed before too
        "ROAS": "+88.6 %",  # 2.5517/1.3529 - 1
        "Cost per lead": "-43.1 %",  # 96.667/170 - 1
        "CAC": "+326.5 %",  # 290/68 - 1
    }
    roas = charts(at)[0]
    assert by_key(chart_data(roas, "channel", "roas"), ["channel"], "roas") == approx(
        {"events": 500 / 150, "search": 180 / 70, "social": 60 / 70})
    # CAC: only social has a new customer
    assert by_key(chart_data(charts(at)[3], "channel", "cac"), ["channel"], "cac") == approx(
        {"social": 70.0})
    # no unattributed order in range (o8 04-08, o11 03-25, o14 04-20 are out)
    captions = [c.value for c in at.caption]
    assert not any("in no channel" in m.value for m in at.markdown)
    # campaigns c_events 500, c_search_b2b 30+150 = 180, c_social 60: 500/740 = 67.6 % is
    # under 80 %, 680/740 = 91.9 % is not: 2 of 3
    assert "2 of 3 campaigns bring 80 % of the credited revenue." in captions


def test_channel_roi_one_channel(golden_app):
    at = golden_app("channel_roi", ALL_TIME)
    at.multiselect(key="channel").set_value(["search"]).run()
    check(at)
    assert kpis(at) == {
        "Spend": "€480",  # c_search_b2b 330 + c_search_b2c 150
        "Revenue": "€550",  # 380 + 170
        "Share attributed": "91.7 %",  # of all revenue: the channel filter does not apply
        "ROAS": "1.15×",  # 550 / 480 = 1.1458
        "Cost per lead": "€160",  # 480 / 3 (L1 L2 L6)
        "CAC": "€160",  # 480 / 3 (k1 k4 k6)
    }
    assert by_key(chart_data(charts(at)[0], "channel", "roas"), ["channel"], "roas") == approx(
        {"search": 550 / 480})


def test_channel_roi_offline(golden_app):
    at = golden_app("channel_roi", ALL_TIME)
    at.segmented_control(key="kind").set_value("offline").run()
    check(at)
    assert kpis(at) == {
        "Spend": "€840",  # events 340 + print 500
        "Revenue": "€800",  # events 800 + print 0
        "Share attributed": "91.7 %",
        "ROAS": "0.95×",  # 800 / 840 = 0.9524
        "Cost per lead": "€280",  # 840 / 3 (L4 L5 L8)
        "CAC": "€840",  # 840 / 1 (k3)
    }
    assert by_key(chart_data(charts(at)[0], "channel", "roas"), ["channel"], "roas") == approx(
        {"events": 800 / 340, "print": 0.0})


# --- funnel ---------------------------------------------------------------------------------
# Furthest stage (tests/test_golden_views.py): L1 won, L2 offer (skips qualified, presented),
# L3 presented (skips qualified), L4 presented, L5 decision, L6 qualified, L7 identified,
# L8 won. Leads per stage 8, 7, 6, 4, 3, 2; skipped: qualified 2, presented 1.


def test_funnel_all_time(golden_app):
    at = golden_app("funnel", ALL_TIME)
    assert kpis(at) == {
        "Leads": "8",
        "Reached won": "2",  # L1 L8
        "Win rate": "25.0 %",  # 2 / 8
        "Stage skips": "3",  # 2 + 1
    }
    bars = chart_data(charts(at)[0], "stage", "leads", "conversion_from_first")
    assert list(bars["stage"]) == STAGES
    assert list(bars["leads"]) == [8, 7, 6, 4, 3, 2]
    assert list(bars["conversion_from_first"]) == pytest.approx(
        [1, 7 / 8, 6 / 8, 4 / 8, 3 / 8, 2 / 8])
    assert list(bars["skipped"]) == [0, 2, 1, 0, 0, 0]


def test_funnel_window_changes_counts(golden_app):
    at = golden_app("funnel", ALL_TIME)
    at.number_input(key="window").set_value(7).run()
    check(at)
    # 7-day window (test_funnel_window_7_days): L1 presented (offer at 7.5 is out), L2 offer,
    # L3 presented, L4 identified (qualified at day 10), L5 offer (decision at 10), L6
    # qualified, L7 identified, L8 offer (exactly day 7 is in; decision at 8 is out).
    assert kpis(at) == {
        "Leads": "8",
        "Reached won": "0",
        "Win rate": "0.0 %",
        "Stage skips": "3",  # qualified L2 L3, presented L2
    }
    bars = chart_data(charts(at)[0], "stage", "leads")
    assert list(bars["leads"]) == [8, 6, 5, 3, 0, 0]
    # conversion from previous: 6/8, 5/6, 3/5, 0/3, empty: the worst is decision
    assert any(c.value.startswith("The biggest drop is into **decision**: 0%")
               for c in at.caption)


def test_funnel_range_compare_and_breakdown(golden_app):
    # 2025-02-15..2025-03-10: L6 (02-15, qualified), L7 (03-01, identified), L8 (03-10, won).
    # Previous period 2025-01-22..2025-02-14: L4 (presented), L5 (decision).
    # a selectbox is bound by the label of its option
    at = golden_app("funnel", MID | {"compare": "true", "by": "Kind"})
    assert kpis(at) == {"Leads": "3", "Reached won": "1", "Win rate": "33.3 %",
                        "Stage skips": "0"}
    assert deltas(at) == {
        "Leads": "+50.0 %",  # 3/2 - 1
        "Reached won": "",  # none won before: no relative change from 0
        "Win rate": "+33.3 pp",  # 1/3 - 0/2
        "Stage skips": "",  # 0 before
    }
    funnel, lines, compare = charts(at)
    assert list(chart_data(funnel, "stage", "leads")["leads"]) == [3, 2, 1, 1, 1, 1]
    # conversion from previous: 2/3, 1/2, 1, 1, 1: the worst is presented
    assert any(c.value.startswith("The biggest drop is into **presented**: 50%")
               for c in at.caption)
    # by kind: online L6 (search), L7 (social); offline L8 (events)
    split = chart_data(lines, "grp", "stage", "leads")
    assert by_key(split, ["grp", "stage"], "leads") == {
        ("online", "identified"): 2, ("online", "qualified"): 1, ("online", "presented"): 0,
        ("online", "offer"): 0, ("online", "decision"): 0, ("online", "won"): 0,
        ("offline", "identified"): 1, ("offline", "qualified"): 1, ("offline", "presented"): 1,
        ("offline", "offer"): 1, ("offline", "decision"): 1, ("offline", "won"): 1,
    }
    both = chart_data(compare, "period", "stage", "conversion_from_first")
    assert by_key(both, ["period", "stage"], "conversion_from_first") == approx({
        ("This period", "identified"): 1.0, ("This period", "qualified"): 2 / 3,
        ("This period", "presented"): 1 / 3, ("This period", "offer"): 1 / 3,
        ("This period", "decision"): 1 / 3, ("This period", "won"): 1 / 3,
        # L4 presented, L5 decision
        ("Previous period", "identified"): 1.0, ("Previous period", "qualified"): 1.0,
        ("Previous period", "presented"): 1.0, ("Previous period", "offer"): 1 / 2,
        ("Previous period", "decision"): 1 / 2, ("Previous period", "won"): 0.0,
    })


# --- cohorts --------------------------------------------------------------------------------
# Cohorts (tests/test_golden_views.py RET_ALL_BOUNDED): Jan {k1, k2}, Feb {k3, k4, k6, k7},
# Mar {k5}. Complete periods: up to March (the last order is 2025-04-20).


def test_cohorts_all_time(golden_app):
    at = golden_app("cohorts", ALL_TIME | {"split": "Online / offline acquisition"})
    assert kpis(at) == {
        "Customers acquired": "7",  # 2 + 4 + 1
        # month 1, complete cohorts only: Jan p1 (Feb) k2 active of 2, Feb p1 (Mar) 0 of 4;
        # Mar p1 (Apr) is incomplete. (1 + 0) / (2 + 4) = 1/6
        "Active in month 1": "16.7 %",
        # all order revenue 2050 except o9 (30, before k5's cohort month)
        "Revenue from these cohorts": "€2,020",
        # tests/test_economics.py: +5 points on Jan p1 (2 customers) and Feb p1 (4), each
        # extra customer at p1's 120 per active customer: 0.3 x 120 (Jan p2 is at 100 %)
        "Revenue gained at +5 points": "€36.00",
        # 12-month value of all 7 customers: events 870 + referral 350 + search 500 + social
        # 330 = 2050; blended CAC 1505 / 7: 2050 / 1505 = 1.362
        "LTV / CAC": "1.36×",
    }
    # then the value curves, LTV/CAC, payback and the what-if (tests below)
    retention, revenue, cumulative, by_kind = charts(at)[:4]
    cells = chart_data(retention, "cohort_month", "period", "retention_rate", "complete")
    keys = ["cohort_month", "period"]
    assert by_key(cells, keys, "retention_rate") == approx({
        ("2025-01", 0): 1 / 2, ("2025-01", 1): 1 / 2, ("2025-01", 2): 2 / 2,
        ("2025-01", 3): 1 / 2,
        ("2025-02", 0): 3 / 4, ("2025-02", 1): 0.0, ("2025-02", 2): 3 / 4,
        ("2025-03", 0): 1.0, ("2025-03", 1): 0.0,
    })
    assert {k for k, v in by_key(cells, keys, "complete").items() if not v} == {
        ("2025-01", 3), ("2025-02", 2), ("2025-03", 1)}  # April is not over
    money = chart_data(revenue, "cohort_month", "period", "revenue")
    assert by_key(money, keys, "revenue") == approx({
        ("2025-01", 0): 200, ("2025-01", 1): 120, ("2025-01", 2): 230, ("2025-01", 3): 0,
        ("2025-02", 0): 840, ("2025-02", 1): 0, ("2025-02", 2): 530,
        ("2025-03", 0): 100, ("2025-03", 1): 0,
    })
    # cumulative revenue / cohort size: Jan 200/2, 320/2, 550/2, 550/2;
    # Feb 840/4, 840/4, 1370/4; Mar 100/1, 100/1
    curve = chart_data(cumulative, "grp", "period", "cumulative")
    assert by_key(curve, ["grp", "period"], "cumulative") == approx({
        ("2025-01", 0): 100, ("2025-01", 1): 160, ("2025-01", 2): 275, ("2025-01", 3): 275,
        ("2025-02", 0): 210, ("2025-02", 1): 210, ("2025-02", 2): 342.5,
        ("2025-03", 0): 100, ("2025-03", 1): 100,
    })
    # by acquisition kind, pooling complete periods. online: Jan {k1 search, k2 social},
    # Feb {k4, k6 search, k7 referral}, Mar {k5 social}; offline: Feb {k3 events}.
    # online p0: k1 + k4 k7 + k5 = 4 of 6; p1: k2 of Jan's 2 + 0 of Feb's 3 = 1/5;
    # p2: Jan only (Feb p2 is April): k1 k2 = 2/2. offline p0 1/1, p1 0/1.
    pooled = chart_data(by_kind, "kind", "period", "retention_rate")
    assert by_key(pooled, ["kind", "period"], "retention_rate") == approx({
        ("online", 0): 4 / 6, ("online", 1): 1 / 5, ("online", 2): 1.0,
        ("offline", 0): 1.0, ("offline", 1): 0.0,
    })


def test_cohorts_unbounded_mode(golden_app):
    at = golden_app("cohorts", ALL_TIME)
    at.segmented_control(key="mode").set_value("unbounded").run()
    check(at)
    assert kpis(at) == {
        "Customers acquired": "7",
        # on or after: Jan p1 k1 (orders again in p2) and k2 = 2 of 2; Feb p1 k3 k4 k7 (all
        # order again in p2) = 3 of 4: (2 + 3) / (2 + 4) = 5/6
        "Active in month 1": "83.3 %",
        "Revenue from these cohorts": "€2,020",  # revenue stays that of period k
        "Revenue gained at +5 points": "€36.00",  # the what-if is always "in the month"
        "LTV / CAC": "1.36×",
    }
    cells = chart_data(charts(at)[0], "cohort_month", "period", "retention_rate")
    assert by_key(cells, ["cohort_month", "period"], "retention_rate") == approx({
        ("2025-01", 0): 1.0, ("2025-01", 1): 1.0, ("2025-01", 2): 1.0, ("2025-01", 3): 1 / 2,
        ("2025-02", 0): 3 / 4, ("2025-02", 1): 3 / 4, ("2025-02", 2): 3 / 4,
        ("2025-03", 0): 1.0, ("2025-03", 1): 0.0,
    })


def test_cohorts_range(golden_app):
    at = golden_app("cohorts", MID)
    # acquired 2025-02-15..2025-03-10: k5 (03-03) only. Its month 1 (April) is incomplete.
    assert kpis(at) == {
        "Customers acquired": "1",
        "Active in month 1": "–",
        "Revenue from these cohorts": "€100",  # o10 60 + o11 40 (o9 is before the cohort)
        "Revenue gained at +5 points": "–",  # no period after the cohort month is complete
        # k5 (social) bought 30 + 60 + 40 = 130 in 12 months; blended CAC: all 290 spent in
        # range over the one new customer: 130 / 290 = 0.448
        "LTV / CAC": "0.45×",
    }
    cells = chart_data(charts(at)[0], "cohort_month", "period", "retention_rate")
    assert by_key(cells, ["cohort_month", "period"], "retention_rate") == approx(
        {("2025-03", 0): 1.0, ("2025-03", 1): 0.0})


# --- nothing to show ------------------------------------------------------------------------


@pytest.fixture
def orders_only(tmp_path, monkeypatch):
    """A warehouse loaded from a folder holding nothing but a tiny orders.csv."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "orders.csv").write_text(
        "order_id,customer_id,ordered_at,revenue\n"
        "o1,a,2025-01-10,100\n"
        "o2,a,2025-03-12,50\n"
        "o3,b,2025-02-01,30\n"
    )
    path = tmp_path / "warehouse.duckdb"
    load_folder(folder, path)
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(path))
    return path


@pytest.mark.parametrize("page, files", [
    ("spend_balance", "`spend.csv`, `campaigns.csv`, `channels.csv`, which are not loaded"),
    ("channel_roi", "`campaigns.csv`, `channels.csv`, which are not loaded"),
    ("funnel", "`leads.csv`, which is not loaded"),
])
def test_missing_tables_warn(orders_only, page, files):
    at = open_page(page, ALL_TIME)
    assert len(at.warning) == 1
    assert f"This page needs {files} yet." in at.warning[0].value
    assert not at.metric and not charts(at)


def test_cohorts_work_from_orders_alone(orders_only):
    at = open_page("cohorts", ALL_TIME)
    assert not at.warning
    # customers derived from their first orders: a (01-10, January), b (02-01, February);
    # a orders again in March (period 2). Data span 01-10..03-12: March is incomplete.
    assert kpis(at) == {
        "Customers acquired": "2",
        "Active in month 1": "0.0 %",  # Jan p1 (Feb): a not active; Feb p1 is March
        "Revenue from these cohorts": "€180",  # 100 + 50 + 30
        # Jan p1 is the one complete period after acquisition, and nobody was active in it:
        # what an extra active customer would spend is unknown
        "Revenue gained at +5 points": "–",
        "LTV / CAC": "–",  # no campaigns, no spend: no CAC
    }
    cells = chart_data(charts(at)[0], "cohort_month", "period", "retention_rate")
    assert by_key(cells, ["cohort_month", "period"], "retention_rate") == approx({
        ("2025-01", 0): 1.0, ("2025-01", 1): 0.0, ("2025-01", 2): 1.0,
        ("2025-02", 0): 1.0, ("2025-02", 1): 0.0,
    })


@pytest.mark.parametrize("page, params, message", [
    # referral has neither spend nor budget
    ("spend_balance", ALL_TIME | {"channel": ["referral"]}, "No spend or budget in this period"),
    # 2025-04-19..20: no spend (last 04-18), no lead, no customer; o14 has no campaign
    ("channel_roi", {"period": "Custom range", "dates": ["2025-04-19", "2025-04-20"]},
     "No spend, credited revenue, leads or new customers"),
    ("funnel", {"period": "Custom range", "dates": ["2025-04-19", "2025-04-20"]},
     "No leads were created in this period and filter."),
    # print acquired nobody
    ("cohorts", ALL_TIME | {"channel": ["print"]}, "No customers were acquired"),
])
def test_nothing_matches_shows_info(golden_app, page, params, message):
    at = golden_app(page, params)
    assert any(message in i for i in infos(at)), infos(at)
    assert not charts(at)


# --- weekly review ---------------------------------------------------------------------------
# ISO weeks of the golden business (see tests/test_weekly.py for the view-level figures):
# W12 17-23 Mar, W13 24-30 Mar, W14 31 Mar-6 Apr, W15 7-13 Apr, W16 14-20 Apr (the last day
# of data, 2025-04-20, is a Sunday, so W16 is the last complete week and the default).
#   W12: spend search_b2c 60 (03-20; online); credited o4 80; deals won L8 (03-20); active k2
#   W13: spend print 80 (03-25; offline); o11 has no campaign -> 0; active k5
#   W14: spend search_b2b 50 (04-04; online); credited o6 300 + o15 0; active k3, k2
#   W15: spend social 25 (04-10; online); o8 has no campaign -> 0; active k4
#   W16: spend events 100 (04-18; offline); credited o13 100 (o14 has no campaign);
#        active k7, k3; no lead, no new customer, no deal
# Four-week average (W12..W15): spend 215/4 = 53.75, online 135/215, revenue 380/4 = 95,
# ROAS 380/215, active 5/4 = 1.25, deals won 1/4 = 0.25, leads and new customers 0.


def avg_captions(at: AppTest) -> dict[str, str]:
    """{tile label: its "... vs 4-week average" caption}; each caption follows its tile."""
    captions = [c.value for c in at.caption if c.value.endswith("vs 4-week average")]
    assert len(captions) == len(at.metric) == 10, captions
    return {m.label: c for m, c in zip(at.metric, captions, strict=True)}


def test_weekly_review_default_week(golden_app):
    at = golden_app("weekly")
    assert at.selectbox(key="week").value == "2025-W16"
    assert kpis(at) == {
        "Spend": "€100",
        "Online share": "0.0 %",  # 0 online / 100
        "Revenue": "€100",  # o13
        "ROAS": "1.00×",  # 100 / 100
        "Leads": "0",
        "Cost per lead": "–",  # 100 / 0 leads: empty
        "Deals won": "0",
        "New customers": "0",
        "CAC": "–",
        "Active customers": "2",  # k7, k3
    }
    # against W15: spend 25, online share 25/25, revenue 0, ROAS 0/25, active 1
    assert deltas(at) == {
        "Spend": "+300.0 %",  # 100 / 25 - 1
        "Online share": "-100.0 pp",  # 0 % - 100 %
        "Revenue": "",  # from 0: no relative change
        "ROAS": "",  # from 0.00×
        "Leads": "",
        "Cost per lead": "",
        "Deals won": "",
        "New customers": "",
        "CAC": "",
        "Active customers": "+100.0 %",  # 2 / 1 - 1
    }
    assert avg_captions(at) == {
        # coloured by the metric's direction: spend is neutral (grey), the rest good up
        "Spend": ":gray[+86.0 %] vs 4-week average",  # 100 / 53.75 = 1.8605
        "Online share": ":red[-62.8 pp] vs 4-week average",  # 0 - 135/215 = -0.6279
        "Revenue": ":green[+5.3 %] vs 4-week average",  # 100 / 95 = 1.0526
        "ROAS": ":red[-43.4 %] vs 4-week average",  # 1 / (380/215) = 0.5658
        "Leads": "– vs 4-week average",
        "Cost per lead": "– vs 4-week average",
        "Deals won": ":red[-100.0 %] vs 4-week average",  # 0 / 0.25
        "New customers": "– vs 4-week average",
        "CAC": "– vs 4-week average",
        "Active customers": ":green[+60.0 %] vs 4-week average",  # 2 / 1.25 = 1.6
    }


def test_weekly_review_week_from_url(golden_app):
    at = golden_app("weekly", {"week": "2025-W15"})
    assert at.selectbox(key="week").value == "2025-W15"
    shown = kpis(at)
    assert (shown["Spend"], shown["Online share"], shown["Revenue"], shown["ROAS"]) == (
        "€25.00", "100.0 %", "€0.00", "0.00×"  # social 25, online; o8 uncredited; 0 / 25
    )
    assert shown["Active customers"] == "1"  # k4 (o8)
    # against W14: spend 50 -> 25 (-50 %); online 50/50 -> 25/25 (0 pp); active 2 -> 1
    d = deltas(at)
    assert (d["Spend"], d["Online share"], d["Active customers"]) == (
        "-50.0 %", "+0.0 pp", "-50.0 %"
    )


def test_weekly_review_filters_apply(golden_app):
    # social spent only on 04-10 (W15); the week is W16, so social's spend is 0
    at = golden_app("weekly", {"channel": ["social"]})
    shown = kpis(at)
    assert shown["Spend"] == "€0.00"
    assert shown["Revenue"] == "€0.00"  # o13 is referral's
    assert deltas(at)["Spend"] == "-100.0 %"  # 25 in W15
    assert any("Channel social: the week" in c.value for c in at.caption)


def test_weekly_review_highlights_link_to_pages(golden_app):
    at = golden_app("weekly")
    (listed,) = [m.value for m in at.markdown if m.value.startswith("1. ")]
    lines = listed.splitlines()
    assert len(lines) >= 4
    # the movers of W16 against W15 (scores: change / the larger week's total):
    #   revenue: referral 0 -> 100 (100/100 = 1); spend: events 0 -> 100 (100/100 = 1),
    #   social 25 -> 0 (25/100 = 0.25)
    assert lines[0] == (
        "1. Revenue from **referral** rose from nothing to €100 against the week before. "
        "[See Channel ROI](./channel_roi?period=Custom+range&dates=2025-01-20&dates=2025-04-20"
        "&channel=referral)"
    )
    # online share 0 % against April's 50 % target: 50 pp (score 0.5); the link shows the
    # thirteen weeks of the trend
    (share,) = [line for line in lines if "**online share**" in line]
    assert "0.0 %, 50.0 pp under its 50 % target. [See Spend balance](./spend_balance?" in share
    targets = {line.split("](./")[1].split("?")[0] for line in lines}
    assert targets >= {"channel_roi", "spend_balance", "cohorts"}


@pytest.mark.parametrize("week", ["2025-W99", "<script>alert(1)</script>", "' OR 1=1"])
def test_weekly_review_bad_week_in_url_falls_back(golden_app, week):
    at = golden_app("weekly", {"week": week})
    assert at.selectbox(key="week").value == "2025-W16"
    assert kpis(at)["Spend"] == "€100"


# --- demo notice ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    build_demo(path, scale=0.05, seed=1, end=dt.date(2025, 7, 1))  # small: a few seconds
    return path


@pytest.mark.parametrize("page", PAGES)
def test_demo_notice(demo_warehouse, monkeypatch, page):
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(demo_warehouse))
    at = open_page(page, ALL_TIME)
    assert any("You are looking at demo data" in i for i in infos(at)), infos(at)


@pytest.mark.parametrize("page", PAGES)
def test_no_demo_notice_on_loaded_files(golden_app, page):
    at = golden_app(page, ALL_TIME)
    assert not any("demo data" in i for i in infos(at))


# --- data page ------------------------------------------------------------------------------


def test_data_page_tables_and_health(golden_app, tmp_path):
    at = golden_app("data", ALL_TIME)
    tables = at.dataframe[0].value
    # data rows of the golden CSV files (header excluded)
    assert dict(zip(tables["table_name"], tables["rows"], strict=True)) == {
        "budgets": 14, "campaigns": 6, "channels": 5, "customers": 6, "lead_stages": 24,
        "leads": 8, "orders": 15, "spend": 20, "targets": 4,
    }
    orders = tables.set_index("table_name").loc["orders"]
    assert (str(orders["first"])[:10], str(orders["last"])[:10]) == ("2025-01-12", "2025-04-20")
    captions = [c.value for c in at.caption]
    # controls: the budget planner's optional weekly model controls; nps: the Loyalty page's
    # answers (docs/import-contract.md)
    assert (
        "Not loaded: `events`, `funnel_stages`, `sales`, `touchpoints`, `controls`, `nps`"
        in captions
    )
    assert any(c.endswith("· your files") for c in captions)
    # queries/data/health.sql on the golden business:
    # - spend without budget: events spent 100 in April (04-18) and has no April budget;
    #   every other channel-month with spend has a budget row (print's March row is
    #   written 2025-03-15) -> 1
    # - orders without customers: k7 is not in customers.csv: o12, o13 -> 2
    # - leads stuck for months: the open leads L4 (last 02-13), L6 (02-20), L7 (03-02) are
    #   at most 66 days before the last day 2025-04-20, not over 90 -> no warning
    # - unattributed orders: o8, o11, o14 -> 3
    assert warnings(at) == [
        "**Spend without budget**: 1 channel-months with spend but no budget row.",
        "**Orders without customers**: 2 orders whose customer_id is not in customers "
        "(derived from their orders).",
        "**Unattributed orders**: 3 orders with no campaign_id: they count in revenue but "
        "in no channel.",
    ]
    assert not at.success


def test_data_page_no_warnings(tmp_path, monkeypatch, golden_dir):
    # the golden business without what the health checks flag: no April events spend,
    # k7 listed as a customer, every order with a campaign
    folder = tmp_path / "files"
    shutil.copytree(golden_dir, folder, ignore=shutil.ignore_patterns("*.md"))
    spend = (folder / "spend.csv").read_text()
    (folder / "spend.csv").write_text(spend.replace("2025-04-18,c_events,100\n", ""))
    with (folder / "customers.csv").open("a") as f:
        f.write("k7,2025-02-08,c_referral,,\n")
    orders = (folder / "orders.csv").read_text().splitlines()
    (folder / "orders.csv").write_text(
        "\n".join(line + "c_social" if line.endswith(",") else line for line in orders) + "\n")
    path = tmp_path / "warehouse.duckdb"
    load_folder(folder, path)
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(path))
    at = open_page("data", ALL_TIME)
    assert not at.warning
    assert [s.value for s in at.success] == ["No warnings."]
    rows = at.dataframe[0].value.set_index("table_name")["rows"]
    assert (rows["spend"], rows["customers"]) == (19, 7)


# --- attribution models and cohort economics --------------------------------------------------
# Figures of tests/test_attribution.py (golden business + tests/golden_touchpoints) and
# tests/test_economics.py.


@pytest.fixture
def touch_app(touch_warehouse, monkeypatch):
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(touch_warehouse))
    return open_page


def channel_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value.set_index("channel")


def test_channel_roi_model_from_the_url(touch_app):
    at = touch_app("channel_roi", ALL_TIME | {"model": "First touch"})
    # first touch: social 560 (o1 200, o3 120, o4 80, o8 60, o10 60, o11 40, o15 0)
    assert channel_table(at).loc["social", "revenue"] == pytest.approx(560)
    assert channel_table(at).loc["print", "roas"] == pytest.approx(300 / 500)
    # every model shares out 1,980; o14 (70) has no path
    assert kpis(at)["Revenue"] == "€1,980"
    assert any("**€70.00 of revenue is in no channel** under first touch (1 order)" in m.value
               for m in at.markdown)
    assert "Attribution: First touch." in at.caption[-2].value


def test_channel_roi_model_selector_changes_every_figure(touch_app):
    at = touch_app("channel_roi", ALL_TIME | {"channel": ["social"]})
    assert kpis(at)["Revenue"] == "€220"  # last touch: o3 120 + o10 60 + o11 40 + o15 0
    at.selectbox(key="model").set_value("linear").run()
    check(at)
    # linear: o1 50 + o3 120 + o4 40 + o8 30 + o10 60 + o11 40 = 340
    assert kpis(at)["Revenue"] == "€340"
    assert kpis(at)["ROAS"] == "1.84×"  # 340 / 185
    at.number_input(key="lookback").set_value(7).run()
    check(at)
    # 7 days: o1 loses social (21 days), o4 its social touch (14), o8 its social touch (14):
    # o3 120 + o10 60 + o11 40 = 220
    assert kpis(at)["Revenue"] == "€220"


def test_channel_roi_side_by_side(touch_app):
    at = touch_app("channel_roi", ALL_TIME)
    revenue, shift = charts(at)[4:6]
    got = chart_data(revenue, "channel", "model", "revenue")
    assert len(got) == 25  # 5 channels x 5 models
    assert by_key(got, ["channel", "model"], "revenue") == approx({
        ("social", "last"): 220, ("social", "first"): 560, ("social", "linear"): 340,
        ("social", "position"): 370, ("social", "time_decay"): 256 + 40 / 3,
        ("search", "last"): 550, ("search", "first"): 370, ("search", "linear"): 460,
        ("search", "position"): 460, ("search", "time_decay"): 444 + 250 / 3,
        ("events", "last"): 860, ("events", "first"): 650, ("events", "linear"): 805,
        ("events", "position"): 775, ("events", "time_decay"): 590 + 80 / 3 + 300 / (1 + W),
        ("print", "last"): 0, ("print", "first"): 300, ("print", "linear"): 150,
        ("print", "position"): 150, ("print", "time_decay"): 300 * W / (1 + W),
        ("referral", "last"): 350, ("referral", "first"): 100, ("referral", "linear"): 225,
        ("referral", "position"): 225, ("referral", "time_decay"): 100 + 500 / 3,
    })
    # against last touch: social first 560 / 220 - 1; print has no last-touch credit to
    # compare with, so no bar
    moved = chart_data(shift, "channel", "model", "vs_last")
    assert "last" not in set(moved["model"])
    assert by_key(moved, ["channel", "model"], "vs_last")[("social", "first")] == pytest.approx(
        560 / 220 - 1)
    assert ("print", "first") not in by_key(moved, ["channel", "model"], "vs_last")  # no bar
    wide = at.dataframe[1].value.set_index("channel")
    assert wide.loc["social", "roas_first"] == pytest.approx(560 / 185)
    assert pd.isna(wide.loc["referral", "roas_last"])  # no spend


W = 2 ** (-30 / 7)


def test_channel_roi_without_touchpoints_says_so(golden_app):
    at = golden_app("channel_roi", ALL_TIME | {"model": "Time decay"})
    assert any("No touchpoints are loaded" in c.value for c in at.caption)
    # every model is the order's own campaign: social o3 120 + o10 60 + o15 0
    assert channel_table(at).loc["social", "revenue"] == pytest.approx(180)


def economics_table(at: AppTest) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if "ltv_to_cac" in d.value.columns]
    assert len(found) == 1
    return found[0].set_index("channel")


def test_cohorts_economics(golden_app):
    at = golden_app("cohorts", ALL_TIME)
    econ = economics_table(at)
    assert econ.loc["search", "cac"] == 160 and econ.loc["search", "payback_months"] == 2
    assert econ.loc["social", "ltv_12m"] == 165
    assert econ.loc["events", "ltv_to_cac"] == pytest.approx(870 / 340)
    curves, ltv_cac, payback, what_if = charts(at)[-4:]
    by_channel = chart_data(curves, "channel", "period", "ltv")
    search = by_channel[by_channel["channel"] == "search"]
    assert search["ltv"].tolist() == pytest.approx([290 / 3, 500 / 3, 500 / 3, 500 / 3])
    bars = chart_data(ltv_cac, "channel", "ltv_to_cac")
    # referral (CAC 0) and print (no customers) have no LTV/CAC
    assert set(bars.dropna(subset=["ltv_to_cac"])["channel"]) == {"search", "social", "events"}
    months = chart_data(payback, "channel", "payback_months").dropna(subset=["payback_months"])
    assert dict(zip(months["channel"], months["payback_months"], strict=True)) == {
        "events": 1, "referral": 1, "search": 2, "social": 1}
    gained = chart_data(what_if, "period", "revenue_gained")
    assert dict(zip(gained["period"], gained["revenue_gained"], strict=True)) == approx(
        {1: 36, 2: 0})


def test_cohorts_value_curves_by_kind_and_a_bigger_lift(golden_app):
    at = golden_app("cohorts", ALL_TIME | {"ltv_by": "Online / offline acquisition", "lift": 50})
    assert kpis(at)["Revenue gained at +50 points"] == "€360"  # (1 + 2) x 120
    curves = charts(at)[-4]
    got = chart_data(curves, "kind", "period", "ltv")
    assert by_key(got, ["kind", "period"], "ltv") == approx({
        ("online", 1): 790 / 6, ("online", 2): 1080 / 6, ("online", 3): 1180 / 6,
        ("online", 4): 1180 / 6, ("offline", 1): 500, ("offline", 2): 800, ("offline", 3): 870,
    })


def test_cohorts_economics_need_channels(orders_only):
    at = open_page("cohorts", ALL_TIME)
    assert any("needs `campaigns.csv` and `channels.csv`" in i for i in infos(at))


@pytest.mark.parametrize("page, params, label, value", [
    # an empty value left even a required segmented control without a choice (a traceback)
    ("cohorts", {"mode": "", "ltv_by": "", "lift": ""}, "Active in month 1", "16.7 %"),
    ("channel_roi", {"model": "", "lookback": ""}, "Revenue", "€1,880"),  # last touch
])
def test_empty_url_choices_fall_back_to_the_defaults(golden_app, page, params, label, value):
    at = golden_app(page, ALL_TIME | params)
    assert kpis(at)[label] == value


# --- absurd values in every URL parameter -----------------------------------------------------
# Each page opened three times with every URL parameter absurd (tests/absurd.py), its own
# main parameter at 1e400, -inf and NaN (Funnel's window, Channel ROI's lookback: issue 12),
# the third time with period=Custom range so that the Dates input reads its absurd `dates`.
# The cleaning itself, value by value: tests/test_controls.py; in Chromium:
# tests/test_browser.py.

TITLES = {
    "weekly": "Weekly review",
    "spend_balance": "Spend balance",
    "channel_roi": "Channel ROI",
    "funnel": "Funnel",
    "cohorts": "Cohorts",
    "data": "Data",
}
ABSURD_RUNS = [
    (page, k, absurd.focused(page, k, custom_range=k == 2)) for page in PAGES for k in range(3)
]


def bound_widgets(at: AppTest) -> dict:
    """The page's URL-bound widgets by key."""
    found = {}
    for kind in ("number_input", "selectbox", "toggle", "multiselect", "date_input"):
        found |= {w.key: w for w in getattr(at, kind)}
    return found | {w.key: w for w in at.get("button_group")}


@pytest.mark.parametrize(
    ("page", "run", "pairs"), ABSURD_RUNS, ids=[f"{p}-{k}" for p, k, _ in ABSURD_RUNS]
)
def test_absurd_values_in_every_url_parameter(golden_app, page, run, pairs):
    raw = absurd.as_dict(pairs)
    assert set(raw) == set(absurd.KEYS)
    at = golden_app(page, raw)  # no exception, no error
    assert TITLES[page] in [t.value for t in at.title]
    widgets = bound_widgets(at)
    if page != "data":
        assert {"period", "channel"} <= set(widgets), sorted(widgets)
    for key, widget in widgets.items():
        c = CONTROLS.get(key)
        if c is None or (c.type == "choice" and c.options is None) or c.type == "dates":
            continue
        # the widget shows the clean value, and the URL carries it (or, for the default,
        # nothing): the absurd text is gone
        expected = clean(c, raw[key])
        assert widget.value == expected, (key, raw[key][:20], widget.value)
        shown = at.query_params.get(key)
        assert (url_form(c, expected) or None) == (None if shown is None else [shown]), key
