"""Cohorts: whether the customers a month or a channel brought in keep buying."""

import streamlit as st

from pitwall import charts, controls, economics, views
from pitwall import dashboard as ui
from pitwall.views import EXPORTS

MODES, SPLITS = controls.MODES, controls.SPLITS

if ui.page_header(
    "Cohorts",
    needs=["orders"],
    fills="Cohorts follow customers through their orders; sales totals carry no customers.",
):
    f = ui.filters()
    c1, c2, c3, c4 = st.columns(4)
    mode = controls.segmented(c1, "mode", "Active means ordered…")
    split = controls.choice(c2, "split", "Split retention by")
    ltv_by = controls.segmented(c3, "ltv_by", "Value curves by")
    lift = controls.number(c4, "lift", "What if: retention points added")
    q = ui.queries("cohorts", f, mode=mode, split=split, ltv_by=ltv_by, lift=lift)
    cohorts, econ, gained = q["cohorts"], q["economics"], q["what_if"]
    summary = views.retention_summary(cohorts)
    extra = views.what_if_summary(gained)
    worth = views.economics_summary(econ)
    ui.kpi_tiles(
        [
            ui.Tile("cohort_size", summary["cohort_size"], label="Customers acquired"),
            ui.Tile(
                "retention_rate",
                summary["retention_rate"],
                label="Active in month 1",
                help="Share of customers of the shown cohorts who ordered in the calendar "
                "month after their cohort month (complete months only).",
            ),
            ui.Tile("revenue", summary["revenue"], label="Revenue from these cohorts"),
            ui.Tile(
                "ltv_to_cac",
                worth["ltv_to_cac"],
                help="What the acquired customers bought in their first 12 months, per "
                "customer, over the blended CAC: all channels' spend in the period / all "
                "new customers. Per channel below.",
            ),
            ui.Tile(
                "revenue_gained",
                extra["revenue_gained"],
                label=f"Revenue gained at +{lift} points",
                help="Extra active customers × what that month's active customers spent "
                "on average, summed over the completed months after the cohort month.",
            ),
        ]
    )
    if cohorts.empty:
        st.info(
            "No customers were acquired in this period and filter. Widen the date range: "
            "cohorts are picked by acquisition date."
        )
    else:
        st.subheader("Retention by cohort")
        ui.chart(charts.retention_heatmap(cohorts))
        st.caption(
            "Months after the cohort month (calendar months; 0 = the month of acquisition). "
            "Faded cells are periods not yet complete."
        )
        st.subheader("Revenue by cohort and month")
        ui.chart(charts.retention_heatmap(cohorts, "revenue", "money"))

        st.subheader("Cumulative revenue per customer")
        ui.chart(
            charts.curves(
                views.cumulative_revenue(cohorts), "cumulative", "Revenue per customer", "money"
            )
        )
        if split:
            st.subheader(f"Retention by {SPLITS[split].lower()}")
            curve = q["split"]
            ui.chart(
                charts.curves(
                    curve.rename(columns={"grp": split}) if split == "kind" else curve,
                    "retention_rate",
                    "Retention",
                    "%",
                    color="kind" if split == "kind" else "grp",
                    channels=split == "channel",
                )
            )
            st.caption("Each point pools every shown cohort that has completed that month.")
        st.subheader("The numbers")
        ui.table(cohorts[[*EXPORTS["retention"].columns, "complete"]], "retention")

    st.header("What acquired customers are worth")
    acquired = econ[econ["new_customers"] > 0]
    if not {"campaigns", "channels"} <= ui.current_status()["loaded"]:
        st.info(
            "Lifetime value against acquisition cost needs `campaigns.csv` and `channels.csv`: "
            "they tie each customer's acquisition campaign to a channel and its spend."
        )
    elif acquired.empty:
        st.info("No customer in this period and filter was acquired through a campaign.")
    else:
        shown = q["curves"]
        # the group's column takes the split's name for the legend
        shown = shown[shown["month"] <= max(economics.HORIZON, 24)].drop(columns="kind")
        shown = shown.rename(columns={"grp": ltv_by})
        st.subheader("Cumulative revenue per acquired customer")
        ui.chart(
            charts.curves(
                shown.rename(columns={"month": "period"}),
                "ltv",
                "Revenue per customer",
                "money",
                color=ltv_by,
                channels=ltv_by == "channel",
            )
        )
        st.caption(
            "Months since acquisition (each customer's own anniversaries; month k holds what "
            "they bought before acquisition + k months). Every acquired customer counts, also "
            "those whose k months have not yet passed."
        )
        left, right = st.columns(2)
        with left:
            st.subheader("LTV / CAC")
            ui.chart(
                charts.metric_bars(
                    econ, "ltv_to_cac", "LTV (12 months) / CAC", ".2f", reference=1.0
                )
            )
        with right:
            st.subheader("Months to pay back CAC")
            ui.chart(charts.metric_bars(econ, "payback_months", "Months", "d"))
            unpaid = acquired.loc[acquired["payback_months"].isna(), "channel"].tolist()
            if unpaid:
                st.caption(f"Not paid back yet: {', '.join(unpaid)}.")
        ui.table(econ[list(EXPORTS["cohort-economics"].columns)], "cohort-economics")

    st.subheader(f"What if retention were {lift} points higher?")
    if gained.empty:
        st.info("No completed month after acquisition in these cohorts yet.")
    else:
        ui.chart(charts.period_bars(gained, "revenue_gained", "Revenue gained", "money"))
        st.caption(
            f"{extra['extra_customers']:,.1f} more active customer-months: each completed "
            "month after the cohort month keeps that many more points of its cohort (never past "
            "100 %), and each extra customer spends what that month's active customers spent "
            "on average."
        )
    ui.definitions(
        f"Cohort = month of acquisition (or first order); mode: "
        f"{MODES[mode].lower()} (active = ordered "
        f"{'in that month' if mode == 'bounded' else 'in that month or later'})."
    )
