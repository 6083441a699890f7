"""Run the SQL files under queries/ with bound parameters.

Values reach SQL only as parameters. Identifiers come only from the dimension declaration
(pitwall/dimensions.py), through three templates:
- `{picked:GRAIN[:ALIAS[:-dim... | :+dim...]]}`: the shared filters' rule for rows of GRAIN
  (channel, campaign, lead, customer), on ALIAS's columns, leaving out the dimensions after
  `-` (or keeping only those after `+`);
- `{dims[:HOW[:ALIAS...]]}`: the dimension columns (see dimensions.columns);
- `{group}`: a breakdown column from an allow-list (a dimension, or none);
- `{span[:ALIAS]}`: the rollup rows that make up the date range (see pitwall/rollups.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import re
from functools import cache
from pathlib import Path

import pandas as pd

from pitwall import dimensions, rollups

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
_PARAM = re.compile(r"\$([a-z_]+)")
_COMMENT = re.compile(r"--[^\n]*")
_TEMPLATE = re.compile(r"\{(picked|dims|span)((?::[a-z_\-+]*)*)\}")


def groups() -> dict[str | None, str]:
    """Breakdown columns a view may group by; None means no breakdown."""
    return {None: "'all'"} | {d.name: d.name for d in dimensions.DIMENSIONS}


def _expand(directive: str, args: list[str]) -> str:
    if directive == "span":
        return rollups.span(*args)
    return dimensions.expand(directive, args)


def expand(text: str) -> str:
    return _TEMPLATE.sub(lambda m: _expand(m.group(1), m.group(2).split(":")[1:]), text)


@cache
def sql_text(name: str) -> str:
    return expand((QUERY_DIR / f"{name}.sql").read_text())


def with_group(text: str, group: str | None) -> str:
    allowed = groups()
    if group not in allowed:
        raise ValueError(
            f"cannot break down by {group!r}; choose one of {', '.join(g for g in allowed if g)}"
        )
    return text.replace("{group}", allowed[group])


def bind(text: str, params: dict) -> dict:
    """Only the parameters the statement uses (DuckDB rejects unused ones)."""
    used = set(_PARAM.findall(_COMMENT.sub("", text)))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"missing query parameters: {', '.join(sorted(missing))}")
    return {k: v for k, v in params.items() if k in used}


# The answers already read in the current query set (memo()): a page's views often ask the
# same query with the same parameters (Channel ROI by channel and by campaign, the data
# span), and one run of the set reads each once.
_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("query_memo", default=None)


@contextlib.contextmanager
def memo():
    """Within this block, a query asked again with the same parameters is answered from the
    first answer (a copy: callers may change their frame). Nested blocks share the outer
    one."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def run(con, name: str, params: dict | None = None, group: str | None = None) -> pd.DataFrame:
    text = with_group(sql_text(name), group)
    bound = bind(text, params or {})
    answers = _MEMO.get()
    if answers is None:
        return con.execute(text, bound).df()
    key = (name, group, json.dumps(bound, sort_keys=True, default=repr))
    if key not in answers:
        answers[key] = con.execute(text, bound).df()
    return answers[key].copy()


def run_within(con, name: str, params: dict, column: str) -> pd.DataFrame:
    """run() for a query whose rows each answer one value of `column` (a date) from that
    value's own data between $start and $end, so that its answer for a narrower range is
    the same rows: within a query set, a range inside one already read is cut from that
    answer (the weekly review's 13 weeks serve its alerts' 9)."""
    answers = _MEMO.get()
    if answers is None:
        return run(con, name, params)
    rest = {k: v for k, v in params.items() if k not in ("start", "end")}
    key = ("within", name, column, json.dumps(rest, sort_keys=True, default=repr))
    start, end = params["start"], params["end"]
    for (first, last), frame in answers.get(key, ()):
        if first <= start and end <= last:
            return rows_between(frame, column, start, end)
    frame = run(con, name, params)
    answers.setdefault(key, []).append(((start, end), frame.copy()))
    return frame


def rows_between(frame: pd.DataFrame, column: str, start, end) -> pd.DataFrame:
    """The rows whose date in `column` lies in start..end (inclusive), renumbered."""
    days = pd.to_datetime(frame[column])
    inside = (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))
    return frame[inside.to_numpy()].reset_index(drop=True)
