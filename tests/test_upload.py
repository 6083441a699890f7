"""Loading files in the browser (Data page): the same checks as `pitwall load`, every problem
in a table, nothing changed unless everything is valid. Real server, Debian's Chromium.

Uses the server and browser fixtures of tests/test_browser.py (a private copy of the golden
warehouse per module, so these uploads never touch the other browser tests' warehouse).
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from app_server import sha256
from test_browser import (  # noqa: F401, F811  (fixtures are used by name)
    RENDER_TIMEOUT,
    browser,
    open_page,
    open_tab,
    report,
    server,
    shared_context,
    shot_on_failure,
)

from pitwall.warehouse import open_readonly


def _upload(page, files: list[Path], shot: Path) -> str:
    """Choose `files` in the uploader, press the button, return the load's status line."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(f) for f in files]
    )
    button = page.get_by_role("button", name="Validate and load")
    button.wait_for(timeout=RENDER_TIMEOUT * 1000)
    button.click()
    main = page.locator('[data-testid="stMain"]')
    deadline = time.monotonic() + RENDER_TIMEOUT
    while time.monotonic() < deadline:
        lines = [t.strip() for t in main.inner_text().splitlines()]
        done = [t for t in lines if t.startswith("Nothing was loaded") or t == "Loaded"]
        if done:
            return done[0]
        page.wait_for_timeout(200)
    raise AssertionError(
        f"no load result within {RENDER_TIMEOUT:.0f} s "
        f"(screenshot: {shot_on_failure(page, shot)})"
    )


def test_bad_upload_lists_every_problem_and_changes_nothing(server, open_tab, tmp_path):  # noqa: F811, E501
    before = sha256(server.warehouse)
    bad = tmp_path / "orders.csv"
    # row 3 (the header is row 1) has a text revenue, row 4 a text date
    bad.write_text(
        "order_id,customer_id,ordered_at,revenue\n"
        "o1,k1,2025-01-12T10:00:00,200\n"
        "o2,k1,2025-03-05T11:00:00,lots\n"
        "o3,k2,someday,120\n"
    )
    tab, shot = open_tab(), tmp_path / "upload-bad.png"
    r = open_page(tab, server, "/data", kpis=False, shot=shot)
    report("data page", r)
    label = _upload(tab.page, [bad], shot)
    assert "Nothing was loaded" in label, label
    assert "2 problem(s)" in label, (label, shot_on_failure(tab.page, shot))
    # the problems table (drawn on a canvas) comes with its CSV: file, row, column, value, why
    with tab.page.expect_download(timeout=RENDER_TIMEOUT * 1000) as info:
        tab.page.locator('[data-testid="stDownloadButton"]').filter(
            has_text="problems.csv"
        ).get_by_role("button").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    found = {(r["code"], r["file"], r["row"], r["column"], r["value"]) for r in rows}
    assert found == {
        ("not_a_number", "orders.csv", "3", "revenue", "lots"),
        ("not_a_date", "orders.csv", "4", "ordered_at", "someday"),
    }, rows
    assert sha256(server.warehouse) == before, "a refused upload changed the warehouse"


def test_good_upload_replaces_the_table_and_the_app_shows_it(server, open_tab, tmp_path,  # noqa: F811, E501
                                                             golden_dir):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        (golden_dir / "orders.csv").read_text() + "o16,k1,2025-04-20T12:00:00,1000,c_search_b2b\n"
    )
    tab, shot = open_tab(), tmp_path / "upload-good.png"
    open_page(tab, server, "/data", kpis=False, shot=shot)
    label = _upload(tab.page, [orders], shot)
    assert label.strip().startswith("Loaded"), label
    con = open_readonly(server.warehouse)
    try:
        assert con.execute("SELECT count(*) FROM orders").fetchone()[0] == 16
        assert con.execute("SELECT count(*) FROM campaigns").fetchone()[0] == 6  # kept
    finally:
        con.close()
    # the weekly review of 2025-W16 now counts o16: revenue 100 (o13) + 1000 = €1,100
    r = open_page(tab, server, "/", shot=shot)
    shown = dict(r.metrics)
    assert shown.get("Revenue") == "€1,100", (shown, shot_on_failure(tab.page, shot))
