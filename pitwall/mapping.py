"""pitwall.toml: how a file in any other shape loads, and how values in it are read.

A mapping names, per file (its name, or a pattern like `Umsatz*.csv`), the contract table it
fills, which of its columns is which contract column, constant values, the decimal and
thousands separators, the date format, rows to skip above the header, rows to drop (`Total*`)
and its currency with a rate. The export adapters (pitwall/adapters) read their values with
the same `Converter`, so a date or a number means the same thing whichever way a file came.
docs/import-contract.md documents the format with an example.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pitwall.problems import LoadError, Problem
from pitwall.schema import TABLES

FILE_NAME = "pitwall.toml"
_KEYS = {
    "table",
    "columns",
    "constants",
    "delimiter",
    "decimal",
    "thousands",
    "date_format",
    "skip_rows",
    "drop_rows",
    "currency",
    "rate",
    "channels",
    "stages",
    "sheet",
}


@dataclass(frozen=True)
class Reading:
    """How the text of a file's values is read."""

    decimal: str = "."
    thousands: str = ""
    date_format: str | None = None


@dataclass(frozen=True)
class FileMapping:
    pattern: str  # a file name, or a pattern like "Umsatz*.csv"
    table: str | None = None  # None: an export's options only (currency, channels, stages)
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> file header
    constants: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    date_format: str | None = None
    skip_rows: int = 0
    drop_rows: tuple[str, ...] = ()
    currency: str | None = None
    rate: float | None = None
    channels: dict[str, str] = field(default_factory=dict)  # Google Ads campaign type -> channel
    stages: dict[str, str] = field(default_factory=dict)  # HubSpot deal stage -> default stage

    def reading(self, default: Reading) -> Reading:
        return Reading(
            self.decimal if self.decimal is not None else default.decimal,
            self.thousands if self.thousands is not None else default.thousands,
            self.date_format or default.date_format,
        )

    def drops(self, cells: list[str]) -> bool:
        return any(
            fnmatch.fnmatch(c.strip().lower(), p.lower()) for p in self.drop_rows for c in cells
        )


@dataclass(frozen=True)
class Mapping:
    source: str = FILE_NAME
    currency: str | None = None  # the warehouse's currency, when the user states it
    files: tuple[FileMapping, ...] = ()

    def for_file(self, name: str) -> FileMapping | None:
        exact = [f for f in self.files if f.pattern.lower() == name.lower()]
        if exact:
            return exact[0]
        return next(
            (f for f in self.files if fnmatch.fnmatch(name.lower(), f.pattern.lower())), None
        )


def read(path: Path) -> Mapping:
    """Read a pitwall.toml; a broken one refuses the load with one problem per mistake."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise LoadError([Problem("bad_mapping", path.name, "no such mapping file")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LoadError([Problem("bad_mapping", path.name, f"not valid TOML: {exc}")]) from None
    return parse(data, path.name)


def parse(data: dict, source: str = FILE_NAME) -> Mapping:
    problems, files = [], []
    given = data.get("files") or {}
    if not isinstance(given, dict):
        raise LoadError(
            [Problem("bad_mapping", source, 'files must be tables like [files."sales.csv"]')]
        )
    if not isinstance(data.get("currency") or "", str):
        problems.append(Problem("bad_mapping", source, 'currency must be text like "EUR"'))
    for pattern, spec in given.items():
        if not isinstance(spec, dict):
            problems.append(Problem("bad_mapping", source, f"[files.{pattern!r}] is not a table"))
            continue
        where = f'[files."{pattern}"]'
        unknown = sorted(set(spec) - _KEYS)
        if unknown:
            problems.append(
                Problem(
                    "bad_mapping",
                    source,
                    f"{where}: unknown key(s) {', '.join(unknown)}; "
                    f"keys are {', '.join(sorted(_KEYS))}",
                )
            )
        wrong = _types(spec, where, source)
        if wrong:
            problems += wrong
            continue
        table = spec.get("table")
        if table is not None and table not in TABLES:
            problems.append(
                Problem(
                    "bad_mapping",
                    source,
                    f"{where}: no table called {table!r}; tables are {', '.join(TABLES)}",
                )
            )
            continue
        known = {c.name for c in TABLES[table].columns} if table else set()
        for key in ("columns", "constants"):
            bad = sorted(set(spec.get(key) or {}) - known) if table else []
            if bad:
                problems.append(
                    Problem(
                        "bad_mapping",
                        source,
                        f"{where}.{key}: {table} has no column {', '.join(bad)} "
                        f"(its columns are {', '.join(sorted(known))})",
                    )
                )
        fmt = spec.get("date_format")
        if fmt and not _format_ok(fmt):
            problems.append(
                Problem("bad_mapping", source, f"{where}: date_format {fmt!r} reads no date")
            )
        rate = spec.get("rate")
        if rate is not None and (not isinstance(rate, int | float) or rate <= 0):
            problems.append(
                Problem("bad_mapping", source, f"{where}: rate must be a number above 0")
            )
            rate = None
        drop = spec.get("drop_rows") or ()
        files.append(
            FileMapping(
                pattern=pattern,
                table=table,
                columns={k: str(v) for k, v in (spec.get("columns") or {}).items()},
                constants={k: str(v) for k, v in (spec.get("constants") or {}).items()},
                delimiter=spec.get("delimiter"),
                decimal=spec.get("decimal"),
                thousands=spec.get("thousands"),
                date_format=fmt,
                skip_rows=int(spec.get("skip_rows") or 0),
                drop_rows=(drop,) if isinstance(drop, str) else tuple(drop),
                currency=(spec.get("currency") or "").upper() or None,
                rate=float(rate) if rate is not None else None,
                channels={str(k): str(v) for k, v in (spec.get("channels") or {}).items()},
                stages={str(k): str(v) for k, v in (spec.get("stages") or {}).items()},
            )
        )
    if problems:
        raise LoadError(problems)
    currency = str(data.get("currency") or "").upper() or None
    return Mapping(source, currency, tuple(files))


_ONE_CHAR = {"delimiter": "a separator like ';'", "decimal": "'.' or ','"}


def _types(spec: dict, where: str, source: str) -> list[Problem]:
    """The keys' values are of the kind the format says."""
    wrong = []
    for key, what in _ONE_CHAR.items():
        value = spec.get(key)
        if value is not None and (not isinstance(value, str) or len(value) != 1):
            wrong.append(f"{key} must be one character, {what}")
    thousands = spec.get("thousands")
    if thousands is not None and (not isinstance(thousands, str) or len(thousands) > 1):
        wrong.append("thousands must be one character (like '.' or ','), or \"\" for none")
    skip = spec.get("skip_rows")
    if skip is not None and (not isinstance(skip, int) or isinstance(skip, bool) or skip < 0):
        wrong.append("skip_rows must be a whole number, 0 or more")
    drop = spec.get("drop_rows")
    if drop is not None and not (
        isinstance(drop, str) or (isinstance(drop, list) and all(isinstance(d, str) for d in drop))
    ):
        wrong.append('drop_rows must be a list of patterns like ["Total*"]')
    for key in ("columns", "constants", "channels", "stages"):
        if spec.get(key) is not None and not isinstance(spec[key], dict):
            wrong.append(f"{key} must be a table ([{where[1:-1]}.{key}])")
    for key in ("table", "date_format", "currency"):
        if spec.get(key) is not None and not isinstance(spec[key], str):
            wrong.append(f"{key} must be text in quotes")
    return [Problem("bad_mapping", source, f"{where}: {w}") for w in wrong]


def _format_ok(fmt: str) -> bool:
    try:
        day = dt.datetime(2025, 3, 14, 9, 30)
        return dt.datetime.strptime(day.strftime(fmt), fmt).date() == day.date()
    except ValueError:
        return False


def to_toml(mappings: list[FileMapping], currency: str | None = None) -> str:
    """A pitwall.toml for `mappings` (the Data page's download)."""
    lines = [f'currency = "{currency}"', ""] if currency else []
    for m in mappings:
        head = f'[files."{_esc(m.pattern)}"]'
        lines.append(head)
        if m.table:
            lines.append(f'table = "{m.table}"')
        for key in ("delimiter", "decimal", "thousands", "date_format", "currency"):
            value = getattr(m, key)
            if value is not None and value != "":
                lines.append(f'{key} = "{_esc(value)}"')
        if m.skip_rows:
            lines.append(f"skip_rows = {m.skip_rows}")
        if m.drop_rows:
            lines.append("drop_rows = [" + ", ".join(f'"{_esc(p)}"' for p in m.drop_rows) + "]")
        if m.rate is not None:
            lines.append(f"rate = {m.rate}")
        for key in ("columns", "constants", "channels", "stages"):
            values = getattr(m, key)
            if values:
                lines.append(f"{head[:-1]}.{key}]")
                lines += [f'"{_esc(k)}" = "{_esc(v)}"' for k, v in values.items()]
        lines.append("")
    return "\n".join(lines)


def _esc(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace('"', '\\"')


# --- reading values ----------------------------------------------------------------------

_ISO = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})(?:[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?"
    r"\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?$"
)
_NUMERIC_DATE = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?$"
)
_NAMED = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%a, %b %d, %Y", "%A, %B %d, %Y")
_CURRENCY_SIGNS = re.compile(r"[€$£¥\s\u00a0\u202f]")


def read_date(text: str, date_format: str | None = None) -> tuple[str, str | None]:
    """(ISO text, None), or (the text as written, why it can't be read without a guess).

    A value that fails to parse is returned as written so the contract's checks name it."""
    value = text.strip()
    if not value:
        return "", None
    if date_format:
        try:
            return _iso(dt.datetime.strptime(value, date_format)), None
        except ValueError:
            return value, None
    m = _ISO.match(value)
    if m:
        return m.group(1) + (f" {m.group(2)}" if m.group(2) else ""), None
    m = _NUMERIC_DATE.match(value)
    if m:
        a, sep, b, year, time = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4), m.group(5)
        day_first = _make(int(year), b, a, time)
        month_first = _make(int(year), a, b, time)
        if day_first and month_first and a != b:
            return value, (
                f"ambiguous date: {day_first:%-d %B %Y} (day first, date_format = "
                f'"%d{sep}%m{sep}%Y") or {month_first:%B %-d, %Y} (month first, date_format = '
                f'"%m{sep}%d{sep}%Y"); give the date_format in pitwall.toml'
            )
        found = day_first or month_first
        return (_iso(found), None) if found else (value, None)
    for fmt in _NAMED:
        try:
            return _iso(dt.datetime.strptime(value, fmt)), None
        except ValueError:
            continue
    return value, None


def _make(year: int, month: int, day: int, time: str | None) -> dt.datetime | None:
    try:
        out = dt.datetime(year, month, day)
    except ValueError:
        return None
    if time:
        parts = [int(p) for p in time.split(":")]
        out = out.replace(hour=parts[0], minute=parts[1], second=parts[2] if len(parts) > 2 else 0)
    return out


def _iso(value: dt.datetime) -> str:
    if value.time() == dt.time(0):
        return value.date().isoformat()
    return value.isoformat(sep=" ")


def read_number(text: str, reading: Reading) -> str:
    """Plain number text (`1234.56`) from `4,838.80`, `1.234,56 €`, `(12.00)`, ` --`, `1.16%`;
    empty for a missing value; the text as written when it is not a number."""
    raw = text
    value = _CURRENCY_SIGNS.sub("", text)
    if value in ("", "-", "--", "—"):
        return ""
    negative = value.startswith("(") and value.endswith(")")
    value = value.strip("()") if negative else value
    percent = value.endswith("%")
    value = value.rstrip("%")
    sign = ""
    if value[:1] in "+-":
        sign, value = ("-" if value[0] == "-" else ""), value[1:]
    d, t = re.escape(reading.decimal), re.escape(reading.thousands) if reading.thousands else None
    grouped = rf"^\d{{1,3}}(?:{t}\d{{3}})+(?:{d}\d+)?$" if t else None
    plain = rf"^\d+(?:{d}\d*)?$|^{d}\d+$"
    if grouped and re.match(grouped, value):
        value = value.replace(reading.thousands, "")
    elif not re.match(plain, value):
        return raw.strip()
    value = value.replace(reading.decimal, ".")
    number = float(value)
    if percent:
        number /= 100
    if negative:
        sign = "-"
    out = repr(number) if percent else value.rstrip(".")
    return f"{sign}{out}" if sign and not out.startswith("-") else out


class Converter:
    """Reads a file's cells into contract text, collecting the problems only a reading can
    see (an ambiguous date), named by file, row, column and value."""

    def __init__(self, file: str, reading: Reading):
        self.file, self.reading = file, reading
        self.problems: list[Problem] = []

    def date(self, text: str | None, row: int, column: str) -> str:
        value, why = read_date(text or "", self.reading.date_format)
        if why:
            self.problems.append(Problem("ambiguous_date", self.file, why, row, column, value))
        return value

    def number(self, text: str | None, row: int, column: str) -> str:
        return read_number(text or "", self.reading)

    def cell(self, kind: str, text: str | None, row: int, column: str) -> str:
        if kind in ("date", "timestamp", "month"):
            return self.date(text, row, column)
        if kind in ("number", "integer"):
            return self.number(text, row, column)
        return (text or "").strip()


def as_float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def with_defaults(m: FileMapping | None, pattern: str) -> FileMapping:
    return m if m is not None else FileMapping(pattern)
