"""DuckDB SQL to Spark SQL: the build and the checks are written once, in DuckDB's dialect.

SQLGlot parses each statement as DuckDB and writes it as Spark SQL. What it cannot know, or
where the two engines mean different things by the same name, is rewritten here, on the
parsed tree (docs/spark.md lists these):

- macros (`CREATE MACRO`, scalar and table) are inlined at their call sites: Spark has none;
- a named window refined in place (`OVER (w ROWS BETWEEN ...)`) is spelled out;
- `datediff('month'|'day', a, b)` counts boundaries crossed in DuckDB, whole periods in Spark;
- `epoch(a - b)` (seconds of an interval), `to_days(n)`, `to_months(n)`, `arg_min_null`,
  `isfinite`, `regexp_full_match`, `list(x ORDER BY x)`;
- `TRY_CAST(text AS DOUBLE | TIMESTAMP)`: Spark also accepts `12d`, `2025` or `2025-03`;
  a pattern keeps to what DuckDB accepts, so both refuse the same values;
- decimal literals (`1.0`) are doubles, as DuckDB computes with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp

# Text DuckDB casts to a number or a timestamp (Spark's own casts accept more).
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(?i:inf|infinity|nan)$"
_TIMESTAMP = r"^\d{4}-\d{1,2}-\d{1,2}([ T].*)?$"


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...]
    body: exp.Expression
    table: bool


@dataclass(frozen=True)
class Statement:
    """One statement of a build step, as Spark runs it."""

    kind: str  # "macro" (kept for inlining; DuckDB defines it in the warehouse), "table",
    # "insert" (rows added to a table, all its columns in order), "query"
    name: str | None  # the table or macro it creates
    sql: str  # Spark SQL: the SELECT of a table, or the query
    order_by: tuple[str, ...] = ()  # the output columns a DuckDB build sorts the table by


def parse(text: str, dialect: str = "duckdb") -> list[exp.Expression]:
    return [s for s in sqlglot.parse(text, read=dialect) if s is not None]


def macro_of(statement: exp.Expression) -> Macro | None:
    if not (isinstance(statement, exp.Create) and statement.args.get("kind") == "MACRO"):
        return None
    udf = statement.this
    props = statement.args.get("properties")
    table = bool(props and any(p.args.get("is_table") for p in props.expressions))
    return Macro(
        udf.this.name.lower(),
        tuple(p.name.lower() for p in udf.expressions),
        statement.expression,
        table,
    )


def statements(text: str, macros: dict[str, Macro], dialect: str = "duckdb") -> list[Statement]:
    """The statements of a script (DuckDB's dialect, or Spark's for an engine-specific step)
    for Spark. Macros it defines are added to `macros` (later statements and steps inline
    them)."""
    out = []
    for tree in parse(text, dialect):
        macro = macro_of(tree)
        if macro:
            macros[macro.name] = macro
            out.append(Statement("macro", macro.name, ""))
            continue
        if isinstance(tree, exp.Create) and tree.args.get("kind") == "TABLE":
            query = tree.expression
            order = query.args.get("order")
            keys = ()
            if order is not None and isinstance(query, exp.Select):
                keys = tuple(o.this.alias_or_name for o in order.expressions)
                query.set("order", None)  # the DuckDB assembly sorts; Spark need not
            out.append(Statement("table", tree.this.name, to_spark(query, macros), keys))
        elif isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Table):
            # rows added to a table the step made: Spark writes the table again with them
            out.append(Statement("insert", tree.this.name, to_spark(tree.expression, macros)))
        elif isinstance(tree, exp.Query):
            out.append(Statement("query", None, to_spark(tree, macros)))
        else:
            raise ValueError(f"not portable to Spark: {tree.sql('duckdb')[:80]}")
    return out


def query(text: str, macros: dict[str, Macro] | None = None) -> str:
    """One DuckDB query (or statement) as Spark SQL."""
    trees = parse(text)
    if len(trees) != 1:
        raise ValueError("one statement expected")
    return to_spark(trees[0], macros or {})


def to_spark(tree: exp.Expression, macros: dict[str, Macro]) -> str:
    tree = inline(tree.copy(), macros)
    for node in list(tree.dfs())[::-1]:  # children before their parents
        new = _rewrite(node)
        if new is not None and new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree.sql("spark")


# --- macros --------------------------------------------------------------------------------


def inline(tree: exp.Expression, macros: dict[str, Macro]) -> exp.Expression:
    """Replace every call of a macro by its body with the arguments put in (nested calls too)."""
    if not macros:
        return tree
    for _ in range(20):  # macros may call macros
        calls = [n for n in tree.find_all(exp.Anonymous) if n.name.lower() in macros]
        if not calls:
            return tree
        for call in calls:
            macro = macros[call.name.lower()]
            body = _substitute(macro, call.expressions)
            parent = call.parent
            if macro.table:
                if not isinstance(parent, exp.Table):
                    raise ValueError(f"table macro {macro.name} used as a value")
                alias = parent.args.get("alias") or exp.TableAlias(
                    this=exp.to_identifier(macro.name)
                )
                parent.replace(exp.Subquery(this=body, alias=alias.copy()))
            else:
                call.replace(exp.Paren(this=body))
    raise ValueError("macros nest too deeply")


def _substitute(macro: Macro, args: list[exp.Expression]) -> exp.Expression:
    if len(args) != len(macro.params):
        raise ValueError(f"{macro.name} takes {len(macro.params)} arguments, got {len(args)}")
    values = dict(zip(macro.params, args, strict=True))
    body = macro.body.copy()
    for col in list(body.find_all(exp.Column)):
        if not col.table and col.name.lower() in values:
            col.replace(exp.Paren(this=values[col.name.lower()].copy()))
    return body


# --- function rewrites ---------------------------------------------------------------------


def _f(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _double(e: exp.Expression) -> exp.Expression:
    return exp.Cast(this=e, to=exp.DataType.build("DOUBLE"))


def _guarded(e: exp.TryCast, pattern: str) -> exp.Expression:
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.RegexpLike(this=e.this.copy(), expression=exp.Literal.string(pattern)),
                true=e.copy(),
            )
        ]
    )


def _rewrite(node: exp.Expression) -> exp.Expression | None:
    name = node.name.lower() if isinstance(node, exp.Anonymous) else None
    if isinstance(node, exp.TimeToUnix):  # epoch(): seconds, of an interval or a timestamp
        arg = node.this
        micros = (
            exp.Sub(this=_f("UNIX_MICROS", arg.this), expression=_f("UNIX_MICROS", arg.expression))
            if isinstance(arg, exp.Sub)
            else _f("UNIX_MICROS", arg)
        )
        return exp.Paren(this=exp.Div(this=_double(micros), expression=exp.Literal.number(1e6)))
    if isinstance(node, exp.DateDiff):
        unit = (node.text("unit") or "DAY").upper()
        end, start = node.this, node.expression
        if unit == "MONTH":  # month boundaries crossed, as DuckDB counts
            return exp.Paren(
                this=exp.Add(
                    this=exp.Mul(
                        this=exp.Paren(
                            this=exp.Sub(this=_f("YEAR", end), expression=_f("YEAR", start.copy()))
                        ),
                        expression=exp.Literal.number(12),
                    ),
                    expression=exp.Paren(
                        this=exp.Sub(
                            this=_f("MONTH", end.copy()), expression=_f("MONTH", start.copy())
                        )
                    ),
                )
            )
        if unit == "DAY":
            return _f("DATEDIFF", _f("TO_DATE", end), _f("TO_DATE", start))
        raise ValueError(f"datediff by {unit} is not transpiled")
    if isinstance(node, exp.Window) and node.args.get("alias") and node.args.get("spec"):
        # `OVER (w ROWS ...)`: Spark cannot refine a named window; spell it out
        select = node.find_ancestor(exp.Select)
        named = {w.this.name: w for w in (select.args.get("windows") or [])} if select else {}
        base = named.get(node.args["alias"].name)
        if base is None:
            raise ValueError(f"window {node.args['alias'].name} is not defined")
        new = node.copy()
        new.set("alias", None)
        for key in ("partition_by", "order"):
            if base.args.get(key):
                new.set(
                    key,
                    base.args[key].copy() if key == "order" else [e.copy() for e in base.args[key]],
                )
        return new
    if isinstance(node, exp.ToDays):
        return _f("MAKE_DT_INTERVAL", node.this)
    if name == "to_months":
        return _f("MAKE_YM_INTERVAL", exp.Literal.number(0), *node.expressions)
    if name == "arg_min_null":  # Spark's min_by keeps a NULL value, as arg_min_null does
        return _f("MIN_BY", *node.expressions)
    if name == "isfinite":
        x = node.expressions[0]
        return exp.Paren(
            this=exp.And(
                this=exp.Not(this=_f("ISNAN", x)),
                expression=exp.NEQ(
                    this=_f("ABS", x.copy()), expression=_double(exp.Literal.string("Infinity"))
                ),
            )
        )
    if isinstance(node, exp.RegexpFullMatch):
        return exp.RegexpLike(
            this=node.this, expression=exp.Literal.string(f"^(?:{node.expression.this})$")
        )
    if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
        order = node.this
        keys = order.expressions
        if len(keys) == 1 and keys[0].this == order.this and not keys[0].args.get("desc"):
            return _f("ARRAY_SORT", _f("COLLECT_LIST", order.this))
        raise ValueError("list(... ORDER BY ...) is transpiled only when ordered by itself")
    if isinstance(node, exp.TryCast):
        to = node.to.this
        if to == exp.DataType.Type.DOUBLE:
            return _guarded(node, _NUMBER)
        if to in (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPNTZ):
            return _guarded(node, _TIMESTAMP)
    if (
        isinstance(node, exp.Literal)
        and not node.is_string
        and ("." in node.this or "e" in node.this.lower())
        and not isinstance(node.parent, exp.Cast)
    ):
        return _double(node.copy())
    return None
