"""Spend balance: online vs offline spend, against budget and the online-share target."""

import streamlit as st

from pitwall import charts, views
from pitwall import dashboard as ui
from pitwall.views import EXPORTS

if ui.page_header(
    "Spend balance",
    needs=["spend", "campaigns", "channels"],
    fills="Spend per campaign and day fills the charts.",
):
    f = ui.filters()
    q = ui.queries("spend_balance", f, compare=ui.comparison())
    monthly, targets, by_channel = q["monthly"], q["targets"], q["by_channel"]
    now_t, before_t, pace = q["totals"], q["totals_before"], q["pacing"]
    target = now_t["online_share_target"]
    goals = q["target_notes"]
    ui.compared_tiles(
        [
            ui.Tile("spend", now_t["spend"], before_t["spend"], goal=goals.get("spend")),
            ui.Tile(
                "online_share",
                now_t["online_share"],
                before_t["online_share"],
                help=f"Online spend / all spend. Target for the last month: "
                f"{'–' if target is None else f'{target:.0%}'}",
                goal=goals.get("online_share"),
            ),
            ui.Tile("budget", now_t["budget"], before_t["budget"]),
            ui.Tile("spend_to_budget", now_t["spend_to_budget"], before_t["spend_to_budget"]),
        ]
    )
    if not now_t["has_data"]:
        st.info(
            "No spend or budget in this period and filter. Widen the date range or clear "
            "the channel filter."
        )
    else:
        st.subheader("Online and offline spend per month")
        ui.chart(charts.monthly_spend(monthly, targets, q["events"]))
        if not len(targets):
            st.caption("No online-share target loaded (`targets.csv`), so no target line.")
        marked = charts.numbered(q["events"])
        if len(marked):
            st.caption(
                "Marked: "
                + "; ".join(f"**{e.n}** {e.label} ({e.when})" for e in marked.itertuples())
            )

        left, right = st.columns(2)
        with left:
            st.subheader("Budget vs actual per channel")
            ui.chart(charts.budget_vs_actual(views.budget_by_channel(by_channel)))
        with right:
            st.subheader("Spend vs budget per month")
            ui.chart(charts.budget_variance_heatmap(by_channel))

        st.subheader(f"Budget pacing, {f.end:%B %Y}")
        if pace["budget"].notna().any():
            st.caption(
                f"Spend from the 1st to {f.end:%d %b} against the budget prorated to "
                "that day: 100 % is on pace."
            )
            ui.table(
                pace[["channel", "kind", "spend_to_date", "prorated_budget", "budget", "pacing"]],
                "pacing",
                {
                    "spend_to_date": "money",
                    "prorated_budget": "money",
                    "budget": "money",
                    "pacing": "percent",
                },
            )
        else:
            st.caption("No budget for this month, so no pacing.")

        st.subheader("Spend by channel group")
        ui.chart(charts.spend_by_group(by_channel))

        st.subheader("The numbers")
        ui.table(monthly[list(EXPORTS["spend-balance"].columns)], "spend-balance")
    ui.definitions(
        "Spend by booking date; budget prorated by days for months cut by the range; "
        "share of spend = the kind's spend / all spend that month."
    )
