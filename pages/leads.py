"""Leads: who brings the leads that close, and which open leads to call first."""

import streamlit as st

from pitwall import controls, lead_charts, lead_model, lead_views
from pitwall import dashboard as ui
from pitwall.views import EXPORTS

if ui.page_header(
    "Leads",
    needs=["leads"],
    fills="Leads (with their `source` and, when your CRM scores them, `score`) fill this page.",
):
    f = ui.filters()
    imported = ui.view("leads.has_imported_scores")
    mql = controls.number(st, "mql", "Hand-off (MQL) threshold: score") if imported else None
    q = ui.queries("leads", f, mql=mql or lead_views.DEFAULT_MQL, compare=ui.comparison())
    now_s = lead_views.sources_summary(q["sources"])
    before_s = lead_views.sources_summary(q["before"])
    ui.compared_tiles(
        [
            ui.Tile("leads", now_s["leads"], before_s["leads"]),
            ui.Tile("marketing_share", now_s["marketing_share"], before_s["marketing_share"]),
            ui.Tile("win_rate", now_s["win_rate"], before_s["win_rate"]),
            ui.Tile("lead_revenue", now_s["revenue"], before_s["revenue"]),
        ]
    )

    st.subheader("Who brings the leads that close")
    if now_s["leads"] == 0:
        st.info("No leads were created in this period and filter.")
    else:
        if not now_s["has_sources"]:
            st.info(
                "No lead says who brought it in: add a `source` column to `leads.csv` "
                "(marketing, sales, partner, service or other) to compare them."
            )
        ui.chart(lead_charts.win_rate_by_source(q["sources"]))
        st.caption("Leads created in the period, by who brought them in, online and offline.")
        ui.chart(lead_charts.leads_by_month(q["monthly"]))
        sources = q["sources"][[*EXPORTS["lead-sources"].columns, "customers", "qualified_rate"]]
        ui.table(sources, "lead-sources", formats={"customers": "count"})

    st.subheader("Which leads to call first")
    fit = q["model"]
    if imported:
        m, m_before = q["mql"], q["mql_before"]
        ui.compared_tiles(
            [
                ui.Tile("leads", m["mqls"], m_before["mqls"], label=f"MQLs (score ≥ {mql})"),
                ui.Tile("mql_to_qualified", m["mql_to_qualified"], m_before["mql_to_qualified"]),
                ui.Tile(
                    "days_to_qualified", m["days_to_qualified"], m_before["days_to_qualified"]
                ),
                ui.Tile(
                    "mql_to_qualified",
                    m["below_to_qualified"],
                    m_before["below_to_qualified"],
                    label="Below the threshold → qualified",
                ),
            ]
        )
        ui.chart(lead_charts.band_win_rates(q["bands"]))
        st.caption(
            "Your CRM's score (`leads.score`) as loaded, in 20-point bands; the export "
            "`lead-scores` lists every lead with its band."
        )
        ui.table(q["bands"], "lead-score-bands", formats={"open": "count"})
    elif fit is None:
        st.info(
            "No lead score yet. Pitwall learns one from your closed leads: run "
            "`python -m pitwall model leads` (a few seconds; the page shows the result). "
            "Or load your CRM's own score as a `score` column of `leads.csv`.",
            icon=":material/model_training:",
        )
    else:
        if fit["stale"]:
            st.warning(
                "Data was loaded after this model was trained: its scores and checks are "
                f"from the data it saw. Run `{lead_model.COMMAND}` to retrain.",
                icon=":material/history:",
            )
        ui.kpi_tiles(
            [
                ui.Tile("lead_auc", fit["auc"]),
                ui.Tile("lead_brier", fit["brier"]),
                ui.Tile("top_decile_lift", fit["top_decile_lift"]),
                ui.Tile("leads", fit["open_leads"], label="Open leads scored"),
            ]
        )
        st.caption(
            f"Pitwall's lead score, trained {fit['trained_at']:%d %b %Y %H:%M} on "
            f"{fit['closed_leads']:,} closed leads and checked on the latest "
            f"{fit['validation_leads']:,} (created from {fit['validation_from']:%d %b %Y}), "
            f"which it had not seen. It reads only what is known when a lead is created: "
            f"{fit['features']}."
            + (f" Left out: {fit['left_out']}." if fit["left_out"] else "")
        )
        st.markdown("**The open leads to call first**")
        calls = q["call_list"]
        if calls.empty:
            st.info("No open lead in this period and filter has a score.")
        else:
            ui.table(
                calls,
                "lead-call-list",
                formats={"score": "percent", "created_at": "date", "last_entered_at": "date"},
                labels={
                    "score": "Win probability",
                    "top_reasons": "Why",
                    "campaign_name": "Campaign",
                    "stage": "Furthest stage",
                    "last_entered_at": "Last moved",
                },
            )
            st.caption(
                "Open leads created in the period, highest score first. Why: what raises "
                "each lead's score most in the model (its input times the input's weight)."
            )
        st.markdown("**Does the score hold? Validation by decile**")
        ui.chart(lead_charts.calibration(q["calibration"]))
        ui.table(
            q["calibration"], "lead-model-calibration",
            formats={"decile": "count", "mean_score": "percent"},
        )  # fmt: skip
    ui.definitions(
        "Leads created in the range. Qualified: reached the funnel's second stage or a later "
        "one; won: reached its last stage; win rate: won / leads. Revenue: what the customers "
        "the leads became ordered by the end of the range. Source: who brought the lead in "
        "(`leads.source`). "
        "Pitwall's score: a regularised logistic regression on closed leads, the win "
        "probability of each lead; high: the top 10 % of validation scores, low: the bottom "
        "half."
    )
