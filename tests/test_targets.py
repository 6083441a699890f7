"""Targets and landing forecasts, events on the charts, the before/after card: on
tests/golden_targets (see its README), every figure worked by hand."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pypdf
import pytest
from pytest import approx

from pitwall import charts, landing, report, views, weekly
from pitwall.filters import Filters
from pitwall.load import load_folder
from pitwall.problems import LoadError
from pitwall.warehouse import open_readonly

HERE = Path(__file__).parent
FIXTURE = HERE / "golden_targets"
D = dt.date
W06 = D(2025, 2, 3)


@pytest.fixture(scope="module")
def targets_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("targets") / "warehouse.duckdb"
    load_folder(FIXTURE, path)
    return path


@pytest.fixture
def con(targets_warehouse):
    c = open_readonly(targets_warehouse)
    yield c
    c.close()


def rows(df: pd.DataFrame) -> dict:
    return {
        (r.metric, r.channel if isinstance(r.channel, str) else "", r.kind
         if isinstance(r.kind, str) else ""): r
        for r in df.itertuples()
    }


def test_february_as_of_its_10th_day_run_rate(con):
    # as of 2025-02-10 (the data's last day): 10 of February's 28 days elapsed
    out = rows(views.export(con, "targets", Filters()))
    assert list(out) == [
        ("spend", "", ""), ("spend", "", "offline"), ("spend", "search", ""),
        ("leads", "", ""), ("cpl", "", ""), ("roas", "", ""), ("online_share", "", ""),
    ]
    # spend: search 10 a day x 10 days + print 100 on 3 Feb = 200; 200 / 10 x 28 = 560
    s = out[("spend", "", "")]
    assert (s.period, s.target, s.actual, s.projected) == ("2025-02", 500, 200, 560)
    assert s.projected_vs_target == approx(1.12) and s.status == "at_risk"  # 12 % over
    # offline (print): 100 -> 280 against 200: 140 %, off track either way
    o = out[("spend", "", "offline")]
    assert (o.actual, o.projected, o.projected_vs_target, o.status) == (
        100, 280, approx(1.4), "off_track")
    # search: 100 -> 280 against 280: on target
    c = out[("spend", "search", "")]
    assert (c.actual, c.projected, c.status) == (100, 280, "on_track")
    # leads: one a day, 10 -> 28 against 40 = 70 %: off track (more is better)
    le = out[("leads", "", "")]
    assert (le.actual, le.projected, le.projected_vs_target, le.status) == (
        10, 28, approx(0.7), "off_track")
    # cpl, a ratio: projected spend / projected leads = 560 / 28 = 20 against 25 = 80 %,
    # less is better: on track
    assert out[("cpl", "", "")].projected == approx(20)
    assert out[("cpl", "", "")].status == "on_track"
    # roas: revenue 500 (search, 3 Feb) + 300 (print, 7 Feb) = 800 -> 2240; / 560 = 4.0
    r = out[("roas", "", "")]
    assert (r.actual, r.projected, r.projected_vs_target, r.status) == (
        approx(4.0), approx(4.0), approx(2.0), "on_track")
    # online share: 280 / 560 = 0.5 against 0.5
    assert out[("online_share", "", "")].projected == approx(0.5)
    assert out[("online_share", "", "")].status == "on_track"


def test_quarter_sums_its_months(con):
    # Q1 leads target 30 + 40 + 40 = 110; actual 1 Jan..10 Feb = 31 + 10 = 41 in 41 of 90
    # days -> 90; 90 / 110 = 81.8 %: off track. Spend has a target only in February: no
    # quarter target.
    out = views.export(con, "targets", Filters(), quarter="2025-Q1")
    assert out.to_dict("records") == [
        {"metric": "leads", "channel": None, "kind": None, "period": "2025-Q1",
         "target": 110.0, "actual": 41.0, "projected": 90.0,
         "projected_vs_target": approx(90 / 110, abs=1e-6), "status": "off_track"}
    ]


def test_a_finished_month_lands_at_its_actual(con):
    out = views.export(con, "targets", Filters(), month="2025-01")
    assert out.to_dict("records") == [
        {"metric": "leads", "channel": None, "kind": None, "period": "2025-01",
         "target": 30.0, "actual": 31.0, "projected": 31.0,
         "projected_vs_target": approx(31 / 30, abs=1e-6), "status": "on_track"}
    ]


def test_seasonal_uses_last_years_same_days(con):
    # February 2024: 10 leads on the 1st..10th, 10 more on the 11th..29th (20 in all): the
    # first 10 days held half the month. 10 leads by 10 Feb 2025 -> 10 / 0.5 = 20 = 50 %.
    df = landing.landing(con, Filters(), month="2025-02", method="seasonal")
    le = df[df["metric"] == "leads"].iloc[0]
    assert (le.projected, le.projected_vs_target, le.status, le.method) == (
        approx(20), approx(0.5), "off_track", "seasonal")
    # no spend in February 2024: spend falls back to the run rate
    assert df[df["metric"] == "spend"]["method"].eq("run_rate").all()
    assert df[df["metric"] == "spend"]["projected"].iloc[0] == approx(560)
    # January 2024 has no data (it starts 2024-02-01): the run rate, whatever was asked
    jan = landing.landing(con, Filters(), month="2025-01", as_of="2025-01-10", method="seasonal")
    assert (jan["method"].iloc[0], jan["projected"].iloc[0]) == ("run_rate", approx(31))


def test_statuses_by_direction():
    assert landing.status("leads", 0.95) == "on_track"
    assert landing.status("leads", 0.90) == "at_risk"
    assert landing.status("leads", 0.84) == "off_track"
    assert landing.status("leads", 1.5) == "on_track"
    assert landing.status("cac", 1.05) == "on_track"
    assert landing.status("cac", 1.10) == "at_risk"
    assert landing.status("cac", 0.5) == "on_track"
    assert landing.status("spend", 0.85) == "at_risk"
    assert landing.status("spend", 1.16) == "off_track"
    assert landing.status("spend", float("nan")) is None


def test_filters_show_the_targets_inside_them(con):
    f = Filters(channels=("search",))
    out = views.export(con, "targets", f)
    assert list(zip(out.metric, out.channel, strict=True)) == [("spend", "search")]
    assert views.export(con, "targets", Filters(kind="offline")).kind.tolist() == ["offline"]
    assert views.export(con, "targets", Filters(segment="b2b")).empty


def test_old_shape_loads_as_online_share_targets(golden_con):
    assert golden_con.execute(
        "SELECT strftime(month, '%Y-%m'), metric, value, channel, kind FROM targets ORDER BY 1"
    ).fetchall() == [
        ("2025-01", "online_share", 0.45, None, None),
        ("2025-02", "online_share", 0.45, None, None),
        ("2025-03", "online_share", 0.5, None, None),
        ("2025-04", "online_share", 0.5, None, None),
    ]
    out = views.export(golden_con, "targets", Filters(), month="2025-03")
    share = out[out.metric == "online_share"].iloc[0]
    # March online 200 / all 400 = 0.5 against 0.5; spend 400 against the budget 217 + 279
    assert (share.actual, share.target, share.status) == (approx(0.5), 0.5, "on_track")
    spend = out[out.metric == "spend"].iloc[0]
    assert (spend.target, spend.actual) == (496, 400)


def test_bad_targets_are_refused(tmp_path, golden_copy):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "targets.csv").write_text(
        "month,metric,value,channel,kind\n"
        "2025-01,leads,10,,\n"
        "2025-01,visits,10,,\n"
        "2025-01,online_share,1.5,,\n"
        "2025-01,spend,10,search,online\n"
        "2025-01,leads,12,,\n"
    )
    with pytest.raises(LoadError) as info:
        load_folder(folder, golden_copy)
    found = {(p.code, p.row, p.column) for p in info.value.problems}
    assert found == {
        ("unknown_metric", 3, "metric"),
        ("out_of_range", 4, "value"),
        ("bad_scope", 5, "channel"),
        ("duplicate_key", 6, "month+metric+channel+kind"),
    }
    (folder / "targets.csv").write_text("month,online_share\n2025-01,0.4\n2025-02,1.5\n")
    with pytest.raises(LoadError) as info:
        load_folder(folder, golden_copy)
    (p,) = info.value.problems
    assert (p.code, p.row, p.column, p.value) == ("out_of_range", 3, "online_share", "1.5")


def test_cli_export_targets(targets_warehouse):
    run = subprocess.run(
        [sys.executable, "-m", "pitwall", "export", "targets", "--warehouse",
         str(targets_warehouse), "--month", "2025-02", "--as-of", "2025-02-10"],
        capture_output=True, text=True, check=True,
    )
    df = pd.read_csv(io.StringIO(run.stdout))
    assert list(df.columns) == list(landing.COLUMNS)
    assert df.loc[df.metric == "leads", "status"].tolist() == ["off_track"]
    bad = subprocess.run(
        [sys.executable, "-m", "pitwall", "export", "targets", "--warehouse",
         str(targets_warehouse), "--quarter", "2025-Q5", "--format", "json"],
        capture_output=True, text=True,
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == [
        "error: a period is a month like 2025-02 or a quarter like 2025-Q1, not '2025-Q5'"
    ]
    ok = subprocess.run(
        [sys.executable, "-m", "pitwall", "export", "targets", "--warehouse",
         str(targets_warehouse), "--quarter", "2025-Q1", "--format", "json"],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(ok.stdout)[0]["period"] == "2025-Q1"


# --- events ---


def test_events_are_picked_like_the_chart(con):
    f = Filters(D(2025, 1, 1), D(2025, 2, 10))
    ev = views.events(con, f)
    assert ev[["label", "source"]].values.tolist() == [
        ["Launch: Print winter", "launch"],  # c_print starts 2025-01-06
        ["Price change", "event"],
        ["Trade fair Essen", "event"],
        ["Search copy refresh", "event"],
    ]
    # online: the offline fair and the print launch leave; the business-wide event stays
    online = views.events(con, Filters(D(2025, 1, 1), D(2025, 2, 10), kind="online"))
    assert online["label"].tolist() == ["Price change", "Search copy refresh"]


def _marks(spec) -> list[tuple[str, list]]:
    """(mark type, data values) of every layer in a Vega-Lite spec."""
    found = []
    if isinstance(spec, dict):
        mark = spec.get("mark")
        if mark is not None:
            kind = mark if isinstance(mark, str) else mark.get("type")
            found.append((kind, spec.get("data", {}).get("name")))
        for v in spec.values():
            found += _marks(v)
    elif isinstance(spec, list):
        for v in spec:
            found += _marks(v)
    return found


def test_trend_charts_mark_the_events(con):
    review = weekly.review(con, W06)
    spec = report.trends_chart(review).to_dict()
    marks = _marks(spec)
    # every panel: the week's rule, the one-day events' rules, the fair's band, the numbers
    assert sum(1 for m, _ in marks if m == "rect") == 6
    assert sum(1 for m, _ in marks if m == "text") == 6
    event_data = [v for k, v in spec["datasets"].items()
                  if v and isinstance(v[0], dict) and "tag" in v[0]]
    labels = {row["tag"] for rows_ in event_data for row in rows_}
    assert labels == {"1 Launch: Print winter", "2 Price change", "3 Trade fair Essen",
                      "4 Search copy refresh"}
    monthly = charts.monthly_spend(
        views.spend_balance(con, Filters(D(2025, 1, 1), D(2025, 2, 10))),
        pd.DataFrame(),
        views.events(con, Filters(D(2025, 1, 1), D(2025, 2, 10))),
    ).to_dict()
    assert [m for m, _ in _marks(monthly)].count("rule") == 1  # the four events, one layer
    # the week's events, listed on the review
    assert review.week_events["label"].tolist() == ["Trade fair Essen", "Search copy refresh"]


def test_pdf_names_the_weeks_events_and_landing(con, tmp_path):
    out = report.write(con, W06, tmp_path / "w06.pdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(out).pages)
    text = " ".join(text.split())
    assert "Trade fair Essen" in text and "Search copy refresh" in text
    assert "Will we land?" in text
    assert "Leads are projected to land at 70 % of the February target" in text


def test_before_after_card_by_hand(con):
    # the price change of 2025-01-15: the data ends 10 Feb, so both sides are 27 days:
    # before = 19 Dec 2024..14 Jan 2025, after = 15 Jan..10 Feb 2025
    card = views.before_after(con, Filters(), D(2025, 1, 15)).set_index("metric")
    assert card["days"].iloc[0] == 27
    assert card["before_start"].iloc[0] == D(2024, 12, 19)
    # spend before: search 10 x 14 (1..14 Jan) + print 100 (6 Jan) = 240; after: search
    # 10 x 27 (15 Jan..10 Feb) + print 100 x 2 (20 Jan, 3 Feb) = 470
    assert card.loc["spend", ["before", "after"]].tolist() == [240, 470]
    assert card.loc["spend", "change"] == approx(470 / 240 - 1)
    # leads one a day: 14 before, 27 after; revenue 0 before, 1000 + 500 + 300 after
    assert card.loc["leads", ["before", "after"]].tolist() == [14, 27]
    assert card.loc["revenue", ["before", "after"]].tolist() == [0, 1800]
    assert pd.isna(card.loc["revenue", "change"])  # from nothing: no relative change
    assert card.loc["cpl", "before"] == approx(240 / 14)
    assert card.loc["cpl", "after"] == approx(470 / 27)
    assert card.loc["cac", "after"] == approx(470 / 3)  # k1, k2, k3 acquired after
    assert pd.isna(card.loc["cac", "before"])
    # the filters apply: offline only (print) -> spend 100 before, 200 after
    off = views.before_after(con, Filters(kind="offline"), D(2025, 1, 15)).set_index("metric")
    assert off.loc["spend", ["before", "after"]].tolist() == [100, 200]
