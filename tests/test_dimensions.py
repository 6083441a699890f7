"""The filter dimensions are declared once (pitwall/dimensions.py).

A new dimension, `country` on campaigns, is added in a fresh interpreter by that one
declaration; the golden business gets a `country` column in campaigns.csv: NO for the north
campaigns (c_search_b2b, c_print, c_referral), SO for the south ones. Worked by hand from
tests/golden/README.md:
- campaign grain (spend, Channel ROI): country NO picks exactly what region=north picks, since
  region there is the campaign's too;
- lead grain: leads of NO campaigns are L1 (won), L4 (presented), L6 (qualified);
- customer grain: customers acquired by NO campaigns are k1 (January, search) and k7 (February,
  referral) — k5 and k6 have their own region north, but country is the campaign's.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pitwall import dimensions, queries
from pitwall.dimensions import DIMENSIONS

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"

SCRIPT = r"""
import json, sys
import pitwall.dimensions as d
d.DIMENSIONS = (*d.DIMENSIONS, d.Dimension("country", "Country", "country"))

from pitwall import baseline, cli, views
from pitwall.filters import Filters
from pitwall.load import load_folder
from pitwall.warehouse import open_readonly
import io, contextlib

folder, path = sys.argv[1], sys.argv[2]
load_folder(folder, path)
con = open_readonly(path)
tables = baseline.frames(con)
out = {}
by_country, by_region = Filters(country="NO"), Filters(region="north")
for name, view in (("spend-balance", views.spend_balance), ("channel-roi", views.channel_roi)):
    out[name + " equal"] = views.export_frame(name, view(con, by_country)).equals(
        views.export_frame(name, view(con, by_region))
    )
funnel = views.funnel(con, by_country)
out["funnel"] = dict(zip(funnel["stage"], funnel["leads"].tolist()))
retention = views.retention(con, by_country)
out["cohorts"] = {
    str(m.date()): int(n)
    for m, n in retention.drop_duplicates("cohort_month")[["cohort_month", "cohort_size"]]
    .itertuples(index=False)
}
econ = views.cohort_economics(con, by_country)
out["economics"] = dict(zip(econ["channel"], econ["new_customers"].tolist()))
split = views.funnel(con, Filters(), breakdown="country")
out["breakdown"] = sorted(split["grp"].unique().tolist())
out["options"] = views.filter_options(con).get("country")
out["baseline"] = {
    name: baseline.same(
        name, getattr(views, fn)(con, by_country), getattr(baseline, fn)(tables, by_country)
    )
    for name, fn in (("spend-balance", "spend_balance"), ("channel-roi", "channel_roi"),
                     ("funnel", "funnel"), ("retention", "retention"))
}
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    code = cli.main(
        ["export", "funnel", "--warehouse", path, "--country", "NO", "--format", "json"]
    )
out["cli"] = [code, [r["leads"] for r in json.loads(buf.getvalue())]]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def with_country(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("country")
    for f in GOLDEN.glob("*.csv"):
        shutil.copy(f, folder / f.name)
    lines = (GOLDEN / "campaigns.csv").read_text().splitlines()
    rows = [lines[0] + ",country"]
    for line in lines[1:]:
        region = line.split(",")[4]
        rows.append(f"{line},{'NO' if region == 'north' else 'SO'}")
    (folder / "campaigns.csv").write_text("\n".join(rows) + "\n")
    warehouse = tmp_path_factory.mktemp("w") / "warehouse.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(folder), str(warehouse)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_declared_dimension_filters_every_view(with_country):
    assert with_country["spend-balance equal"]
    assert with_country["channel-roi equal"]
    assert with_country["funnel"] == {
        "identified": 3,
        "qualified": 3,
        "presented": 2,
        "offer": 1,
        "decision": 1,
        "won": 1,
    }
    assert with_country["cohorts"] == {"2025-01-01": 1, "2025-02-01": 1}
    econ = {k: v for k, v in with_country["economics"].items() if v}
    assert econ == {"search": 1, "referral": 1}


def test_a_declared_dimension_breaks_down_is_offered_and_has_a_flag(with_country):
    assert with_country["breakdown"] == ["NO", "SO"]
    assert with_country["options"] == ["NO", "SO"]
    assert with_country["cli"] == [0, [3, 3, 2, 1, 1, 1]]


def test_the_pandas_baseline_follows_the_declaration(with_country):
    assert with_country["baseline"] == {
        "spend-balance": None,
        "channel-roi": None,
        "funnel": None,
        "retention": None,
    }


def test_the_filter_rule_is_written_once():
    """No SQL file spells a dimension's filter by hand: the rule is dimensions.picked."""
    for path in sorted(queries.QUERY_DIR.rglob("*.sql")):
        text = re.sub(r"--[^\n]*", "", path.read_text())
        for d in DIMENSIONS:
            assert f"${d.param} IS NULL OR" not in text, path
        assert "list_contains(" not in text, path


def test_docs_list_every_dimension():
    text = (ROOT / "docs" / "metrics.md").read_text()
    table = text[text.index("| dimension |") :].split("\n\n")[0]
    rows = [line.split("|")[1:-1] for line in table.splitlines()[2:]]
    declared = [
        [d.name, d.label, f"`{d.flag}`", "campaign" if not d.own else "own, else campaign"]
        for d in DIMENSIONS
    ]
    assert [[c.strip() for c in r[:4]] for r in rows] == declared


def test_templates_expand_from_the_declaration():
    assert dimensions.picked("channel") == (
        "(($kind IS NULL OR kind = $kind)"
        "\n    AND ($channels IS NULL OR list_contains($channels, channel)))"
    )
    assert queries.expand("{picked:campaign:cc:-kind-segment}") == (
        "(($channels IS NULL OR list_contains($channels, cc.channel))"
        "\n    AND ($region IS NULL OR cc.region = $region))"
    )
    assert queries.expand("{dims:inherit:l:cc}") == (
        "cc.kind AS kind, cc.channel AS channel, coalesce(l.segment, cc.segment) AS segment, "
        "coalesce(l.region, cc.region) AS region"
    )
