"""What the browser tests share: Debian's Chromium, and a real `streamlit run app.py` on a
free loopback port, started, waited for and stopped in one place."""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pitwall.navigation import DEFAULT_PAGE
from pitwall.navigation import PAGES as NAVIGATION

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

# The pages of app.py (pitwall/navigation.py): (URL path, page title, shows KPI tiles and
# charts: the pages with a query set)
PAGES = [
    ("/" if p.path == DEFAULT_PAGE else f"/{p.path}", p.title, p.queries is not None)
    for p in NAVIGATION
]
TITLES = {path: title for path, title, _ in PAGES}
# The last element each page draws: the metric definitions caption (on the weekly review
# too, after its tiles, highlights and trend chart), or on Data the import-contract
# expander. Seeing it means the whole run's output has reached the DOM.
END_MARKERS = {path: "Full definitions: docs/metrics.md." for path in TITLES}
END_MARKERS["/data"] = "The import contract"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
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
        f"Streamlit did not answer {url}/_stcore/health within {timeout:.0f} s "
        f"(last: {last}). Log:\n{log.read_text(errors='replace')[-3000:]}"
    )


@contextlib.contextmanager
def running_app(
    warehouse: Path, log: Path, *args: str, port: int | None = None, timeout: float = 60.0
) -> Iterator[str]:
    """`streamlit run app.py` over `warehouse` (extra Streamlit `args` allowed), logging to
    `log`; yields its loopback URL once healthy and stops it afterwards."""
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        *args,
    ]  # fmt: skip
    env = {**os.environ, "PITWALL_WAREHOUSE": str(warehouse)}
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url, proc, log, timeout)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


# What a page shows, read in one go: Streamlit's run state, the titles, the tiles, the links
# and the charts. Streamlit 1.67 marks [data-testid=stApp] with data-test-script-state and
# data-test-connection-state; a previous run's elements carry data-stale="true".
SNAPSHOT_JS = """() => {
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
    deltas: all('[data-testid="stMetric"]').map((m) => text(m, '[data-testid="stMetricDelta"]')),
    links: all('[data-testid="stMain"] [data-testid="stPageLink"] a, '
               + '[data-testid="stMain"] [data-testid="stMarkdownContainer"] a[target]')
      .map((a) => [
      a.innerText.split('\\n').map((t) => t.trim()).filter((t) => t).pop() ?? '',
      a.getAttribute('href') ?? '',
    ]),
    exceptions: all('[data-testid="stException"]').map((e) => e.innerText.slice(0, 2000)),
    errors: all('[data-testid="stAlertContentError"]').map((e) => e.innerText.slice(0, 2000)),
    charts: charts.length,
    drawnCharts: charts.filter((c) => c.querySelector('svg, canvas')).length,
  };
}"""
