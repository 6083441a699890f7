"""The budget planner's Altair charts, in pitwall.charts' look (online/offline colours)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from pitwall.charts import KIND_COLORS, KIND_SCALE, MONEY, TARGET_COLOR, _data, money_axis

ATTRIBUTED_COLOR = "#8c8c8c"
BASE_COLOR = "#c9c9c9"


def roas_compare(ch: pd.DataFrame) -> alt.LayerChart:
    """Modelled ROAS with its 94 % interval against attributed ROAS, one row per channel.
    The axis ends past the widest interval; an attributed ROAS beyond it sits at the edge
    with its value written beside it."""
    df = ch.assign(attributed=ch["attributed_roas"].fillna(0.0))
    edge = float(max(df["roas_high"].max(), 1.0) * 1.15)
    df = _data(df.assign(
        attributed_shown=df["attributed"].clip(upper=edge),
        beyond=[f"{v:.1f}× →" if v > edge else "" for v in df["attributed"]],
    ))
    order = list(df.sort_values("roas", ascending=False)["channel"])
    y = alt.Y("channel:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False))
    scale = alt.Scale(domain=[0, edge], clamp=True, nice=False)
    tips = [
        "channel:N",
        "kind:N",
        alt.Tooltip("roas:Q", format=".2f", title="Modelled ROAS"),
        alt.Tooltip("roas_low:Q", format=".2f", title="Interval from"),
        alt.Tooltip("roas_high:Q", format=".2f", title="Interval to"),
        alt.Tooltip("marginal_roas:Q", format=".2f", title="Marginal ROAS"),
        alt.Tooltip("attributed:Q", format=".2f", title="Attributed ROAS"),
    ]
    base = alt.Chart(df).encode(y=y, tooltip=tips)
    band = base.mark_rule(strokeWidth=4, opacity=0.4).encode(
        x=alt.X("roas_low:Q", title="Euros back per euro spent", scale=scale),
        x2="roas_high:Q",
        color=alt.Color("kind:N", scale=KIND_SCALE, title="Modelled (94 % interval)"),
    )
    point = base.mark_point(filled=True, size=90, opacity=1).encode(
        x=alt.X("roas:Q", scale=scale), color=alt.Color("kind:N", scale=KIND_SCALE, legend=None)
    )
    attributed = base.mark_tick(color=ATTRIBUTED_COLOR, thickness=3, size=18).encode(
        x=alt.X("attributed_shown:Q", scale=scale)
    )
    beyond = base.mark_text(align="right", dx=-6, dy=-9, fontSize=10, color="#5c5c5c").encode(
        x=alt.X("attributed_shown:Q", scale=scale), text="beyond:N"
    )
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
        color=TARGET_COLOR, strokeDash=[3, 3]
    ).encode(x=alt.X("x:Q", scale=scale))
    return (band + point + attributed + beyond + one).properties(height=32 * len(df))


def response_curve(curve: pd.DataFrame, kind: str, now: float) -> alt.LayerChart:
    """One channel: weekly spend -> weekly outcome, its interval, today's weekly spend."""
    color = KIND_COLORS.get(kind, KIND_COLORS["offline"])
    df = _data(curve)
    x = alt.X("weekly_spend:Q", axis=money_axis("Weekly spend"))
    band = alt.Chart(df).mark_area(opacity=0.22, color=color).encode(
        x=x,
        y=alt.Y("weekly_outcome_low:Q", axis=money_axis("Weekly outcome")),
        y2="weekly_outcome_high:Q",
    )
    line = alt.Chart(df).mark_line(color=color).encode(
        x=x,
        y="weekly_outcome:Q",
        tooltip=[
            alt.Tooltip("weekly_spend:Q", format=MONEY, title="Weekly spend (€)"),
            alt.Tooltip("weekly_outcome:Q", format=MONEY, title="Weekly outcome"),
            alt.Tooltip("weekly_outcome_low:Q", format=MONEY, title="Interval from"),
            alt.Tooltip("weekly_outcome_high:Q", format=MONEY, title="Interval to"),
        ],
    )
    marker = alt.Chart(pd.DataFrame({"now": [now]})).mark_rule(
        color=TARGET_COLOR, strokeDash=[4, 3]
    ).encode(
        x="now:Q",
        tooltip=[alt.Tooltip("now:Q", format=MONEY, title="Today's weekly spend (€)")],
    )
    return (band + line + marker).properties(height=180)


def contributions(weekly: pd.DataFrame, channels: pd.DataFrame) -> alt.Chart:
    """Stacked weekly contribution: the base, then each channel, offline ones on top."""
    wide = weekly.pivot(index="week", columns="series", values="value")
    order = list(channels.sort_values(["kind", "spend"], ascending=[True, False])["channel"])
    parts = {"Base": wide["base"]}
    for ch in order:
        parts[ch] = wide[f"ch:{ch}"]
    long = pd.DataFrame(parts).rename_axis("week").reset_index().melt(
        id_vars="week", var_name="component", value_name="contribution"
    )
    names = list(parts)
    palette = [BASE_COLOR] + _channel_palette(channels, order)
    long["stack"] = long["component"].map({n: i for i, n in enumerate(names)})
    return (
        alt.Chart(_data(long))
        .mark_area()
        .encode(
            x=alt.X("week:T", title="Week"),
            y=alt.Y("contribution:Q", axis=money_axis("Weekly outcome"), stack="zero"),
            color=alt.Color(
                "component:N",
                scale=alt.Scale(domain=names, range=palette),
                sort=names,
                title=None,
                legend=alt.Legend(orient="bottom", columns=2, symbolLimit=40, labelLimit=160),
            ),
            order=alt.Order("stack:Q"),
            tooltip=[
                alt.Tooltip("week:T", title="Week of"),
                "component:N",
                alt.Tooltip("contribution:Q", format=MONEY, title="Contribution"),
            ],
        )
        .properties(height=440)  # the legend below takes part of it on a phone
    )


def _channel_palette(channels: pd.DataFrame, order: list[str]) -> list[str]:
    """Shades of the kind's colour, so online and offline read apart in a stack."""
    online = ["#0e4f57", "#1b7f8c", "#3aa6b3", "#74c3cc", "#a9dce1", "#d2eef0", "#5d8f95"]
    offline = ["#8a4715", "#c2661f", "#e0803a", "#eea36b", "#f5c39d", "#f9dcc6", "#b3825e"]
    kinds = dict(zip(channels["channel"], channels["kind"], strict=True))
    out, used = [], {"online": 0, "offline": 0}
    for ch in order:
        k = kinds.get(ch, "offline")
        shades = online if k == "online" else offline
        out.append(shades[used[k] % len(shades)])
        used[k] += 1
    return out


def fit_check(weekly: pd.DataFrame) -> alt.LayerChart:
    """Actual against fitted outcome per week, the fit's interval as a band."""
    wide = weekly.pivot(index="week", columns="series", values="value").reset_index()
    band = (
        alt.Chart(wide)
        .mark_area(opacity=0.25, color=KIND_COLORS["online"])
        .encode(
            x=alt.X("week:T", title="Week"),
            y=alt.Y("fitted_low:Q", axis=money_axis("Weekly outcome")),
            y2="fitted_high:Q",
        )
    )
    long = wide.melt(id_vars="week", value_vars=["actual", "fitted"], var_name="series")
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x="week:T",
            y="value:Q",
            color=alt.Color(
                "series:N",
                scale=alt.Scale(
                    domain=["actual", "fitted"], range=[TARGET_COLOR, KIND_COLORS["online"]]
                ),
                title=None,
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("week:T", title="Week of"),
                "series:N",
                alt.Tooltip("value:Q", format=MONEY, title="Outcome"),
            ],
        )
    )
    return (band + lines).properties(height=240)


def residuals(weekly: pd.DataFrame, holdout_from=None) -> alt.Chart:
    wide = weekly.pivot(index="week", columns="series", values="value").reset_index()
    wide["residual"] = wide["actual"] - wide["fitted"]
    return (
        alt.Chart(wide)
        .mark_bar(color=ATTRIBUTED_COLOR)
        .encode(
            x=alt.X("week:T", title="Week"),
            y=alt.Y("residual:Q", axis=money_axis("Residual")),
            tooltip=[
                alt.Tooltip("week:T", title="Week of"),
                alt.Tooltip("residual:Q", format=MONEY, title="Actual − fitted"),
            ],
        )
        .properties(height=140)
    )


def plan_bars(table: pd.DataFrame) -> alt.LayerChart:
    """Current against planned amount per channel, the allowed range as a grey bar."""
    df = _data(table)
    order = list(df.sort_values("planned_spend", ascending=False)["channel"])
    y = alt.Y("channel:N", sort=order, title=None)
    tips = [
        "channel:N",
        alt.Tooltip("current_spend:Q", format=MONEY, title="Current (€)"),
        alt.Tooltip("planned_spend:Q", format=MONEY, title="Planned (€)"),
        alt.Tooltip("min_spend:Q", format=MONEY, title="Minimum (€)"),
        alt.Tooltip("max_spend:Q", format=MONEY, title="Maximum (€)"),
    ]
    base = alt.Chart(df).encode(y=y, tooltip=tips)
    allowed = base.mark_bar(color="#e8e8e8", height=14).encode(
        x=alt.X("min_spend:Q", axis=money_axis("Amount for the weeks planned")), x2="max_spend:Q"
    )
    planned = base.mark_bar(height=6).encode(
        x="planned_spend:Q", color=alt.Color("kind:N", scale=KIND_SCALE, title="Planned")
    )
    current = base.mark_tick(color=TARGET_COLOR, thickness=2, size=16).encode(x="current_spend:Q")
    return (allowed + planned + current).properties(height=max(26 * len(df), 120))
