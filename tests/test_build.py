"""The build: each step owns its tables, and a broken invariant refuses the load.

A build step is broken on purpose in a private copy of queries/ (pitwall.queries reads its
SQL from QUERY_DIR): the load must say which invariant broke and leave the warehouse byte
for byte as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_load_errors import fingerprint

from pitwall import build, queries
from pitwall.load import load_folder
from pitwall.problems import LoadError

GOLDEN = Path(__file__).parent / "golden"


def test_each_step_creates_its_own_tables():
    owner = build.owners(build.steps())
    for table in ("campaign_channels", "customer_facts", "customer_months", "lead_facts",
                  "lead_stage_entries", "stage_positions", "path_corrections_30"):
        assert table in owner
    assert owner["customer_facts"] == "03_customer_facts"  # 04 no longer replaces it
    two = [build.Step("a", ("t",), ()), build.Step("b", ("t",), ())]
    with pytest.raises(ValueError, match="both create t"):
        build.owners(two)
    with pytest.raises(ValueError, match="changes t, which it did not create"):
        build.owners([build.Step("a", ("t",), ()), build.Step("b", (), ("t",))])


@pytest.fixture
def broken(tmp_path, monkeypatch):
    """A copy of queries/ whose build step `step` gets `edit` applied to its text."""

    def apply(step: str, edit):
        copy = tmp_path / "queries"
        shutil.copytree(queries.QUERY_DIR, copy)
        path = copy / "build" / f"{step}.sql"
        path.write_text(edit(path.read_text()))
        monkeypatch.setattr(queries, "QUERY_DIR", copy)
        queries.sql_text.cache_clear()

    yield apply
    queries.sql_text.cache_clear()


def _refused(warehouse: Path, code: str) -> str:
    before = fingerprint(warehouse)
    with pytest.raises(LoadError) as refused:
        load_folder(GOLDEN, warehouse)
    assert fingerprint(warehouse) == before
    codes = {p.code for p in refused.value.problems}
    assert codes == {code}
    return "\n".join(str(p) for p in refused.value.problems)


def test_a_duplicated_key_refuses_the_load(golden_copy, broken):
    # every lead twice in lead_facts
    broken(
        "05_lead_facts",
        lambda sql: sql.replace(
            "FROM leads AS l\n", "FROM (SELECT * FROM leads UNION ALL SELECT * FROM leads) AS l\n"
        ),
    )
    text = _refused(golden_copy, "invariant_unique_keys")
    assert "lead_facts(lead_id) does not hold" in text
    assert "L1 (2)" in text  # the first duplicated key and its rows


def test_shares_that_do_not_sum_to_one_refuse_the_load(golden_copy, broken):
    # every path's first step counted twice: the path's shares sum to more than 1
    broken(
        "07_order_paths",
        lambda sql: sql.replace(
            "SELECT * FROM path_corrections(NULL, NULL, 30)",
            "SELECT * FROM path_corrections(NULL, NULL, 30)\n"
            "UNION ALL SELECT * FROM path_corrections(NULL, NULL, 30) WHERE sign = 1 AND step = 1",
        ),
    )
    # the golden business has no touchpoints: load some so that paths exist
    before = fingerprint(golden_copy)
    with pytest.raises(LoadError) as refused:
        load_folder(GOLDEN.parent / "golden_touchpoints", golden_copy)
    assert fingerprint(golden_copy) == before
    assert {p.code for p in refused.value.problems} == {"invariant_credit_shares"}
    models = {p.value.split(" ")[0] for p in refused.value.problems}
    # every path there has several steps, and last touch gives the first step nothing
    assert models == {"first", "linear", "position", "time_decay"}


def test_funnel_counts_that_rise_refuse_the_load(golden_copy, broken):
    # a lead that skips the first stage: fewer leads identified than qualified
    broken(
        "06_lead_stage_entries",
        lambda sql: sql.replace(
            "SELECT lead_id, 1 AS position, created_at AS entered_at FROM lead_facts",
            "SELECT lead_id, 1 AS position, created_at AS entered_at FROM lead_facts "
            "WHERE lead_id <> 'L1'",
        ),
    )
    text = _refused(golden_copy, "invariant_funnel_counts")
    assert "every lead enters the first stage does not hold" in text
    assert "L1" in text


def test_the_golden_build_holds_every_invariant(golden_con):
    params = {"models": ["last", "first", "linear", "position", "time_decay"]}
    for name in build.invariants():
        assert queries.run(golden_con, f"invariants/{name}", params).empty, name


def test_a_rollup_that_loses_a_lead_refuses_the_load(golden_copy, broken):
    # the golden business has 8 leads (L1..L8); a rollup that drops L1's day counts 7 of them
    # in its 'day' rows, and the month rows, summed from the days, 7 too
    broken(
        "09_funnel_rollups",
        lambda sql: sql.replace(
            "INNER JOIN lead_facts AS lf ON p.lead_id = lf.lead_id",
            "INNER JOIN lead_facts AS lf ON p.lead_id = lf.lead_id AND lf.lead_id <> 'L1'",
        ),
    )
    text = _refused(golden_copy, "invariant_rollup_totals")
    assert "funnel_leads: leads add up to lead_facts does not hold" in text
    assert "(-1)" in text
