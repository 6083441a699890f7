"""The benchmark itself (not speed: tests check correctness only). On a small demo it must
measure every page, find the pandas baseline equal to the warehouse, time the app's reruns
and report what the README's performance section quotes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CountingConnection

from pitwall.bench import PAGE_QUERIES
from pitwall.filters import Filters

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "bench.json"
    run = subprocess.run(
        [sys.executable, "-m", "pitwall", "bench", "--scale", "0.05", "--runs", "5",
         "--dir", str(folder / "scale"), "--json", str(out),
         "--no-model"],  # the model's fit and planner times: tests/test_mmm.py
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "load from CSV files" in run.stdout and "app process peak memory" in run.stdout
    return json.loads(out.read_text())


def test_every_page_is_timed_with_every_filter_set(result):
    # all history (no date filter) is where per-entity tables would cost most
    timed = {(r["page"], r["filters"]) for r in result["queries"] if "queries_ms" in r}
    assert timed == {(p, f) for p in PAGE_QUERIES for f in ("default", "narrow", "all")}
    assert all(r["queries_ms"] > 0 for r in result["queries"] if "queries_ms" in r)


def test_pandas_baseline_agrees_with_the_warehouse(result):
    compared = [r for r in result["queries"] if "pandas_ms" in r]
    assert {r["page"] for r in compared} == {"spend_balance", "channel_roi", "funnel", "cohorts"}
    assert all(r["equal"] for r in compared), [r.get("difference") for r in compared]
    # the speedup is rounded to 0.1: below 1 (tiny data) that is more than 5 %
    assert all(r["speedup"] == pytest.approx(r["pandas_ms"] / r["view_ms"], rel=0.05, abs=0.051)
               for r in compared)


def test_load_counts_the_files_it_loaded(result):
    rows = result["load"]["rows"]
    assert rows["orders"] > 1000 and rows["leads"] > 100 and rows["lead_stages"] > rows["leads"]
    assert result["load"]["load_s"] >= result["load"]["build_s"] > 0


def test_app_reruns_memory_and_chart_rows(result):
    app = result["app"]
    assert set(app["reruns_ms"]) == set(PAGE_QUERIES)
    assert all(ms > 0 for ms in app["reruns_ms"].values())
    assert 50 < app["peak_rss_mb"] < 4096
    assert 0 < app["max_chart_rows"] <= 10_000


def test_too_few_runs_is_refused(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "pitwall", "bench", "--runs", "2", "--dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 2  # a bad flag value: bad input
    assert "--runs must be 5 or more" in run.stderr
    assert not any(tmp_path.iterdir())


def test_without_pandas_every_page_is_timed_and_the_table_says_so(result, golden_warehouse):
    """--no-pandas (scale 1000: the tables do not fit in memory) times the same query sets
    and leaves the baseline's columns empty."""
    from pitwall import bench

    rows = bench.measure_queries(golden_warehouse, 1, lambda _: None, pandas=False)
    timed = {(r["page"], r["filters"]) for r in rows if "queries_ms" in r}
    assert timed == {(p, f) for p in PAGE_QUERIES for f in ("default", "narrow", "all")}
    assert not any("pandas_ms" in r for r in rows)
    text = bench.table(result | {"queries": rows})
    assert "not measured (--no-pandas)" in text


def test_a_query_set_reads_a_shared_query_once(golden_con, monkeypatch):
    """Channel ROI by channel and by campaign ask the same query: one run of the set reads it
    once (queries.memo), and a view changing its frame does not change the other's."""
    from pitwall import navigation

    con = CountingConnection(golden_con)
    reads = con.reads
    f = Filters(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    calls = navigation.BY_PATH["channel_roi"].queries(f)
    alone = {k: navigation.run(con, c) for k, c in calls.items()}
    without = len(reads)
    reads.clear()
    answers = navigation.run_set(con, calls)
    assert len(reads) == len(set(reads)) < without
    for key, frame in alone.items():
        if hasattr(frame, "equals"):
            assert frame.equals(answers[key]), key
