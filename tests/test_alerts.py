"""Alerts on tests/golden_alerts (see its README): one injected drop fires exactly one alert,
the base weeks none."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pitwall import alerts, weeks
from pitwall.load import load_folder
from pitwall.warehouse import open_readonly

FIXTURE = Path(__file__).parent / "golden_alerts"


@pytest.fixture(scope="module")
def alerts_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("alerts") / "warehouse.duckdb"
    load_folder(FIXTURE, path)
    return path


def test_the_drop_fires_once_and_the_base_weeks_never(alerts_warehouse):
    con = open_readonly(alerts_warehouse)
    try:
        for n in range(10, 18):  # W10..W17: the base weeks with eight weeks before them
            found = alerts.find(con, weeks.parse(f"2025-W{n}"))
            assert found.empty, (n, found.to_dict("records"))
        drop = alerts.find(con, weeks.parse("2025-W18"))
    finally:
        con.close()
    assert drop[["rule", "metric", "channel", "observed", "expected"]].to_dict("records") == [
        {"rule": "weekly_outlier", "metric": "leads", "channel": None, "observed": 3.0,
         "expected": 11.0}
    ]
    assert drop["message"].iloc[0] == (
        "Leads in 2025-W18: 3, below the usual range 8–14 (median of the 8 weeks before "
        "± 3·MAD)."
    )


def test_rules_file_and_cli(alerts_warehouse, tmp_path):
    rules = tmp_path / "rules.toml"
    # a tighter band that also watches spend going either way; leads only rises are news
    rules.write_text(
        '[[rule]]\nname = "leads_up"\nkind = "band"\nmetrics = ["leads"]\n'
        'direction = "up"\nk = 3\n'
    )
    run = subprocess.run(
        [sys.executable, "-m", "pitwall", "alerts", "--warehouse", str(alerts_warehouse),
         "--week", "2025-W18", "--rules", str(rules)],
        capture_output=True, text=True,
    )
    assert run.returncode == 0
    assert pd.read_csv(io.StringIO(run.stdout)).empty  # a drop is not a rise
    run = subprocess.run(
        [sys.executable, "-m", "pitwall", "alerts", "--warehouse", str(alerts_warehouse),
         "--week", "2025-W18", "--format", "json"],
        capture_output=True, text=True,
    )
    assert run.returncode == 0 and '"rule":"weekly_outlier"' in run.stdout
    assert list(pd.read_json(io.StringIO(run.stdout)).columns) == list(alerts.COLUMNS)
    rules.write_text('[[rule]]\nkind = "sometimes"\n')
    bad = subprocess.run(
        [sys.executable, "-m", "pitwall", "alerts", "--warehouse", str(alerts_warehouse),
         "--rules", str(rules)],
        capture_output=True, text=True,
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == (
        "error: rules.toml: rule 1: kind must be one of target, band, funnel, not 'sometimes'"
    )
