"""Any other shape, through its entry in pitwall.toml (pitwall/mapping.py): the table it
fills, which column is which, constants, separators, date format, rows to skip and drop."""

from __future__ import annotations

from pathlib import Path

from pitwall.adapters.base import Export, Part, Result, count, read_path, rows_of
from pitwall.mapping import Converter, FileMapping
from pitwall.problems import Problem
from pitwall.schema import TABLES

NAME = "mapping"


def read(path: Path, options: FileMapping) -> Export:
    """The file as rows, its header under `skip_rows` rows (CSV, or the first sheet of .xlsx)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _sheet(path)
    else:
        rows = rows_of(read_path(path), options.delimiter)
    return Export(path.name, rows, min(options.skip_rows, max(len(rows) - 1, 0)))


def _sheet(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    from pitwall.readers import _cell

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [[_cell(v) or "" for v in r] for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def matched(options: FileMapping, header: list[str]) -> dict[str, str]:
    """Contract column -> the file's header: the mapping's, else the same name (any case)."""
    by_lower = {h.strip().lower(): h for h in header}
    out = {}
    for col in TABLES[options.table].columns:
        wanted = options.columns.get(col.name)
        if wanted is not None:
            if wanted.strip().lower() in by_lower:
                out[col.name] = by_lower[wanted.strip().lower()]
        elif col.name in by_lower and col.name not in options.constants:
            out[col.name] = by_lower[col.name]
    return out


def adapt(export: Export, options: FileMapping, conv: Converter) -> Result:
    table = TABLES[options.table]
    header = export.columns if export.rows else []
    columns = matched(options, header)
    problems = []
    for col in table.columns:
        wanted = options.columns.get(col.name)
        if wanted is not None and col.name not in columns:
            problems.append(
                Problem(
                    "missing_column",
                    export.name,
                    f"the mapping takes {col.name} from {wanted!r}, which is not in the header "
                    f"(row {export.header + 1} has: {', '.join(header)})",
                    export.header + 1,
                    wanted,
                )
            )
        elif col.required and col.name not in columns and col.name not in options.constants:
            problems.append(
                Problem(
                    "missing_column",
                    export.name,
                    f"{table.name} needs {col.name}: map it in pitwall.toml "
                    f'([files."{options.pattern}".columns] {col.name} = "…") '
                    f"(the header has: {', '.join(header)})",
                    export.header + 1,
                    col.name,
                )
            )
    if problems:
        return Result([], "", problems)
    records, rows, dropped = [], [], 0
    for row, r in export.records():
        if options.drops(list(r.values())):
            dropped += 1
            continue
        rec = {}
        for col in table.columns:
            if col.name in columns:
                rec[col.name] = conv.cell(
                    col.type, r.get(columns[col.name]), row, columns[col.name]
                )
            elif col.name in options.constants:
                rec[col.name] = conv.cell(col.type, options.constants[col.name], row, col.name)
        records.append(rec)
        rows.append(row)
    summary = f"{table.name} ({count(len(records), 'row')})"
    extra = [f"{count(dropped, 'row')} dropped ({', '.join(options.drop_rows)})"] if dropped else []
    return Result(
        [Part(table.name, records, rows, columns)],
        summary,
        currencies=[options.currency] if options.currency else [],
        extra=extra,
    )
