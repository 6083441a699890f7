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

from pitwall import controls, formatting, meta, navigation
from pitwall.dimensions import DIMENSIONS, Dimension
from pitwall.filters import Filters, preset_range
from pitwall.metrics import METRICS
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
    return wh


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


def sidebar_filters() -> Filters:
    """The shared filters, bound to the URL so a copied link reproduces the view."""
    first, last = view("data_span")
    if first is None:
        first = last = dt.date.today()
    options = view("filter_options")
    sb = st.sidebar
    sb.header("Filters")
    preset = controls.choice(sb, "period", "Period")
    start, end = preset_range(preset, first, last)
    if preset == "Custom range":
        start, end = controls.dates(
            sb, "dates", "Dates", (start, end), first, last, format="YYYY-MM-DD"
        )
    sb.caption(f"{start:%d %b %Y} – {end:%d %b %Y}")
    f = Filters(start, end, **{d.param: _pick(sb, d, options.get(d.name, [])) for d in DIMENSIONS})
    _filters.set(f)
    return f


def _pick(container, d: Dimension, found: list):
    """The sidebar widget of a dimension (URL key: its name): several values, one of its
    fixed values, or one of the values in the data (none shown when the data has none)."""
    every = f"All {d.label.lower()}s"
    if d.multiple:
        return controls.multiselect(container, d.name, d.label, found, placeholder=every)
    if d.values:
        return controls.segmented(container, d.name, d.label, list(d.values), required=False)
    if not found:
        return None
    return controls.select(container, d.name, d.label, {None: every, **{v: v for v in found}})


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
    """Metric tiles; the delta is the change `against`, and when `average` names a second
    baseline, its change is written beside the delta."""
    cols = st.columns(columns or len(tiles))
    for i, t in enumerate(tiles):
        m = METRICS[t.metric]
        box = cols[i % len(cols)].container(border=True) if average else cols[i % len(cols)]
        box.metric(
            t.label or m.label,
            formatting.fmt(m.fmt, t.now),
            delta=formatting.change(m.fmt, t.now, t.before),
            delta_color="normal" if m.higher_is_better else "inverse",
            help=t.help or f"{m.description} Formula: {m.formula}. Change against {against}.",
            border=not average,
        )
        if average:
            box.caption(f"{formatting.change(m.fmt, t.now, t.average) or '–'} vs {average}")
        if t.goal:
            box.caption(f":material/flag: {t.goal}")


def table(
    df: pd.DataFrame,
    name: str,
    formats: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> None:
    """The table behind a chart, with its CSV download."""
    config = {}
    for col in df.columns:
        kind = (formats or {}).get(col) or (METRICS[col].fmt if col in METRICS else None)
        label = (labels or {}).get(col) or (
            METRICS[col].label if col in METRICS else col.replace("_", " ").capitalize()
        )
        if kind:
            config[col] = st.column_config.NumberColumn(
                label, format=formatting.COLUMN_FORMATS[kind]
            )
        else:
            config[col] = st.column_config.Column(label)
    st.dataframe(df, hide_index=True, column_config=config, width="stretch")
    st.download_button(
        f"Download {name}.csv",
        df.to_csv(index=False).encode(),
        file_name=f"pitwall-{name}.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def definitions(text: str) -> None:
    st.caption(f"{text} Full definitions: docs/metrics.md.")
