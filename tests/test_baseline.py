"""The pandas-only baseline (pitwall/baseline.py) gives the same figures as the DuckDB views.

Checked on the golden business, on the golden business with extra edge cases (below) and on a
small demo warehouse, for every view over a spread of filters; and `same` is shown to catch a
changed number, a missing row and a moved null.
"""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pytest

from pitwall import baseline, views
from pitwall.demo_build import build_demo
from pitwall.filters import Filters
from pitwall.load import load_folder
from pitwall.warehouse import open_readonly

D = dt.date
CUT = (D(2025, 2, 15), D(2025, 3, 10))  # cuts February and March


def _filters(channel: str, other: str, segment: str, region: str) -> dict[str, Filters]:
    return {
        "none": Filters(),
        "range": Filters(*CUT),
        "open start": Filters(end=D(2025, 3, 10)),
        "open end": Filters(start=D(2025, 2, 15)),
        "one day": Filters(D(2025, 3, 10), D(2025, 3, 10)),
        "channel": Filters(channels=(channel,)),
        "two channels": Filters(channels=(channel, other)),
        "offline": Filters(kind="offline"),
        "online": Filters(kind="online"),
        "segment": Filters(segment=segment),
        "region": Filters(region=region),
        "combined": Filters(*CUT, channels=(channel, other), kind="online", region=region),
        "nothing": Filters(segment="no such segment"),
        "no channel": Filters(channels=("no such channel",)),
    }


# Rows added to the golden business for cases neither it nor the demo has.
EDGE_ROWS = {
    # k8 is only in orders and its first order has no campaign; k9 is listed without date or
    # campaign and its first order has none either: both take their first order's campaign,
    # none (docs/metrics.md), not a later order's. k10: no date and no orders.
    "orders": [
        "o16,k8,2025-03-03T09:00:00,40,",
        "o17,k8,2025-03-20T09:00:00,25,c_print",
        "o18,k9,2025-02-17T09:00:00,35,",
        "o19,k9,2025-04-01T09:00:00,15,c_events",
    ],
    "customers": ["k9,,,,", "k10,,c_print,b2b,"],
    # L9 enters qualified before it was created and presented and offer at the same moment.
    "leads": ["L9,2025-03-05T12:00:00,c_search_b2b,,,"],
    "lead_stages": [
        "L9,qualified,2025-03-04T00:00:00",
        "L9,presented,2025-03-08T00:00:00",
        "L9,offer,2025-03-08T00:00:00",
    ],
    "budgets": ["2025-05,search,50"],  # a month with budget and no spend
    # On top of tests/golden_touchpoints: o16 (no campaign) has two touches at one moment
    # (the greater campaign_id is the later), one exactly 30 days before and one a second
    # beyond; o18 has a touch a second after it (not on its path).
    "touchpoints": [
        "k8,2025-02-20T09:00:00,c_print",
        "k8,2025-02-20T09:00:00,c_social",
        "k8,2025-02-01T09:00:00,c_events",
        "k8,2025-02-01T08:59:59,c_search_b2b",
        "k9,2025-02-17T09:00:01,c_social",
    ],
}
# Positions need not be 1..n: the funnel numbers the stages in their order.
EDGE_STAGES = (
    "stage,position\nidentified,5\nqualified,10\npresented,20\noffer,30\ndecision,45\nwon,99\n"
)

DATASETS = {
    "golden": _filters("search", "social", "b2b", "north"),
    "edge": _filters("search", "print", "b2b", "north"),
    "demo": _filters("Paid search", "Trade fairs", "B2B", "North"),
}
CASES = [(data, name) for data, filters in DATASETS.items() for name in filters]
IDS = [f"{data}-{name}" for data, name in CASES]


@pytest.fixture(scope="module")
def golden_tables(golden_warehouse):
    con = open_readonly(golden_warehouse)
    try:
        yield con, baseline.frames(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def edge_tables(golden_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edge")
    for src in [
        *golden_dir.glob("*.csv"),
        golden_dir.parent / "golden_touchpoints/touchpoints.csv",
    ]:
        shutil.copy(src, folder / src.name)
    for table, rows in EDGE_ROWS.items():
        with (folder / f"{table}.csv").open("a") as out:
            out.write("".join(f"{row}\n" for row in rows))
    (folder / "funnel_stages.csv").write_text(EDGE_STAGES)
    path = folder / "warehouse.duckdb"
    load_folder(folder, path)
    con = open_readonly(path)
    try:
        yield con, baseline.frames(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo_tables(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    build_demo(path, scale=0.05, seed=1, end=D(2025, 7, 1))
    con = open_readonly(path)
    try:
        yield con, baseline.frames(con)
    finally:
        con.close()


@pytest.fixture(params=CASES, ids=IDS)
def case(request):
    data, name = request.param
    con, tables = request.getfixturevalue(f"{data}_tables")
    return con, tables, DATASETS[data][name]


def _check(view: str, ours, theirs) -> None:
    assert len(ours.columns) and set(views.VIEW_COLUMNS[view]) <= set(theirs.columns)
    assert baseline.same(view, ours, theirs) is None, baseline.same(view, ours, theirs)


def test_frames_are_the_contract_tables(golden_con):
    t = baseline.frames(golden_con)
    assert set(t) == set(baseline.TABLES)
    assert len(t["orders"]) == 15 and len(t["leads"]) == 8 and t["funnel_stages"].empty


def test_spend_balance(case):
    con, t, f = case
    _check("spend-balance", views.spend_balance(con, f), baseline.spend_balance(t, f))


def test_channel_roi(case):
    con, t, f = case
    _check("channel-roi", views.channel_roi(con, f), baseline.channel_roi(t, f))


@pytest.mark.parametrize("window", [None, 0, 7, 28])
def test_funnel(case, window):
    con, t, f = case
    _check("funnel", views.funnel(con, f, window), baseline.funnel(t, f, window))


@pytest.mark.parametrize("mode", views.MODES)
def test_retention(case, mode):
    con, t, f = case
    _check("retention", views.retention(con, f, mode), baseline.retention(t, f, mode))


def test_the_comparison_is_not_empty(demo_tables):
    """The demo filters above select real data, so the equalities say something."""
    con, t = demo_tables
    f = Filters(*CUT, kind="offline", segment="B2B")
    assert len(baseline.spend_balance(t, f)) == 2
    assert len(baseline.channel_roi(t, f)) >= 2
    # leads of every B2B channel: in a three-week cut the media plan may pause or lower
    # offline channels (few leads at scale 0.05)
    b2b = Filters(*CUT, segment="B2B")
    assert baseline.funnel(t, b2b, 28)["leads"].iloc[0] > 10
    assert baseline.funnel(t, b2b, 28)["median_days_in_stage"].notna().sum() >= 3
    assert baseline.retention(t, Filters(), "unbounded")["cohort_size"].sum() > 100


def test_edge_rows_take_effect(edge_tables):
    """The edge rows reach the views, so their cases are really compared above."""
    _, t = edge_tables
    roi = baseline.channel_roi(t, Filters()).set_index("channel")
    # k10 (no date); not k8: its first order o16 has no campaign, so it was acquired by none
    assert roi.loc["print", "new_customers"] == 1
    assert roi.loc["events", "new_customers"] == 1  # k3; not k9 (its first order o18 has none)
    cut = baseline.channel_roi(t, Filters(*CUT)).set_index("channel")
    assert "print" not in cut.index  # k10 has no date to fall in a range; print spent nothing
    fun = baseline.funnel(t, Filters(start=D(2025, 3, 5))).set_index("stage")
    assert fun["position"].tolist() == [1, 2, 3, 4, 5, 6]
    assert fun.loc["presented", "median_days_in_stage"] == pytest.approx(0.5)  # L8 1, L9 0
    may = baseline.spend_balance(t, Filters(start=D(2025, 5, 1)))
    assert may["budget"].tolist()[0] == 50 and may["share_of_spend"].isna().all()


def test_golden_figures(golden_con):
    """A few hand-worked figures of the golden business (tests/golden/README.md)."""
    t = baseline.frames(golden_con)
    sb = baseline.spend_balance(t, Filters(*CUT)).set_index(["month", "kind"])
    # February: 14/28 of 200 online; March: 10/31 of 217 online.
    assert sb.loc[("2025-02-01", "online"), "budget"] == pytest.approx(100)
    assert sb.loc[("2025-03-01", "online"), "budget"] == pytest.approx(70)
    roi = baseline.channel_roi(t, Filters()).set_index("channel")
    assert np.isnan(roi.loc["referral", "roas"]) and roi.loc["referral", "cac"] == 0
    fun = baseline.funnel(t, Filters()).set_index("stage")
    assert fun.loc["qualified", "median_days_in_stage"] == pytest.approx(2.5)
    ret = baseline.retention(t, Filters(), "unbounded").set_index(["cohort_month", "period"])
    assert ret.loc[("2025-01-01", 1), "active_customers"] == 2  # k1 (later) and k2


# --- `same` itself must be able to fail -----------------------------------------------------


@pytest.fixture
def demo_views(demo_tables):
    con, _ = demo_tables
    f = Filters(*CUT)
    return {
        "spend-balance": views.spend_balance(con, f),
        "channel-roi": views.channel_roi(con, f),
        "funnel": views.funnel(con, f, 28),
        "retention": views.retention(con, f),
    }


@pytest.mark.parametrize("view", list(baseline.KEYS))
def test_same_accepts_a_reordered_copy(demo_views, view):
    df = demo_views[view]
    assert baseline.same(view, df, df.iloc[::-1].reset_index(drop=True)) is None


@pytest.mark.parametrize("view", list(baseline.KEYS))
def test_same_catches_a_changed_number(demo_views, view):
    df = demo_views[view]
    col = {
        "spend-balance": "spend",
        "channel-roi": "revenue",
        "funnel": "leads",
        "retention": "cohort_size",
    }[view]
    other = df.copy()
    other[col] = other[col].astype("float64")
    other.loc[other[col].abs().idxmax(), col] *= 1 + 1e-6  # a nonzero figure, 1e-6 off
    msg = baseline.same(view, df, other)
    assert msg and col in msg
    assert baseline.same(view, df, df.assign(**{col: df[col] * 1.0})) is None


@pytest.mark.parametrize("view", list(baseline.KEYS))
def test_same_catches_a_missing_row(demo_views, view):
    df = demo_views[view]
    assert baseline.same(view, df, df.iloc[:-1]) is not None
    assert baseline.same(view, df.iloc[1:], df.iloc[:-1]) is not None  # same length, other row


def test_same_catches_a_moved_null(demo_views):
    df = demo_views["spend-balance"].copy()
    df.loc[0, "budget"] = np.nan
    other = df.copy()
    other.loc[0, "budget"], other.loc[1, "budget"] = 1.0, np.nan
    msg = baseline.same("spend-balance", df, other)
    assert msg and "budget" in msg
    assert baseline.same("spend-balance", df, df.fillna({"budget": 0.0})) is not None


def test_same_catches_a_changed_key_and_a_missing_column(demo_views):
    df = demo_views["funnel"]
    renamed = df.assign(stage=df["stage"].replace({"won": "closed"}))
    assert "stage" in baseline.same("funnel", df, renamed)
    assert "lacks" in baseline.same("funnel", df, df.drop(columns="dropped"))
