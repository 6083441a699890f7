"""Validation rules: small named checks, each with a code and a message.

Column rules run on the raw text of a staged file (`raw_<table>`), so a message can quote
the value exactly as the user wrote it. Table rules (keys, references, stages) run on the
typed tables, across what is being loaded and what the warehouse already holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pitwall.dimensions import KINDS
from pitwall.problems import Problem
from pitwall.readers import MAX_EXAMPLES, quote, raw_name
from pitwall.schema import DEFAULT_STAGES, LEAD_SOURCES, LOST, Column, Table

LARGEST = 1e12  # money or counts beyond this are a broken file, not a business


def _text(v: str) -> str:
    return f"NULLIF(trim({v}), '')"


def _ts(v: str) -> str:
    return f"TRY_CAST({_text(v)} AS TIMESTAMP)"


def _num(v: str) -> str:
    return f"TRY_CAST({_text(v)} AS DOUBLE)"


def _month(v: str) -> str:
    t = _text(v)
    return (
        f"CASE WHEN regexp_full_match({t}, '\\d{{4}}-\\d{{1,2}}') "
        f"THEN TRY_CAST({t} || '-01' AS DATE) "
        f"ELSE CAST(date_trunc('month', {_ts(v)}) AS DATE) END"
    )


def typed(col: Column) -> str:
    """SQL turning the raw text of `col` into its warehouse value (NULL when it can't)."""
    v = quote(col.name)
    return {
        "text": _text(v),
        "kind": f"lower({_text(v)})",
        "stage": f"lower({_text(v)})",
        "choice": f"lower({_text(v)})",
        "number": _num(v),
        "integer": f"TRY_CAST({_num(v)} AS BIGINT)",
        "date": f"CAST({_ts(v)} AS DATE)",
        "timestamp": _ts(v),
        "month": _month(v),
    }[col.type]


@dataclass(frozen=True)
class ColumnRule:
    code: str
    message: str
    applies: Callable[[Column], bool]
    bad: Callable[[Column], str]  # SQL that is true for a bad, non-empty value


def _present(c: Column) -> str:
    return f"{_text(quote(c.name))} IS NOT NULL"


def _converts(c: Column) -> str:
    return f"{typed(c)} IS NOT NULL"


_DATE_TYPES = ("date", "timestamp", "month")
COLUMN_RULES = (
    ColumnRule(
        "missing_value",
        "a value is required here",
        lambda c: c.required,
        lambda c: f"NOT ({_present(c)})",
    ),
    ColumnRule(
        "not_a_number",
        "not a number (write plain numbers like 1234.56: no currency sign, no thousands separator)",
        lambda c: c.type == "number",
        lambda c: f"{_present(c)} AND ({typed(c)} IS NULL OR NOT isfinite({typed(c)}))",
    ),
    ColumnRule(
        "not_a_whole_number",
        "not a whole number",
        lambda c: c.type == "integer",
        lambda c: (
            f"{_present(c)} AND ({_num(quote(c.name))} IS NULL OR "
            f"{_num(quote(c.name))} <> round({_num(quote(c.name))}) OR "
            f"abs({_num(quote(c.name))}) > {LARGEST})"
        ),
    ),
    ColumnRule(
        "not_a_date",
        "not an ISO 8601 date or time (like 2025-03-14 or 2025-03-14T09:30:00)",
        lambda c: c.type in ("date", "timestamp"),
        lambda c: f"{_present(c)} AND NOT ({_converts(c)})",
    ),
    ColumnRule(
        "not_a_month",
        "not a month (like 2025-03) or an ISO date in it",
        lambda c: c.type == "month",
        lambda c: f"{_present(c)} AND NOT ({_converts(c)})",
    ),
    ColumnRule(
        "date_out_of_range",
        "the date is outside 1970–2100",
        lambda c: c.type in _DATE_TYPES,
        lambda c: f"{_converts(c)} AND NOT (year({typed(c)}) BETWEEN 1970 AND 2100)",
    ),
    ColumnRule(
        "too_large",
        f"the number is implausibly large (more than {LARGEST:,.0f})",
        lambda c: c.type == "number",
        lambda c: f"{_converts(c)} AND isfinite({typed(c)}) AND abs({typed(c)}) > {LARGEST}",
    ),
    ColumnRule(
        "negative_amount",
        "must not be negative",
        lambda c: c.min_value == 0 and c.max_value is None,
        lambda c: f"{_converts(c)} AND {typed(c)} < 0",
    ),
    ColumnRule(
        "out_of_range",
        "must be a share between 0 and 1 (like 0.35)",
        lambda c: c.type == "number" and c.min_value is not None and c.max_value is not None,
        lambda c: f"{_converts(c)} AND NOT ({typed(c)} BETWEEN {c.min_value} AND {c.max_value})",
    ),
    ColumnRule(
        "bad_position",
        "must be a whole number of 1 or more",
        lambda c: c.type == "integer" and c.min_value == 1,
        lambda c: f"{_converts(c)} AND {typed(c)} < 1",
    ),
    ColumnRule(
        "bad_kind",
        f"kind must be {' or '.join(KINDS)}",
        lambda c: c.type == "kind",
        lambda c: f"{_present(c)} AND {typed(c)} NOT IN {KINDS!r}",
    ),
    ColumnRule(
        "unknown_source",
        f"unknown lead source; the allowed values are {', '.join(LEAD_SOURCES)}",
        lambda c: c.type == "choice" and c.allowed == LEAD_SOURCES,
        lambda c: f"{_present(c)} AND {typed(c)} NOT IN {c.allowed!r}",
    ),
    ColumnRule(
        "bad_score",
        "a score is a whole number from 0 to 10 (how likely to recommend: 0 not at all, 10 "
        "extremely)",
        lambda c: c.type == "integer" and c.max_value == 10,
        lambda c: f"{_converts(c)} AND NOT ({typed(c)} BETWEEN {c.min_value} AND {c.max_value})",
    ),
)


def check_columns(con, table: Table, file: str) -> list[Problem]:
    """Every column rule over the raw text: one pass counts the breaches of all rules, and
    only a rule that was breached is asked for its example rows."""
    raw = raw_name(table)
    rules = [(col, rule) for col in table.columns for rule in COLUMN_RULES if rule.applies(col)]
    if not rules:
        return []
    counts = con.execute(
        "SELECT " + ", ".join(f"count_if({rule.bad(col)})" for col, rule in rules) + f" FROM {raw}"
    ).fetchone()
    problems: list[Problem] = []
    for (col, rule), n in zip(rules, counts, strict=True):
        if not n:
            continue
        rows = con.execute(
            f"SELECT rowid + 2 AS row, {quote(col.name)} AS value FROM {raw} "
            f"WHERE {rule.bad(col)} ORDER BY rowid LIMIT {MAX_EXAMPLES}"
        ).fetchall()
        problems += [Problem(rule.code, file, rule.message, r, col.name, v) for r, v in rows]
        if n > len(rows):
            problems.append(
                Problem(rule.code, file, f"{n - len(rows):,} more rows like these", column=col.name)
            )
    return problems


# --- table rules: run on typed tables `new_<table>` (with _row) or kept warehouse tables ---


def check_keys(con, table: Table, rel: str, file: str) -> list[Problem]:
    keys = [table.key] + ([("position",)] if table.name == "funnel_stages" else [])
    problems = []
    for key in keys:
        if not key:
            continue
        cols = ", ".join(quote(k) for k in key)
        # find the duplicated keys first: listing the rows of every key is slow at 10M rows
        sql = (
            f"WITH dup AS (SELECT {cols} FROM {rel} "
            f"WHERE {' AND '.join(f'{quote(k)} IS NOT NULL' for k in key)} "
            f"GROUP BY ALL HAVING count(*) > 1) "
            f"SELECT {cols}, list(_row ORDER BY _row) AS rows FROM {rel} SEMI JOIN dup "
            f"USING ({cols}) GROUP BY ALL ORDER BY rows[1] LIMIT {MAX_EXAMPLES}"
        )
        for *values, rows in con.execute(sql).fetchall():
            shown = ", ".join(str(v) for v in values)
            problems.append(
                Problem(
                    "duplicate_key",
                    file,
                    f"duplicate {' + '.join(key)}: the same value is also in row {rows[0]}",
                    rows[1],
                    "+".join(key),
                    shown,
                )
            )
    return problems


def check_references(
    con, table: Table, rels: dict[str, str], files: dict[str, str]
) -> list[Problem]:
    """References of `table` must resolve in the tables the warehouse will hold."""
    problems = []
    rel, file = rels[table.name], files.get(table.name)
    for ref in table.references:
        required = table.column(ref.column).required
        if ref.table not in rels:
            if required:
                problems.append(
                    Problem(
                        "missing_table",
                        file or table.name,
                        f"{table.name}.{ref.column} refers to {ref.table}, which is not loaded: "
                        f"add {ref.table}.csv (or .parquet/.xlsx) to the folder",
                        column=ref.column,
                    )
                )
            continue
        if file is None and ref.table not in files:
            continue  # neither side changes
        target = rels[ref.table]
        row_expr = "_row" if file else "NULL"
        sql = (
            f"SELECT {row_expr} AS row, {quote(ref.column)} AS value, count(*) OVER () AS n "
            f"FROM {rel} s WHERE {quote(ref.column)} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {target} t WHERE t.{quote(ref.target)} = s.{quote(ref.column)}) "
            f"ORDER BY row LIMIT {MAX_EXAMPLES}"
        )
        rows = con.execute(sql).fetchall()
        where = file or files[ref.table]
        why = (
            f"not found in {ref.table}.{ref.target}"
            if file
            else f"{table.name} (already loaded) uses this {ref.column}, but the new {ref.table} "
            f"does not have it"
        )
        problems += [Problem("unknown_reference", where, why, r, ref.column, v) for r, v, _ in rows]
        if rows and rows[0][2] > len(rows):
            problems.append(
                Problem(
                    "unknown_reference",
                    where,
                    f"{rows[0][2] - len(rows):,} more rows like these",
                    column=ref.column,
                )
            )
    return problems


def check_stages(con, rels: dict[str, str], files: dict[str, str]) -> list[Problem]:
    if "lead_stages" not in files and "funnel_stages" not in files:
        return []
    if "lead_stages" not in rels:
        return []
    if "funnel_stages" in rels:
        stages = [
            r[0] for r in con.execute(f"SELECT stage FROM {rels['funnel_stages']}").fetchall()
        ]
    else:
        stages = list(DEFAULT_STAGES)
    allowed = stages + [LOST]
    file = files.get("lead_stages") or files["funnel_stages"]
    row_expr = "_row" if "lead_stages" in files else "NULL"
    rows = con.execute(
        f"SELECT {row_expr} AS row, stage FROM {rels['lead_stages']} "
        f"WHERE NOT list_contains($allowed, stage) ORDER BY row LIMIT {MAX_EXAMPLES}",
        {"allowed": allowed},
    ).fetchall()
    why = f"unknown stage; the funnel's stages are {', '.join(stages)} (and the outcome {LOST})"
    return [Problem("unknown_stage", file, why, r, "stage", v) for r, v in rows]


def check_targets(con, rels: dict[str, str], files: dict[str, str]) -> list[Problem]:
    """Targets name a metric that can have one (metrics.TARGET_METRICS), a share at most 1,
    at most one of channel and kind, and one row per month, metric and scope."""
    from pitwall.metrics import METRICS, TARGET_METRICS

    if "targets" not in files:
        return []
    rel, file = rels["targets"], files["targets"]
    shares = [m for m in TARGET_METRICS if METRICS[m].fmt == "percent"]
    rules = (
        (
            "unknown_metric",
            "metric",
            "NOT list_contains($metrics, metric)",
            f"targets can be set for {', '.join(TARGET_METRICS)}",
        ),
        (
            "out_of_range",
            "value",
            "list_contains($shares, metric) AND value > 1",
            "must be a share between 0 and 1 (like 0.35)",
        ),
        (
            "bad_scope",
            "channel",
            "channel IS NOT NULL AND kind IS NOT NULL",
            "a target is for one channel or one kind, not both: leave one empty",
        ),
    )
    params = {"metrics": list(TARGET_METRICS), "shares": shares}
    problems = []
    for code, column, bad, why in rules:
        rows = con.execute(
            f"SELECT _row, CAST({quote(column)} AS VARCHAR) FROM {rel} WHERE {bad} "
            f"ORDER BY _row LIMIT {MAX_EXAMPLES}",
            {k: v for k, v in params.items() if f"${k}" in bad} or None,
        ).fetchall()
        problems += [Problem(code, file, why, r, column, v) for r, v in rows]
    dups = con.execute(
        f"SELECT list(_row ORDER BY _row) AS rows, strftime(month, '%Y-%m') || ' ' || metric "
        f"|| coalesce(' ' || channel, '') || coalesce(' ' || kind, '') FROM {rel} "
        f"GROUP BY month, metric, channel, kind HAVING count(*) > 1 ORDER BY rows[1] "
        f"LIMIT {MAX_EXAMPLES}"
    ).fetchall()
    problems += [
        Problem(
            "duplicate_key",
            file,
            f"duplicate month + metric + channel + kind: the same target is also in row "
            f"{rows[0]}",
            rows[1],
            "month+metric+channel+kind",
            shown,
        )
        for rows, shown in dups
    ]
    return problems
