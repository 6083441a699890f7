"""Budget planner: modelled ROI for every channel, online and offline, and where the next euro
goes. Shows the stored marketing-mix fit only; fitting is a job (button or CLI)."""

import streamlit as st

from pitwall import dashboard as ui
from pitwall import formatting, mmm, plan_views, planner_charts, planner_ui

if ui.page_header(
    "Budget planner",
    needs=["campaigns", "channels", "spend"],
    fills="The model needs weekly spend per channel (spend, campaigns, channels) and orders.",
):
    fit = planner_ui.read("fit_info")
    if fit is None:
        st.info(
            "**No marketing-mix model is fitted yet.** The model learns from weekly spend and "
            "revenue how much each channel, online and offline, adds, and how that wears off "
            "and saturates. Fitting takes one to two minutes and is stored with the data: "
            f"press the button, or run `{mmm.FIT_COMMAND}`.",
            icon=":material/insights:",
        )
        planner_ui.fit_button("Fit the model")
        ui.definitions("Modelled ROAS, marginal ROAS, the priors and the planner's rules.")
        st.stop()
    if fit["stale"]:
        st.warning(
            f"**New data was loaded after this model was fitted** "
            f"({fit['fitted_at']:%d %b %Y %H:%M}); the figures below do not include it.",
            icon=":material/update:",
        )
        planner_ui.fit_button("Fit the model again", outcome=fit["outcome"], key="refit")

    outcome = fit["outcome"].replace("_", " ")
    money = fit["outcome"] == "revenue"
    fmt = formatting.money if money else formatting.count
    st.caption(
        "The model is fitted on the whole business: the sidebar's filters do not apply here. "
        f"Modelled {outcome} over {fit['weeks']} weeks, {fit['first_week']:%d %b %Y} to "
        f"{fit['last_week']:%d %b %Y}; fitted {fit['fitted_at']:%d %b %Y %H:%M}. "
        "Intervals hold 94 % of the model's belief."
    )
    ch = planner_ui.read("mmm_channels")
    head = planner_ui.read("headline")
    tiles = st.columns(4)
    for col, kind in zip(tiles[:2], ("offline", "online"), strict=True):
        k = head["kinds"].get(kind)
        if k:
            col.metric(
                f"{kind.capitalize()} ROAS, modelled",
                formatting.fmt("ratio", k["roas"]),
                delta="attributed " + formatting.fmt("ratio", k["attributed_roas"]),
                delta_color="off",
                delta_arrow="off",
                help=f"Modelled {outcome} per euro of {kind} spend, against what attribution "
                "(Channel ROI, last touch) credits it with.",
                border=True,
            )
    tiles[2].metric(
        "Marketing's share of " + outcome,
        formatting.percent(head["marketing_share"]),
        help="Modelled contribution of all channels over the outcome of the weeks modelled.",
        border=True,
    )
    tiles[3].metric(
        "Best next euro",
        head["best_channel"],
        delta=f"{head['best_marginal_roas']:.2f} back per € (marginal)",
        delta_color="off",
        delta_arrow="off",
        help="The channel whose next euro returns most at today's spend.",
        border=True,
    )

    st.subheader("What each channel returns: modelled against attributed")
    ui.chart(planner_charts.roas_compare(ch))
    st.caption(
        "Dot and bar: modelled ROAS and its 94 % interval. Grey tick: attributed ROAS (Channel "
        "ROI, last touch). Orders a fair or a catalogue brings carry no campaign, so "
        "attribution cannot see them; the model can. Dashed line: break-even."
    )
    ui.table(
        ch[[*plan_views.VIEW_COLUMNS["mmm-channels"], "evidence"]],
        "mmm-channels",
        formats={
            "spend": "money",
            "contribution": "money" if money else "count",
            "roas": "ratio",
            "roas_low": "ratio",
            "roas_high": "ratio",
            "marginal_roas": "ratio",
            "attributed_roas": "ratio",
        },
        labels={
            "contribution": f"Modelled {outcome}",
            "roas": "Modelled ROAS",
            "roas_low": "ROAS from",
            "roas_high": "ROAS to",
            "marginal_roas": "Marginal ROAS",
            "attributed_roas": "Attributed ROAS",
            "evidence": "Decided by",
        },
    )
    if head["weak"]:
        st.caption(
            f"Decided by *mostly prior*: {', '.join(head['weak'])}: their spend moved the "
            "weekly outcome too little (too small against its week-to-week noise, too even, "
            "or in step with other channels) for the model to tell their effect from the "
            "base; their interval is wide and their modelled ROAS is close to the model's "
            "starting belief. Test them with a deliberate change of spend."
        )

    st.subheader("The planner")
    data = planner_ui.read("plan_data")
    ctl = planner_ui.controls(data)
    result, problem = planner_ui.plan(ctl.request)
    if problem:
        st.error(f"No plan meets these limits: {problem}.", icon=":material/block:")
    else:
        s = result.summary
        k1, k2, k3, k4 = st.columns(4)
        k1.metric(
            "Budget",
            formatting.money(result.budget),
            border=True,
            help=f"For the {result.weeks} weeks after the data's last week.",
        )
        k2.metric(
            f"{outcome.capitalize()}, current split",
            fmt(s["current"]),
            help=f"94 % interval {fmt(s['current_low'])} – {fmt(s['current_high'])}. "
            "What the channels bring, the base excluded, including carry-over.",
            border=True,
        )
        k3.metric(
            f"{outcome.capitalize()}, planned split",
            fmt(s["planned"]),
            # an ASCII sign, so the arrow and its colour follow the gain
            delta=f"{'-' if s['gain'] < 0 else '+'}{fmt(abs(s['gain']))}, better in "
            f"{formatting.percent(s['gain_probability'], 0)} of the model's draws",
            help=f"94 % interval {fmt(s['planned_low'])} – {fmt(s['planned_high'])}; gain "
            f"{fmt(s['gain_low'])} – {fmt(s['gain_high'])}.",
            border=True,
        )
        limits = []
        if result.share_min is not None:
            limits.append(f"at least {result.share_min:.0%}")
        if result.share_max is not None:
            limits.append(f"at most {result.share_max:.0%}")
        k4.metric(
            "Online share, planned",
            formatting.percent(result.planned_online_share),
            delta=f"now {formatting.percent(result.current_online_share)}",
            delta_color="off",
            delta_arrow="off",
            help="Limits: "
            + (", ".join(limits) or "none")
            + (f"; target {result.target_share:.0%}" if result.target_share is not None else ""),
            border=True,
        )
        if result.current_breaks:
            st.warning(
                "The current split breaks these limits: "
                + "; ".join(result.current_breaks)
                + ". The plan meets them, which can cost outcome against the current split.",
                icon=":material/rule:",
            )
        if result.own:
            o = result.own
            st.info(
                f"**Your plan** ({formatting.money(o['total'])}) is expected to bring "
                f"{fmt(o['planned'])} ({fmt(o['planned_low'])} – {fmt(o['planned_high'])}), "
                f"against {fmt(s['planned'])} from the optimised split.",
                icon=":material/edit_note:",
            )
        ui.chart(planner_charts.plan_bars(result.table))
        st.caption(
            "Grey bar: the allowed range; coloured bar: the planned amount; black tick: the "
            "current split. Channels pinned at a limit would move further without it."
        )
        cols = [*plan_views.PLAN_COLUMNS, "at_bound"] + (
            ["own_spend", "expected_outcome_own"] if result.own else []
        )
        ofmt = "money" if money else "count"
        ui.table(
            result.table[cols],
            "plan",
            formats={
                "current_spend": "money",
                "planned_spend": "money",
                "change": "money",
                "own_spend": "money",
                "expected_outcome_current": ofmt,
                "expected_outcome_planned": ofmt,
                "expected_outcome_own": ofmt,
            },
            labels={
                "expected_outcome_current": f"Expected {outcome}, current",
                "expected_outcome_planned": f"Expected {outcome}, planned",
                "expected_outcome_own": f"Expected {outcome}, your plan",
                "at_bound": "At limit",
                "own_spend": "Your plan",
            },
        )

    st.subheader("Response curves")
    st.caption(
        "Weekly spend held for weeks against the weekly outcome it brings once carry-over "
        "has built up, with its 94 % interval; the dashed line is the average week of the "
        "last quarter. Flat curves: more spend adds little."
    )
    curves = planner_ui.read("response_curves")
    order = ch.sort_values("spend", ascending=False)
    for start in range(0, len(order), 3):
        cols = st.columns(3)
        for col, row in zip(cols, order.iloc[start : start + 3].itertuples(), strict=False):
            curve = curves[curves["channel"] == row.channel]
            col.markdown(f"**{row.channel}** · {row.kind}")
            ui.chart(planner_charts.response_curve(curve, row.kind, row.weekly_spend_now), col)

    st.subheader("Contribution over time")
    st.caption(
        "Each week's fitted outcome split into the base (what the model expects without "
        "marketing: trend, season, controls) and what each channel added, carry-over included."
    )
    weekly = planner_ui.read("weekly")
    ui.chart(planner_charts.contributions(weekly, ch))

    st.subheader("How well the model fits")
    holdout = fit.get("holdout_mape")
    d1, d2, d3, d4 = st.columns(4)
    d1.metric(
        "R² (in sample)",
        f"{fit['r2']:.2f}",
        border=True,
        help="Share of the weekly outcome's variation the model explains.",
    )
    d2.metric(
        "Error per week",
        formatting.percent(fit["mape"]),
        border=True,
        help="Mean absolute percentage error of the fitted weeks (MAPE).",
    )
    d3.metric(
        f"Holdout error, last {fit.get('holdout_weeks') or 8} weeks",
        formatting.percent(holdout) if holdout is not None else "–",
        border=True,
        help="MAPE of a model fitted without the last weeks, predicting them.",
    )
    ok = fit["r_hat_max"] <= 1.01 and fit["divergences"] == 0
    d4.metric(
        "Sampler",
        "converged" if ok else "check",
        delta=f"r̂ max {fit['r_hat_max']:.3f}, {fit['divergences']} divergences",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="r̂ near 1.00 (at most 1.01) and no divergences: the chains agree.",
    )
    ui.chart(planner_charts.fit_check(weekly))
    ui.chart(planner_charts.residuals(weekly))
    ui.definitions(
        "Modelled ROAS: modelled contribution / spend over the weeks modelled. Marginal ROAS: "
        "what one more euro returns at today's spend. Expected outcomes count what the "
        "channels bring (the base excluded), including carry-over after the weeks planned."
    )
