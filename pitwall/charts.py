"""Altair charts with one look: online and offline always in the same two colours."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Altair validates every axis and encoding as it is created; on a rerun that was a third of
# the page's time. The specs are still validated once, whole, when a chart is drawn.
alt.utils.schemapi.disable_debug_mode()

KIND_COLORS = {"online": "#1b7f8c", "offline": "#e0803a"}
KIND_SCALE = alt.Scale(domain=list(KIND_COLORS), range=list(KIND_COLORS.values()))
TARGET_COLOR = "#2f2f2f"
MAX_ROWS = 10_000  # the browser never gets more rows than it can draw
MONEY = ",.0f"  # d3-format has no euro prefix: axes add it with money_axis, tooltips say (€)


def money_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, labelExpr="'€' + format(datum.value, '~s')")


def axis(title: str, fmt: str) -> alt.Axis:
    """fmt is a d3 format, or "money" for euros."""
    return money_axis(title) if fmt == "money" else alt.Axis(title=title, format=fmt)


def tip_format(fmt: str) -> str:
    return MONEY if fmt == "money" else fmt


_most_rows = [0]  # the most rows any chart in this process was given (the benchmark reads it)


def _data(df: pd.DataFrame) -> pd.DataFrame:
    if len(df) > MAX_ROWS:
        raise ValueError(f"{len(df):,} rows is too many for a chart: aggregate in SQL first")
    _most_rows[0] = max(_most_rows[0], len(df))
    return df


def most_rows() -> int:
    """The most rows any chart built in this process was given."""
    return _most_rows[0]


def kind_color(title: str = "Kind") -> alt.Color:
    return alt.Color("kind:N", scale=KIND_SCALE, title=title)


EVENT_COLOR = "#7a5195"


def numbered(events: pd.DataFrame) -> pd.DataFrame:
    """Events numbered in date order (1, 2, ...), as the charts mark them and lists name
    them, with the day after each one's end (a band's right edge)."""
    if events is None or events.empty:
        return pd.DataFrame(columns=["n", "date", "end_date", "label", "until", "tag", "when"])
    out = events.sort_values(["date", "label"], kind="stable").reset_index(drop=True)
    out = out.assign(n=range(1, len(out) + 1))
    out["until"] = pd.to_datetime(out["end_date"]) + pd.Timedelta(days=1)
    out["tag"] = out["n"].astype(str) + " " + out["label"]
    out["when"] = [
        f"{a:%d %b %Y}" if a == b else f"{a:%d %b} – {b:%d %b %Y}"
        for a, b in zip(out["date"], out["end_date"], strict=True)
    ]
    return out


def event_marks(events: pd.DataFrame, monthly: bool = False, labels: bool = True) -> list:
    """Layers marking events on a time axis: a rule at a one-day event's date, a band over
    a longer one, each with its number (and label, when `labels`) at the top. `monthly`: the
    axis is months (yearmonth, ordinal), so an event marks its month."""
    ev = numbered(events)
    if ev.empty:
        return []
    tips = [
        alt.Tooltip("tag:N", title="Event"),
        alt.Tooltip("when:N", title="When"),
    ]
    if monthly:
        # one rule per month, its events' numbers at the top (several fall in one month);
        # the names are in the list under the chart and in the tooltip
        by_month = (
            ev.assign(month=ev["date"].dt.to_period("M").dt.to_timestamp())
            .groupby("month", as_index=False)
            .agg(
                numbers=("n", lambda v: " ".join(str(i) for i in v)),
                names=("tag", lambda v: "; ".join(v)),
            )
        )
        x = alt.X("yearmonth(month):O", title="Month")
        month_tips = [alt.Tooltip("names:N", title="Events")]
        rules = alt.Chart(_data(by_month)).mark_rule(
            color=EVENT_COLOR, strokeDash=[4, 3]
        ).encode(x=x, tooltip=month_tips)
        text = alt.Chart(_data(by_month)).mark_text(
            align="left", baseline="top", dx=3, dy=2, fontSize=10, color=EVENT_COLOR
        ).encode(x=x, y=alt.value(0), text="numbers:N", tooltip=month_tips)
        return [rules, text]
    one_day = ev[ev["date"] == ev["end_date"]]
    longer = ev[ev["date"] != ev["end_date"]]
    out = []
    if len(longer):
        out.append(
            alt.Chart(_data(longer))
            .mark_rect(color=EVENT_COLOR, opacity=0.12)
            .encode(x=alt.X("date:T", title=None), x2="until:T", tooltip=tips)
        )
    if len(one_day):
        out.append(
            alt.Chart(_data(one_day))
            .mark_rule(color=EVENT_COLOR, strokeDash=[4, 3])
            .encode(x=alt.X("date:T", title=None), tooltip=tips)
        )
    out.append(
        alt.Chart(_data(ev))
        .mark_text(align="left", baseline="top", dx=3, dy=2, fontSize=10, color=EVENT_COLOR)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.value(0),
            text="tag:N" if labels else "n:N",
            tooltip=tips,
        )
    )
    return out


def monthly_spend(
    df: pd.DataFrame, targets: pd.DataFrame, events: pd.DataFrame | None = None
) -> alt.LayerChart:
    """Stacked online/offline spend per month, online share and its target on a second axis;
    events marked on their months."""
    bars = (
        alt.Chart(_data(df))
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):O", title="Month"),
            y=alt.Y("sum(spend):Q", axis=money_axis("Spend")),
            color=kind_color(),
            order=alt.Order("kind:N", sort="descending"),
            tooltip=[
                alt.Tooltip("yearmonth(month):O", title="Month"),
                "kind:N",
                alt.Tooltip("spend:Q", format=MONEY, title="Spend (€)"),
                alt.Tooltip("budget:Q", format=MONEY, title="Budget (€)"),
                alt.Tooltip("share_of_spend:Q", format=".1%", title="Share"),
            ],
        )
    )
    online = df[df["kind"] == "online"]
    share = (
        alt.Chart(_data(online))
        .mark_line(point=True, color=KIND_COLORS["online"])
        .encode(
            x="yearmonth(month):O",
            y=alt.Y(
                "share_of_spend:Q",
                title="Online share",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[alt.Tooltip("share_of_spend:Q", format=".1%", title="Online share")],
        )
    )
    layers = [share]
    if len(targets):
        layers.append(
            alt.Chart(_data(targets))
            .mark_line(strokeDash=[6, 4], color=TARGET_COLOR)
            .encode(
                x="yearmonth(month):O",
                y=alt.Y("online_share:Q", scale=alt.Scale(domain=[0, 1])),
                tooltip=[alt.Tooltip("online_share:Q", format=".0%", title="Target")],
            )
        )
    chart = alt.layer(bars, alt.layer(*layers)).resolve_scale(y="independent")
    marks = event_marks(events, monthly=True)
    if marks:
        chart = alt.layer(chart, *marks)
    return chart.properties(height=320)


def budget_vs_actual(df: pd.DataFrame) -> alt.Chart:
    """Spend and budget per channel, side by side."""
    long = df.melt(
        id_vars=["channel", "kind"],
        value_vars=["spend", "budget"],
        var_name="measure",
        value_name="amount",
    )
    return (
        alt.Chart(_data(long))
        .mark_bar()
        .encode(
            y=alt.Y("channel:N", sort="-x", title=None),
            x=alt.X("amount:Q", axis=money_axis("Amount")),
            yOffset="measure:N",
            color=alt.Color(
                "measure:N",
                scale=alt.Scale(domain=["spend", "budget"], range=["#4c566a", "#c9ced6"]),
                title=None,
            ),
            tooltip=[
                "channel:N",
                "measure:N",
                alt.Tooltip("amount:Q", format=MONEY, title="Amount (€)"),
            ],
        )
        .properties(height=alt.Step(12))
    )


def budget_variance_heatmap(df: pd.DataFrame) -> alt.Chart:
    """Spend against budget per channel and month: green under, red over."""
    return (
        alt.Chart(_data(df))
        .mark_rect()
        .encode(
            x=alt.X("yearmonth(month):O", title="Month"),
            y=alt.Y("channel:N", title=None),
            color=alt.Color(
                "variance:Q",
                title="Spend vs budget",
                legend=alt.Legend(format="+%"),
                scale=alt.Scale(
                    scheme="redyellowgreen",
                    reverse=True,
                    domainMid=0,
                    domain=[-0.5, 0.5],
                    clamp=True,
                ),
            ),
            tooltip=[
                "channel:N",
                alt.Tooltip("yearmonth(month):O", title="Month"),
                alt.Tooltip("spend:Q", format=MONEY, title="Spend (€)"),
                alt.Tooltip("budget:Q", format=MONEY, title="Budget (€)"),
                alt.Tooltip("variance:Q", format="+.1%"),
            ],
        )
    )


def spend_by_group(df: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(_data(df))
        .mark_area()
        .encode(
            x=alt.X("yearmonth(month):T", title="Month"),
            y=alt.Y("sum(spend):Q", axis=money_axis("Spend"), stack=True),
            color=alt.Color("channel_group:N", title="Channel group"),
            tooltip=[
                "channel_group:N",
                alt.Tooltip("sum(spend):Q", format=MONEY, title="Spend (€)"),
            ],
        )
        .properties(height=260)
    )


def metric_bars(df: pd.DataFrame, metric: str, label: str, fmt: str) -> alt.Chart:
    return (
        alt.Chart(_data(df.dropna(subset=[metric])))
        .mark_bar()
        .encode(
            y=alt.Y("channel:N", sort="-x", title=None),
            x=alt.X(f"{metric}:Q", axis=axis(label, fmt)),
            color=kind_color(),
            tooltip=[
                "channel:N",
                "kind:N",
                alt.Tooltip(f"{metric}:Q", format=tip_format(fmt), title=label),
            ],
        )
    )


def spend_vs_revenue(df: pd.DataFrame) -> alt.LayerChart:
    """Each channel's spend against its revenue; above the line it returns more than it costs."""
    top = float(max(df["spend"].max(), df["revenue"].max(), 1)) if len(df) else 1.0
    diagonal = pd.DataFrame({"spend": [0, top], "revenue": [0, top]})
    points = (
        alt.Chart(_data(df))
        .mark_circle(size=120)
        .encode(
            x=alt.X("spend:Q", axis=money_axis("Spend")),
            y=alt.Y("revenue:Q", axis=money_axis("Revenue")),
            color=kind_color(),
            tooltip=[
                "channel:N",
                alt.Tooltip("spend:Q", format=MONEY, title="Spend (€)"),
                alt.Tooltip("revenue:Q", format=MONEY, title="Revenue (€)"),
                alt.Tooltip("roas:Q", format=".2f"),
            ],
        )
    )
    labels = points.mark_text(align="left", dx=8).encode(text="channel:N")
    line = (
        alt.Chart(diagonal)
        .mark_line(strokeDash=[4, 4], color="#999")
        .encode(x="spend:Q", y="revenue:Q")
    )
    return alt.layer(line, points, labels).properties(height=340)


def pareto(df: pd.DataFrame) -> alt.LayerChart:
    """Revenue by campaign, largest first (`rank`), with the cumulative share."""
    bars = (
        alt.Chart(_data(df))
        .mark_bar()
        .encode(
            x=alt.X(
                "campaign_name:N",
                sort=alt.EncodingSortField("rank"),  # an explicit order: Vega keeps no row order
                title="Campaign",
                axis=alt.Axis(labels=len(df) <= 30),
            ),
            y=alt.Y("revenue:Q", axis=money_axis("Revenue")),
            color=kind_color(),
            tooltip=[
                "campaign_name:N",
                "channel:N",
                alt.Tooltip("revenue:Q", format=MONEY, title="Revenue (€)"),
                alt.Tooltip("cumulative_share:Q", format=".0%", title="Cumulative"),
            ],
        )
    )
    line = (
        alt.Chart(df)
        .mark_line(color=TARGET_COLOR, point=True)
        .encode(
            x=alt.X("campaign_name:N", sort=alt.EncodingSortField("rank")),
            y=alt.Y(
                "cumulative_share:Q",
                title="Cumulative share",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
        )
    )
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=320)


def funnel_bars(df: pd.DataFrame) -> alt.LayerChart:
    base = alt.Chart(_data(df)).encode(
        y=alt.Y("stage:N", sort=alt.SortField("position"), title=None)
    )
    bars = base.mark_bar(color=KIND_COLORS["online"]).encode(
        x=alt.X("leads:Q", title="Leads"),
        tooltip=[
            "stage:N",
            "leads:Q",
            "skipped:Q",
            "dropped:Q",
            alt.Tooltip("conversion_from_previous:Q", format=".1%", title="From previous"),
            alt.Tooltip("conversion_from_first:Q", format=".1%", title="From first"),
            alt.Tooltip("median_days_in_stage:Q", format=".1f", title="Median days"),
        ],
    )
    text = base.mark_text(align="left", dx=4).encode(
        x="leads:Q", text=alt.Text("conversion_from_first:Q", format=".1%")
    )
    return alt.layer(bars, text).properties(height=260)


def funnel_lines(df: pd.DataFrame, by: str) -> alt.Chart:
    return (
        alt.Chart(_data(df))
        .mark_line(point=True)
        .encode(
            x=alt.X("stage:N", sort=alt.SortField("position"), title=None),
            y=alt.Y(
                "conversion_from_first:Q", title="Conversion from first", axis=alt.Axis(format="%")
            ),
            color=alt.Color("grp:N", title=by.title()),
            tooltip=[
                "grp:N",
                "stage:N",
                "leads:Q",
                alt.Tooltip("conversion_from_first:Q", format=".1%"),
            ],
        )
        .properties(height=300)
    )


def funnel_compare(df: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(_data(df))
        .mark_bar()
        .encode(
            y=alt.Y("stage:N", sort=alt.SortField("position"), title=None),
            x=alt.X(
                "conversion_from_first:Q", title="Conversion from first", axis=alt.Axis(format="%")
            ),
            yOffset="period:N",
            color=alt.Color(
                "period:N", title=None, scale=alt.Scale(range=[KIND_COLORS["online"], "#9fb8bd"])
            ),
            tooltip=[
                "period:N",
                "stage:N",
                "leads:Q",
                alt.Tooltip("conversion_from_first:Q", format=".1%"),
            ],
        )
        .properties(height=alt.Step(14))
    )


def retention_heatmap(
    df: pd.DataFrame, value: str = "retention_rate", fmt: str = ".0%"
) -> alt.LayerChart:
    """Cohort month x months since acquisition; incomplete periods are faded."""
    base = alt.Chart(_data(df)).encode(
        x=alt.X("period:O", title="Months since acquisition"),
        y=alt.Y("yearmonth(cohort_month):O", title="Cohort"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            f"{value}:Q",
            title=None,
            scale=alt.Scale(scheme="tealblues"),
            legend=alt.Legend(format=tip_format(fmt)),
        ),
        opacity=alt.condition("datum.complete", alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("yearmonth(cohort_month):O", title="Cohort"),
            "period:O",
            "cohort_size:Q",
            "active_customers:Q",
            alt.Tooltip("retention_rate:Q", format=".1%"),
            alt.Tooltip("revenue:Q", format=MONEY, title="Revenue (€)"),
            alt.Tooltip("complete:N", title="Complete period"),
        ],
    )
    return alt.layer(cells).properties(height=alt.Step(16))


def curves(df: pd.DataFrame, y: str, title: str, fmt: str, color: str = "grp") -> alt.Chart:
    return (
        alt.Chart(_data(df))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:Q", title="Months since acquisition", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{y}:Q", axis=axis(title, fmt)),
            color=(
                alt.Color(f"{color}:N", scale=KIND_SCALE, title="Kind")
                if color == "kind"
                else alt.Color(f"{color}:N", title=None)
            ),
            tooltip=[
                f"{color}:N",
                "period:Q",
                alt.Tooltip(f"{y}:Q", format=tip_format(fmt), title=title),
            ],
        )
        .properties(height=300)
    )


MODEL_COLORS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b"]


def model_compare(
    df: pd.DataFrame, metric: str, label: str, fmt: str, models: list[str]
) -> alt.Chart:
    """Each channel's figure under every attribution model, bars side by side; `models` are
    all the model labels in order, so a model keeps its colour in every chart."""
    return (
        alt.Chart(_data(df.dropna(subset=[metric])))
        .mark_bar()
        .encode(
            y=alt.Y("channel:N", title=None),
            x=alt.X(f"{metric}:Q", axis=axis(label, fmt)),
            yOffset=alt.YOffset("model_label:N", sort=alt.SortField("model_order")),
            color=alt.Color(
                "model_label:N",
                title="Model",
                sort=alt.SortField("model_order"),
                scale=alt.Scale(domain=models, range=MODEL_COLORS[: len(models)]),
            ),
            tooltip=[
                "channel:N",
                alt.Tooltip("model_label:N", title="Model"),
                alt.Tooltip(f"{metric}:Q", format=tip_format(fmt), title=label),
            ],
        )
        .properties(height=alt.Step(9))
    )


def period_bars(df: pd.DataFrame, y: str, title: str, fmt: str) -> alt.Chart:
    """One bar per month since acquisition."""
    return (
        alt.Chart(_data(df))
        .mark_bar(color=KIND_COLORS["online"])
        .encode(
            x=alt.X("period:O", title="Months since acquisition"),
            y=alt.Y(f"{y}:Q", axis=axis(title, fmt)),
            tooltip=["period:O", alt.Tooltip(f"{y}:Q", format=tip_format(fmt), title=title)],
        )
        .properties(height=220)
    )


D3_FORMATS = {"money": "money", "percent": ".0%", "ratio": ".1f", "count": ",.0f", "days": ".1f"}


def weekly_trends(
    df: pd.DataFrame,
    metrics: list,
    week: str,
    columns: int = 3,
    events: pd.DataFrame | None = None,
) -> alt.ConcatChart:
    """Small multiples, one per metric (name, label, fmt), the reviewed week marked, events
    marked by their number (numbered() gives the list to print beside the chart)."""
    # The panels share one dataset given to the concat: data per panel makes Altair compare
    # the panels' data by their repr, which cost most of the page's rerun.
    base = alt.Chart().encode(
        x=alt.X("week:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0, tickCount=4))
    )
    mark = base.mark_rule(color=TARGET_COLOR, strokeDash=[3, 3]).transform_filter(
        alt.datum.week_name == week
    )
    panels = []
    for name, label, fmt in metrics:
        line = base.mark_line(point=True, color=KIND_COLORS["online"]).encode(
            y=alt.Y(
                f"{name}:Q",
                # counts: label whole ticks only (Vega may put ticks at halves)
                axis=alt.Axis(
                    title=None,
                    labelExpr="datum.value % 1 === 0 ? format(datum.value, ',') : ''",
                )
                if fmt == "count"
                else axis(None, D3_FORMATS[fmt]),
            ),
            tooltip=[
                alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
                alt.Tooltip(f"{name}:Q", title=label, format=tip_format(D3_FORMATS[fmt])),
            ],
        )
        panels.append(
            alt.layer(mark, *event_marks(events, labels=False), line).properties(
                title=label, width=200, height=110
            )
        )
    return alt.concat(*panels, columns=columns, data=_data(df))
