"""Funnel: where leads drop out between identification and a won deal."""

import streamlit as st

from pitwall import charts, controls, views
from pitwall import dashboard as ui
from pitwall.filters import COMPARISONS
from pitwall.views import EXPORTS

BREAKDOWNS = controls.BREAKDOWNS

if ui.page_header(
    "Funnel",
    needs=["leads"],
    fills="Leads (and `lead_stages.csv` for their stages) fill the funnel.",
):
    f = ui.filters()
    c1, c2, c3 = st.columns(3)
    window = controls.number(c1, "window", "Conversion window (days, 0 = none)")
    by = controls.choice(c2, "by", "Break down by")
    compare = controls.toggle(c3, "compare", "Show the comparison period")
    window_days = window or None
    q = ui.queries("funnel", f, window_days=window_days, breakdown=by, compare=ui.comparison())
    stages, before = q["stages"], q["before"]
    now_s, before_s = views.funnel_summary(stages), views.funnel_summary(before)

    ui.compared_tiles(
        [
            ui.Tile(
                "leads", now_s["leads"], before_s["leads"], goal=q["target_notes"].get("leads")
            ),
            ui.Tile(
                "leads",
                now_s["won"],
                before_s["won"],
                label=f"Reached {now_s['last_stage'] or 'the last stage'}",
            ),
            ui.Tile(
                "conversion_from_first", now_s["win_rate"], before_s["win_rate"], label="Win rate"
            ),
            ui.Tile("skipped", now_s["skipped"], before_s["skipped"], label="Stage skips"),
        ]
    )
    if now_s["leads"] == 0:
        st.info("No leads were created in this period and filter.")
    else:
        st.subheader("Leads reaching each stage")
        ui.chart(charts.funnel_bars(stages))
        if now_s["worst_stage"] is not None:
            st.caption(
                f"The biggest drop is into **{now_s['worst_stage']}**: "
                f"{now_s['worst_conversion']:.0%} of the previous stage's leads get there."
            )
        if by:
            st.subheader(f"By {BREAKDOWNS[by].lower()}")
            ui.chart(charts.funnel_lines(q["split"], BREAKDOWNS[by]))
        if compare:
            st.subheader(f"This period against the {COMPARISONS[ui.comparison()].lower()}")
            both = views.periods(stages, before, ui.comparison())
            ui.chart(charts.funnel_compare(both))
        st.subheader("The numbers")
        ui.table(stages[list(EXPORTS["funnel"].columns)], "funnel")
    ui.definitions(
        f"Leads created in the range; conversion window: "
        f"{'none' if not window_days else f'{window_days:g} days'}. A lead counts for every stage "
        "up to the furthest it reached, skipped stages included (the elevator effect)."
    )
