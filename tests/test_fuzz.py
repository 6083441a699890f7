"""Fuzzing: malformed files and hostile URL/filter values never crash and never do harm.

1. Malformed files (hypothesis): the golden folder with one file damaged (arbitrary cell text,
   huge numbers, broken quoting, odd encodings, missing or renamed headers, duplicated keys,
   truncation). `load_folder` either succeeds or raises LoadError whose problems each name a
   file and say why; a refused load leaves the warehouse byte-identical. Nothing else escapes.
2. The command line on one malformed folder: exit 2, a message, no traceback.
3. Filters fuzzed with SQL fragments, script tags, unicode, NUL, long strings and absurd
   dates, run through every view on the golden warehouse: no exception but FilterError /
   ValueError, empty results for values that match nothing, tables intact, and every SQL
   text executed is a query file's text (values travel only as bound parameters).
4. Pages opened (AppTest) with hostile URL query parameters: no exception.
5. No code path renders raw HTML.

Under `make test` these properties run derandomized with small budgets (the "ci" profile of
tests/conftest.py: the same examples every run); `make fuzz` runs them with many random
examples. Every failure ever found stays below as an explicit @example.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from absurd import ABSURD
from hypothesis import event, example, given, settings
from hypothesis import strategies as s
from streamlit.testing.v1 import AppTest

from pitwall import attribution, queries, views, weekly, weeks
from pitwall.controls import CONTROLS, clean, url_form
from pitwall.filters import FIRST_DAY, LAST_DAY, FilterError, Filters, parse_date
from pitwall.load import load_folder
from pitwall.navigation import PAGES as NAVIGATION
from pitwall.problems import LoadError, Problem
from pitwall.warehouse import open_readonly

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_FILES = sorted(p.name for p in GOLDEN.iterdir() if p.suffix == ".csv")
GOLDEN_ORDERS = 15



def examples(ci: int) -> settings:
    """`ci` examples under the deterministic CI profile (tests/conftest.py); under `make fuzz`
    the fuzz profile's many."""
    return settings(max_examples=ci) if settings.default.derandomize else settings()


HUGE = [
    "1e308",
    "-1e308",
    "1e309",
    "-1e400",
    "99999999999999999999999",
    "-99999999999999999999999999999999999999",
    "NaN",
    "inf",
    "-Infinity",
    "0x7fffffff",
    "1_000",
    "1,5",
]
HOSTILE = [
    "' OR 1=1;--",
    "\"; DROP TABLE orders; --",
    "'; DELETE FROM orders; --",
    "search' --",
    "search\x00",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "$channels",
    "{group}",
    "é中文🙂\u202e",
    "\x00",
    "",
    " ",
    "NULL",
    "x" * 5000,
]
ABSURD_DATES = [
    dt.date.min,
    dt.date(1, 1, 2),
    dt.date(1970, 1, 1),
    dt.date(2025, 2, 28),
    dt.date(9999, 12, 25),
    dt.date.max,
]


# --- 1. malformed files ---------------------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _write(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


cell_values = s.one_of(
    s.text(max_size=40),  # includes quotes, commas, newlines, NUL
    s.sampled_from(HUGE + HOSTILE[:-1]),
    s.text(alphabet='",\n\r\x00;\t\'\\', max_size=10),
)


@s.composite
def text_damage(draw):
    """One damage to the CSV text: (name, function text -> text)."""
    kind = draw(
        s.sampled_from(
            ["cell", "raw_cell", "drop_header", "rename_header", "drop_column", "dup_row",
             "truncate", "quote", "extra_field", "blank_lines"]
        )
    )
    i, j = draw(s.integers(0, 10**6)), draw(s.integers(0, 10**6))
    value = draw(cell_values)

    def apply(text: str) -> str:
        rows = _rows(text)
        if kind == "cell" and len(rows) > 1:
            r = rows[1 + i % (len(rows) - 1)]
            if r:
                r[j % len(r)] = value
            return _write(rows)
        if kind == "raw_cell":  # the value written without any quoting
            lines = text.split("\n")
            k = 1 + i % max(len(lines) - 1, 1)
            if k < len(lines):
                parts = lines[k].split(",")
                parts[j % len(parts)] = value
                lines[k] = ",".join(parts)
            return "\n".join(lines)
        if kind == "drop_header":
            return text.split("\n", 1)[1] if "\n" in text else ""
        if kind == "rename_header" and rows:
            rows[0][j % len(rows[0])] = value
            return _write(rows)
        if kind == "drop_column" and rows:
            c = j % len(rows[0])
            return _write([r[:c] + r[c + 1:] for r in rows])
        if kind == "dup_row" and len(rows) > 1:
            k = 1 + i % (len(rows) - 1)
            rows.insert(k, list(rows[k]))
            return _write(rows)
        if kind == "truncate":
            return text[: i % (len(text) + 1)]
        if kind == "quote":
            k = i % (len(text) + 1)
            return text[:k] + '"' + text[k:]
        if kind == "extra_field" and len(rows) > 1:
            rows[1 + i % (len(rows) - 1)].append(value)
            return _write(rows)
        if kind == "blank_lines":
            return text.replace("\n", "\n\n", 1 + i % 3)
        return text

    return kind, apply


@s.composite
def encoding_damage(draw):
    """How the damaged text becomes bytes."""
    kind = draw(s.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "random",
                                "invalid-utf8"]))
    junk = draw(s.binary(max_size=200))
    pos = draw(s.integers(0, 10**6))

    def apply(text: str) -> bytes:
        if kind == "random":
            return junk
        if kind == "invalid-utf8":
            data = text.encode("utf-8")
            k = pos % (len(data) + 1)
            return data[:k] + b"\xff\xfe\xc3" + data[k:]
        if kind in ("latin-1", "cp1252"):  # non-ASCII that is not UTF-8 once written
            return text.replace("o", "ö", 2).encode(kind, errors="replace")
        if kind == "utf-8-sig":
            return codecs.BOM_UTF8 + text.encode("utf-8")
        return text.encode(kind)

    return kind, apply


damages = s.tuples(s.lists(text_damage(), min_size=1, max_size=3), encoding_damage())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_count(warehouse: Path, table: str) -> int:
    con = open_readonly(warehouse)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def check_refused_or_loaded(name: str, damage, golden_warehouse: Path) -> None:
    """Damage `name` in a copy of the golden folder, load it into a copy of the warehouse."""
    text_ops, (_, encode) = damage
    with tempfile.TemporaryDirectory(prefix="pitwall-fuzz-") as tmp:
        tmp = Path(tmp)
        folder = tmp / "files"
        shutil.copytree(GOLDEN, folder, ignore=shutil.ignore_patterns("*.md"))
        text = (GOLDEN / name).read_text()
        for _, op in text_ops:
            text = op(text)
        (folder / name).write_bytes(encode(text))
        warehouse = tmp / "wh" / "warehouse.duckdb"
        warehouse.parent.mkdir()
        shutil.copy(golden_warehouse, warehouse)
        before = sha256(warehouse)
        try:
            load_folder(folder, warehouse)
        except LoadError as exc:
            event("refused")
            assert exc.problems, "a LoadError without problems"
            for p in exc.problems:
                assert isinstance(p, Problem)
                assert p.file in GOLDEN_FILES, f"problem names no file of the folder: {p}"
                assert isinstance(p.message, str) and p.message.strip(), p
                assert p.row is None or isinstance(p.row, int), p
                assert p.value is None or isinstance(p.value, str), p
                assert "Traceback" not in str(p)
            assert sha256(warehouse) == before, "a refused load changed the warehouse"
            assert os.listdir(warehouse.parent) == ["warehouse.duckdb"], "leftover files"
        else:  # the damage happened to be valid: a complete warehouse was written
            event("loaded")
            assert table_count(warehouse, "orders") >= 0


@examples(20)
@given(damage=damages)
def test_malformed_orders_never_crash_nor_change_the_warehouse(damage, golden_warehouse):
    check_refused_or_loaded("orders.csv", damage, golden_warehouse)


@pytest.mark.parametrize("name", ["spend.csv", "campaigns.csv"])
@examples(8)
@given(damage=damages)
def test_malformed_spend_and_campaigns_never_crash(name, damage, golden_warehouse):
    check_refused_or_loaded(name, damage, golden_warehouse)


def test_malformed_examples_are_refused_with_their_file(golden_warehouse, tmp_path):
    """A few fixed damages that must be refused (not silently loaded)."""
    orders = (GOLDEN / "orders.csv").read_text()
    rows = _rows(orders)
    bad = {
        "huge revenue": _write([rows[0], [*rows[1][:3], "1e400", *rows[1][4:]], *rows[2:]]),
        "text revenue": _write([rows[0], [*rows[1][:3], "' OR 1=1;--", *rows[1][4:]], *rows[2:]]),
        "duplicate key": _write([*rows, rows[1]]),
        "no header": orders.split("\n", 1)[1],
        "unbalanced quote": orders.replace("o3,", '"o3,', 1),
    }
    for what, text in bad.items():
        folder = tmp_path / what.replace(" ", "_")
        shutil.copytree(GOLDEN, folder)
        (folder / "orders.csv").write_text(text)
        warehouse = tmp_path / f"{folder.name}.duckdb"
        shutil.copy(golden_warehouse, warehouse)
        before = sha256(warehouse)
        with pytest.raises(LoadError) as exc:
            load_folder(folder, warehouse)
        assert any(p.file == "orders.csv" for p in exc.value.problems), (what, exc.value.problems)
        assert sha256(warehouse) == before, what


# --- 2. the command line ---------------------------------------------------------------------


def test_cli_refuses_a_malformed_folder_without_a_traceback(golden_copy, tmp_path):
    folder = tmp_path / "files"
    shutil.copytree(GOLDEN, folder)
    orders = (GOLDEN / "orders.csv").read_text()
    (folder / "orders.csv").write_bytes(
        (orders.replace("o2,", '"o2,\x00', 1) + "o1,k1,2025-13-45,1e400,c_nowhere\n").encode(
            "utf-16"
        )
    )
    before = sha256(golden_copy)
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pitwall", "load", str(folder), "--warehouse", str(golden_copy)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "orders.csv" in done.stderr
    assert "nothing was changed" in done.stderr
    assert sha256(golden_copy) == before


# --- 3. filters and views --------------------------------------------------------------------


class Recorder:
    """A connection that records every (sql, params) it executes and delegates."""

    def __init__(self, con):
        self._con = con
        self.calls: list[tuple[str, object]] = []

    def execute(self, sql, params=None, *args, **kwargs):
        self.calls.append((sql, params))
        if params is None:
            return self._con.execute(sql, *args, **kwargs)
        return self._con.execute(sql, params, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _known_sql() -> set[str]:
    texts = set()
    for path in (ROOT / "queries").rglob("*.sql"):
        name = path.relative_to(ROOT / "queries").with_suffix("").as_posix()
        for group in queries.groups():
            texts.add(queries.with_group(queries.sql_text(name), group))
    return texts


KNOWN_SQL = _known_sql()
SQL_CORPUS = "\n".join(KNOWN_SQL)

hostile_text = s.one_of(s.sampled_from(HOSTILE), s.text(max_size=30))
absurd_date = s.one_of(s.none(), s.sampled_from(ABSURD_DATES), s.dates())


def _params_hold(calls, value: str) -> bool:
    for _, params in calls:
        for v in (params or {}).values():
            if v == value or (isinstance(v, list) and value in v):
                return True
    return False


def _check_sql(rec: Recorder, strings: list[str]) -> None:
    assert rec.calls, "no SQL was executed"
    for sql, _ in rec.calls:
        assert sql in KNOWN_SQL, f"SQL that is not a query file's text:\n{sql[:500]}"
    for value in strings:
        if len(value) >= 4 and value not in SQL_CORPUS:
            for sql, _ in rec.calls:
                assert value not in sql, f"{value!r} reached SQL as text"


def _tables_intact(con) -> None:
    names = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'w'").fetchall()}
    assert "orders" in names
    assert con.execute("SELECT count(*) FROM orders").fetchone()[0] == GOLDEN_ORDERS


def _nothing(value) -> bool:
    return value is None or pd.isna(value) or value == 0


@examples(25)
@given(
    start=absurd_date,
    end=absurd_date,
    channels=s.lists(hostile_text, max_size=3),
    kind=s.one_of(s.none(), s.sampled_from(["online", "offline"]), hostile_text),
    segment=s.one_of(s.none(), hostile_text),
    region=s.one_of(s.none(), hostile_text),
    window=s.one_of(s.none(), s.sampled_from([0, 7, -1, 1e9]), s.floats(0, 1e5)),
    mode=s.one_of(s.sampled_from(["bounded", "unbounded"]), hostile_text),
    model=s.one_of(s.sampled_from(list(attribution.MODELS)), hostile_text),
    lookback=s.one_of(s.sampled_from([0, 30, 365, -1, 366, 10**12, 7.5]), s.integers()),
)
def test_hostile_filters_never_raise_and_never_reach_sql_as_text(
    golden_con, start, end, channels, kind, segment, region, window, mode, model, lookback
):
    options = views.filter_options(golden_con)
    try:
        f = Filters(start, end, channels=tuple(channels), kind=kind, segment=segment, region=region)
    except FilterError as exc:
        event("Filters refused the values")
        assert str(exc)
        outside = [d for d in (start, end) if d and not FIRST_DAY <= d <= LAST_DAY]
        assert (
            kind not in (None, "online", "offline")
            or (start and end and start > end)
            or outside
        ), exc
        return
    event("the views ran")
    rec = Recorder(golden_con)
    out = {}
    for name, run in {
        "spend_balance": lambda: views.spend_balance(rec, f),
        "channel_roi": lambda: views.channel_roi(rec, f),
        "funnel": lambda: views.funnel(rec, f, window_days=window),
        "retention": lambda: views.retention(rec, f, mode=mode),
        "spend_totals": lambda: views.spend_totals(rec, f),
        "attributed": lambda: views.channel_roi(rec, f, model=model, lookback_days=lookback),
        "models": lambda: views.attribution_models(rec, f, lookback_days=lookback),
        "economics": lambda: views.cohort_economics(rec, f),
    }.items():
        try:
            out[name] = run()
        except (FilterError, ValueError) as exc:  # e.g. a negative window, an unknown mode
            assert str(exc), name
    valid_setting = model in attribution.MODELS and type(lookback) is int and 0 <= lookback <= 365
    assert ("attributed" in out) == valid_setting  # refused with a message, never run
    strings = [
        *channels,
        *(v for v in (kind, segment, region, mode, model) if isinstance(v, str)),
    ]
    _check_sql(rec, strings)
    for value in (*channels, segment, region):
        if isinstance(value, str) and value:
            assert _params_hold(rec.calls, value), f"{value!r} not bound as a parameter"

    matches_nothing = (
        (channels and not set(channels) & set(options.get("channel", [])))
        or (segment is not None and segment not in options.get("segment", []))
        or (region is not None and region not in options.get("region", []))
    )
    if matches_nothing:
        if "spend_balance" in out:
            assert out["spend_balance"]["spend"].map(_nothing).all()
        if "channel_roi" in out:
            df = out["channel_roi"]
            assert df["spend"].map(_nothing).all() and df["revenue"].map(_nothing).all()
        if "funnel" in out:
            assert out["funnel"]["leads"].map(_nothing).all()
        if "retention" in out:
            df = out["retention"]
            assert df.empty or df["active_customers"].map(_nothing).all()
        if "spend_totals" in out:
            assert _nothing(out["spend_totals"]["spend"])
        if "attributed" in out:
            assert out["attributed"]["revenue"].map(_nothing).all()
        if "economics" in out:
            assert (out["economics"]["new_customers"] == 0).all()
    _tables_intact(golden_con)


week_text = s.one_of(
    s.sampled_from(["0001-W01", "0001W01", "9999-W52", "2025-W16", "2025-W53", "2025-W00",
                    "2026-W53", "' OR 1=1;--", "<script>", "2025-W16\x00", ""]),
    s.text(max_size=12),
)


@examples(20)
@given(
    week=s.one_of(week_text, s.dates().map(weeks.monday_of)),
    channels=s.lists(hostile_text, max_size=2),
    segment=s.one_of(s.none(), hostile_text),
    region=s.one_of(s.none(), hostile_text),
)
def test_weekly_review_with_absurd_weeks_never_raises(golden_con, week, channels, segment,
                                                      region):
    """`python -m pitwall report --week W` and the weekly page run weekly.review(monday)."""
    if isinstance(week, str):
        try:
            monday = weeks.parse(week)
        except FilterError as exc:
            assert str(exc)
            return
    else:
        monday = week
    f = Filters(channels=tuple(channels), segment=segment, region=region)
    rec = Recorder(golden_con)
    try:
        review = weekly.review(rec, monday, f)
    except (FilterError, ValueError) as exc:
        # only a week whose thirteen-week window leaves 1900..2199 is refused, before any SQL
        inside = FIRST_DAY + dt.timedelta(weeks=12) <= monday <= LAST_DAY - dt.timedelta(6)
        assert str(exc) and not inside
        assert not rec.calls
        _tables_intact(golden_con)
        return
    else:
        assert review.monday == monday
        if channels and not {"search", "social", "referral", "print", "events"} & set(channels):
            assert _nothing(review.now["spend"])
    _check_sql(rec, [*channels, *(v for v in (segment, region) if v)])
    _tables_intact(golden_con)


def test_parse_date_rejects_hostile_text():
    for text in [*HOSTILE[:-3], "2025-02-30", "0000-01-01", "10000-01-01", "2025-1-1x"]:
        try:
            parse_date(text)
        except FilterError as exc:
            assert repr(text)[:20] in str(exc) or str(exc)


# --- 4. pages with hostile URL query parameters ----------------------------------------------


@examples(200)
@given(raw=s.one_of(s.text(), s.sampled_from(ABSURD), s.lists(s.text(max_size=12), max_size=3)))
@example(raw="1e400")  # Funnel's window (issue 12)
@example(raw="-inf")  # Channel ROI's lookback (issue 12)
@example(raw=["2025-02-01", "2025-02-30"])
def test_any_url_text_cleans_to_a_value_in_range(raw):
    """pitwall/controls.py: whatever the text, each control gets a value in its range or
    among its options, and the URL form of that value reads back as the same value."""
    for c in CONTROLS.values():
        options = ["2025-W16", "2025-W15"] if c.options is None and c.type == "choice" else None
        value = clean(c, raw, options)
        if c.type == "number":
            if value is None:  # only where empty is the default (the planner's amounts)
                assert c.default is None, c.key
            else:
                assert type(value) is int and c.low <= value <= c.high, (c.key, value)
        elif c.type == "toggle":
            assert value in (True, False)
        elif c.type == "dates":
            assert value is None or (
                1 <= len(value) <= 2
                and list(value) == sorted(value)
                and all(FIRST_DAY <= d <= LAST_DAY for d in value)
            ), value
        else:
            assert value == c.default or value in (options or c.options), (c.key, value)
        assert clean(c, url_form(c, value, options), options) == value, (c.key, value)


PAGES = [p.path for p in NAVIGATION]
url_value = s.one_of(s.sampled_from(HOSTILE[:-1] + ["x" * 300]), s.text(max_size=20))
url_date = s.one_of(
    s.sampled_from(["0001-01-01", "9999-12-31", "2025-02-30", "2025-04-20", "' OR 1=1;--", ""]),
    s.dates().map(str),
    url_value,
)


CALM = dict(
    period="All time", dates=("", ""), channel=[], kind="", segment="", region="", week="",
    window="", mode="", model="", lookback="", lift="", ltv_by="", by="", compare="", split="",
)


def found(page: str, **values):
    """An example for the page test: `values` in the URL, the other parameters calm."""
    return example(page=page, **(CALM | values))


@pytest.fixture
def hostile_app(golden_warehouse, monkeypatch):
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(golden_warehouse))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@examples(6)
@given(
    page=s.sampled_from(PAGES),
    period=s.one_of(s.sampled_from(["Custom range", "All time"]), url_value),
    dates=s.tuples(url_date, url_date),
    channel=s.lists(url_value, max_size=2),
    kind=url_value,
    segment=url_value,
    region=url_value,
    week=s.one_of(s.sampled_from(["0001-W01", "9999-W52", "2025-W53"]), url_value),
    window=s.one_of(s.sampled_from(["-1", "1e400", "99999999999", "NaN"]), url_value),
    mode=url_value,
    model=url_value,
    lookback=s.one_of(s.sampled_from(["-1", "366", "1e400", "7.5"]), url_value),
    lift=s.one_of(s.sampled_from(["-5", "101", "NaN", "inf"]), url_value),
    ltv_by=url_value,
    by=url_value,
    compare=url_value,
    split=url_value,
)
# Failures found so far (OverflowError inside Streamlit's bound number inputs, issue 12),
# and their siblings: each stays as an example.
@found("funnel", window="1e400")
@found("channel_roi", lookback="-inf")
@found("cohorts", lift="inf", mode="", ltv_by="<b>x</b>", split="\x00")
@found("funnel", window="-1e400", by="99999999999999999999999", compare="1e400")
@found("channel_roi", lookback="NaN", model="0x7fffffff")
@found("weekly", week="1_000")
@found("spend_balance", period="Custom range", dates=("-inf", "1,5"), kind="-0")
def test_pages_survive_hostile_url_parameters(
    hostile_app, page, period, dates, channel, kind, segment, region, week, window, mode,
    model, lookback, lift, ltv_by, by, compare, split,
):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    params = {"period": period, "dates": list(dates), "channel": channel, "kind": kind,
              "segment": segment, "region": region, "week": week, "window": window,
              "mode": mode, "model": model, "lookback": lookback, "lift": lift,
              "ltv_by": ltv_by, "by": by, "compare": compare, "split": split}
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]


# --- 5. no raw HTML --------------------------------------------------------------------------


def test_no_code_renders_raw_html():
    unsafe = re.compile(r"unsafe_allow_html|st\.html\(|components\.html|components\.v1")
    files = [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "pitwall").rglob("*.py")]
    hits = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in files
        for n, line in enumerate(p.read_text().splitlines(), start=1)
        if unsafe.search(line)
    ]
    assert len(files) > 10
    assert not hits, hits
