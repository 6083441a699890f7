"""The weekly review as a file: self-contained HTML (charts inline as SVG) or an A4 PDF.

Charts are Vega-Lite specs rendered on the server by vl-convert; the PDF is that HTML
printed by WeasyPrint, so both files always hold the same content as the page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

import altair as alt
import jinja2
import vl_convert
from markupsafe import Markup, escape

from pitwall import charts, formatting, landing, meta, navigation, views, weekly, weeks
from pitwall.filters import Filters
from pitwall.metrics import METRICS

FORMATS = (".pdf", ".html")
_VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("pitwall", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass
class TileView:
    label: str
    value: str
    vs_week: str | None
    vs_average: str | None
    week_tone: str  # good | bad | flat: the colour of the change, by the metric's direction
    average_tone: str
    help: str


def tone(metric: str, now, before) -> str:
    """good | bad | flat, as the metric's direction judges the change (flat when the change
    is not shown)."""
    if formatting.change(METRICS[metric].fmt, now, before) is None:
        return "flat"
    return METRICS[metric].tone(now, before)


def tiles(review: weekly.Review) -> list[TileView]:
    out = []
    for name in weekly.TILES:
        m = METRICS[name]
        now, before, avg = review.now[name], review.before[name], review.average[name]
        out.append(
            TileView(
                label=m.label,
                value=formatting.fmt(m.fmt, now),
                vs_week=formatting.change(m.fmt, now, before),
                vs_average=formatting.change(m.fmt, now, avg),
                week_tone=tone(name, now, before),
                average_tone=tone(name, now, avg),
                help=f"{m.description} Formula: {m.formula}.",
            )
        )
    return out


def trend_rows(review: weekly.Review, per_row: int = 3) -> list[list[alt.LayerChart]]:
    """The trend panels one by one, in rows (the page; a phone stacks them in order)."""
    panels = [
        charts.weekly_trend(
            review.weeks, n, METRICS[n].label, METRICS[n].fmt, review.name, review.events
        )
        for n in weekly.TREND
    ]
    return [panels[i : i + per_row] for i in range(0, len(panels), per_row)]


def trends_chart(review: weekly.Review) -> alt.ConcatChart:
    shown = [(n, METRICS[n].label, METRICS[n].fmt) for n in weekly.TREND]
    return charts.weekly_trends(review.weeks, shown, review.name, events=review.events)


@dataclass
class LandingRow:
    label: str  # the metric, and its channel or kind
    period: str
    target: str
    actual: str
    projected: str
    vs_target: str
    status: str  # on_track | at_risk | off_track | "" (no status)
    status_label: str
    note: str  # "budget" when spend is judged against its budget


def landing_rows(forecast) -> list[LandingRow]:
    """The "Will we land?" rows, formatted as the page, the PDF and the mail show them."""
    out = []
    for _, r in forecast.iterrows():
        scope = landing.scope_label(r["channel"], r["kind"])
        out.append(
            LandingRow(
                label=r["label"] + ("" if scope == "all" else f" · {scope}"),
                period=landing.parse_period(r["period"]).label,
                target=formatting.fmt(r["fmt"], r["target"]),
                actual=formatting.fmt(r["fmt"], r["actual"]),
                projected=formatting.fmt(r["fmt"], r["projected"]),
                vs_target=formatting.percent(r["projected_vs_target"], 0),
                status=r["status"] or "",
                status_label=landing.STATUS_LABELS.get(r["status"], "–"),
                note="budget" if r["source"] == "budget" else "",
            )
        )
    return out


def event_rows(events) -> list[dict]:
    return [
        {"n": int(e.n), "label": e.label, "when": e.when, "scope": _event_scope(e)}
        for e in events.itertuples()
    ]


def _event_scope(e) -> str:
    if isinstance(e.channel, str):
        return e.channel
    return e.kind if isinstance(e.kind, str) else "all"


def page_charts(con, review: weekly.Review) -> list[tuple[str, str, alt.TopLevelMixin]]:
    """One chart from each analysis page, over the thirteen weeks to the reviewed week."""
    start, end = weeks.span(review.monday, weekly.TREND_WEEKS)
    f = replace(review.filters, start=start, end=end)
    span = f"{start:%d %b} – {end:%d %b %Y}"
    out = []
    # whole months, so the first bar is not a month of a few days
    months = replace(f, start=start.replace(day=1))
    spend = navigation.results(con, "spend_balance", ("monthly", "targets"), months)
    if len(spend["monthly"]):
        out.append(
            (
                "Spend balance",
                f"Spend by month, online and offline, with the online-share target. "
                f"{months.start:%b} – {end:%b %Y}, the last month to {end:%d %b}.",
                charts.monthly_spend(
                    spend["monthly"], spend["targets"], views.events(con, months)
                ).properties(width=WIDTH),
            )
        )
    roi = navigation.results(con, "channel_roi", ("roi",), f)["roi"]
    if roi["roas"].notna().any():
        out.append(
            (
                "Channel ROI",
                f"Return on ad spend by channel (last-touch attribution). {span}.",
                charts.metric_bars(roi, "roas", "ROAS", ".2f", reference=1.0).properties(
                    width=WIDTH
                ),
            )
        )
    stages = navigation.results(con, "funnel", ("stages",), f)["stages"]
    if len(stages) and stages["leads"].iloc[0] > 0:
        out.append(
            (
                "Funnel",
                f"Leads created {span}, by the furthest stage they reached.",
                charts.funnel_bars(stages).properties(width=WIDTH),
            )
        )
    first = dt.date(end.year - 1, end.month, 1)
    cohorts = navigation.results(con, "cohorts", ("cohorts",), replace(f, start=first))["cohorts"]
    if len(cohorts):
        out.append(
            (
                "Cohorts",
                f"Share of each month's new customers ordering in the months after, for "
                f"customers acquired {first:%b %Y} – {end:%b %Y}. Faded: months not over yet.",
                charts.retention_heatmap(cohorts).properties(width=WIDTH),
            )
        )
    return out


FONT = "DejaVu Sans"  # the report's one family: the page's text and every chart's
WIDTH = 470  # a chart's plot width in px; with its axes it fits the A4 text width


def svg(chart: alt.TopLevelMixin) -> Markup:
    # Vega measures labels in the font they are drawn in (so none runs past the chart's
    # edge), with a little room on the sides for the PDF's rendering of the same font
    sized = chart.configure(font=FONT).properties(padding={"left": 12, "right": 12})
    with charts.CONVERTING:
        spec = sized.to_dict()
    # vl-convert writes the text of data values escaped; the markup is ours
    return Markup(vl_convert.vegalite_to_svg(spec, vl_version=_VL_VERSION))


def bold(text: str) -> Markup:
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


def describe(f: Filters) -> str:
    parts = []
    if f.channels:
        parts.append("channel " + ", ".join(f.channels))
    for label, value in (("kind", f.kind), ("segment", f.segment), ("region", f.region)):
        if value:
            parts.append(f"{label} {value}")
    return "; ".join(parts) or "the whole business"


def html(con, monday: dt.date, f: Filters | None = None, base_url: str | None = None) -> str:
    review = navigation.results(con, "weekly", ("review",), f or Filters(), monday)["review"]
    return render(con, review, base_url)


def render(con, review: weekly.Review, base_url: str | None = None) -> str:
    info = meta.info(con)
    template = _templates.get_template("report.html")
    return template.render(
        review=review,
        week=weeks.label(review.monday),
        scope=describe(review.filters),
        demo=info.get("origin") == meta.DEMO,
        tiles=tiles(review),
        highlights=[
            {
                "text": bold(h.text),
                "page": h.page_title,
                "url": h.url(base_url) if base_url else None,
            }
            for h in review.highlights
        ],
        trends=svg(trends_chart(review)) if review.has_data else None,
        landing=landing_rows(review.landing),
        as_of=_as_of(review),
        week_events=event_rows(review.week_events),
        chart_events=event_rows(charts.numbered(review.events)),
        alerts=review.news,
        pages=[(title, caption, svg(c)) for title, caption, c in page_charts(con, review)],
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        definitions=[(METRICS[n].label, METRICS[n].formula) for n in weekly.TILES if n in METRICS],
    )


def _as_of(review: weekly.Review) -> str:
    day = landing.week_as_of(review.monday)
    return f"{day:%d %B %Y}"


def pdf(html_text: str) -> bytes:
    import weasyprint  # imported here: it loads Pango, which only the PDF needs

    return weasyprint.HTML(string=html_text).write_pdf()


def write(
    con,
    monday: dt.date,
    out: Path,
    f: Filters | None = None,
    base_url: str | None = None,
) -> Path:
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"the report is written as .pdf or .html, not {out.name!r}")
    text = html(con, monday, f, base_url)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".html":
        out.write_text(text, encoding="utf-8")
    else:
        out.write_bytes(pdf(text))
    return out


def file_name(monday: dt.date, suffix: str = ".pdf") -> str:
    return f"pitwall-weekly-{weeks.name(monday)}{suffix}"
