"""The Leads page's charts, in the one look of pitwall/charts.py (online and offline in their
two colours, sources in the category palette, percentages as the tiles write them)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from pitwall.charts import KIND_COLORS, _data, category_color, kind_color, with_legend

SOURCE_SORT = ["marketing", "sales", "partner", "service", "other", "not recorded"]


def win_rate_by_source(df: pd.DataFrame) -> alt.Chart:
    """Win rate per source, online and offline side by side (lead_views.lead_sources)."""
    shown = df[df["kind"].notna()]
    return (
        alt.Chart(_data(shown))
        .mark_bar()
        .encode(
            y=alt.Y("source:N", sort=SOURCE_SORT, title=None),
            yOffset=alt.YOffset("kind:N"),
            x=alt.X("win_rate:Q", title="Win rate (won / leads)", axis=alt.Axis(format="%")),
            color=kind_color(),
            tooltip=[
                "source:N",
                "kind:N",
                alt.Tooltip("leads:Q", format=",.0f"),
                alt.Tooltip("won:Q", format=",.0f"),
                alt.Tooltip("win_rate:Q", format=".1%", title="Win rate"),
                alt.Tooltip("revenue:Q", format=",.0f", title="Revenue of their customers (€)"),
            ],
        )
        .properties(height=70 + 56 * shown["source"].nunique())
    )


def leads_by_month(df: pd.DataFrame) -> alt.Chart:
    """Leads per creation month, stacked by source (lead_views.sources_monthly)."""
    return (
        alt.Chart(_data(df))
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("leads:Q", title="Leads", stack=True),
            color=category_color(df, "source", "Source"),
            order=alt.Order("source:N"),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title="Month", format="%b %Y"),
                "source:N",
                alt.Tooltip("leads:Q", format=",.0f"),
                alt.Tooltip("won:Q", format=",.0f"),
                alt.Tooltip("win_rate:Q", format=".1%", title="Win rate"),
            ],
        )
        .properties(height=with_legend(260, df, "source"))
    )


def band_win_rates(df: pd.DataFrame) -> alt.LayerChart:
    """Win rate per band of an imported score, highest band on top (lead_views.score_bands)."""
    base = alt.Chart(_data(df)).encode(y=alt.Y("band:N", sort=list(df["band"]), title="Score"))
    bars = base.mark_bar(color=KIND_COLORS["online"]).encode(
        x=alt.X("win_rate:Q", title="Win rate (won / leads)", axis=alt.Axis(format="%")),
        tooltip=[
            "band:N",
            alt.Tooltip("leads:Q", format=",.0f"),
            alt.Tooltip("open:Q", format=",.0f", title="Still open"),
            alt.Tooltip("won:Q", format=",.0f"),
            alt.Tooltip("win_rate:Q", format=".1%", title="Win rate"),
        ],
    )
    text = base.mark_text(align="left", dx=4).encode(
        x="win_rate:Q", text=alt.Text("win_rate:Q", format=".1%")
    )
    return alt.layer(bars, text).properties(height=220)


def calibration(df: pd.DataFrame) -> alt.LayerChart:
    """Validation leads by score decile: the mean score (what the model said) against the
    share won (what happened); on a calibrated model the two match."""
    long = pd.concat(
        [
            df.assign(series="Predicted", value=df["mean_score"]),
            df.assign(series="Won", value=df["win_rate"]),
        ],
        ignore_index=True,
    )
    colors = alt.Scale(
        domain=["Predicted", "Won"],
        range=["#bab0ac", KIND_COLORS["online"]],
    )
    return (
        alt.Chart(_data(long))
        .mark_bar()
        .encode(
            x=alt.X(
                "decile:O",
                title="Score decile of the validation leads (10 = highest)",
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("series:N"),
            y=alt.Y("value:Q", title="Win probability / share won", axis=alt.Axis(format="%")),
            color=alt.Color("series:N", scale=colors, title=None,
                            legend=alt.Legend(orient="top")),
            tooltip=[
                "decile:O",
                alt.Tooltip("leads:Q", format=",.0f"),
                alt.Tooltip("mean_score:Q", format=".1%", title="Mean score"),
                alt.Tooltip("win_rate:Q", format=".1%", title="Share won"),
            ],
        )
        .properties(height=260)
    )  # fmt: skip
