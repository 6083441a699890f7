"""Channel ROI: what each channel and campaign returns per euro, under any attribution model."""

import streamlit as st

from pitwall import attribution, charts, controls, formatting, views
from pitwall import dashboard as ui
from pitwall.attribution import DEFAULT_MODEL, MODELS
from pitwall.views import EXPORTS

if ui.page_header(
    "Channel ROI",
    needs=["campaigns", "channels"],
    fills="Campaigns and channels tie spend, leads and orders to a channel.",
):
    f = ui.filters()
    c1, c2 = st.columns([3, 1])
    model = controls.segmented(
        c1,
        "model",
        "Attribution model",
        help=" ".join(f"**{m.label}**: {m.description}" for m in MODELS.values()),
    )
    lookback = controls.number(
        c2,
        "lookback",
        "Lookback (days)",
        help="Touchpoints this many days before an order (up to the order) are on its path.",
    )
    q = ui.queries("channel_roi", f, model=model, lookback_days=lookback)
    roi, campaigns, loose = q["roi"], q["campaigns"], q["unattributed"]
    now_t, before_t = views.roi_totals(roi), views.roi_totals(q["before"])
    ui.kpi_tiles(
        [
            ui.Tile(m, now_t[m], before_t[m], goal=q["target_notes"].get(m))
            for m in ("spend", "revenue", "roas", "cpl", "cac")
        ]
    )
    if loose["orders"]:
        st.caption(
            f"Plus {formatting.money(loose['revenue'])} of revenue from "
            f"{formatting.count(loose['orders'])} orders without a campaign or a touchpoint "
            f"in the lookback, or credited to a campaign with no channel (unattributed under "
            f"{MODELS[model].label.lower()}: in no channel)."
        )
    if roi.empty:
        st.info("No spend, credited revenue, leads or new customers in this period and filter.")
    else:
        left, right = st.columns(2)
        with left:
            st.subheader("Return on ad spend")
            st.altair_chart(charts.metric_bars(roi, "roas", "ROAS", ".2f"), width="stretch")
        with right:
            st.subheader("Spend against revenue")
            st.altair_chart(charts.spend_vs_revenue(roi), width="stretch")
        left, right = st.columns(2)
        with left:
            st.subheader("Cost per lead")
            st.altair_chart(
                charts.metric_bars(roi, "cpl", "Cost per lead", "money"), width="stretch"
            )
        with right:
            st.subheader("Customer acquisition cost")
            st.altair_chart(charts.metric_bars(roi, "cac", "CAC", "money"), width="stretch")

        st.subheader("Channels")
        columns = list(EXPORTS["channel-roi"].columns)
        if roi["gross_margin"].notna().any():
            columns.insert(6, "margin_roi")
        ui.table(roi[columns], "channel-roi")

        st.subheader("Every attribution model side by side")
        touched = "touchpoints" in ui.current_status()["loaded"]
        if not touched:
            st.caption(
                "No touchpoints are loaded, so each order's path is its own campaign and every "
                "model gives the same figures. Load `touchpoints.csv` (customer_id, touched_at, "
                "campaign_id) to compare models."
            )
        models = q["models"]
        labels = [m.label for m in MODELS.values()]
        left, right = st.columns(2)
        with left:
            st.altair_chart(
                charts.model_compare(models, "revenue", "Credited revenue", "money", labels),
                width="stretch",
            )
        with right:
            shifts = models[models["model"] != DEFAULT_MODEL]
            st.altair_chart(
                charts.model_compare(
                    shifts, "vs_last", "Credit against last touch", "+.0%", labels
                ),
                width="stretch",
            )
        wide = attribution.side_by_side(models)
        ui.table(
            wide,
            "attribution-models",
            formats={c: "money" if c.startswith("revenue") else "ratio" for c in wide.columns[3:]},
            labels={
                f"{value}_{m.name}": f"{m.label}: {'revenue' if value == 'revenue' else 'ROAS'}"
                for m in MODELS.values()
                for value in ("revenue", "roas")
            },
        )
        st.caption(
            "Right: each model's credit against last touch (+100 % = twice as much). Channels "
            "that open journeys gain under first touch and position based; those that close "
            "them gain under last touch. Every model shares out the same revenue; ROAS per "
            "model is in the table."
        )

        st.subheader("Which campaigns bring the revenue")
        ranked, top = views.campaign_pareto(campaigns)
        if len(ranked):
            st.altair_chart(charts.pareto(ranked), width="stretch")
            st.caption(
                f"{top} of {len(campaigns)} campaigns bring "
                f"{views.PARETO_SHARE * 100:.0f} % of the credited revenue."
            )
        st.subheader("Campaigns")
        ui.table(
            campaigns[
                [
                    "campaign_name",
                    "channel",
                    "kind",
                    "spend",
                    "revenue",
                    "roas",
                    "roi",
                    "leads",
                    "cpl",
                    "new_customers",
                    "cac",
                ]
            ],
            "campaign-roi",
        )
    ui.definitions(
        f"Attribution: {MODELS[model].label}. {MODELS[model].description} A path holds the "
        f"customer's touchpoints up to {lookback} days before the order, then the order's own "
        "campaign. ROAS = revenue / spend; ROI = (revenue − spend) / spend; CPL = spend / "
        "leads; CAC = spend / new customers. A ratio with nothing to divide by is shown as –."
    )
