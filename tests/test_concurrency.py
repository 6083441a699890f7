"""Concurrency: many browser sessions click through the pages while two loads swap the data.

A real Streamlit server runs over a copy of the golden warehouse. SESSIONS Chromium sessions
(one browser context each, all in one browser, driven concurrently with Playwright's async
API) click through the pages by the sidebar navigation, with some direct visits, while two
loads run through the command line (`python -m pitwall load DIR --warehouse PATH`) a few
seconds apart. Checked:

- both loads exit 0: a running app never makes a load fail (e.g. with a lock error);
- no page view in any session shows a Streamlit exception or an error alert;
- every figure the sessions read on the way is one of the three states of the data (before,
  after load 1, after load 2), never anything else;
- after the second load, every session shows the new data on the weekly review (opened by
  URL) and on Channel ROI (reached by the sidebar).

The number of page views and the p50 / p95 page time are printed (run with -s); times are
reported, never asserted: the machine is small and shared.

Chromium comes from the system (Debian's /usr/bin/chromium, or $PITWALL_CHROMIUM). When it is
missing the test FAILS: it never skips.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from app_server import CHROMIUM, END_MARKERS, PAGES, REPO, SNAPSHOT_JS, TITLES, running_app
from app_server import CHROMIUM_ARGS as BASE_ARGS
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright

GOLDEN = Path(__file__).resolve().parent / "golden"
CHROMIUM_ARGS = [
    *BASE_ARGS,
    "--disable-dev-shm-usage",
    # eight tabs share two cores: keep the ones not in front running at full speed
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_TIMEOUT = 90.0
# Generous: eight sessions, a server and two loads share two cores.
RENDER_TIMEOUT = 120.0
LOAD_TIMEOUT = 180.0
TEST_TIMEOUT = 600.0  # the whole run, a guard against a hang (it takes about 1-2 minutes)

SESSIONS = 8
VIEWS_BEFORE_LOADS = 1  # each session's page views before load 1 starts
LOAD_GAP = 4.0  # seconds between the end of load 1 and the start of load 2
POLL = 0.2  # seconds between two looks at a page's DOM
DIRECT_EVERY = 4  # every 4th page view is a direct visit by URL, the others sidebar clicks

KPIS = {path: kpis for path, _, kpis in PAGES}
WEEKLY, ROI = "/", "/channel_roi"

# --- the two loads: the golden files plus one order each ----------------------------------
#
# Both orders are k1's (a customer of tests/golden/customers.csv), credited to c_search_b2b
# (channel search), inside 2025-W16 (Mon 14 - Sun 20 Apr 2025), the weekly review's default
# week (the last complete one: the latest date in the data stays Sunday 2025-04-20).
LOAD_ORDERS = [
    "o16,k1,2025-04-20T12:00:00,1000,c_search_b2b",  # load 1: +€1,000
    "o17,k1,2025-04-19T09:00:00,500,c_search_b2b",  # load 2: +€500 more
]
# What a page shows in each state of the data: before the loads, after load 1, after load 2.
#
# Weekly review, 2025-W16 (no filters): revenue credited by last touch. Golden: only o13
# (k7, referral, €100); o14 (k3, €70) has no campaign, so it is credited to no channel.
#   Revenue: 100 -> 100 + 1000 = 1,100 -> 1,100 + 500 = 1,600
#   ROAS = revenue / spend, the week's spend is events' €100 (2025-04-18):
#            1.00× -> 1100 / 100 = 11.00× -> 1600 / 100 = 16.00×
#   Active customers (at least one order in the week): k7 (o13), k3 (o14) = 2;
#            + k1 (o16) = 3; o17 is k1's again = 3
# Channel ROI, default period "Last 13 weeks" = 91 days ending on the last date in the data
# (2025-04-20), so 2025-01-20 .. 2025-04-20. Credited orders in it (o1, 2025-01-12, is
# before; o8, o11, o14 have no campaign): o2 150 + o3 120 + o4 80 + o5 500 + o6 300 + o7 90
# + o9 30 + o10 60 + o12 250 + o13 100 + o15 0 = 1,680.
#   Revenue: 1,680 -> 2,680 -> 3,180
STATES = ("before the loads", "after load 1", "after load 2")
FIGURES = {
    WEEKLY: {
        "Revenue": ("€100", "€1,100", "€1,600"),
        "ROAS": ("1.00×", "11.00×", "16.00×"),
        "Active customers": ("2", "3", "3"),
    },
    ROI: {"Revenue": ("€1,680", "€2,680", "€3,180")},
}


# --- the server --------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    warehouse: Path
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


@pytest.fixture
def server(golden_warehouse, tmp_path) -> Iterator[Server]:
    """`streamlit run app.py` on a free port over a private copy of the golden warehouse."""
    folder = tmp_path / "server"
    folder.mkdir()
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(golden_warehouse, warehouse)
    log = folder / "streamlit.log"
    with running_app(warehouse, log, timeout=SERVER_START_TIMEOUT) as url:
        yield Server(url, warehouse, log)


@pytest.fixture
def load_folders(tmp_path) -> list[Path]:
    """Two folders of table files: the golden ones with LOAD_ORDERS[:1], then [:2]."""
    folders = []
    for n in range(1, len(LOAD_ORDERS) + 1):
        folder = tmp_path / f"load{n}"
        shutil.copytree(GOLDEN, folder, ignore=shutil.ignore_patterns("*.md"))
        with (folder / "orders.csv").open("a") as f:
            f.writelines(line + "\n" for line in LOAD_ORDERS[:n])
        folders.append(folder)
    return folders


# --- rendering -----------------------------------------------------------------------------


def _ready(snap: dict, path: str) -> bool:
    """The run for `path` has ended and its output is drawn (see tests/test_browser.py)."""
    if snap["connection"] != "CONNECTED" or snap["state"] != "notRunning":
        return False
    if snap["statusWidget"] or snap["stale"]:
        return False
    if snap["exceptions"] or snap["errors"]:
        return True  # the run ended in an error: let the test report it
    if TITLES[path] not in snap["titles"]:
        return False
    if not any(END_MARKERS[path] in e for e in snap["ends"]):
        return False
    if not KPIS[path]:
        return True
    if not (snap["metrics"] and all(v for _, v in snap["metrics"])):
        return False
    return 0 < snap["charts"] == snap["drawnCharts"]  # charts load lazily: wait for them


class NotRendered(Exception):
    pass


async def wait_rendered(page: Page, path: str, start: float) -> dict:
    """Poll the DOM until the page at `path` has rendered and stayed still for 3 polls."""
    deadline = start + RENDER_TIMEOUT
    quiet, nodes, snap = 0, -1, {}
    while time.monotonic() < deadline:
        try:
            snap = await page.evaluate(SNAPSHOT_JS)
        except PlaywrightError:  # a navigation replaced the document under us: poll again
            quiet, nodes = 0, -1
            await asyncio.sleep(POLL)
            continue
        stable = snap["nodes"] == nodes
        nodes = snap["nodes"]
        quiet = quiet + 1 if stable and _ready(snap, path) else 0
        if quiet >= 3:
            return snap
        await asyncio.sleep(POLL)
    shown = {k: v for k, v in snap.items() if k not in ("exceptions", "errors", "ends")}
    raise NotRendered(
        f"{page.url} did not finish rendering {TITLES[path]!r} within "
        f"{RENDER_TIMEOUT:.0f} s; last DOM state: {shown}"
    )


# --- the sessions --------------------------------------------------------------------------


@dataclass
class View:
    session: int
    path: str
    how: str  # "click" (sidebar navigation) or "goto" (URL)
    started: float  # time.monotonic()
    seconds: float
    url: str
    figures: dict[str, str]
    problems: list[str]  # exceptions and error alerts shown


@dataclass
class Shared:
    server: Server
    shots: Path
    views: list[View] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=lambda: [0] * SESSIONS)
    ended: list[bool] = field(default_factory=lambda: [False] * SESSIONS)
    loads_started_at: float | None = None  # time.monotonic() when load 1 started
    loads_done_at: float | None = None  # time.monotonic() when load 2 finished
    loads: list[dict] = field(default_factory=list)
    final: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)


async def visit(shared: Shared, n: int, page: Page, path: str, how: str) -> View:
    start = time.monotonic()
    if how == "goto":
        await page.goto(f"{shared.server.url}{path}", wait_until="domcontentloaded")
    else:
        nav = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
        await nav.filter(has_text=TITLES[path]).first.click()
    snap = await wait_rendered(page, path, start)
    view = View(
        session=n,
        path=path,
        how=how,
        started=start,
        seconds=time.monotonic() - start,
        url=page.url,
        figures=dict(tuple(m) for m in snap["metrics"]),
        problems=snap["exceptions"] + snap["errors"],
    )
    shared.views.append(view)
    shared.counts[n] += 1
    if view.problems:
        shot = shared.shots / f"session{n}-view{shared.counts[n]}.png"
        with contextlib.suppress(Exception):
            await page.screenshot(path=shot, full_page=True)
        view.problems.append(f"(screenshot: {shot})")
    return view


async def run_session(shared: Shared, n: int, browser) -> None:
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(RENDER_TIMEOUT * 1000)
    page = await context.new_page()

    async def on_dialog(dialog) -> None:
        shared.dialogs.append(f"session {n}: {dialog.type}: {dialog.message}")
        with contextlib.suppress(Exception):
            await dialog.dismiss()

    page.on("dialog", on_dialog)
    # each session walks the pages in the same order, from its own starting page
    order = [p for p, _, _ in PAGES]
    order = order[n % len(order) :] + order[: n % len(order)]
    step = 0
    try:
        while shared.loads_done_at is None:  # click on until both loads are done
            path = order[step % len(order)]
            how = "goto" if step % DIRECT_EVERY == 0 else "click"  # starts with a visit
            await visit(shared, n, page, path, how)
            step += 1
        # The loads are done and this session has moved on since: it must show the new data,
        # opened by URL (a new page load) and reached by the sidebar (a rerun).
        final = {}
        final[WEEKLY] = (await visit(shared, n, page, WEEKLY, "goto")).figures
        final[ROI] = (await visit(shared, n, page, ROI, "click")).figures
        shared.final[n] = final
    except Exception as exc:  # noqa: BLE001 - reported with the session, the others go on
        shot = shared.shots / f"session{n}-failure.png"
        with contextlib.suppress(Exception):
            await page.screenshot(path=shot, full_page=True)
        shared.failures.append(
            f"session {n} after {shared.counts[n]} page views: {type(exc).__name__}: {exc} "
            f"(screenshot: {shot})"
        )
    finally:
        shared.ended[n] = True
        with contextlib.suppress(Exception):
            await context.close()


async def run_load(shared: Shared, folder: Path) -> None:
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "pitwall",
        "load",
        str(folder),
        "--warehouse",
        str(shared.server.warehouse),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), LOAD_TIMEOUT)
    except TimeoutError:
        proc.kill()
        out, _ = await proc.communicate()
        out += f"\n(killed after {LOAD_TIMEOUT:.0f} s)".encode()
    shared.loads.append(
        {
            "folder": folder.name,
            "rc": proc.returncode,
            "seconds": time.monotonic() - started,
            "during": sum(not e for e in shared.ended),  # sessions still running
            "output": out.decode(errors="replace"),
        }
    )


async def run_loads(shared: Shared, folders: list[Path]) -> None:
    # start once every session is up and clicking (or has given up)
    pairs = lambda: zip(shared.counts, shared.ended, strict=True)  # noqa: E731
    while not all(count >= VIEWS_BEFORE_LOADS or ended for count, ended in pairs()):
        await asyncio.sleep(0.2)
    shared.loads_started_at = time.monotonic()
    for i, folder in enumerate(folders):
        if i:
            await asyncio.sleep(LOAD_GAP)
        await run_load(shared, folder)
    shared.loads_done_at = time.monotonic()


async def drive(shared: Shared, folders: list[Path]) -> None:
    async with async_playwright() as pw:
        try:
            browser = await pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Exception as exc:  # a clear failure beats a bare Playwright trace
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}")
        try:
            await asyncio.wait_for(
                asyncio.gather(
                    run_loads(shared, folders),
                    *(run_session(shared, n, browser) for n in range(SESSIONS)),
                ),
                TEST_TIMEOUT,
            )
        finally:
            await browser.close()


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def phase(view: View, shared: Shared) -> str:
    if shared.loads_started_at is None or view.started + view.seconds <= shared.loads_started_at:
        return "before the loads"
    if shared.loads_done_at is not None and view.started >= shared.loads_done_at:
        return "after the loads"
    return "while the loads ran"


# --- the test --------------------------------------------------------------------------------


def test_sessions_click_through_pages_during_loads(server, load_folders, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (Debian: apt-get install chromium) "
            "or point PITWALL_CHROMIUM at the binary. The browser tests never skip."
        )
    shared = Shared(server, tmp_path)
    started = time.monotonic()
    try:
        asyncio.run(drive(shared, load_folders))
    except TimeoutError:
        pytest.fail(
            f"the sessions and loads did not finish within {TEST_TIMEOUT:.0f} s; page views "
            f"per session: {shared.counts}; loads: {[(x['folder'], x['rc']) for x in shared.loads]}"
            f"; failures: {shared.failures}\nserver log:\n{server.log_tail()}"
        )
    elapsed = time.monotonic() - started

    views = shared.views
    times = [v.seconds for v in views]
    if times:
        print(
            f"\n[concurrency] {SESSIONS} sessions, {len(views)} page views "
            f"({sum(v.how == 'click' for v in views)} by sidebar click), "
            f"p50 {percentile(times, 50):.1f} s, p95 {percentile(times, 95):.1f} s, "
            f"max {max(times):.1f} s; {elapsed:.0f} s in all",
            flush=True,
        )
        for path in TITLES:
            own = [v.seconds for v in views if v.path == path]
            if own:
                print(
                    f"[concurrency]   {path:<15} {len(own):>3} views, "
                    f"p50 {percentile(own, 50):.1f} s, p95 {percentile(own, 95):.1f} s",
                    flush=True,
                )
    start, end = shared.loads_started_at or 0.0, shared.loads_done_at or 0.0
    during = [v for v in views if v.started < end and v.started + v.seconds > start]
    print(
        f"[concurrency] {sum(v.started + v.seconds <= start for v in views)} page views before "
        f"the loads, {len(during)} while they ran ({end - start:.1f} s), "
        f"{sum(v.started >= end for v in views)} after",
        flush=True,
    )
    for load in shared.loads:
        print(
            f"[concurrency] load {load['folder']}: exit {load['rc']} in {load['seconds']:.1f} s "
            f"with {load['during']} sessions clicking",
            flush=True,
        )

    # 1. the sessions got through: no timeouts, no hangs
    assert not shared.failures, (
        f"{len(shared.failures)} of {SESSIONS} sessions failed:\n"
        + "\n".join(shared.failures)
        + f"\nserver log:\n{server.log_tail()}"
    )
    # 2. both loads succeeded while the sessions ran
    assert len(shared.loads) == len(load_folders), f"loads run: {shared.loads}"
    for load in shared.loads:
        assert load["rc"] == 0, (
            f"`python -m pitwall load {load['folder']}` exited {load['rc']} while "
            f"{load['during']} sessions were clicking (a running app must never make a load "
            f"fail):\n{load['output']}"
        )
    # the sessions really clicked while the loads ran: each had a page view in flight then
    assert all(x["during"] == SESSIONS for x in shared.loads), (
        "some sessions had stopped before the loads ran: the loads did not happen under load "
        f"({[(x['folder'], x['during']) for x in shared.loads]})"
    )
    idle = [n for n in range(SESSIONS) if not any(v.session == n for v in during)]
    assert not idle, f"sessions {idle} viewed no page while the loads ran"
    # 3. no page view anywhere showed an exception or an error
    bad = [v for v in views if v.problems]
    assert not bad, f"{len(bad)} of {len(views)} page views showed an error:\n" + "\n---\n".join(
        f"session {v.session}, {v.how} {v.url} ({phase(v, shared)}):\n" + "\n".join(v.problems)
        for v in bad[:5]
    )
    assert not shared.dialogs, f"JavaScript dialogs: {shared.dialogs}"
    # 4. every figure seen is one state of the data, and the first views saw the golden one
    odd = []
    for v in views:
        for label, values in FIGURES.get(v.path, {}).items():
            if v.figures.get(label) not in values:
                odd.append(f"session {v.session} {v.url}: {label} {v.figures.get(label)!r}")
    assert not odd, (
        "figures that match no state of the data (expected one of "
        f"{ {p: dict(f) for p, f in FIGURES.items()} }):\n" + "\n".join(odd[:20])
    )
    first = {p: next((v for v in views if v.path == p), None) for p in FIGURES}
    for path, v in first.items():
        assert v is not None, f"no session viewed {path}"
        for label, values in FIGURES[path].items():
            assert v.figures.get(label) == values[0], (
                f"the first view of {v.url} (before the loads) shows {label} "
                f"{v.figures.get(label)!r}, not the golden {values[0]!r}"
            )
    # 5. every session ends up showing the new data, by URL and by sidebar navigation
    assert sorted(shared.final) == list(range(SESSIONS)), f"final views: {sorted(shared.final)}"
    stale = []
    for n, final in sorted(shared.final.items()):
        for path, figures in final.items():
            for label, values in FIGURES[path].items():
                shown = figures.get(label)
                if shown != values[-1]:
                    state = STATES[values.index(shown)] if shown in values else "no state"
                    stale.append(
                        f"session {n} {path}: {label} {shown!r} ({state}), "
                        f"expected {values[-1]!r} ({STATES[-1]})"
                    )
    assert not stale, (
        "after both loads finished, sessions opening a page still show old data:\n"
        + "\n".join(stale)
    )
