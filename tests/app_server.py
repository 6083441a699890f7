"""What the browser tests share: Debian's Chromium, and a real `streamlit run app.py` on a
free loopback port, started, waited for and stopped in one place."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pitwall.browser import CHROMIUM, CHROMIUM_ARGS, REPO, running_app

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "REPO", "running_app"]  # the tests import these here
from pitwall.navigation import DEFAULT_PAGE
from pitwall.navigation import PAGES as NAVIGATION

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
