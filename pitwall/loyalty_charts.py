"""The Loyalty page's charts, in the look of pitwall/charts.py (its colours and axes)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from pitwall.charts import CATEGORY_COLORS, KIND_COLORS, _data, axis, tip_format

GROUP_COLORS = {"promoters": "#59a14f", "passives": "#bab0ac", "detractors": "#e15759"}


def nps_months(df: pd.DataFrame) -> alt.LayerChart:
    """NPS per month of answer (bars up for a positive score, down for a negative one),
    responses in the tooltip."""
    base = alt.Chart(_data(df)).encode(
        x=alt.X("yearmonth(month):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=-45))
    )
    bars = base.mark_bar().encode(
        y=alt.Y("nps:Q", title="NPS"),
        color=alt.condition(
            "datum.nps >= 0",
            alt.value(GROUP_COLORS["promoters"]),
            alt.value(GROUP_COLORS["detractors"]),
        ),
        tooltip=[
            alt.Tooltip("yearmonth(month):O", title="Month", format="%b %Y"),
            alt.Tooltip("nps:Q", format="+.0f", title="NPS"),
            alt.Tooltip("responses:Q", format=",.0f", title="Responses"),
            alt.Tooltip("promoters:Q", format=",.0f", title="Promoters"),
            alt.Tooltip("passives:Q", format=",.0f", title="Passives"),
            alt.Tooltip("detractors:Q", format=",.0f", title="Detractors"),
        ],
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#555").encode(y="y:Q")
    return alt.layer(bars, zero).properties(height=240)


def group_bars(df: pd.DataFrame, category: str, metric: str, label: str, fmt: str) -> alt.Chart:
    """One bar per value of `category`, in the frame's order, each with its value."""
    shown = df.dropna(subset=[metric])
    order = list(shown[category])
    colors = (
        alt.Color(
            f"{category}:N",
            scale=alt.Scale(domain=list(GROUP_COLORS), range=list(GROUP_COLORS.values())),
            legend=None,
        )
        if set(order) <= set(GROUP_COLORS)
        else alt.value(CATEGORY_COLORS[0] if fmt != "score" else KIND_COLORS["online"])
    )
    d3 = {"score": "+.0f", "decimal": ".2f", "percent": ".0%", "count": ",.0f"}.get(fmt, fmt)
    base = alt.Chart(_data(shown)).encode(
        y=alt.Y(f"{category}:N", sort=order, title=None),
        x=alt.X(f"{metric}:Q", axis=axis(label, d3), scale=alt.Scale(zero=True)),
    )
    bars = base.mark_bar().encode(
        color=colors,
        tooltip=[f"{category}:N", alt.Tooltip(f"{metric}:Q", format=tip_format(d3), title=label)],
    )
    value = (
        "'€' + format(datum['{m}'], ',.0f')" if fmt == "money" else "format(datum['{m}'], '{f}')"
    ).format(m=metric, f=d3)
    # labels beyond the bar's end: right of a positive bar, left of a negative one
    labels = [
        base.mark_text(align=align, dx=dx, fontSize=11, color="#333")
        .transform_filter(f"datum['{metric}'] {test} 0")
        .transform_calculate(value_label=value)
        .encode(text="value_label:N")
        for align, dx, test in (("left", 3, ">="), ("right", -3, "<"))
    ]
    return alt.layer(bars, *labels).properties(height=alt.Step(26))
