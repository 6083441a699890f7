"""Loyalty: whether customers recommend us, whether promoters are worth more, and how often
and how much customers buy."""

import streamlit as st

from pitwall import controls, loyalty_charts, views
from pitwall import dashboard as ui
from pitwall.loyalty import FREQUENCY_BY, NPS_GROUPS
from pitwall.views import EXPORTS

NO_NPS = (
    "Load an nps table to see the Net Promoter Score: `nps.csv` with customer_id, "
    "answered_at, score (0–10, how likely the customer is to recommend you) and an "
    "optional comment; one row per answer."
)

if ui.page_header(
    "Loyalty",
    needs=["orders"],
    fills="Loyalty follows customers through their orders; sales totals carry no customers.",
):
    f = ui.filters()
    c1, c2 = st.columns(2)
    nps_by = controls.segmented(c1, "nps_by", "NPS by")
    buy_by = controls.segmented(c2, "buy_by", "Purchase frequency and order value by")
    q = ui.queries("loyalty", f, nps_by=nps_by, buy_by=buy_by, compare=ui.comparison())
    has_nps = "nps" in ui.current_status()["loaded"]
    score, score_before = views.nps_summary(q["nps"]), views.nps_summary(q["nps_before"])
    buying = views.frequency_summary(q["by_acquisition"])
    buying_before = views.frequency_summary(q["by_acquisition_before"])
    ui.compared_tiles(
        (
            [
                ui.Tile("nps", score["nps"], score_before["nps"]),
                ui.Tile("responses", score["responses"], score_before["responses"]),
            ]
            if has_nps
            else []
        )
        + [
            ui.Tile("buyers", buying["buyers"], buying_before["buyers"]),
            ui.Tile(
                "purchase_frequency",
                buying["purchase_frequency"],
                buying_before["purchase_frequency"],
            ),
            ui.Tile("aov", buying["aov"], buying_before["aov"]),
        ]
    )

    st.header("Net Promoter Score")
    monthly = q["nps"]
    if not has_nps:
        st.info(NO_NPS, icon=":material/upload_file:")
    elif monthly.empty:
        st.info("No NPS answers in this period and filter. Widen the date range.")
    else:
        st.subheader("NPS by month")
        ui.chart(loyalty_charts.nps_months(monthly))
        ui.table(monthly[list(EXPORTS["nps"].columns)], "nps")

        label = NPS_GROUPS[nps_by]
        st.subheader(f"NPS by {label.lower()}")
        groups = q["groups"]
        ui.chart(loyalty_charts.group_bars(groups, nps_by, "nps", "NPS", "score"))
        ui.table(groups, f"nps-by-{nps_by}", labels={nps_by: label})

        st.subheader("Are promoters worth more?")
        value = q["value"]
        left, right = st.columns(2)
        with left:
            ui.chart(
                loyalty_charts.group_bars(
                    value, "group", "revenue_per_customer", "Revenue per customer", "money"
                )
            )
        with right:
            ui.chart(
                loyalty_charts.group_bars(
                    value, "group", "retention_12m", "Retention (12 months)", "percent"
                )
            )
        ui.table(
            value[[*EXPORTS["nps-value"].columns, "eligible", "retained"]],
            "nps-value",
            formats={"customers": "count", "eligible": "count", "retained": "count"},
            labels={
                "eligible": "Customers a year on",
                "retained": "Still buying a year on",
            },
        )
        st.caption(
            "Each customer is in the group of their latest answer in the period. Revenue "
            "per customer: their orders in the period. Retention (12 months): of those whose "
            "first order was at least a year before the last order loaded, the share who "
            "ordered again a year or more after it (empty when none is a year on yet)."
        )

    st.header("Purchase frequency and average order value")
    shown, label = q["frequency"], FREQUENCY_BY[buy_by]
    if shown.empty:
        st.info("No orders in this period and filter.")
    else:
        st.subheader(f"By {label.lower()}")
        left, right = st.columns(2)
        with left:
            ui.chart(
                loyalty_charts.group_bars(
                    shown, "group", "purchase_frequency", "Orders per customer", "decimal"
                )
            )
        with right:
            ui.chart(
                loyalty_charts.group_bars(shown, "group", "aov", "Average order value", "money")
            )
        ui.table(
            shown[list(EXPORTS["purchase-frequency"].columns)[1:]],
            f"frequency-by-{buy_by.replace('_', '-')}",
            labels={"group": label},
        )
    ui.definitions(
        "NPS = % promoters (9–10) − % detractors (0–6) of the answers in the period, from "
        "−100 to +100; passives (7–8) count only in the total. Purchase frequency = orders "
        "in the period / customers who ordered in it; average order value = revenue / "
        "orders. Groups: the customer's cohort (month of acquisition) and acquisition "
        "channel, or the order's sales channel; (none) = not known."
    )
