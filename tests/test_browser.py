"""Browser tests: a real Streamlit server over a copy of the golden warehouse, driven by Chromium.

These check what only a browser sees: every page renders without an exception, the shared
filters live in the URL (a copied link reproduces the view, navigation keeps the filter), the
weekly review (the default page, at /) shows the week the URL names, links its highlights to
the pages that explain them and downloads its PDF, and hostile query parameters neither raise
nor inject script nor touch the warehouse.

Chromium comes from the system (Debian's /usr/bin/chromium, or $PITWALL_CHROMIUM). When it is
missing the tests FAIL: they are never skipped.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

import absurd
import pypdf
import pytest
from app_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    END_MARKERS,
    PAGES,
    SNAPSHOT_JS,
    TITLES,
    running_app,
    sha256,
)
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pitwall import weekly
from pitwall.controls import CONTROLS, clean, url_form

RENDER_TIMEOUT = 45.0
VIEWPORT = {"width": 1400, "height": 1000}

CHANNEL = "social"  # a channel of the golden business (tests/golden/channels.csv)
FILTERED_PAGE = "/spend_balance"  # where the filter tests choose CHANNEL in the sidebar
WEEKLY = "/"
# The weekly review of the golden business, by hand from tests/golden/*.csv. The default
# week is the last complete one: 2025-W16, 14-20 Apr 2025.
DEFAULT_WEEK = "2025-W16"
WEEK_DATES = ("2025-04-14", "2025-04-20")
# a channel mover's link shows the thirteen weeks to the reviewed week
TREND_DATES = ("2025-01-20", "2025-04-20")
TREND_CAPTION = "20 Jan 2025 – 20 Apr 2025"  # the sidebar's date caption for them
WEEK_FIGURES = {  # events €100 spent, o13 €100 by referral; k3 and k7 ordered
    "Spend": "€100",
    "Online share": "0.0 %",
    "Revenue": "€100",
    "ROAS": "1.00×",
    "Active customers": "2",
}
WEEK_SPEND_DELTA = "+300.0 %"  # against 2025-W15's €25
EARLIER_WEEK = "2025-W15"  # 7-13 Apr 2025: social €25 spent; k4 ordered, not attributed
EARLIER_FIGURES = {
    "Spend": "€25.00",
    "Online share": "100.0 %",
    "Revenue": "€0.00",
    "Active customers": "1",
}
WEEKLY_TILES = 10
PDF_NAME = f"pitwall-weekly-{DEFAULT_WEEK}.pdf"


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


@pytest.fixture(scope="module")
def server(golden_warehouse, tmp_path_factory) -> Iterator[Server]:
    """`streamlit run app.py` on a free port over a private copy of the golden warehouse."""
    folder = tmp_path_factory.mktemp("browser-server")
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(golden_warehouse, warehouse)
    log = folder / "streamlit.log"
    with running_app(warehouse, log) as url:
        yield Server(url, warehouse, sha256(warehouse), log)


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


@dataclass
class Rendered:
    url: str
    seconds: float
    titles: list[str]
    metrics: list[tuple[str, str]]
    exceptions: list[str]
    charts: int
    drawn_charts: int
    deltas: list[str] = field(default_factory=list)  # each KPI tile's delta, "" for none
    ends: list[str] = field(default_factory=list)  # the main area's captions
    links: list[tuple[str, str]] = field(default_factory=list)  # main page links: label, href

    def figures(self) -> dict[str, str]:
        return dict(self.metrics)


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
        snap = page.evaluate(SNAPSHOT_JS)
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
        deltas=snap["deltas"],
        ends=snap["ends"],
        links=[tuple(link) for link in snap["links"]],
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


def query_values(url: str, key: str) -> list[str]:
    return parse_qs(urlsplit(url).query).get(key, [])


def query_channels(url: str) -> list[str]:
    return query_values(url, "channel")


def sidebar_channels(page: Page) -> list[str]:
    """The channels the sidebar's Channel multiselect shows as chosen."""
    tags = page.locator(
        '[data-testid="stSidebar"] [data-testid="stMultiSelect"] '
        '[data-testid="stMultiSelectTagsContainer"]'
    ).inner_text()
    return tags.split()


def sidebar_dates(page: Page) -> list[str]:
    """The sidebar's captions: the first is the period's date range."""
    return page.locator(
        '[data-testid="stSidebar"] [data-testid="stCaptionContainer"]'
    ).all_inner_texts()


_WATCH_RUNS_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__pitwallRuns = 0;
  new MutationObserver(() => {
    if (app.dataset.testScriptState === 'running') window.__pitwallRuns += 1;
  }).observe(app, { attributes: true, attributeFilter: ['data-test-script-state'] });
}"""


def _wait_rerun(page: Page, what: str, shot: Path) -> None:
    """After `_WATCH_RUNS_JS` and an interaction: wait until the script has run again, so
    the old view is not mistaken for the new one."""
    try:
        page.wait_for_function("() => window.__pitwallRuns > 0", timeout=RENDER_TIMEOUT * 1000)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"{what} on {page.url} started no rerun within {RENDER_TIMEOUT:.0f} s "
            f"(screenshot: {shot_on_failure(page, shot)})"
        )


def _wait_query(page: Page, key: str, value: str) -> None:
    """Give the URL time to catch up with a widget (the test asserts on it afterwards)."""
    deadline = time.monotonic() + RENDER_TIMEOUT
    while value not in query_values(page.url, key) and time.monotonic() < deadline:
        page.wait_for_timeout(100)


def select_channel(page: Page, channel: str, shot: Path, path: str) -> Rendered:
    """Pick `channel` in the sidebar multiselect (click, choose, close) on the page at
    `path` and wait the rerun."""
    page.evaluate(_WATCH_RUNS_JS)
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').click()
    page.get_by_role("option", name=channel, exact=True).click()
    page.keyboard.press("Escape")
    _wait_rerun(page, f"choosing {channel!r} in the Channel multiselect", shot)
    _wait_query(page, "channel", channel)
    return wait_rendered(page, path, kpis=True, shot=shot)


def week_box(page: Page):
    return page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_role("combobox", name="Week")
    )


def shown_week(page: Page) -> str:
    """The week the Week selectbox shows (its option, or the start of its label)."""
    return week_box(page).get_by_role("combobox", name="Week").input_value()


def select_week(page: Page, week: str, shot: Path) -> Rendered:
    """Pick `week` (e.g. 2025-W15) in the weekly review's Week selectbox, wait the rerun."""
    page.evaluate(_WATCH_RUNS_JS)
    week_box(page).click()
    option = page.get_by_role("option", name=re.compile(rf"^{re.escape(week)}\b"))
    try:
        option.first.click(timeout=RENDER_TIMEOUT * 1000)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"the Week selectbox on {page.url} offers no option {week!r}; options: "
            f"{page.get_by_role('option').all_inner_texts()[:20]} "
            f"(screenshot: {shot_on_failure(page, shot)})"
        )
    _wait_rerun(page, f"choosing {week!r} in the Week selectbox", shot)
    _wait_query(page, "week", week)
    return wait_rendered(page, WEEKLY, kpis=True, shot=shot)


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
    """FILTERED_PAGE (Spend balance) after choosing CHANNEL in the sidebar, as first seen."""

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
        before = open_page(tab, server, FILTERED_PAGE, shot=shot)
        assert_clean(before, shot, tab.page)
        after = select_channel(tab.page, CHANNEL, shot, FILTERED_PAGE)
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
        f"choosing {CHANNEL!r} did not change the KPIs of {FILTERED_PAGE}: {view.after.metrics}"
    )


def test_copied_url_reproduces_kpis(server, filtered_view, open_tab, tmp_path):
    view = filtered_view
    assert_clean(view.after, view.shot, view.tab.page)
    assert query_channels(view.url) == [CHANNEL], f"channel not in the URL: {view.url}"

    fresh = open_tab(fresh=True)  # a new context: no session, cookies or storage in common
    shot = tmp_path / "copied-url-fresh.png"
    start = time.monotonic()
    fresh.page.goto(view.url, wait_until="domcontentloaded")
    again = wait_rendered(fresh.page, FILTERED_PAGE, since=start, shot=shot)
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
    tags = sidebar_channels(page)
    assert CHANNEL in tags, (
        f"the Channel multiselect on {page.url} should still show {CHANNEL!r}, shows "
        f"{tags} (screenshot: {shot_on_failure(page, shot)})"
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
# The weekly review's own parameter: each must leave it on its default week.
_WEEK_ATTACKS = {
    "week-no-such-week": [("week", "2025-W99")],
    "week-script": [("week", "<script>alert(1)</script>")],
    "week-sql": [("week", "' OR 1=1;--")],
    "week-img": [("week", "<img src=x onerror=alert(1)>")],
}
# The sidebar filters are shared: try each on the default page (the weekly review, where
# the period does not apply) and on Spend balance (where all of them do), on the page whose
# queries use that filter most, plus the page-specific parameters.
HOSTILE = [
    *[
        (path, name, q)
        for path in (WEEKLY, "/spend_balance")
        for name, q in _FILTER_ATTACKS.items()
    ],
    *[(WEEKLY, name, q) for name, q in _WEEK_ATTACKS.items()],
    ("/channel_roi", "channel-sql", _FILTER_ATTACKS["channel-sql"]),
    ("/funnel", "segment-nul", _FILTER_ATTACKS["segment-nul"]),
    ("/cohorts", "custom-dates-reversed", _FILTER_ATTACKS["custom-dates-reversed"]),
    ("/funnel", "window-negative", [("window", "-99999999999999")]),
    ("/cohorts", "mode-evil", [("mode", "evil")]),
]


@pytest.mark.parametrize(
    ("path", "query"),
    [(p, q) for p, _, q in HOSTILE],
    ids=[f"{p.strip('/') or 'weekly'}-{name}" for p, name, _ in HOSTILE],
)
def test_hostile_url_parameters(server, open_tab, tmp_path, path, query):
    tab = open_tab()
    qs = "?" + urlencode(query, quote_via=quote)
    shot = tmp_path / "hostile.png"
    week_attack = any(key == "week" for key, _ in query)
    # a hostile week leaves the filters alone: the default week's tiles and chart must show
    r = open_page(tab, server, path, qs, kpis=week_attack, shot=shot)
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
    assert sha256(server.warehouse) == server.warehouse_sha256, (
        f"the warehouse {server.warehouse} changed after opening {r.url}"
    )
    if week_attack:
        week = shown_week(tab.page)
        assert week.startswith(DEFAULT_WEEK), (
            f"{server.url}{path}{qs} should fall back to the default week {DEFAULT_WEEK}, "
            f"the Week selectbox shows {week!r} (screenshot: {shot_on_failure(tab.page, shot)})"
        )
        assert r.figures().get("Spend") == WEEK_FIGURES["Spend"], (
            f"{r.url}: the default week's Spend tile should read {WEEK_FIGURES['Spend']}, "
            f"tiles: {r.metrics} (screenshot: {shot_on_failure(tab.page, shot)})"
        )
        assert query_values(r.url, "week") in ([], [DEFAULT_WEEK]), (
            f"the URL should drop the hostile week or name the week shown ({DEFAULT_WEEK}), "
            f"it reads {r.url}"
        )


# Every URL parameter absurd at once (tests/absurd.py), one page load per page on the shared
# server and browser: Funnel with window=1e400 and Channel ROI with lookback=-inf (issue 12),
# Spend balance with period=Custom range and absurd dates. The page shows its title and no
# exception, and the URL it ends on holds only clean values for the page's own controls.
ABSURD_RUNS = [
    ("/", absurd.focused("weekly", 0)),
    ("/spend_balance", absurd.focused("spend_balance", 2, custom_range=True)),
    ("/channel_roi", absurd.focused("channel_roi", 1)),
    ("/funnel", absurd.focused("funnel", 0)),
    ("/cohorts", absurd.focused("cohorts", 0)),
    ("/data", absurd.focused("data", 0)),
]


@pytest.mark.parametrize(
    ("path", "query"), ABSURD_RUNS, ids=[p.strip("/") or "weekly" for p, _ in ABSURD_RUNS]
)
def test_absurd_values_in_every_url_parameter(server, open_tab, tmp_path, path, query):
    tab = open_tab()
    qs = "?" + urlencode(query, quote_via=quote)
    shot = tmp_path / "absurd.png"
    r = open_page(tab, server, path, qs, kpis=False, shot=shot)
    report(f"absurd {path}", r)
    assert_clean(r, shot, tab.page)
    assert TITLES[path] in r.titles, (
        f"{server.url}{path} with absurd parameters: expected title {TITLES[path]!r}, got "
        f"{r.titles} (screenshot: {shot_on_failure(tab.page, shot)})"
    )
    assert not tab.page.locator('img[src="x"]').count(), f"{r.url}: markup was injected"
    assert not tab.dialogs, f"{r.url} raised JavaScript dialogs: {tab.dialogs}"
    assert sha256(server.warehouse) == server.warehouse_sha256
    shown = parse_qs(urlsplit(tab.page.url).query, keep_blank_values=True)
    for c in CONTROLS.values():
        if c.where == TITLES[path] and c.type in ("number", "toggle") and c.key in shown:
            value = clean(c, shown[c.key])
            assert shown[c.key] == url_form(c, value), (
                f"{tab.page.url}: {c.key} should be clean or gone, reads {shown[c.key]}"
            )


# --- 6. the weekly review ----------------------------------------------------------------


def check_figures(r: Rendered, expected: dict[str, str], page: Page, shot: Path, what: str):
    shown = r.figures()
    wrong = {label: (want, shown.get(label)) for label, want in expected.items()}
    wrong = {label: pair for label, pair in wrong.items() if pair[0] != pair[1]}
    if wrong:
        shot_on_failure(page, shot)
    assert not wrong, (
        f"{r.url} ({what}): tiles differ from the golden figures, label: (expected, shown): "
        f"{wrong}; all tiles: {r.metrics} (screenshot: {shot})"
    )


def tile_delta(r: Rendered, label: str) -> str | None:
    labels = [name for name, _ in r.metrics]
    return r.deltas[labels.index(label)] if label in labels else None


def test_weekly_review_default_week(server, open_tab, tmp_path):
    tab, shot = open_tab(), tmp_path / "weekly.png"
    page = tab.page
    r = open_page(tab, server, WEEKLY, shot=shot)
    report("weekly review at /", r)
    assert_clean(r, shot, page)
    assert "Weekly review" in r.titles, f"{r.url}: expected the Weekly review, got {r.titles}"
    week = shown_week(page)
    assert week.startswith(DEFAULT_WEEK), (
        f"{r.url}: the Week selectbox should default to {DEFAULT_WEEK} (the last complete "
        f"week in the data), shows {week!r} (screenshot: {shot_on_failure(page, shot)})"
    )

    assert len(r.metrics) == WEEKLY_TILES, (
        f"{r.url}: expected {WEEKLY_TILES} KPI tiles, got {len(r.metrics)}: {r.metrics} "
        f"(screenshot: {shot_on_failure(page, shot)})"
    )
    averages = [e for e in r.ends if "vs 4-week average" in e]
    assert len(averages) == WEEKLY_TILES, (
        f"{r.url}: each of the {WEEKLY_TILES} tiles should carry a 'vs 4-week average' "
        f"caption, found {len(averages)}: {averages} (screenshot: {shot_on_failure(page, shot)})"
    )
    check_figures(r, WEEK_FIGURES, page, shot, f"default week {DEFAULT_WEEK}")
    delta = tile_delta(r, "Spend")
    assert delta == WEEK_SPEND_DELTA, (
        f"{r.url}: the Spend tile's delta against the week before should read "
        f"{WEEK_SPEND_DELTA} (€100 against €25), reads {delta!r} "
        f"(screenshot: {shot_on_failure(page, shot)})"
    )

    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_role("heading", name="What changed").count() == 1, (
        f"{r.url}: no 'What changed' heading (screenshot: {shot_on_failure(page, shot)})"
    )
    links = [(label, href) for label, href in r.links if label.startswith("See ")]
    assert links, (
        f"{r.url}: 'What changed' shows no highlight with a 'See …' link; page links: "
        f"{r.links} (screenshot: {shot_on_failure(page, shot)})"
    )
    for label, href in links:
        target = urlsplit(urljoin(page.url, href))
        query = parse_qs(target.query)
        assert target.path in TITLES and label == f"See {TITLES[target.path]}", (
            f"{r.url}: the highlight link {label!r} goes to {href!r}, not to the page it names"
        )
        assert query.get("period") == ["Custom range"] and len(query.get("dates", [])) == 2, (
            f"{r.url}: the highlight link {label!r} ({href!r}) should carry "
            "period=Custom range and two dates"
        )
        if target.path == "/channel_roi":
            assert query.get("dates") == list(TREND_DATES), (
                f"{r.url}: {label!r} should show the thirteen weeks to the reviewed week "
                f"{TREND_DATES}, goes to {href!r}"
            )

    assert main.get_by_role("heading", name="Thirteen weeks").count() == 1, (
        f"{r.url}: no 'Thirteen weeks' heading (screenshot: {shot_on_failure(page, shot)})"
    )
    # one small chart per trend metric (weekly.TREND), laid out in rows
    assert r.charts == r.drawn_charts == len(weekly.TREND), (
        f"{r.url}: expected the trend charts drawn, {r.drawn_charts} of {r.charts} charts drew "
        f"an SVG/canvas (screenshot: {shot_on_failure(page, shot)})"
    )
    drawn = " ".join(
        s.text_content() or "" for s in main.locator('[data-testid="stVegaLiteChart"] svg').all()
    )
    missing = [t for t in ("Spend", "Online share", "Revenue") if t not in drawn]
    assert not missing, (
        f"{r.url}: the trend chart has no panel for {missing} "
        f"(screenshot: {shot_on_failure(page, shot)})"
    )
    assert not tab.dialogs, f"{r.url} raised JavaScript dialogs: {tab.dialogs}"


def test_weekly_review_week_from_url(server, open_tab, tmp_path):
    tab, shot = open_tab(), tmp_path / "weekly-url.png"
    r = open_page(tab, server, WEEKLY, f"?week={EARLIER_WEEK}", shot=shot)
    report(f"weekly review of {EARLIER_WEEK} from the URL", r)
    assert_clean(r, shot, tab.page)
    week = shown_week(tab.page)
    assert week.startswith(EARLIER_WEEK), (
        f"{r.url}: the Week selectbox should show {EARLIER_WEEK}, shows {week!r} "
        f"(screenshot: {shot_on_failure(tab.page, shot)})"
    )
    assert query_values(r.url, "week") == [EARLIER_WEEK], (
        f"opening ?week={EARLIER_WEEK} should keep it in the URL, got {r.url}"
    )
    check_figures(r, EARLIER_FIGURES, tab.page, shot, f"?week={EARLIER_WEEK}")


def test_weekly_review_week_choice_goes_to_url(server, open_tab, tmp_path):
    tab, shot = open_tab(), tmp_path / "weekly-choice.png"
    before = open_page(tab, server, WEEKLY, shot=shot)
    assert_clean(before, shot, tab.page)
    check_figures(before, WEEK_FIGURES, tab.page, shot, "before choosing a week")

    r = select_week(tab.page, EARLIER_WEEK, shot)
    report(f"rerun after choosing week {EARLIER_WEEK}", r)
    assert_clean(r, shot, tab.page)
    assert query_values(tab.page.url, "week") == [EARLIER_WEEK], (
        f"after choosing {EARLIER_WEEK} in the Week selectbox the URL should carry "
        f"week={EARLIER_WEEK}, got {tab.page.url} "
        f"(screenshot: {shot_on_failure(tab.page, shot)})"
    )
    check_figures(r, EARLIER_FIGURES, tab.page, shot, f"after choosing {EARLIER_WEEK}")


def test_weekly_highlight_link_applies_filters(server, open_tab, tmp_path):
    tab, shot = open_tab(), tmp_path / "weekly-link.png"
    page = tab.page
    r = open_page(tab, server, WEEKLY, shot=shot)
    assert_clean(r, shot, page)
    roi = [href for label, href in r.links if label == "See Channel ROI"]
    assert roi, (
        f"{r.url}: no highlight links to Channel ROI (the golden W16 has channel movers); "
        f"page links: {r.links} (screenshot: {shot_on_failure(page, shot)})"
    )
    channels = query_values(roi[0], "channel")
    assert len(channels) == 1, f"{r.url}: 'See Channel ROI' should name one channel: {roi[0]}"
    channel = channels[0]

    # a highlight opens its page in a new tab (beside the review), from its own URL
    start = time.monotonic()
    main = page.locator('[data-testid="stMain"]')
    with page.context.expect_page(timeout=RENDER_TIMEOUT * 1000) as opened:
        main.get_by_role("link", name="See Channel ROI").first.click()
    page = opened.value
    tab.dialogs.clear()
    page.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    page.wait_for_url("**/channel_roi*", timeout=RENDER_TIMEOUT * 1000)
    landed = wait_rendered(page, "/channel_roi", since=start, shot=shot)
    report(f"highlight link to Channel ROI for {channel!r}", landed)
    assert_clean(landed, shot, page)

    query = parse_qs(urlsplit(page.url).query)
    wanted = {"channel": [channel], "dates": list(TREND_DATES), "period": ["Custom range"]}
    wrong = {k: (v, query.get(k)) for k, v in wanted.items() if query.get(k) != v}
    assert not wrong, (
        f"after 'See Channel ROI' the URL should carry the highlight's filters, "
        f"key: (expected, got): {wrong}; URL {page.url} "
        f"(screenshot: {shot_on_failure(page, shot)})"
    )
    shown = {
        "channel": sidebar_channels(page),
        "period": page.locator('[data-testid="stSidebar"]')
        .get_by_role("combobox", name="Period")
        .input_value(),
        "dates": (sidebar_dates(page) or [""])[0],
    }
    expected = {"channel": [channel], "period": "Custom range", "dates": TREND_CAPTION}
    wrong = {k: (v, shown[k]) for k, v in expected.items() if shown[k] != v}
    assert not wrong, (
        f"{page.url} (reached by 'See Channel ROI' on the weekly review) carries the "
        f"highlight's filters but the sidebar does not apply them, filter: (expected, shown): "
        f"{wrong} (screenshot: {shot_on_failure(page, shot)})"
    )

    # the view must be the one the URL names: the same URL opened afresh shows the same KPIs
    fresh, fresh_shot = open_tab(fresh=True), tmp_path / "weekly-link-fresh.png"
    direct = open_page(
        fresh, server, "/channel_roi", "?" + urlsplit(page.url).query, shot=fresh_shot
    )
    assert_clean(direct, fresh_shot, fresh.page)
    assert landed.metrics == direct.metrics, (
        f"Channel ROI reached by the highlight link shows other KPIs than its URL opened "
        f"afresh.\nvia the link: {landed.metrics}\nopened afresh: {direct.metrics}\n"
        f"screenshots: {shot_on_failure(page, shot)} / {fresh_shot}"
    )
    assert not tab.dialogs, f"{page.url} raised JavaScript dialogs: {tab.dialogs}"
    page.close()


def test_weekly_pdf_download(server, open_tab, tmp_path):
    tab, shot = open_tab(), tmp_path / "weekly-pdf.png"
    page = tab.page
    r = open_page(tab, server, WEEKLY, shot=shot)
    assert_clean(r, shot, page)
    button = page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"]').filter(
        has_text="Download PDF"
    )
    assert button.count() == 1, (
        f"{r.url}: expected one 'Download PDF' button, found {button.count()} "
        f"(screenshot: {shot_on_failure(page, shot)})"
    )
    start = time.monotonic()
    try:
        with page.expect_download(timeout=RENDER_TIMEOUT * 1000) as info:
            button.get_by_role("button").click()
        download = info.value
        failure = download.failure()
    except PlaywrightTimeoutError:
        pytest.fail(
            f"clicking 'Download PDF' on {r.url} started no download within "
            f"{RENDER_TIMEOUT:.0f} s (screenshot: {shot_on_failure(page, shot)}); server log:\n"
            f"{server.log_tail()}"
        )
    print(f"[browser] weekly PDF downloaded in {time.monotonic() - start:.2f} s", flush=True)
    assert failure is None, f"the PDF download from {r.url} failed: {failure}"
    assert download.suggested_filename == PDF_NAME, (
        f"the PDF should be named {PDF_NAME}, is {download.suggested_filename!r}"
    )
    path = tmp_path / PDF_NAME
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-"), f"{path} is not a PDF: starts {data[:40]!r}"
    text = "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages)
    missing = [t for t in (DEFAULT_WEEK, WEEK_FIGURES["Spend"]) if t not in text]
    assert not missing, f"the PDF {path} does not mention {missing}; its text:\n{text[:2000]}"
    after = page.evaluate(SNAPSHOT_JS)["exceptions"]
    assert not after, f"{r.url} shows exception(s) after the download:\n" + "\n---\n".join(after)


def test_weekly_review_channel_filter(server, open_tab, tmp_path):
    tab, shot = open_tab(), tmp_path / "weekly-channel.png"
    r = open_page(tab, server, WEEKLY, f"?channel={quote(CHANNEL)}", shot=shot)
    report(f"weekly review with channel={CHANNEL}", r)
    assert_clean(r, shot, tab.page)
    assert sidebar_channels(tab.page) == [CHANNEL], (
        f"{r.url}: the Channel multiselect should show {CHANNEL!r}, shows "
        f"{sidebar_channels(tab.page)} (screenshot: {shot_on_failure(tab.page, shot)})"
    )
    assert shown_week(tab.page).startswith(DEFAULT_WEEK), (
        f"{r.url}: expected the default week {DEFAULT_WEEK}, the Week selectbox shows "
        f"{shown_week(tab.page)!r}"
    )
    # social spent €25 on 2025-04-10 (W15) and nothing in W16
    check_figures(r, {"Spend": "€0.00"}, tab.page, shot, f"channel={CHANNEL}")
    delta = tile_delta(r, "Spend")
    assert delta == "-100.0 %", (
        f"{r.url}: Spend for {CHANNEL} fell from €25 to nothing, its delta should read "
        f"-100.0 %, reads {delta!r} (screenshot: {shot_on_failure(tab.page, shot)})"
    )


# --- attribution model in the URL ----------------------------------------------------------
# Golden business + tests/golden_touchpoints (figures of tests/test_attribution.py): social's
# revenue is €220 last touch, €340 linear (o1 50 + o3 120 + o4 40 + o8 30 + o10 60 + o11 40).


@pytest.fixture(scope="module")
def touch_server(touch_warehouse, tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser-touch")
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(touch_warehouse, warehouse)
    with running_app(warehouse, folder / "streamlit.log") as url:
        yield Server(url, warehouse, sha256(warehouse), folder / "streamlit.log")


def test_attribution_model_choice_goes_to_url(touch_server, open_tab, tmp_path):
    tab, shot = open_tab(), tmp_path / "model.png"
    path, query = "/channel_roi", "?period=All+time&channel=social"
    r = open_page(tab, touch_server, path, query, shot=shot)
    assert_clean(r, shot, tab.page)
    check_figures(r, {"Revenue": "€220"}, tab.page, shot, "last touch")

    tab.page.evaluate(_WATCH_RUNS_JS)
    page = tab.page
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_role("combobox", name="Attribution model")
    ).click()
    page.get_by_role("option", name="Linear", exact=True).click()
    _wait_rerun(tab.page, "choosing the linear model", shot)
    _wait_query(tab.page, "model", "Linear")
    r = wait_rendered(tab.page, path, shot=shot)
    report("rerun after choosing the linear model", r)
    assert_clean(r, shot, tab.page)
    assert query_values(tab.page.url, "model") == ["Linear"], tab.page.url
    check_figures(r, {"Revenue": "€340", "ROAS": "1.84×"}, tab.page, shot, "linear")

    # the copied link opens the same view in a fresh session
    fresh = open_tab(fresh=True)
    again = open_page(fresh, touch_server, path, "?" + urlsplit(tab.page.url).query, shot=shot)
    assert_clean(again, shot, fresh.page)
    check_figures(again, {"Revenue": "€340"}, fresh.page, shot, "the copied link")


# --- what users see on a phone, and where links land ----------------------------------------

PHONE = {"width": 390, "height": 844}
# Elements wider than the viewport (their right edge past it), outside horizontally
# scrolled containers (tables scroll by design).
_OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    if (el.closest('[data-testid="stDataFrame"], [data-testid="stTable"], .stDataFrame')) continue;
    if (el.closest('details:not([open])')) continue;  // a closed expander shows nothing
    wide.push((el.getAttribute('data-testid') || el.tagName) + ' ' + Math.round(r.right));
  }
  return wide.slice(0, 10);
}
"""
_TILE_LABELS_JS = """
() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetric"]')]
  .map(m => ({label: m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
              top: m.getBoundingClientRect().top, left: m.getBoundingClientRect().left}))
"""


def _reading_order(page: Page) -> list[str]:
    tiles = page.evaluate(_TILE_LABELS_JS)
    return [t["label"] for t in sorted(tiles, key=lambda t: (round(t["top"]), t["left"]))]


def test_phone_keeps_the_tiles_reading_order_and_the_width(server, browser, tmp_path):
    wide = browser.new_context(viewport=VIEWPORT)
    phone = browser.new_context(viewport=PHONE)
    try:
        orders = {}
        for name, context in (("desktop", wide), ("phone", phone)):
            tab = _new_tab(context, own_context=False)
            shot = tmp_path / f"weekly-{name}.png"
            r = open_page(tab, server, WEEKLY, shot=shot)
            assert_clean(r, shot, tab.page)
            orders[name] = _reading_order(tab.page)
            if name == "phone":
                for path, _, analysis in PAGES:
                    r = open_page(tab, server, path, "?period=All+time", kpis=analysis, shot=shot)
                    too_wide = tab.page.evaluate(_OVERFLOW_JS)
                    assert not too_wide, (
                        f"{path} at 390 px: elements wider than the screen: {too_wide} "
                        f"(screenshot: {shot_on_failure(tab.page, shot)})"
                    )
        assert len(orders["desktop"]) == WEEKLY_TILES
        assert orders["phone"] == orders["desktop"]  # stacked row by row, not column by column
    finally:
        wide.close()
        phone.close()


def test_weekly_opens_at_its_own_name_without_a_dialog(server, open_tab, tmp_path):
    tab, shot = open_tab(fresh=True), tmp_path / "weekly-by-name.png"
    start = time.monotonic()
    tab.page.goto(f"{server.url}/weekly", wait_until="domcontentloaded")
    r = wait_rendered(tab.page, WEEKLY, since=start, shot=shot)
    assert_clean(r, shot, tab.page)
    assert "Weekly review" in r.titles
    body = tab.page.inner_text("body")
    assert "Page not found" not in body, shot_on_failure(tab.page, shot)


def test_every_highlight_opens_a_view_that_shows_it(server, open_tab, tmp_path):
    tab, shot = open_tab(), tmp_path / "weekly-links.png"
    r = open_page(tab, server, WEEKLY, shot=shot)
    links = [(label, href) for label, href in r.links if label.startswith("See ")]
    assert len(links) >= 4, r.links
    for label, href in links:
        parts = urlsplit(href)
        target = tab.page.context.new_page()
        try:
            start = time.monotonic()
            target.goto(f"{server.url}/{parts.path.strip('./')}?{parts.query}")
            landed = wait_rendered(target, "/" + parts.path.strip("./"), since=start, shot=shot)
            assert not landed.exceptions, (label, href, landed.exceptions)
            values = [v for _, v in landed.metrics]
            assert any(v not in ("0", "€0.00", "–", "0.0 %") for v in values), (
                f"{label} ({href}) opens a view whose tiles are all empty: {landed.metrics}"
            )
        finally:
            target.close()
