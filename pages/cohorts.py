"""Cohorts: whether the customers a month or a channel brought in keep buying."""

import streamlit as st

from pitwall import charts
from pitwall import dashboard as ui
from pitwall.metrics import derive

MODES = {"bounded": "In the month", "unbounded": "On or after"}
SPLITS = {
    None: "All customers",
    "channel": "Acquisition channel",
    "kind": "Online / offline acquisition",
}

if ui.page_header("Cohorts", needs=["orders"]):
    f = ui.filters()
    c1, c2 = st.columns(2)
    mode = c1.segmented_control(
        "Active means ordered…",
        list(MODES),
        format_func=MODES.get,
        default="bounded",
        required=True,
        key="mode",
        bind="query-params",
    )
    split = c2.selectbox(
        "Split by", list(SPLITS), format_func=SPLITS.get, key="split", bind="query-params"
    )
    cohorts = ui.view("retention", f, mode=mode)
    sizes = cohorts.drop_duplicates("cohort_month")["cohort_size"]
    first_month = cohorts[cohorts["period"] == 1]
    m1 = (
        derive(
            first_month[first_month["complete"]].sum(numeric_only=True).to_frame().T,
            ["retention_rate"],
        )["retention_rate"].iloc[0]
        if len(first_month)
        else None
    )
    ui.kpi_tiles(
        [
            ui.Tile("cohort_size", sizes.sum(), label="Customers acquired"),
            ui.Tile(
                "retention_rate",
                m1,
                label="Active in month 1",
                help="Share of customers of the shown cohorts who ordered in the month after "
                "acquisition (complete months only).",
            ),
            ui.Tile("revenue", cohorts["revenue"].sum(), label="Revenue from these cohorts"),
        ]
    )
    if cohorts.empty:
        st.info(
            "No customers were acquired in this period and filter. Widen the date range: "
            "cohorts are picked by acquisition date."
        )
    else:
        st.subheader("Retention by cohort")
        st.altair_chart(charts.retention_heatmap(cohorts), width="stretch")
        st.caption("Faded cells are periods not yet complete.")
        st.subheader("Revenue by cohort and month")
        st.altair_chart(charts.retention_heatmap(cohorts, "revenue", "money"), width="stretch")

        per_customer = cohorts.assign(
            cumulative=cohorts.groupby("cohort_month")["revenue"].cumsum() / cohorts["cohort_size"],
            grp=cohorts["cohort_month"].dt.strftime("%Y-%m"),
        )
        st.subheader("Cumulative revenue per customer")
        st.altair_chart(
            charts.curves(per_customer, "cumulative", "Revenue per customer", "money"),
            width="stretch",
        )
        if split:
            st.subheader(f"Retention by {SPLITS[split].lower()}")
            by = ui.view("retention", f, mode=mode, breakdown=split)
            done = by[by["complete"]]
            curve = derive(
                done.groupby(["grp", "period"], as_index=False)[
                    ["active_customers", "cohort_size"]
                ].sum(),
                ["retention_rate"],
            )
            st.altair_chart(
                charts.curves(
                    curve.rename(columns={"grp": split}) if split == "kind" else curve,
                    "retention_rate",
                    "Retention",
                    "%",
                    color="kind" if split == "kind" else "grp",
                ),
                width="stretch",
            )
            st.caption("Each point pools every shown cohort that has completed that month.")
        st.subheader("The numbers")
        ui.table(
            cohorts[
                [
                    "cohort_month",
                    "period",
                    "cohort_size",
                    "active_customers",
                    "retention_rate",
                    "revenue",
                    "complete",
                ]
            ],
            "retention",
        )
    ui.definitions(
        f"Cohort = month of acquisition (or first order); mode: "
        f"{MODES[mode].lower()} (active = ordered "
        f"{'in that month' if mode == 'bounded' else 'in that month or later'})."
    )
