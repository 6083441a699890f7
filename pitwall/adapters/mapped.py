"""Any other shape, through its entry in pitwall.toml (pitwall/mapping.py): the table it
fills, which column is which, constants, separators, date format, rows to skip and drop."""

from __future__ import annotations

import re
from pathlib import Path

from pitwall.adapters.base import Export, Part, Result, count, decode, rows_of
from pitwall.mapping import Converter, FileMapping, Reading, as_float
from pitwall.problems import Problem
from pitwall.schema import TABLES

NAME = "mapping"


def read(path: Path, options: FileMapping) -> Export:
    """The file as rows, its header under `skip_rows` rows (CSV, or the first sheet of .xlsx)."""
    with open(path, "rb") as fh:
        return read_bytes(path.name, fh.read(), options)


def read_bytes(name: str, data: bytes, options: FileMapping) -> Export:
    if Path(name).suffix.lower() in (".xlsx", ".xlsm"):
        rows = _sheet(data)
    else:
        rows = rows_of(decode(data), options.delimiter)
    return Export(name, rows, min(options.skip_rows, max(len(rows) - 1, 0)))


def _sheet(data: bytes) -> list[list[str]]:
    import io

    from openpyxl import load_workbook

    from pitwall.readers import _cell

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
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
                    f"{table.name} needs {col.name}: say which column holds it (on the Data "
                    f'page, or in pitwall.toml: [files."{options.pattern}".columns] '
                    f'{col.name} = "…"); the header has: {", ".join(h for h in header if h)}',
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
    reading = conv.reading
    thousands = f"thousands {reading.thousands!r}" if reading.thousands else "no thousands"
    hint = (
        f"the mapping reads numbers with decimal {reading.decimal!r} and {thousands}, dates "
        f"as {reading.date_format or 'ISO (2025-03-14)'}: change them in "
        f'[files."{options.pattern}"] if the file writes them otherwise'
    )
    return Result(
        [Part(table.name, records, rows, columns, hint)],
        summary,
        currencies=[options.currency] if options.currency else [],
        extra=extra,
    )


def preview(name: str, data: bytes, options: FileMapping, n: int = 5):
    """The first `n` rows as they will load (contract columns, values as read), and the
    problems the mapping already shows (a missing column, an ambiguous date)."""
    import pandas as pd

    export = read_bytes(name, data, options)
    conv = Converter(name, options.reading(Reading()))
    result = adapt(export, options, conv)
    names = [c.name for c in TABLES[options.table].columns]
    records = result.parts[0].records[:n] if result.parts else []
    frame = pd.DataFrame.from_records(records, columns=names)
    rows = result.parts[0].rows[:n] if result.parts else []
    frame.insert(0, "row", rows)
    return frame, result.problems + conv.problems


_GERMAN = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")
_ENGLISH = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+\.\d+$")
_DOTTED = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}$")
_TOTALS = ("total", "totals", "summe", "gesamt", "grand total", "sum")


def guess(name: str, data: bytes) -> FileMapping:
    """A first mapping for the Data page's form, from the file's look: the widest of the
    first rows is the header; numbers like 1.234,56 or 1,234.56; dates like 14.03.2025 or
    a slashed date with a day above 12; a last row that starts with Total or Summe. A
    slashed date that could be either is left to the user (never guessed)."""
    export = read_bytes(name, data, FileMapping(name))
    rows = export.rows
    width = [sum(bool(c.strip()) for c in r) for r in rows[:10]]
    skip = width.index(max(width)) if width else 0
    cells = [c.strip() for r in rows[skip + 1 : skip + 200] for c in r if c.strip()]
    german = sum(bool(_GERMAN.match(c)) for c in cells)
    english = sum(bool(_ENGLISH.match(c)) for c in cells)
    decimal, thousands = (",", ".") if german > english else (".", ",")
    date_format = None
    if any(_DOTTED.match(c) for c in cells):
        date_format = "%d.%m.%Y"
    slashed = [m for m in map(_SLASHED.match, cells) if m]
    if any(int(m.group(1)) > 12 for m in slashed):
        date_format = "%d/%m/%Y"
    elif any(int(m.group(2)) > 12 for m in slashed):
        date_format = "%m/%d/%Y"
    drops = []
    for r in rows[skip + 1 :]:
        first = next((c.strip() for c in r if c.strip()), "")
        word = next((t for t in _TOTALS if first.lower().startswith(t)), None)
        if word and f"{first[: len(word)]}*" not in drops:
            drops.append(f"{first[: len(word)]}*")
    return FileMapping(
        name,
        skip_rows=skip,
        decimal=decimal,
        thousands=thousands,
        date_format=date_format,
        drop_rows=tuple(drops),
    )


def suggest(name: str, data: bytes, options: FileMapping) -> dict[str, str]:
    """Columns for the Data page's form to start from: a contract column's own name (any
    case), else, for a date or a number, the first unused column whose first values all
    read as one (with the form's separators and date format)."""
    export = read_bytes(name, data, options)
    header = [h for h in export.columns if h] if export.rows else []
    conv = Converter(name, options.reading(Reading()))
    kept = (r for _, r in export.records() if not options.drops(list(r.values())))
    sample: dict[str, list[str]] = {h: [] for h in header}
    for _, r in zip(range(20), kept, strict=False):
        for h in header:
            if (r.get(h) or "").strip():
                sample[h].append(r[h])
    out = matched(FileMapping(name, options.table), header)
    used = set(out.values())
    for col in TABLES[options.table].columns:
        if col.name in out or col.type not in ("date", "timestamp", "month", "number"):
            continue
        for h in header:
            if h in used or not sample[h]:
                continue
            if col.type == "number":
                fits = all(as_float(conv.number(v, 0, h)) is not None for v in sample[h])
            else:
                fits = all(conv.date(v, 0, h)[:4].isdigit() for v in sample[h])
            if fits:
                out[col.name] = h
                used.add(h)
                break
    return out
