"""Pitwall's lead score (pitwall/lead_model.py) on generated leads whose win probability is
known, a test that would catch leakage, the refusals, and the stored model as the command
line and the Leads page read it (without training)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from streamlit.testing.v1 import AppTest

from pitwall import lead_model, lead_views
from pitwall.filters import Filters
from pitwall.load import load
from pitwall.warehouse import open_readonly

ROOT = Path(__file__).resolve().parent.parent
CHANNELS = {"Search": ("online", 0.6), "Social": ("online", -0.4), "Fairs": ("offline", 0.9),
            "Print": ("offline", -0.8), "Telesales": ("offline", 0.3)}  # fmt: skip
SOURCES = {"marketing": -0.3, "sales": 0.5, "partner": 1.0, "service": 0.0, "other": -0.5}
SEGMENTS = {"B2B": 0.4, "B2C": -0.4}
REGIONS = ("North", "South", "East")  # no effect


def generated(n: int, seed: int, flat: float | None = None, open_share: float = 0.05):
    """Leads with a known win probability: logit = -2 + channel + source + segment effects
    (or `flat` for every lead), drawn once. Returns the training rows and the truth p."""
    rng = np.random.default_rng(seed)
    ch = rng.choice(list(CHANNELS), n)
    src = rng.choice(list(SOURCES), n)
    seg = rng.choice(list(SEGMENTS), n)
    logit = -2 + np.array([CHANNELS[c][1] for c in ch]) + np.array([SOURCES[s] for s in src])
    logit = logit + np.array([SEGMENTS[s] for s in seg])
    p = np.full(n, flat) if flat is not None else 1 / (1 + np.exp(-logit))
    won = rng.random(n) < p
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.sort(rng.uniform(0, 700, n)), "D")
    closed = np.ones(n, bool)
    closed[rng.random(n) < open_share] = False
    rows = pd.DataFrame(
        {
            "lead_id": [f"L{i:05d}" for i in range(n)],
            "created_at": created,
            "channel": ch,
            "kind": [CHANNELS[c][0] for c in ch],
            "campaign": [f"{c} {d.year}" for c, d in zip(ch, created, strict=True)],
            "segment": seg,
            "region": rng.choice(REGIONS, n),
            "source": src,
            "touches_before": rng.poisson(2, n),
            "weekday": created.isocalendar().day.to_numpy(),
            "month": created.month,
            "has_customer": won & closed,
            "won": won & closed,
            "closed": closed,
        }
    )
    return rows, p


def validation_part(rows: pd.DataFrame, p: np.ndarray):
    """The leads and truth the model is checked on: the latest 20 % of closed leads."""
    closed = rows.index[rows["closed"]]
    n = len(closed)
    part = closed[n - round(n * lead_model.VALIDATION_SHARE):]
    return rows.loc[part], p[part]


@pytest.fixture(scope="module")
def known():
    rows, p = generated(5000, seed=11)
    return rows, p, lead_model.train(rows, seed=0)


def test_held_out_auc_is_close_to_the_true_probabilitys(known):
    rows, p, trained = known
    valid, p_valid = validation_part(rows, p)
    assert trained.fit["validation_leads"] == len(valid)
    true_auc = roc_auc_score(valid["won"], p_valid)
    assert true_auc > 0.65  # the truth has something to find
    assert abs(trained.fit["auc"] - true_auc) < 0.05, (trained.fit["auc"], true_auc)


def test_held_out_mean_score_is_close_to_the_realised_win_rate(known):
    rows, p, trained = known
    cal = trained.calibration
    mean_score = (cal["mean_score"] * cal["leads"]).sum() / cal["leads"].sum()
    realised = validation_part(rows, p)[0]["won"].mean()
    assert trained.fit["validation_win_rate"] == pytest.approx(realised)
    assert abs(mean_score / realised - 1) < 0.2, (mean_score, realised)
    # the calibration is by decile of the validation leads, 10 groups of (almost) equal size
    assert list(cal["decile"]) == list(range(1, 11))
    assert cal["leads"].max() - cal["leads"].min() <= 1
    # lift in the top decile: its win rate over the validation leads' win rate
    assert trained.fit["top_decile_lift"] == pytest.approx(cal["win_rate"].iloc[-1] / realised)


def test_reasons_name_what_raises_a_score_in_words(known):
    rows, _, trained = known
    coef = trained.coefficients.set_index(["feature", "value"])["coefficient"]
    # partner-sourced Fairs leads are the best bet in the truth: their reasons say so
    best = rows[(rows["source"] == "partner") & (rows["channel"] == "Fairs")].index[0]
    reasons = trained.scores.loc[best, "top_reasons"].split("; ")
    assert "partner-sourced" in reasons and "came in through Fairs" in reasons
    assert coef[("source", "partner")] > coef[("source", "other")]
    assert set(trained.scores["band"]) == {"high", "medium", "low"}


def test_deterministic_with_a_seed(known):
    rows, _, trained = known
    again = lead_model.train(rows, seed=0)
    pd.testing.assert_frame_equal(again.scores, trained.scores)
    assert again.fit["auc"] == trained.fit["auc"]


def test_a_feature_known_only_after_creation_never_enters():
    """Outcomes here are coin flips whatever is known at creation (p = 0.3 for all), while
    the columns a CRM fills later give the outcome away exactly. A model that read any of
    them would score an AUC near 1."""
    rows, _ = generated(2000, seed=5, flat=0.3)
    won = rows["won"]
    later = rows.assign(
        furthest=np.where(won, 6, 3),
        won_at=rows["created_at"].where(won) + pd.Timedelta(days=20),
        lost_at=rows["created_at"].where(~won & rows["closed"]) + pd.Timedelta(days=9),
        qualified_at=rows["created_at"] + pd.to_timedelta(np.where(won, 1, 30), "D"),
        customer_id=np.where(won, "k", None),
    )
    trained = lead_model.train(later, seed=0)
    assert trained.fit["auc"] < 0.6
    assert set(trained.coefficients["feature"]) <= set(lead_model.FEATURES)
    # only won leads name a customer here: their touches before creation are left out
    assert "touches_before" not in trained.fit["features"]
    assert "only won leads name a customer" in trained.fit["left_out"]


def test_touches_count_when_lost_leads_name_customers_too():
    rows, _ = generated(1000, seed=6)
    rows["has_customer"] = True  # every lead names a contact: no outcome in it
    trained = lead_model.train(rows, seed=0)
    assert "touches_before" in trained.fit["features"].split(", ")
    assert trained.fit["left_out"] == ""


def test_the_training_query_reads_only_what_is_known_at_creation(leads_warehouse):
    con = open_readonly(leads_warehouse)
    try:
        cols = list(lead_model.training_rows(con).columns)
    finally:
        con.close()
    # the outcome, the key, the creation date and the leakage guard: nothing else
    assert set(cols) - set(lead_model.FEATURES) == {
        "lead_id", "created_at", "has_customer", "won", "closed"
    }


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        (generated(210, seed=1, open_share=0)[0].iloc[:199],
         "lead scoring needs at least 200 closed leads (won or lost); the warehouse holds 199"),
        (generated(300, seed=2, flat=0.0, open_share=0.1)[0],
         "closed leads were lost: a model needs won and lost leads to learn from"),
    ],
)  # fmt: skip
def test_refuses_too_few_closed_leads_or_one_outcome(rows, says):
    with pytest.raises(lead_model.CannotTrain) as caught:
        lead_model.train(rows)
    assert says in str(caught.value)


# --- the job, the command line and the page -----------------------------------------------


def _frames(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A warehouse's tables holding the generated leads: won leads reach `won` ten days
    after creation, lost ones get a `lost` row, open ones stay identified."""
    campaigns = rows[["campaign", "channel"]].drop_duplicates()
    won, lost = rows[rows["won"]], rows[rows["closed"] & ~rows["won"]]
    stages = pd.concat(
        [
            pd.DataFrame({"lead_id": won["lead_id"], "stage": "won",
                          "entered_at": won["created_at"] + pd.Timedelta(10, "D")}),
            pd.DataFrame({"lead_id": lost["lead_id"], "stage": "lost",
                          "entered_at": lost["created_at"] + pd.Timedelta(5, "D")}),
        ]
    )  # fmt: skip
    return {
        "channels": pd.DataFrame({"channel": list(CHANNELS),
                                  "kind": [k for k, _ in CHANNELS.values()]}),
        "campaigns": pd.DataFrame({"campaign_id": campaigns["campaign"],
                                   "channel": campaigns["channel"]}),
        "leads": pd.DataFrame({"lead_id": rows["lead_id"], "created_at": rows["created_at"],
                               "campaign_id": rows["campaign"], "segment": rows["segment"],
                               "region": rows["region"], "source": rows["source"]}),
        "lead_stages": stages,
        "orders": pd.DataFrame({"order_id": ["o1"], "customer_id": ["k1"],
                                "ordered_at": [pd.Timestamp("2024-06-01")], "revenue": [100.0]}),
    }  # fmt: skip


def cli(*args, warehouse: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pitwall", *args, "--warehouse", str(warehouse)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def trained_warehouse(tmp_path_factory) -> Path:
    """600 generated leads (about 30 open) loaded, and the model trained by the command."""
    path = tmp_path_factory.mktemp("leadmodel") / "warehouse.duckdb"
    load(_frames(generated(600, seed=21)[0]), path)
    run = cli("model", "leads", "--seed", "3", warehouse=path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Lead-scoring model trained on ")
    return path


def test_model_leads_stores_the_model_and_scores_the_open_leads(trained_warehouse):
    con = open_readonly(trained_warehouse)
    try:
        fit = lead_model.read_fit(con)
        open_leads = int((~lead_model.training_rows(con)["closed"]).sum())
        calls = lead_views.call_list(con, Filters(None, None))
    finally:
        con.close()
    assert fit["seed"] == 3 and not fit["stale"]
    assert fit["closed_leads"] + fit["open_leads"] == 600
    assert fit["open_leads"] == open_leads > 0
    assert fit["validation_leads"] == round(fit["closed_leads"] * 0.2)
    assert len(calls) == min(20, open_leads)
    assert calls["score"].is_monotonic_decreasing
    run = cli("export", "lead-scores", "--open", warehouse=trained_warehouse)
    assert run.returncode == 0, run.stderr
    out = pd.read_csv(io.StringIO(run.stdout), keep_default_na=False)
    assert list(out.columns) == ["lead_id", "score", "band", "top_reasons"]
    assert len(out) == open_leads
    assert list(out["lead_id"][:20]) == list(calls["lead_id"])
    assert out["score"].between(0, 1).all() and set(out["band"]) <= {"high", "medium", "low"}


def test_a_later_load_keeps_the_model_and_marks_it_stale(trained_warehouse, tmp_path):
    import shutil

    path = tmp_path / "w.duckdb"
    shutil.copy(trained_warehouse, path)
    orders = pd.DataFrame({"order_id": ["o2"], "customer_id": ["k2"],
                           "ordered_at": [pd.Timestamp("2024-07-01")], "revenue": [50.0]})
    load({"orders": orders}, path)
    con = open_readonly(path)
    try:
        fit = lead_model.read_fit(con)
    finally:
        con.close()
    assert fit is not None and fit["stale"]


def test_model_leads_refuses_in_one_line(tmp_path):
    path = tmp_path / "w.duckdb"
    load(_frames(generated(160, seed=4, open_share=0)[0]), path)
    before = path.read_bytes()
    run = cli("model", "leads", warehouse=path)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == (
        "error: lead scoring needs at least 200 closed leads (won or lost); "
        "the warehouse holds 160"
    )
    assert "Traceback" not in run.stderr and path.read_bytes() == before


def test_the_page_shows_the_stored_model_and_the_call_list_without_training(
    trained_warehouse, monkeypatch
):
    def no_training(*_a, **_k):
        raise AssertionError("the page trained a model")

    monkeypatch.setattr(lead_model, "train", no_training)
    monkeypatch.setattr(lead_model, "run", no_training)
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(trained_warehouse))
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["period"] = "All time"
    at.switch_page("pages/leads.py").run()
    assert not at.exception, [e.value for e in at.exception]
    con = open_readonly(trained_warehouse)
    try:
        fit = lead_model.read_fit(con)
        calls = lead_views.call_list(con, Filters(None, None))
    finally:
        con.close()
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["AUC (validation)"] == f"{fit['auc']:.3f}"
    assert tiles["Open leads scored"] == str(fit["open_leads"])
    shown = [d.value for d in at.dataframe if "top_reasons" in d.value.columns]
    assert len(shown) == 1 and list(shown[0]["lead_id"]) == list(calls["lead_id"])
    assert any(f"trained {fit['trained_at']:%d %b %Y}" in c.value for c in at.caption)
    assert dt.date.today() >= fit["validation_from"]
