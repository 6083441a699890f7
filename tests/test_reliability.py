"""Loads never disturb readers, and a load killed at any moment loses nothing.

The app reads the warehouse read-only (pitwall.warehouse.Warehouse); a load writes a new
file beside it and swaps it in. These tests hold real readers open across real loads and
kill real load processes with SIGKILL.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from app_server import sha256

from pitwall.demo_build import write_files
from pitwall.load import load_folder
from pitwall.warehouse import TMP_MARK, Warehouse, clean_leftovers, open_readonly

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_ORDERS = 15  # tests/golden/orders.csv


def orders(con) -> int:
    return con.execute("SELECT count(*) FROM orders").fetchone()[0]


@pytest.fixture
def more_orders(golden_dir, tmp_path) -> Path:
    """The golden files with one more order (o16): a load that visibly changes the data."""
    folder = tmp_path / "more"
    shutil.copytree(golden_dir, folder, ignore=shutil.ignore_patterns("*.md"))
    with (folder / "orders.csv").open("a") as f:
        f.write("o16,k1,2025-04-20T12:00:00,10,c_search_b2b\n")
    return folder


def test_open_reader_never_blocks_a_load(golden_copy, more_orders):
    wh = Warehouse(golden_copy)
    held = wh.cursor()  # an app session with the warehouse open
    assert orders(held) == GOLDEN_ORDERS
    load_folder(more_orders, golden_copy)  # must not fail with a lock error
    assert orders(held) == GOLDEN_ORDERS  # the open snapshot is unchanged
    assert orders(wh.cursor()) == GOLDEN_ORDERS + 1  # the next rerun sees the new file


def test_query_in_flight_finishes_on_its_snapshot(golden_copy, more_orders):
    wh = Warehouse(golden_copy)
    cur = wh.cursor()
    cur.execute("SELECT order_id FROM orders ORDER BY order_id")
    first = cur.fetchmany(3)
    load_folder(more_orders, golden_copy)  # swapped in while the result is half read
    rest = cur.fetchall()
    ids = [r[0] for r in first + rest]
    assert len(ids) == GOLDEN_ORDERS and "o16" not in ids
    fresh = [r[0] for r in wh.cursor().execute("SELECT order_id FROM orders").fetchall()]
    assert "o16" in fresh


def test_a_load_waits_for_no_reader_in_another_process(golden_copy, more_orders):
    # a second process holding the warehouse open read-only, as a running app does
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pitwall.warehouse import open_readonly; "
         "con = open_readonly(sys.argv[1]); con.execute('SELECT count(*) FROM orders'); "
         "print('open', flush=True); time.sleep(60)", str(golden_copy)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        run = subprocess.run(
            [sys.executable, "-m", "pitwall", "load", str(more_orders),
             "--warehouse", str(golden_copy)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert orders(open_readonly(golden_copy)) == GOLDEN_ORDERS + 1
    finally:
        reader.kill()
        reader.wait()


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory) -> Path:
    """A demo business as CSV files, big enough that a load takes a few seconds."""
    return write_files(tmp_path_factory.mktemp("big"), scale=3, seed=5)


def test_load_killed_at_any_moment_loses_nothing(golden_copy, big_folder):
    """After SIGKILL the warehouse is the old one, byte for byte, or (when the kill came
    after the swap) the complete new one: never a mix, never unreadable."""
    pristine = golden_copy.with_name("pristine.duckdb")
    shutil.copy(golden_copy, pristine)
    before = sha256(golden_copy)
    scratch = golden_copy.with_name("scratch.duckdb")
    start = time.monotonic()
    full = subprocess.run(  # how long a whole load of big_folder takes, and what it gives
        [sys.executable, "-m", "pitwall", "load", str(big_folder), "--warehouse", str(scratch)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert full.returncode == 0, full.stderr
    took = time.monotonic() - start
    new_orders = orders(open_readonly(scratch))
    killed_mid_write = 0
    for share in (0.1, 0.3, 0.5, 0.7, 0.85, 0.95):
        load = subprocess.Popen(
            [sys.executable, "-m", "pitwall", "load", str(big_folder),
             "--warehouse", str(golden_copy)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(took * share)
        leftovers = list(golden_copy.parent.glob(f"{TMP_MARK}*"))
        os.kill(load.pid, signal.SIGKILL)
        load.wait()
        if sha256(golden_copy) == before:
            killed_mid_write += bool(leftovers)
            assert orders(open_readonly(golden_copy)) == GOLDEN_ORDERS
        else:  # killed after the swap: the new warehouse, whole
            assert orders(open_readonly(golden_copy)) == new_orders, f"killed at {share:.0%}"
            shutil.copy(pristine, golden_copy)
        # the dead load's temporary file is removed by the next start or load
        removed = clean_leftovers(golden_copy)
        assert not list(golden_copy.parent.glob(f"{TMP_MARK}*"))
        assert len(removed) >= len(leftovers)
    assert killed_mid_write, "no kill landed while the new file was being written"


def test_concurrent_loads_take_turns_and_keep_each_others_tables(golden_copy, golden_dir,
                                                                  tmp_path):
    # two loads at once, of different tables: each must keep the table the other loaded
    targets = tmp_path / "targets"
    targets.mkdir()
    (targets / "targets.csv").write_text("month,online_share\n2025-01,0.9\n")
    budgets = tmp_path / "budgets"
    budgets.mkdir()
    (budgets / "budgets.csv").write_text("month,channel,amount\n2025-01,search,999\n")
    import threading

    errors: list[BaseException] = []

    def run(folder):
        try:
            load_folder(folder, golden_copy)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in (targets, budgets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    con = open_readonly(golden_copy)
    # the old shape (month, online_share) is stored in the long form
    assert con.execute("SELECT metric, value FROM targets").fetchall() == [("online_share", 0.9)]
    assert con.execute("SELECT amount FROM budgets").fetchall() == [(999.0,)]
    assert orders(con) == GOLDEN_ORDERS  # orders kept from the warehouse


def test_app_start_removes_a_dead_loads_temporary_file(golden_copy, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    dead = golden_copy.with_name(f"{TMP_MARK}{golden_copy.name}.999999999.1")  # no such pid
    dead.write_bytes(b"half a warehouse")
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(golden_copy))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
    assert not dead.exists()
    assert orders(open_readonly(golden_copy)) == GOLDEN_ORDERS
