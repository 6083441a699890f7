"""The `python -m pitwall` command line: demo, load, export, report, alerts, send, bench,
model fit, model leads, plan."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pitwall.attribution import DEFAULT_LOOKBACK, DEFAULT_MODEL, MAX_LOOKBACK, MODELS
from pitwall.dimensions import DIMENSIONS
from pitwall.filters import FilterError, Filters, parse_date
from pitwall.landing import DEFAULT_METHOD, METHODS
from pitwall.plan_views import VIEW_COLUMNS as MODEL_VIEWS
from pitwall.problems import LoadError
from pitwall.views import EXPORTS, MODES
from pitwall.warehouse import default_path


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except (LoadError, FilterError, FileNotFoundError, ValueError, BuildFailed) as exc:
        _report_error(exc)
        # bad input (a refused file, a flag or filter value) exits 2; a failure exits 1
        return 2 if isinstance(exc, LoadError | InputError | FilterError) else 1
    except KeyboardInterrupt:
        print("interrupted; the warehouse is unchanged", file=sys.stderr)
        return 130


class InputError(ValueError):
    """Input the command cannot use (exit code 2)."""


class BuildFailed(RuntimeError):
    """An engine that cannot run or failed (exit code 1)."""


def _report_error(exc: Exception) -> None:
    if isinstance(exc, LoadError):
        print(
            f"Load refused, nothing was changed ({len(exc.problems)} problem(s)):", file=sys.stderr
        )
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
    else:
        print(f"error: {exc}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pitwall", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def warehouse_arg(sp):
        sp.add_argument(
            "--warehouse",
            type=Path,
            default=None,
            help="warehouse file (default: $PITWALL_WAREHOUSE or data/warehouse.duckdb)",
        )

    d = sub.add_parser("demo", help="build the demo warehouse")
    warehouse_arg(d)
    d.add_argument("--scale", type=float, default=1, help="multiply customers, leads, orders")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--end", default=None, help="data ends with the last full month before this")
    d.set_defaults(func=cmd_demo)

    ld = sub.add_parser(
        "load", help="load a folder of table files and exports (Shopify, Google Ads, Meta, HubSpot)"
    )
    ld.add_argument("folder", type=Path)
    warehouse_arg(ld)
    ld.add_argument(
        "--mapping",
        type=Path,
        help="pitwall.toml describing files in other shapes (default: FOLDER/pitwall.toml)",
    )
    ld.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would load, from which file and how, and every problem; change nothing",
    )
    ld.set_defaults(func=cmd_load)

    def filter_args(sp):
        for d in DIMENSIONS:
            sp.add_argument(
                d.flag,
                dest=d.param,
                action="append" if d.multiple else "store",
                default=[] if d.multiple else None,
                choices=d.values,
                help=f"{d.description}{' (repeatable)' if d.multiple else ''}",
            )

    e = sub.add_parser("export", help="print the data behind a view")
    e.add_argument("view", choices=sorted(set(EXPORTS) | set(MODEL_VIEWS)))
    warehouse_arg(e)
    e.add_argument("--start", help="first day, ISO date (inclusive)")
    e.add_argument("--end", help="last day, ISO date (inclusive)")
    filter_args(e)
    e.add_argument("--window-days", type=float, help="funnel conversion window")
    e.add_argument("--mode", choices=MODES, default="bounded", help="retention mode")
    e.add_argument(
        "--attribution",
        choices=list(MODELS),
        default=DEFAULT_MODEL,
        help="channel-roi: how an order's revenue is shared over its touches (default: last)",
    )
    e.add_argument(
        "--lookback-days",
        type=int,
        default=DEFAULT_LOOKBACK,
        help=f"channel-roi: days of touchpoints before an order that count "
        f"(0 to {MAX_LOOKBACK}; default {DEFAULT_LOOKBACK})",
    )
    period = e.add_mutually_exclusive_group()
    period.add_argument("--month", help="targets: the month to land, YYYY-MM")
    period.add_argument("--quarter", help="targets: the quarter to land, YYYY-Qn")
    e.add_argument(
        "--as-of", help="targets: the last day counted, ISO date (default: the data's last day)"
    )
    e.add_argument(
        "--method", choices=METHODS, default=DEFAULT_METHOD, help="targets: the forecast"
    )
    e.add_argument(
        "--open", dest="open_only", action="store_true",
        help="lead-scores: only open leads (neither won nor lost)",
    )
    e.add_argument("--format", choices=("csv", "json"), default="csv")
    e.set_defaults(func=cmd_export)

    r = sub.add_parser("report", help="write the weekly review as PDF or HTML")
    r.add_argument("--week", help="ISO week like 2025-W16 (default: the last complete week)")
    r.add_argument("--out", type=Path, required=True, help="FILE.pdf or FILE.html")
    warehouse_arg(r)
    filter_args(r)
    r.add_argument("--base-url", help="the dashboard's address, to link each highlight to it")
    r.set_defaults(func=cmd_report)

    a = sub.add_parser("alerts", help="print the alerts that fire for a week")
    a.add_argument("--week", help="ISO week like 2025-W06 (default: the last complete week)")
    a.add_argument("--rules", type=Path, help="a TOML file of [[rule]] tables (default: built in)")
    warehouse_arg(a)
    filter_args(a)
    a.add_argument("--format", choices=("csv", "json"), default="csv")
    a.set_defaults(func=cmd_alerts)

    s = sub.add_parser("send", help="mail the weekly review and post it to webhooks")
    s.add_argument("--week", help="ISO week like 2025-W06 (default: the last complete week)")
    s.add_argument("--to", nargs="+", default=[], metavar="ADDRESS", help="mail recipients")
    s.add_argument(
        "--webhook", action="append", default=[], metavar="URL", help="post to (repeatable)"
    )
    s.add_argument("--base-url", help="the dashboard's address, for links")
    s.add_argument("--force", action="store_true", help="send again what was sent before")
    s.add_argument("--retries", type=int, default=3, help="attempts per recipient (default 3)")
    warehouse_arg(s)
    filter_args(s)
    s.set_defaults(func=cmd_send)

    m = sub.add_parser("model", help="fit the marketing-mix model (a job; stores its results)")
    msub = m.add_subparsers(dest="model_command", required=True)
    mf = msub.add_parser("fit", help="fit the model on the warehouse's weekly data")
    mf.add_argument("--outcome", choices=("revenue", "new_customers", "leads"), default="revenue")
    mf.add_argument("--seed", type=int, default=0)
    mf.add_argument(
        "--draws", type=int, default=500,
        help="posterior draws per chain, after as many tuning steps (default 500; fewer is "
        "quicker and rougher)",
    )
    warehouse_arg(mf)
    mf.set_defaults(func=cmd_model_fit)
    ml = msub.add_parser(
        "leads", help="train the lead-scoring model on closed leads and score the open ones"
    )
    ml.add_argument("--seed", type=int, default=0)
    warehouse_arg(ml)
    ml.set_defaults(func=cmd_model_leads)

    pl = sub.add_parser("plan", help="the budget split that maximises the modelled outcome")
    pl.add_argument("--budget", type=float, help="EUR for the N weeks (default: their last spend)")
    pl.add_argument("--weeks", type=int, default=13, help="weeks the budget covers (1 to 52)")
    pl.add_argument("--min-online-share", type=float, help="default: the online-share target")
    pl.add_argument("--max-online-share", type=float)
    pl.add_argument("--bounds", type=Path, help="CSV: channel, min, max (EUR for the N weeks)")
    pl.add_argument("--format", choices=("csv", "json"), default="csv")
    warehouse_arg(pl)
    pl.set_defaults(func=cmd_plan)

    bs = sub.add_parser(
        "build", help="check and build a folder of table files on another engine (Spark)"
    )
    bs.add_argument("--engine", choices=("spark",), required=True)
    bs.add_argument("--source", required=True, help="folder or object-store URI of the tables")
    bs.add_argument("--master", default="local[2]", help="Spark master (default: local[2])")
    warehouse_arg(bs)
    bs.set_defaults(func=cmd_build)

    b = sub.add_parser("bench", help="measure load and page speed at scale, against pandas")
    b.add_argument("--scale", type=float, default=100, help="100 is about 10M orders")
    b.add_argument("--runs", type=int, default=5, help="warm runs per median (at least 5)")
    b.add_argument("--json", type=Path, help="also write the figures to this file")
    b.add_argument("--dir", type=Path, help="files and warehouse (default: data/bench-SCALE)")
    b.add_argument(
        "--browser",
        action="store_true",
        help="only time pages as felt in Chromium: opening each page, changing a filter",
    )
    b.add_argument(
        "--model",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also fit the marketing-mix model and time the planner (default: yes)",
    )
    b.add_argument(
        "--pandas",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the pandas baseline, which holds every table in memory "
        "(default: yes; --no-pandas above scale 100, where they do not fit)",
    )
    b.set_defaults(func=cmd_bench)
    return p


def _warehouse(args) -> Path:
    return args.warehouse or default_path()


def cmd_demo(args) -> int:
    from pitwall.demo_build import build_demo

    started = time.perf_counter()
    result = build_demo(
        _warehouse(args),
        scale=args.scale,
        seed=args.seed,
        end=parse_date(args.end, "--end"),
        progress=_print_progress,
    )
    print(f"Demo warehouse written to {result.warehouse} in {time.perf_counter() - started:.1f} s")
    _print_tables(result.tables)
    from pitwall import lead_model

    # a few seconds: the Leads page then shows the model's call list from the first start
    _print_progress("Training the lead-scoring model (python -m pitwall model leads)")
    try:
        print(_lead_model_line(lead_model.run(result.warehouse, seed=args.seed)))
    except lead_model.CannotTrain as exc:
        print(f"note: no lead-scoring model: {exc}")
    return 0


def cmd_load(args) -> int:
    from pitwall.load import load_folder

    started = time.perf_counter()
    try:
        report = load_folder(
            args.folder,
            _warehouse(args),
            progress=_print_progress,
            mapping=args.mapping,
            dry_run=args.dry_run,
        )
    except LoadError as exc:
        if args.dry_run:
            print(
                f"Dry run: the load would be refused ({len(exc.problems)} problem(s)); "
                "nothing was changed:",
                file=sys.stderr,
            )
            for p in exc.problems:
                print(f"  {p}", file=sys.stderr)
            return 2
        raise
    if report.dry_run:
        print(f"Dry run: nothing was changed. This would load into {report.warehouse}:")
        width = max((len(f) for f, _, _ in report.listing), default=4)
        for file, how, gives in report.listing:
            print(f"  {file:<{width}}  {how}: {gives}")
    listed = {f"{file}: {how} → {gives}" for file, how, gives in report.listing}
    for note in report.notes:
        if not (report.dry_run and note in listed):
            print(f"note: {note}")
    if not report.dry_run:
        print(f"Loaded into {report.warehouse} in {time.perf_counter() - started:.1f} s")
    _print_tables(report.tables)
    return 0


def cmd_build(args) -> int:
    from pitwall import spark_build

    started = time.perf_counter()
    try:
        report = spark_build.run(
            args.source, _warehouse(args), master=args.master, progress=_print_progress
        )
    except spark_build.SourceError as exc:
        raise InputError(str(exc)) from None
    except spark_build.EngineError as exc:
        raise BuildFailed(str(exc)) from None
    except Exception as exc:  # Spark's own failures: one line, not a JVM stack trace
        if type(exc).__module__.split(".")[0] not in ("pyspark", "py4j"):
            raise
        line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BuildFailed(f"Spark failed: {line[:300]}") from None
    for note in report.notes:
        print(f"note: {note}")
    print(f"Built on Spark into {report.warehouse} in {time.perf_counter() - started:.1f} s")
    _print_tables(report.tables)
    return 0


def _open(args):
    from pitwall.warehouse import open_readonly

    path = _warehouse(args)
    if not path.exists():
        raise FileNotFoundError(
            f"no warehouse at {path}: run `python -m pitwall demo` or "
            "`python -m pitwall load DIR` first"
        )
    return open_readonly(path)


def _filters(args, start=None, end=None) -> Filters:
    return Filters(start, end, **{d.param: getattr(args, d.param) for d in DIMENSIONS})


def cmd_export(args) -> int:
    from pitwall import views

    if args.view in MODEL_VIEWS:
        return _export_model_view(args)
    f = _filters(args, parse_date(args.start, "--start"), parse_date(args.end, "--end"))
    con = _open(args)
    out = views.export(
        con,
        args.view,
        f,
        model=args.attribution,
        lookback_days=args.lookback_days,
        window_days=args.window_days,
        mode=args.mode,
        month=args.month,
        quarter=args.quarter,
        as_of=parse_date(args.as_of, "--as-of"),
        method=args.method,
        open_only=args.open_only,
    )
    _write(out, args.format)
    return 0


def _write(frame, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=2, double_precision=10) + "\n")
    else:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")


def _export_model_view(args) -> int:
    from pitwall import plan_views

    con = _open(args)
    frame = {
        "mmm-channels": plan_views.mmm_channels,
        "response-curves": plan_views.response_curves,
    }[args.view](con)
    _write(plan_views.export_frame(args.view, frame), args.format)
    return 0


def cmd_model_fit(args) -> int:
    from pitwall import mmm

    path = _warehouse(args)
    _open(args).close()  # a clear error when there is no warehouse
    last = [-1]

    def progress(fraction: float, message: str) -> None:
        if int(fraction * 100) != last[0]:
            last[0] = int(fraction * 100)
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    if not mmm.MIN_DRAWS <= args.draws <= mmm.MAX_DRAWS:
        raise InputError(
            f"--draws must be between {mmm.MIN_DRAWS} and {mmm.MAX_DRAWS}, not {args.draws}"
        )
    try:
        row = mmm.fit(
            path, outcome=args.outcome, seed=args.seed, progress=progress,
            draws=args.draws, tune=args.draws,
        )
    except mmm.NoFit:
        raise
    except ValueError as exc:  # data the model cannot use
        raise InputError(str(exc)) from exc
    print(
        f"Model fitted on {row['weeks']} weeks x {row['channels']} channels ({row['outcome']}) "
        f"in {row['fit_seconds']:.0f} s: r-hat max {row['r_hat_max']:.3f}, "
        f"{row['divergences']} divergences, R2 {row['r2']:.2f}, MAPE {row['mape']:.1%}, "
        f"holdout MAPE {row['holdout_mape']:.1%} (last {row['holdout_weeks']} weeks)"
    )
    return 0


def cmd_model_leads(args) -> int:
    from pitwall import lead_model

    path = _warehouse(args)
    _open(args).close()  # a clear error when there is no warehouse
    print("Training the lead-scoring model on the closed leads", file=sys.stderr, flush=True)
    try:
        fit = lead_model.run(path, seed=args.seed)
    except lead_model.CannotTrain as exc:  # leads the model cannot learn from
        raise InputError(str(exc)) from exc
    print(_lead_model_line(fit))
    return 0


def _lead_model_line(fit: dict) -> str:
    auc = "–" if fit["auc"] is None else f"{fit['auc']:.3f}"
    lift = "–" if fit["top_decile_lift"] is None else f"{fit['top_decile_lift']:.1f}x"
    left_out = f"; left out: {fit['left_out']}" if fit["left_out"] else ""
    return (
        f"Lead-scoring model trained on {fit['closed_leads']:,} closed leads in "
        f"{fit['train_seconds']:.1f} s: validation on the latest {fit['validation_leads']:,} "
        f"(from {fit['validation_from']}) AUC {auc}, Brier {fit['brier']:.3f}, top-decile "
        f"lift {lift}; {fit['open_leads']:,} open leads scored{left_out}"
    )


def cmd_plan(args) -> int:
    from pitwall import plan_views, planner

    con = _open(args)
    try:
        data = plan_views.plan_data(con)
        bounds = plan_views.read_bounds(args.bounds) if args.bounds else {}
        result = plan_views.plan(
            data,
            plan_views.PlanRequest(
                budget=args.budget,
                weeks=args.weeks,
                share_min=args.min_online_share,
                share_max=args.max_online_share,
                bounds=bounds,
            ),
        )
    except planner.PlanError as exc:
        raise InputError(str(exc)) from exc
    _write(plan_views.export_frame("plan", result.table), args.format)
    return 0


def cmd_report(args) -> int:
    from pitwall import report, weekly, weeks

    f = _filters(args)
    if args.out.suffix.lower() not in report.FORMATS:
        raise InputError(f"--out must end in .pdf or .html, not {args.out.name!r}")
    con = _open(args)
    monday = weeks.parse(args.week) if args.week else weekly.default_week(con)
    if monday is None:
        raise ValueError("the warehouse holds no dated rows yet: load data first")
    started = time.perf_counter()
    out = report.write(con, monday, args.out, f, args.base_url)
    took = time.perf_counter() - started
    print(f"Weekly review {weeks.name(monday)} written to {out} in {took:.1f} s")
    return 0


def _week(args, con):
    from pitwall import weekly, weeks

    monday = weeks.parse(args.week) if args.week else weekly.default_week(con)
    if monday is None:
        raise ValueError("the warehouse holds no dated rows yet: load data first")
    return monday


def cmd_alerts(args) -> int:
    from pitwall import alerts

    rules = alerts.load(args.rules)  # a bad rules file is bad input, before any query
    con = _open(args)
    out = alerts.find(con, _week(args, con), _filters(args), rules)
    _write(out[list(alerts.COLUMNS)], args.format)
    return 0  # alerts are data, not errors


def cmd_send(args) -> int:
    from pitwall import send, weeks

    if not args.to and not args.webhook:
        raise InputError("nothing to send to: give --to ADDRESS... and/or --webhook URL")
    if args.retries < 1:
        raise InputError("--retries must be 1 or more")
    con = _open(args)
    monday = _week(args, con)
    try:
        out = send.send(
            con,
            _warehouse(args),
            monday,
            args.to,
            args.webhook,
            _filters(args),
            args.base_url,
            force=args.force,
            retries=args.retries,
            progress=_print_progress,
        )
    except send.SendError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    name = weeks.name(monday)
    for who in out.skipped:
        print(f"{who}: the review of {name} was sent before (--force sends it again)")
    for who in out.sent:
        print(f"{who}: sent the review of {name}")
    for line in out.failed:
        print(f"error: {line}", file=sys.stderr)
    return 1 if out.failed else 0


def _write(out, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(out.to_json(orient="records", indent=2, double_precision=10) + "\n")
    else:
        out.to_csv(sys.stdout, index=False, lineterminator="\n")


def cmd_bench(args) -> int:
    from pitwall import bench

    if args.runs < 5:
        raise InputError("--runs must be 5 or more: a median of fewer warm runs is noise")
    return bench.main(
        args.scale,
        args.runs,
        args.json,
        args.dir,
        browser=args.browser,
        model=args.model,
        pandas=args.pandas,
    )


def _print_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print_tables(tables) -> None:
    print(f"{'table':<14}{'rows':>12}  span")
    for r in tables.itertuples():
        span = (
            ""
            if r.first is None or str(r.first) == "NaT"
            else f"{r.first:%Y-%m-%d} .. {r.last:%Y-%m-%d}"
        )
        print(f"{r.table_name:<14}{r.rows:>12,}  {span}")
