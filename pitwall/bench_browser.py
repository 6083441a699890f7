"""`pitwall bench --browser`: speed as a user feels it, in Chromium.

A real `streamlit run app.py` over the bench warehouse; for each page, the time from a
navigation to a settled page (a fresh tab each time, as a colleague opening a link), and
from a filter change (the sidebar's Kind: online, then back) to a settled page. Settled:
Streamlit's run state is notRunning, no element is stale, no status widget shows, and the
DOM has not changed for SETTLE seconds. Medians of `runs`. Needs Playwright (a test
dependency: `pip install -r requirements-dev.txt`) and Debian's chromium.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from pitwall.browser import CHROMIUM, CHROMIUM_ARGS, running_app
from pitwall.navigation import DEFAULT_PAGE, PAGES

SETTLE = 0.3  # seconds without a DOM change that count as settled
POLL = 0.05
TIMEOUT = 60.0
_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {
    state: app ? app.dataset.testScriptState : null,
    stale: document.querySelectorAll('[data-stale="true"]').length,
    status: document.querySelectorAll('[data-testid="stStatusWidget"]').length,
    nodes: document.getElementsByTagName('*').length,
    title: !!document.querySelector('[data-testid="stMain"] h1'),
  };
}"""


def settled(page, start: float) -> float:
    """Seconds from `start` until the page last changed before settling."""
    last_nodes, last_change = -1, time.monotonic()
    while time.monotonic() - start < TIMEOUT:
        s = page.evaluate(_STATE_JS)
        now = time.monotonic()
        if s["nodes"] != last_nodes:
            last_nodes, last_change = s["nodes"], now
        quiet = s["state"] == "notRunning" and not s["stale"] and not s["status"] and s["title"]
        if quiet and now - last_change >= SETTLE:
            return last_change - start
        time.sleep(POLL)
    raise TimeoutError(f"{page.url} did not settle within {TIMEOUT:.0f} s")


def measure(warehouse: Path, runs: int, progress=lambda _: None) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # a test dependency
        raise RuntimeError(
            "bench --browser needs Playwright: pip install -r requirements-dev.txt"
        ) from exc
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"bench --browser needs Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    out = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_app(warehouse, Path(tmp) / "app.log") as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for p in PAGES:
                out[p.path] = _page(browser, url, p, runs, progress)
        finally:
            browser.close()
    return out


def _page(browser, url: str, p, runs: int, progress) -> dict:
    path = "" if p.path == DEFAULT_PAGE else p.path
    progress(f"Chromium: {p.title}")
    opens, changes = [], []
    for _ in range(runs + 1):  # the first warms the server's caches
        tab = browser.new_page(viewport={"width": 1440, "height": 900})
        start = time.monotonic()
        tab.goto(f"{url}/{path}", wait_until="commit")
        opens.append(settled(tab, start))
        if p.queries and p.path != DEFAULT_PAGE:
            kind = tab.locator('[data-testid="stSidebar"]').get_by_text("online", exact=True)
            start = time.monotonic()
            kind.click()
            changes.append(settled(tab, start))
        tab.close()
    return {
        "open_ms": round(statistics.median(opens[1:]) * 1000),
        "change_ms": round(statistics.median(changes[1:]) * 1000) if changes else None,
    }


def table(result: dict) -> str:
    lines = [f"{'page':<15}{'open':>10}{'filter change':>16}"]
    for page, r in result.items():
        change = f"{r['change_ms']:>14,}ms" if r["change_ms"] is not None else f"{'–':>16}"
        lines.append(f"{page:<15}{r['open_ms']:>8,}ms{change}")
    lines.append(
        "Chromium at 1440 px, median of warm runs: open = navigation to a settled page in a "
        "fresh tab; filter change = clicking Kind: online to a settled page"
    )
    return "\n".join(lines)
