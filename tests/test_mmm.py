"""The marketing-mix model job (pitwall.mmm) and its commands, checked against the demo's
known truth (demo.py's lift: adstock + saturation per channel) and on small made-up
businesses whose data the model must refuse.

One real fit of the demo per session (conftest.fitted_demo, through the command line); the
reproducibility check fits a small business twice with few draws."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pitwall import demo, highlights, mmm, plan_views
from pitwall.bench import measure_model
from pitwall.filters import Filters
from pitwall.load import load
from pitwall.warehouse import open_readonly

ROOT = Path(__file__).resolve().parent.parent
FLOOR = 0.30  # docs/metrics.md: no channel is held closer than 30 % to the truth
BURSTS = {"Trade fairs", "PR & events", "Direct mail"}


def cli(*args, warehouse: Path | None = None, timeout=600):
    extra = ["--warehouse", str(warehouse)] if warehouse else []
    return subprocess.run(
        [sys.executable, "-m", "pitwall", *args, *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="module")
def con(fitted_demo):
    c = open_readonly(fitted_demo)
    yield c
    c.close()


@pytest.fixture(scope="module")
def truth(fitted_demo) -> pd.DataFrame:
    t = json.loads(fitted_demo.with_suffix(".truth.json").read_text())["mmm"]["channels"]
    df = pd.DataFrame(t).T
    # what a weekly model can see: the lift plus the first orders of the channel's leads and
    # direct customers (docs/metrics.md, "How far to trust it")
    df["visible_roas"] = df["roas"].astype(float) + df["first_order_roas"].astype(float)
    return df


@pytest.fixture(scope="module")
def channels(con, truth) -> pd.DataFrame:
    ch = plan_views.mmm_channels(con).set_index("channel")
    return ch.join(truth[["visible_roas"]])


@pytest.fixture(scope="module")
def tolerance(con, truth) -> pd.Series:
    """Per channel: the larger of 30 % and twice the relative standard error an ideal model
    would have (docs/metrics.md, "How far to trust it"): the true weekly contribution of
    every channel (the truth's curve on the modelled weeks' spend, scaled to the visible
    ROAS) and the model's base regressors in one least-squares fit, the noise being what
    the stored fit leaves unexplained. Low where a channel's own flighting moves the outcome
    well above the noise; high where its weekly contribution is small or shared with others'."""
    spend = mmm.read_table(con, "mmm_spend").pivot(index="week", columns="channel",
                                                    values="spend")
    weekly = plan_views.weekly(con).pivot(index="week", columns="series", values="value")
    sigma = float((weekly["actual"] - weekly["fitted"]).std())
    n = len(spend)
    cols = []
    for ch in spend.columns:
        t = truth.loc[ch]
        z = demo.adstock(spend[ch].to_numpy(), float(t["adstock_alpha"]))
        lift = float(t["saturation_beta_eur_per_week"]) * demo.logistic(
            z / float(t["largest_weekly_spend_eur"]), float(t["saturation_lam"])
        )
        cols.append(lift * t["visible_roas"] / float(t["roas"]))
    x = np.linspace(0, 1, n)
    year = pd.to_datetime(spend.index).day_of_year.to_numpy() / 365.25
    base = [np.ones(n), x, np.sqrt(x)] + [
        f(2 * np.pi * k * year) for k in range(1, mmm.FOURIER_PAIRS + 1) for f in (np.sin, np.cos)
    ]
    design = np.column_stack(cols + base)
    se = sigma * np.sqrt(np.diag(np.linalg.inv(design.T @ design)))[: len(cols)]
    return pd.Series(np.maximum(FLOOR, 2 * se), index=spend.columns)


# --- the fit on the demo -------------------------------------------------------------------


def test_fit_is_stored_with_its_diagnostics(con, fitted_demo):
    fit = mmm.read_fit(con)
    assert fit["outcome"] == "revenue" and fit["seed"] == 1 and not fit["stale"]
    assert fit["weeks"] == 155 and fit["channels"] == 13
    assert fit["first_week"] == dt.date(2023, 11, 6) and fit["last_week"] == dt.date(2026, 10, 19)
    assert fit["r_hat_max"] <= 1.05 and fit["divergences"] <= 5
    assert fit["r2"] > 0.9 and fit["mape"] < 0.15
    assert 0 < fit["holdout_mape"] < 0.25
    log = fitted_demo.with_name("fit.log").read_text()
    assert "Model fitted on 155 weeks x 13 channels (revenue)" in log
    assert "Traceback" not in log and "recommend" not in log


def test_every_channel_within_its_tolerance(channels, tolerance):
    """docs/metrics.md: modelled ROAS within the larger of 30 % and two ideal standard errors
    of the truth (the big, well-flighted channels are held to 30 %)."""
    # not a free pass: the big, pulsed channels are held close (fairs, PR & events at 30 %;
    # search, telesales, direct mail about 50 %)
    assert (tolerance[["Trade fairs", "PR & events"]] <= 0.35).all(), tolerance
    assert (tolerance <= 0.55).sum() >= 5, tolerance
    err = (channels["roas"] / channels["visible_roas"] - 1).abs()
    tolerance = tolerance.reindex(err.index)
    off = err > tolerance
    assert not off.any(), pd.DataFrame({"err": err, "tolerance": tolerance})[off]


def test_channels_ranked_as_the_truth_ranks_them(channels, tolerance):
    """Every pair in the truth's order, unless their true ROAS lie within each other's
    tolerance (their allowed ranges overlap: then a swap is no rank error)."""
    want = channels["visible_roas"]
    checked = 0
    for a in channels.index:
        for b in channels.index:
            if want[a] <= want[b]:
                continue
            if want[a] * (1 - tolerance[a]) <= want[b] * (1 + tolerance[b]):
                continue  # too close to tell apart at this noise
            checked += 1
            assert channels.loc[a, "roas"] > channels.loc[b, "roas"], (a, b)
    # the big, well-measured channels (30-50 %) against the low-return offline ones: e.g.
    # trade fairs (5.6) above direct mail (2.5), print (1.3) and radio/TV (1.2)
    assert checked >= 6


def test_channels_the_data_cannot_pin_down_say_so(channels, tolerance):
    """A channel an ideal model could only measure to +-25 % or worse shows a wide interval
    (97th over 3rd percentile above 5: "mostly prior"); a channel the model calls decided
    by the data is within 30 %."""
    for ch in channels.index:
        if tolerance[ch] >= 0.5:
            assert channels.loc[ch, "evidence"] == "mostly prior", ch
        if channels.loc[ch, "evidence"] == "data":
            err = channels.loc[ch, "roas"] / channels.loc[ch, "visible_roas"] - 1
            assert abs(err) <= FLOOR, ch


def test_intervals_hold_the_truth_for_most_channels(channels):
    inside = (channels["roas_low"] <= channels["visible_roas"]) & (
        channels["visible_roas"] <= channels["roas_high"]
    )
    assert inside.sum() >= 11, channels.loc[~inside, ["roas_low", "roas_high", "visible_roas"]]


def test_offline_gap_the_headline(channels):
    """Trade fairs' orders carry no campaign: attribution sees a fraction of what they bring."""
    fairs = channels.loc["Trade fairs"]
    assert fairs["attributed_roas"] < 1 < fairs["roas_low"]
    assert fairs["roas"] > 4 * fairs["attributed_roas"]


def test_attributed_roas_is_channel_rois_figure(con, channels):
    from pitwall import views

    fit = mmm.read_fit(con)
    f = Filters(fit["first_week"], fit["last_week"] + dt.timedelta(days=6))
    roi = views.channel_roi(con, f).set_index("channel")
    for ch in ("Trade fairs", "Paid search", "Print"):
        assert channels.loc[ch, "attributed_roas"] == pytest.approx(roi.loc[ch, "roas"])


def test_marginal_below_average_where_curves_saturate(channels):
    # logistic curves are concave: the next euro never returns more than the average euro
    assert (channels["marginal_roas"] <= channels["roas"] * 1.0001).all()


def test_curves_rise_and_their_bands_hold_the_median(con):
    curves = plan_views.response_curves(con)
    for _ch, c in curves.groupby("channel"):
        assert c["weekly_spend"].iloc[0] == 0 and c["weekly_outcome"].iloc[0] == 0
        assert (np.diff(c["weekly_outcome"]) >= -1e-9).all()
        assert (c["weekly_outcome_low"] <= c["weekly_outcome"] + 1e-9).all()
        assert (c["weekly_outcome"] <= c["weekly_outcome_high"] + 1e-9).all()


def test_contributions_add_up_to_the_fit(con):
    w = plan_views.weekly(con).pivot(index="week", columns="series", values="value")
    channels = [c for c in w.columns if c.startswith("ch:")]
    assert len(channels) == 13
    assert (w["base"] + w[channels].sum(axis=1)).to_numpy() == pytest.approx(
        w["fitted"].to_numpy(), rel=1e-9
    )


# --- the commands --------------------------------------------------------------------------


def test_exports_have_the_declared_columns(fitted_demo):
    for view in ("mmm-channels", "response-curves"):
        run = cli("export", view, warehouse=fitted_demo)
        assert run.returncode == 0, run.stderr
        header = run.stdout.splitlines()[0].split(",")
        assert header == plan_views.VIEW_COLUMNS[view]
    run = cli("export", "mmm-channels", "--format", "json", warehouse=fitted_demo)
    rows = json.loads(run.stdout)
    assert {r["channel"] for r in rows} >= BURSTS


def test_plan_command_meets_its_limits(fitted_demo, tmp_path):
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("channel,min,max\nTrade fairs,300000,700000\nPrint,0,20000\n")
    run = cli(
        "plan", "--budget", "1300000", "--weeks", "13", "--min-online-share", "0.30",
        "--bounds", str(bounds), "--format", "json", warehouse=fitted_demo,
    )
    assert run.returncode == 0, run.stderr
    plan = pd.DataFrame(json.loads(run.stdout))
    assert list(plan.columns) == plan_views.PLAN_COLUMNS
    assert plan["planned_spend"].sum() == pytest.approx(1_300_000, abs=1e-3)
    assert plan["current_spend"].sum() == pytest.approx(1_300_000, abs=1e-3)
    online = plan.loc[plan["kind"] == "online", "planned_spend"].sum()
    assert online / 1_300_000 >= 0.30 - 1e-9
    p = plan.set_index("channel")
    assert 300_000 - 1e-6 <= p.loc["Trade fairs", "planned_spend"] <= 700_000 + 1e-6
    assert p.loc["Print", "planned_spend"] <= 20_000 + 1e-6
    # exports round to 6 decimals
    moved = p["planned_spend"] - p["current_spend"]
    assert p["change"].to_numpy() == pytest.approx(moved.to_numpy(), abs=1e-5)
    assert p["expected_outcome_planned"].sum() > p["expected_outcome_current"].sum()


def test_plan_command_matches_the_view(fitted_demo, con):
    run = cli("plan", "--weeks", "13", warehouse=fitted_demo)
    assert run.returncode == 0, run.stderr
    from io import StringIO

    printed = pd.read_csv(StringIO(run.stdout))
    view = plan_views.plan(plan_views.plan_data(con), plan_views.PlanRequest(weeks=13))
    want = plan_views.export_frame("plan", view.table)
    pd.testing.assert_frame_equal(printed, want.reset_index(drop=True), check_dtype=False)


def test_plan_refuses_impossible_limits_naming_them(fitted_demo):
    run = cli("plan", "--budget", "1000000", "--min-online-share", "0.95", warehouse=fitted_demo)
    assert run.returncode == 2
    assert "online-share floor of 95%" in run.stderr and "Traceback" not in run.stderr
    run = cli("plan", "--min-online-share", "0.6", "--max-online-share", "0.4",
              warehouse=fitted_demo)
    assert run.returncode == 2 and "above the ceiling" in run.stderr


def test_replanning_is_fast(fitted_demo):
    m = measure_model(fitted_demo, runs=5, progress=lambda _m: None, fit=False)
    assert m["reoptimise_ms"] < 1000, m
    assert m["fit_s"] > 0 and m["weeks"] == 155


# --- staleness, highlights -----------------------------------------------------------------


def test_a_load_keeps_the_fit_and_marks_it_stale(fitted_demo, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(fitted_demo, path)
    c = open_readonly(path)
    monday = c.execute("SELECT max(week) FROM mmm_spend").fetchone()[0]
    assert highlights.marginal_returns(c, monday, Filters())  # fresh fit: the finding shows
    c.close()
    # the same channels, loaded again (the other tables are kept)
    load({"channels": _channels_of(path)}, path, origin="demo")
    c = open_readonly(path)
    try:
        fit = mmm.read_fit(c)
        assert fit["stale"]
        assert len(plan_views.mmm_channels(c)) == 13  # the results stay readable
        assert highlights.marginal_returns(c, monday, Filters()) == []
    finally:
        c.close()


def _channels_of(path: Path) -> pd.DataFrame:
    c = open_readonly(path)
    try:
        return c.execute('SELECT channel, kind, "group" FROM channels').df()
    finally:
        c.close()


def test_marginal_highlight_names_both_ends(con):
    monday = con.execute("SELECT max(week) FROM mmm_spend").fetchone()[0]
    found = highlights.marginal_returns(con, monday, Filters())
    assert len(found) == 1
    ch = plan_views.mmm_channels(con)
    low = ch.loc[ch["marginal_roas"].idxmin(), "channel"]
    high = ch.loc[ch["marginal_roas"].idxmax(), "channel"]
    assert f"**{low}** returns about €" in found[0].text and f"**{high}** about €" in found[0].text
    assert "94 % intervals" in found[0].text
    assert found[0].page == "budget_planner"
    assert highlights.marginal_returns(con, monday, Filters(kind="online")) == []


# --- refusals and reproducibility on small made-up businesses ------------------------------


def _business(weeks: int, *, rare: str | None = None, revenue: str = "varies", seed: int = 0):
    """Two channels with spend every week (plus `rare`, spending in 5 weeks), and orders."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=weeks * 7, freq="D")
    names = ["Search", "Fairs"] + ([rare] if rare else [])
    spend = []
    for i, ch in enumerate(names):
        for d in days:
            if ch == rare and (d.day_of_year % 7 != 0 or d > days[40]):
                continue  # the rare channel spends on 5 days, in 5 different weeks
            pulse = 1 + (i == 1) * (d.month % 3 == 0)  # the fair channel spends in bursts
            spend.append((d, f"C{i}", float(rng.uniform(50, 500) * pulse)))
    spend = pd.DataFrame(spend, columns=["date", "campaign_id", "amount"])
    daily = spend.groupby("date")["amount"].sum().reindex(days, fill_value=0)
    if revenue == "none":
        values = np.zeros(len(days))
    elif revenue == "constant":
        values = np.full(len(days), 100.0)
    else:
        values = 1000 + 2 * daily.to_numpy() + rng.normal(0, 50, len(days))
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(days))],
            "customer_id": "K1",
            "ordered_at": days + pd.Timedelta(hours=12),
            "revenue": values,
        }
    )
    return {
        "channels": pd.DataFrame(
            {"channel": names, "kind": ["online", "offline", "offline"][: len(names)]}
        ),
        "campaigns": pd.DataFrame({"campaign_id": [f"C{i}" for i in range(len(names))],
                                   "channel": names}),
        "spend": spend,
        "orders": orders,
    }


def _warehouse(tmp_path: Path, name: str, **kwargs) -> Path:
    path = tmp_path / name / "warehouse.duckdb"
    path.parent.mkdir()
    load(_business(**kwargs), path)
    return path


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"weeks": 40}, "at least 52 whole weeks of data; the warehouse holds 40"),
        (
            {"weeks": 60, "rare": "Sponsoring"},
            "at least 8 weeks to be modelled: Sponsoring (5 weeks)",
        ),
        ({"weeks": 60, "revenue": "none"}, "no revenue in the modelled weeks"),
        ({"weeks": 60, "revenue": "constant"}, "revenue is the same every week"),
        ({"weeks": 60, "outcome": "leads"}, "no leads in the modelled weeks"),
    ],
)
def test_fit_refuses_data_it_cannot_model(tmp_path, kwargs, says):
    outcome = kwargs.pop("outcome", "revenue")
    path = _warehouse(tmp_path, "w", **kwargs)
    run = cli("model", "fit", "--outcome", outcome, warehouse=path)
    assert run.returncode == 2, run.stderr
    assert says in run.stderr and "Traceback" not in run.stderr
    # progress lines, then one line saying why
    assert run.stderr.strip().splitlines()[-1] == f"error: {run.stderr.split('error: ')[1].strip()}"
    assert run.stderr.count("error:") == 1


def test_fit_refuses_too_few_draws(tmp_path):
    path = _warehouse(tmp_path, "w", weeks=60)
    run = cli("model", "fit", "--draws", "10", warehouse=path)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == (
        "error: --draws must be between 50 and 5000, not 10"
    )


def test_commands_without_a_fit_say_which_command_makes_one(tmp_path):
    path = _warehouse(tmp_path, "w", weeks=60)
    for args in (["plan", "--budget", "1000"], ["export", "mmm-channels"],
                 ["export", "response-curves"]):
        run = cli(*args, warehouse=path)
        assert run.returncode == 1, (args, run.stderr)
        assert "run `python -m pitwall model fit` first" in run.stderr
        assert "Traceback" not in run.stderr


def test_fit_is_reproducible_with_a_seed(tmp_path):
    """Two fits with the same seed on a small business, few draws. The sampler's compiled
    program is kept in a cache for the second fit (compiling is most of such a fit's time);
    the draws themselves are sampled again."""
    import jax

    jax.config.update("jax_compilation_cache_dir", str(tmp_path / "jax"))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    path = _warehouse(tmp_path, "w", weeks=60)
    tables = []
    for i in range(2):
        copy = tmp_path / f"copy{i}.duckdb"
        shutil.copy(path, copy)
        mmm.fit(copy, seed=5, draws=40, tune=40, holdout=False)
        c = open_readonly(copy)
        tables.append(c.execute("SELECT * FROM mmm_draws ORDER BY channel, draw").df())
        c.close()
    pd.testing.assert_frame_equal(tables[0], tables[1])
    assert tables[0]["beta"].std() > 0  # real draws, not a constant


def test_docs_list_the_columns_the_commands_print():
    """docs/metrics.md's export table is the contract: it must name the same columns."""
    text = (ROOT / "docs" / "metrics.md").read_text()
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2:
            rows[cells[0].split(" ")[0]] = [c.strip() for c in cells[1].split(",")]
    for view, cols in plan_views.VIEW_COLUMNS.items():
        assert rows[view] == cols, view
    assert rows["plan"] == plan_views.PLAN_COLUMNS


def test_controls_reach_the_model_scaled(tmp_path):
    """controls.csv: averaged per ISO week, centred, divided by the largest deviation; a week
    without a value counts as average (0)."""
    tables = _business(weeks=60)
    days = pd.date_range("2024-01-01", periods=14, freq="D")  # ISO weeks 2024-W01, W02
    tables["controls"] = pd.DataFrame(
        {"date": days, "name": "price index", "value": [1.0] * 7 + [3.0] * 7}
    )
    path = tmp_path / "warehouse.duckdb"
    load(tables, path)
    c = open_readonly(path)
    try:
        inputs = mmm.weekly_inputs(c)
    finally:
        c.close()
    col = inputs.controls["price index"]
    assert len(col) == len(inputs.weeks) == 60
    # weekly means 1 and 3 (mean 2): centred -1, +1; largest deviation 1
    assert col.iloc[0] == pytest.approx(-1.0) and col.iloc[1] == pytest.approx(1.0)
    assert (col.iloc[2:] == 0).all()


def test_revenue_comes_from_sales_when_there_are_no_orders(tmp_path):
    """A shop that only knows its daily sales totals: the outcome `revenue` is their weekly
    sum. 2024-01-01 is a Monday; 60 whole weeks of spend and sales."""
    tables = _business(weeks=60)
    days = pd.date_range("2024-01-01", periods=60 * 7, freq="D")
    week = np.arange(len(days)) // 7
    # a day of week k sells 1,000 + 10 k: a week sums to 7 x (1,000 + 10 k)
    tables["sales"] = pd.DataFrame({"date": days, "revenue": 1000.0 + 10 * week})
    del tables["orders"]
    path = tmp_path / "warehouse.duckdb"
    load(tables, path)
    c = open_readonly(path)
    try:
        inputs = mmm.weekly_inputs(c)
    finally:
        c.close()
    assert len(inputs.weeks) == 60 and inputs.weeks[0] == dt.date(2024, 1, 1)
    assert inputs.y[0] == pytest.approx(7_000.0) and inputs.y[1] == pytest.approx(7_070.0)
    assert inputs.y[59] == pytest.approx(7 * (1000 + 590))
