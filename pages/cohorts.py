"""Cohorts: whether the customers a month or a channel brought in keep buying."""

import streamlit as st

from pitwall import charts, economics
from pitwall import dashboard as ui
from pitwall.metrics import derive
from pitwall.views import VIEW_COLUMNS

MODES = {"bounded": "In the month", "unbounded": "On or after"}
LTV_SPLITS = {"channel": "Acquisition channel", "kind": "Online / offline acquisition"}
SPLITS = {
    None: "All customers",
    "channel": "Acquisition channel",
    "kind": "Online / offline acquisition",
}

if ui.page_header("Cohorts", needs=["orders"]):
    f = ui.filters()
    c1, c2 = st.columns(2)
    mode = ui.segmented(
        c1, "Active means ordered…", list(MODES), "bounded", "mode", format_func=MODES.get
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

    st.header("What acquired customers are worth")
    if not {"campaigns", "channels"} <= ui.current_status()["loaded"]:
        st.info(
            "Lifetime value against acquisition cost needs `campaigns.csv` and `channels.csv`: "
            "they tie each customer's acquisition campaign to a channel and its spend."
        )
    else:
        # the views this page and Channel ROI already cache, put together
        econ = economics.by_channel(
            ui.view("channel_roi", f), ui.view("ltv_curves", f, breakdown="channel")
        )
        acquired = econ[econ["new_customers"] > 0]
        if acquired.empty:
            st.info("No customer in this period and filter was acquired through a campaign.")
        else:
            ltv_by = ui.segmented(
                st,
                "Value curves by",
                list(LTV_SPLITS),
                "channel",
                "ltv_by",
                format_func=LTV_SPLITS.get,
            )
            curve = ui.view("ltv_curves", f, breakdown=ltv_by)
            shown = curve[curve["month"] <= max(economics.HORIZON, 24)].rename(
                columns={"month": "period", "grp": ltv_by}
            )
            st.subheader("Cumulative revenue per acquired customer")
            st.altair_chart(
                charts.curves(shown, "ltv", "Revenue per customer", "money", color=ltv_by),
                width="stretch",
            )
            st.caption(
                "Month k holds what customers bought before acquisition + k months. Every "
                "acquired customer counts, also those whose k months have not yet passed."
            )
            left, right = st.columns(2)
            with left:
                st.subheader("LTV / CAC")
                st.altair_chart(
                    charts.metric_bars(econ, "ltv_to_cac", "LTV (12 months) / CAC", ".2f"),
                    width="stretch",
                )
            with right:
                st.subheader("Months to pay back CAC")
                st.altair_chart(
                    charts.metric_bars(econ, "payback_months", "Months", "d"), width="stretch"
                )
                unpaid = acquired.loc[acquired["payback_months"].isna(), "channel"].tolist()
                if unpaid:
                    st.caption(f"Not paid back yet: {', '.join(unpaid)}.")
            ui.table(econ[VIEW_COLUMNS["cohort-economics"]], "cohort-economics")

    st.subheader("What if retention were higher?")
    lift = st.number_input(
        "Retention points added in every month after acquisition",
        min_value=0,
        max_value=100,
        value=5,
        step=1,
        key="lift",
        bind="query-params",
    )
    gained = economics.what_if(ui.view("retention", f, mode="bounded"), lift)
    if gained.empty:
        st.info("No completed month after acquisition in these cohorts yet.")
    else:
        ui.kpi_tiles(
            [
                ui.Tile(
                    "revenue_gained",
                    gained["revenue_gained"].sum(min_count=1),
                    label=f"Revenue gained at +{lift} points",
                    help="Extra active customers × what that month's active customers spent "
                    "on average, summed over the completed months after acquisition.",
                )
            ],
            columns=3,
        )
        st.altair_chart(
            charts.period_bars(gained, "revenue_gained", "Revenue gained", "money"),
            width="stretch",
        )
        st.caption(
            f"{gained['extra_customers'].sum():,.1f} more active customer-months: each completed "
            "month after acquisition keeps that many more points of its cohort (never past "
            "100 %), and each extra customer spends what that month's active customers spent "
            "on average."
        )
    ui.definitions(
        f"Cohort = month of acquisition (or first order); mode: "
        f"{MODES[mode].lower()} (active = ordered "
        f"{'in that month' if mode == 'bounded' else 'in that month or later'})."
    )
