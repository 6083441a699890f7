"""Bad input is refused with a precise problem, and a refused load changes nothing.

Each bad case plants one error in one known spreadsheet row (the header is row 1) of an
otherwise valid folder and checks, per docs/import-contract.md:

(a) the problem: code, file, row, column and value, and that its message says them;
(b) the command line (`python -m pitwall load DIR --warehouse PATH`) exits non-zero with that
    message on stderr and no traceback;
(c) the warehouse is untouched: same bytes, same mtime, same query results for every table,
    and no temporary file left beside it.

The positive cases check the other formats (Excel, Parquet), case-insensitive headers, extra
columns, partial loads that keep the other tables, and all-or-nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from pitwall.load import load, load_folder
from pitwall.problems import LoadError, Problem
from pitwall.schema import TABLES
from pitwall.warehouse import open_readonly

REPO = Path(__file__).resolve().parent.parent

# A small valid business: every contract table but the optional ones. Row numbers in the
# comments of the tests below are spreadsheet rows (header = row 1).
VALID: dict[str, str] = {
    "channels.csv": """\
channel,kind,group
search,online,digital
social,online,digital
print,offline,traditional
""",
    "campaigns.csv": """\
campaign_id,channel,campaign_name,segment,region,start_date,end_date
C1,search,Spring search,b2c,north,2025-01-01,2025-06-30
C2,social,Social push,b2c,south,2025-01-01,2025-06-30
C3,print,Trade magazine,b2b,north,2025-01-01,2025-06-30
""",
    "spend.csv": """\
date,campaign_id,amount,impressions,clicks
2025-01-05,C1,100.5,1000,50
2025-01-06,C2,80,800,20
2025-02-03,C3,300,,
2025-02-10,C1,120.25,1100,60
2025-03-01,C2,90,900,30
""",
    "budgets.csv": """\
month,channel,amount
2025-01,search,150
2025-01,social,100
2025-02,print,300
2025-02,search,150
2025-03,social,100
""",
    "targets.csv": """\
month,online_share
2025-01,0.6
2025-02,0.5
2025-03,0.55
""",
    "leads.csv": """\
lead_id,created_at,campaign_id,customer_id,segment,region
L1,2025-01-05T09:00:00,C1,K1,b2c,north
L2,2025-01-07T10:00:00,C2,,b2c,south
L3,2025-02-04T11:00:00,C3,K3,b2b,north
L4,2025-02-20T15:30:00,C1,,b2c,north
""",
    "lead_stages.csv": """\
lead_id,stage,entered_at
L1,identified,2025-01-05T09:00:00
L1,qualified,2025-01-10T09:00:00
L1,won,2025-01-20T09:00:00
L2,identified,2025-01-07T10:00:00
L2,lost,2025-01-15T10:00:00
L3,identified,2025-02-04T11:00:00
L3,qualified,2025-02-08T11:00:00
L4,identified,2025-02-20T15:30:00
""",
    "customers.csv": """\
customer_id,acquired_at,campaign_id,segment,region
K1,2025-01-20,C1,b2c,north
K2,2025-01-25,C2,b2c,south
K3,2025-02-15,C3,b2b,north
""",
    "orders.csv": """\
order_id,customer_id,ordered_at,revenue,gross_margin,campaign_id,sales_channel
O1,K1,2025-01-20T10:00:00,120.00,40,C1,web
O2,K2,2025-01-25T11:30:00,80.50,25,C2,web
O3,K1,2025-02-14T09:15:00,60,20,C1,store
O4,K3,2025-02-15T16:00:00,1500,600,C3,field
O5,K4,2025-03-02T12:00:00,45.99,15,,web
O6,K2,2025-03-20T08:00:00,70,22,C2,web
""",
}


# --- helpers -----------------------------------------------------------------------------


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def folder_with(tmp_path: Path, replace: dict[str, str | bytes] | None = None,
                drop: tuple[str, ...] = (), name: str = "bad") -> Path:
    """The valid folder with some files replaced (or added) and some left out."""
    files: dict[str, str | bytes] = {k: v for k, v in VALID.items() if k not in drop}
    for key, content in (replace or {}).items():
        stem = key.rsplit(".", 1)[0]
        for other in [k for k in files if k.rsplit(".", 1)[0] == stem]:
            del files[other]  # orders.xlsx replaces orders.csv
        files[key] = content
    return write_folder(tmp_path / name, files)


def set_cell(text: str, row: int, column: str, value: str) -> str:
    """`text` (a CSV) with the cell at spreadsheet `row` (header = 1) and `column` set."""
    rows = list(csv.reader(io.StringIO(text)))
    rows[row - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def insert_row(text: str, row: int, line: str) -> str:
    """`text` with `line` inserted so that it becomes spreadsheet `row`."""
    lines = text.splitlines()
    lines.insert(row - 1, line)
    return "\n".join(lines) + "\n"


def cell(text: str, row: int, column: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[row - 1][rows[0].index(column)]


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    size: int
    mtime_ns: int
    tables: dict
    folder: tuple[str, ...]


def fingerprint(warehouse: Path) -> Fingerprint:
    """Bytes, mtime and the content of every table (plus what else is in the folder)."""
    data = warehouse.read_bytes()
    st = warehouse.stat()
    con = open_readonly(warehouse)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'w' "
            "ORDER BY table_name").fetchall()]
        tables = {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()
    folder = tuple(sorted(p.name for p in warehouse.parent.iterdir()))
    return Fingerprint(hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns, tables,
                       folder)


def run_cli(folder: Path, warehouse: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "pitwall", "load", str(folder), "--warehouse", str(warehouse)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )


def find(problems: list[Problem], code: str) -> Problem:
    hits = [p for p in problems if p.code == code]
    assert hits, f"no {code!r} problem among:\n" + "\n".join(map(str, problems))
    return hits[0]


_UNSET = object()


def check_problem(p: Problem, code: str, file: str, row=_UNSET, column=_UNSET,
                  value=_UNSET) -> None:
    """`p` has these fields, and its message (str) shows them. _UNSET: not pinned."""
    shown = str(p)
    assert p.code == code, shown
    assert p.file == file, shown
    assert shown.startswith(file), shown
    assert shown.endswith(f"[{code}]"), shown
    if row is not _UNSET:
        assert p.row == row, shown
        if row is not None:
            assert f"row {row}," in shown or f"row {row}:" in shown, shown
    if column is not _UNSET:
        assert p.column == column, shown
        if column is not None:
            assert f"column '{column}'" in shown, shown
    if value is not _UNSET:
        assert p.value == value, shown
        if value is not None:
            assert repr(value) in shown, shown


def refuse(folder: Path, warehouse: Path, code: str, **expected) -> list[Problem]:
    """Load `folder` through the API and the CLI: refused with the problem, nothing changed.

    `expected` holds file, row, column, value of the first problem with `code`.
    """
    existed = warehouse.exists()
    before = fingerprint(warehouse) if existed else None
    listing = sorted(p.name for p in warehouse.parent.iterdir())

    with pytest.raises(LoadError) as info:
        load_folder(folder, warehouse)
    problems = info.value.problems
    problem = find(problems, code)
    check_problem(problem, code, **expected)
    after_api = fingerprint(warehouse) if existed else None
    assert after_api == before, "the API's refused load changed the warehouse"
    assert sorted(p.name for p in warehouse.parent.iterdir()) == listing, "leftover files"

    result = run_cli(folder, warehouse)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    assert str(problem) in result.stderr, result.stderr
    after_cli = fingerprint(warehouse) if existed else None
    assert after_cli == before, "the CLI's refused load changed the warehouse"
    assert sorted(p.name for p in warehouse.parent.iterdir()) == listing, "leftover files"
    if not existed:
        assert not warehouse.exists()
    return problems


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_warehouse(tmp_path_factory) -> Path:
    """The valid business loaded once (tests take a copy)."""
    root = tmp_path_factory.mktemp("base")
    path = root / "wh" / "warehouse.duckdb"
    load_folder(write_folder(root / "valid", VALID), path)
    return path


@pytest.fixture
def warehouse(base_warehouse, tmp_path) -> Path:
    """A private copy of the valid warehouse, alone in its folder."""
    path = tmp_path / "wh" / "warehouse.duckdb"
    path.parent.mkdir()
    shutil.copy(base_warehouse, path)
    return path


@pytest.fixture
def orders_only_warehouse(tmp_path) -> Path:
    path = tmp_path / "wh" / "warehouse.duckdb"
    load_folder(write_folder(tmp_path / "orders_only", {"orders.csv": VALID["orders.csv"]}), path)
    return path


def _frames() -> dict[str, pd.DataFrame]:
    return {name.removesuffix(".csv"): pd.read_csv(io.StringIO(text), dtype=str)
            for name, text in VALID.items()}


@pytest.fixture
def demo_origin_warehouse(tmp_path) -> Path:
    """A warehouse written the way the demo writes it (origin 'demo')."""
    path = tmp_path / "wh" / "warehouse.duckdb"
    load(_frames(), path, origin="demo")
    return path


# --- the bad cases -----------------------------------------------------------------------


def test_valid_folder_loads(warehouse):
    con = open_readonly(warehouse)
    try:
        counts = dict(con.execute(
            "SELECT table_name, rows FROM pitwall_tables").fetchall())
    finally:
        con.close()
    assert counts == {name.removesuffix(".csv"): len(text.splitlines()) - 1
                      for name, text in VALID.items()}


def test_missing_required_column(tmp_path, warehouse):
    text = "\n".join(",".join(f for i, f in enumerate(line.split(",")) if i != 3)
                     for line in VALID["orders.csv"].splitlines()) + "\n"
    assert "revenue" not in text
    problems = refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "missing_column",
                      file="orders.csv", row=1, column="revenue", value=None)
    assert "order_id, customer_id, ordered_at, gross_margin" in find(
        problems, "missing_column").message


@pytest.mark.parametrize("value", ["€12", "12,50", "1.234,56", "$99", "12 EUR"])
def test_not_a_number(tmp_path, warehouse, value):
    text = set_cell(VALID["orders.csv"], 5, "revenue", value)
    problems = refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "not_a_number",
                      file="orders.csv", row=5, column="revenue", value=value)
    assert "plain numbers" in find(problems, "not_a_number").message


def test_not_a_number_in_semicolon_csv(tmp_path, warehouse):
    """A semicolon file with a decimal comma: the comma is not a decimal point."""
    text = set_cell(VALID["orders.csv"], 3, "revenue", "80,50").replace('"80,50"', "80|50")
    text = text.replace(",", ";").replace("80|50", "80,50")
    refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "not_a_number",
           file="orders.csv", row=3, column="revenue", value="80,50")


def test_not_a_date(tmp_path, warehouse):
    text = set_cell(VALID["orders.csv"], 4, "ordered_at", "14/03/2025")
    problems = refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "not_a_date",
                      file="orders.csv", row=4, column="ordered_at", value="14/03/2025")
    assert "2025-03-14" in find(problems, "not_a_date").message


def test_not_a_date_in_a_date_column(tmp_path, warehouse):
    text = set_cell(VALID["spend.csv"], 3, "date", "03/14/2025")
    refuse(folder_with(tmp_path, {"spend.csv": text}), warehouse, "not_a_date",
           file="spend.csv", row=3, column="date", value="03/14/2025")


def test_negative_spend_amount(tmp_path, warehouse):
    text = set_cell(VALID["spend.csv"], 4, "amount", "-300")
    refuse(folder_with(tmp_path, {"spend.csv": text}), warehouse, "negative_amount",
           file="spend.csv", row=4, column="amount", value="-300")


def test_unknown_campaign_in_spend(tmp_path, warehouse):
    text = set_cell(VALID["spend.csv"], 5, "campaign_id", "C99")
    problems = refuse(folder_with(tmp_path, {"spend.csv": text}), warehouse,
                      "unknown_reference", file="spend.csv", row=5, column="campaign_id",
                      value="C99")
    assert "campaigns" in find(problems, "unknown_reference").message


def test_unknown_campaign_in_spend_loaded_alone(tmp_path, warehouse):
    """Only spend.csv: its campaigns are checked against the campaigns already loaded."""
    text = set_cell(VALID["spend.csv"], 2, "campaign_id", "C42")
    folder = write_folder(tmp_path / "bad", {"spend.csv": text})
    refuse(folder, warehouse, "unknown_reference", file="spend.csv", row=2,
           column="campaign_id", value="C42")


def test_unknown_channel_in_campaigns(tmp_path, warehouse):
    text = set_cell(VALID["campaigns.csv"], 3, "channel", "radio")
    problems = refuse(folder_with(tmp_path, {"campaigns.csv": text}), warehouse,
                      "unknown_reference", file="campaigns.csv", row=3, column="channel",
                      value="radio")
    assert "channels" in find(problems, "unknown_reference").message


def test_duplicate_order_id(tmp_path, warehouse):
    text = set_cell(VALID["orders.csv"], 6, "order_id", "O2")
    problems = refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "duplicate_key",
                      file="orders.csv", row=6, column="order_id", value="O2")
    assert "row 3" in find(problems, "duplicate_key").message  # names the first one


def test_bad_kind(tmp_path, warehouse):
    text = set_cell(VALID["channels.csv"], 3, "kind", "web")
    problems = refuse(folder_with(tmp_path, {"channels.csv": text}), warehouse, "bad_kind",
                      file="channels.csv", row=3, column="kind", value="web")
    assert "online or offline" in find(problems, "bad_kind").message


def test_empty_file(tmp_path, warehouse):
    refuse(folder_with(tmp_path, {"orders.csv": b""}), warehouse, "empty",
           file="orders.csv", row=None, column=None, value=None)


def test_header_only_file(tmp_path, warehouse):
    header = VALID["orders.csv"].splitlines()[0] + "\n"
    refuse(folder_with(tmp_path, {"orders.csv": header}), warehouse, "empty",
           file="orders.csv", row=None, column=None, value=None)


GARBAGE = bytes(range(256)) * 8 + b"\x00\xff\xfe\x00" * 64


def test_unreadable_binary_csv(tmp_path, warehouse):
    refuse(folder_with(tmp_path, {"orders.csv": GARBAGE}), warehouse, "unreadable",
           file="orders.csv", row=None, column=None, value=None)


def test_unreadable_corrupt_xlsx(tmp_path, warehouse):
    data = b"PK\x03\x04" + GARBAGE  # looks like a zip, is not one
    problems = refuse(folder_with(tmp_path, {"orders.xlsx": data}), warehouse, "unreadable",
                      file="orders.xlsx", row=None, column=None, value=None)
    assert "excel" in find(problems, "unreadable").message


def test_unreadable_truncated_xlsx(tmp_path, warehouse):
    """A real workbook cut in half (an interrupted download)."""
    good = tmp_path / "good.xlsx"
    _frame_to_xlsx(_typed_frame("orders"), good, "orders")
    data = good.read_bytes()
    refuse(folder_with(tmp_path, {"orders.xlsx": data[: len(data) // 2]}), warehouse,
           "unreadable", file="orders.xlsx", row=None, column=None, value=None)


def test_unreadable_corrupt_parquet(tmp_path, warehouse):
    data = b"PAR1" + GARBAGE + b"PAR1"
    problems = refuse(folder_with(tmp_path, {"orders.parquet": data}), warehouse, "unreadable",
                      file="orders.parquet", row=None, column=None, value=None)
    assert "parquet" in find(problems, "unreadable").message


def test_ragged_row_extra_field(tmp_path, warehouse):
    line = "O3,K1,2025-02-14T09:15:00,60,20,C1,store,EXTRA"
    lines = VALID["orders.csv"].splitlines()
    lines[3] = line  # row 4
    text = "\n".join(lines) + "\n"
    # A whole-row problem: the contract names no column, so the column is not pinned.
    problems = refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "ragged_row",
                      file="orders.csv", row=4, value=line)
    assert "more fields" in find(problems, "ragged_row").message


def test_ragged_row_missing_fields(tmp_path, warehouse):
    line = "O3,K1,2025-02-14T09:15:00,60"
    lines = VALID["orders.csv"].splitlines()
    lines[3] = line  # row 4
    text = "\n".join(lines) + "\n"
    problems = refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "ragged_row",
                      file="orders.csv", row=4, value=line)
    assert "fewer fields" in find(problems, "ragged_row").message
    assert {p.row for p in problems} == {4}


QUOTED = set_cell(VALID["orders.csv"], 2, "sales_channel", "web, mobile")  # a legal quoted field


def test_unclosed_quote(tmp_path, warehouse):
    """Row 4 opens a quote it never closes; row 2 is fine ("web, mobile" is quoted)."""
    text = QUOTED.replace("C1,store", 'C1,"store')
    assert cell(text, 2, "sales_channel") == "web, mobile"
    problems = refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "bad_quoting",
                      file="orders.csv", row=4)
    assert not [p for p in problems if p.row == 2], "row 2 is valid:\n" + "\n".join(
        map(str, problems))


def test_unclosed_quote_in_a_file_without_other_quotes(tmp_path, warehouse):
    """A field that opens a quote and never closes it is bad quoting, not data: the loader
    must not load the order id as '"O3' (nor keep quotes as part of values)."""
    text = VALID["orders.csv"].replace("O3,K1", '"O3,K1')
    refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "bad_quoting",
           file="orders.csv", row=4)


def test_non_utf8_csv(tmp_path, warehouse):
    text = set_cell(VALID["orders.csv"], 4, "sales_channel", "Boutique Müller")
    problems = refuse(folder_with(tmp_path, {"orders.csv": text.encode("latin-1")}), warehouse,
                      "bad_encoding", file="orders.csv", row=4, column="sales_channel",
                      value=_UNSET)
    p = find(problems, "bad_encoding")
    assert p.value is not None and "Boutique M" in p.value, str(p)
    assert "UTF-8" in p.message


def test_utf16_csv(tmp_path, warehouse):
    """UTF-16 (what some spreadsheet exports write) is not UTF-8: say so, don't list a header
    full of NUL characters as 'missing columns'."""
    refuse(folder_with(tmp_path, {"orders.csv": VALID["orders.csv"].encode("utf-16")}),
           warehouse, "bad_encoding", file="orders.csv")


def test_row_number_counts_a_blank_line(tmp_path, warehouse):
    """A blank line is a row of the file (and of the spreadsheet that opens it): an error
    below it is at the row the user sees."""
    lines = set_cell(VALID["orders.csv"], 5, "revenue", "€12").splitlines()
    lines.insert(2, "")  # row 3 is blank: the bad value moves to row 6
    text = "\n".join(lines) + "\n"
    assert text.splitlines()[5].split(",")[3] == "€12"
    refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse, "not_a_number",
           file="orders.csv", row=6, column="revenue", value="€12")


def _orders_workbook(path: Path, bad_row: int, blank_row: int | None = None) -> int:
    """orders as an .xlsx with '€12' as revenue; returns the sheet row holding it."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "orders"
    rows = list(csv.reader(io.StringIO(VALID["orders.csv"])))
    for i, r in enumerate(rows, start=1):
        if i == blank_row:
            ws.append([])
        values: list = list(r)
        if i == bad_row:
            values[3] = "€12"
        ws.append(values)
    wb.save(path)
    return next(c.row for c in ws["D"] if c.value == "€12")


def test_excel_row_numbers(tmp_path, warehouse):
    path = tmp_path / "orders.xlsx"
    row = _orders_workbook(path, bad_row=5)
    assert row == 5
    refuse(folder_with(tmp_path, {"orders.xlsx": path.read_bytes()}), warehouse,
           "not_a_number", file="orders.xlsx", row=5, column="revenue", value="€12")


def test_excel_row_numbers_after_an_empty_row(tmp_path, warehouse):
    """The row is the sheet's row: an empty sheet row above the error still counts."""
    path = tmp_path / "orders.xlsx"
    row = _orders_workbook(path, bad_row=5, blank_row=3)
    assert row == 6
    refuse(folder_with(tmp_path, {"orders.xlsx": path.read_bytes()}), warehouse,
           "not_a_number", file="orders.xlsx", row=6, column="revenue", value="€12")


def test_parquet_row_numbers(tmp_path, warehouse):
    frame = pd.read_csv(io.StringIO(VALID["orders.csv"]), dtype=str)
    frame.loc[3, "revenue"] = "€12"  # the 4th data row: row 5 counting a header as row 1
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path, index=False)
    refuse(folder_with(tmp_path, {"orders.parquet": path.read_bytes()}), warehouse,
           "not_a_number", file="orders.parquet", row=5, column="revenue", value="€12")


def test_online_share_out_of_range(tmp_path, warehouse):
    text = set_cell(VALID["targets.csv"], 3, "online_share", "1.5")
    refuse(folder_with(tmp_path, {"targets.csv": text}), warehouse, "out_of_range",
           file="targets.csv", row=3, column="online_share", value="1.5")


def test_unknown_stage(tmp_path, warehouse):
    text = set_cell(VALID["lead_stages.csv"], 7, "stage", "negotiation")
    problems = refuse(folder_with(tmp_path, {"lead_stages.csv": text}), warehouse,
                      "unknown_stage", file="lead_stages.csv", row=7, column="stage",
                      value="negotiation")
    assert "qualified" in find(problems, "unknown_stage").message


def test_missing_orders_into_new_warehouse(tmp_path):
    path = tmp_path / "wh" / "warehouse.duckdb"
    path.parent.mkdir()
    problems = refuse(folder_with(tmp_path, drop=("orders.csv",)), path, "missing_orders",
                      file="orders.csv", row=None, column=None, value=None)
    assert "orders is required" in find(problems, "missing_orders").message


def test_missing_orders_into_demo_warehouse(tmp_path, demo_origin_warehouse):
    """Own files into the demo start afresh, so the demo's orders do not count."""
    refuse(folder_with(tmp_path, drop=("orders.csv",)), demo_origin_warehouse,
           "missing_orders", file="orders.csv", row=None, column=None, value=None)


def test_absurd_date(tmp_path, warehouse):
    text = set_cell(VALID["orders.csv"], 6, "ordered_at", "3025-03-20T08:00:00")
    problems = refuse(folder_with(tmp_path, {"orders.csv": text}), warehouse,
                      "date_out_of_range", file="orders.csv", row=6, column="ordered_at",
                      value="3025-03-20T08:00:00")
    assert "1970" in find(problems, "date_out_of_range").message


def test_lead_stages_without_leads(tmp_path, orders_only_warehouse):
    folder = write_folder(tmp_path / "bad", {"lead_stages.csv": VALID["lead_stages.csv"]})
    problems = refuse(folder, orders_only_warehouse, "missing_table", file="lead_stages.csv",
                      row=None, column="lead_id", value=None)
    assert "leads" in find(problems, "missing_table").message


def test_every_problem_is_reported(tmp_path, warehouse):
    """Several files, several errors: all of them come back in one refusal."""
    orders = set_cell(VALID["orders.csv"], 2, "revenue", "€12")
    orders = set_cell(orders, 5, "ordered_at", "14/03/2025")
    spend = set_cell(VALID["spend.csv"], 3, "amount", "-1")
    folder = folder_with(tmp_path, {"orders.csv": orders, "spend.csv": spend})
    with pytest.raises(LoadError) as info:
        load_folder(folder, warehouse)
    got = {(p.code, p.file, p.row) for p in info.value.problems}
    assert {("not_a_number", "orders.csv", 2), ("not_a_date", "orders.csv", 5),
            ("negative_amount", "spend.csv", 3)} <= got


# --- all or nothing ------------------------------------------------------------------------


def test_part_way_failure_changes_nothing(tmp_path, warehouse):
    """A good new spend.csv next to a bad orders.csv: neither is loaded."""
    spend = "date,campaign_id,amount\n2025-04-01,C1,1\n"
    orders = set_cell(VALID["orders.csv"], 7, "revenue", "n/a")
    folder = write_folder(tmp_path / "bad", {"spend.csv": spend, "orders.csv": orders})
    refuse(folder, warehouse, "not_a_number", file="orders.csv", row=7, column="revenue",
           value="n/a")
    con = open_readonly(warehouse)
    try:
        assert con.execute("SELECT count(*) FROM spend").fetchone()[0] == 5
    finally:
        con.close()


def test_part_way_failure_into_golden_copy(golden_copy, tmp_path):
    path = golden_copy
    path.parent.joinpath("wh").mkdir()
    moved = path.parent / "wh" / path.name
    shutil.move(path, moved)
    spend = "date,campaign_id,amount\n2025-04-01,NOPE,1\n"
    orders = "order_id,customer_id,ordered_at,revenue\nX1,Z1,2025-04-01,10\nX2,Z2,3025-01-01,5\n"
    folder = write_folder(tmp_path / "bad", {"spend.csv": spend, "orders.csv": orders})
    refuse(folder, moved, "date_out_of_range", file="orders.csv", row=3, column="ordered_at",
           value="3025-01-01")


# --- what loads ----------------------------------------------------------------------------


def _typed_frame(table: str) -> pd.DataFrame:
    """The valid CSV of `table` read with proper types, as a spreadsheet user would have it."""
    frame = pd.read_csv(io.StringIO(VALID[f"{table}.csv"]), dtype=str)
    for col in TABLES[table].columns:
        if col.name not in frame:
            continue
        if col.type in ("timestamp", "date"):
            frame[col.name] = pd.to_datetime(frame[col.name])
        elif col.type == "number":
            frame[col.name] = frame[col.name].astype("float64")
        elif col.type == "integer":
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("Int64")
    return frame


def _frame_to_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    first.title = "read me"  # not the table's sheet: the loader must pick the named one
    first.append(["Exported from the CRM", None])
    ws = wb.create_sheet(sheet)
    ws.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        values = []
        for v in record:
            if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
                values.append(None)
            elif isinstance(v, pd.Timestamp):
                values.append(v.to_pydatetime())
            else:
                values.append(v.item() if hasattr(v, "item") else v)
        ws.append(values)
    wb.save(path)


def _rows(warehouse: Path, table: str) -> list[tuple]:
    con = open_readonly(warehouse)
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("table", ["orders", "spend", "campaigns"])
@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_other_formats_give_the_same_rows(tmp_path, base_warehouse, fmt, table):
    frame = _typed_frame(table)
    path = tmp_path / f"{table}.{fmt}"
    if fmt == "xlsx":
        _frame_to_xlsx(frame, path, table)
    else:
        frame.to_parquet(path, index=False)
    folder = folder_with(tmp_path, {f"{table}.{fmt}": path.read_bytes()}, name="other")
    assert not (folder / f"{table}.csv").exists()
    target = tmp_path / "wh" / "warehouse.duckdb"
    load_folder(folder, target)
    expected = _rows(base_warehouse, table)
    assert len(expected) == len(VALID[f"{table}.csv"].splitlines()) - 1
    assert _rows(target, table) == expected
    con = open_readonly(target)
    try:
        source = con.execute("SELECT source FROM pitwall_tables WHERE table_name = ?",
                             [table]).fetchone()[0]
    finally:
        con.close()
    assert source == f"{table}.{fmt}"


def test_mixed_case_headers_load(tmp_path, base_warehouse):
    lines = VALID["orders.csv"].splitlines()
    lines[0] = "Order_ID,CUSTOMER_ID,Ordered_At,Revenue,Gross_Margin,Campaign_Id,SALES_channel"
    folder = folder_with(tmp_path, {"orders.csv": "\n".join(lines) + "\n"})
    target = tmp_path / "wh" / "warehouse.duckdb"
    load_folder(folder, target)
    assert _rows(target, "orders") == _rows(base_warehouse, "orders")


def test_extra_column_loads_with_a_note(tmp_path, base_warehouse):
    lines = VALID["orders.csv"].splitlines()
    text = "\n".join([lines[0] + ",coupon_code"] + [f"{x},SPRING{i}" for i, x in
                                                     enumerate(lines[1:])]) + "\n"
    folder = folder_with(tmp_path, {"orders.csv": text})
    target = tmp_path / "wh" / "warehouse.duckdb"
    report = load_folder(folder, target)
    assert any("orders.csv" in n and "coupon_code" in n for n in report.notes), report.notes
    assert _rows(target, "orders") == _rows(base_warehouse, "orders")
    result = run_cli(folder, tmp_path / "wh2" / "warehouse.duckdb")
    assert result.returncode == 0, result.stderr
    assert "coupon_code" in result.stdout + result.stderr


def test_loading_only_spend_keeps_the_rest(tmp_path, warehouse):
    before = fingerprint(warehouse).tables
    spend = "date,campaign_id,amount\n2025-04-01,C1,10\n2025-04-02,C3,20.5\n"
    load_folder(write_folder(tmp_path / "spend_only", {"spend.csv": spend}), warehouse)
    after = fingerprint(warehouse).tables
    assert _rows(warehouse, "spend") == [
        (dt.date(2025, 4, 1), "C1", 10.0, None, None),
        (dt.date(2025, 4, 2), "C3", 20.5, None, None),
    ]
    for name in VALID:
        table = name.removesuffix(".csv")
        if table != "spend":
            assert after[table] == before[table], table
    con = open_readonly(warehouse)
    try:
        counts = dict(con.execute("SELECT table_name, rows FROM pitwall_tables").fetchall())
        sources = dict(con.execute("SELECT table_name, source FROM pitwall_tables").fetchall())
    finally:
        con.close()
    expected = {n.removesuffix(".csv"): len(t.splitlines()) - 1 for n, t in VALID.items()}
    assert counts == expected | {"spend": 2}
    assert sources["spend"] == "spend.csv"
    assert sources["orders"] == "orders.csv"
    assert sorted(p.name for p in warehouse.parent.iterdir()) == ["warehouse.duckdb"]
