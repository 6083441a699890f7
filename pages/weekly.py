"""Weekly review: what changed this week and where to look, for a management meeting."""

from urllib.parse import urlsplit

import streamlit as st

from pitwall import charts, controls, formatting, landing, report, views, weekly, weeks
from pitwall import dashboard as ui
from pitwall.filters import Filters


def _base_url() -> str:
    """The app's own address, for the report's links (this page's URL minus its path)."""
    url = urlsplit(st.context.url or "")
    path = url.path.rstrip("/")
    path = path.removesuffix("/weekly")
    return f"{url.scheme}://{url.netloc}{path}" if url.netloc else ""


if ui.page_header("Weekly review"):
    choices = [weeks.name(m) for m in ui.view("weekly.choices")]
    if not choices:
        st.info("No dated rows yet, so there is no week to review. " + ui.LOAD_HINT)
        st.stop()
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = controls.select(
        left,
        "week",
        "Week",
        choices,  # the URL carries the option itself: ?week=2025-W16
        default=choices[0],
        help="ISO weeks, Monday to Sunday. The newest is the last complete week in the data.",
    )
    monday = weeks.parse(picked)
    f = ui.filters()
    review = ui.queries("weekly", f, week=monday)["review"]
    base = _base_url()

    def _pdf() -> bytes:
        con = ui.warehouse().cursor()
        try:
            return report.pdf(report.render(con, review, base))  # the review shown here
        finally:
            con.close()

    right.download_button(
        "Download PDF",
        data=_pdf,
        file_name=report.file_name(monday),
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        width="stretch",
    )
    st.caption(
        f"**{weeks.label(monday)}**. "
        f"{report.describe(review.filters).capitalize()}: the week replaces the sidebar's "
        "period here, the other filters apply. Deltas: against the week before, and against "
        "the average of the four weeks before."
    )
    if not review.has_data:
        st.info(f"Nothing was spent, sold or won in the thirteen weeks to {picked}.")
    sales = ui.view("sales_revenue", Filters(monday, weeks.sunday(monday)))
    if not sales["attributed"]:
        st.info(
            "**Revenue here follows orders, and none are loaded.** Your revenue comes from "
            f"sales totals: {formatting.money(sales['revenue'])} this week, not tied to any "
            "channel or campaign (Channel ROI shows them beside the spend). Revenue, ROAS, new "
            "and active customers below count orders only: 0 or empty until orders are loaded.",
            icon=":material/link_off:",
        )
    ui.kpi_tiles(
        [
            ui.Tile(m, review.now[m], review.before[m], average=review.average[m])
            for m in weekly.TILES
        ],
        columns=5,
        against="the week before",
        average="4-week average",
    )

    st.subheader("Will we land?")
    if len(review.landing):
        st.caption(
            f"Each target projected to its period's end from the actual through "
            f"{landing.week_as_of(monday):%d %B %Y}, at its daily run rate. On track: within "
            f"{landing.ON_TRACK:.0%} of the target on the metric's wrong side; at risk: within "
            f"{landing.AT_RISK:.0%}; off track: further. Spend without a target is judged "
            "against its budget."
        )
        ui.table(views.landing_table(review.landing), "landing")
    else:
        st.info("No targets or budgets for this selection this month: load targets.csv.")

    if review.news:
        st.subheader("Alerts")
        st.markdown("\n".join(f"- :material/warning: {m}" for m in review.news))

    st.subheader("What changed")
    if review.highlights:
        # Plain links, not st.page_link: a link must open the page as its URL says, and
        # in-app navigation would keep this session's sidebar filters instead.
        st.markdown(
            "\n".join(
                f"{i}. {h.text} [See {h.page_title}]({h.url('.')})"
                for i, h in enumerate(review.highlights, 1)
            )
        )
    else:
        st.info(
            "Nothing moved much this week: no channel changed by a tenth of the total, spend "
            "kept to its targets and budgets, and conversion and retention held."
        )

    st.subheader("What happened this week")
    happened = review.week_events
    if len(happened):
        st.markdown(
            "\n".join(f"- **{e.n}** {e.label} · {e.when}" for e in happened.itertuples())
        )
        left, right = st.columns([1, 2])
        chosen = left.selectbox(
            "Before and after", list(happened["tag"]), help="The 28 days before the event's "
            "first day against the 28 days from it, with this review's filters.",
        )
        day = happened.loc[happened["tag"] == chosen, "date"].iloc[0].date()
        card = ui.view("before_after", review.filters, day)
        with right:
            ui.table(views.before_after_table(card), "before-after")
    else:
        st.caption("No events or campaign launches this week (events.csv lists them).")

    if review.has_data:
        st.subheader("Thirteen weeks")
        for row in report.trend_rows(review):
            for col, chart in zip(st.columns(len(row)), row, strict=True):
                ui.chart(chart, col)
        numbered = charts.numbered(review.events)
        if len(numbered):
            st.caption(
                "Marked: "
                + "; ".join(f"**{e.n}** {e.label} ({e.when})" for e in numbered.itertuples())
            )
    ui.definitions(
        "Weeks run Monday to Sunday (ISO). Revenue is credited by last touch; deals won are "
        "leads entering the last funnel stage; active customers ordered in the week. "
        "Highlights are ranked by how much of the week's total they move."
    )
