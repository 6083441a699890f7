"""Streamlit glue of the budget planner page: cached reads of the stored fit, the planner's
controls bound to the URL, and the "Fit the model" job with its progress bar.

Reads are cached per warehouse file (a fit or a load swaps in a new file, so a cache entry
never outlives the data it came from); nothing here fits a model on a rerun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import streamlit as st

from pitwall import controls as ctl
from pitwall import dashboard, formatting, mmm, plan_views, planner


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _read(ident: tuple, name: str):
    con = dashboard.warehouse().cursor()
    try:
        return getattr(plan_views, name)(con)
    finally:
        con.close()


def read(name: str):
    """plan_views.<name>(con) on the current warehouse, cached per warehouse file."""
    return _read(dashboard.identity(), name)


@st.cache_data(ttl=600, max_entries=256, show_spinner=False)
def _plan(ident: tuple, budget, weeks, share_min, share_max, bounds, amounts):
    data = _read(ident, "plan_data")
    req = plan_views.PlanRequest(
        budget, weeks, share_min, share_max, dict(bounds), dict(amounts)
    )
    try:
        return plan_views.plan(data, req), None
    except planner.PlanError as exc:
        return None, str(exc)


def plan(req: plan_views.PlanRequest):
    """(Plan, None) or (None, the reason no plan can be made)."""
    return _plan(
        dashboard.identity(),
        req.budget,
        req.weeks,
        req.share_min,
        req.share_max,
        tuple(sorted(req.bounds.items())),
        tuple(sorted(req.amounts.items())),
    )


def fit_button(label: str, outcome: str = "revenue", key: str = "fit") -> None:
    """Run the fit job in this session with a progress bar; the page reruns on the result."""
    if not st.button(label, type="primary", icon=":material/model_training:", key=key):
        return
    bar = st.progress(0.0, text="Starting the fit")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        mmm.fit(dashboard.warehouse().path, outcome=outcome, progress=progress)
    except ValueError as exc:  # data the model cannot use: say why, keep the page
        bar.empty()
        st.error(f"The model cannot be fitted: {exc}", icon=":material/error:")
        return
    st.rerun()


def slug(channel: str) -> str:
    """A URL key for a channel's control: lower-case letters and digits."""
    return re.sub(r"[^a-z0-9]+", "_", channel.lower()).strip("_")


@dataclass
class Controls:
    request: plan_views.PlanRequest
    own: bool  # the user typed amounts of their own


def controls(data: plan_views.PlanData) -> Controls:
    """The planner's inputs, each bound to the URL through pitwall.controls (which cleans
    any URL value first). Empty inputs take the defaults (shown as placeholders), so a link
    carries only what its author changed."""
    channels = data.curves.channels
    c1, c2, c3, c4 = st.columns(4)
    weeks = ctl.number(
        c1,
        "weeks",
        "Weeks to plan",
        help="The budget covers this many weeks after the data's last week.",
    )
    try:
        current, default_budget = planner.current_amounts(data.spend, channels, weeks, None)
    except planner.PlanError as exc:
        st.error(f"No plan can be made: {exc}.", icon=":material/block:")
        st.stop()
    budget = ctl.number(
        c2,
        "budget",
        "Budget (€)",
        placeholder=f"{default_budget:,.0f} (last {weeks} weeks)",
        help=f"Empty: what the last {weeks} weeks spent, {formatting.money(default_budget)}.",
    )
    target = plan_views.target_share(data, weeks)
    floor = ctl.number(
        c3,
        "online_min",
        "Online share at least (%)",
        placeholder=f"target {target:.0%}" if target is not None else "none",
        help="Empty: the online-share target for the months planned (Spend balance's target).",
    )
    ceiling = ctl.number(c4, "online_max", "Online share at most (%)", placeholder="no ceiling")
    scale = 1.0 if budget is None else budget / default_budget
    bounds, amounts = {}, {}
    with st.expander("Per-channel limits and your own plan"):
        st.caption(
            "Minimum and maximum: empty means the current amount ±50 %. Your plan: type "
            "amounts to see what they would bring (empty: the current amount)."
        )
        head = st.columns([2, 1, 1, 1])
        titles = ("Channel", "Minimum (€)", "Maximum (€)", "Your plan (€)")
        for col, text in zip(head, titles, strict=True):
            col.markdown(f"**{text}**")
        for ch, cur in zip(channels, current * scale, strict=True):
            row = st.columns([2, 1, 1, 1])
            row[0].write(f"{ch}  \ncurrent {formatting.money(cur)}")
            inputs = []
            for col, name, hint in (
                (row[1], "min", cur * (1 - planner.DEFAULT_RANGE)),
                (row[2], "max", cur * (1 + planner.DEFAULT_RANGE)),
                (row[3], "own", cur),
            ):
                amount = ctl.Control(
                    f"{name}_{slug(ch)}", ctl.NUMBER, None, low=0, high=ctl.MAX_AMOUNT, step=1000
                )
                inputs.append(
                    ctl.number(
                        col,
                        amount,
                        f"{name} {ch}",
                        placeholder=f"{hint:,.0f}",
                        label_visibility="collapsed",
                    )
                )
            lo, hi, own = inputs
            if lo is not None or hi is not None:
                bounds[ch] = (lo, hi)
            if own is not None:
                amounts[ch] = own
    req = plan_views.PlanRequest(
        budget=budget,
        weeks=weeks,
        share_min=None if floor is None else floor / 100,
        share_max=None if ceiling is None else ceiling / 100,
        bounds=bounds,
        amounts=amounts,
    )
    return Controls(req, bool(amounts))
