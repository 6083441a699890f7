"""Funnel: where leads drop out between identification and a won deal."""

import pandas as pd
import streamlit as st

from pitwall import charts
from pitwall import dashboard as ui

BREAKDOWNS = {
    None: "No breakdown",
    "channel": "Channel",
    "kind": "Online / offline",
    "segment": "Segment",
}

if ui.page_header(
    "Funnel",
    needs=["leads"],
    fills="Leads (and `lead_stages.csv` for their stages) fill the funnel.",
):
    f = ui.filters()
    c1, c2, c3 = st.columns(3)
    window = c1.number_input(
        "Conversion window (days, 0 = none)",
        min_value=0,
        max_value=3650,
        value=0,
        step=7,
        key="window",
        bind="query-params",
    )
    by = c2.selectbox(
        "Break down by", list(BREAKDOWNS), format_func=BREAKDOWNS.get, key="by", bind="query-params"
    )
    compare = c3.toggle("Compare with the previous period", key="compare", bind="query-params")
    window_days = window or None
    stages = ui.view("funnel", f, window_days=window_days)
    before = ui.view("funnel", f.previous(), window_days=window_days)

    def won(df):
        return df["leads"].iloc[-1] if len(df) else 0

    def first(df):
        return df["leads"].iloc[0] if len(df) else 0

    ui.kpi_tiles(
        [
            ui.Tile("leads", first(stages), first(before)),
            ui.Tile(
                "leads",
                won(stages),
                won(before),
                label=f"Reached {stages['stage'].iloc[-1]}" if len(stages) else "Won",
            ),
            ui.Tile(
                "conversion_from_first",
                stages["conversion_from_first"].iloc[-1] if len(stages) else None,
                before["conversion_from_first"].iloc[-1] if len(before) else None,
                label="Win rate",
            ),
            ui.Tile(
                "skipped",
                int(stages["skipped"].sum()),
                int(before["skipped"].sum()),
                label="Stage skips",
            ),
        ]
    )
    if first(stages) == 0:
        st.info("No leads were created in this period and filter.")
    else:
        st.subheader("Leads reaching each stage")
        st.altair_chart(charts.funnel_bars(stages), width="stretch")
        worst = stages.iloc[1:].sort_values("conversion_from_previous").head(1)
        if len(worst) and pd.notna(worst["conversion_from_previous"].iloc[0]):
            st.caption(
                f"The biggest drop is into **{worst['stage'].iloc[0]}**: "
                f"{worst['conversion_from_previous'].iloc[0]:.0%} of the previous "
                "stage's leads get there."
            )
        if by:
            st.subheader(f"By {BREAKDOWNS[by].lower()}")
            split = ui.view("funnel", f, window_days=window_days, breakdown=by)
            st.altair_chart(charts.funnel_lines(split, BREAKDOWNS[by]), width="stretch")
        if compare:
            st.subheader("This period against the previous one")
            both = pd.concat(
                [stages.assign(period="This period"), before.assign(period="Previous period")]
            )
            st.altair_chart(charts.funnel_compare(both), width="stretch")
        st.subheader("The numbers")
        ui.table(
            stages[
                [
                    "stage",
                    "position",
                    "leads",
                    "conversion_from_previous",
                    "conversion_from_first",
                    "dropped",
                    "skipped",
                    "median_days_in_stage",
                ]
            ],
            "funnel",
        )
    ui.definitions(
        f"Leads created in the range; conversion window: "
        f"{'none' if not window_days else f'{window_days:g} days'}. A lead counts for every stage "
        "up to the furthest it reached, skipped stages included (the elevator effect)."
    )
