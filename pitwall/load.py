"""Load files into the warehouse: validate, stage, build, swap. All or nothing.

A load writes a complete new warehouse beside the current one (tables it was given, tables
kept from the current file, derived tables rebuilt) and renames it into place. When any
check fails, the new file is deleted and the current warehouse is untouched.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pitwall import build, meta, readers
from pitwall.checks import check_columns, check_keys, check_references, check_stages, typed
from pitwall.problems import LoadError, Problem
from pitwall.readers import _q
from pitwall.schema import FILE_SUFFIXES, REQUIRED_TABLES, SQL_TYPES, TABLES, Table
from pitwall.warehouse import (
    WRITE_CONFIG,
    clean_leftovers,
    load_lock,
    swap_in,
    temp_path_for,
)

Progress = Callable[[str], None]
Source = Path | pd.DataFrame


@dataclass
class LoadReport:
    warehouse: Path
    tables: pd.DataFrame  # table, rows, first, last, source
    notes: list[str] = field(default_factory=list)


def find_files(folder: Path) -> tuple[dict[str, Path], list[str], list[Problem]]:
    """Map table name -> file in `folder`. Returns (files, notes, problems)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}, [], [Problem("unreadable", str(folder), "no such folder")]
    files: dict[str, Path] = {}
    notes, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        table = path.stem.strip().lower()
        if path.suffix.lower() not in FILE_SUFFIXES:
            notes.append(f"{path.name}: skipped (not .csv, .parquet or .xlsx)")
        elif table not in TABLES:
            notes.append(
                f"{path.name}: skipped (no table called '{table}'; tables are {', '.join(TABLES)})"
            )
        elif table in files:
            problems.append(
                Problem(
                    "duplicate_file", path.name, f"{files[table].name} already provides {table}"
                )
            )
        else:
            files[table] = path
    if not files and not problems:
        problems.append(
            Problem("empty", str(folder), "no table files found (expected names like orders.csv)")
        )
    return files, notes, problems


def load_folder(folder: Path, warehouse: Path, progress: Progress = lambda _: None) -> LoadReport:
    files, notes, problems = find_files(folder)
    if problems:
        raise LoadError(problems)
    report = load(files, warehouse, progress=progress)
    report.notes[:0] = notes
    return report


def load(
    sources: dict[str, Source],
    warehouse: Path,
    *,
    progress: Progress = lambda _: None,
    origin: str = "files",
    demo_info: dict | None = None,
) -> LoadReport:
    """Replace the tables in `sources` (file paths or frames), keep the rest, rebuild."""
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with load_lock(warehouse):
        return _load(sources, warehouse, progress, origin, demo_info)


def _load(sources, warehouse: Path, progress: Progress, origin: str, demo_info) -> LoadReport:
    clean_leftovers(warehouse)
    tmp = temp_path_for(warehouse)
    _remove(tmp)
    con = duckdb.connect(str(tmp), config=WRITE_CONFIG)
    try:
        kept = _attach_current(con, warehouse, origin, set(sources))
        notes, problems, files, row_maps = _stage_all(con, sources, progress)
        rels = {t: f"old.main.{t}" for t in kept} | {t: f"new_{t}" for t in sources}
        if not problems:
            problems = _check_tables(con, sources, rels, files, row_maps)
        if problems:
            raise LoadError(problems)
        progress("Writing tables")
        _write_tables(con, sources, kept)
        _keep_model_results(con)
        progress("Building derived tables")
        build.run(con)
        info = meta.record_load(con, sources, files, origin, demo_info)
        if _attached(con):
            con.execute("DETACH old")
        con.execute("CHECKPOINT")
        con.close()
        swap_in(tmp, warehouse)
        progress("Done")
        return LoadReport(warehouse, info, notes)
    except BaseException:
        with contextlib.suppress(Exception):
            con.close()
        _remove(tmp)
        raise


def _attach_current(con, warehouse: Path, origin: str, replacing: set[str]) -> list[str]:
    """Attach the current warehouse; return the user tables to keep from it.

    Loading one's own files into the demo warehouse starts afresh: demo tables are never
    mixed with a user's data.
    """
    if not warehouse.exists():
        return []
    con.execute("ATTACH ? AS old (READ_ONLY)", [str(warehouse)])
    current = meta.loaded_tables(con, "old")
    if origin == "files" and meta.is_demo(con, "old"):
        return []
    return [t for t in current if t not in replacing]


def _attached(con) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_databases() WHERE database_name = 'old'"
        ).fetchone()[0]
    )


def _stage_all(con, sources, progress):
    notes, problems, files, row_maps = [], [], {}, {}
    for i, (name, source) in enumerate(sorted(sources.items()), start=1):
        table = TABLES[name]
        if isinstance(source, pd.DataFrame):
            files[name] = f"{name} (generated)"
            progress(f"[{i}/{len(sources)}] Staging {name} ({len(source):,} rows)")
            readers.stage_frame(con, table, source)
            found, row_maps[name] = [], readers._same
        else:
            source = Path(source)
            files[name] = source.name
            progress(f"[{i}/{len(sources)}] Reading {source.name}")
            found, file_notes, row_maps[name] = readers.stage_file(con, table, source)
            notes += file_notes
        if not found:
            progress(f"[{i}/{len(sources)}] Checking {files[name]}")
            found = row_maps[name](check_columns(con, table, files[name]))
        if not found:
            _create_typed(con, table)
        problems += found
    return notes, problems, files, row_maps


def _create_typed(con, table: Table) -> None:
    cols = ", ".join(
        f"CAST({typed(c)} AS {SQL_TYPES[c.type]}) AS {_q(c.name)}" for c in table.columns
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE new_{table.name} AS "
        f"SELECT rowid + 2 AS _row, {cols} FROM {readers.raw_name(table)}"
    )
    con.execute(f"DROP TABLE {readers.raw_name(table)}")


def _check_tables(con, sources, rels, files, row_maps) -> list[Problem]:
    problems = []
    for name in sources:
        problems += check_keys(con, TABLES[name], rels[name], files[name])
    for name in rels:
        problems += check_references(con, TABLES[name], rels, files)
    problems += check_stages(con, rels, files)
    mapped = []
    for name in sources:  # real row numbers, one pass over each file
        mapped += row_maps[name]([p for p in problems if p.file == files[name]])
    problems = mapped + [p for p in problems if p.file not in {files[n] for n in sources}]
    for name in REQUIRED_TABLES:
        if name not in rels:
            problems.append(
                Problem(
                    "missing_orders",
                    f"{name}.csv",
                    f"{name} is required: add {name}.csv, .parquet or .xlsx",
                )
            )
    return problems


def _write_tables(con, sources, kept) -> None:
    """Contract tables, sorted by their date; tables not loaded exist empty."""
    for table in TABLES.values():
        cols = ", ".join(_q(c.name) for c in table.columns)
        order = f" ORDER BY {_q(table.sort_by)}" if table.sort_by else ""
        if table.name in sources:
            source = f"new_{table.name}"
        elif table.name in kept:
            source = f"old.main.{table.name}"
        else:
            defs = ", ".join(f"{_q(c.name)} {SQL_TYPES[c.type]}" for c in table.columns)
            con.execute(f"CREATE TABLE {table.name} ({defs})")
            continue
        con.execute(f"CREATE TABLE {table.name} AS SELECT {cols} FROM {source}{order}")


def _keep_model_results(con) -> None:
    """A stored model fit survives a load; its record of the data it saw marks it stale."""
    if not _attached(con):
        return
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'old' "
        "AND starts_with(table_name, 'mmm_')"
    ).fetchall()
    for (name,) in names:
        con.execute(f"CREATE TABLE {_q(name)} AS SELECT * FROM old.main.{_q(name)}")


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
