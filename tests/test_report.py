"""The weekly review as a file: `python -m pitwall report` (PDF and HTML) and `report.html`.

Every expected figure is worked out by hand from the golden business (tests/golden/, see its
README) and the "Weekly review" section of docs/metrics.md, with the arithmetic next to it.
Displayed strings follow pitwall/formatting.py: money "€100" (two decimals below €100, so
"€0.00", "€25.00"), percent "12.3 %", ratio "1.00×"; changes are relative for amounts and in
points ("pp") for shares, and a change from 0 (or from an empty figure) is shown as "–".

The reviewed week is 2025-W16, Mon 14 – Sun 20 Apr 2025, the last complete week of the data
(the last dated row is o14 on Sunday 2025-04-20). Weeks used below:

    W11 10–16 Mar: spend search_b2b 30 (03-16); order o10 (k5, social) 60
    W12 17–23 Mar: spend search_b2c 60 (03-20); order o4 (k2, search_b2c) 80; L8 won 03-20
    W13 24–30 Mar: spend print 80 (03-25); order o11 (k5, no campaign) 40
    W14 31 Mar–6 Apr: spend search_b2b 50 (04-04); orders o6 (k3, events) 300,
                      o15 (k2, social) 0
    W15 7–13 Apr: spend social 25 (04-10); order o8 (k4, no campaign) 60
    W16 14–20 Apr: spend events 100 (04-18); orders o13 (k7, referral) 100,
                   o14 (k3, no campaign) 70
    No lead is created and no customer acquired in W12..W16.

Tiles of W16 (the four-week average is over W12..W15):
    spend 100; before 25 -> +300.0 %; average (60+80+50+25)/4 = 53.75 -> 100/53.75 = +86.0 %
    online share 0/100 = 0.0 %; before 25/25 = 100 % -> -100.0 pp;
        average online (60+0+50+25)/4 = 33.75 over 53.75 = 62.79 % -> -62.8 pp
    revenue (credited) o13 100; before 0 (o8 has no campaign) -> –;
        average (80+0+300+0)/4 = 95 -> +5.3 %
    ROAS 100/100 = 1.00×; before 0/25 = 0 -> –; average 95/53.75 = 1.767 -> -43.4 %
    leads 0 (– and –); cost per lead – ; new customers 0 (average 0 -> –); CAC –
    deals won 0; before 0 -> –; average 1/4 (L8 in W12) -> -100.0 %
    active customers k7, k3 = 2; before k4 = 1 -> +100.0 %; average (1+1+2+1)/4 = 1.25
        -> +60.0 %

Highlights of W16 (score in brackets; at most six, at most three movers):
    movers, W16 against W15 by channel: revenue total max(100, 0) = 100: referral 0 -> 100
        [1.0]; spend total max(100, 25) = 100: events 0 -> 100 [1.0], social 25 -> 0 [0.25];
        leads: no leads in either week, no mover
    online share 0.0 % against April's 50 % target (Thursday 17 Apr): 50.0 pp under [0.5]
    budget pace to Sun 20 Apr (20 of 30 days): search 50 / (60*20/30 = 40) = 125 % over
        [10/60 = 0.17]; social 25 / (30*20/30 = 20) = 125 % over [5/60 = 0.08]; events has
        no April budget
    funnel: leads created 24 Feb–23 Mar (L7, L8) against 27 Jan–23 Feb (L4, L5, L6), 28-day
        window. Now reached: identified 2, qualified 1, presented 1, offer 1, decision 1,
        won 1; before: 3, 3, 2, 1, 1, 0. Conversion from previous, now - before:
        qualified 0.5-1, presented 1-2/3, offer 1-1/2, decision 1-1, won 1-0 = +1.0: the
        largest, "from decision to won rose from 0.0 % to 100.0 %" [1.0]
    cohorts: the newest cohort whose period 1 is over by 20 Apr is February 2025 (k3, k4, k6,
        k7; none ordered in March): 0/4 = 0.0 %, against the January cohort (k1, k2; k2
        ordered in February): 1/2 = 50.0 % [0.5]
    Ranked: the three at 1.0, then online share and cohort at 0.5, then social spend 0.25;
    the two pace highlights come seventh and eighth and are cut.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pypdf
import pytest
from app_server import CHROMIUM, CHROMIUM_ARGS, REPO
from playwright.sync_api import sync_playwright

from pitwall import report
from pitwall.filters import Filters

SVG_NS = "{http://www.w3.org/2000/svg}"

WEEK = "2025-W16"
MONDAY = dt.date(2025, 4, 14)
LABEL = "2025-W16 · 14 Apr – 20 Apr 2025"
TILE_LABELS = [
    "Spend",
    "Online share",
    "Revenue",
    "ROAS",
    "Leads",
    "Cost per lead",
    "Deals won",
    "New customers",
    "CAC",
    "Active customers",
]
# (label, value, vs week before, vs 4-week average), see the module docstring
W16_TILES = [
    ("Spend", "€100", "+300.0 %", "+86.0 %"),
    ("Online share", "0.0 %", "-100.0 pp", "-62.8 pp"),
    ("Revenue", "€100", "–", "+5.3 %"),
    ("ROAS", "1.00×", "–", "-43.4 %"),
    ("Leads", "0", "–", "–"),
    ("Cost per lead", "–", "–", "–"),
    ("Deals won", "0", "–", "-100.0 %"),
    ("New customers", "0", "–", "–"),
    ("CAC", "–", "–", "–"),
    ("Active customers", "2", "+100.0 %", "+60.0 %"),
]
# The six highlights of W16 as plain text (bold markers dropped), grouped by equal score.
REFERRAL = "Revenue from referral rose from nothing to €100 against the week before."
EVENTS = "Spend from events rose from nothing to €100 against the week before."
FUNNEL = (
    "Conversion from decision to won rose from 0.0 % to 100.0 % for leads created "
    "24 Feb–23 Mar, against the four weeks before (each lead given 28 days)."
)
SHARE = "The online share of spend was 0.0 %, 50.0 pp under its 50 % target."
COHORT = (
    "The February 2025 cohort kept 0.0 % of its customers ordering in their first month "
    "after acquisition, against 50.0 % for the 1 cohort before it."
)
SOCIAL = "Spend from social fell to nothing from €25.00 against the week before."
W16_HIGHLIGHTS = [{REFERRAL, EVENTS, FUNNEL}, {SHARE, COHORT}, {SOCIAL}]
SEARCH_PACE = (
    "search is over its budget pace: €50.00 spent by 20 April, 125 % of its April budget "
    "prorated to that day (€40.00)."
)
NOTHING = "Nothing was spent, sold or won in these thirteen weeks"
QUIET = "Nothing moved much this week"
GENERATED = re.compile(r"Generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} by Pitwall")


# --- helpers --------------------------------------------------------------------------------


def run_report(out: Path, *args: str, warehouse: Path | None = None):
    cmd = [sys.executable, "-m", "pitwall", "report", "--out", str(out), *args]
    if warehouse is not None:
        cmd += ["--warehouse", str(warehouse)]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)


def written(proc, out: Path) -> Path:
    assert proc.returncode == 0, f"report failed ({proc.returncode}):\n{proc.stderr}"
    assert out.is_file(), f"{out} was not written; stdout: {proc.stdout}"
    return out


def squash(text: str) -> str:
    """Whitespace normalised: PDF text extraction breaks lines inside sentences."""
    return " ".join(text.split())


def visible(page: str) -> str:
    """The HTML's text as read: no style, no charts, no tags, entities decoded."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return squash(html_lib.unescape(page))


def tile(label: str, value: str, vs_week: str, vs_average: str) -> str:
    return f"{label} {value} {vs_week} vs week before {vs_average} vs 4-week average"


def highlight_items(page: str) -> list[str]:
    """The text of each item of the 'What changed' list, without its 'See <page>' link."""
    listed = re.search(r'<ol class="highlights">(.*?)</ol>', page, flags=re.S)
    if listed is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", listed.group(1), flags=re.S)
    return [visible(re.sub(r'<span class="where">.*', "", item, flags=re.S)) for item in items]


def links(page: str) -> list[tuple[str, str]]:
    """(href, link text) of every <a> element."""
    found = re.findall(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', page, flags=re.S)
    return [(html_lib.unescape(href), visible(text)) for href, text in found]


def comparable(page: str) -> str:
    """The page without what may differ between two writes of the same report: the
    "Generated" time, and the numbers of SVG ids (vl-convert counts its gradients per
    process, so a second chart in one process says gradient_1 where a fresh one says
    gradient_0); ids are renumbered in order of first appearance, so distinct stay distinct.
    """
    page = GENERATED.sub("Generated <timestamp> by Pitwall", page)
    ids: dict[str, str] = {}

    def renumber(m: re.Match) -> str:
        return ids.setdefault(m.group(0), f"{m.group(1)}#{len(ids)}")

    return re.sub(r"\b(gradient|clip|pattern)_?\d+\b", renumber, page)


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


# --- the files, each written once per module -------------------------------------------------


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("report")


@pytest.fixture(scope="module")
def w16_pdf(golden_warehouse, out_dir) -> Path:
    out = out_dir / "w16.pdf"
    return written(run_report(out, "--week", WEEK, warehouse=golden_warehouse), out)


@pytest.fixture(scope="module")
def w16_html(golden_warehouse, out_dir) -> Path:
    out = out_dir / "w16.html"
    return written(run_report(out, "--week", WEEK, warehouse=golden_warehouse), out)


@pytest.fixture(scope="module")
def w16_text(w16_html) -> str:
    return w16_html.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def linked_text(golden_warehouse, out_dir) -> str:
    out = out_dir / "linked.html"
    proc = run_report(
        out,
        "--week",
        WEEK,
        "--base-url",
        "http://pitwall.example:8501",
        warehouse=golden_warehouse,
    )
    return written(proc, out).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def search_w16(golden_warehouse, out_dir) -> str:
    out = out_dir / "search-w16.html"
    proc = run_report(out, "--week", WEEK, "--channel", "search", warehouse=golden_warehouse)
    return written(proc, out).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def search_w14(golden_warehouse, out_dir) -> str:
    out = out_dir / "search-w14.html"
    proc = run_report(out, "--week", "2025-W14", "--channel", "search", warehouse=golden_warehouse)
    return written(proc, out).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def default_run(golden_warehouse, out_dir):
    out = out_dir / "default.html"
    proc = run_report(out, warehouse=golden_warehouse)
    return proc, written(proc, out).read_text(encoding="utf-8")


# --- 1. PDF -----------------------------------------------------------------------------------


def test_pdf_is_a4_with_the_weeks_figures_and_highlights(w16_pdf):
    data = w16_pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(w16_pdf)
    pages = len(reader.pages)
    assert pages >= 2  # the analysis charts start on a page of their own
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595) <= 1 and abs(height - 842) <= 1, (width, height)

    page_texts = [squash(p.extract_text()) for p in reader.pages]
    text = " ".join(page_texts)
    assert f"Weekly review · {WEEK}" in text
    assert f"{LABEL} · the whole business" in text
    for figure in ("€100", "1.00×", "0.0 %", "+300.0 %"):
        assert figure in text, figure
    for label in TILE_LABELS:
        assert label in text, label
    for row in W16_TILES:
        assert tile(*row) in text, row
    for group in W16_HIGHLIGHTS:
        for sentence in group:
            assert sentence in text, sentence
    assert "50.0 pp under its 50 % target" in text
    assert "Revenue from referral rose from nothing" in text
    assert "The February 2025 cohort kept 0.0 %" in text
    assert SEARCH_PACE not in text  # ranked seventh: cut by the limit of six
    assert "**" not in text  # the bold markers became bold type
    # page footer: "Pitwall weekly review 2025-W16 1 / N" with N the page count
    assert f"Pitwall weekly review {WEEK} 1 / {pages}" in text
    # the tiles and highlights are on the first page, the analysis charts after it
    assert "What changed" in page_texts[0] and REFERRAL in page_texts[0]
    assert "Spend by month, online and offline" not in page_texts[0]
    assert "Spend by month, online and offline" in " ".join(page_texts[1:])


# --- 2. HTML: self-contained, renders offline --------------------------------------------------


def test_html_is_self_contained(w16_text):
    assert w16_text.lstrip().startswith("<!DOCTYPE html>")
    lowered = w16_text.lower()
    for banned in ("<script", "<link", "@import", "url(http", "<iframe", "<object", "<embed"):
        assert banned not in lowered, banned
    assert not re.search(r"<img\b[^>]*\bsrc\s*=\s*[\"']?\s*(https?:)?//", lowered)
    # nothing anywhere refers to another address (SVG references are in-document: "#id")
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?\s*(?:https?:|//)", lowered)

    charts = svgs(w16_text)
    assert len(charts) >= 5  # the trends and one chart per analysis page
    for chart in charts:
        ET.fromstring(chart)  # each is well-formed SVG
    # inline SVGs share one id space: an id used twice would paint one chart with another's
    ids = re.findall(r'\bid="([^"]*)"', w16_text)
    assert len(ids) == len(set(ids)), ids
    figures = dict(re.findall(r"<h2>([^<]*)</h2>\s*<figure>(.*?)</figure>", w16_text, re.S))
    for title in ("Thirteen weeks", "Spend balance", "Channel ROI", "Funnel", "Cohorts"):
        assert title in figures, f"no {title} heading with a figure"
        assert "<svg" in figures[title], f"the {title} figure has no chart"


def test_html_shows_the_weeks_tiles_and_ranked_highlights(w16_text):
    text = visible(w16_text)
    assert f"{LABEL} · the whole business." in text
    for row in W16_TILES:
        assert tile(*row) in text, row
    # colours by the metric's direction: spend is neutral, more active customers good
    spend = re.search(r'<div class="label">Spend</div>(.*?)vs week before', w16_text, re.S)
    active = re.search(
        r'<div class="label">Active customers</div>(.*?)vs week before', w16_text, re.S
    )
    assert spend and 'class="flat"' in spend.group(1) and 'class="bad"' not in spend.group(1)
    assert active and 'class="good"' in active.group(1)
    # ranked by score; the order within equal scores is not specified
    items = highlight_items(w16_text)
    assert len(items) == 6, items
    assert set(items[:3]) == W16_HIGHLIGHTS[0]
    assert set(items[3:5]) == W16_HIGHLIGHTS[1]
    assert set(items[5:]) == W16_HIGHLIGHTS[2]
    assert "<strong>referral</strong>" in w16_text
    assert "<strong>February 2025</strong>" in w16_text


def test_chart_axes_have_distinct_labels(w16_text):
    """A count axis ticked at 0.5 shows '0, 1, 1': every axis's labels must differ."""
    repeated = []
    for chart in svgs(w16_text):
        for group in ET.fromstring(chart).iter(f"{SVG_NS}g"):
            axis = group.get("aria-label") or ""
            if not axis.startswith(("X-axis", "Y-axis")):
                continue
            labels = [
                t.text
                for g in group.iter(f"{SVG_NS}g")
                if "role-axis-label" in (g.get("class") or "")
                for t in g.iter(f"{SVG_NS}text")
                if t.text  # a tick left unlabelled (e.g. at a half on a count axis)
            ]
            if len(labels) != len(set(labels)):
                repeated.append((axis, labels))
    assert not repeated, repeated


def test_html_opens_offline_in_chromium(w16_html):
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it or set PITWALL_CHROMIUM")
    url = w16_html.resolve().as_uri()
    requested: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda r: requested.append(r.url))
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")
            boxes = page.evaluate(
                """() => [...document.querySelectorAll('svg')].map(s => {
                    const r = s.getBoundingClientRect();
                    return [r.width, r.height];
                })"""
            )
            body = page.inner_text("body")
        finally:
            browser.close()
    assert requested == [url]
    assert len(boxes) == len(svgs(w16_html.read_text(encoding="utf-8"))) >= 5
    assert all(w > 0 and h > 0 for w, h in boxes), boxes
    assert f"Weekly review · {WEEK}" in body


# --- 3. links to the dashboard -----------------------------------------------------------------


def test_base_url_links_each_highlight_to_its_page(linked_text):
    found = links(linked_text)
    assert len(found) == 6  # one per highlight, nothing else
    titles = {
        "spend_balance": "Spend balance",
        "channel_roi": "Channel ROI",
        "funnel": "Funnel",
        "cohorts": "Cohorts",
    }
    by_page: dict[str, list[dict]] = {}
    for href, text in found:
        assert href.startswith("http://pitwall.example:8501/"), href
        assert "period=Custom+range" in href and "dates=" in href, href
        parts = urlsplit(href)
        page = parts.path.strip("/")
        assert page in titles, href
        assert text == f"See {titles[page]}"
        query = parse_qs(parts.query)
        assert query["period"] == ["Custom range"]
        assert len(query["dates"]) == 2
        by_page.setdefault(page, []).append(query)

    week = ["2025-01-20", "2025-04-20"]  # a mover links the thirteen weeks to its week
    roi = sorted(by_page["channel_roi"], key=lambda q: q["channel"])
    assert [(q["channel"], q["dates"]) for q in roi] == [
        (["events"], week),
        (["referral"], week),
        (["social"], week),
    ]
    [funnel] = by_page["funnel"]
    assert funnel["dates"] == ["2025-02-24", "2025-03-23"]  # the leads the sentence compares
    assert funnel["window"] == ["28"]
    [cohorts] = by_page["cohorts"]
    # Feb 2025 and six cohort months before (from 2024-08-01), held to the first data date
    assert cohorts["dates"] == ["2025-01-05", "2025-02-28"]
    [share] = by_page["spend_balance"]
    assert share["dates"][0] <= "2025-04-14" and share["dates"][1] == "2025-04-20"

    # each link sits in the item of its own sentence
    items = re.findall(r"<li>(.*?)</li>", linked_text, flags=re.S)
    referral = next(i for i in items if "<strong>referral</strong>" in i)
    assert "channel=referral" in referral and "/channel_roi?" in referral


def test_without_base_url_there_are_no_links(w16_text):
    assert "<a " not in w16_text and "href=" not in w16_text
    assert links(w16_text) == []
    assert "See Channel ROI." in visible(w16_text)


# --- 4. filters --------------------------------------------------------------------------------


def test_channel_filter_names_the_scope_and_changes_the_figures(search_w16, w16_text):
    text = visible(search_w16)
    assert f"{LABEL} · channel search." in text
    assert "the whole business" not in text
    # search in W16: no spend (the week's 100 is events), no credited revenue (o13 is
    # referral); averages over W12..W15: spend (60+0+50+0)/4, revenue (80+0+0+0)/4;
    # active customers acquired by search (k1, k4, k6): W15 k4 = 1, W12..W15 (0+0+0+1)/4
    assert tile("Spend", "€0.00", "–", "-100.0 %") in text
    assert tile("Online share", "–", "–", "–") in text
    assert tile("Revenue", "€0.00", "–", "-100.0 %") in text
    assert tile("ROAS", "–", "–", "–") in text
    assert tile("Active customers", "0", "-100.0 %", "-100.0 %") in text
    assert tile("Spend", "€100", "+300.0 %", "+86.0 %") in visible(w16_text)
    # less spend is neither good nor bad by itself
    spend = re.search(r'<div class="label">Spend</div>(.*?)vs 4-week', search_w16, re.S)
    assert spend and 'class="flat">-100.0 %' in spend.group(1)
    # highlights for search alone: no movers (nothing in W15 or W16), no online share (no
    # spend), no funnel (no search lead created 24 Feb-23 Mar), cohorts Feb 0/2 against
    # Jan 0/1 (no gap); only the pace: 50 spent by 20 Apr against 60*20/30 = 40
    assert highlight_items(search_w16) == [SEARCH_PACE]


def test_channel_filter_week_with_search_spend(search_w14):
    text = visible(search_w14)
    assert "2025-W14 · 31 Mar – 06 Apr 2025 · channel search." in text
    # spend search_b2b 50 on 04-04; W13 none -> –; W10..W13 (0+30+60+0)/4 = 22.5 -> +122.2 %
    assert tile("Spend", "€50.00", "–", "+122.2 %") in text
    # all the filtered spend is online: 100 %; W10..W13 online 90 of 90 -> +0.0 pp
    assert tile("Online share", "100.0 %", "–", "+0.0 pp") in text
    # W14's revenue is o6 (events) and o15 (social): none for search; average
    # (o2 150 + 0 + o4 80 + 0)/4 = 57.5 -> -100.0 %; ROAS 0/50
    assert tile("Revenue", "€0.00", "–", "-100.0 %") in text
    assert tile("ROAS", "0.00×", "–", "-100.0 %") in text
    # movers: search spend 0 -> 50; the share of W14 (Thursday 3 Apr: April, 50 %); the pace
    # is judged on March (Sunday 6 Apr is in April's first six days): 160 of 155, on pace
    assert sorted(highlight_items(search_w14)) == sorted(
        [
            "Spend from search rose from nothing to €50.00 against the week before.",
            "The online share of spend was 100.0 %, 50.0 pp over its 50 % target.",
        ]
    )


# --- 5. the default week -----------------------------------------------------------------------


def test_default_week_is_the_last_complete_week(default_run, w16_text, out_dir):
    proc, text = default_run
    # the last dated row is o14 on Sunday 2025-04-20, so 2025-W16 is complete
    assert re.fullmatch(
        rf"Weekly review {WEEK} written to {re.escape(str(out_dir / 'default.html'))} "
        r"in \d+\.\d s\n",
        proc.stdout,
    ), proc.stdout
    assert proc.stderr == ""
    assert f"Weekly review · {WEEK}" in text
    assert comparable(text) == comparable(w16_text)


# --- 6. errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "out_name", "missing", "code", "says"),
    [
        # a flag the command cannot use is bad input (2); no warehouse to read is a failure (1)
        (["--week", "2025-W54"], "r.pdf", False, 2, ["2025-W54", "no week 54"]),
        (["--week", "last-week"], "r.pdf", False, 2, ["'last-week'", "2025-W07"]),
        (["--week", WEEK], "report.docx", False, 2, ["report.docx", ".pdf or .html"]),
        (["--week", WEEK], "r.pdf", True, 1, ["no warehouse at", "missing.duckdb"]),
        ([], "r.html", True, 1, ["no warehouse at", "missing.duckdb"]),
    ],
    ids=["week-54", "not-a-week", "docx", "no-warehouse", "no-warehouse-default-week"],
)
def test_errors_exit_with_one_line(golden_warehouse, tmp_path, args, out_name, missing, code, says):
    out = tmp_path / out_name
    warehouse = tmp_path / "missing.duckdb" if missing else golden_warehouse
    proc = run_report(out, *args, warehouse=warehouse)
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    for word in says:
        assert word in lines[0], (word, lines[0])
    assert proc.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # nothing written, no warehouse created


# --- 7. a week without data ---------------------------------------------------------------------


def test_week_without_data_says_nothing_happened(golden_warehouse, tmp_path):
    out = tmp_path / "quiet.html"
    proc = run_report(out, "--week", "2023-W10", warehouse=golden_warehouse)
    page = written(proc, out).read_text(encoding="utf-8")
    assert proc.stdout.startswith("Weekly review 2023-W10 written to ")
    text = visible(page)
    assert page.lstrip().startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "2023-W10 · 06 Mar – 12 Mar 2023 · the whole business." in text
    assert f"{NOTHING}." in text
    assert QUIET in text
    assert highlight_items(page) == []
    assert "Thirteen weeks" not in text and "<svg" not in page
    assert tile("Spend", "€0.00", "–", "–") in text
    assert tile("Active customers", "0", "–", "–") in text


def test_week_without_data_names_the_filtered_scope(golden_warehouse, tmp_path):
    out = tmp_path / "quiet-search.html"
    proc = run_report(out, "--week", "2023-W10", "--channel", "search", warehouse=golden_warehouse)
    text = visible(written(proc, out).read_text(encoding="utf-8"))
    assert f"{NOTHING} for channel search." in text


# --- 8. the Python API and the CLI write the same report -----------------------------------------


def test_api_html_equals_the_cli_file(golden_con, w16_text):
    page = report.html(golden_con, MONDAY)
    assert GENERATED.search(page)
    assert comparable(page) == comparable(w16_text)


def test_api_html_with_filters_equals_the_cli_file(golden_con, search_w16):
    page = report.html(golden_con, MONDAY, Filters(channels=("search",)))
    assert comparable(page) == comparable(search_w16)


# --- the PDF's layout ---------------------------------------------------------------------

MARGIN_PT = 14 / 25.4 * 72  # the template's @page side margins, 14 mm
FOOTER_PT = 45  # the page-number line at the bottom of every page


@pytest.fixture(scope="module")
def demo_pdf(demo_warehouse, out_dir) -> Path:
    """A busy week: thirteen channels, six highlights, every page chart."""
    return written(run_report(out_dir / "demo.pdf", warehouse=demo_warehouse), out_dir / "demo.pdf")


@pytest.mark.parametrize("which", ["w16_pdf", "demo_pdf"])
def test_pdf_clips_nothing_fills_its_pages_and_uses_one_font(which, request):
    import pdfplumber

    with pdfplumber.open(request.getfixturevalue(which)) as pdf:
        pages = pdf.pages
        assert len(pages) >= 2
        for page in pages:
            words = page.extract_words()
            assert words, f"page {page.page_number} is blank"
            # every word inside the page's text area (a chart's label running past its
            # edge would be cut off by the SVG)
            outside = [
                w["text"]
                for w in words
                if w["x0"] < MARGIN_PT - 1
                or w["x1"] > page.width - MARGIN_PT + 1
                or w["top"] < 0
                or w["bottom"] > page.height
            ]
            assert not outside, f"page {page.page_number}: {outside}"
            families = {c["fontname"].split("+")[-1].split("-")[0] for c in page.chars}
            assert families == {"DejaVu"}, f"page {page.page_number}: {families}"
            if page.page_number < len(pages):
                body = [w["bottom"] for w in words if w["bottom"] < page.height - FOOTER_PT]
                filled = (max(body) - MARGIN_PT) / (page.height - FOOTER_PT - MARGIN_PT)
                assert filled >= 0.5, f"page {page.page_number} is {filled:.0%} filled"
