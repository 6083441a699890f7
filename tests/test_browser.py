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
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def open_tab(browser) -> Iterator:
    """Factory of fresh contexts (no shared cookies or storage); all closed at teardown."""
    tabs: list[Tab] = []

    def new() -> Tab:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(RENDER_TIMEOUT * 1000)
        page = context.new_page()
        tab = Tab(context, page)

        def on_dialog(dialog) -> None:
            tab.dialogs.append(f"{dialog.type}: {dialog.message}")
            with contextlib.suppress(Exception):
                dialog.dismiss()

        page.on("dialog", on_dialog)
        tabs.append(tab)
        return tab

    yield new
    for tab in tabs:
        with contextlib.suppress(Exception):
            tab.context.close()


# --- rendering helpers -------------------------------------------------------------------

_SNAPSHOT_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const all = (s) => [...document.querySelectorAll(s)];
  const text = (e, s) => (e.querySelector(s)?.innerText ?? '').trim();
  return {
    state: app ? app.dataset.testScriptState : null,
    connection: app ? app.dataset.testConnectionState : null,
    statusWidget: all('[data-testid="stStatusWidget"]').length,
    stale: all('[data-stale="true"]').length,
    titles: all('[data-testid="stMain"] h1').map((e) => e.innerText.trim()),
    metrics: all('[data-testid="stMetric"]').map(
      (m) => [text(m, '[data-testid="stMetricLabel"]'), text(m, '[data-testid="stMetricValue"]')]
    ),
    exceptions: all('[data-testid="stException"]').map((e) => e.innerText.slice(0, 2000)),
    charts: all('[data-testid="stVegaLiteChart"]').length,
    drawnCharts: all('[data-testid="stVegaLiteChart"]').filter(
      (c) => c.querySelector('svg.marks, canvas.marks, svg, canvas')
    ).length,
  };
}"""


@dataclass
class Rendered:
    url: str
    seconds: float
    titles: list[str]
    metrics: list[tuple[str, str]]
    exceptions: list[str]
    charts: int
    drawn_charts: int


def _ready(snap: dict, title: str | None, kpis: bool) -> bool:
    if snap["connection"] != "CONNECTED" or snap["state"] != "notRunning":
        return False
    if snap["statusWidget"] or snap["stale"]:
        return False
    if snap["exceptions"]:
        return True  # finished, with an error: let the test report it
    if title is not None and title not in snap["titles"]:
        return False
    return not kpis or (snap["metrics"] and all(v for _, v in snap["metrics"]))


def wait_rendered(
    page: Page,
    title: str | None,
    kpis: bool = True,
    since: float | None = None,
    shot: Path | None = None,
) -> Rendered:
    """Wait until the script run is over and the page shows `title` (and KPI tiles).

    Streamlit 1.67 marks its root `[data-testid=stApp]` with data-test-script-state
    (initial / running / notRunning) and data-test-connection-state; elements of a previous
    run carry data-stale="true" while a rerun is under way, and the status widget shows
    while a script runs. The page counts as rendered when all of that is quiet for a few
    polls in a row (a fresh session can run the script twice).
    """
    start = time.monotonic() if since is None else since
    deadline = start + RENDER_TIMEOUT
    quiet = 0
    snap: dict = {}
    while time.monotonic() < deadline:
        snap = page.evaluate(_SNAPSHOT_JS)
        quiet = quiet + 1 if _ready(snap, title, kpis) else 0
        if quiet >= 3:
            break
        page.wait_for_timeout(150)
    else:
        if shot:
            page.screenshot(path=shot, full_page=True)
        pytest.fail(
            f"{page.url} did not finish rendering{f' {title!r}' if title else ''} within "
            f"{RENDER_TIMEOUT:.0f} s; last DOM state: "
            f"{ {k: v for k, v in snap.items() if k != 'exceptions'} }"
            f"{f'; screenshot: {shot}' if shot else ''}"
        )
    if kpis and not snap["exceptions"]:
        # Charts draw asynchronously (vega-embed): wait for their SVG/canvas.
        with contextlib.suppress(Exception):
            page.wait_for_function(
                """() => { const c = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
                   return c.length > 0 && c.every((e) => e.querySelector('svg, canvas')); }""",
                timeout=10_000,
            )
        snap = page.evaluate(_SNAPSHOT_JS)
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
    return wait_rendered(tab.page, TITLES[path], kpis=kpis, since=start, shot=shot)


def report(what: str, r: Rendered) -> None:
    print(f"[browser] {what}: rendered in {r.seconds:.2f} s ({r.url})", flush=True)


def shot_on_failure(page: Page, path: Path) -> Path:
    with contextlib.suppress(Exception):
        page.screenshot(path=path, full_page=True)
    return path


def query_channels(url: str) -> list[str]:
    return parse_qs(urlsplit(url).query).get("channel", [])


def select_channel(page: Page, channel: str, shot: Path) -> Rendered:
    """Pick `channel` in the sidebar multiselect (click, choose, close) and wait the rerun."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
    box.click()
    option = page.get_by_role("option", name=channel, exact=True)
    option.click()
    page.keyboard.press("Escape")
    deadline = time.monotonic() + RENDER_TIMEOUT
    while channel not in query_channels(page.url) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return wait_rendered(page, None, kpis=True, shot=shot)


def assert_clean(r: Rendered, shot: Path, page: Page) -> None:
    if r.exceptions:
        shot_on_failure(page, shot)
    assert not r.exceptions, (
        f"{r.url} shows {len(r.exceptions)} Streamlit exception(s) (screenshot: {shot}):\n"
        + "\n---\n".join(r.exceptions)
    )


# --- 1. every page renders ---------------------------------------------------------------


@pytest.mark.parametrize(("path", "title", "analysis"), PAGES, ids=[p for p, _, _ in PAGES])
def test_page_renders(server, open_tab, tmp_path, path, title, analysis):
    tab = open_tab()
    shot = tmp_path / f"page{path.replace('/', '_')}.png"
    r = open_page(tab, server, path, kpis=analysis, shot=shot)
    report(f"page {path}", r)
    assert_clean(r, shot, tab.page)
    assert title in r.titles, f"{r.url}: expected title {title!r}, got {r.titles}"
    if analysis:
        assert r.metrics, f"{r.url}: no KPI tiles (screenshot: {shot_on_failure(tab.page, shot)})"
        assert r.charts >= 1, f"{r.url}: no chart (screenshot: {shot_on_failure(tab.page, shot)})"
        assert r.drawn_charts == r.charts, (
            f"{r.url}: only {r.drawn_charts} of {r.charts} charts drew an SVG/canvas "
            f"(screenshot: {shot_on_failure(tab.page, shot)})"
        )
    assert not tab.dialogs, f"{r.url} raised JavaScript dialogs: {tab.dialogs}"


# --- 2-4. the filter lives in the URL ----------------------------------------------------


def test_channel_choice_goes_to_url(server, open_tab, tmp_path):
    tab = open_tab()
    shot = tmp_path / "channel-url.png"
    assert_clean(open_page(tab, server, "/", shot=shot), shot, tab.page)
    r = select_channel(tab.page, CHANNEL, shot)
    report(f"rerun after choosing channel {CHANNEL!r}", r)
    assert_clean(r, shot, tab.page)
    encoded = f"channel={quote(CHANNEL)}"
    assert encoded in urlsplit(tab.page.url).query, (
        f"after choosing {CHANNEL!r} in the sidebar the URL should contain {encoded!r}, got "
        f"{tab.page.url} (screenshot: {shot_on_failure(tab.page, shot)})"
    )
    assert query_channels(tab.page.url) == [CHANNEL]


def test_copied_url_reproduces_kpis(server, open_tab, tmp_path):
    first = open_tab()
    shot = tmp_path / "copied-url-first.png"
    unfiltered = open_page(first, server, "/", shot=shot)
    assert_clean(unfiltered, shot, first.page)
    chosen = select_channel(first.page, CHANNEL, shot)
    assert_clean(chosen, shot, first.page)
    url = first.page.url
    assert query_channels(url) == [CHANNEL], f"channel not in the URL: {url}"
    assert chosen.metrics != unfiltered.metrics, (
        f"choosing {CHANNEL!r} did not change the KPIs of /: {chosen.metrics}"
    )

    fresh = open_tab()  # a new context: no session, cookies or storage in common
    shot2 = tmp_path / "copied-url-fresh.png"
    start = time.monotonic()
    fresh.page.goto(url, wait_until="domcontentloaded")
    again = wait_rendered(fresh.page, TITLES["/"], since=start, shot=shot2)
    report("copied URL in a fresh context", again)
    assert_clean(again, shot2, fresh.page)
    if again.metrics != chosen.metrics:
        shot_on_failure(first.page, shot)
        shot_on_failure(fresh.page, shot2)
    assert again.metrics == chosen.metrics, (
        f"{url} opened in a fresh context shows other KPIs than the view it was copied from.\n"
        f"expected (first context): {chosen.metrics}\n"
        f"got (fresh context):      {again.metrics}\n"
        f"screenshots: {shot} / {shot2}"
    )


def test_navigation_keeps_channel(server, open_tab, tmp_path):
    base = open_tab()
    shot0 = tmp_path / "nav-unfiltered.png"
    unfiltered = open_page(base, server, "/channel_roi", shot=shot0)
    assert_clean(unfiltered, shot0, base.page)

    tab = open_tab()
    shot = tmp_path / "nav-filtered.png"
    assert_clean(open_page(tab, server, "/", shot=shot), shot, tab.page)
    assert_clean(select_channel(tab.page, CHANNEL, shot), shot, tab.page)

    start = time.monotonic()
    nav = tab.page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="Channel ROI").click()
    tab.page.wait_for_url("**/channel_roi*", timeout=RENDER_TIMEOUT * 1000)
    r = wait_rendered(tab.page, "Channel ROI", since=start, shot=shot)
    report("navigation to Channel ROI with the filter", r)
    assert_clean(r, shot, tab.page)

    assert query_channels(tab.page.url) == [CHANNEL], (
        f"after clicking 'Channel ROI' in the nav the URL should still carry "
        f"channel={CHANNEL}, got {tab.page.url} (screenshot: {shot_on_failure(tab.page, shot)})"
    )
    tags = tab.page.locator(
        '[data-testid="stSidebar"] [data-testid="stMultiSelect"] '
        '[data-testid="stMultiSelectTagsContainer"]'
    ).inner_text()
    assert CHANNEL in tags.split(), (
        f"the Channel multiselect on {tab.page.url} should still show {CHANNEL!r}, shows "
        f"{tags!r} (screenshot: {shot_on_failure(tab.page, shot)})"
    )
    assert r.metrics and r.metrics != unfiltered.metrics, (
        f"the KPIs of {tab.page.url} should reflect channel={CHANNEL} and differ from the "
        f"unfiltered /channel_roi; unfiltered: {unfiltered.metrics}, filtered: {r.metrics} "
        f"(screenshots: {shot0} / {shot_on_failure(tab.page, shot)})"
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
    ("/channel_roi", "custom-dates-reversed", _FILTER_ATTACKS["custom-dates-reversed"]),
    ("/funnel", "segment-nul", _FILTER_ATTACKS["segment-nul"]),
    ("/cohorts", "kind-drop-table", _FILTER_ATTACKS["kind-drop-table"]),
    ("/data", "channel-script", _FILTER_ATTACKS["channel-script"]),
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
