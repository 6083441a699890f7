"""The Data page's mapping form in a real browser: a German sales spreadsheet no table is
named after is mapped from drop-downs (the form starts from what the file looks like), its
first rows shown as they will load, the mapping offered as pitwall.toml, and the load goes
through. Uses the server of tests/test_browser.py (a private copy of the golden warehouse).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from test_browser import (  # noqa: F401  (fixtures are used by name)
    RENDER_TIMEOUT,
    browser,
    open_page,
    open_tab,
    server,
    shared_context,
    shot_on_failure,
)
from test_upload import _upload

from pitwall.warehouse import open_readonly

SALES = Path(__file__).parent / "exports" / "sales" / "Umsatz_2025.csv"


def test_a_file_in_any_shape_is_mapped_previewed_and_loaded(server, open_tab, tmp_path):  # noqa: F811
    tab, shot = open_tab(), tmp_path / "mapping.png"
    open_page(tab, server, "/data", kpis=False, shot=shot)
    page = tab.page
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(SALES)])
    form = page.locator('[data-testid="stExpander"]').filter(has_text="Map Umsatz_2025.csv")
    form.wait_for(timeout=RENDER_TIMEOUT * 1000)
    page.get_by_text("The first rows as they will load").wait_for(timeout=RENDER_TIMEOUT * 1000)
    # guessed from the file: one title row above the header, 1.234,56, 14.03.2025, Summe*
    with page.expect_download(timeout=RENDER_TIMEOUT * 1000) as info:
        page.get_by_role("button", name="Download the mapping (pitwall.toml)").click()
    saved = tomllib.loads(Path(info.value.path()).read_text())["files"]["Umsatz_2025.csv"]
    assert saved == {
        "table": "sales",
        "decimal": ",",
        "thousands": ".",
        "date_format": "%d.%m.%Y",
        "skip_rows": 1,
        "drop_rows": ["Summe*"],
        "columns": {"date": "Kalenderwoche", "revenue": "Umsatz netto", "region": "Region"},
    }, (saved, shot_on_failure(page, shot))
    label = _upload(page, [SALES], shot)
    assert label.strip().startswith("Loaded"), (label, shot_on_failure(page, shot))
    con = open_readonly(server.warehouse)
    try:
        assert con.execute("SELECT count(*), sum(revenue) FROM sales").fetchone() == (3, 4000.0)
        assert con.execute("SELECT count(*) FROM orders").fetchone()[0] == 15  # kept
    finally:
        con.close()
