"""What users see: chart order, legends, colours, and every table cell's format.

Pages are run with Streamlit's AppTest; a chart's order is read from the SVG that Vega
renders (vl-convert, the report's renderer), not from the data sent with it.
"""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pytest
import vl_convert
from conftest import assert_drawn_as_streamlit_would
from streamlit.testing.v1 import AppTest

from pitwall import altair_lookup, charts, formatting
from pitwall.metrics import METRICS
from pitwall.navigation import PAGES

ALL_TIME = {"period": "All time"}


def open_page(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def golden(golden_warehouse, monkeypatch):
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(golden_warehouse))
    return open_page


@pytest.fixture
def demo(demo_warehouse, monkeypatch):
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(demo_warehouse))
    return open_page


def specs(at: AppTest) -> list[dict]:
    return [
        json.loads(c.proto.spec) | {"datasets": _datasets(c)} for c in at.get("vega_lite_chart")
    ]


def _datasets(chart) -> dict:
    return {
        d.name: json.loads(
            pa.ipc.open_stream(d.data.data)
            .read_pandas()
            .to_json(orient="records", date_format="iso")
        )
        for d in chart.proto.datasets
    }


def svg(spec: dict) -> str:
    return vl_convert.vegalite_to_svg(spec)


def x_labels(text: str, names: list[str]) -> list[str]:
    """The names among `names` that the SVG writes, left to right."""
    found = []
    for m in re.finditer(r'transform="translate\(([-\d.]+),[-\d.]+\)[^"]*"[^>]*>([^<]+)<', text):
        if m.group(2) in names:
            found.append((float(m.group(1)), m.group(2)))
    return [n for _, n in sorted(found)]


def test_pareto_is_ordered_by_revenue_after_a_filter_change(golden):
    # Credited revenue by campaign, all time: Trade fairs 800, Search B2B 380, Referral
    # programme 350, Social ads 180, Search B2C 170 (tests/test_pages.py). Online only, in
    # the same session: Search B2B, Referral programme, Social ads, Search B2C.
    at = golden("channel_roi", ALL_TIME)
    at.segmented_control(key="kind").set_value("online").run()
    assert not at.exception
    pareto = next(s for s in specs(at) if "cumulative_share" in json.dumps(s))
    for layer in pareto["layer"]:
        assert layer["encoding"]["x"]["sort"] == {"field": "rank", "op": "min"}
    names = ["Trade fairs", "Search B2B", "Referral programme", "Social ads", "Search B2C"]
    drawn = x_labels(svg(pareto), names)
    assert drawn == ["Search B2B", "Referral programme", "Social ads", "Search B2C"]


def _colour_legends(spec, found=None) -> list[tuple[dict, int]]:
    """Every colour encoding with a legend, with how many entries its scale names."""
    found = [] if found is None else found
    if isinstance(spec, dict):
        color = spec.get("encoding", {}).get("color")
        if isinstance(color, dict) and color.get("legend", {}) is not None:
            domain = color.get("scale", {}).get("domain")
            values = color.get("legend", {}).get("values")
            found.append((color, len(values or domain or [])))
        for value in spec.values():
            _colour_legends(value, found)
    elif isinstance(spec, list):
        for value in spec:
            _colour_legends(value, found)
    return found


LONG_LEGENDS = [
    ("funnel", {"by": "Channel"}),
    ("cohorts", {"split": "Acquisition channel"}),
    ("cohorts", {"ltv_by": "Acquisition channel"}),
    ("channel_roi", {}),
    ("spend_balance", {}),
]


@pytest.mark.parametrize(("page", "params"), LONG_LEGENDS)
def test_no_legend_can_clip(demo, page, params):
    at = demo(page, ALL_TIME | params)
    legends = [lg for s in specs(at) for lg in _colour_legends(s)]
    assert legends
    for color, entries in legends:
        legend = color.get("legend", {})
        if color.get("type") == "nominal" and color.get("field") not in ("kind",):
            assert legend.get("labelLimit", 0) >= 200, color
            assert legend.get("symbolLimit") == 0, color  # every entry is drawn
        if entries > charts.LEGEND_ROWS:
            assert legend.get("orient") == "bottom" and legend.get("columns"), color


def test_a_channel_keeps_its_colour_across_pages(demo):
    funnel = demo("funnel", ALL_TIME | {"by": "Channel"})
    cohorts = demo("cohorts", ALL_TIME | {"split": "Acquisition channel"})

    def colours(at) -> dict:
        out = {}
        for s in specs(at):
            for color, _ in _colour_legends(s):
                scale = color.get("scale", {})
                if color.get("field") == "grp" and scale.get("domain"):
                    out.update(zip(scale["domain"], scale["range"], strict=True))
        return out

    a, b = colours(funnel), colours(cohorts)
    shared = set(a) & set(b)
    assert len(shared) >= 10  # the demo's channels
    assert {c: a[c] for c in shared} == {c: b[c] for c in shared}
    assert len(set(a.values())) == len(a)  # no two channels share a colour
    assert not set(a.values()) & set(charts.KIND_COLORS.values())
    assert not set(charts.MODEL_COLORS) & set(charts.KIND_COLORS.values())


@pytest.mark.parametrize("page", [p.path for p in PAGES if p.queries])
def test_charts_read_shorthands_as_altair_does(golden, page, monkeypatch):
    """pitwall/altair_lookup.py builds Altair's schema lookup once: every chart of every
    page comes out the same as with Altair's own from_dict."""
    ours = specs(golden(page, ALL_TIME))
    monkeypatch.setattr(altair_lookup.schemapi.SchemaBase, "from_dict", altair_lookup.ALTAIRS)
    theirs = specs(golden(page, ALL_TIME))
    assert ours and ours == theirs


@pytest.mark.parametrize("page", [p.path for p in PAGES if p.queries])
def test_every_chart_is_drawn_as_streamlit_would_and_valid(demo, page, drawn_charts):
    """The app converts charts without Altair's schema check (pitwall/chart_spec.py): each
    chart of each page, on the demo over all time, equals st.altair_chart's conversion,
    which does check it."""
    at = demo(page, ALL_TIME)
    assert len(drawn_charts) == len(at.get("vega_lite_chart"))
    assert_drawn_as_streamlit_would(drawn_charts)


def _cells(at: AppTest) -> list:
    out = []
    for d in at.dataframe:
        data = d.proto.arrow_data
        assert data.HasField("styler"), "a table without the presentation layer's formats"
        out.append(pa.ipc.open_stream(data.styler.display_values).read_pandas())
    return out


@pytest.mark.parametrize("page", [p.path for p in PAGES if p.queries])
def test_every_table_cell_reads_as_the_tiles_do(golden, page):
    at = golden(page, ALL_TIME | {"split": "Acquisition channel", "by": "Channel"})
    for table in _cells(at):
        for col in table.columns:
            for cell in table[col].astype(str):
                assert cell not in ("None", "nan", "NaN", "NaT", "<NA>"), (page, col)
                assert not re.search(r"\d{2}:\d{2}:\d{2}", cell), (page, col, cell)
                if col in ("month", "cohort_month"):
                    assert re.fullmatch(r"[A-Z][a-z]{2} \d{4}|–", cell), (col, cell)
                if col in METRICS and METRICS[col].fmt == "percent" and cell != "–":
                    assert re.fullmatch(r"-?\d+\.\d %", cell), (col, cell)
                if col in METRICS and METRICS[col].fmt == "money" and cell != "–":
                    assert cell.lstrip("−").startswith("€"), (col, cell)


def test_a_number_column_without_a_declared_format_is_refused():
    import pandas as pd

    with pytest.raises(KeyError, match="has no format"):
        formatting.column_kind("mystery", pd.Series([1.5]), METRICS)
    assert formatting.column_kind("cohort_month", pd.Series(["2025-01-01"]), METRICS) == "month"
    assert formatting.CELL_FORMATS["month"](pd.Timestamp("2026-09-01")) == "Sep 2026"
    assert formatting.CELL_FORMATS["percent"](0.81134) == "81.1 %"
    assert formatting.CELL_FORMATS["money"](None) == "–"
