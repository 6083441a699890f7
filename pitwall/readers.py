"""Read one input file into a raw staging table of text columns.

Every format lands in the same shape, `raw_<table>` (a temporary table): one VARCHAR column
per contract column, in file order, so one set of checks serves CSV, Parquet and Excel and
can point at the spreadsheet row of each problem (`rowid + 2`: row 1 is the header).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from pitwall.problems import Problem
from pitwall.schema import FILE_SUFFIXES, Table

# DuckDB's CSV reject types, in the words of the contract.
_REJECT_CODES = {
    "TOO MANY COLUMNS": ("ragged_row", "the row has more fields than the header"),
    "MISSING COLUMNS": ("ragged_row", "the row has fewer fields than the header"),
    "UNQUOTED VALUE": ("bad_quoting", "a quoted field is not closed properly"),
    "INVALID ENCODING": ("bad_encoding", "the file is not UTF-8 text"),
    "INVALID UNICODE": ("bad_encoding", "the file is not UTF-8 text"),
    "LINE SIZE OVER MAXIMUM": ("line_too_long", "the line is longer than the reader accepts"),
}
MAX_EXAMPLES = 10


def raw_name(table: Table) -> str:
    return f"raw_{table.name}"


def stage_file(
    con: duckdb.DuckDBPyConnection, table: Table, path: Path
) -> tuple[list[Problem], list[str]]:
    """Create `raw_<table>` from `path`. Returns (problems, notes)."""
    fmt = FILE_SUFFIXES[path.suffix.lower()]
    name = path.name
    try:
        if path.stat().st_size == 0:
            return [Problem("empty", name, "the file is empty")], []
        if fmt == "excel":
            header, frame = _excel(path)
            con.register("excel_source", frame)
            source, header = "excel_source", header
        else:
            source = _duckdb_source(table, fmt)
            header = [
                r[0]
                for r in con.execute(
                    f"DESCRIBE SELECT * FROM {source}", {"p": str(path)}
                ).fetchall()
            ]
    except Exception as exc:  # any reader failure is the file's problem, not a crash
        return [
            Problem("unreadable", name, f"the file could not be read as {fmt}: {_first_line(exc)}")
        ], []

    mapping, problems, notes = _match_columns(table, header, name)
    if problems:
        return problems, notes
    selects = [
        f"CAST({_q(mapping[c.name])} AS VARCHAR) AS {_q(c.name)}"
        if c.name in mapping
        else f"CAST(NULL AS VARCHAR) AS {_q(c.name)}"
        for c in table.columns
    ]
    create = (
        f"CREATE OR REPLACE TEMP TABLE {raw_name(table)} AS "
        f"SELECT {', '.join(selects)} FROM {source}"
    )
    try:
        con.execute(create, {"p": str(path)} if fmt != "excel" else None)
    except Exception as exc:
        return [
            Problem("unreadable", name, f"the file could not be read: {_first_line(exc)}")
        ], notes
    finally:
        if fmt == "excel":
            con.unregister("excel_source")
    if fmt == "csv":
        problems = _csv_rejects(con, table, name)
        if problems:
            return problems, notes
    rows = con.execute(f"SELECT count(*) FROM {raw_name(table)}").fetchone()[0]
    if rows == 0:
        return [Problem("empty", name, "the file has a header but no data rows")], notes
    return [], notes


def stage_frame(con: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame) -> None:
    """Stage an in-memory frame (the demo business) exactly like a file."""
    con.register("frame_source", frame)
    try:
        selects = [
            f"CAST({_q(c.name)} AS VARCHAR) AS {_q(c.name)}"
            if c.name in frame.columns
            else f"CAST(NULL AS VARCHAR) AS {_q(c.name)}"
            for c in table.columns
        ]
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {raw_name(table)} AS SELECT {', '.join(selects)} "
            "FROM frame_source"
        )
    finally:
        con.unregister("frame_source")


def _duckdb_source(table: Table, fmt: str) -> str:
    if fmt == "parquet":
        return "read_parquet($p)"
    # All text: type checks happen afterwards, with row numbers, in our own words.
    return (
        "read_csv($p, all_varchar = true, header = true, store_rejects = true, "
        f"rejects_table = 'rejects_{table.name}', rejects_scan = 'rejects_scan_{table.name}')"
    )


def _csv_rejects(con, table: Table, name: str) -> list[Problem]:
    rows = con.execute(
        f"SELECT line, error_type, column_name, csv_line FROM rejects_{table.name} ORDER BY line"
    ).fetchall()
    problems = []
    for line, error_type, column, csv_line in rows[:MAX_EXAMPLES]:
        code, message = _REJECT_CODES.get(error_type, ("unreadable", error_type.lower()))
        problems.append(Problem(code, name, message, int(line), column, csv_line))
    if len(rows) > MAX_EXAMPLES:
        problems.append(
            Problem(problems[0].code, name, f"{len(rows) - MAX_EXAMPLES:,} more rows like these")
        )
    return problems


def _match_columns(table: Table, header: list[str], name: str):
    """Map contract columns to file headers, case-insensitively."""
    by_lower: dict[str, list[str]] = {}
    for h in header:
        by_lower.setdefault(str(h).strip().lower(), []).append(h)
    problems, notes, mapping = [], [], {}
    for col in table.columns:
        found = by_lower.get(col.name, [])
        if len(found) > 1:
            problems.append(
                Problem(
                    "duplicate_column",
                    name,
                    "the header names this column more than once",
                    1,
                    col.name,
                    ", ".join(map(str, found)),
                )
            )
        elif found:
            mapping[col.name] = found[0]
        elif col.required:
            problems.append(
                Problem(
                    "missing_column",
                    name,
                    f"required column is missing (the header has: {', '.join(map(str, header))})",
                    1,
                    col.name,
                )
            )
    known = {c.name for c in table.columns}
    extra = [h for h in header if str(h).strip().lower() not in known]
    if extra:
        notes.append(f"{name}: ignored extra column(s) {', '.join(map(str, extra))}")
    return mapping, problems, notes


def _excel(path: Path) -> tuple[list[str], pd.DataFrame]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[path.stem] if path.stem in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return [], pd.DataFrame()
        header = ["" if h is None else str(h) for h in header]
        width = len(header)
        data = [
            [_cell(v) for v in (r + (None,) * width)[:width]]
            for r in rows
            if any(v is not None for v in r)
        ]
    finally:
        wb.close()
    # Duplicated headers are reported by _match_columns; keep the frame registrable meanwhile.
    names = header if len(set(header)) == width else [f"c{i}" for i in range(width)]
    return header, pd.DataFrame(data, columns=names, dtype=object)


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _q(identifier: str) -> str:
    return '"' + str(identifier).replace('"', '""') + '"'


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
