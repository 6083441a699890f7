"""What every adapter shares: the file as rows, the parts it makes, where each row came from."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from pitwall.mapping import Converter, FileMapping, Reading, as_float
from pitwall.problems import Problem
from pitwall.schema import TABLES

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024


def decode(data: bytes) -> str:
    """Text of an export: UTF-8 (with or without BOM), or UTF-16 as Google Ads' "Excel CSV"."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")  # a sniffed head may end mid-character
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def delimiter_of(text: str) -> str:
    """The separator that splits most lines the same number of times (quoted text aside, so
    `"4,838.80"` or a German `1.234,56` in a `;` file does not count; a preamble line may
    have none)."""
    lines = [re.sub(r'"[^"]*"', "", ln) for ln in text.splitlines()[:30] if ln.strip()]

    def score(d: str) -> tuple[int, int, bool]:
        counts = [ln.count(d) for ln in lines if ln.count(d)]
        if not counts:
            return (0, 0, d == ",")
        mode = max(set(counts), key=counts.count)
        return (counts.count(mode), mode, d == ",")

    return max(DELIMITERS, key=score)


def rows_of(text: str, delimiter: str | None = None) -> list[list[str]]:
    """Every record of a CSV text; a blank line is an empty record, so the index + 1 is the
    row a spreadsheet shows (records that span lines count once)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or delimiter_of(text))
    return [list(r) for r in reader]


@dataclass
class Export:
    """A file read as rows; `header` is the index of its header row."""

    name: str
    rows: list[list[str]]
    header: int = 0

    @property
    def columns(self) -> list[str]:
        return [c.strip() for c in self.rows[self.header]]

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(spreadsheet row, {header: value}) for each non-blank row under the header."""
        cols = self.columns
        for i in range(self.header + 1, len(self.rows)):
            cells = self.rows[i]
            if not any(c.strip() for c in cells):
                continue
            yield i + 1, dict(zip(cols, cells + [""] * (len(cols) - len(cells)), strict=False))


@dataclass
class Part:
    """Rows of one contract table made from one file: values as contract text, the file's
    row of each, and which file column each contract column came from."""

    table: str
    records: list[dict[str, str]]
    rows: list[int]
    columns: dict[str, str] = field(default_factory=dict)
    hint: str = ""  # how the file's values were read, for a value that could not be


@dataclass
class Result:
    parts: list[Part]
    summary: str  # "orders (8 line-item rows → 5 orders), customers (4)"
    problems: list[Problem] = field(default_factory=list)
    currencies: list[str] = field(default_factory=list)  # every currency the file names
    currency_column: str | None = None
    extra: list[str] = field(default_factory=list)  # further remarks for the note


@dataclass(frozen=True)
class Adapter:
    name: str  # "Shopify orders export"
    recognise: Callable[[list[str]], bool]
    adapt: Callable[[Export, FileMapping, Converter], Result]
    reading: Reading = Reading(".", ",")


@dataclass
class Staged:
    """A contract table made from exports, ready to stage: its rows, and for each the file
    and row it came from, so every problem names the user's own file and row."""

    table: str
    frame: pd.DataFrame
    origins: list[tuple[str, int]]
    columns: dict[tuple[str, str], str]  # (file, contract column) -> the file's column
    label: str
    hints: dict[str, str] = field(default_factory=dict)  # file -> how its values were read

    def row_map(self, problems: list[Problem]) -> list[Problem]:
        out = []
        for p in problems:
            if p.row is not None and 2 <= p.row < len(self.origins) + 2:
                file, row = self.origins[p.row - 2]
                column = self.columns.get((file, p.column or ""), p.column)
                message = _ALSO_IN.sub(
                    lambda m, file=file: f"also in {self._where(int(m[1]), file)}", p.message
                )
                if p.code in VALUE_CODES and self.hints.get(file):
                    message = f"{message}; {self.hints[file]}"
                p = replace(p, file=file, row=row, column=column, message=message)
            out.append(p)
        return out

    def _where(self, staged_row: int, file: str) -> str:
        """A staged row as the user knows it: its row, and its file when another one."""
        if not 2 <= staged_row < len(self.origins) + 2:
            return f"row {staged_row}"
        other, row = self.origins[staged_row - 2]
        return f"row {row}" if other == file else f"{other}, row {row}"


VALUE_CODES = ("not_a_number", "not_a_whole_number", "not_a_date", "not_a_month")
_ALSO_IN = re.compile(r"also in row (\d+)")  # checks.check_keys names the first row by number


def staged(table: str, parts: list[tuple[str, Part]]) -> Staged:
    names = [c.name for c in TABLES[table].columns]
    records, origins, columns, files, hints = [], [], {}, [], {}
    for file, part in parts:
        if part.hint:
            hints[file] = part.hint
        records += part.records
        origins += [(file, r) for r in part.rows]
        columns |= {(file, k): v for k, v in part.columns.items()}
        if file not in files:
            files.append(file)
    frame = pd.DataFrame.from_records(records, columns=names).astype(object)
    frame = frame.where(frame.notna() & (frame != ""), None)
    return Staged(table, frame, origins, columns, " + ".join(files), hints)


def customer_key(email: str = "", name: str = "", zip_code: str = "") -> str | None:
    """The stable customer id an export without one gets: `cust-` and 16 hex digits of the
    SHA-256 of the lower-cased e-mail, else of the billing name and zip."""
    email = (email or "").strip().lower()
    if email:
        key = f"email:{email}"
    elif (name or "").strip() or (zip_code or "").strip():
        key = f"billing:{name.strip().lower()}|{zip_code.strip().lower().replace(' ', '')}"
    else:
        return None
    return "cust-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def read_path(path: Path) -> str:
    with open(path, "rb") as fh:
        return decode(fh.read())


def spread(first: str, last: str, amount: str, counts: dict[str, str]) -> list[dict] | None:
    """A range's totals spread evenly over its days (whole counts: the remainder goes to the
    first days). None when the range or a value can't be read, so the row loads as it is
    and the checks name what is wrong."""
    import datetime as dt

    try:
        start, end = dt.date.fromisoformat(first[:10]), dt.date.fromisoformat(last[:10])
    except ValueError:
        return None
    total = as_float(amount) if amount else 0.0
    whole = {k: (as_float(v) if v else 0.0) for k, v in counts.items()}
    if end < start or total is None or any(v is None or v != int(v) for v in whole.values()):
        return None
    days = (end - start).days + 1
    out = []
    for i in range(days):
        row = {"date": (start + dt.timedelta(days=i)).isoformat(), "amount": repr(total / days)}
        for k, v in whole.items():
            base, rest = divmod(int(v), days)
            row[k] = str(base + (1 if i < rest else 0))
        out.append(row)
    return out
