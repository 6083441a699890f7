"""The demo warehouse, built through the CLI, obeys the warehouse rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pitwall import views
from pitwall.filters import Filters
from pitwall.schema import TABLES
from pitwall.warehouse import open_readonly

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pitwall",
            "demo",
            "--warehouse",
            str(path),
            "--scale",
            "0.3",
            "--seed",
            "7",
            "--end",
            "2026-11-21",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Demo warehouse written" in done.stdout
    return path


@pytest.fixture
def con(demo_path):
    c = open_readonly(demo_path)
    yield c
    c.close()


def test_truth_file_beside_warehouse(demo_path):
    truth = json.loads(demo_path.with_suffix(".truth.json").read_text())
    assert truth  # the generator's parameters, checked in detail by test_demo.py
    assert "Trade fairs" in json.dumps(truth)


@pytest.mark.parametrize("name", [t.name for t in TABLES.values() if t.key])
def test_keys_are_unique(con, name):
    key = ", ".join(f'"{k}"' for k in TABLES[name].key)
    dupes = con.execute(
        f"SELECT count(*) FROM (SELECT {key} FROM {name} GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    assert dupes == 0


@pytest.mark.parametrize(
    ("table", "ref"),
    [(t.name, r) for t in TABLES.values() for r in t.references],
    ids=lambda v: v if isinstance(v, str) else v.column,
)
def test_references_resolve(con, table, ref):
    missing = con.execute(
        f'SELECT count(*) FROM {table} s WHERE s."{ref.column}" IS NOT NULL AND NOT EXISTS '
        f'(SELECT 1 FROM {ref.table} t WHERE t."{ref.target}" = s."{ref.column}")'
    ).fetchone()[0]
    assert missing == 0


def test_every_order_has_a_customer_with_a_cohort(con):
    orphans = con.execute(
        "SELECT count(*) FROM orders o ANTI JOIN customer_facts c USING (customer_id)"
    ).fetchone()[0]
    assert orphans == 0
    assert (
        con.execute("SELECT count(*) FROM customer_facts WHERE cohort_month IS NULL").fetchone()[0]
        == 0
    )


def test_online_plus_offline_is_total_spend(con):
    balance = views.spend_balance(con, Filters())
    per_month = balance.groupby("month")["spend"].sum()
    raw = con.execute(
        "SELECT CAST(date_trunc('month', date) AS DATE) AS month, sum(amount) FROM spend "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert len(raw) == 36
    for month, total in raw:
        assert per_month[pd.Timestamp(month)] == pytest.approx(total)
    assert balance.groupby("month")["share_of_spend"].sum().tolist() == pytest.approx([1.0] * 36)


@pytest.mark.parametrize("window", [None, 14, 60])
@pytest.mark.parametrize("breakdown", [None, "channel", "kind"])
def test_funnel_never_grows(con, window, breakdown):
    funnel = views.funnel(con, Filters(), window_days=window, breakdown=breakdown)
    for _, group in funnel.groupby("grp"):
        leads = group.sort_values("position")["leads"].tolist()
        assert leads == sorted(leads, reverse=True)
        assert leads[0] > 0


def test_retention_never_exceeds_cohort(con):
    for mode in ("bounded", "unbounded"):
        r = views.retention(con, Filters(), mode=mode)
        assert (r["active_customers"] <= r["cohort_size"]).all()
        assert (r.loc[r["period"] == 0, "active_customers"] > 0).all()


def test_the_demo_comes_with_a_trained_lead_score(con):
    """`pitwall demo` trains the lead score after the build (docs/metrics.md, Leads), so the
    Leads page has a call list from the first command."""
    from pitwall import lead_model

    fit = lead_model.read_fit(con)
    assert fit is not None and not fit["stale"] and fit["seed"] == 7
    assert fit["open_leads"] > 0 and fit["auc"] > 0.55
    # the demo's leads name a customer only when won: their touches are left out
    assert "touches before creation" in fit["left_out"]
