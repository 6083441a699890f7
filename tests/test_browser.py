"""Browser tests: a real Streamlit server over a copy of the golden warehouse, driven by Chromium.

These check what only a browser sees: every page renders without an exception, the shared
filters live in the URL (a copied link reproduces the view, navigation keeps the filter), and
hostile query parameters neither raise nor inject script nor touch the warehouse.

Chromium comes from the system (Debian's /usr/bin/chromium, or $PITWALL_CHROMIUM). When it is
missing the tests FAIL: they are never skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("PITWALL_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 60.0
RENDER_TIMEOUT = 45.0
VIEWPORT = {"width": 1400, "height": 1000}

# (URL path, page title, shows KPI tiles and charts)
PAGES = [
    ("/", "Spend balance", True),
    ("/channel_roi", "Channel ROI", True),
    ("/funnel", "Funnel", True),
    ("/cohorts", "Cohorts", True),
    ("/data", "Data", False),
]
TITLES = {path: title for path, title, _ in PAGES}
CHANNEL = "social"  # a channel of the golden business (tests/golden/channels.csv)


# --- the server --------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    warehouse: Path
    warehouse_sha256: str
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"Streamlit exited with code {proc.returncode} before answering "
                f"{url}/_stcore/health. Log:\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except (urllib.error.URLError, OSError) as exc:
            last = repr(exc)
        time.sleep(0.25)
    pytest.fail(
        f"Streamlit did not answer {url}/_stcore/health within {SERVER_START_TIMEOUT:.0f} s "
        f"(last: {last}). Log:\n{log.read_text(errors='replace')[-3000:]}"
    )


@pytest.fixture(scope="module")
def server(golden_warehouse, tmp_path_factory) -> Iterator[Server]:
    """`streamlit run app.py` on a free port over a private copy of the golden warehouse."""
    folder = tmp_path_factory.mktemp("browser-server")
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(golden_warehouse, warehouse)
    log = folder / "streamlit.log"
    port = _free_port()
    env = {**os.environ, "PITWALL_WAREHOUSE": str(warehouse)}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(url, proc, log)
        yield Server(url, warehouse, _sha256(warehouse), log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (Debian: apt-get install chromium) "
            "or point PITWALL_CHROMIUM at the binary. The browser tests never skip."
        )
    with sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # a clear failure beats a bare Playwright trace
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}")
        try:
            yield b
        finally:
            b.close()


@dataclass
class Tab:
    """A page in its own browser context, with the JavaScript dialogs it raised."""

    context: BrowserContext
    page: Page
    own_context: bool
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def shared_context(browser) -> Iterator[BrowserContext]:
    """One context for the tests that need no isolation (keeps the app's JS cached)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(RENDER_TIMEOUT * 1000)
    yield context
    with contextlib.suppress(Exception):
        context.close()


def _new_tab(context: BrowserContext, own_context: bool) -> Tab:
    page = context.new_page()
    tab = Tab(context, page, own_context)

    def on_dialog(dialog) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        with contextlib.suppress(Exception):
            dialog.dismiss()

    page.on("dialog", on_dialog)
    return tab


def _close(tab: Tab) -> None:
    with contextlib.suppress(Exception):
        (tab.context if tab.own_context else tab.page).close()


@pytest.fixture
def open_tab(browser, shared_context) -> Iterator:
    """Factory of pages: in the shared context, or with fresh=True in a new one (no
    cookies, storage or session in common). All closed at teardown."""
    tabs: list[Tab] = []

    def new(fresh: bool = False) -> Tab:
        if fresh:
            context = browser.new_context(viewport=VIEWPORT)
            context.set_default_timeout(RENDER_TIMEOUT * 1000)
        else:
            context = shared_context
        tabs.append(_new_tab(context, own_context=fresh))
        return tabs[-1]

    yield new
    for tab in tabs:
        _close(tab)


# --- rendering helpers -------------------------------------------------------------------

_SNAPSHOT_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const all = (s) => [...document.querySelectorAll(s)];
  const text = (e, s) => (e.querySelector(s)?.innerText ?? '').trim();
  const charts = all('[data-testid="stVegaLiteChart"]');
  return {
    state: app ? app.dataset.testScriptState : null,
    connection: app ? app.dataset.testConnectionState : null,
    statusWidget: all('[data-testid="stStatusWidget"]').length,
    stale: all('[data-stale="true"]').length,
    nodes: document.getElementsByTagName('*').length,
    titles: all('[data-testid="stMain"] h1').map((e) => e.innerText.trim()),
    ends: all('[data-testid="stMain"] [data-testid="stCaptionContainer"], '
              + '[data-testid="stMain"] [data-testid="stExpander"] summary')
      .map((e) => e.innerText.trim()),
    metrics: all('[data-testid="stMetric"]').map(
      (m) => [text(m, '[data-testid="stMetricLabel"]'), text(m, '[data-testid="stMetricValue"]')]
    ),
    exceptions: all('[data-testid="stException"]').map((e) => e.innerText.slice(0, 2000)),
    charts: charts.length,
    drawnCharts: charts.filter((c) => c.querySelector('svg, canvas')).length,
  };
}"""
# The last element each page draws: the metric definitions caption, or on Data the
# import-contract expander. Seeing it means the whole run's output has reached the DOM.
END_MARKERS = {path: "Full definitions: docs/metrics.md." for path in TITLES}
END_MARKERS["/data"] = "The import contract"


@dataclass
class Rendered:
    url: str
    seconds: float
    titles: list[str]
    metrics: list[tuple[str, str]]
    exceptions: list[str]
    charts: int
    drawn_charts: int


def _ready(snap: dict, path: str, kpis: bool) -> bool:
    if snap["connection"] != "CONNECTED" or snap["state"] != "notRunning":
        return False
    if snap["statusWidget"] or snap["stale"]:
        return False
    if snap["exceptions"]:
        return True  # the run ended in an error: let the test report it
    if TITLES[path] not in snap["titles"]:
        return False
    if not any(END_MARKERS[path] in e for e in snap["ends"]):
        return False
    if kpis and not (snap["metrics"] and all(v for _, v in snap["metrics"])):
        return False
    # Chart components load lazily (a fresh browser shows skeletons first): wait for them.
    return not kpis or 0 < snap["charts"] == snap["drawnCharts"]


def wait_rendered(
    page: Page,
    path: str,
    kpis: bool = True,
    since: float | None = None,
    shot: Path | None = None,
) -> Rendered:
    """Wait until the page at `path` has finished rendering, and read it.

    Streamlit 1.67 marks its root `[data-testid=stApp]` with data-test-script-state
    (initial / running / notRunning) and data-test-connection-state; elements of a previous
    run carry data-stale="true" while a rerun is under way, and the status widget shows
    while a script runs. The script state can read notRunning before the run's elements
    are drawn (and a fresh session may run the script twice), so the page counts as
    rendered when, for several polls in a row, all of that is quiet, the DOM size is
    stable, the title and the page's last element are shown, and (with `kpis`) the KPI
    tiles and every chart's SVG/canvas are there.
    """
    start = time.monotonic() if since is None else since
    deadline = start + RENDER_TIMEOUT
    quiet, nodes = 0, -1
    snap: dict = {}
    while time.monotonic() < deadline:
        snap = page.evaluate(_SNAPSHOT_JS)
        stable = snap["nodes"] == nodes
        nodes = snap["nodes"]
        quiet = quiet + 1 if stable and _ready(snap, path, kpis) else 0
        if quiet >= 3:
            break
        page.wait_for_timeout(100)
    else:
        if shot:
            with contextlib.suppress(Exception):
                page.screenshot(path=shot, full_page=True)
        pytest.fail(
            f"{page.url} did not finish rendering {TITLES[path]!r} within "
            f"{RENDER_TIMEOUT:.0f} s; last DOM state: "
            f"{ {k: v for k, v in snap.items() if k != 'exceptions'} }"
            f"{f'; screenshot: {shot}' if shot else ''}"
        )
    return Rendered(
        url=page.url,
        seconds=time.monotonic() - start,
        titles=snap["titles"],
        metrics=[tuple(m) for m in snap["metrics"]],
        exceptions=snap["exceptions"],
        charts=snap["charts"],
        drawn_charts=snap["drawnCharts"],
    )


def open_page(
    tab: Tab, server: Server, path: str, query: str = "", kpis: bool = True, shot=None
) -> Rendered:
    start = time.monotonic()
    tab.page.goto(f"{server.url}{path}{query}", wait_until="domcontentloaded")
    return wait_rendered(tab.page, path, kpis=kpis, since=start, shot=shot)


def report(what: str, r: Rendered) -> None:
    print(f"[browser] {what}: rendered in {r.seconds:.2f} s ({r.url})", flush=True)


def shot_on_failure(page: Page, path: Path) -> Path:
    with contextlib.suppress(Exception):
        page.screenshot(path=path, full_page=True)
    return path


def query_channels(url: str) -> list[str]:
    return parse_qs(urlsplit(url).query).get("channel", [])


_WATCH_RUNS_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__pitwallRuns = 0;
  new MutationObserver(() => {
    if (app.dataset.testScriptState === 'running') window.__pitwallRuns += 1;
  }).observe(app, { attributes: true, attributeFilter: ['data-test-script-state'] });
}"""


def select_channel(page: Page, channel: str, shot: Path) -> Rendered:
    """Pick `channel` in the sidebar multiselect (click, choose, close) and wait the rerun."""
    page.evaluate(_WATCH_RUNS_JS)  # so the old view is not mistaken for the new one
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').click()
    page.get_by_role("option", name=channel, exact=True).click()
    page.keyboard.press("Escape")
    try:
        page.wait_for_function("() => window.__pitwallRuns > 0", timeout=RENDER_TIMEOUT * 1000)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"choosing {channel!r} in the Channel multiselect on {page.url} started no rerun "
            f"within {RENDER_TIMEOUT:.0f} s (screenshot: {shot_on_failure(page, shot)})"
        )
    deadline = time.monotonic() + RENDER_TIMEOUT
    while channel not in query_channels(page.url) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return wait_rendered(page, "/", kpis=True, shot=shot)


def assert_clean(r: Rendered, shot: Path, page: Page) -> None:
    if r.exceptions:
        shot_on_failure(page, shot)
    assert not r.exceptions, (
        f"{r.url} shows {len(r.exceptions)} Streamlit exception(s) (screenshot: {shot}):\n"
        + "\n---\n".join(r.exceptions)
    )


# --- 1. every page renders ---------------------------------------------------------------


@pytest.fixture(scope="module")
def unfiltered() -> dict[str, list[tuple[str, str]]]:
    """KPIs of each page without filters, as test_page_renders saw them (filled lazily)."""
    return {}


@pytest.mark.parametrize(("path", "title", "analysis"), PAGES, ids=[p for p, _, _ in PAGES])
def test_page_renders(server, open_tab, unfiltered, tmp_path, path, title, analysis):
    tab = open_tab()
    shot = tmp_path / f"page{path.replace('/', '_')}.png"
    r = open_page(tab, server, path, kpis=analysis, shot=shot)
    report(f"page {path}", r)
    assert_clean(r, shot, tab.page)
    assert title in r.titles, f"{r.url}: expected title {title!r}, got {r.titles}"
    if analysis:
        assert r.metrics, f"{r.url}: no KPI tiles (screenshot: {shot_on_failure(tab.page, shot)})"
        unfiltered[path] = r.metrics
        assert r.charts >= 1, f"{r.url}: no chart (screenshot: {shot_on_failure(tab.page, shot)})"
        assert r.drawn_charts == r.charts, (
            f"{r.url}: only {r.drawn_charts} of {r.charts} charts drew an SVG/canvas "
            f"(screenshot: {shot_on_failure(tab.page, shot)})"
        )
    assert not tab.dialogs, f"{r.url} raised JavaScript dialogs: {tab.dialogs}"


def unfiltered_kpis(unfiltered: dict, server: Server, tab: Tab, path: str, shot: Path):
    if path not in unfiltered:  # test_page_renders did not run (e.g. -k)
        r = open_page(tab, server, path, shot=shot)
        assert_clean(r, shot, tab.page)
        unfiltered[path] = r.metrics
    return unfiltered[path]


# --- 2-4. the filter lives in the URL ----------------------------------------------------


@dataclass
class FilteredView:
    """Spend balance after choosing CHANNEL in the sidebar, as first seen."""

    tab: Tab
    url: str
    before: list[tuple[str, str]]
    after: Rendered
    shot: Path


@pytest.fixture(scope="module")
def filtered_view(server, browser, tmp_path_factory) -> Iterator[FilteredView]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(RENDER_TIMEOUT * 1000)
    tab = _new_tab(context, own_context=True)
    shot = tmp_path_factory.mktemp("browser-filter") / "filtered.png"
    try:
        before = open_page(tab, server, "/", shot=shot)
        assert_clean(before, shot, tab.page)
        after = select_channel(tab.page, CHANNEL, shot)
        report(f"rerun after choosing channel {CHANNEL!r}", after)
        yield FilteredView(tab, tab.page.url, before.metrics, after, shot)
    finally:
        _close(tab)


def test_channel_choice_goes_to_url(filtered_view):
    view = filtered_view
    assert_clean(view.after, view.shot, view.tab.page)
    encoded = f"channel={quote(CHANNEL)}"
    assert encoded in urlsplit(view.url).query, (
        f"after choosing {CHANNEL!r} in the sidebar the URL should contain {encoded!r}, got "
        f"{view.url} (screenshot: {shot_on_failure(view.tab.page, view.shot)})"
    )
    assert query_channels(view.url) == [CHANNEL], view.url
    assert view.after.metrics != view.before, (
        f"choosing {CHANNEL!r} did not change the KPIs of /: {view.after.metrics}"
    )


def test_copied_url_reproduces_kpis(server, filtered_view, open_tab, tmp_path):
    view = filtered_view
    assert_clean(view.after, view.shot, view.tab.page)
    assert query_channels(view.url) == [CHANNEL], f"channel not in the URL: {view.url}"

    fresh = open_tab(fresh=True)  # a new context: no session, cookies or storage in common
    shot = tmp_path / "copied-url-fresh.png"
    start = time.monotonic()
    fresh.page.goto(view.url, wait_until="domcontentloaded")
    again = wait_rendered(fresh.page, "/", since=start, shot=shot)
    report("copied URL in a fresh context", again)
    assert_clean(again, shot, fresh.page)
    if again.metrics != view.after.metrics:
        shot_on_failure(fresh.page, shot)
    assert again.metrics == view.after.metrics, (
        f"{view.url} opened in a fresh context shows other KPIs than the view it was "
        f"copied from.\nexpected (first context): {view.after.metrics}\n"
        f"got (fresh context):      {again.metrics}\nscreenshots: {view.shot} / {shot}"
    )


def test_navigation_keeps_channel(server, filtered_view, unfiltered, open_tab, tmp_path):
    base = unfiltered_kpis(unfiltered, server, open_tab(), "/channel_roi", tmp_path / "roi.png")
    page, shot = filtered_view.tab.page, tmp_path / "nav-filtered.png"

    start = time.monotonic()
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Channel ROI").click()
    page.wait_for_url("**/channel_roi*", timeout=RENDER_TIMEOUT * 1000)
    r = wait_rendered(page, "/channel_roi", since=start, shot=shot)
    report("navigation to Channel ROI with the filter", r)
    assert_clean(r, shot, page)

    assert query_channels(page.url) == [CHANNEL], (
        f"after clicking 'Channel ROI' in the nav the URL should still carry "
        f"channel={CHANNEL}, got {page.url} (screenshot: {shot_on_failure(page, shot)})"
    )
    tags = page.locator(
        '[data-testid="stSidebar"] [data-testid="stMultiSelect"] '
        '[data-testid="stMultiSelectTagsContainer"]'
    ).inner_text()
    assert CHANNEL in tags.split(), (
        f"the Channel multiselect on {page.url} should still show {CHANNEL!r}, shows "
        f"{tags!r} (screenshot: {shot_on_failure(page, shot)})"
    )
    assert r.metrics and r.metrics != base, (
        f"the KPIs of {page.url} should reflect channel={CHANNEL} and differ from the "
        f"unfiltered /channel_roi; unfiltered: {base}, filtered: {r.metrics} "
        f"(screenshot: {shot_on_failure(page, shot)})"
    )


# --- 5. hostile URL parameters -----------------------------------------------------------

_FILTER_ATTACKS = {
    "channel-sql": [("channel", "' OR 1=1;--")],
    "channel-script": [("channel", "<script>alert(1)</script>")],
    "period-img": [("period", "<img src=x onerror=alert(1)>")],
    "dates-invalid": [("dates", "2025-13-45"), ("dates", "0000-00-00")],
    "dates-reversed": [("dates", "2030-01-01"), ("dates", "2020-01-01")],
    "custom-dates-invalid": [
        ("period", "Custom range"),
        ("dates", "2025-13-45"),
        ("dates", "0000-00-00"),
    ],
    "custom-dates-reversed": [
        ("period", "Custom range"),
        ("dates", "2030-01-01"),
        ("dates", "2020-01-01"),
    ],
    "kind-drop-table": [("kind", "DROP TABLE orders")],
    "segment-nul": [("segment", "\x00")],
}
# The sidebar filters are shared: try each on the default page and on the page whose
# queries use that filter most, plus the page-specific parameters.
HOSTILE = [
    *[("/", name, q) for name, q in _FILTER_ATTACKS.items()],
    ("/channel_roi", "channel-sql", _FILTER_ATTACKS["channel-sql"]),
    ("/funnel", "segment-nul", _FILTER_ATTACKS["segment-nul"]),
    ("/cohorts", "custom-dates-reversed", _FILTER_ATTACKS["custom-dates-reversed"]),
    ("/funnel", "window-negative", [("window", "-99999999999999")]),
    ("/cohorts", "mode-evil", [("mode", "evil")]),
]


@pytest.mark.parametrize(
    ("path", "query"),
    [(p, q) for p, _, q in HOSTILE],
    ids=[f"{p.strip('/') or 'spend_balance'}-{name}" for p, name, _ in HOSTILE],
)
def test_hostile_url_parameters(server, open_tab, tmp_path, path, query):
    tab = open_tab()
    qs = "?" + urlencode(query, quote_via=quote)
    shot = tmp_path / "hostile.png"
    r = open_page(tab, server, path, qs, kpis=False, shot=shot)
    report(f"hostile {path}{qs}", r)
    assert_clean(r, shot, tab.page)
    assert TITLES[path] in r.titles, (
        f"{server.url}{path}{qs}: expected title {TITLES[path]!r}, got {r.titles} "
        f"(screenshot: {shot_on_failure(tab.page, shot)})"
    )
    injected = tab.page.locator('img[src="x"]').count()
    assert not injected, f"{r.url}: the URL injected an <img src=x> into the page"
    tab.page.wait_for_timeout(200)  # let a late onerror/alert fire, if any
    assert not tab.dialogs, f"{r.url} raised JavaScript dialogs: {tab.dialogs}"
    assert _sha256(server.warehouse) == server.warehouse_sha256, (
        f"the warehouse {server.warehouse} changed after opening {r.url}"
    )
