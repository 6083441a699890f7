"""Rebuild the derived tables (queries/build/*.sql, in file order) after every load."""

from __future__ import annotations

from pitwall import queries
from pitwall.schema import DEFAULT_STAGES


def steps() -> list[str]:
    return sorted(p.stem for p in (queries.QUERY_DIR / "build").glob("*.sql"))


def run(con) -> None:
    params = {"default_stages": list(DEFAULT_STAGES)}
    for step in steps():
        text = queries.sql_text(f"build/{step}")
        con.execute(text, queries.bind(text, params))
