"""Altair charts with one look: online and offline always in the same two colours."""

from __future__ import annotations

import threading
from contextvars import ContextVar

import altair as alt
import pandas as pd

from pitwall import altair_lookup

# Altair validates every axis and encoding as it is created; on a rerun that was a third of
# the page's time. The tests validate every page's whole specs instead (chart_spec.py).
alt.utils.schemapi.disable_debug_mode()
altair_lookup.install()  # and parses each shorthand ("channel:N") without a class search
# Altair's theme and data transformer are process-wide settings: the app (chart_spec.spec)
# and the report (report.svg) each convert a chart holding this, so neither sees the other's.
CONVERTING = threading.Lock()

# One colour system. Online and offline are always these two. Channels (and any other
# category: channel groups, segments, regions) take a 20-colour palette that avoids that
# pair, each channel keeping its place among all the warehouse's channels, so a channel has
# one colour on every page. Attribution models and compared periods have their own colours.
KIND_COLORS = {"online": "#1b7f8c", "offline": "#e0803a"}
KIND_SCALE = alt.Scale(domain=list(KIND_COLORS), range=list(KIND_COLORS.values()))
CATEGORY_COLORS = [
    "#4e79a7", "#59a14f", "#e15759", "#b07aa1", "#edc948", "#9c755f", "#ff9da7", "#bab0ac",
    "#a0cbe8", "#8cd17d", "#ff9d9a", "#d4a6c8", "#f1ce63", "#d7b5a6", "#79706e", "#2f4b7c",
    "#a05195", "#665191", "#b6992d", "#d37295",
]  # fmt: skip
MODEL_COLORS = ["#2f4b7c", "#a05195", "#b6992d", "#665191", "#79706e"]
PERIOD_COLORS = {
    "This period": "#2f4b7c",
    "Previous period": "#a0cbe8",
    "Same period a year before": "#bab0ac",
}
LEGEND_ROWS = 8  # past this many entries a legend goes below the chart, in columns
_channels: ContextVar[tuple[str, ...]] = ContextVar("pitwall_channels", default=())


def use_channels(channels) -> None:
    """Every channel of the warehouse, in the order that gives each its colour (set by the
    dashboard on every run and by the report)."""
    _channels.set(tuple(channels))


def legend(entries: int, **kwargs) -> alt.Legend:
    """A legend that never clips: long ones go below the chart in four columns."""
    if entries > LEGEND_ROWS:
        return alt.Legend(orient="bottom", columns=4, labelLimit=240, symbolLimit=0, **kwargs)
    return alt.Legend(labelLimit=240, symbolLimit=0, **kwargs)


def with_legend(height: int, df: pd.DataFrame, field: str) -> int:
    """A chart's height with room for a legend below it (Streamlit fits legend and plot into
    the height, so a long legend would squash the plot)."""
    entries = df[field].nunique() if field in df else 0
    return height + (-(-entries // 4) * 20 + 30 if entries > LEGEND_ROWS else 0)


def category_color(df: pd.DataFrame, field: str, title: str | None, channels: bool = False):
    """Colours for a nominal field: channels by their place among all channels, other
    categories by their sorted place; the legend lists only the values shown."""
    shown = sorted(str(v) for v in df[field].dropna().unique())
    known = list(_channels.get()) if channels else []
    domain = known + [v for v in shown if v not in known] if known else shown
    palette = [CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(len(domain))]
    return alt.Color(
        f"{field}:N",
        title=title,
        scale=alt.Scale(domain=domain or [""], range=palette or [CATEGORY_COLORS[0]]),
        legend=legend(len(shown), values=shown),
    )


TARGET_COLOR = "#2f2f2f"
MAX_ROWS = 10_000  # the browser never gets more rows than it can draw
MONEY = ",.0f"  # d3-format has no euro prefix: axes add it with money_axis, tooltips say (€)
# Value labels on bars, as the tiles write them (Vega expressions, by the chart's format)
VALUE_LABELS = {
    "money": "'€' + format({v}, ',.0f')",
    ".2f": "format({v}, '.2f') + '×'",
    "d": "format({v}, 'd')",
}


def money_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, labelExpr="'€' + format(datum.value, '~s')")


def axis(title: str, fmt: str, values: list | None = None) -> alt.Axis:
    """fmt is a d3 format, or "money" for euros; `values` fixes the ticks."""
    more = {} if values is None else {"values": values}
    if fmt == "money":
        return alt.Axis(title=title, labelExpr="'€' + format(datum.value, '~s')", **more)
    return alt.Axis(title=title, format=fmt, **more)


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
    # above the chart: a legend at the side takes a third of a phone's width
    return alt.Color("kind:N", scale=KIND_SCALE, title=title, legend=alt.Legend(orient="top"))


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
                legend=legend(2),
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
            color=category_color(df, "channel_group", "Channel group"),
            tooltip=[
                "channel_group:N",
                alt.Tooltip("sum(spend):Q", format=MONEY, title="Spend (€)"),
            ],
        )
        .properties(height=with_legend(260, df, "channel_group"))
    )


LABELLED = 4  # the scatter names this many largest channels by spend and by revenue
DWARF = 20  # the largest bar this many times the median: a symlog axis keeps the rest visible


def metric_bars(
    df: pd.DataFrame, metric: str, label: str, fmt: str, reference: float | None = None
) -> alt.LayerChart:
    """One bar per channel, largest first, each with its value; `reference` draws a rule
    (ROAS: 1×, break-even). When one channel dwarfs the others the axis turns symlog."""
    shown = df.dropna(subset=[metric])
    values = shown[metric].astype("float64").abs()
    dwarfed = len(shown) > 2 and values.max() > DWARF * max(values.median(), 1e-9)
    top = float(values.max()) if len(values) else 1.0
    if dwarfed:  # room for the largest bar's label, and ticks a reader can place
        scale = alt.Scale(type="symlog", domain=[0, top * 1.6], nice=False)
        ticks = [t for t in (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if t <= top * 1.6]
    else:
        low = min(0.0, float(shown[metric].astype("float64").min())) if len(shown) else 0.0
        scale = alt.Scale(domain=[low, top * 1.2 or 1.0], nice=False)
        ticks = None
    value = VALUE_LABELS.get(fmt, "format({v}, '" + fmt + "')").format(v=f"datum['{metric}']")
    # one dataset for bars and labels, so the layers share the sort by value
    base = (
        alt.Chart(_data(shown))
        .transform_calculate(value_label=value)
        .encode(
            y=alt.Y(
                "channel:N",
                sort=alt.EncodingSortField(metric, op="max", order="descending"),
                title=None,
            ),
            x=alt.X(
                f"{metric}:Q",
                axis=axis(f"{label}{' (log scale)' if dwarfed else ''}", fmt, values=ticks),
                scale=scale,
            ),
        )
    )
    bars = base.mark_bar().encode(
        color=kind_color(),
        tooltip=[
            "channel:N",
            "kind:N",
            alt.Tooltip(f"{metric}:Q", format=tip_format(fmt), title=label),
        ],
    )
    text = base.mark_text(align="left", dx=3, fontSize=11, color=TARGET_COLOR).encode(
        text="value_label:N"
    )
    layers = [bars, text]
    if reference is not None:
        rule = alt.Chart(pd.DataFrame({"x": [reference]})).mark_rule(
            color=TARGET_COLOR, strokeDash=[4, 3]
        )
        layers.append(rule.encode(x="x:Q"))
    return alt.layer(*layers)


def spend_vs_revenue(df: pd.DataFrame) -> alt.LayerChart:
    """Each channel's spend against its revenue; above the dashed break-even line (revenue =
    spend) it returns more than it costs. Only the channels that matter are named: the
    LABELLED largest by spend or by revenue (the others show their name on hover)."""
    top = float(max(df["spend"].max(), df["revenue"].max(), 1)) if len(df) else 1.0
    diagonal = pd.DataFrame({"spend": [0, top], "revenue": [0, top]})
    named = set(df.nlargest(LABELLED, "spend")["channel"]) | set(
        df.nlargest(LABELLED, "revenue")["channel"]
    )
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
    labels = (
        alt.Chart(_data(df[df["channel"].isin(named)]))
        .mark_text(align="left", dx=8, fontSize=11)
        .encode(x="spend:Q", y="revenue:Q", text="channel:N", color=kind_color())
    )
    line = (
        alt.Chart(diagonal)
        .mark_line(strokeDash=[4, 4], color="#999")
        .encode(x="spend:Q", y="revenue:Q")
    )
    note = (
        alt.Chart(diagonal.tail(1))
        .mark_text(align="right", baseline="bottom", dx=-4, dy=-4, color="#777", fontSize=10)
        .encode(x="spend:Q", y="revenue:Q", text=alt.value("break-even"))
    )
    return alt.layer(line, note, points, labels).properties(height=340)


def pareto(df: pd.DataFrame) -> alt.LayerChart:
    """Revenue by campaign, largest first (`rank`), with the cumulative share."""
    bars = (
        alt.Chart(_data(df))
        .mark_bar()
        .encode(
            x=alt.X(
                "campaign_name:N",
                sort=alt.EncodingSortField(
                    "rank", op="min"
                ),  # an explicit order: Vega keeps no row order
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
            x=alt.X("campaign_name:N", sort=alt.EncodingSortField("rank", op="min")),
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
        x=alt.X("leads:Q", title="Leads", axis=alt.Axis(format="~s", tickCount=5)),
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
    """Conversion from the first stage per group of a breakdown (`by`: its dimension)."""
    return (
        alt.Chart(_data(df))
        .mark_line(point=True)
        .encode(
            x=alt.X("stage:N", sort=alt.SortField("position"), title=None),
            y=alt.Y(
                "conversion_from_first:Q", title="Conversion from first", axis=alt.Axis(format="%")
            ),
            color=(
                alt.Color("grp:N", scale=KIND_SCALE, title="Kind")
                if by == "kind"
                else category_color(df, "grp", by.title(), channels=by == "channel")
            ),
            tooltip=[
                "grp:N",
                "stage:N",
                "leads:Q",
                alt.Tooltip("conversion_from_first:Q", format=".1%"),
            ],
        )
        .properties(height=with_legend(300, df, "grp"))
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
                "period:N",
                title=None,
                scale=alt.Scale(domain=list(PERIOD_COLORS), range=list(PERIOD_COLORS.values())),
                legend=legend(2),
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
    """Cohort month x months after it; every cell carries its figure, every row its cohort
    and size. Month 0 (the acquisition month: retention is 100 % by definition) is left out
    of the colour scale so the later months keep the contrast; incomplete periods are
    faded."""
    money = fmt == "money"
    cells = df.assign(
        cohort=df["cohort_month"].dt.strftime("%b %Y")
        + " · "
        + df["cohort_size"].map("{:,.0f}".format),
        shade=df[value].where(df["period"] > 0),
    )
    label = (
        f"'€' + format(datum['{value}'], '.3~s')" if money else f"format(datum['{value}'], '.0%')"
    )
    base = alt.Chart(_data(cells)).encode(
        x=alt.X("period:O", title="Months after the cohort month", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "cohort:O",
            sort=alt.EncodingSortField("cohort_month", op="min"),
            title=None,  # each row names its cohort and its customers: "Sep 2026 · 512"
            axis=alt.Axis(labelOverlap=False),
        ),
    )
    top = float(cells["shade"].max()) if cells["shade"].notna().any() else 1.0
    rects = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.condition(
            "datum.period > 0",
            alt.Color(
                "shade:Q",
                title=None,
                scale=alt.Scale(scheme="tealblues", domain=[0, top]),
                legend=alt.Legend(labelExpr="'€' + format(datum.value, '~s')")
                if money
                else alt.Legend(format=fmt),
            ),
            alt.value("#e8ecf0"),
        ),
        opacity=alt.condition("datum.complete", alt.value(1.0), alt.value(0.4)),
        tooltip=[
            alt.Tooltip("yearmonth(cohort_month):O", title="Cohort"),
            alt.Tooltip("period:O", title="Months after"),
            alt.Tooltip("cohort_size:Q", title="Customers", format=","),
            alt.Tooltip("active_customers:Q", title="Active", format=","),
            alt.Tooltip("retention_rate:Q", format=".1%", title="Retention"),
            alt.Tooltip("revenue:Q", format=MONEY, title="Revenue (€)"),
            alt.Tooltip("complete:N", title="Complete period"),
        ],
    )
    text = (
        base.transform_calculate(cell_label=label)
        .mark_text(fontSize=10)
        .encode(
            text="cell_label:N",
            color=alt.condition(
                f"datum.period > 0 && datum.shade > {top * 0.55}",
                alt.value("white"),
                alt.value(TARGET_COLOR),
            ),
        )
    )
    return alt.layer(rects, text).properties(height=alt.Step(24))


def curves(
    df: pd.DataFrame, y: str, title: str, fmt: str, color: str = "grp", channels: bool = False
) -> alt.Chart:
    """One line per group (`color`: its column; "kind" takes the online/offline colours,
    `channels` the channel colours)."""
    return (
        alt.Chart(_data(df))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:Q", title="Months since acquisition", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{y}:Q", axis=axis(title, fmt)),
            color=(
                alt.Color(f"{color}:N", scale=KIND_SCALE, title="Kind")
                if color == "kind"
                else category_color(df, color, None, channels=channels)
            ),
            tooltip=[
                f"{color}:N",
                "period:Q",
                alt.Tooltip(f"{y}:Q", format=tip_format(fmt), title=title),
            ],
        )
        .properties(height=with_legend(300, df, color))
    )


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
                legend=legend(len(models)),
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


def _trend(
    base: alt.Chart, name: str, label: str, fmt: str, week: str, events=None
) -> alt.LayerChart:
    """One metric's weeks as a line, the reviewed week and the events marked."""
    mark = base.mark_rule(color=TARGET_COLOR, strokeDash=[3, 3]).transform_filter(
        alt.datum.week_name == week
    )
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
    return alt.layer(mark, *event_marks(events, labels=False), line).properties(title=label)


def _week_axis() -> alt.X:
    return alt.X("week:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0, tickCount=4))


def weekly_trends(
    df: pd.DataFrame,
    metrics: list,
    week: str,
    columns: int = 3,
    events: pd.DataFrame | None = None,
) -> alt.ConcatChart:
    """Small multiples, one per metric (name, label, fmt), the reviewed week marked, events
    marked by their number (numbered() gives the list to print beside the chart): the
    report's fixed-width grid."""
    # The panels share one dataset given to the concat: data per panel makes Altair compare
    # the panels' data by their repr, which cost most of the page's rerun.
    base = alt.Chart().encode(x=_week_axis())
    panels = [
        _trend(base, name, label, fmt, week, events).properties(width=200, height=110)
        for name, label, fmt in metrics
    ]
    return alt.concat(*panels, columns=columns, data=_data(df))


def weekly_trend(
    df: pd.DataFrame, name: str, label: str, fmt: str, week: str, events=None
) -> alt.LayerChart:
    """One metric's small multiple on its own, to fill the width it is given (the page lays
    them out in columns, which a phone stacks)."""
    base = alt.Chart(_data(df)).encode(x=_week_axis())
    return _trend(base, name, label, fmt, week, events).properties(height=130)
