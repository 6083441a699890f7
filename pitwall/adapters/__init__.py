"""Files as they come, turned into contract tables before any check runs.

`plan` looks at every file of a folder: a file that pitwall.toml maps is read through its
mapping; a CSV whose header row an adapter recognises (whatever the file is called) is read
by that adapter; a file named after a table is read as the contract says. Every adapted row
remembers its file and row, so the contract's checks (pitwall/checks.py) name the user's own
file and row. One currency per warehouse: a file in another is refused unless the mapping
gives its rate.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from pitwall import mapping as mp
from pitwall.adapters import (
    google_ads,
    hubspot_contacts,
    hubspot_deals,
    mapped,
    meta_ads,
    shopify,
)
from pitwall.adapters.base import (
    SNIFF_BYTES,
    Adapter,
    Export,
    Part,
    Result,
    Staged,
    count,
    decode,
    read_path,
    rows_of,
    staged,
)
from pitwall.mapping import Converter, FileMapping, Mapping, Reading
from pitwall.problems import LoadError, Problem
from pitwall.schema import FILE_SUFFIXES, MONEY_COLUMNS, REVENUE_TABLES, TABLES

ADAPTERS: tuple[Adapter, ...] = (
    shopify.ADAPTER,
    google_ads.ADAPTER,
    meta_ads.ADAPTER,
    hubspot_contacts.ADAPTER,
    hubspot_deals.ADAPTER,
)
HEADER_SEARCH = 6  # an export's header is within its first rows (Google Ads: the third)
CONTRACT = "import contract"
# tables several exports may each bring: identical rows are one row (first file wins)
SHARED = {"channels": "channel", "funnel_stages": "stage"}

__all__ = [
    "ADAPTERS",
    "NEEDS_MAPPING",
    "Plan",
    "Staged",
    "header_of",
    "identify",
    "plan",
    "recognise",
]


@dataclass
class Plan:
    sources: dict[str, Path | Staged] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    listing: list[tuple[str, str, str]] = field(default_factory=list)  # file, read as, gives
    currency: str | None = None


@dataclass
class _Adapted:
    file: str
    how: str
    adapter: Adapter | None
    options: FileMapping
    result: Result


def recognise(path: Path, text: str | None = None) -> tuple[Adapter, int] | None:
    """The adapter whose header this CSV has, and the header's row index."""
    if text is None:
        with open(path, "rb") as fh:
            text = decode(fh.read(SNIFF_BYTES))
    try:
        rows = rows_of(text)[:HEADER_SEARCH]
    except csv.Error:
        return None
    return _header_in(rows)


def _header_in(rows: list[list[str]]) -> tuple[Adapter, int] | None:
    for i, cells in enumerate(rows[:HEADER_SEARCH]):
        header = [c.strip() for c in cells]
        for adapter in ADAPTERS:
            if adapter.recognise(header):
                return adapter, i
    return None


def plan(
    folder: Path,
    mapping_file: Path | None = None,
    warehouse_currency: str | None = None,
    warehouse_campaigns: list[tuple[str, str | None]] = (),
) -> Plan:
    """What a load of `folder` would read, from which file and how; and what is wrong."""
    out = Plan()
    folder = Path(folder)
    if not folder.is_dir():
        out.problems.append(Problem("unreadable", str(folder), "no such folder"))
        return out
    default_mapping = folder / mp.FILE_NAME
    mapping_path = (
        Path(mapping_file)
        if mapping_file
        else (default_mapping if default_mapping.is_file() else None)
    )
    try:
        mapping = mp.read(mapping_path) if mapping_path else Mapping()
    except LoadError as exc:
        out.problems += exc.problems
        return out
    contract: dict[str, Path] = {}
    adapted: list[_Adapted] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file() or path.name == mp.FILE_NAME:
            continue
        if mapping_path and path.resolve() == mapping_path.resolve():
            continue
        suffix, stem = path.suffix.lower(), path.stem.strip().lower()
        options = mapping.for_file(path.name)
        if suffix not in FILE_SUFFIXES:
            out.notes.append(f"{path.name}: skipped (not .csv, .parquet or .xlsx)")
            continue
        found = None
        if options and options.table:
            try:
                export = mapped.read(path, options)
            except Exception as exc:  # the file's problem, named, not a crash
                out.problems.append(Problem("unreadable", path.name, f"could not be read: {exc}"))
                continue
            how, adapter, adapt, reading = (
                f"mapping ({mapping.source})",
                None,
                mapped.adapt,
                Reading(),
            )
        elif (suffix == ".csv" or stem not in TABLES) and (found := _recognised(path)):
            adapter, export = found
            how, adapt, reading = adapter.name, adapter.adapt, adapter.reading
        elif stem in TABLES:
            if stem in contract:
                out.problems.append(
                    Problem(
                        "duplicate_file",
                        path.name,
                        f"{contract[stem].name} already provides {stem}",
                    )
                )
            else:
                contract[stem] = path
                out.listing.append((path.name, CONTRACT, stem))
            continue
        else:
            out.notes.append(
                f"{path.name}: skipped (no table called '{stem}' and not an export Pitwall "
                f"knows; describe it in {mp.FILE_NAME}, or name it after a table: "
                f"{', '.join(TABLES)})"
            )
            continue
        options = options or FileMapping(path.name)
        conv = Converter(path.name, options.reading(reading))
        try:
            result = adapt(export, options, conv)
        except Exception as exc:  # a file no adapter foresaw: its problem, named, not a crash
            out.problems.append(
                Problem("unreadable", path.name, f"could not be read as {how}: {exc}")
            )
            continue
        out.problems += conv.problems + result.problems
        adapted.append(_Adapted(path.name, how, adapter, options, result))

    _one_funnel(adapted)
    out.currency = _currency(adapted, mapping.currency or warehouse_currency, out.problems)
    _link_campaigns(adapted, contract, warehouse_campaigns)
    _combine(adapted, contract, out)
    if not out.sources and not out.problems:
        out.problems.append(
            Problem(
                "empty",
                str(folder),
                "no table files found (expected names like orders.csv, or an export Pitwall knows)",
            )
        )
    return out


def _recognised(path: Path) -> tuple[Adapter, Export] | None:
    """An export, as CSV or as an Excel sheet (first sheet), whatever its name."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            rows = mapped.read(path, FileMapping(path.name)).rows
            found = _header_in(rows)
            return (found[0], Export(path.name, rows, found[1])) if found else None
        if path.suffix.lower() != ".csv":
            return None
        found = recognise(path)
        if not found:
            return None
        adapter, header = found
        return adapter, Export(path.name, rows_of(read_path(path)), header)
    except Exception:  # not an export we can read: the contract reader or the note says so
        return None


def _one_funnel(adapted: list[_Adapted]) -> None:
    """Contacts and deals both make a funnel: the contacts' wins, the deals are left out."""
    if not any(a.adapter is hubspot_contacts.ADAPTER for a in adapted):
        return
    for a in adapted:
        if a.adapter is hubspot_deals.ADAPTER:
            a.result.parts = []
            a.result.summary = "nothing"
            a.result.extra.append(
                "left out: the contacts export makes the funnel (load the deals on their own "
                "for a funnel of deal stages)"
            )


def _currency(adapted: list[_Adapted], stated: str | None, problems: list[Problem]) -> str | None:
    """The warehouse's one currency; a file in another is converted at its rate or refused."""
    currency = stated
    # with no currency stated, the revenue's sets it (orders, sales), else the first file's
    revenue_first = sorted(
        adapted, key=lambda a: not any(p.table in REVENUE_TABLES for p in a.result.parts)
    )
    for a in revenue_first:
        codes = [a.options.currency] if a.options.currency else a.result.currencies
        if len(codes) > 1:
            problems.append(
                Problem(
                    "wrong_currency",
                    a.file,
                    f"the file mixes currencies ({', '.join(codes)}): one currency per warehouse; "
                    "split it and give each part's rate in pitwall.toml",
                    column=a.result.currency_column,
                    value=", ".join(codes),
                )
            )
            continue
        if not codes:
            continue
        code = codes[0]
        currency = currency or code
        if code == currency:
            continue
        if a.options.rate:
            for part in a.result.parts:
                for col in MONEY_COLUMNS.get(part.table, ()):
                    for rec in part.records:
                        value = mp.as_float(rec.get(col) or "")
                        if value is not None:
                            rec[col] = repr(round(value * a.options.rate, 6))
            a.result.extra.append(
                f"amounts in {code} converted at {a.options.rate:g} {currency} per {code}"
            )
        else:
            problems.append(
                Problem(
                    "wrong_currency",
                    a.file,
                    f"the file is in {code} but the warehouse is in {currency} (one currency per "
                    f'warehouse): give the rate in pitwall.toml ([files."{a.file}"] rate = …, '
                    f"in {currency} per {code})",
                    column=a.result.currency_column,
                    value=code,
                )
            )
    return currency


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def _link_campaigns(
    adapted: list[_Adapted], contract: dict[str, Path], kept: list[tuple[str, str | None]]
) -> None:
    """An order's UTM campaign is kept when it names a campaign of this load, or of the
    warehouse when this load brings none (its id or its name, ignoring case, spaces and
    punctuation); else the order has no campaign."""
    known: dict[str, str] = {}
    brings = "campaigns" in contract or any(
        p.table == "campaigns" for a in adapted for p in a.result.parts
    )
    for campaign_id, name in () if brings else kept:
        for key in (name, campaign_id):
            known.setdefault(_slug(key), campaign_id)
    for a in adapted:
        for part in a.result.parts:
            if part.table == "campaigns":
                for rec in part.records:
                    for key in ("campaign_name", "campaign_id"):
                        known.setdefault(_slug(rec.get(key)), rec["campaign_id"])
    if "campaigns" in contract and contract["campaigns"].suffix.lower() == ".csv":
        with open(contract["campaigns"], newline="", encoding="utf-8-sig", errors="replace") as fh:
            for rec in csv.DictReader(fh):
                rec = {k.strip().lower(): (v or "").strip() for k, v in rec.items() if k}
                for key in ("campaign_name", "campaign_id"):
                    if rec.get("campaign_id"):
                        known.setdefault(_slug(rec.get(key)), rec["campaign_id"])
    known.pop("", None)
    for a in adapted:
        if a.adapter is not shopify.ADAPTER:
            continue
        loose: list[str] = []
        for part in a.result.parts:
            for rec in part.records if part.table == "orders" else ():
                utm = rec.get("campaign_id")
                if utm:
                    rec["campaign_id"] = known.get(_slug(utm))
                    if rec["campaign_id"] is None:
                        loose.append(utm)
        if loose:
            shown = ", ".join(sorted(set(loose))[:5])
            a.result.extra.append(
                f"{count(len(loose), 'order')} with a utm_campaign that names no loaded "
                f"campaign ({shown}): kept without a campaign"
            )


def _combine(adapted: list[_Adapted], contract: dict[str, Path], out: Plan) -> None:
    by_table: dict[str, list[tuple[str, Part]]] = {}
    for a in adapted:
        gives = a.result.summary
        if a.result.extra:
            gives += "; " + "; ".join(a.result.extra)
        out.listing.append((a.file, a.how, gives))
        out.notes.append(f"{a.file}: {a.how} → {gives}")
        for part in a.result.parts:
            by_table.setdefault(part.table, []).append((a.file, part))
    for name, path in contract.items():
        if name in by_table:
            if name in SHARED:  # the user's own table wins over what exports imply
                files = sorted({f for f, _ in by_table.pop(name)})
                out.notes.append(f"{path.name} gives {name}, not {', '.join(files)}")
            else:
                files = sorted({f for f, _ in by_table[name]})
                out.problems.append(
                    Problem(
                        "duplicate_file", path.name, f"{', '.join(files)} already provides {name}"
                    )
                )
                continue
        out.sources[name] = path
    for name, parts in by_table.items():
        if name in SHARED:
            parts = _distinct(parts, SHARED[name])
        out.sources[name] = staged(name, parts)


def _distinct(parts: list[tuple[str, Part]], key: str) -> list[tuple[str, Part]]:
    seen: set[str] = set()
    out = []
    for file, part in parts:
        keep = [i for i, r in enumerate(part.records) if not (r[key] in seen or seen.add(r[key]))]
        out.append(
            (
                file,
                Part(
                    part.table,
                    [part.records[i] for i in keep],
                    [part.rows[i] for i in keep],
                    part.columns,
                ),
            )
        )
    return out


NEEDS_MAPPING = "needs a mapping"


def identify(name: str, data: bytes, mapping: Mapping | None = None) -> str:
    """How a load would read an uploaded file: its mapping, an export, a contract table, or
    not at all (NEEDS_MAPPING)."""
    suffix, stem = Path(name).suffix.lower(), Path(name).stem.strip().lower()
    options = mapping.for_file(name) if mapping else None
    if options and options.table:
        return f"mapping ({mapping.source}) → {options.table}"
    head = decode(data[:SNIFF_BYTES]) if suffix == ".csv" else ""
    if suffix == ".csv":
        found = recognise(Path(name), head)
        if found:
            return found[0].name
    if suffix in FILE_SUFFIXES and stem in TABLES:
        if suffix == ".csv" and not _has_required(head, TABLES[stem].required):
            return NEEDS_MAPPING  # named after a table, shaped otherwise: offer the form
        return f"{CONTRACT} → {stem}"
    return NEEDS_MAPPING


def _has_required(head: str, required: tuple[str, ...]) -> bool:
    try:
        rows = rows_of(head)
    except csv.Error:
        return True  # the contract reader names what is wrong
    header = {c.strip().lower() for c in rows[0]} if rows else set()
    return set(required) <= header


def header_of(name: str, data: bytes, options: FileMapping) -> list[str]:
    """The header row a mapping with these options would see."""
    export = mapped.read_bytes(name, data, options)
    return [c for c in export.columns if c] if export.rows else []
