"""`python -m pitwall bench`: is Pitwall still instant at millions of orders?

Builds (or reuses) a demo warehouse at the given scale from CSV files, then measures:
- the load from files and the rebuild of the derived tables;
- each page's query set (the views the page asks for), with its default filters, a narrow
  one (one channel, four weeks) and all history (the period "All time"): the median of warm runs;
- the same figures computed by a pandas-only app (pitwall.baseline) in the same run, checked
  equal to the warehouse's, and the ratio;
- a server-side rerun of each page after a filter change (Streamlit's AppTest, in a child
  process) and that process's peak memory, and the most rows any chart was given.
- the budget planner: the model fit job's time and the planner's re-optimisation after a
  change (the median of warm runs), unless --no-model.
Figures are printed as a table and written as JSON. Nothing here asserts a target: the
README's performance section compares the figures with them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from pitwall import baseline, navigation, views, weeks
from pitwall.filters import Filters, preset_range
from pitwall.warehouse import READ_CONFIG, open_readonly

ROOT = Path(__file__).resolve().parent.parent
SEED = 0
# What each page asks the warehouse for on a run: its query set in pitwall/navigation.py,
# with the page's default controls (the weekly review takes the week).
PAGE_QUERIES: dict[str, Callable] = {
    p.path: (
        lambda con, f, monday, p=p: navigation.run_set(
            con, p.queries(f, monday) if p.path == "weekly" else p.queries(f)
        )
    )
    for p in navigation.PAGES
    if p.queries
}
# The figures a pandas-only app computes for the same page (None: no baseline).
BASELINE: dict[str, tuple[str, Callable, Callable] | None] = {
    "weekly": None,
    "spend_balance": ("spend-balance", views.spend_balance, baseline.spend_balance),
    "channel_roi": ("channel-roi", views.channel_roi, baseline.channel_roi),
    "funnel": ("funnel", views.funnel, baseline.funnel),
    "cohorts": ("retention", views.retention, baseline.retention),
    "leads": None,
    "loyalty": None,
}


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm: the first run reads the file into DuckDB's buffers
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def prepare(scale: float, folder: Path, progress: Callable[[str], None]) -> dict:
    """The scale's CSV files and warehouse, built once and reused; returns load timings."""
    folder.mkdir(parents=True, exist_ok=True)
    warehouse = folder / "warehouse.duckdb"
    timings_file = folder / "load.json"
    if warehouse.exists() and timings_file.exists():
        progress(f"Reusing {warehouse} (delete {folder} to measure the load again)")
        return json.loads(timings_file.read_text())
    files = folder / "files"
    if not (files / "orders.csv").exists():
        from pitwall.demo_build import write_files

        progress(f"Generating the demo business at scale {scale:g} (not timed)")
        write_files(files, scale=scale, seed=SEED, progress=progress)
    from pitwall.load import load_folder

    marks: dict[str, float] = {}
    start = time.perf_counter()

    def mark(message: str) -> None:
        marks.setdefault(message, time.perf_counter() - start)
        progress(message)

    report = load_folder(files, warehouse, progress=mark)
    total = time.perf_counter() - start
    build_start = marks.get("Building derived tables", total)
    timings = {
        "load_s": round(total, 2),
        "files_s": round(build_start, 2),
        "build_s": round(marks.get("Done", total) - build_start, 2),
        "rows": {r.table_name: int(r.rows) for r in report.tables.itertuples()},
        "csv_bytes": sum(p.stat().st_size for p in files.glob("*.csv")),
    }
    timings_file.write_text(json.dumps(timings, indent=2))
    return timings


def page_filters(con, channel: str) -> tuple[dict[str, Filters], dt.date]:
    """The pages' default filters (Last 13 weeks), the narrow one (a channel, 4 weeks) and
    all history (the period "All time": every day of the data, what costs most when a view
    reads per-entity tables; the pages compare it with the period before, so it is a range)."""
    first, last = views.data_span(con)
    default = Filters(*preset_range("Last 13 weeks", first, last))
    narrow = Filters(*preset_range("Last 4 weeks", first, last), channels=(channel,))
    every = Filters(*preset_range("All time", first, last))
    return {"default": default, "narrow": narrow, "all": every}, weeks.last_complete(last)


def busiest_channel(con) -> str:
    return con.execute(
        "SELECT channel FROM campaign_channels JOIN orders USING (campaign_id) "
        "GROUP BY channel ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]


def measure_queries(warehouse: Path, runs: int, progress, pandas: bool = True) -> list[dict]:
    con = open_readonly(warehouse)
    channel = busiest_channel(con)
    filters, monday = page_filters(con, channel)
    tables, pandas_load_s = None, None
    if pandas:
        progress("Reading the tables into pandas, as a pandas-only app does at start")
        start = time.perf_counter()
        tables = baseline.frames(con)
        pandas_load_s = time.perf_counter() - start
    rows = []
    for page, queries in PAGE_QUERIES.items():
        for name, f in filters.items():
            progress(f"Timing {page} ({name} filters)")
            row = {
                "page": page,
                "filters": name,
                "queries_ms": round(median_ms(lambda q=queries, f=f: q(con, f, monday), runs), 1),
            }
            pair = BASELINE[page] if pandas else None
            if pair:
                view, ours, theirs = pair
                row["view_ms"] = round(median_ms(lambda o=ours, f=f: o(con, f), runs), 1)
                row["pandas_ms"] = round(
                    median_ms(lambda t=theirs, f=f, tb=tables: t(tb, f), max(3, runs // 2)), 1
                )
                row["speedup"] = round(row["pandas_ms"] / max(row["view_ms"], 0.01), 1)
                diff = baseline.same(view, ours(con, f), theirs(tables, f))
                row["equal"] = diff is None
                if diff:
                    row["difference"] = diff
            rows.append(row)
    con.close()
    rows.append({"page": "(pandas start-up load)", "filters": "", "seconds": pandas_load_s})
    return rows


def measure_app(warehouse: Path, runs: int) -> dict:
    """Rerun timings and peak memory, measured in a child process that only runs the app."""
    out = subprocess.run(
        [sys.executable, "-m", "pitwall.bench_app", str(warehouse), str(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"the app benchmark failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "duckdb_config": READ_CONFIG,
    }


def measure_model(warehouse: Path, runs: int, progress, fit: bool = True) -> dict:
    """Fit the model (the job, timed) and time the planner: reading the stored fit, then a
    re-optimisation after a change of budget (what a page rerun does after a slider moves)."""
    from pitwall import mmm, plan_views

    if fit:
        progress("Fitting the marketing-mix model (the job)")
        started = time.perf_counter()
        mmm.fit(warehouse)
        fit_s = time.perf_counter() - started
    con = open_readonly(warehouse)
    try:
        info = mmm.require_fit(con)
        fit_s = fit_s if fit else float(info["fit_seconds"])
        read_ms = median_ms(lambda: plan_views.plan_data(con), runs)
        data = plan_views.plan_data(con)
    finally:
        con.close()
    first = plan_views.plan(data, plan_views.PlanRequest())
    budgets = [first.budget * (1 + 0.05 * (i + 1)) for i in range(runs)]
    times = []
    for b in budgets:
        started = time.perf_counter()
        plan_views.plan(data, plan_views.PlanRequest(budget=b))
        times.append((time.perf_counter() - started) * 1000)
    return {
        "fit_s": round(fit_s, 1),
        "weeks": int(info["weeks"]),
        "channels": int(info["channels"]),
        "read_fit_ms": round(read_ms, 1),
        "reoptimise_ms": round(statistics.median(times), 1),
    }


def run(
    scale: float,
    runs: int,
    folder: Path | None,
    progress,
    model: bool = True,
    pandas: bool = True,
) -> dict:
    folder = folder or ROOT / "data" / f"bench-{scale:g}"
    load = prepare(scale, folder, progress)
    warehouse = folder / "warehouse.duckdb"
    progress("Timing reruns in the app (AppTest, in a child process)")
    app = measure_app(warehouse, runs)  # first, while this process is still small
    queries = measure_queries(warehouse, runs, progress, pandas)
    planner = measure_model(warehouse, runs, progress) if model else None
    return {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "scale": scale,
        "machine": machine(),
        "load": load,
        "queries": queries,
        "app": app,
        "planner": planner,
        "bench_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def table(result: dict) -> str:
    load, app = result["load"], result["app"]
    lines = [
        f"Pitwall benchmark, scale {result['scale']:g}: "
        f"{load['rows'].get('orders', 0):,} orders, {load['rows'].get('leads', 0):,} leads, "
        f"{load['rows'].get('lead_stages', 0):,} stage events "
        f"({result['machine']['cpus']} cores, {result['machine']['memory_gb']} GB)",
        "",
        f"load from CSV files   {load['load_s']:8.1f} s  (files {load['files_s']:.1f} s, "
        f"derived tables {load['build_s']:.1f} s)",
        "",
        f"{'page':<15}{'filters':<9}{'queries':>10}{'view':>10}{'pandas':>11}{'ratio':>8}"
        f"{'equal':>7}{'rerun':>10}",
    ]
    for r in result["queries"]:
        if "queries_ms" not in r:
            continue
        rerun = app["reruns_ms"].get(r["page"]) if r["filters"] == "default" else None
        lines.append(
            f"{r['page']:<15}{r['filters']:<9}{r['queries_ms']:>8.1f}ms"
            + (
                f"{r['view_ms']:>8.1f}ms{r['pandas_ms']:>9.1f}ms{r['speedup']:>7.1f}×"
                f"{'yes' if r['equal'] else 'NO':>7}"
                if "view_ms" in r
                else f"{'–':>10}{'–':>11}{'–':>8}{'–':>7}"
            )
            + (f"{rerun:>8.1f}ms" if rerun is not None else "")
        )
    startup = next(r for r in result["queries"] if "seconds" in r)["seconds"]
    lines += [
        "",
        "pandas app start-up (tables into memory): "
        + (f"{startup:.1f} s" if startup is not None else "not measured (--no-pandas)"),
        f"app process peak memory: {app['peak_rss_mb']:,} MB; "
        f"most rows given to one chart: {app['max_chart_rows']:,}",
        "queries/view/pandas: median of warm runs; rerun: AppTest rerun after a filter change",
    ]
    if result.get("planner"):
        m = result["planner"]
        lines += [
            "",
            f"budget planner: model fit {m['fit_s']:.0f} s ({m['weeks']} weeks x "
            f"{m['channels']} channels); reading the stored fit {m['read_fit_ms']:.0f} ms; "
            f"re-optimising after a change {m['reoptimise_ms']:.0f} ms",
        ]
    return "\n".join(lines)


def main(
    scale: float,
    runs: int,
    json_file: Path | None,
    folder: Path | None,
    browser: bool = False,
    model: bool = True,
    pandas: bool = True,
) -> int:
    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if browser:
        from pitwall import bench_browser

        folder = folder or ROOT / "data" / f"bench-{scale:g}"
        prepare(scale, folder, progress)
        result = bench_browser.measure(folder / "warehouse.duckdb", runs, progress)
        print(f"Pitwall in Chromium, scale {scale:g} ({machine()['cpus']} cores)\n")
        print(bench_browser.table(result))
    else:
        result = run(scale, runs, folder, progress, model, pandas)
        print(table(result))
    if json_file:
        json_file.write_text(json.dumps(result, indent=2))
        print(f"\nJSON written to {json_file}")
    return 0
