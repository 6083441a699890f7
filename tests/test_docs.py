"""The docs are the contract: their column lists must be the code's."""

from __future__ import annotations

from pathlib import Path

from pitwall import plan_views
from pitwall.schema import TABLES
from pitwall.views import EXPORTS

ROOT = Path(__file__).resolve().parent.parent


def _table(text: str, header: str) -> dict[str, list[str]]:
    """A markdown table's rows: first cell -> the second cell split on commas."""
    block = text[text.index(header) :].split("\n\n")[0].splitlines()[2:]
    rows = {}
    for line in block:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = [c.strip().strip("*") for c in cells[1].split(",")]
    return rows


def test_import_contract_lists_every_table_and_column():
    text = (ROOT / "docs" / "import-contract.md").read_text()
    documented = _table(text, "| table | columns")
    assert documented == {t.name: [c.name for c in t.columns] for t in TABLES.values()}
    for t in TABLES.values():  # required columns are the bold ones
        row = text[text.index(f"| {t.name} |") :].splitlines()[0]
        assert [c for c in t.required] == [c.name for c in t.columns if f"**{c.name}**" in row]


def test_metrics_lists_every_export_with_its_columns():
    text = (ROOT / "docs" / "metrics.md").read_text()
    documented = _table(text, "| view | columns")
    model = {name: list(cols) for name, cols in plan_views.VIEW_COLUMNS.items()}
    plan = {"plan (`python -m pitwall plan`)": list(plan_views.PLAN_COLUMNS)}
    assert documented == {name: list(e.columns) for name, e in EXPORTS.items()} | model | plan
