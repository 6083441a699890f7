"""The Budget planner page as a user sees it: Streamlit's AppTest and a real Chromium, over
the demo warehouse with a stored fit (conftest.fitted_demo). The page must show the stored
results without fitting, and its URL must reproduce the plan."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest
import streamlit as st
from app_server import CHROMIUM, CHROMIUM_ARGS, running_app, sha256
from conftest import assert_drawn_as_streamlit_would
from playwright.sync_api import sync_playwright
from streamlit.testing.v1 import AppTest

from pitwall import plan_views
from pitwall.warehouse import open_readonly

# A plan a marketing lead might share: 8 weeks, €1.2M, at least 25 % online, fairs capped.
# (The last 8 weeks spent 17 % online, in fair season: online at most +50 % reaches 26 %.)
SHARED = {"weeks": "8", "budget": "1200000", "online_min": "25", "max_trade_fairs": "400000"}
SHARED_REQUEST = plan_views.PlanRequest(
    budget=1_200_000.0, weeks=8, share_min=0.25, bounds={"Trade fairs": (None, 400_000.0)}
)


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def fitted_copy(fitted_demo, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(fitted_demo, path)
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(path))
    return path


def open_planner(params: dict | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page("pages/budget_planner.py").run()
    return at


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _expected(path: Path, req: plan_views.PlanRequest) -> plan_views.Plan:
    con = open_readonly(path)
    try:
        return plan_views.plan(plan_views.plan_data(con), req)
    finally:
        con.close()


def _plan_frame(at: AppTest) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if "planned_spend" in d.value.columns]
    assert len(frames) == 1
    return frames[0]


def test_page_shows_the_stored_fit_without_fitting(fitted_copy, drawn_charts):
    before = sha256(fitted_copy)
    at = _ok(open_planner())
    assert len(drawn_charts) == len(at.get("vega_lite_chart"))
    assert_drawn_as_streamlit_would(drawn_charts)  # and valid Vega-Lite
    assert [t.value for t in at.title] == ["Budget planner"]
    tables = [d.value for d in at.dataframe]
    channels = next(t for t in tables if "marginal_roas" in t.columns)
    con = open_readonly(fitted_copy)
    stored = plan_views.mmm_channels(con)
    con.close()
    pd.testing.assert_frame_equal(
        channels.reset_index(drop=True),
        stored[list(channels.columns)].reset_index(drop=True),
    )
    labels = [m.label for m in at.metric]
    assert "Offline ROAS, modelled" in labels and "Sampler" in labels
    assert not any(b.label.startswith("Fit the model") for b in at.button)
    assert sha256(fitted_copy) == before  # nothing was fitted or written


def test_the_default_plan_is_the_commands(fitted_copy):
    at = _ok(open_planner())
    want = _expected(fitted_copy, plan_views.PlanRequest())
    got = _plan_frame(at)
    assert list(got["channel"]) == list(want.table["channel"])
    assert got["planned_spend"].to_numpy() == pytest.approx(want.table["planned_spend"], rel=1e-9)


def test_the_url_reproduces_a_shared_plan(fitted_copy):
    at = _ok(open_planner(SHARED))
    want = _expected(fitted_copy, SHARED_REQUEST)
    got = _plan_frame(at)
    assert got["planned_spend"].sum() == pytest.approx(1_200_000, abs=1e-3)
    assert got["planned_spend"].to_numpy() == pytest.approx(want.table["planned_spend"], rel=1e-9)
    fairs = got.set_index("channel").loc["Trade fairs", "planned_spend"]
    assert fairs <= 400_000 + 1e-6
    assert at.number_input(key="weeks").value == 8
    assert at.number_input(key="budget").value == 1_200_000


@pytest.mark.parametrize(
    "params",
    [
        {"weeks": "5000", "online_min": "-20", "budget": "1e30"},
        {"weeks": "inf", "budget": "nan", "min_print": "inf"},
        {"weeks": "-inf", "online_max": "abc"},
        {"weeks": "nan"},
    ],
)
def test_hostile_url_values_are_clamped(fitted_copy, params):
    at = open_planner(params)
    assert not at.exception, [e.value for e in at.exception]
    assert 1 <= at.number_input(key="weeks").value <= 52


def test_impossible_limits_say_which(fitted_copy):
    at = open_planner({"online_min": "90", "online_max": "10"})
    assert not at.exception
    assert any("above the ceiling" in e.value for e in at.error)


def test_own_plan_is_priced(fitted_copy):
    at = _ok(open_planner({"own_trade_fairs": "0"}))
    assert any("Your plan" in i.value for i in at.info)
    got = _plan_frame(at).set_index("channel")
    assert got.loc["Trade fairs", "own_spend"] == 0
    assert got.loc["Trade fairs", "expected_outcome_own"] == 0


def test_a_load_shows_the_stale_notice(fitted_copy):
    import datetime as dt

    from pitwall.demo_build import build_demo

    build_demo(fitted_copy, end=dt.date(2026, 11, 21))  # the demo loaded again
    at = _ok(open_planner())
    assert any("loaded after this model was fitted" in w.value for w in at.warning)
    assert any(b.label == "Fit the model again" for b in at.button)


def test_without_a_fit_the_page_offers_one(golden_warehouse, tmp_path, monkeypatch):
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(golden_warehouse, path)
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(path))
    at = _ok(open_planner())
    assert any("No marketing-mix model is fitted yet" in i.value for i in at.info)
    button = next(b for b in at.button if b.label == "Fit the model")
    # the golden business has 15 weeks: the job refuses, and the page says why
    button.click().run()
    assert not at.exception
    assert any("at least 52 whole weeks" in e.value for e in at.error)


# --- Chromium --------------------------------------------------------------------------------


def test_browser_shows_the_shared_plan(fitted_demo, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(fitted_demo, path)
    want = _expected(path, SHARED_REQUEST)
    with (
        running_app(path, tmp_path / "streamlit.log") as url,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/budget_planner?{urlencode(SHARED)}")
            page.get_by_text("Full definitions: docs/metrics.md.").wait_for(timeout=90_000)
            assert page.locator("h1").first.inner_text().strip() == "Budget planner"
            assert page.locator('[data-testid="stException"]').count() == 0
            metrics = page.locator('[data-testid="stMetric"]').all_inner_texts()
            budget = next(m for m in metrics if m.startswith("Budget"))
            assert "€1.20M" in budget
            planned = next(m for m in metrics if m.startswith("Revenue, planned split"))
            assert _money(want.summary["planned"]) in planned
            # the URL keeps the plan's inputs after the page has run
            from urllib.parse import parse_qs, urlsplit

            kept = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
            assert {k: kept.get(k) for k in SHARED} == SHARED
            charts = page.locator('[data-testid="stVegaLiteChart"]')
            assert charts.count() >= 5
            assert not errors, errors
        finally:
            browser.close()


def _money(value: float) -> str:
    from pitwall import formatting

    return formatting.money(value)


def test_truth_file_has_the_model_truth(fitted_demo):
    truth = json.loads(fitted_demo.with_suffix(".truth.json").read_text())["mmm"]
    assert len(truth["channels"]) == 13
    for ch, t in truth["channels"].items():
        assert t["contribution_eur"] == pytest.approx(t["roas"] * t["spend_eur"], rel=1e-3), ch
        assert 0 < t["marginal_roas"] <= t["roas"] * 1.0001, ch
        if t["contribution_eur"] > 1_000_000:  # many lifted orders: realised near expected
            assert t["realised_contribution_eur"] == pytest.approx(
                t["contribution_eur"], rel=0.15
            ), ch
