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
    path = tmp_path_factory.mktemp("golden") / "warehouse.duckdb"
    load_folder(GOLDEN, path)
    return path


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
