"""Channel ROI: what each channel and campaign returns per euro, under any attribution model."""

import streamlit as st

from pitwall import attribution, charts, controls, formatting, views
from pitwall import dashboard as ui
from pitwall.attribution import DEFAULT_LOOKBACK, DEFAULT_MODEL, MODELS
from pitwall.views import EXPORTS

if ui.page_header(
    "Channel ROI",
    needs=["campaigns", "channels"],
    fills="Campaigns and channels tie spend, leads and orders to a channel.",
):
    f = ui.filters()
    attributed = ui.view("sales_revenue", f)["attributed"]
    if attributed:
        c1, c2 = st.columns([3, 1])
        model = controls.choice(
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
    else:  # no revenue to share out: the attribution controls would change nothing
        model, lookback = DEFAULT_MODEL, DEFAULT_LOOKBACK
    q = ui.queries("channel_roi", f, model=model, lookback_days=lookback, compare=ui.comparison())
    roi, campaigns, loose = q["roi"], q["campaigns"], q["unattributed"]
    now_t, before_t = views.roi_totals(roi), views.roi_totals(q["before"])
    goals = q["target_notes"]
    sales, sales_before = q["sales"], q["sales_before"]
    if not attributed:
        st.info(
            "**Revenue is not tied to campaigns.** Your revenue comes from sales totals "
            f"({formatting.money(sales['revenue'])} in this period), not from orders, so no "
            "channel or campaign is credited with any of it: ROAS and ROI are left empty "
            "rather than shown as −100 %. The spend is real. To see what each channel "
            "returns, load orders with their campaign (`orders.csv`, or a Shopify export "
            "whose orders carry UTM parameters).",
            icon=":material/link_off:",
        )
        ui.compared_tiles(
            [
                ui.Tile("spend", now_t["spend"], before_t["spend"]),
                ui.Tile(
                    "revenue",
                    sales["revenue"],
                    sales_before["revenue"],
                    label="Sales revenue",
                    help="All revenue of the sales totals in the period. It is not tied to "
                    "any channel or campaign.",
                ),
            ]
            + ([ui.Tile("cpl", now_t["cpl"], before_t["cpl"])] if now_t["leads"] else [])
        )
    else:
        share = views.attributed_share(loose)
        share_before = views.attributed_share(q["unattributed_before"])
        ui.compared_tiles(
            [
                ui.Tile("spend", now_t["spend"], before_t["spend"], goal=goals.get("spend")),
                ui.Tile(
                    "revenue", now_t["revenue"], before_t["revenue"], goal=goals.get("revenue")
                ),
                ui.Tile("attributed_share", share, share_before),
                ui.Tile("roas", now_t["roas"], before_t["roas"], goal=goals.get("roas")),
                ui.Tile("cpl", now_t["cpl"], before_t["cpl"], goal=goals.get("cpl")),
                ui.Tile("cac", now_t["cac"], before_t["cac"], goal=goals.get("cac")),
            ],
            columns=6,
        )
    if loose["orders"]:
        st.markdown(
            f"**{formatting.money(loose['revenue'])} of revenue is in no channel** under "
            f"{MODELS[model].label.lower()} ({formatting.orders(loose['orders'])}): "
            "attribution sees only tracked touches, so offline channels look weaker here than "
            "they are. [Where it comes from](#unattributed-revenue)"
        )
    if roi.empty:
        st.info("No spend, credited revenue, leads or new customers in this period and filter.")
    elif not attributed:
        leads = ["leads", "cpl"] if now_t["leads"] else []
        left, right = st.columns(2) if leads else (st.container(), None)
        with left:
            st.subheader("Spend")
            ui.chart(charts.metric_bars(roi, "spend", "Spend", "money"))
        if leads:
            with right:
                st.subheader("Cost per lead")
                ui.chart(charts.metric_bars(roi, "cpl", "Cost per lead", "money"))
        st.subheader("Channels")
        ui.table(roi[["channel", "kind", "spend", *leads]], "channel-spend")
        st.subheader("Campaigns")
        ui.table(campaigns[["campaign_name", "channel", "kind", "spend", *leads]], "campaign-spend")
    else:
        left, right = st.columns(2)
        with left:
            st.subheader("Return on ad spend")
            ui.chart(charts.metric_bars(roi, "roas", "ROAS", ".2f", reference=1.0))
        with right:
            st.subheader("Spend against revenue")
            ui.chart(charts.spend_vs_revenue(roi))
        left, right = st.columns(2)
        with left:
            st.subheader("Cost per lead")
            ui.chart(charts.metric_bars(roi, "cpl", "Cost per lead", "money"))
        with right:
            st.subheader("Customer acquisition cost")
            ui.chart(charts.metric_bars(roi, "cac", "CAC", "money"))

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
            ui.chart(charts.model_compare(models, "revenue", "Credited revenue", "money", labels))
        with right:
            shifts = models[models["model"] != DEFAULT_MODEL]
            ui.chart(
                charts.model_compare(
                    shifts, "vs_last", "Credit against last touch", "+.0%", labels
                )
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
            "Credit against last touch: +100 % is twice as much as last touch gives. Channels "
            "that open journeys gain under first touch and position based; those that close "
            "them gain under last touch. Every model shares out the same revenue; ROAS per "
            "model is in the table."
        )

        st.subheader("Which campaigns bring the revenue")
        ranked, top = views.campaign_pareto(campaigns)
        if len(ranked):
            ui.chart(charts.pareto(ranked))
            st.caption(
                f"{top} of {len(campaigns)} campaigns bring "
                f"{views.PARETO_SHARE * 100:.0f} % of the credited revenue."
            )
        st.subheader("Campaigns")
        ui.table(
            campaigns[["campaign_name", *EXPORTS["channel-roi"].columns]],
            "campaign-roi",
        )
    media = q["media"]
    if not media.empty:
        st.header("Media efficiency")
        if media["impressions"].isna().all() and media["clicks"].isna().all():
            st.info(
                "No spend row in this period carries impressions or clicks. Add `impressions` "
                "and `clicks` columns to `spend.csv` (Google Ads and Meta exports bring them) "
                "to see CTR, CPC and CPM per channel and campaign."
            )
        else:
            shown, shown_before = views.media_totals(media), views.media_totals(q["media_before"])
            ui.compared_tiles(
                [
                    ui.Tile(m, shown[m], shown_before[m])
                    for m in ("impressions", "clicks", "ctr", "cpc", "cpm")
                ]
            )
            left, right = st.columns(2)
            with left:
                st.subheader("Click-through rate")
                ui.chart(charts.metric_bars(media, "ctr", "CTR", ".2%"))
            with right:
                st.subheader("Cost per click")
                ui.chart(charts.metric_bars(media, "cpc", "CPC (€)", ",.2f"))
            # the ratios first: on a phone the last columns scroll out of sight
            figures = ["ctr", "cpc", "cpm", "impressions", "clicks", "spend"]
            ui.table(media[["channel", "kind", *figures]], "media-channels")
            st.subheader("Media efficiency by campaign")
            ui.table(q["media_campaigns"][["campaign_name", "channel", "kind", *figures]], "media")
            st.caption(
                "CTR = clicks / impressions; CPC = spend / clicks; CPM = spend / impressions "
                "× 1,000, each over the spend rows that carry the figure. A channel whose "
                "spend carries no impressions or clicks (offline ones, mostly) shows –, not 0."
            )
    if loose["orders"]:
        st.subheader("Unattributed revenue")
        ui.table(q["unattributed_reasons"], "unattributed", labels={"reason": "Where from"})
        st.caption(
            "An order without a campaign is credited to a channel only when the customer had a "
            "tracked touch in the lookback. Orders that followed a trade fair, a catalogue or a "
            "sales call carry none: load `touchpoints.csv` for the touches you can track, and "
            "compare channels on modelled returns, which see untracked effects too."
        )
    ui.definitions(
        f"Attribution: {MODELS[model].label}. {MODELS[model].description} A path holds the "
        f"customer's touchpoints up to {lookback} days before the order, then the order's own "
        "campaign. ROAS = revenue / spend; ROI = (revenue − spend) / spend; CPL = spend / "
        "leads; CAC = spend / new customers. A ratio with nothing to divide by is shown as –."
    )
