"""The controls a URL carries, declared once, and the one way their URL values are read.

A copied link reproduces a view because every page control is a Streamlit widget bound to
the URL (`bind="query-params"`). A link is also untrusted text: Streamlit parses a bound
number with `float()` and then `int()`, so `?window=1e400` or `?lookback=-inf` raised
OverflowError inside the widget, before any page code could check it. So each URL-bound
control is declared here (URL key, type, range or options, default, step), and before a
bound widget is created its URL value goes through `clean`: whatever the string, the widget
gets a value in its range or its default, and the URL is rewritten to match (or loses the
key). Pages and the sidebar create bound widgets only through the functions below.

The filter dimensions (channel, kind, segment, region) are declared in pitwall/dimensions.py;
their sidebar widgets use `select`, `segmented` and `multiselect` here with options from
the data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from pitwall.attribution import DEFAULT_LOOKBACK, DEFAULT_MODEL, MAX_LOOKBACK, MODELS
from pitwall.dimensions import DIMENSIONS
from pitwall.filters import COMPARISONS, FIRST_DAY, LAST_DAY, PAGE_DEFAULT, PRESETS
from pitwall.lead_views import DEFAULT_MQL
from pitwall.loyalty import FREQUENCY_BY, NPS_GROUPS
from pitwall.planner import DEFAULT_WEEKS, MAX_WEEKS

NUMBER, CHOICE, TOGGLE, DATES, MULTI = "number", "choice", "toggle", "dates", "multi"
MAX_TEXT = 100  # longer URL values are never valid: no parsing of megabytes of text
MAX_AMOUNT = 999_999_999_999  # euros: twelve digits, the most a URL number may have
_WHOLE = re.compile(r"[+-]?[0-9]{1,12}")  # ASCII digits only: no 1e3, 0x10, 1_000, 1,5, ٣
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_missing = object()


@dataclass(frozen=True)
class Control:
    key: str  # the URL key, also the widget's key
    type: str  # NUMBER, CHOICE, TOGGLE, DATES or MULTI
    default: Any = None
    low: int | None = None  # NUMBER: the range, both ends included
    high: int | None = None
    step: int = 1
    # CHOICE: option -> the label the widget shows and the URL carries (Streamlit binds
    # options by their label). None: the options come from the data at run time.
    options: Mapping[Any, str] | None = None
    where: str = ""  # for the docs: the page(s) showing it
    means: str = ""  # for the docs

    def labels(self, options: Mapping[Any, str] | Sequence | None = None) -> dict[Any, str]:
        """option -> URL label, from the declaration or the run-time `options`."""
        given = self.options if options is None else options
        if given is None:
            return {}
        if isinstance(given, Mapping):
            return dict(given)
        return {o: str(o) for o in given}


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


BREAKDOWNS = _frozen({None: "No breakdown", **{d.name: d.label for d in DIMENSIONS}})
MODES = _frozen({"bounded": "In the month", "unbounded": "On or after"})
LTV_SPLITS = _frozen({"channel": "Acquisition channel", "kind": "Online / offline acquisition"})
SPLITS = _frozen({None: "All customers", **LTV_SPLITS})
SIDEBAR = "every page (sidebar)"

CONTROLS: Mapping[str, Control] = _frozen(
    {
        c.key: c
        for c in (
            Control(
                "period", CHOICE, PAGE_DEFAULT, options=_frozen({p: p for p in PRESETS}),
                where=SIDEBAR, means="the date range, by its label (`Custom range`: `dates`; "
                "`Page default`: the page's own, e.g. 12 complete months on Cohorts)",
            ),
            Control(
                "compare_to", CHOICE, "previous", options=_frozen(COMPARISONS),
                where=SIDEBAR, means="what changes are measured against, by its label",
            ),
            Control(
                "dates", DATES, where=SIDEBAR,
                means="with `period=Custom range`: one or two ISO dates (start, end) inside "
                "the data's span, in order; default: the period's range",
            ),
            Control(
                "week", CHOICE, where="Weekly review",
                means="an ISO week of the data (`2025-W16`); default: the last complete one",
            ),
            Control(
                "model", CHOICE, DEFAULT_MODEL,
                options=_frozen({name: m.label for name, m in MODELS.items()}),
                where="Channel ROI", means="the attribution model, by its label",
            ),
            Control(
                "lookback", NUMBER, DEFAULT_LOOKBACK, low=0, high=MAX_LOOKBACK,
                where="Channel ROI", means="days of touchpoints before an order on its path",
            ),
            Control(
                "window", NUMBER, 0, low=0, high=3650, step=7,
                where="Funnel", means="conversion window in days (0 = none)",
            ),
            Control(
                "by", CHOICE, None, options=BREAKDOWNS,
                where="Funnel", means="the funnel's breakdown, by its label",
            ),
            Control(
                "compare", TOGGLE, False,
                where="Funnel", means="`true`: draw the funnel against the comparison period",
            ),
            Control(
                "mode", CHOICE, "bounded", options=MODES,
                where="Cohorts", means="what active means, by its label",
            ),
            Control(
                "split", CHOICE, None, options=SPLITS,
                where="Cohorts", means="retention split, by its label",
            ),
            Control(
                "ltv_by", CHOICE, "channel", options=LTV_SPLITS,
                where="Cohorts", means="value curves by, by its label",
            ),
            Control(
                "lift", NUMBER, 5, low=0, high=100,
                where="Cohorts", means="retention points added in the what-if",
            ),
            Control(
                "weeks", NUMBER, DEFAULT_WEEKS, low=1, high=MAX_WEEKS,
                where="Budget planner", means="weeks the budget covers",
            ),
            Control(
                "budget", NUMBER, None, low=0, high=MAX_AMOUNT, step=10_000,
                where="Budget planner", means="euros for those weeks (none: their last spend)",
            ),
            Control(
                "online_min", NUMBER, None, low=0, high=100,
                where="Budget planner", means="online share floor in % (none: the target)",
            ),
            Control(
                "online_max", NUMBER, None, low=0, high=100,
                where="Budget planner", means="online share ceiling in % (none: no ceiling)",
            ),
            Control(
                "mql", NUMBER, DEFAULT_MQL, low=0, high=100, step=5,
                where="Leads", means="the hand-off (MQL) threshold of an imported lead score",
            ),
            Control(
                "nps_by", CHOICE, "channel", options=_frozen(NPS_GROUPS),
                where="Loyalty", means="NPS by group, by its label",
            ),
            Control(
                "buy_by", CHOICE, "channel", options=_frozen(FREQUENCY_BY),
                where="Loyalty", means="purchase frequency and order value by, by its label",
            ),
        )
    }
)


def control(key: str | Control) -> Control:
    return key if isinstance(key, Control) else CONTROLS[key]


def key(name: str) -> str:
    """The URL key of a declared control (a KeyError names an undeclared one)."""
    return CONTROLS[name].key


# --- cleaning: pure --------------------------------------------------------------------------


def _last(raw: str | Sequence[str] | None) -> str | None:
    """A single-valued control reads the last of repeated values, as Streamlit does."""
    if raw is None or isinstance(raw, str):
        return raw
    return raw[-1] if len(raw) else None


def _texts(raw: str | Sequence[str] | None) -> list[str]:
    if raw is None:
        return []
    return [raw] if isinstance(raw, str) else list(raw)


def _day(text: str, first: dt.date, last: dt.date) -> dt.date | None:
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if first <= day <= last else None


def clean(
    name: str | Control,
    raw: str | Sequence[str] | None,
    options: Mapping[Any, str] | Sequence | None = None,
    *,
    default: Any = None,
    span: tuple[dt.date, dt.date] | None = None,
) -> Any:
    """The value a control takes from its raw URL text: always one in its range (or among
    its options), else its default. Never raises, whatever the text.

    - NUMBER: a whole number in ASCII digits (an optional sign; `-0` is 0) inside low..high.
      Exponents, `inf`, `nan`, hex, underscores, decimal commas or points, other scripts'
      digits and anything out of range give the default.
    - CHOICE: an option's label (what Streamlit writes into the URL) or its own name; the
      option is returned.
    - TOGGLE: `true` / `false` in any case.
    - DATES: one or two ISO dates inside `span` (default: the dates a filter may name), in
      order; a tuple of dates, else the default.
    - MULTI: the options among the values, each once, in the URL's order (a tuple).

    `options` gives run-time options (the data's weeks, channels); `default` overrides the
    declared default (a week's default is the newest week)."""
    c = control(name)
    fallback = c.default if default is None else default
    texts = _texts(raw)
    if c.type != MULTI and any(not isinstance(t, str) or len(t) > MAX_TEXT for t in texts):
        return fallback
    if c.type == MULTI:
        labels = c.labels(options)
        by_label = {label: option for option, label in labels.items()}
        picked: list = []
        for t in texts:
            option = by_label.get(t, _missing) if isinstance(t, str) else _missing
            if option is not _missing and option not in picked:
                picked.append(option)
        return tuple(picked) if picked else fallback
    if c.type == DATES:
        first, last = span or (FIRST_DAY, LAST_DAY)
        days = [_day(t, first, last) for t in texts]
        if not 1 <= len(days) <= 2 or None in days or days != sorted(days):
            return fallback
        return tuple(days)
    text = _last(raw)
    if text is None:
        return fallback
    if c.type == NUMBER:
        if not _WHOLE.fullmatch(text):
            return fallback
        value = int(text)
        return value if c.low <= value <= c.high else fallback
    if c.type == TOGGLE:
        return {"true": True, "false": False}.get(text.lower() if text.isascii() else "", fallback)
    labels = c.labels(options)
    for option, label in labels.items():
        if text == label:
            return option
    for option in labels:  # the option's own name: ?model=first as well as ?model=First+touch
        if option is not None and text == str(option):
            return option
    return fallback


def url_form(
    name: str | Control,
    value: Any,
    options: Mapping[Any, str] | Sequence | None = None,
    *,
    default: Any = None,
) -> list[str] | None:
    """How the URL carries a clean `value`: its strings, or None (no key) for the default."""
    c = control(name)
    fallback = c.default if default is None else default
    if value == fallback or value in (None, ()):
        return None
    if c.type == NUMBER:
        return [str(int(value))]
    if c.type == TOGGLE:
        return ["true" if value else "false"]
    if c.type == DATES:
        return [d.isoformat() for d in value]
    labels = c.labels(options)
    if c.type == MULTI:
        return [labels[v] for v in value]
    return [labels[value]]


# --- the URL, before a bound widget reads it ------------------------------------------------


def _url_holds(raw: str | list[str] | None) -> list[str] | None:
    return None if raw is None else _texts(raw)


def tidy_url(
    name: str | Control,
    options: Mapping[Any, str] | Sequence | None = None,
    *,
    default: Any = None,
    span: tuple[dt.date, dt.date] | None = None,
) -> Any:
    """Clean the URL value of a control before its bound widget is created: the URL (what
    the browser shows, and what Streamlit seeds the widget from) then carries the clean value
    or loses the key. Returns the clean value (the default when the URL has none)."""
    from streamlit.runtime.state.session_state_proxy import get_session_state

    c = control(name)
    value = None
    with get_session_state().query_params() as qp:
        # Streamlit seeds a widget from the URL as the run started (_initial_query_params),
        # and shows st.query_params (_query_params): both are cleaned. The public setter
        # refuses a key once a widget is bound to it, hence the internal calls.
        initial = getattr(qp, "_initial_query_params", {})
        current = getattr(qp, "_query_params", {})
        for where in (current, initial):
            raw = where.get(c.key)
            if raw is None:
                continue
            value = clean(c, raw, options, default=default, span=span)
            wanted = url_form(c, value, options, default=default)
            if _url_holds(raw) == wanted:
                continue
            if where is initial:
                if wanted is None:
                    initial.pop(c.key, None)
                else:
                    initial[c.key] = wanted
            elif wanted is None:
                qp.remove_param(c.key)  # tells the browser
            else:
                qp.set_with_no_forward_msg(c.key, wanted[0] if len(wanted) == 1 else wanted)
                qp._send_query_param_msg()
    return clean(c, None, default=default) if value is None else value


# --- the bound widgets ----------------------------------------------------------------------


def number(container, name: str | Control, label: str, **kwargs) -> int | None:
    """A whole-number input declared in CONTROLS (or given as a Control: the planner's
    per-channel amounts), bound to the URL; None when empty and its default is none."""
    c = control(name)
    tidy_url(c)
    value = container.number_input(
        label, min_value=c.low, max_value=c.high, value=c.default, step=c.step,
        key=c.key, bind="query-params", **kwargs,
    )  # fmt: skip
    return c.default if value is None else int(value)


def _format(labels: dict[Any, str]) -> Callable[[Any], str]:
    return lambda option: labels.get(option, str(option))


def select(
    container,
    name: str | Control,
    label: str,
    options: Mapping[Any, str] | Sequence | None = None,
    *,
    default: Any = None,
    **kwargs,
) -> Any:
    """A selectbox bound to the URL: a value among `options` (declared or given; a mapping
    gives each option's label), else `default`. An undeclared `name` is a URL key."""
    c = CONTROLS.get(name) if isinstance(name, str) else name
    c = c or Control(name, CHOICE, default)
    labels = c.labels(options)
    fallback = c.default if default is None else default
    if not labels:
        return fallback
    if fallback not in labels:
        fallback = next(iter(labels))
    tidy_url(c, labels, default=fallback)
    return container.selectbox(
        label, list(labels), index=list(labels).index(fallback), format_func=_format(labels),
        key=c.key, bind="query-params", **kwargs,
    )  # fmt: skip


def choice(container, name: str, label: str, **kwargs) -> Any:
    """A selectbox over the declared options of `name`."""
    return select(container, name, label, **kwargs)


def segmented(
    container,
    name: str | Control,
    label: str,
    options: Mapping[Any, str] | Sequence | None = None,
    *,
    default: Any = None,
    required: bool = True,
    **kwargs,
) -> Any:
    """A segmented control bound to the URL. Required (the declared controls): always a
    choice, even for `?mode=` (an empty value leaves Streamlit's required control without
    one). Not required (`kind`): None when nothing is picked."""
    c = CONTROLS.get(name) if isinstance(name, str) else name
    c = c or Control(name, CHOICE, default)
    labels = c.labels(options)
    fallback = c.default if default is None else default
    tidy_url(c, labels, default=fallback)
    value = container.segmented_control(
        label, list(labels), default=fallback, required=required, format_func=_format(labels),
        key=c.key, bind="query-params", **kwargs,
    )  # fmt: skip
    return fallback if value is None else value


def toggle(container, name: str, label: str, **kwargs) -> bool:
    c = control(name)
    tidy_url(c)
    return bool(container.toggle(label, value=c.default, key=c.key, bind="query-params", **kwargs))


def multiselect(
    container, name: str | Control, label: str, options: Mapping[Any, str] | Sequence, **kwargs
) -> tuple:
    """A multiselect bound to the URL: the URL's values among `options`, each once."""
    c = CONTROLS.get(name) if isinstance(name, str) else name
    c = c or Control(name, MULTI, ())
    labels = c.labels(options)
    tidy_url(c, labels, default=())
    picked = container.multiselect(
        label, list(labels), format_func=_format(labels), key=c.key, bind="query-params",
        **kwargs,
    )  # fmt: skip
    return tuple(picked)


def dates(
    container,
    name: str,
    label: str,
    value: tuple[dt.date, dt.date],
    first: dt.date,
    last: dt.date,
    **kwargs,
) -> tuple[dt.date, dt.date]:
    """A date range input bound to the URL, inside first..last; (start, end) always."""
    c = control(name)
    tidy_url(c, default=value, span=(first, last))
    picked = container.date_input(
        label, value=value, min_value=first, max_value=last, key=c.key, bind="query-params",
        **kwargs,
    )  # fmt: skip
    if isinstance(picked, Sequence) and len(picked) == 2:
        return picked[0], picked[1]
    if isinstance(picked, Sequence) and len(picked) == 1:
        return picked[0], picked[0]
    return value


# --- the docs ------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None or value == ():
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def docs_table() -> str:
    """The URL parameters as docs/metrics.md lists them (a test compares the two)."""
    rows = ["| key | page | values | default | meaning |", "|---|---|---|---|---|"]
    for c in CONTROLS.values():
        if c.type == NUMBER:
            values = f"whole number {c.low}..{c.high}"
            default = str(c.default)
        elif c.type == TOGGLE:
            values, default = "`true`, `false`", _shown(c.default)
        elif c.type == DATES:
            values, default = "ISO dates", "the period's range"
        elif c.options is None:
            values, default = "from the data", "see meaning"
        else:
            values = ", ".join(f"`{label}`" for label in c.options.values())
            default = f"`{c.options[c.default]}`"
        rows.append(f"| `{c.key}` | {c.where} | {values} | {default} | {c.means} |")
    from pitwall.dimensions import DIMENSIONS

    for d in DIMENSIONS:
        if d.values:
            values = ", ".join(f"`{v}`" for v in d.values)
        else:
            values = "the data's values" + (" (repeat the key for several)" if d.multiple else "")
        rows.append(f"| `{d.name}` | {SIDEBAR} | {values} | all | the {d.label.lower()} filter |")
    return "\n".join(rows)
