"""Channel ROI: what each channel and campaign returns per euro."""

import streamlit as st

from pitwall import charts, formatting
from pitwall import dashboard as ui
from pitwall.views import ROI_MEASURES, ROI_RATIOS

if ui.page_header(
    "Channel ROI",
    needs=["campaigns", "channels"],
    fills="Campaigns and channels tie spend, leads and orders to a channel.",
):
    f = ui.filters()
    roi = ui.view("channel_roi", f)
    before = ui.view("channel_roi", f.previous())
    campaigns = ui.view("channel_roi", f, by="campaign")
    loose = ui.view("unattributed", f)

    now_t = ui.totals(roi, ROI_MEASURES, ROI_RATIOS)
    before_t = ui.totals(before, ROI_MEASURES, ROI_RATIOS)
    ui.kpi_tiles(
        [ui.Tile(m, now_t[m], before_t[m]) for m in ("spend", "revenue", "roas", "cpl", "cac")]
    )
    if loose["orders"]:
        st.caption(
            f"Plus {formatting.money(loose['revenue'])} of revenue from "
            f"{formatting.count(loose['orders'])} orders without a campaign "
            "(unattributed: in no channel)."
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
        columns = [
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
        if roi["gross_margin"].notna().any():
            columns.insert(6, "margin_roi")
        ui.table(roi[columns], "channel-roi")

        st.subheader("Which campaigns bring the revenue")
        ranked = campaigns.sort_values("revenue", ascending=False)
        ranked = ranked[ranked["revenue"] > 0].head(50)
        total = campaigns["revenue"].sum()
        ranked = ranked.assign(cumulative_share=ranked["revenue"].cumsum() / total)
        if len(ranked):
            st.altair_chart(charts.pareto(ranked), width="stretch")
            top = (ranked["cumulative_share"] < 0.8).sum() + 1
            st.caption(
                f"{min(top, len(ranked))} of {len(campaigns)} campaigns bring 80 % of "
                "the credited revenue."
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
        "Attribution: last touch (the order's campaign). ROAS = revenue / spend; "
        "ROI = (revenue − spend) / spend; CPL = spend / leads; CAC = spend / new "
        "customers. A ratio with nothing to divide by is shown as –."
    )
