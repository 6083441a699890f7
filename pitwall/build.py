"""Rebuild the derived tables after every load, then check their invariants.

Each step (queries/build/*.sql, run in file order) creates its own tables and macros and
never replaces or alters another step's. After the steps, every invariant
(queries/invariants/*.sql: a query returning what breaks it) must return no row, or the load
is refused with what broke, and the warehouse stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pitwall import queries, rollups
from pitwall.attribution import MODELS
from pitwall.problems import LoadError, Problem
from pitwall.schema import DEFAULT_STAGES

_CREATES = re.compile(r"CREATE\s+OR\s+REPLACE\s+(?:TABLE|MACRO)\s+([a-z_0-9]+)", re.I)
_WRITES = re.compile(r"(?:INSERT\s+INTO|UPDATE|ALTER\s+TABLE|DELETE\s+FROM)\s+([a-z_0-9]+)", re.I)


@dataclass(frozen=True)
class Step:
    name: str
    creates: tuple[str, ...]  # tables and macros
    writes: tuple[str, ...]  # tables it changes after creating them


def steps() -> list[Step]:
    out = []
    for path in sorted((queries.QUERY_DIR / "build").glob("*.sql")):
        text = queries.sql_text(f"build/{path.stem}")
        out.append(Step(path.stem, tuple(_CREATES.findall(text)), tuple(_WRITES.findall(text))))
    return out


def owners(all_steps: list[Step]) -> dict[str, str]:
    """Which step creates each derived table or macro. Refuses a table made by two steps,
    or changed by a step that did not create it."""
    owner: dict[str, str] = {}
    for step in all_steps:
        for name in step.creates:
            if name in owner:
                raise ValueError(f"build steps {owner[name]} and {step.name} both create {name}")
            owner[name] = step.name
        for name in step.writes:
            if owner.get(name) != step.name:
                raise ValueError(f"build step {step.name} changes {name}, which it did not create")
    return owner


def invariants() -> list[str]:
    return sorted(p.stem for p in (queries.QUERY_DIR / "invariants").glob("*.sql"))


def params() -> dict:
    """The values the build steps and invariants are given."""
    return {
        "default_stages": list(DEFAULT_STAGES),
        "models": list(MODELS),
        "review_window": rollups.STORED_WINDOW,
    }


def run(con) -> None:
    all_steps = steps()
    owners(all_steps)
    params_ = params()
    for step in all_steps:
        text = queries.sql_text(f"build/{step.name}")
        con.execute(text, queries.bind(text, params_))
    check_invariants(con, params_)


def check_invariants(con, params: dict) -> None:
    """Refuse the load when any invariant query returns a row (`con`: DuckDB, or Spark
    through pitwall.spark_build)."""
    problems = []
    for name in invariants():
        for subject, example, n in queries.run(con, f"invariants/{name}", params).itertuples(
            index=False
        ):
            problems.append(
                Problem(
                    f"invariant_{name}",
                    "derived tables",
                    f"{subject} does not hold (a bug in a build step, not in your files: "
                    f"nothing was loaded)",
                    value=f"{example} ({n:g})",
                )
            )
    if problems:
        raise LoadError(problems)
