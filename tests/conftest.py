"""Shared fixtures: warehouses built from the hand-made golden business."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pitwall.load import load_folder
from pitwall.warehouse import open_readonly

GOLDEN = Path(__file__).parent / "golden"


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


# --- the budget planner: the demo business with a stored model fit (one fit per session) ---

DEMO_END = "2026-11-21"  # fixes the demo's window, so the fit's figures are reproducible
FIT_SEED = 1


@pytest.fixture(scope="session")
def fitted_demo(tmp_path_factory) -> Path:
    """The demo warehouse (scale 1, seed 0) with a model fitted by the command line, as a
    user would. Read it, don't write it; copy it to load or refit."""
    import subprocess
    import sys

    path = tmp_path_factory.mktemp("fitted") / "warehouse.duckdb"
    root = Path(__file__).resolve().parent.parent
    for args in (
        ["demo", "--end", DEMO_END],
        ["model", "fit", "--seed", str(FIT_SEED)],
    ):
        run = subprocess.run(
            [sys.executable, "-m", "pitwall", *args, "--warehouse", str(path)],
            cwd=root, capture_output=True, text=True, timeout=900,
        )
        assert run.returncode == 0, run.stderr[-3000:]
    path.with_name("fit.log").write_text(run.stdout + run.stderr)
    return path
