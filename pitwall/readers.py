"""Read one input file into a raw staging table of text columns.

Every format lands in the same shape, `raw_<table>` (a temporary table): one VARCHAR column
per contract column, in file order, so one set of checks serves CSV, Parquet and Excel and
can point at the spreadsheet row of each problem (`rowid + 2`: row 1 is the header).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from pitwall.problems import Problem
from pitwall.schema import FILE_SUFFIXES, Legacy, Table

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


RowMap = Callable[[list[Problem]], list[Problem]]


def _same(problems: list[Problem]) -> list[Problem]:
    return problems


def stage_file(
    con: duckdb.DuckDBPyConnection, table: Table, path: Path
) -> tuple[list[Problem], list[str], RowMap]:
    """Create `raw_<table>` from `path`.

    Returns (problems, notes, row_map). Checks number rows in file order (`rowid + 2`);
    row_map turns those into the file's real row numbers where blank rows were skipped.
    """
    fmt = FILE_SUFFIXES[path.suffix.lower()]
    name = path.name
    row_map: RowMap = _same
    try:
        if path.stat().st_size == 0:
            return [Problem("empty", name, "the file is empty")], [], row_map
        if fmt == "csv":
            found = _csv_encoding(path)
            if found:
                return found, [], row_map
            row_map = partial(_csv_rows, path)
        if fmt == "excel":
            header, frame, sheet_rows = _excel(path)
            row_map = partial(_listed_rows, sheet_rows)
            con.register("excel_source", frame)
            source = "excel_source"
        else:
            source = _duckdb_source(table, fmt)
            header = [
                r[0]
                for r in con.execute(
                    f"DESCRIBE SELECT * FROM {source}", {"p": str(path)}
                ).fetchall()
            ]
    except Exception as exc:  # any reader failure is the file's problem, not a crash
        return _unreadable(path, fmt, exc), [], row_map

    legacy = old_shape(table, header)
    mapping, problems, notes = _match_columns(table, header, name, legacy)
    if legacy:
        notes.append(f"{name}: {legacy.note}")
        row_map = _renaming(row_map, legacy.renamed)
    if problems:
        # A broken quote can make the sniffer misread the whole header: say so instead.
        return (fmt == "csv" and _csv_diagnose(path)) or problems, notes, row_map
    selects = [_select(c, mapping, legacy) for c in table.columns]
    create = (
        f"CREATE OR REPLACE TEMP TABLE {raw_name(table)} AS "
        f"SELECT {', '.join(selects)} FROM {source}"
    )
    try:
        con.execute(create, {"p": str(path)} if fmt != "excel" else None)
    except Exception as exc:
        return _unreadable(path, fmt, exc), notes, row_map
    finally:
        if fmt == "excel":
            con.unregister("excel_source")
    if fmt == "csv":
        problems = _csv_rejects(con, table, name)
        if problems:
            return problems, notes, row_map
    rows = con.execute(f"SELECT count(*) FROM {raw_name(table)}").fetchone()[0]
    if rows == 0:
        return [Problem("empty", name, "the file has a header but no data rows")], notes, row_map
    return [], notes, row_map


def old_shape(table: Table, header: list[str]) -> Legacy | None:
    """The table's older shape, when the header is in it (schema.Legacy)."""
    names = {str(h).strip().lower() for h in header}
    old = table.legacy
    if old and old.signal in names and not names & set(old.constants):
        return old
    return None


def _select(c, mapping: dict, legacy: Legacy | None) -> str:
    if legacy and c.name in legacy.constants:
        value = legacy.constants[c.name].replace("'", "''")
        return f"CAST('{value}' AS VARCHAR) AS {quote(c.name)}"
    if c.name in mapping:
        return f"CAST({quote(mapping[c.name])} AS VARCHAR) AS {quote(c.name)}"
    return f"CAST(NULL AS VARCHAR) AS {quote(c.name)}"


def _renaming(row_map: RowMap, renamed: dict[str, str]) -> RowMap:
    """Problems name the old file's columns (`value` is `online_share` in an old file)."""

    def mapped(problems: list[Problem]) -> list[Problem]:
        return [replace(p, column=renamed.get(p.column, p.column)) for p in row_map(problems)]

    return mapped


def stage_frame(con: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame) -> None:
    """Stage an in-memory frame (the demo business) exactly like a file."""
    con.register("frame_source", frame)
    try:
        legacy = old_shape(table, list(frame.columns))
        mapping = {c.name: c.name for c in table.columns if c.name in frame.columns}
        if legacy:
            mapping |= legacy.renamed
        selects = [_select(c, mapping, legacy) for c in table.columns]
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
        "read_csv($p, all_varchar = true, header = true, quote = '\"', escape = '\"', "
        "store_rejects = true, "
        f"rejects_table = 'rejects_{table.name}', rejects_scan = 'rejects_scan_{table.name}')"
    )


def _csv_rejects(con, table: Table, name: str) -> list[Problem]:
    rows = con.execute(
        f"SELECT line, error_type, column_name, csv_line FROM rejects_{table.name} ORDER BY line"
    ).fetchall()
    problems, seen = [], set()
    rows = [r for r in rows if not (r[0] in seen or seen.add(r[0]))]  # one problem per line
    for line, error_type, column, csv_line in rows[:MAX_EXAMPLES]:
        code, message = _REJECT_CODES.get(error_type, ("unreadable", error_type.lower()))
        problems.append(Problem(code, name, message, int(line), column, csv_line))
    if len(rows) > MAX_EXAMPLES:
        problems.append(
            Problem(problems[0].code, name, f"{len(rows) - MAX_EXAMPLES:,} more rows like these")
        )
    return problems


def _match_columns(table: Table, header: list[str], name: str, legacy: Legacy | None = None):
    """Map contract columns to file headers, case-insensitively (an old shape's columns by
    their old names)."""
    by_lower: dict[str, list[str]] = {}
    for h in header:
        by_lower.setdefault(str(h).strip().lower(), []).append(h)
    problems, notes, mapping = [], [], {}
    renamed = legacy.renamed if legacy else {}
    skipped = set(legacy.constants) if legacy else set()
    for col in table.columns:
        if col.name in skipped:
            continue
        found = by_lower.get(renamed.get(col.name, col.name), [])
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
    known = {c.name for c in table.columns} | set(renamed.values())
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
            return [], pd.DataFrame(), []
        header = ["" if h is None else str(h) for h in header]
        width = len(header)
        data, sheet_rows = [], []
        for number, r in enumerate(rows, start=2):
            if any(v is not None for v in r):
                data.append([_cell(v) for v in (r + (None,) * width)[:width]])
                sheet_rows.append(number)
    finally:
        wb.close()
    # Duplicated headers are reported by _match_columns; keep the frame registrable meanwhile.
    names = header if len(set(header)) == width else [f"c{i}" for i in range(width)]
    return header, pd.DataFrame(data, columns=names, dtype=object), sheet_rows


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


def quote(identifier: str) -> str:
    return '"' + str(identifier).replace('"', '""') + '"'


def _first_line(exc: Exception, path: Path | None = None) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    line = re.sub(r"^[A-Za-z ]+Error: ", "", line)  # DuckDB's error class is noise here
    return line.replace(str(path), path.name) if path else line


def _unreadable(path: Path, fmt: str, exc: Exception) -> list[Problem]:
    if fmt == "csv":
        found = _csv_diagnose(path)
        if found:
            return found
    return [
        Problem(
            "unreadable",
            path.name,
            f"the file could not be read as {fmt}: {_first_line(exc, path)}",
        )
    ]


# --- CSV diagnostics: only run when something is wrong, to point at the right row ---


def _csv_encoding(path: Path) -> list[Problem]:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [
            Problem(
                "bad_encoding",
                path.name,
                "the file is UTF-16 text, not UTF-8: save it as CSV UTF-8",
            )
        ]
    if b"\x00" in head:
        return [Problem("unreadable", path.name, "the file is binary, not CSV text")]
    return []


def _csv_diagnose(path: Path) -> list[Problem]:
    """Find an unclosed quote, which the CSV sniffer can only report as a failure."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            start = 1
            for _ in reader:
                start = reader.line_num + 1
    except csv.Error:
        return [
            Problem(
                "bad_quoting", path.name, "a quoted field opened in this row is never closed", start
            )
        ]
    except UnicodeDecodeError:
        return [Problem("bad_encoding", path.name, "the file is not UTF-8 text")]
    return []


def _csv_rows(path: Path, problems: list[Problem]) -> list[Problem]:
    """Real row numbers for problems counted over data rows (blank lines skipped)."""
    wanted = {p.row - 2 for p in problems if p.row and p.row >= 2}
    if not wanted:
        return problems
    found: dict[int, int] = {}
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        index = 0
        for row in reader:
            if not row:
                continue
            if index in wanted:
                found[index] = reader.line_num
                if len(found) == len(wanted):
                    break
            index += 1
    return [
        replace(p, row=found.get(p.row - 2, p.row)) if p.row and p.row >= 2 else p for p in problems
    ]


def _listed_rows(sheet_rows: list[int], problems: list[Problem]) -> list[Problem]:
    return [
        replace(p, row=sheet_rows[p.row - 2]) if p.row and 2 <= p.row < len(sheet_rows) + 2 else p
        for p in problems
    ]
