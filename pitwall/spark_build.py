"""The load on Apache Spark: `python -m pitwall build --engine spark --source PATH`.

Reads the contract's tables as CSV or Parquet from a folder (local or an object-store URI),
runs the same checks and the same build steps as a DuckDB load, and writes a warehouse file
the dashboard serves unchanged. Nothing is restated for Spark:

- the checks are pitwall/checks.py's own functions, given a connection (`SparkConnection`)
  that transpiles their DuckDB SQL to Spark SQL (pitwall/spark_sql.py);
- the build runs whatever steps pitwall/build.py declares, in its order, each transpiled
  (a step with a file under queries/build/spark/ runs that instead: the engine-specific
  pieces), then the invariants;
- Spark writes every table as Parquet into a scratch folder beside the warehouse; DuckDB
  assembles the warehouse file from them with the types a DuckDB build gives, defines the
  build's macros, records the load (pitwall/meta.py) and swaps the file in atomically.

All or nothing, as `pitwall load`: any problem refuses the build and the warehouse stays.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from pitwall import build, meta, queries, readers, spark_sql
from pitwall.checks import check_columns, typed
from pitwall.load import LoadReport, _check_tables, _first_per_cell
from pitwall.problems import LoadError, Problem
from pitwall.readers import quote
from pitwall.schema import SQL_TYPES, TABLES, Table
from pitwall.warehouse import WRITE_CONFIG, clean_leftovers, load_lock, swap_in, temp_path_for

Progress = Callable[[str], None]

# Spark on a small machine: few shuffle partitions, no UI, a moderate driver.
SPARK_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "2g",
    "spark.sql.session.timeZone": "UTC",
    # DuckDB's TIMESTAMP has no time zone: Spark's TIMESTAMP_NTZ is the same type
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version": "2",
    "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
    "spark.hadoop.parquet.enable.summary-metadata": "false",
}
# For small inputs (the tests): one shuffle partition and interpreted expressions. Compiling
# generated code costs seconds per query, which only pays off on large tables.
SMALL_INPUTS = {
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}
MASTER = re.compile(r"^(local(\[(\d+|\*)(,\d+)?\])?|spark://\S+|yarn|k8s://\S+)$")
SPARK_STEPS = queries.QUERY_DIR / "build" / "spark"  # engine-specific forms of build steps
FORMATS = {"csv": "csv", "parquet": "parquet"}


class SourceError(ValueError):
    """A --source or --master the build cannot use: bad input (the CLI exits 2)."""


class EngineError(RuntimeError):
    """Spark cannot run here, or failed (the CLI exits 1)."""


def check_master(master: str) -> str:
    if not MASTER.match(master):
        raise SourceError(
            f"unsupported --master {master!r}: use local, local[N], local[*], spark://HOST:PORT, "
            "yarn or k8s://URL"
        )
    return master


def check_java() -> None:
    home = os.environ.get("JAVA_HOME")
    if not (shutil.which("java") or (home and Path(home, "bin", "java").exists())):
        raise EngineError(
            "Spark needs Java 17 or newer and none was found: install a JDK "
            "(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )


def is_uri(source: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", source))


def session(master: str = "local[2]", conf: dict | None = None):
    """A SparkSession configured for this machine (the one running, if any); `conf`
    overrides SPARK_CONFIG (SMALL_INPUTS for the tests)."""
    check_master(master)
    check_java()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("pitwall-build")
    for key, value in (SPARK_CONFIG | (conf or {})).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --- DuckDB's connection API over Spark -----------------------------------------------------


class _Result:
    def __init__(self, frame):
        self._frame = frame
        self._rows = None

    def fetchall(self) -> list[tuple]:
        if self._rows is None:
            self._rows = [tuple(r) for r in self._frame.collect()]
        return self._rows

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None

    def df(self) -> pd.DataFrame:
        return pd.DataFrame(self.fetchall(), columns=self._frame.columns)


class SparkConnection:
    """`execute(duckdb_sql, params)` on Spark: the statement is transpiled; `$name`
    parameters are bound as Spark's named parameters (`:name`), never written into the SQL."""

    def __init__(self, spark, macros: dict | None = None):
        self.spark = spark
        self.macros = macros if macros is not None else {}

    def execute(self, sql: str, params: dict | None = None) -> _Result:
        text = spark_sql.query(sql, self.macros)
        return _Result(self.spark.sql(text, args=dict(params) if params else None))


# --- reading the source ----------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    table: str
    uri: str  # a file, or a folder of part files
    fmt: str
    label: str  # the name problems give
    local: Path | None  # the local file, when it is one (CSV diagnostics read it in Python)


def find_sources(spark, source: str) -> tuple[dict[str, Found], list[str]]:
    """The contract tables in `source`: NAME.csv, NAME.parquet, or a folder NAME/ (or
    NAME.csv/, NAME.parquet/) of part files, as Spark writes them."""
    jvm = spark._jvm
    root = jvm.org.apache.hadoop.fs.Path(source)
    fs = root.getFileSystem(spark._jsc.hadoopConfiguration())
    if not fs.exists(root) or not fs.getFileStatus(root).isDirectory():
        raise SourceError(f"--source {source}: no such folder")
    found, notes, twice = {}, [], []
    for status in sorted(fs.listStatus(root), key=lambda s: s.getPath().getName()):
        name = status.getPath().getName()
        if name.startswith((".", "_")):
            continue
        stem, _, suffix = name.partition(".")
        fmt = FORMATS.get(suffix.lower())
        if status.isDirectory():
            parts = [
                p.getPath().getName()
                for p in fs.listStatus(status.getPath())
                if not p.getPath().getName().startswith((".", "_"))
            ]
            fmts = {FORMATS.get(p.rsplit(".", 1)[-1].lower()) for p in parts} - {None}
            fmt = fmt or (fmts.pop() if len(fmts) == 1 else None)
        uri = status.getPath().toString()
        if stem.lower() not in TABLES or fmt is None:
            notes.append(f"{name}: ignored (not a contract table as .csv or .parquet)")
            continue
        if stem.lower() in found:
            twice.append(
                Problem(
                    "duplicate_file",
                    name,
                    f"{found[stem.lower()].label} already provides {stem.lower()}",
                )
            )
            continue
        local = Path(uri.removeprefix("file:")) if uri.startswith("file:") else None
        if local is not None and local.is_dir():
            local = None
        found[stem.lower()] = Found(stem.lower(), uri, fmt, name, local)
    if twice:
        raise LoadError(twice)
    return found, notes


def _header_line(spark, found: Found) -> str | None:
    if found.local is not None:
        with open(found.local, encoding="utf-8-sig", errors="replace", newline="") as fh:
            return fh.readline().rstrip("\r\n") or None
    lines = spark.read.text(found.uri).limit(1).collect()
    return lines[0][0] if lines else None


def _stage(spark, table: Table, found: Found):
    """Create the view raw_<table> (contract columns as text, `rowid` in file order, the
    rows Spark's CSV reader could not split in `_bad_line`). Returns (problems, notes,
    row_map), as readers.stage_file does."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    row_map = readers._same
    path = found.local
    if path is not None and found.fmt == "csv":
        if path.stat().st_size == 0:
            return [Problem("empty", found.label, "the file is empty")], [], row_map
        problems = readers._csv_encoding(path) or readers._csv_diagnose(path)
        if problems:
            return problems, [], row_map
        row_map = partial(readers._csv_rows, path)
    try:
        if found.fmt == "csv":
            line = _header_line(spark, found)
            if line is None:
                return [Problem("empty", found.label, "the file is empty")], [], row_map
            sep = _delimiter(line)
            header = next(csv.reader(io.StringIO(line), delimiter=sep))
            header[0] = header[0].lstrip("\ufeff")
            schema = StructType(
                [StructField(f"_c{i}", StringType()) for i in range(len(header))]
                + [StructField("_bad_line", StringType())]
            )
            frame = spark.read.csv(
                found.uri,
                header=True,
                schema=schema,
                sep=sep,
                quote='"',
                escape='"',
                mode="PERMISSIVE",
                columnNameOfCorruptRecord="_bad_line",
                encoding="UTF-8",
            )
        else:
            frame = spark.read.parquet(found.uri)
            header = list(frame.columns)
            frame = frame.select(
                *[
                    F.col(quote_spark(c)).cast("string").alias(f"_c{i}")
                    for i, c in enumerate(header)
                ],
                F.lit(None).cast("string").alias("_bad_line"),
            )
        legacy = readers.old_shape(table, header)
        mapping, problems, notes = readers._match_columns(table, header, found.label, legacy)
        if legacy:
            notes.append(f"{found.label}: {legacy.note}")
            row_map = readers._renaming(row_map, legacy.renamed)
        if problems:
            return problems, notes, row_map
        columns = []
        for c in table.columns:
            if legacy and c.name in legacy.constants:
                columns.append(F.lit(legacy.constants[c.name]).alias(c.name))
            elif c.name in mapping:
                columns.append(F.col(f"_c{header.index(mapping[c.name])}").alias(c.name))
            else:
                columns.append(F.lit(None).cast("string").alias(c.name))
        # Kept once read, like DuckDB's raw table (memory, spilling to disk): the ids below
        # stay those of this read.
        raw = frame.select(
            F.monotonically_increasing_id().alias("_mid"), *columns, "_bad_line"
        ).persist(StorageLevel.MEMORY_AND_DISK)
        # monotonically_increasing_id is (partition << 33) + row in partition: with each
        # partition's rows counted, it becomes the row's index in read order
        counts = sorted(
            tuple(r)
            for r in raw.groupBy(F.shiftright("_mid", 33).alias("p"))
            .agg(F.count("*"), F.count("_bad_line"))
            .collect()
        )
    except Exception as exc:  # any reader failure is the file's problem, not a crash
        return _unreadable(found, exc), [], row_map
    if not sum(n for _, n, _ in counts):
        empty = Problem("empty", found.label, "the file has a header but no data rows")
        return [empty], notes, row_map
    offsets, total = [], 0
    for p, n, _ in counts:
        offsets += [F.lit(p), F.lit(total)]
        total += n
    rowid = (
        F.col("_mid")
        - F.shiftleft(F.shiftright("_mid", 33), 33)
        + F.element_at(F.create_map(*offsets), F.shiftright("_mid", 33))
    )
    raw.select(
        rowid.alias("rowid"), *[c.name for c in table.columns], "_bad_line"
    ).createOrReplaceTempView(readers.raw_name(table))
    if not any(bad for _, _, bad in counts):
        return [], notes, row_map
    return _ragged(spark, table, found, header), notes, row_map


def quote_spark(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _delimiter(line: str) -> str:
    try:
        return csv.Sniffer().sniff(line, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _ragged(spark, table: Table, found: Found, header: list[str]) -> list[Problem]:
    rows = spark.sql(
        f"SELECT rowid, _bad_line, count(*) OVER () AS n FROM {readers.raw_name(table)} "
        f"WHERE _bad_line IS NOT NULL ORDER BY rowid LIMIT {readers.MAX_EXAMPLES}"
    ).collect()
    problems = []
    for rowid, line, _ in rows:
        fields = len(next(csv.reader(io.StringIO(line)), []))
        more = fields > len(header)
        problems.append(
            Problem(
                "ragged_row",
                found.label,
                f"the row has {'more' if more else 'fewer'} fields than the header",
                rowid + 2,
                None,
                line,
            )
        )
    if rows and rows[0][2] > len(rows):
        problems.append(
            Problem("ragged_row", found.label, f"{rows[0][2] - len(rows):,} more rows like these")
        )
    return problems


def _unreadable(found: Found, exc: Exception) -> list[Problem]:
    line = readers._first_line(exc)
    line = re.sub(r"\s*SQLSTATE.*$", "", line).replace(found.uri, found.label)
    return [
        Problem(
            "unreadable",
            found.label,
            f"the file could not be read as {found.fmt}: {line[:200]}",
        )
    ]


# --- the build -----------------------------------------------------------------------------


def _materialise(spark, scratch: Path, name: str, frame) -> None:
    target = scratch / "tables" / name
    if target.exists():  # written again (rows inserted): beside the old, then swapped
        frame.write.mode("overwrite").parquet(str(target) + ".new")
        shutil.rmtree(target)
        os.replace(str(target) + ".new", target)
    else:
        frame.write.parquet(str(target))
    spark.read.parquet(str(target)).createOrReplaceTempView(name)


def _typed(con: SparkConnection, scratch: Path, table: Table) -> None:
    cols = ", ".join(
        f"CAST({typed(c)} AS {SQL_TYPES[c.type]}) AS {quote(c.name)}" for c in table.columns
    )
    text = spark_sql.query(f"SELECT rowid + 2 AS _row, {cols} FROM {readers.raw_name(table)}")
    _materialise(con.spark, scratch, f"new_{table.name}", con.spark.sql(text))


def _contract_views(con: SparkConnection, scratch: Path, sources: dict) -> None:
    """The contract tables as the build reads them; a table not given exists empty."""
    for table in TABLES.values():
        cols = ", ".join(quote(c.name) for c in table.columns)
        if table.name in sources:
            text = f"SELECT {cols} FROM new_{table.name}"
        else:
            text = (
                "SELECT "
                + ", ".join(
                    f"CAST(NULL AS {SQL_TYPES[c.type]}) AS {quote(c.name)}" for c in table.columns
                )
                + " WHERE 1 = 0"
            )
        con.spark.sql(spark_sql.query(text)).createOrReplaceTempView(table.name)


@dataclass(frozen=True)
class Built:
    name: str
    order_by: tuple[str, ...]


def step_text(name: str) -> tuple[str, str]:
    """A build step's SQL and its dialect: the Spark form when there is one."""
    own = SPARK_STEPS / f"{name}.sql"
    if own.exists():
        return queries.expand(own.read_text()), "spark"
    return queries.sql_text(f"build/{name}"), "duckdb"


def run_steps(con: SparkConnection, scratch: Path, progress: Progress) -> list[Built]:
    """Every build step pitwall/build.py declares, in its order, on Spark."""
    all_steps = build.steps()
    build.owners(all_steps)
    params = build.params()
    built = []
    for step in all_steps:
        progress(f"Building {step.name} on Spark")
        text, dialect = step_text(step.name)
        for st in spark_sql.statements(text, con.macros, dialect):
            if st.kind == "macro":
                continue  # inlined where it is used; DuckDB defines it in the warehouse
            args = {k: v for k, v in params.items() if f":{k}" in st.sql}
            frame = con.spark.sql(st.sql, args=args or None)
            if st.kind == "table":
                _materialise(con.spark, scratch, st.name, frame)
                built.append(Built(st.name, st.order_by))
            elif st.kind == "insert":
                _materialise(con.spark, scratch, st.name, con.spark.table(st.name).union(frame))
            else:
                frame.collect()
    return built


# --- the warehouse file -----------------------------------------------------------------------


def _duckdb_types(built: list[Built]) -> dict[str, list[tuple[str, str]]]:
    """Each derived table's columns and types as a DuckDB build makes them (the build run on
    empty contract tables), so the Spark-built tables are stored exactly alike."""
    con = duckdb.connect(":memory:")
    try:
        for table in TABLES.values():
            defs = ", ".join(f"{quote(c.name)} {SQL_TYPES[c.type]}" for c in table.columns)
            con.execute(f"CREATE TABLE {table.name} ({defs})")
        params = build.params()
        for step in build.steps():
            text = queries.sql_text(f"build/{step.name}")
            con.execute(text, queries.bind(text, params))
        return {
            b.name: [tuple(r[:2]) for r in con.execute(f"DESCRIBE {b.name}").fetchall()]
            for b in built
        }
    finally:
        con.close()


def _assemble(con, scratch: Path, sources: dict, files: dict, built: list[Built]) -> pd.DataFrame:
    def parts(name: str) -> str:
        return str(scratch / "tables" / name / "*.parquet")

    for table in TABLES.values():
        order = f" ORDER BY {quote(table.sort_by)}" if table.sort_by else ""
        cols = ", ".join(
            f"CAST({quote(c.name)} AS {SQL_TYPES[c.type]}) AS {quote(c.name)}"
            for c in table.columns
        )
        if table.name in sources:
            con.execute(
                f"CREATE TABLE {table.name} AS SELECT {cols} FROM read_parquet(?){order}",
                [parts(f"new_{table.name}")],
            )
        else:
            defs = ", ".join(f"{quote(c.name)} {SQL_TYPES[c.type]}" for c in table.columns)
            con.execute(f"CREATE TABLE {table.name} ({defs})")
    types = _duckdb_types(built)
    for b in built:
        columns = types[b.name]
        names = {n for n, _ in columns}
        cols = ", ".join(f"CAST({quote(n)} AS {t}) AS {quote(n)}" for n, t in columns)
        keys = [k for k in b.order_by if k in names]
        order = f" ORDER BY {', '.join(quote(k) for k in keys)}" if keys else ""
        con.execute(
            f"CREATE TABLE {b.name} AS SELECT {cols} FROM read_parquet(?){order}", [parts(b.name)]
        )
    # The build's macros, which the views call at query time, defined as a DuckDB build does
    for step in build.steps():
        for tree in spark_sql.parse(queries.sql_text(f"build/{step.name}")):
            if spark_sql.macro_of(tree):
                con.execute(tree.sql("duckdb"))
    return meta.record_load(con, sources, files, meta.FILES, None)


# --- the command ---------------------------------------------------------------------------


def run(
    source: str,
    warehouse: Path,
    *,
    master: str = "local[2]",
    spark=None,
    progress: Progress = lambda _: None,
) -> LoadReport:
    """Check and build the tables of `source` on Spark into `warehouse` (all or nothing)."""
    check_master(master)
    if not is_uri(source) and not Path(source).is_dir():
        raise SourceError(f"--source {source}: no such folder")
    source = source if is_uri(source) else str(Path(source).resolve())
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    if spark is None:
        check_java()
        progress(f"Starting Spark ({master})")
        spark = session(master)
    found, notes = find_sources(spark, source)
    if not found:
        raise SourceError(f"--source {source}: no contract table (.csv or .parquet) in it")
    with load_lock(warehouse):
        clean_leftovers(warehouse)
        scratch = Path(tempfile.mkdtemp(prefix=".pitwall-spark-", dir=warehouse.parent))
        tmp = temp_path_for(warehouse)
        try:
            return _run(spark, found, notes, scratch, tmp, warehouse, progress)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            for p in (tmp, tmp.with_name(tmp.name + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()


def _run(spark, found, notes, scratch, tmp, warehouse, progress) -> LoadReport:
    con = SparkConnection(spark)
    problems, files, row_maps = [], {}, {}
    for i, (name, f) in enumerate(sorted(found.items()), start=1):
        table = TABLES[name]
        files[name] = f.label
        progress(f"[{i}/{len(found)}] Reading and checking {f.label}")
        got, file_notes, row_maps[name] = _stage(spark, table, f)
        notes += file_notes
        if not got:
            got = check_columns(con, table, f.label)
        got = row_maps[name](got)
        if not got:
            _typed(con, scratch, table)
        problems += got
    spark.catalog.clearCache()  # the raw text is no longer needed: typed tables are written
    sources = dict.fromkeys(found)
    rels = {t: f"new_{t}" for t in sources}
    if not problems:
        problems = _check_tables(con, sources, rels, files, row_maps)
    problems = _first_per_cell(problems)
    if problems:
        raise LoadError(problems)
    _contract_views(con, scratch, sources)
    built = run_steps(con, scratch, progress)
    progress("Checking the invariants on Spark")
    build.check_invariants(con, build.params())
    progress("Writing the warehouse")
    db = duckdb.connect(str(tmp), config=WRITE_CONFIG)
    try:
        info = _assemble(db, scratch, sources, files, built)
        db.execute("CHECKPOINT")
    finally:
        db.close()
    swap_in(tmp, warehouse)
    progress("Done")
    return LoadReport(warehouse, info, notes)
