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
from pitwall.adapters.base import Staged
from pitwall.checks import (
    check_columns,
    check_keys,
    check_references,
    check_stages,
    check_targets,
    typed,
)
from pitwall.problems import LoadError, Problem
from pitwall.readers import quote
from pitwall.schema import REVENUE_TABLES, SQL_TYPES, TABLES, Table
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
    listing: list[tuple[str, str, str]] = field(default_factory=list)  # file, read as, gives
    dry_run: bool = False


def load_folder(
    folder: Path,
    warehouse: Path,
    progress: Progress = lambda _: None,
    *,
    mapping: Path | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Load every file of `folder`: contract files, exports an adapter knows, files the
    mapping (`mapping`, else FOLDER/pitwall.toml) describes (pitwall/adapters)."""
    from pitwall import adapters

    found = adapters.plan(folder, mapping, *meta.user_data_at(Path(warehouse)))
    if not found.sources:
        raise LoadError(found.problems)
    report = load(
        found.sources,
        warehouse,
        progress=progress,
        problems=found.problems,
        currency=found.currency,
        dry_run=dry_run,
    )
    report.notes[:0] = found.notes
    report.listing = found.listing
    return report


def load(
    sources: dict[str, Source],
    warehouse: Path,
    *,
    progress: Progress = lambda _: None,
    origin: str = "files",
    demo_info: dict | None = None,
    problems: list[Problem] = (),
    currency: str | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Replace the tables in `sources` (file paths, frames or adapted exports), keep the
    rest, rebuild. `problems` found before (by the adapters) refuse the load together with
    the checks' own. A dry run does everything but the swap: the warehouse is untouched."""
    warehouse = Path(warehouse)
    if dry_run:
        return _load(sources, warehouse, progress, origin, demo_info, problems, currency, True)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with load_lock(warehouse):
        return _load(sources, warehouse, progress, origin, demo_info, problems, currency, False)


def _load(
    sources, warehouse: Path, progress: Progress, origin, demo_info, found, currency, dry_run
) -> LoadReport:
    if dry_run:  # in memory: not a byte beside the warehouse changes
        con = duckdb.connect(":memory:", config=WRITE_CONFIG)
        tmp = None
    else:
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
        problems = _first_per_cell(list(found) + problems)
        if problems:
            raise LoadError(problems)
        progress("Writing tables")
        _write_tables(con, sources, kept)
        _keep_model_results(con)
        progress("Building derived tables")
        build.run(con)
        info = meta.record_load(con, sources, files, origin, demo_info, currency)
        if _attached(con):
            con.execute("DETACH old")
        if dry_run:
            con.close()
            progress("Dry run: nothing was changed")
            return LoadReport(warehouse, info, notes, dry_run=True)
        con.execute("CHECKPOINT")
        con.close()
        swap_in(tmp, warehouse)
        progress("Done")
        return LoadReport(warehouse, info, notes)
    except BaseException:
        with contextlib.suppress(Exception):
            con.close()
        if tmp is not None:
            _remove(tmp)
        raise


def _first_per_cell(problems: list[Problem]) -> list[Problem]:
    """One problem per cell: an adapter's (an ambiguous date) over the check's that follows
    from it (not a date)."""
    seen, out = set(), []
    for p in problems:
        cell = (p.file, p.row, p.column)
        if p.row is not None and cell in seen:
            continue
        seen.add(cell)
        out.append(p)
    return out


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
        if isinstance(source, Staged):
            files[name] = source.label
            progress(f"[{i}/{len(sources)}] Staging {name} from {source.label}")
            readers.stage_frame(con, table, source.frame)
            found, row_maps[name] = [], source.row_map
        elif isinstance(source, pd.DataFrame):
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
        f"CAST({typed(c)} AS {SQL_TYPES[c.type]}) AS {quote(c.name)}" for c in table.columns
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE new_{table.name} AS "
        f"SELECT rowid + 2 AS _row, {cols} FROM {readers.raw_name(table)}"
    )
    con.execute(f"DROP TABLE {readers.raw_name(table)}")


def _check_tables(con, sources, rels, files, row_maps) -> list[Problem]:
    """Keys, references and stages; each table's problems in its file's own row numbers."""

    def mapped(name, found):
        return row_maps[name](found) if name in sources else found

    problems = []
    for name in sources:
        problems += mapped(name, check_keys(con, TABLES[name], rels[name], files[name]))
    for name in rels:
        problems += mapped(name, check_references(con, TABLES[name], rels, files))
    problems += mapped("lead_stages", check_stages(con, rels, files))
    problems += mapped("targets", check_targets(con, rels, files))
    if not any(name in rels for name in REVENUE_TABLES):
        problems.append(
            Problem(
                "missing_orders",
                "orders.csv",
                "orders is required: add orders.csv, .parquet or .xlsx (or sales.csv: "
                "revenue totals without customers)",
            )
        )
    return problems


def _write_tables(con, sources, kept) -> None:
    """Contract tables, sorted by their date; tables not loaded exist empty."""
    for table in TABLES.values():
        cols = ", ".join(quote(c.name) for c in table.columns)
        order = f" ORDER BY {quote(table.sort_by)}" if table.sort_by else ""
        if table.name in sources:
            source = f"new_{table.name}"
        elif table.name in kept:
            source = f"old.main.{quote(table.name)}"
        else:
            defs = ", ".join(f"{quote(c.name)} {SQL_TYPES[c.type]}" for c in table.columns)
            con.execute(f"CREATE TABLE {quote(table.name)} ({defs})")
            continue
        con.execute(f"CREATE TABLE {quote(table.name)} AS SELECT {cols} FROM {source}{order}")


def _keep_model_results(con) -> None:
    """A stored model fit survives a load; its record of the data it saw marks it stale."""
    if not _attached(con):
        return
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'old' "
        "AND (starts_with(table_name, 'mmm_') OR starts_with(table_name, 'lead_model_'))"
    ).fetchall()
    for (name,) in names:
        con.execute(f"CREATE TABLE {quote(name)} AS SELECT * FROM old.main.{quote(name)}")


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
