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

Call = tuple[str, tuple, dict]  # view name, positional arguments after con, keywords


def call(name: str, *args, **kwargs) -> Call:
    return (name, args, kwargs)


def run(con, c: Call):
    """Run one call of a query set (or any view by name) on a connection."""
    from pitwall import views, weekly  # the views import this module's callers, not it

    name, args, kwargs = c
    module, _, func = name.rpartition(".")
    return getattr({"": views, "weekly": weekly}[module], func)(con, *args, **kwargs)


def _weekly(f: Filters, week) -> dict[str, Call]:
    # the week replaces the sidebar's period on this page
    return {"review": call("weekly.review", week, replace(f, start=None, end=None))}


def _spend_balance(f: Filters) -> dict[str, Call]:
    return {
        "monthly": call("spend_balance", f),
        "targets": call("targets", f),
        "by_channel": call("spend_by_channel", f),
        "totals": call("spend_totals", f),
        "totals_before": call("spend_totals", f.previous()),
        "pacing": call("pacing", f, f.end),
        "target_notes": call("target_notes", f),
        "events": call("events", f),
    }


def _channel_roi(
    f: Filters, model: str = DEFAULT_MODEL, lookback_days: int = DEFAULT_LOOKBACK
) -> dict[str, Call]:
    chosen = {"model": model, "lookback_days": lookback_days}
    return {
        "roi": call("channel_roi", f, **chosen),
        "before": call("channel_roi", f.previous(), **chosen),
        "campaigns": call("channel_roi", f, by="campaign", **chosen),
        "unattributed": call("unattributed", f, **chosen),
        "models": call("attribution_models", f, lookback_days=lookback_days),
        "target_notes": call("target_notes", f),
    }


def _funnel(f: Filters, window_days=None, breakdown=None) -> dict[str, Call]:
    out = {
        "stages": call("funnel", f, window_days=window_days),
        "before": call("funnel", f.previous(), window_days=window_days),
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


@dataclass(frozen=True)
class Page:
    path: str  # the URL path and the script pages/<path>.py
    title: str
    icon: str
    queries: Callable[..., dict[str, Call]] | None = None

    @property
    def script(self) -> str:
        return f"pages/{self.path}.py"


PAGES: tuple[Page, ...] = (
    Page("weekly", "Weekly review", ":material/event_note:", _weekly),
    Page("spend_balance", "Spend balance", ":material/balance:", _spend_balance),
    Page("channel_roi", "Channel ROI", ":material/trending_up:", _channel_roi),
    Page("funnel", "Funnel", ":material/filter_alt:", _funnel),
    Page("cohorts", "Cohorts", ":material/grid_on:", _cohorts),
    Page("data", "Data", ":material/database:"),
)
BY_PATH = {p.path: p for p in PAGES}
DEFAULT_PAGE = PAGES[0].path
