"""The pages, declared once: URL path, title, icon, and each page's query set.

app.py builds the navigation from PAGES; pages ask `dashboard.queries(path, f, ...)` for
their set; the benchmark times the same set and the highlights link to pages by path. A
query set maps a name to a call of a view (`views.<name>`, or `weekly.<name>`), so the page,
the benchmark and the tests run exactly the same calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from pitwall.attribution import DEFAULT_LOOKBACK, DEFAULT_MODEL
from pitwall.filters import Filters
from pitwall.lead_views import DEFAULT_MQL

Call = tuple[str, tuple, dict]  # view name, positional arguments after con, keywords


def call(name: str, *args, **kwargs) -> Call:
    return (name, args, kwargs)


def run(con, c: Call):
    """Run one call of a query set (or any view by name) on a connection."""
    from pitwall import lead_views, views, weekly  # they import this module's callers, not it

    name, args, kwargs = c
    module, _, func = name.rpartition(".")
    modules = {"": views, "weekly": weekly, "leads": lead_views}
    return getattr(modules[module], func)(con, *args, **kwargs)


def run_set(con, calls: dict[str, Call]) -> dict:
    """Run a query set (or part of one): a query two calls share is read once
    (queries.memo)."""
    from pitwall import queries

    with queries.memo():
        return {k: run(con, c) for k, c in calls.items()}


def results(con, page: str, keys, *args, **controls) -> dict:
    """Run only the entries `keys` of a page's query set (the report draws one chart per
    page from the page's own queries)."""
    calls = BY_PATH[page].queries(*args, **controls)
    return run_set(con, {k: calls[k] for k in keys})


def _weekly(f: Filters, week) -> dict[str, Call]:
    # the week replaces the sidebar's period on this page
    return {"review": call("weekly.review", week, replace(f, start=None, end=None))}


def _spend_balance(f: Filters, compare: str = "previous") -> dict[str, Call]:
    return {
        "monthly": call("spend_balance", f),
        "targets": call("targets", f),
        "by_channel": call("spend_by_channel", f),
        "totals": call("spend_totals", f),
        "totals_before": call("spend_totals", f.compared(compare)),
        "pacing": call("pacing", f, f.end),
        "target_notes": call("target_notes", f),
        "events": call("events", f),
    }


def _channel_roi(
    f: Filters,
    model: str = DEFAULT_MODEL,
    lookback_days: int = DEFAULT_LOOKBACK,
    compare: str = "previous",
) -> dict[str, Call]:
    chosen = {"model": model, "lookback_days": lookback_days}
    before = f.compared(compare)
    return {
        "roi": call("channel_roi", f, **chosen),
        "before": call("channel_roi", before, **chosen),
        "campaigns": call("channel_roi", f, by="campaign", **chosen),
        "unattributed": call("unattributed", f, **chosen),
        "unattributed_before": call("unattributed", before, **chosen),
        "unattributed_reasons": call("unattributed_reasons", f, **chosen),
        "models": call("attribution_models", f, lookback_days=lookback_days),
        "sales": call("sales_revenue", f),
        "sales_before": call("sales_revenue", before),
        "target_notes": call("target_notes", f),
        "media": call("media", f),
        "media_before": call("media", before),
        "media_campaigns": call("media", f, by="campaign"),
    }


def _funnel(
    f: Filters, window_days=None, breakdown=None, compare: str = "previous"
) -> dict[str, Call]:
    out = {
        "stages": call("funnel", f, window_days=window_days),
        "before": call("funnel", f.compared(compare), window_days=window_days),
        "target_notes": call("target_notes", f),
    }
    if breakdown:
        out["split"] = call("funnel", f, window_days=window_days, breakdown=breakdown)
    return out


def _cohorts(
    f: Filters, mode: str = "bounded", split=None, ltv_by: str = "channel", lift: int = 5
) -> dict[str, Call]:
    out = {
        "cohorts": call("retention", f, mode=mode),
        "economics": call("cohort_economics", f),
        "curves": call("ltv_curves", f, breakdown=ltv_by),
        "what_if": call("what_if", f, lift),
    }
    if split:
        out["split"] = call("pooled_retention", f, mode, split)
    return out


def _leads(f: Filters, mql: float = DEFAULT_MQL, compare: str = "previous") -> dict[str, Call]:
    before = f.compared(compare)
    return {
        "sources": call("leads.lead_sources", f),
        "before": call("leads.lead_sources", before),
        "monthly": call("leads.sources_monthly", f),
        "imported": call("leads.has_imported_scores"),
        "bands": call("leads.score_bands", f),
        "mql": call("leads.mql", f, mql),
        "mql_before": call("leads.mql", before, mql),
        "model": call("leads.model_fit"),
        "calibration": call("leads.model_calibration"),
        "call_list": call("leads.call_list", f),
    }


def _loyalty(
    f: Filters, nps_by: str = "channel", buy_by: str = "channel", compare: str = "previous"
) -> dict[str, Call]:
    before = f.compared(compare)
    return {
        "nps": call("nps", f),
        "nps_before": call("nps", before),
        "groups": call("nps_groups", f, nps_by),
        "value": call("nps_value", f),
        # by acquisition channel for the tiles: every buyer in one group
        "by_acquisition": call("frequency", f, by="channel"),
        "by_acquisition_before": call("frequency", before, by="channel"),
        "frequency": call("frequency", f, by=buy_by),
    }


ALL_FILTERS = ("period", "dimensions")


@dataclass(frozen=True)
class Page:
    path: str  # the URL path and the script pages/<path>.py
    title: str
    icon: str
    queries: Callable[..., dict[str, Call]] | None = None
    period: str = "Last 13 weeks"  # what the period "Page default" means here
    filters: tuple[str, ...] = ALL_FILTERS  # the sidebar filters the page applies
    compares: bool = False  # shows changes against a comparison period

    @property
    def script(self) -> str:
        return f"pages/{self.path}.py"


PAGES: tuple[Page, ...] = (
    # the week replaces the period, and is compared with the weeks before it
    Page("weekly", "Weekly review", ":material/event_note:", _weekly, filters=("dimensions",)),
    Page("spend_balance", "Spend balance", ":material/balance:", _spend_balance, compares=True),
    Page("channel_roi", "Channel ROI", ":material/trending_up:", _channel_roi, compares=True),
    # the model is fitted on the whole business, over all its weeks: no shared filter applies
    Page("budget_planner", "Budget planner", ":material/tune:", filters=()),
    Page("funnel", "Funnel", ":material/filter_alt:", _funnel, compares=True),
    # leads need months to close: a quarter of them would show mostly open ones
    Page(
        "leads", "Leads", ":material/person_search:", _leads,
        period="Last 12 complete months", compares=True,
    ),
    Page("cohorts", "Cohorts", ":material/grid_on:", _cohorts, period="Last 12 complete months"),
    Page(
        "loyalty",
        "Loyalty",
        ":material/favorite:",
        _loyalty,
        period="Last 12 complete months",
        compares=True,
    ),
    Page("data", "Data", ":material/database:", filters=()),  # everything loaded
)
BY_PATH = {p.path: p for p in PAGES}
DEFAULT_PAGE = PAGES[0].path


def by_url(url_path: str) -> Page:
    """The page at a URL path ("" is the default page; an unknown path is answered by it too,
    as Streamlit does)."""
    return BY_PATH.get(url_path.strip("/"), BY_PATH[DEFAULT_PAGE])
