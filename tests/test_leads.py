"""Lead sources and an imported lead score, against figures worked out by hand from
tests/golden_leads/ (see its README) and tests/golden/lead_stages.csv.

Stages are the default six (identified 1, qualified 2, presented 3, offer 4, decision 5,
won 6). Qualified: reached position 2 or later; won: reached position 6.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pitwall import lead_views
from pitwall.filters import Filters
from pitwall.load import load_folder
from pitwall.problems import LoadError
from pitwall.warehouse import open_readonly

ROOT = Path(__file__).resolve().parent.parent
ALL = Filters(None, None)
E = None


@pytest.fixture
def con(leads_warehouse):
    c = open_readonly(leads_warehouse)
    yield c
    c.close()


def _rows(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [
        tuple(None if (isinstance(v, float) and pd.isna(v)) or v is pd.NA else v for v in r)
        for r in df[cols].itertuples(index=False)
    ]


COLS = ["source", "kind", "leads", "qualified", "won", "win_rate", "revenue"]


def test_lead_sources_by_source_and_kind(con):
    got = lead_views.lead_sources(con, ALL)
    assert _rows(got, COLS) == [
        # L1, L2, L6 (search, online): all three qualified (L1 won, L2 reached offer, L6
        # qualified); won L1 -> 1/3. Customers: k1 (L1) -> o1 200 + o2 150 = 350.
        ("marketing", "online", 3, 3, 1, pytest.approx(1 / 3), 350.0),
        # L4 (print), L5 (events): both qualified, none won -> 0/2. Customers: k3 (L5, lost
        # but a customer all the same) -> o5 500 + o6 300 + o14 70 = 870.
        ("sales", "offline", 2, 2, 0, 0.0, 870.0),
        # L8 (events): won, names no customer -> revenue 0 (no customer, no revenue).
        ("partner", "offline", 1, 1, 1, 1.0, 0.0),
        # L3 (social): presented, then lost.
        ("partner", "online", 1, 1, 0, 0.0, 0.0),
        # L7 (social): no source, only identified.
        ("not recorded", "online", 1, 0, 0, 0.0, 0.0),
    ]
    # ` Sales ` and `MARKETING` were read as sales and marketing
    assert set(got["source"]) <= {"marketing", "sales", "partner", "not recorded"}


def test_lead_sources_apply_the_filters(con):
    offline = lead_views.lead_sources(con, Filters(None, None, kind="offline"))
    assert _rows(offline, COLS) == [
        ("sales", "offline", 2, 2, 0, 0.0, 870.0),  # L4, L5
        ("partner", "offline", 1, 1, 1, 1.0, 0.0),  # L8
    ]
    feb = lead_views.lead_sources(con, Filters(dt.date(2025, 2, 1), dt.date(2025, 2, 28)))
    assert _rows(feb, COLS) == [
        ("marketing", "online", 1, 1, 0, 0.0, 0.0),  # L6 (created 02-15), open
        # L4 (02-01), L5 (02-05); k3's orders by the range's end: o5 (02-20) 500 only
        ("sales", "offline", 2, 2, 0, 0.0, 500.0),
    ]


def test_sources_summary_tiles(con):
    s = lead_views.sources_summary(lead_views.lead_sources(con, ALL))
    assert s["leads"] == 8
    assert s["marketing_share"] == pytest.approx(3 / 8)  # L1, L2, L6 of eight
    assert s["win_rate"] == pytest.approx(2 / 8)  # L1, L8
    assert s["revenue"] == 350 + 870


def test_sources_by_month(con):
    got = lead_views.sources_monthly(con, ALL)
    months = got.assign(month=got["month"].dt.strftime("%Y-%m"))
    assert _rows(months, ["month", "source", "leads", "won"]) == [
        ("2025-01", "marketing", 2, 1),  # L1 (won), L2
        ("2025-01", "partner", 1, 0),  # L3
        ("2025-02", "marketing", 1, 0),  # L6
        ("2025-02", "sales", 2, 0),  # L4, L5
        ("2025-03", "partner", 1, 1),  # L8
        ("2025-03", "not recorded", 1, 0),  # L7
    ]


def test_score_bands_with_an_imported_score(con):
    got = lead_views.score_bands(con, ALL)
    assert _rows(got, ["band", "leads", "open", "won", "win_rate"]) == [
        # L1 85 (won), L5 90 (lost), L7 80 (open: 80 opens the top band) -> 1 of 3 won
        ("80–100", 3, 1, 1, pytest.approx(1 / 3)),
        # L4 70 (open), L8 60 (won: 60 opens its band) -> 1 of 2
        ("60–80", 2, 1, 1, 0.5),
        ("40–60", 1, 0, 0, 0.0),  # L3 55, lost
        ("20–40", 0, 0, 0, E),  # no lead: the win rate is empty, not 0
        # L6 15 (open), L2 -5 (below 0: the lowest band; lost) -> none won
        ("0–20", 2, 1, 0, 0.0),
    ]


def test_hand_off_threshold(con):
    m = lead_views.mql(con, ALL, 50)
    # scores >= 50: L1 85, L3 55, L4 70, L5 90, L7 80, L8 60 -> 6 MQLs; all but L7 reached
    # qualified or later -> 5/6. Below: L2 (-5, reached offer), L6 (15, qualified) -> 2/2.
    assert (m["mqls"], m["scored"]) == (6, 8)
    assert m["mql_to_qualified"] == pytest.approx(5 / 6)
    assert m["below_to_qualified"] == 1.0
    # days from creation to the first stage after identified: L1 01-05 -> 01-07 (2), L3
    # 01-20 -> presented 01-23 (3), L4 02-01 -> 02-11 (10), L5 02-05 -> 02-06 (1), L8 03-10 ->
    # 03-12 (2); median of 1, 2, 2, 3, 10 = 2
    assert m["days_to_qualified"] == 2.0
    # at 75: L1, L5, L7 -> qualified L1 and L5 -> 2/3; median of 2 and 1 = 1.5
    m75 = lead_views.mql(con, ALL, 75)
    assert (m75["mqls"], m75["mql_to_qualified"], m75["days_to_qualified"]) == (
        3, pytest.approx(2 / 3), 1.5
    )


def cli(*args, warehouse: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pitwall", *args, "--warehouse", str(warehouse)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_export_lead_sources_prints_the_contract_columns(leads_warehouse):
    run = cli("export", "lead-sources", "--kind", "offline", warehouse=leads_warehouse)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "source,kind,leads,qualified,won,win_rate,revenue",
        "sales,offline,2,2,0,0.0,870.0",
        "partner,offline,1,1,1,1.0,0.0",
    ]


def test_export_lead_scores_uses_the_imported_score(leads_warehouse):
    run = cli("export", "lead-scores", warehouse=leads_warehouse)
    assert run.returncode == 0, run.stderr
    out = pd.read_csv(io.StringIO(run.stdout), keep_default_na=False)
    assert list(out.columns) == ["lead_id", "score", "band", "top_reasons"]
    # highest first: L5 90, L1 85, L7 80, L4 70, L8 60, L3 55, L6 15, L2 -5
    assert list(out["lead_id"]) == ["L5", "L1", "L7", "L4", "L8", "L3", "L6", "L2"]
    assert list(out["band"]) == ["80–100"] * 3 + ["60–80"] * 2 + ["40–60", "0–20", "0–20"]
    assert set(out["top_reasons"]) == {""}  # the CRM's reasons are not known here
    run = cli("export", "lead-scores", "--open", warehouse=leads_warehouse)
    assert run.stdout.splitlines()[1:] == ["L7,80.0,80–100,", "L4,70.0,60–80,", "L6,15.0,0–20,"]


def test_export_lead_scores_refuses_without_any_score(golden_warehouse):
    run = cli("export", "lead-scores", warehouse=golden_warehouse)
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "error: no lead-scoring model stored in the warehouse: run "
        "`python -m pitwall model leads` first"
    )


def test_an_unknown_source_is_refused_and_nothing_changes(golden_copy, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = (ROOT / "tests" / "golden_leads" / "leads.csv").read_text()
    (folder / "leads.csv").write_text(text.replace("L3,2025-01-20T00:00:00,c_social,,,,partner",
                                                   "L3,2025-01-20T00:00:00,c_social,,,,newsletter"))
    before = golden_copy.read_bytes()
    with pytest.raises(LoadError) as caught:
        load_folder(folder, golden_copy)
    (p,) = caught.value.problems
    assert (p.code, p.file, p.row, p.column, p.value) == (
        "unknown_source", "leads.csv", 4, "source", "newsletter"
    )
    assert str(p) == (
        "leads.csv, row 4, column 'source': unknown lead source; the allowed values are "
        "marketing, sales, partner, service, other (value: 'newsletter') [unknown_source]"
    )
    assert golden_copy.read_bytes() == before


def test_leads_page_with_an_imported_score(leads_warehouse, monkeypatch):
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(leads_warehouse))
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["period"] = "All time"
    at.query_params["mql"] = "75"
    at.switch_page("pages/leads.py").run()
    assert not at.exception, [e.value for e in at.exception]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Leads"] == "8"
    assert tiles["Marketing-sourced"] == "37.5 %"  # 3 / 8
    assert tiles["Win rate"] == "25.0 %"  # 2 / 8
    assert tiles["Revenue of their customers"] == "€1,220"  # 350 + 870
    assert tiles["MQLs (score ≥ 75)"] == "3"  # L1, L5, L7
    assert tiles["MQL → qualified"] == "66.7 %"  # L1, L5 of three
    assert tiles["Median days to qualified"] == "1.5 d"
    # below 75: L2 (offer), L3 (presented), L4, L6 (qualified), L8 (won) all qualified: 5/5
    assert tiles["Below the threshold → qualified"] == "100.0 %"
    assert [d.value.iloc[0].tolist()[:2] for d in at.dataframe][0] == ["marketing", "online"]


def test_the_leads_page_says_what_trains_a_score(golden_warehouse, monkeypatch):
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(golden_warehouse))
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["period"] = "All time"
    at.switch_page("pages/leads.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("python -m pitwall model leads" in i.value for i in at.info)


def test_the_weekly_review_names_idle_high_score_leads(con):
    from pitwall import highlights

    # week of 2025-03-03..09: open leads scoring 50+ created by Sunday 03-09 are L4 (70,
    # presented 02-13) and L7 (80, created 03-01); L1, L3, L5 were closed by then and L8 is
    # created 03-10. Idle since 02-23 23:59:59 (14 days before the week's end): L4 only.
    (h,) = highlights.idle_leads(con, dt.date(2025, 3, 3), ALL)
    assert h.text == (
        "**1 open lead** with a score of 50 or more (of 2) has not moved for 14 days or more "
        "by 09 March: the Leads page lists whom to call first, and why."
    )
    assert h.url() == "/leads?period=Custom+range&dates=2024-03-10&dates=2025-03-09"
    # week of 2025-03-24..30: L8 won on 03-20; L4 and L7 (moved 03-01) are both idle now
    (h,) = highlights.idle_leads(con, dt.date(2025, 3, 24), ALL)
    assert h.text.startswith("**2 open leads** with a score of 50 or more (of 2) have not moved")
    # offline only: L4 (print) is the one
    (h,) = highlights.idle_leads(con, dt.date(2025, 3, 24), Filters(None, None, kind="offline"))
    assert h.text.startswith("**1 open lead** with a score of 50 or more (of 1)")


@pytest.mark.parametrize("raw", ["1e400", "-5", "101", "NaN", "' OR 1=1;--"])
def test_a_hostile_threshold_in_the_url_falls_back_to_the_default(leads_warehouse, monkeypatch,
                                                                   raw):
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(leads_warehouse))
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["period"] = "All time"
    at.query_params["mql"] = raw
    at.switch_page("pages/leads.py").run()
    assert not at.exception, [e.value for e in at.exception]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["MQLs (score ≥ 50)"] == "6"  # as test_hand_off_threshold at 50
