"""The build on Spark (`python -m pitwall build --engine spark`) equals the DuckDB load.

The same source folder is loaded by DuckDB (`pitwall.load.load_folder`) and built on Spark
(`pitwall.spark_build.run`, local[2], one SparkSession for the whole file); the two
warehouse files must hold the same tables (contract, derived, the load's record), the same
types and the same rows, and the same macros. Integers, text, dates and timestamps must be
exactly equal. Doubles are compared within 1e-9 (relative) and only where Spark adds them up
in another order or computes pow() in Java: customer_months' revenue and margin sums,
path_corrections_30's decay and decay_total; DuckDB's own results also vary in that last
digit with its thread count.

Bad files: the bad-file cases of tests/test_load_errors.py, planted together in two folders
(column rules and file problems in one, table rules in the other: a load stops before the
table rules when a file breaks a column rule), must be refused by both engines with the same
problems (code, file, row, column, value and message), and leave a warehouse untouched.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_load_errors import VALID, fingerprint, insert_row, set_cell, write_folder

from pitwall import queries, spark_build, views
from pitwall.filters import Filters
from pitwall.load import load_folder
from pitwall.problems import LoadError
from pitwall.warehouse import open_readonly

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
# Spark sums floats in another order (and takes powers in Java): DOUBLE columns may differ in
# the last digit, so they are compared within 1e-9; every other column exactly.
FLOATS = ("DOUBLE", "FLOAT")


@pytest.fixture(scope="session")
def spark():
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.fail("Java 17+ is needed for the Spark build (scripts/system-deps.sh installs it)")
    session = spark_build.session("local[2]", spark_build.SMALL_INPUTS)
    yield session
    session.stop()


def both(spark, source: Path, root: Path) -> tuple[Path, Path]:
    """The warehouse files DuckDB and Spark build from `source`."""
    duck, built = root / "duck" / "warehouse.duckdb", root / "spark" / "warehouse.duckdb"
    load_folder(source, duck)
    spark_build.run(str(source), built, spark=spark)
    return duck, built


def _tables(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'w' ORDER BY 1"
    ).fetchall()]


def _macros(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE database_name = 'w' "
        "AND function_type LIKE '%macro%' ORDER BY 1"
    ).fetchall()]


def _same_value(a, b, close: bool) -> bool:
    if close and isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def assert_same_warehouse(duck: Path, built: Path) -> dict[str, int]:
    """Every table: same columns and types, same rows (sorted), every column. Returns rows
    per table."""
    a, b = open_readonly(duck), open_readonly(built)
    try:
        assert _tables(a) == _tables(b)
        assert _macros(a) == _macros(b)
        counts = {}
        for table in _tables(a):
            cols = a.execute(f'DESCRIBE "{table}"').fetchall()
            assert [c[:2] for c in cols] == [c[:2] for c in b.execute(
                f'DESCRIBE "{table}"').fetchall()], table
            # when each was loaded is the one thing that differs
            names = [c[0] for c in cols if c[0] != "loaded_at" and table != "pitwall_meta"]
            if not names:
                continue
            sql = f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)} FROM "{table}"'
            # sort on the exact columns first, so rows whose floats differ in the last digit
            # still meet their partner
            floats = {c[0] for c in cols if c[1] in FLOATS}
            exact = [n for n in names if n not in floats]
            order = ", ".join(f'"{n}"' for n in exact + [n for n in names if n not in exact])
            ra = a.execute(f"{sql} ORDER BY {order}").fetchall()
            rb = b.execute(f"{sql} ORDER BY {order}").fetchall()
            assert len(ra) == len(rb), table
            close = [n in floats for n in names]
            for x, y in zip(ra, rb, strict=True):
                assert all(
                    _same_value(u, v, c) for u, v, c in zip(x, y, close, strict=True)
                ), (table, x, y)
            counts[table] = len(ra)
        meta_a = dict(a.execute("SELECT * FROM pitwall_meta").fetchall())
        meta_b = dict(b.execute("SELECT * FROM pitwall_meta").fetchall())
        assert meta_a.keys() == meta_b.keys() and meta_a["origin"] == meta_b["origin"] == "files"
        return counts
    finally:
        a.close()
        b.close()


# A build step as a new rollup would be added (queries/build/NN_*.sql): the Spark build must
# carry it without being told. It also adds rows to its table, as a step may.
NEW_STEP = """\
-- Build: orders and revenue per day and campaign, and one total row.
-- Grain: day x campaign. Parameters: none. Columns: day, campaign_id, orders, revenue.
CREATE OR REPLACE TABLE orders_daily AS
SELECT CAST(date_trunc('day', ordered_at) AS DATE) AS day, campaign_id, count(*) AS orders,
    sum(revenue) AS revenue
FROM orders
GROUP BY ALL
ORDER BY day;

INSERT INTO orders_daily
SELECT NULL, 'all', count(*), sum(revenue) FROM orders;
"""


@pytest.fixture(scope="module")
def golden_pair(spark, tmp_path_factory) -> tuple[Path, Path]:
    """The golden business with its touchpoints (tests/golden_touchpoints), so the stored
    attribution paths have rows, built with one more step (NEW_STEP) in a copy of queries/."""
    root = tmp_path_factory.mktemp("spark_golden")
    source = root / "source"
    shutil.copytree(GOLDEN, source, ignore=shutil.ignore_patterns("*.md"))
    shutil.copy(REPO / "tests" / "golden_touchpoints" / "touchpoints.csv", source)
    copy = root / "queries"
    shutil.copytree(queries.QUERY_DIR, copy)
    (copy / "build" / "99_orders_daily.sql").write_text(NEW_STEP)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(queries, "QUERY_DIR", copy)
        queries.sql_text.cache_clear()
        try:
            return both(spark, source, root)
        finally:
            queries.sql_text.cache_clear()


@pytest.fixture(scope="module")
def demo_pair(spark, tmp_path_factory) -> tuple[Path, Path]:
    """The demo at scale 0.2 (the demo fixture's seed and end) as files: the larger tables as
    Parquet, the others as CSV, so both readers are used."""
    from pitwall import demo

    root = tmp_path_factory.mktemp("spark_demo")
    source = root / "source"
    source.mkdir()
    data = demo.generate(scale=0.2, seed=3, end=dt.date(2026, 11, 21))
    con = duckdb.connect()
    try:
        for name, frame in data.tables.items():
            rel = con.from_df(frame)
            if name in ("channels", "campaigns", "leads", "targets"):
                rel.write_csv(str(source / f"{name}.csv"), header=True,
                              timestamp_format="%Y-%m-%dT%H:%M:%S")
            else:
                rel.write_parquet(str(source / f"{name}.parquet"))
    finally:
        con.close()
    return both(spark, source, root)


def test_golden_build_equals_duckdb(golden_pair):
    counts = assert_same_warehouse(*golden_pair)
    # tests/golden/README.md: 15 orders of 7 customers, 8 leads; the touchpoints give paths
    assert counts["orders"] == 15 and counts["customer_facts"] == 7
    assert counts["lead_facts"] == 8 and counts["path_corrections_30"] > 0
    # the added step: its table, with the total row it inserts (all 15 orders)
    con = open_readonly(golden_pair[1])
    try:
        total = con.execute(
            "SELECT orders FROM orders_daily WHERE campaign_id = 'all' AND day IS NULL"
        ).fetchall()
        days = con.execute("SELECT sum(orders) FROM orders_daily WHERE day IS NOT NULL")
        assert total == [(15,)] and days.fetchone() == (15,)
    finally:
        con.close()


def test_demo_build_equals_duckdb(demo_pair):
    counts = assert_same_warehouse(*demo_pair)
    for table in ("customer_months", "lead_stage_entries", "path_corrections_30"):
        assert counts[table] > 1000, table


CASES = [
    ("spend-balance", {}),
    ("channel-roi", {}),
    ("channel-roi", {"model": "linear", "lookback_days": 30}),
    ("channel-roi", {"model": "time_decay", "lookback_days": 14}),  # computed at query time
    ("funnel", {"window_days": 30}),
    ("retention", {"mode": "bounded"}),
    ("retention", {"mode": "unbounded"}),
    ("cohort-economics", {}),
    ("targets", {}),
]


@pytest.mark.parametrize("pair", ["golden_pair", "demo_pair"])
def test_views_serve_the_same_answers(pair, request):
    """The dashboard's views (every export of pitwall/views.py, with their options) give the
    same rows on the Spark-built warehouse as on the DuckDB-built one."""
    duck, built = request.getfixturevalue(pair)
    a, b = open_readonly(duck), open_readonly(built)
    try:
        for name, options in CASES:
            for f in (Filters(), Filters(kind="online")):
                x = views.export(a, name, f, **options)
                y = views.export(b, name, f, **options)
                assert len(x) > 0 or name == "targets", name
                # exports round floats to 6 decimals; Spark's sums may differ in the last digit
                assert x.columns.tolist() == y.columns.tolist()
                for col in x.columns:
                    if x[col].dtype.kind == "f":
                        assert ((x[col] - y[col]).abs().fillna(0) <= 1e-6 * (
                            1 + x[col].abs().fillna(0))).all(), (name, options, col)
                    else:
                        assert x[col].tolist() == y[col].tolist(), (name, options, col)
    finally:
        a.close()
        b.close()


# --- bad files: refused alike ---------------------------------------------------------------


def _problems(refused) -> list[tuple]:
    return sorted(
        (p.code, p.file, p.row or 0, p.column or "", p.value or "", p.message)
        for p in refused.problems
    )


def refused_alike(spark, folder: Path, warehouse: Path) -> list[tuple]:
    """Both engines refuse `folder` with the same problems; `warehouse` stays as it was."""
    before = fingerprint(warehouse) if warehouse.exists() else None
    listing = sorted(p.name for p in warehouse.parent.iterdir())
    with pytest.raises(LoadError) as duck:
        load_folder(folder, warehouse)
    with pytest.raises(LoadError) as built:
        spark_build.run(str(folder), warehouse, spark=spark)
    assert _problems(built.value) == _problems(duck.value)
    assert (fingerprint(warehouse) if warehouse.exists() else None) == before
    assert sorted(p.name for p in warehouse.parent.iterdir()) == listing, "leftover files"
    return _problems(built.value)


@pytest.fixture(scope="module")
def valid_warehouse(tmp_path_factory) -> Path:
    """The valid business of tests/test_load_errors.py, loaded: a Spark build replaces the
    whole warehouse, so the DuckDB load compared with it must have nothing else to keep."""
    root = tmp_path_factory.mktemp("spark_valid")
    path = root / "wh" / "warehouse.duckdb"
    load_folder(write_folder(root / "valid", VALID), path)
    return path


@pytest.fixture
def warehouse(valid_warehouse, tmp_path) -> Path:
    path = tmp_path / "wh" / "warehouse.duckdb"
    path.parent.mkdir()
    shutil.copy(valid_warehouse, path)
    return path


def test_file_and_column_problems_refused_alike(spark, tmp_path, warehouse):
    lines = VALID["leads.csv"].splitlines()
    lines[2] += ",EXTRA"  # row 3: a field more than the header
    campaigns = insert_row(set_cell(VALID["campaigns.csv"], 3, "start_date", "2025-13-45"), 3, "")
    files = dict(VALID) | {
        "orders.csv": set_cell(set_cell(VALID["orders.csv"], 5, "revenue", "€12"), 4,
                               "ordered_at", "14/03/2025"),
        "spend.csv": set_cell(set_cell(VALID["spend.csv"], 4, "amount", "-300"), 3, "date",
                              "03/14/2025"),
        "channels.csv": set_cell(VALID["channels.csv"], 3, "kind", "web"),
        "leads.csv": "\n".join(lines) + "\n",
        "customers.csv": VALID["customers.csv"].replace("K2,2025", '"K2,2025'),
        "lead_stages.csv": "lead_id,entered_at\nL1,2025-01-05T09:00:00\n",
        "budgets.csv": VALID["budgets.csv"].splitlines()[0] + "\n",
        # the old shape, with semicolons and a decimal comma
        "targets.csv": "month;online_share\n2025-01;0,6\n2025-02;0.5\n",
        "campaigns.csv": campaigns,
    }
    got = refused_alike(spark, write_folder(tmp_path / "bad", files), warehouse)
    codes = {(code, file, row) for code, file, row, *_ in got}
    assert {
        ("not_a_number", "orders.csv", 5),
        ("not_a_date", "orders.csv", 4),
        ("negative_amount", "spend.csv", 4),
        ("not_a_date", "spend.csv", 3),
        ("bad_kind", "channels.csv", 3),
        ("ragged_row", "leads.csv", 3),
        ("bad_quoting", "customers.csv", 3),
        ("missing_column", "lead_stages.csv", 1),
        ("empty", "budgets.csv", 0),
        ("not_a_number", "targets.csv", 2),
        ("not_a_date", "campaigns.csv", 4),  # row 4: the blank line is row 3
    } <= codes


def test_table_problems_refused_alike(spark, tmp_path, warehouse):
    targets = (
        "month,metric,value,channel,kind\n"
        "2025-01,online_share,0.6,,\n"
        "2025-01,online_share,0.5,,\n"  # row 3: the same target again
        "2025-02,bounce_rate,1,,\n"  # row 4: no such metric
        "2025-02,online_share,1.5,,\n"  # row 5: a share above 1
        "2025-03,online_share,0.5,search,online\n"  # row 6: channel and kind
    )
    files = dict(VALID) | {
        "orders.csv": set_cell(VALID["orders.csv"], 6, "order_id", "O2"),
        "spend.csv": set_cell(VALID["spend.csv"], 5, "campaign_id", "C99"),
        "campaigns.csv": set_cell(VALID["campaigns.csv"], 3, "channel", "radio"),
        "lead_stages.csv": set_cell(VALID["lead_stages.csv"], 7, "stage", "negotiation"),
        "targets.csv": targets,
    }
    got = refused_alike(spark, write_folder(tmp_path / "bad", files), warehouse)
    codes = {(code, file, row) for code, file, row, *_ in got}
    assert {
        ("duplicate_key", "orders.csv", 6),
        ("unknown_reference", "spend.csv", 5),
        ("unknown_reference", "campaigns.csv", 3),
        ("unknown_stage", "lead_stages.csv", 7),
        ("duplicate_key", "targets.csv", 3),
        ("unknown_metric", "targets.csv", 4),
        ("out_of_range", "targets.csv", 5),
        ("bad_scope", "targets.csv", 6),
    } <= codes


def test_missing_orders_refused_alike(spark, tmp_path):
    """Into a new warehouse (a DuckDB load would keep the orders of a current one)."""
    files = {k: v for k, v in VALID.items() if k != "orders.csv"}
    (tmp_path / "wh").mkdir()
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    got = refused_alike(spark, write_folder(tmp_path / "bad", files), warehouse)
    assert not warehouse.exists()
    assert [g[:2] for g in got] == [("missing_orders", "orders.csv")]


# --- the command line: bad input in one line ------------------------------------------------


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pitwall", "build", "--engine", "spark", *args],
        cwd=REPO, env=(env or os.environ) | {"PYTHONPATH": str(REPO)},
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["--source", "no/such/folder"], 2, "--source no/such/folder: no such folder"),
        (["--source", str(GOLDEN), "--master", "mesos://x"], 2, "unsupported --master"),
    ],
)
def test_cli_bad_input(tmp_path, args, code, says):
    result = _cli(*args, "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [f"error: {result.stderr.strip()[7:]}"]
    assert says in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_cli_without_java(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(Path(sys.executable).parent)  # python, and no java
    result = _cli("--source", str(GOLDEN), "--warehouse", str(tmp_path / "w.duckdb"), env=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Java 17" in result.stderr
