"""Streamlit glue shared by the router and the pages: the warehouse, cached views, the
shared filters, page headers, KPI tiles and tables. Pages stay thin by calling these."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import runpy
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from pitwall import chart_spec, charts, controls, formatting, meta, navigation
from pitwall.dimensions import DIMENSIONS, Dimension
from pitwall.filters import PAGE_DEFAULT, Filters, preset_range
from pitwall.metrics import METRICS
from pitwall.queries import memo
from pitwall.warehouse import Warehouse, clean_leftovers, default_path

_build_lock = threading.Lock()
_filters: contextvars.ContextVar[Filters] = contextvars.ContextVar("pitwall_filters")

LOAD_HINT = (
    "Load your own with `python -m pitwall load DIR` or on the **Data** page "
    "(one file per table, e.g. `orders.csv`)."
)


# --- the warehouse -------------------------------------------------------------------


@st.cache_resource
def warehouse() -> Warehouse:
    path = default_path()
    clean_leftovers(path)  # at start: temporary files of loads that died
    return Warehouse(path)


def ensure_warehouse() -> Warehouse:
    """At first start with no warehouse, build the demo one."""
    wh = warehouse()
    if not wh.exists():
        with _build_lock:
            if not wh.exists():
                from pitwall.demo_build import build_demo

                clean_leftovers(wh.path)
                with st.spinner("First start: building the demo warehouse (a few seconds)…"):
                    build_demo(wh.path)
                    _train_lead_model(wh.path)
    return wh


def _train_lead_model(path: Path) -> None:
    """The demo's lead scores, as `python -m pitwall demo` trains them (a few seconds)."""
    from pitwall import lead_model

    with contextlib.suppress(lead_model.CannotTrain):
        lead_model.run(path)


def identity() -> tuple:
    """Changes whenever a load swaps in a new warehouse: part of every cache key."""
    st_ = warehouse().path.stat()
    return (st_.st_ino, st_.st_mtime_ns)


# `ident` (the warehouse file's identity) must be part of the cache key: st.cache_data
# leaves arguments whose names start with "_" out of it.
@st.cache_data(ttl=600, max_entries=512, show_spinner=False)
def _cached(ident: tuple, name: str, args: tuple, kwargs: tuple):
    con = warehouse().cursor()
    try:
        return navigation.run(con, (name, args, dict(kwargs)))
    finally:
        con.close()


def view(name: str, *args, **kwargs):
    """Run a function of pitwall.views (or "weekly.<name>") on the current warehouse,
    cached per warehouse."""
    return _cached(identity(), name, args, tuple(sorted(kwargs.items())))


def queries(page: str, *args, **controls) -> dict:
    """The page's query set (navigation.PAGES), each result cached like `view`."""
    calls = navigation.BY_PATH[page].queries(*args, **controls)
    with memo():  # a query two views share is read once
        return {key: view(name, *a, **kw) for key, (name, a, kw) in calls.items()}


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def status(ident: tuple) -> dict:
    con = warehouse().cursor()
    try:
        return {
            "info": meta.info(con),
            "tables": meta.tables(con),
            "loaded": set(meta.loaded_tables(con)),
        }
    finally:
        con.close()


def current_status() -> dict:
    return status(identity())


# --- shared filters --------------------------------------------------------------------


FILTER_KEYS = ("period", "dates", "compare_to", *(d.name for d in DIMENSIONS))


def sidebar_filters(url_path: str = "") -> Filters:
    """The shared filters, bound to the URL so a copied link reproduces the view. A filter
    the page (navigation.PAGES) does not apply is shown greyed out, keeping its value."""
    page = navigation.by_url(url_path)
    first, last = view("data_span")
    if first is None:
        first = last = dt.date.today()
    options = view("filter_options")
    charts.use_channels(options.get("channel", []))
    sb = st.sidebar
    head, reset = sb.columns([3, 2], vertical_alignment="bottom")
    head.header("Filters")
    reset.button("Reset", on_click=_reset, help="Back to every filter's default", width="stretch")
    dated = "period" in page.filters
    preset = controls.choice(sb, "period", "Period", disabled=not dated)
    start, end = preset_range(page.period if preset == PAGE_DEFAULT else preset, first, last)
    if preset == "Custom range" and dated:
        start, end = controls.dates(
            sb, "dates", "Dates", (start, end), first, last, format="YYYY-MM-DD"
        )
    if not dated:
        sb.caption(_IGNORED.get(page.path, "This page does not use the period."))
    else:
        here = f"{page.period} (this page's default) · " if preset == PAGE_DEFAULT else ""
        sb.caption(f"{here}{start:%d %b %Y} – {end:%d %b %Y}")
    if page.compares:
        controls.choice(sb, "compare_to", "Compare with")
    picked = {}
    for d in DIMENSIONS:
        found = options.get(d.name, [])
        if d.name == "channel" and picked.get("kind"):  # only channels of the picked kind
            kinds = view("channel_kinds")
            found = [c for c in found if kinds.get(c) == picked["kind"]]
        picked[d.param] = _pick(sb, d, found, disabled="dimensions" not in page.filters)
    if "dimensions" not in page.filters:
        sb.caption("This page shows everything loaded: the filters do not apply.")
    f = Filters(start, end, **picked)
    _filters.set(f)
    return f


_IGNORED = {
    "weekly": "The weekly review picks its week above the tiles: the period does not apply there.",
    "data": "This page shows everything loaded.",
}


def _reset() -> None:
    """Every filter back to its default (the widgets then rewrite the URL)."""
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def comparison() -> str:
    """What this run's changes are measured against (the sidebar's "Compare with")."""
    return st.session_state.get("compare_to") or "previous"


AGAINST = {
    "previous": "the previous period of equal length",
    "year": "the same dates a year before",
}


def compared_tiles(tiles: Sequence[Tile], **kwargs) -> None:
    """KPI tiles whose changes are against the sidebar's comparison."""
    kpi_tiles(tiles, against=AGAINST[comparison()], **kwargs)


def _pick(container, d: Dimension, found: list, disabled: bool = False):
    """The sidebar widget of a dimension (URL key: its name): several values, one of its
    fixed values, or one of the values in the data (none shown when the data has none)."""
    every = f"All {d.label.lower()}s"
    if d.multiple:
        return controls.multiselect(
            container, d.name, d.label, found, placeholder=every, disabled=disabled
        )
    if d.values:
        return controls.segmented(
            container, d.name, d.label, list(d.values), required=False, disabled=disabled
        )
    if not found:
        return None
    return controls.select(
        container, d.name, d.label, {None: every, **{v: v for v in found}}, disabled=disabled
    )


def filters() -> Filters:
    """The filters the router set for this run."""
    return _filters.get()


# --- page furniture ------------------------------------------------------------------


ROUTER = Path(__file__).resolve().parent.parent / "app.py"


_routed: contextvars.ContextVar[bool] = contextvars.ContextVar("pitwall_routed", default=False)


@contextlib.contextmanager
def routing():
    """Marks the pages run by the router's st.navigation in this script run."""
    token = _routed.set(True)
    try:
        yield
    finally:
        _routed.reset(token)


def _through_router() -> None:
    """Run the router when Streamlit started a page script without it.

    With a `pages/` folder beside app.py, Streamlit may run a page file directly (its legacy
    folder-based navigation: a fresh session's first run, every AppTest run). Running the
    router instead lets st.navigation take over and run this page with the shared filters
    and the login check in place. Whether the router is running is known per script run,
    not from Streamlit's process-wide navigation mode, which another session can flip.
    """
    if not _routed.get():
        runpy.run_path(str(ROUTER), run_name="__main__")
        st.stop()


def page_header(title: str, needs: Sequence[str] = (), fills: str = "") -> bool:
    """Title, the demo notice, and what is missing. False when the page can't show."""
    _through_router()
    st.title(title)
    s = current_status()
    if s["info"].get("origin") == meta.DEMO:
        st.info(
            f"**You are looking at demo data** from a made-up supplier. {LOAD_HINT}",
            icon=":material/science:",
        )
    missing = [t for t in needs if t not in s["loaded"]]
    if missing:
        files = ", ".join(f"`{t}.csv`" for t in missing)
        st.warning(
            f"This page needs {files}, which {'is' if len(missing) == 1 else 'are'} not "
            f"loaded yet. {fills} {LOAD_HINT}",
            icon=":material/upload_file:",
        )
        return False
    return True


TONE_COLORS = {"good": "green", "bad": "red", "flat": "gray"}  # st.metric's delta colours


@dataclass
class Tile:
    metric: str
    now: object
    before: object = None
    label: str | None = None
    help: str | None = None
    average: object = None  # a second comparison, shown beside the first
    goal: str | None = None  # the month's target and landing projection, under the value


def kpi_tiles(
    tiles: Sequence[Tile],
    columns: int | None = None,
    against: str = "the previous period of equal length",
    average: str | None = None,
) -> None:
    """Metric tiles, row by row (so a phone, which stacks columns, keeps the reading order);
    the delta is the change `against`, coloured by the metric's direction, and when `average`
    names a second baseline, its change is written beside the delta."""
    per_row = columns or len(tiles)
    for first in range(0, len(tiles), per_row):
        cols = st.columns(per_row)
        for col, t in zip(cols, tiles[first : first + per_row], strict=False):
            m = METRICS[t.metric]
            box = col.container(border=True) if average else col
            box.metric(
                t.label or m.label,
                formatting.fmt(m.fmt, t.now),
                delta=formatting.change(m.fmt, t.now, t.before),
                delta_color=TONE_COLORS[m.tone(t.now, t.before)],
                help=t.help or f"{m.description} Formula: {m.formula}. Change against {against}.",
                border=not average,
            )
            if average:
                shift = formatting.change(m.fmt, t.now, t.average)
                colour = TONE_COLORS[m.tone(t.now, t.average)]
                box.caption(f":{colour}[{shift}] vs {average}" if shift else f"– vs {average}")
            if t.goal:
                box.caption(f":material/flag: {t.goal}")


def table(
    df: pd.DataFrame,
    name: str,
    formats: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> None:
    """The table behind a chart, with its CSV download. Every cell reads as the tiles do
    (formatting.CELL_FORMATS: €, one-decimal percentages, "Sep 2026", "–" for empty); the
    CSV keeps the raw values."""
    cells, config = {}, {}
    for col in df.columns:
        kind = (formats or {}).get(col) or formatting.column_kind(col, df[col], METRICS)
        cells[col] = formatting.CELL_FORMATS[kind]
        label = (labels or {}).get(col) or (
            METRICS[col].label if col in METRICS else col.replace("_", " ").capitalize()
        )
        config[col] = st.column_config.Column(label)
    shown = df.reset_index(drop=True).style.format(cells, na_rep="–")
    # placeholder: Streamlit draws an empty cell as "None" whatever the Styler says
    st.dataframe(
        shown, hide_index=True, column_config=config, width="stretch", placeholder="–"
    )
    st.download_button(
        f"Download {name}.csv",
        df.to_csv(index=False).encode(),
        file_name=f"pitwall-{name}.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def chart(c, where=None) -> None:
    """Draw an Altair chart across its container (`where`: a column; the page by default)."""
    (where or st).vega_lite_chart(chart_spec.spec(c), width="stretch")


def definitions(text: str) -> None:
    st.caption(f"{text} Full definitions: docs/metrics.md.")
