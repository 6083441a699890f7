"""The URL-bound controls (pitwall/controls.py): one cleaning function gives every URL value
a value in range or the default, whatever the text; the docs list what is declared; every
bound widget and every highlight link goes through the declaration.

Pages opened with absurd values in every parameter: tests/test_pages.py (AppTest) and
tests/test_browser.py (Chromium)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from absurd import ABSURD, KEYS

from pitwall import controls, highlights
from pitwall.attribution import DEFAULT_LOOKBACK, MAX_LOOKBACK, MODELS
from pitwall.controls import CHOICE, CONTROLS, MULTI, NUMBER, TOGGLE, clean, url_form
from pitwall.dimensions import DIMENSIONS
from pitwall.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
SPAN = (dt.date(2025, 1, 5), dt.date(2025, 4, 20))  # the golden data's span

# raw URL text -> (window, lookback, lift): declared ranges 0..3650 (default 0),
# 0..365 (default 30), 0..100 (default 5)
D = (0, DEFAULT_LOOKBACK, 5)
NUMBERS = {
    "1e400": D,
    "-1e400": D,
    "1e309": D,
    "1e3": D,  # an exponent, even a small one, is not a whole number in digits
    "inf": D,
    "-inf": D,
    "Infinity": D,
    "NaN": D,
    "nan": D,
    "-0": (0, 0, 0),  # negative zero is zero
    "-0.0": D,
    "+7": (7, 7, 7),
    "7": (7, 7, 7),
    "7.5": D,
    "7.0": D,
    " 7": D,
    "7 ": D,
    "0x7fffffff": D,
    "0x10": D,
    "1_000": D,
    "1,5": D,
    "": D,
    "-1": D,
    "366": (366, DEFAULT_LOOKBACK, 5),
    "3650": (3650, DEFAULT_LOOKBACK, 5),
    "3651": D,
    "101": (101, 101, 5),
    "100": (100, 100, 100),
    "99999999999999999999999": D,
    "9" * 5000: D,  # past Python's int-from-string digit limit
    "x" * 5000: D,
    "<script>alert(1)</script>": D,
    "<img src=x onerror=alert(1)>": D,
    "\x00": D,
    "7\x00": D,
    "٣": D,  # ARABIC-INDIC DIGIT THREE (int() accepts it)
    "３": D,  # FULLWIDTH DIGIT THREE
    "' OR 1=1;--": D,
}


@pytest.mark.parametrize("raw", list(NUMBERS), ids=lambda r: repr(r[:12]))
def test_numbers_clean_to_a_value_in_range_or_the_default(raw):
    window, lookback, lift = NUMBERS[raw]
    assert clean("window", raw) == window
    assert clean("lookback", raw) == lookback
    assert clean("lift", raw) == lift
    for name in ("window", "lookback", "lift"):
        c = CONTROLS[name]
        value = clean(name, raw)
        assert type(value) is int and c.low <= value <= c.high


def test_the_declared_ranges():
    assert (CONTROLS["window"].low, CONTROLS["window"].high, CONTROLS["window"].default) == (
        0,
        3650,
        0,
    )
    assert (CONTROLS["lookback"].high, CONTROLS["lookback"].default) == (
        MAX_LOOKBACK,
        DEFAULT_LOOKBACK,
    )
    assert (CONTROLS["lift"].low, CONTROLS["lift"].high, CONTROLS["lift"].default) == (0, 100, 5)


ALL_ABSURD = sorted(set(ABSURD) | set(NUMBERS) | {"TRUE\x00", "trüe", "Last touch "})


@pytest.mark.parametrize("raw", ALL_ABSURD, ids=lambda r: repr(r[:12]))
def test_every_control_cleans_absurd_text_without_raising(raw):
    """No absurd text is an option's label or a boolean: every choice, toggle, date range and
    pick falls back to its default (numbers: see the table above)."""
    for c in CONTROLS.values():
        if c.type == NUMBER:
            continue
        got = clean(c, raw, ["2025-W16", "2025-W15"] if c.options is None and c.type == CHOICE
                    else None, span=SPAN)  # fmt: skip
        assert got == c.default, (c.key, raw, got)
        assert clean(c, [raw, raw], span=SPAN) in (c.default, ())  # repeated keys too
    assert clean("dates", [raw, "2025-02-01"], span=SPAN) is None
    picks = controls.Control("channel", MULTI, ())
    assert clean(picks, [raw, "social"], ["social", "search"]) == ("social",)


def test_choices_take_a_label_or_the_option_name():
    assert clean("model", "First touch") == "first"
    assert clean("model", "first") == "first"
    assert clean("model", "FIRST TOUCH") == "last"  # labels match exactly
    assert clean("by", "Channel") == "channel"
    assert clean("by", "No breakdown") is None
    assert clean("by", "None") is None  # the default, not a name
    assert clean("ltv_by", "Online / offline acquisition") == "kind"
    assert clean("period", "Custom range") == "Custom range"
    assert clean("week", ["2025-W15", "2025-W16"], ["2025-W16", "2025-W15"]) == "2025-W16"
    assert clean("week", "2025-W99", ["2025-W16"], default="2025-W16") == "2025-W16"


def test_toggles_and_dates():
    assert clean("compare", "true") is True
    assert clean("compare", "TRUE") is True
    assert clean("compare", "false") is False
    assert clean("compare", "1") is False
    assert clean("dates", ["2025-02-01", "2025-03-31"], span=SPAN) == (
        dt.date(2025, 2, 1),
        dt.date(2025, 3, 31),
    )
    assert clean("dates", "2025-02-01", span=SPAN) == (dt.date(2025, 2, 1),)
    fallback = (SPAN[0], SPAN[1])
    for bad in (
        ["2025-03-31", "2025-02-01"],  # reversed
        ["2024-12-31", "2025-02-01"],  # before the data
        ["2025-02-01", "2025-04-21"],  # after it
        ["2025-02-30", "2025-03-01"],  # no such day
        ["2025-2-1", "2025-03-01"],
        ["+2025-02-01"],
        ["2025-02-01", "2025-02-02", "2025-02-03"],
        ["٢٠٢٥-02-01"],
        [],
    ):
        assert clean("dates", bad, span=SPAN, default=fallback) == fallback, bad


def test_multiselect_keeps_known_values_once():
    picks = controls.Control("channel", MULTI, ())
    options = ["social", "search", "print"]
    assert clean(picks, ["search", "bogus", "search", "social"], options) == ("search", "social")
    assert clean(picks, ["bogus", "\x00"], options) == ()
    assert clean(picks, ["x" * 5000, "social"], options) == ("social",)


@pytest.mark.parametrize("name", list(CONTROLS))
def test_every_valid_value_round_trips_through_the_url(name):
    c = CONTROLS[name]
    if c.type == NUMBER:
        values = [c.low, c.high, c.default, (c.low + c.high) // 2]
    elif c.type == TOGGLE:
        values = [True, False]
    elif c.type == CHOICE and c.options is not None:
        values = list(c.options)
    else:
        return
    for value in values:
        form = url_form(c, value)
        if value == c.default:
            assert form is None  # the default leaves the URL
        else:
            assert clean(c, form) == value, (name, value, form)


def test_model_options_are_the_attribution_models():
    assert dict(CONTROLS["model"].options) == {n: m.label for n, m in MODELS.items()}


def test_docs_list_the_url_parameters_as_declared():
    docs = (ROOT / "docs" / "metrics.md").read_text()
    table = controls.docs_table()
    assert table in docs, (
        "docs/metrics.md's URL parameter table differs from pitwall/controls.py; paste "
        "`python -c 'from pitwall import controls; print(controls.docs_table())'`"
    )
    for key in KEYS:
        assert f"| `{key}` |" in table


def test_every_bound_widget_goes_through_controls():
    files = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "pitwall").glob("*.py")]
    bound = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in files
        if p.name != "controls.py"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"bind\s*=\s*['\"]query-params", line)
    ]
    assert not bound, f"bound widgets outside pitwall/controls.py: {bound}"


def test_highlight_links_use_declared_keys():
    f = Filters(dt.date(2025, 2, 1), dt.date(2025, 2, 7), channels=("social",), kind="online")
    pairs = highlights._params(f, f.start, f.end, **{controls.key("window"): 28})
    declared = set(CONTROLS) | {d.name for d in DIMENSIONS}
    assert {k for k, _ in pairs} <= declared
    assert dict(pairs)["period"] == "Custom range"
    assert clean("period", dict(pairs)["period"]) == "Custom range"
    assert clean("window", dict(pairs)["window"]) == 28
    assert ("channel", "social") in pairs and ("kind", "online") in pairs
