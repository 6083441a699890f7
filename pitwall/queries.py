"""Run the SQL files under queries/ with bound parameters.

Values reach SQL only as parameters. The one identifier that varies (a breakdown column)
is substituted from an allow-list.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
_PARAM = re.compile(r"\$([a-z_]+)")
_COMMENT = re.compile(r"--[^\n]*")
# Breakdown columns a view may group by; None means no breakdown.
GROUPS = {
    None: "'all'",
    "channel": "channel",
    "kind": "kind",
    "segment": "segment",
    "region": "region",
}


@cache
def sql_text(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text()


def with_group(text: str, group: str | None) -> str:
    if group not in GROUPS:
        raise ValueError(
            f"cannot break down by {group!r}; choose one of {', '.join(g for g in GROUPS if g)}"
        )
    return text.replace("{group}", GROUPS[group])


def bind(text: str, params: dict) -> dict:
    """Only the parameters the statement uses (DuckDB rejects unused ones)."""
    used = set(_PARAM.findall(_COMMENT.sub("", text)))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"missing query parameters: {', '.join(sorted(missing))}")
    return {k: v for k, v in params.items() if k in used}


def run(con, name: str, params: dict | None = None, group: str | None = None) -> pd.DataFrame:
    text = with_group(sql_text(name), group)
    return con.execute(text, bind(text, params or {})).df()
