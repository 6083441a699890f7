"""A chart's Vega-Lite spec as `st.altair_chart` makes it, less the schema validation.

`st.altair_chart` converts with Altair's `to_dict()`, which checks the whole spec against
the Vega-Lite schema on every run: about a fifth of a page's rerun. The app converts without
that check; tests/test_presentation.py holds every chart of every page (on the demo) to
`st.altair_chart`'s own conversion, validation included. The data go as Arrow IPC, named
by their content, the way Streamlit names them.
"""

from __future__ import annotations

from contextlib import nullcontext

import altair as alt
from streamlit import dataframe_util
from streamlit.util import calc_hash

from pitwall.charts import CONVERTING


def _to_arrow(data, datasets: dict) -> dict:
    payload = dataframe_util.convert_anything_to_arrow_bytes(data)
    name = calc_hash(payload)
    datasets[name] = payload
    return {"name": name}


alt.data_transformers.register("pitwall_arrow", _to_arrow)


def spec(chart: alt.TopLevelMixin) -> dict:
    """The spec to hand `st.vega_lite_chart` for `chart`, its data under "datasets"."""
    datasets: dict = {}
    with CONVERTING:
        # Streamlit draws with its own theme: Altair's default one would fix 300 px sizes
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme, alt.data_transformers.enable("pitwall_arrow", datasets=datasets):
            out = chart.to_dict(validate=False)
    out["datasets"] = {**out.get("datasets", {}), **datasets}
    return out
