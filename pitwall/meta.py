"""What the warehouse holds: which tables were loaded, from where, when; demo or not."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from pitwall.readers import quote
from pitwall.schema import TABLES

DEMO, FILES = "demo", "files"


def _has(con, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def loaded_tables(con, schema: str = "w") -> list[str]:
    if not _has(con, schema, "pitwall_tables"):
        return []
    return [
        r[0]
        for r in con.execute(
            f"SELECT table_name FROM {schema}.main.pitwall_tables ORDER BY table_name"
        ).fetchall()
    ]


def is_demo(con, schema: str = "w") -> bool:
    return info(con, schema).get("origin") == DEMO


def info(con, schema: str = "w") -> dict:
    if not _has(con, schema, "pitwall_meta"):
        return {}
    return dict(con.execute(f"SELECT key, value FROM {schema}.main.pitwall_meta").fetchall())


def tables(con, schema: str = "w") -> pd.DataFrame:
    if not _has(con, schema, "pitwall_tables"):
        return pd.DataFrame(columns=["table_name", "rows", "first", "last", "source", "loaded_at"])
    return con.execute(f"SELECT * FROM {schema}.main.pitwall_tables ORDER BY table_name").df()


def user_data_at(path) -> tuple[str | None, list[tuple[str, str | None]]]:
    """What a load of exports needs from a warehouse of the user's files: its currency and
    its campaigns (id, name). Nothing from the demo, which a load of files replaces."""
    from pitwall.warehouse import open_readonly

    if not path.exists():
        return None, []
    try:
        con = open_readonly(path)
    except Exception:  # an unreadable warehouse is the load's business, not this question's
        return None, []
    try:
        found = info(con)
        if found.get("origin") == DEMO:
            return None, []
        campaigns = (
            con.execute("SELECT campaign_id, campaign_name FROM campaigns").fetchall()
            if "campaigns" in loaded_tables(con)
            else []
        )
        return found.get("currency"), campaigns
    finally:
        con.close()


def record_load(
    con,
    sources: dict,
    files: dict,
    origin: str,
    demo_info: dict | None,
    currency: str | None = None,
) -> pd.DataFrame:
    """Write pitwall_tables and pitwall_meta into the new warehouse (`con`)."""
    now = dt.datetime.now().replace(microsecond=0)
    con.execute(
        "CREATE TABLE pitwall_tables (table_name VARCHAR, rows BIGINT, first DATE, "
        "last DATE, source VARCHAR, loaded_at TIMESTAMP)"
    )
    kept_from_old = (
        _has(con, "old", "pitwall_tables")
        and origin != DEMO
        and not (is_demo(con, "old") and origin == FILES)
    )
    if kept_from_old:
        con.execute(
            "INSERT INTO pitwall_tables SELECT * FROM old.main.pitwall_tables "
            "WHERE NOT list_contains($replaced, table_name)",
            {"replaced": list(sources)},
        )
    for name in sources:
        table = TABLES[name]
        key = quote(table.sort_by) if table.sort_by else None
        span = f"min({key}), max({key})" if key else "NULL, NULL"
        con.execute(
            f"INSERT INTO pitwall_tables SELECT $name, count(*), {span}, $source, $now FROM {name}",
            {"name": name, "source": files[name], "now": now},
        )
    con.execute("CREATE TABLE pitwall_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    values = {"origin": origin, "loaded_at": now.isoformat(sep=" ")}
    currency = currency or (info(con, "old").get("currency") if kept_from_old else None)
    if currency:
        values["currency"] = currency
    if demo_info:
        values["demo"] = json.dumps(demo_info)
    con.executemany("INSERT INTO pitwall_meta VALUES (?, ?)", list(values.items()))
    return con.execute("SELECT * FROM pitwall_tables ORDER BY table_name").df()
