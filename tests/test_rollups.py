"""The rollups answer exactly what the per-entity tables answer (issue 18).

Each view that reads rollups (queries/*/*_rolled.sql) is run beside the detail query it
replaces (queries/funnel/stages.sql without a window, queries/cohorts/retention.sql and
ltv.sql, which read lead_stage_entries, customer_facts, customer_months and orders) on the
golden business, the golden business with margins and a demo at scale 0.2: every column,
every row, for all history, whole months, ranges that cut months at both ends, one day,
each value of each filter dimension, and every breakdown. Both retention modes are columns
of the same rows (active_bounded, active_unbounded). The rollups' size is checked against
the business: it must not grow with leads or customers beyond days x dimension values.

Channel ROI, the attribution models, the unattributed revenue (ATTRIBUTION: every model, the
stored 30-day lookback), the weekly review's measures and the targets' daily actuals (DAILY)
are checked the same way, on the golden business with touchpoints too (paths of several
touches); other lookbacks read the detail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from pitwall import (
    attribution,
    dimensions,
    highlights,
    lead_views,
    loyalty,
    queries,
    rollups,
    views,
    weeks,
)
from pitwall.filters import Filters, add_months, preset_range
from pitwall.warehouse import open_readonly

# (the query the views read, the detail query it replaces)
PAIRS = [
    ("funnel/stages_rolled", "funnel/stages"),
    ("cohorts/retention_rolled", "cohorts/retention"),
    ("cohorts/ltv_rolled", "cohorts/ltv"),
]
BREAKDOWNS = [None] + [d.name for d in dimensions.DIMENSIONS]
# read with the stored lookback (rollups.STORED_LOOKBACK), under each model where one applies
ATTRIBUTION = [
    "channel_roi/by_campaign",
    "channel_roi/unattributed",
    "channel_roi/unattributed_reasons",
]
# every model at once ($models), or none (last touch); weekly/measures and targets/daily are
# asked for whole weeks (weekly/measures: Monday to Sunday) and never for an open range
DAILY = ["channel_roi/models", "weekly/measures", "targets/daily"]


def same(a: pd.DataFrame, b: pd.DataFrame) -> str | None:
    """None when both frames have the same columns and rows, numbers equal to 1e-9 relative
    (sums added in another order), nulls in the same places."""
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return f"shape {a.shape} {list(a.columns)} against {b.shape} {list(b.columns)}"
    for col in a.columns:
        x, y = a[col].reset_index(drop=True), b[col].reset_index(drop=True)
        if x.dtype.kind in "iuf" and y.dtype.kind in "iuf":
            xv, yv = x.to_numpy("float64"), y.to_numpy("float64")
            ok = (np.isnan(xv) & np.isnan(yv)) | (
                np.abs(xv - yv) <= 1e-9 * np.maximum(np.abs(xv), np.abs(yv)) + 1e-12
            )
        else:
            ok = ((x.isna() & y.isna()) | (x.astype(object) == y.astype(object))).to_numpy(bool)
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            return f"{col} row {i}: {x[i]!r} against {y[i]!r}"
    return None


def ranges(con) -> list[tuple]:
    first, last = views.data_span(con)
    mid = first + (last - first) / 2
    return [
        (None, None),  # all history: month rows only
        (first, last),
        (first.replace(day=1), dt.date(mid.year, mid.month, 1) - dt.timedelta(days=1)),  # whole
        (first + dt.timedelta(days=9), mid + dt.timedelta(days=3)),  # cuts months at both ends
        (mid, mid),  # one day
        (mid, None),
        (None, mid),
        (last - dt.timedelta(days=90), last),  # the pages' default, about 13 weeks
    ]


def dimension_picks(con, most: int) -> list[Filters]:
    """One Filters per value of each dimension (the first `most` values), over all
    history."""
    options = views.filter_options(con)
    out = []
    for d in dimensions.DIMENSIONS:
        for value in options.get(d.name, [])[:most]:
            pick = (value,) if d.multiple else value
            out.append(Filters(None, None, **{d.param: pick}))
    return out


def check(con, filters: list[Filters], breakdowns: list) -> list[str]:
    bad = []
    for f in filters:
        params = f.params() | {"window_days": None}
        for group in breakdowns:
            for rolled, detail in PAIRS:
                diff = same(
                    queries.run(con, rolled, params, group=group),
                    queries.run(con, detail, params, group=group),
                )
                if diff:
                    bad.append(f"{rolled} {f} by {group}: {diff}")
    return bad


@pytest.fixture(scope="module", params=["golden_warehouse", "margin_warehouse", "demo_warehouse"])
def business(request):
    """(connection, small): the small golden files get every case; the demo (thirteen
    channels) a cut of them, to stay quick."""
    c = open_readonly(request.getfixturevalue(request.param))
    yield c, request.param == "golden_warehouse"
    c.close()


@pytest.fixture(scope="module", params=["touch_warehouse", "margin_warehouse", "demo_warehouse"])
def credited(request):
    """(connection, name) for attribution: the golden business with touchpoints (paths of
    several touches; touchpoints change nothing else), with margins, and the demo."""
    c = open_readonly(request.getfixturevalue(request.param))
    yield c, request.param
    c.close()


def test_rollups_equal_the_detail_over_date_ranges_and_breakdowns(business):
    con, small = business
    filters = [Filters(s, e) for s, e in ranges(con)]
    every = BREAKDOWNS if small else [None, "channel"]
    assert check(con, filters[:2], every) + check(con, filters[2:], [None]) == []


def test_rollups_equal_the_detail_for_each_dimension_value(business):
    con, small = business
    picks = dimension_picks(con, most=99 if small else 2)
    assert len(picks) >= 6  # two kinds, channels, segments, regions
    assert check(con, picks, [None]) == []


def test_rollups_equal_the_detail_with_every_filter_and_a_cut_range(business):
    con, _ = business
    first, last = views.data_span(con)
    options = views.filter_options(con)
    f = Filters(
        first + dt.timedelta(days=20),
        last - dt.timedelta(days=40),
        channels=tuple(options["channel"][:3]),
        kind="online",
        segment=options["segment"][0],
    )
    assert check(con, [f], [None, "region"]) == []


def test_the_funnel_view_reads_the_rollups_only_without_a_window(business):
    """A window falls back to the detail (the rollups store no window); no window gives the
    same rows either way."""
    con, _ = business
    f = Filters(None, None)
    rolled = views.funnel(con, f)
    detail = queries.run(con, "funnel/stages", f.params() | {"window_days": None})
    assert rolled["leads"].tolist() == detail["leads"].tolist()
    windowed = views.funnel(con, f, window_days=3650)  # longer than any history: the same
    assert same(windowed[rolled.columns], rolled) is None


def test_all_history_reads_month_rows_bounded_by_months_and_dimensions(demo_warehouse):
    """All history reads the month rows: at most one per month x dimension values x key,
    whatever the number of leads."""
    c = open_readonly(demo_warehouse)
    try:
        month_rows = c.execute(
            "SELECT count(*) FROM funnel_leads WHERE grain = 'month'"
        ).fetchone()[0]
        months = c.execute("SELECT count(DISTINCT month) FROM funnel_leads").fetchone()[0]
        combos = c.execute(
            "SELECT count(*) FROM (SELECT DISTINCT kind, channel, segment, region, furthest "
            "FROM funnel_leads)"
        ).fetchone()[0]
    finally:
        c.close()
    assert 0 < month_rows <= months * combos


def check_attribution(
    con, filters: list[Filters], models, queries_=ATTRIBUTION, daily=True
) -> list[str]:
    """`queries_` (of ATTRIBUTION) under each of `models`, and DAILY, rolled against detail."""
    bad = []
    for f in filters:
        params = f.params() | {
            "lookback_days": rollups.STORED_LOOKBACK,
            "models": list(attribution.MODELS),
        }
        runs = [(name, params | {"model": m}) for name in queries_ for m in models]
        if daily and f.start is not None and f.end is not None:
            monday = weeks.monday_of(f.end)
            whole = replace(f, start=weeks.monday_of(f.start), end=weeks.sunday(monday))
            runs += [(name, params | whole.params()) for name in DAILY]
        elif daily:
            runs.append(("channel_roi/models", params))
        for name, p in runs:
            diff = same(queries.run(con, f"{name}_rolled", p), queries.run(con, name, p))
            if diff:
                bad.append(f"{name} {f} {p.get('model')}: {diff}")
    return bad


# the models each business is checked under one by one (channel_roi/models checks them all
# at once everywhere): the golden business with margins has no touchpoints, so its paths are
# the orders' own campaigns under every model, and last touch alone is checked there
MODELS_CHECKED = {
    "touch_warehouse": list(attribution.MODELS),
    "margin_warehouse": ["last"],
    "demo_warehouse": ["last", "time_decay"],
}


def test_attribution_and_daily_rollups_equal_the_detail_over_date_ranges(credited):
    con, name = credited
    filters = [Filters(s, e) for s, e in ranges(con)]
    # every range under last touch; the other models over all history, a range that cuts
    # months at both ends and the pages' default
    others = [m for m in MODELS_CHECKED[name] if m != "last"]
    bad = check_attribution(con, filters, ["last"])
    bad += check_attribution(con, [filters[i] for i in (0, 3, 7)], others, daily=False)
    assert bad == []


def test_attribution_and_daily_rollups_equal_the_detail_for_each_dimension_value(credited):
    """The unattributed revenue ignores the dimensions: checked over date ranges only."""
    con, name = credited
    small = name != "demo_warehouse"
    first, last = views.data_span(con)
    picks = [
        replace(f, start=first + dt.timedelta(days=11), end=last - dt.timedelta(days=5))
        for f in dimension_picks(con, most=99 if small else 2)
    ]
    assert check_attribution(con, picks, ["position"], ["channel_roi/by_campaign"]) == []


def test_the_views_read_the_rollups_for_the_stored_lookback_only(touch_con):
    """The golden touchpoints put several touches on paths within 30 days; a 7-day lookback
    drops some of them, so its credits differ, and that answer comes from the detail."""
    f = Filters(None, None)
    assert rollups.query("channel_roi/by_campaign", 30) == "channel_roi/by_campaign_rolled"
    assert rollups.query("channel_roi/by_campaign", 7) == "channel_roi/by_campaign"
    for model in attribution.MODELS:
        stored = views.channel_roi(touch_con, f, by="campaign", model=model)
        detail = queries.run(
            touch_con, "channel_roi/by_campaign", f.params() | attribution.params(model, 30)
        )
        assert same(stored[detail.columns], detail) is None
    short = views.model_credits(touch_con, f, lookback_days=7)
    detail = queries.run(
        touch_con,
        "channel_roi/models",
        f.params() | attribution.params(lookback_days=7) | {"models": list(attribution.MODELS)},
    )
    assert same(short, detail) is None
    assert same(views.model_credits(touch_con, f, lookback_days=30), short) is not None


def test_every_rollup_query_has_its_detail_query_beside_it():
    """The tests above and `python -m pitwall.bench_rollups` pair each *_rolled query with
    the detail query of the same name."""
    rolled = sorted(queries.QUERY_DIR.glob("*/*_rolled.sql"))
    assert len(rolled) == 15
    for path in rolled:
        assert path.with_name(path.name.replace("_rolled", "")).exists(), path


def test_the_rollup_bench_swaps_each_rollup_for_its_detail(golden_con, monkeypatch):
    from pitwall.bench_rollups import Reads

    reads = Reads()
    monkeypatch.setattr(queries, "run", reads)
    f = Filters(None, None)
    rolled = views.retention(golden_con, f)
    assert reads.names == ["cohorts/retention_rolled"]
    reads.detail = True
    detail = views.retention(golden_con, f)
    assert reads.names[-1] == "cohorts/retention"
    assert same(rolled, detail) is None


# --- Loyalty (queries/build/12_loyalty_rollups.sql) ----------------------------------------


@pytest.fixture(scope="module", params=["loyalty_warehouse", "demo_warehouse"])
def loyal(request):
    """(connection, small): the golden NPS answers (two from one customer, one from a
    customer known nowhere else) and the demo's."""
    c = open_readonly(request.getfixturevalue(request.param))
    yield c, request.param == "loyalty_warehouse"
    c.close()


def month_ranges(con) -> list[tuple]:
    """Whole-month ranges the month rollups answer, and the pages' periods."""
    first, last = views.data_span(con)
    mid = first + (last - first) / 2
    m = dt.date(mid.year, mid.month, 1)
    twelve = Filters(*preset_range("Last 12 complete months", first, last))
    return [
        (None, None),
        (first, last),  # open at both ends: no data lies beyond
        (first.replace(day=1), add_months(m, 1) - dt.timedelta(days=1)),
        (m, add_months(m, 1) - dt.timedelta(days=1)),  # one month
        (add_months(m, -2), None),
        (None, add_months(m, 3) - dt.timedelta(days=1)),
        (twelve.start, twelve.end),
        (twelve.previous().start, twelve.previous().end),
        (dt.date(2000, 1, 1), dt.date(2000, 12, 31)),  # before the data
    ]


def check_loyalty(con, filters: list[Filters], groups: list) -> list[str]:
    bad = []
    for f in filters:
        whole = loyalty.month_params(con, f)
        runs = [("loyalty/nps", f.params(), f.params(), g) for g in groups]
        if whole is not None:
            runs.append(("loyalty/nps_value", whole, f.params(), None))
            runs += [
                ("loyalty/frequency", whole | {"by": by}, f.params() | {"by": by}, None)
                for by in loyalty.FREQUENCY_BY
            ]
        for name, rolled_params, params, group in runs:
            diff = same(
                queries.run(con, f"{name}_rolled", rolled_params, group=group),
                queries.run(con, name, params, group=group),
            )
            if diff:
                bad.append(f"{name} {f} by {group}: {diff}")
    return bad


def test_loyalty_rollups_equal_the_detail_over_whole_months_and_cut_ranges(loyal):
    con, small = loyal
    whole = [Filters(s, e) for s, e in month_ranges(con)]
    assert all(loyalty.month_params(con, f) is not None for f in whole)
    cut = [Filters(s, e) for s, e in ranges(con)[3:]]
    groups = [None, "channel", "segment", "region"] if small else [None, "channel"]
    assert check_loyalty(con, whole, groups) + check_loyalty(con, cut, [None]) == []


def test_loyalty_rollups_equal_the_detail_for_each_dimension_value(loyal):
    con, small = loyal
    first, last = views.data_span(con)
    twelve = preset_range("Last 12 complete months", first, last)
    picks = dimension_picks(con, most=99 if small else 2)
    picks += [replace(f, start=twelve[0], end=twelve[1]) for f in picks]
    assert check_loyalty(con, picks, [None, "region"]) == []


def test_loyalty_reads_the_month_rollups_unless_a_month_is_cut(loyalty_con):
    """Whole months and open ends read the rollups; a range that cuts a month inside the
    data reads the detail, with the same answer as the view gives."""
    feb_mar = Filters(dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    assert loyalty.month_params(loyalty_con, feb_mar)["start"] == dt.date(2025, 2, 1)
    every = loyalty.month_params(loyalty_con, Filters(dt.date(2024, 1, 1), dt.date(2030, 1, 9)))
    assert (every["start"], every["end"]) == (None, None)  # no order or answer lies beyond
    cut = Filters(dt.date(2025, 2, 10), dt.date(2025, 3, 31))
    assert loyalty.month_params(loyalty_con, cut) is None
    detail = queries.run(loyalty_con, "loyalty/frequency", cut.params() | {"by": "channel"})
    view = loyalty.frequency(loyalty_con, cut)
    assert view["buyers"].tolist() == detail["buyers"].tolist()


# --- Leads (queries/build/13_lead_rollups.sql) ---------------------------------------------

LEAD_PAIRS = ["leads/sources", "leads/sources_monthly"]


@pytest.fixture(scope="module", params=["leads_warehouse", "demo_warehouse"])
def sourced(request):
    c = open_readonly(request.getfixturevalue(request.param))
    yield c, request.param == "leads_warehouse"
    c.close()


def check_leads(con, filters: list[Filters]) -> list[str]:
    bad = []
    for f in filters:
        params = f.params() | {"sources": lead_views.SOURCES}
        for name in LEAD_PAIRS:
            diff = same(queries.run(con, f"{name}_rolled", params), queries.run(con, name, params))
            if diff:
                bad.append(f"{name} {f}: {diff}")
    return bad


def test_lead_rollups_equal_the_detail_over_ranges_and_dimension_values(sourced):
    """Every range (revenue by an end before the last order reads the customers' days, by
    one on or after it their totals), and each dimension value over all history and over a
    cut range."""
    con, small = sourced
    first, last = views.data_span(con)
    picks = dimension_picks(con, most=99 if small else 2)
    cut = [replace(f, start=first + dt.timedelta(days=11), end=last - dt.timedelta(days=5))
           for f in picks]  # fmt: skip
    filters = [Filters(s, e) for s, e in ranges(con)] + picks + cut
    assert check_leads(con, filters) == []


# --- the weekly review's funnel (queries/build/14_funnel_window.sql) -----------------------


def test_the_stored_window_rollup_equals_the_funnel_under_that_window(business):
    """window_conversion's leads and conversions equal funnel()'s under the same window, from
    the rollup for the stored window and from the detail for another."""
    con, small = business
    filters = [Filters(s, e) for s, e in ranges(con)]
    filters += dimension_picks(con, most=99 if small else 2)
    bad = []
    for f in filters:
        for window in (rollups.STORED_WINDOW, 3):
            full = views.funnel(con, f, window_days=window)
            cols = ["stage", "position", "leads", "conversion_from_previous"]
            diff = same(views.window_conversion(con, f, window)[cols], full[cols])
            if diff:
                bad.append(f"{f} window {window}: {diff}")
    assert bad == []
    assert rollups.STORED_WINDOW == highlights.FUNNEL_WINDOW
