"""Shared fixtures: warehouses built from the hand-made golden business."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pitwall.load import load_folder
from pitwall.warehouse import open_readonly

GOLDEN = Path(__file__).parent / "golden"

# Hypothesis: `make test` runs the "ci" profile, derandomized (the same examples on every run
# and every machine, so CI never passes or fails by chance) with a modest budget that each
# test may lower (tests/test_fuzz.py: `examples(n)`). `make fuzz` runs the same properties
# under "fuzz": random, many examples; a failure it finds is added as an @example. No
# .hypothesis/ folder is written in either.
_SHARED = dict(
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("ci", derandomize=True, max_examples=20, **_SHARED)
settings.register_profile("fuzz", derandomize=False, max_examples=300, **_SHARED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The files that take a minute or more, started first: with two workers (`make test`:
# pytest-xdist, a file per worker at a time) the short files then fill the gaps, and no long
# file runs alone at the end.
LONG_FILES = (
    "test_mmm", "test_spark_build", "test_concurrency", "test_bench", "test_browser",
    "test_reliability",
)


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.module.__name__.rpartition(".")[2]
        return LONG_FILES.index(name) if name in LONG_FILES else len(LONG_FILES)

    items.sort(key=rank)  # stable: each file keeps its own order


@pytest.fixture(autouse=True)
def fresh_caches():
    """The app's warehouse is an st.cache_resource and its views st.cache_data: every test
    (AppTest runs pages in this process) starts clean."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def drawn_charts(monkeypatch) -> list:
    """Every Altair chart the app draws during the test (through dashboard.chart), with the
    spec it was drawn from, filled as pages run."""
    import copy

    from pitwall import chart_spec

    drawn = []
    convert = chart_spec.spec

    def recording(chart):
        spec = convert(chart)
        drawn.append((chart, copy.deepcopy(spec)))  # Streamlit moves the data out of spec
        return spec

    monkeypatch.setattr(chart_spec, "spec", recording)
    return drawn


def assert_drawn_as_streamlit_would(drawn: list) -> None:
    """Each chart was drawn from st.altair_chart's own conversion of it, which validates the
    spec against the Vega-Lite schema (pitwall/chart_spec.py converts without that check)."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    assert drawn, "no chart was drawn"
    for chart, spec in drawn:
        assert spec == _convert_altair_to_vega_lite_spec(chart)


class CountingConnection:
    """A DuckDB connection that records every statement it runs (`reads`: text and
    parameters), for tests of what a query set reads."""

    def __init__(self, con):
        self.con, self.reads = con, []

    def __getattr__(self, name):
        return getattr(self.con, name)

    def execute(self, text, params=None):
        self.reads.append((text, repr(params)))
        return self.con.execute(text, params)


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    return GOLDEN


@pytest.fixture(scope="session")
def golden_warehouse(tmp_path_factory) -> Path:
    """The golden business loaded once per test session (read it, don't write it)."""
    return _golden_plus(tmp_path_factory, "golden")


@pytest.fixture
def golden_con(golden_warehouse):
    con = open_readonly(golden_warehouse)
    yield con
    con.close()


@pytest.fixture
def golden_copy(golden_warehouse, tmp_path) -> Path:
    """A private copy of the golden warehouse that a test may load into."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(golden_warehouse, path)
    return path


def _golden_plus(tmp_path_factory, name: str, *extra: str) -> Path:
    """The golden business with the tables of tests/<extra>/ loaded on top."""
    path = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
    load_folder(GOLDEN, path)
    for folder in extra:
        load_folder(GOLDEN.parent / folder, path)
    return path


@pytest.fixture(scope="session")
def touch_warehouse(tmp_path_factory) -> Path:
    """The golden business with tests/golden_touchpoints (see tests/golden/README.md)."""
    return _golden_plus(tmp_path_factory, "touch", "golden_touchpoints")


@pytest.fixture(scope="session")
def margin_warehouse(tmp_path_factory) -> Path:
    """The golden business with tests/golden_margins: orders with gross margins and two
    orders in January 2026 (see tests/golden/README.md)."""
    return _golden_plus(tmp_path_factory, "margin", "golden_margins")


@pytest.fixture(scope="session")
def loyalty_warehouse(tmp_path_factory) -> Path:
    """The golden business with tests/golden_loyalty: NPS answers, orders with their sales
    channel (and four in 2026), spend with impressions and clicks (tests/golden/README.md)."""
    return _golden_plus(tmp_path_factory, "loyalty", "golden_loyalty")


@pytest.fixture
def loyalty_con(loyalty_warehouse):
    con = open_readonly(loyalty_warehouse)
    yield con
    con.close()


@pytest.fixture
def touch_con(touch_warehouse):
    con = open_readonly(touch_warehouse)
    yield con
    con.close()


@pytest.fixture
def margin_con(margin_warehouse):
    con = open_readonly(margin_warehouse)
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """A small demo business (scale 0.2, seed 3, to November 2026): thirteen channels."""
    import datetime as dt

    from pitwall.demo_build import build_demo

    path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    build_demo(path, scale=0.2, seed=3, end=dt.date(2026, 11, 21))
    return path


# --- the budget planner: the demo business with a stored model fit (one fit per session) ---

DEMO_END = "2026-11-21"  # fixes the demo's window, so the fit's figures are reproducible
FIT_SEED = 1
# Half the default draws: the posterior's medians and intervals move by a few percent at
# most (docs/metrics.md), well inside the tests' tolerances, and the fit takes less time.
FIT_DRAWS = 250


@pytest.fixture(scope="session")
def fitted_demo(tmp_path_factory, worker_id) -> Path:
    """The demo warehouse (scale 1, seed 0) with a model fitted by the command line, as a
    user would. Read it, don't write it; copy it to load or refit.

    One fit per run: `make test` runs two pytest-xdist workers, which share the run's temp
    folder; the first to ask fits under a lock, the other waits and reads the same file."""
    import subprocess
    import sys

    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base
    folder = shared / "fitted"
    path = folder / "warehouse.duckdb"
    root = Path(__file__).resolve().parent.parent
    with FileLock(str(shared / "fitted.lock")):
        if (folder / "fit.log").exists():
            return path
        folder.mkdir(exist_ok=True)
        for args in (
            ["demo", "--end", DEMO_END],
            ["model", "fit", "--seed", str(FIT_SEED), "--draws", str(FIT_DRAWS)],
        ):
            run = subprocess.run(
                [sys.executable, "-m", "pitwall", *args, "--warehouse", str(path)],
                cwd=root, capture_output=True, text=True, timeout=900,
            )
            assert run.returncode == 0, run.stderr[-3000:]
        (folder / "fit.log").write_text(run.stdout + run.stderr)
    return path


@pytest.fixture(scope="session")
def leads_warehouse(tmp_path_factory) -> Path:
    """The golden business with tests/golden_leads: leads with a source and a CRM score."""
    return _golden_plus(tmp_path_factory, "leads", "golden_leads")
