"""The filter dimensions, declared once.

Everything that filters or breaks down by channel, kind, segment or region is generated from
DIMENSIONS: the contract's columns (schema.py), the derived tables' columns and the SQL filter
rule per grain (queries.py expands `{picked:...}` and `{dims:...}` in queries/), `Filters`,
the sidebar, the CLI flags, the highlight links, the pandas baseline and the docs table.
Adding a dimension is one entry here plus its data.

Grains: a filter selects rows of one of these, each carrying every dimension as a column of
the dimension's name:
- channel:  the `channels` table (only the dimensions a channel has: channel, kind);
- campaign: `campaign_channels` (spend, credited revenue);
- lead:     `lead_facts`, `lead_stage_entries` (the funnel);
- customer: `customer_facts`, `customer_months` (cohorts and their value).
A lead's or customer's value of an `own` dimension is its own, else its campaign's; every other
dimension is its campaign's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GRAINS = ("channel", "campaign", "lead", "customer")
KINDS = ("online", "offline")


@dataclass(frozen=True)
class Dimension:
    name: str  # column in the contract and the derived tables; the URL key
    label: str
    param: str  # SQL parameter ($param) and Filters keyword
    # the contract table whose column gives a campaign its value: its own, or its channel's
    # (a campaign's `channel` is the key into `channels`)
    source: str = "campaigns"
    own: bool = False  # leads and customers may carry their own value (contract column)
    multiple: bool = False  # pick several values (else one, or none for all)
    values: tuple[str, ...] | None = None  # fixed choices; else the values in the data
    description: str = ""

    @property
    def flag(self) -> str:
        return f"--{self.name.replace('_', '-')}"

    @property
    def grains(self) -> tuple[str, ...]:
        return GRAINS if self.source == "channels" else GRAINS[1:]

    def predicate(self, alias: str = "") -> str:
        """The SQL rule "no pick, or the row's value is picked", on a bound parameter."""
        col = f"{alias}.{self.name}" if alias else self.name
        if self.multiple:
            return f"(${self.param} IS NULL OR list_contains(${self.param}, {col}))"
        return f"(${self.param} IS NULL OR {col} = ${self.param})"


# In the order the sidebar asks: the kind first, so the channels offered are of that kind.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "kind",
        "Kind",
        "kind",
        source="channels",
        values=KINDS,
        description="online or offline, from the channel",
    ),
    Dimension(
        "channel",
        "Channel",
        "channels",
        source="channels",
        multiple=True,
        description="the channel of the campaign (of a lead's source, of a customer's "
        "acquisition, of the credited touch)",
    ),
    Dimension(
        "segment",
        "Segment",
        "segment",
        own=True,
        description="the campaign's; a lead's or customer's own when it has one",
    ),
    Dimension(
        "region",
        "Region",
        "region",
        own=True,
        description="the campaign's; a lead's or customer's own when it has one",
    ),
)


def by_name(name: str) -> Dimension:
    for d in DIMENSIONS:
        if d.name == name:
            return d
    raise KeyError(name)


def at(grain: str) -> tuple[Dimension, ...]:
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}; grains are {', '.join(GRAINS)}")
    return tuple(d for d in DIMENSIONS if grain in d.grains)


def picked(
    grain: str, alias: str = "", skip: tuple[str, ...] = (), only: tuple[str, ...] = ()
) -> str:
    """The shared filters' rule for rows of `grain`: the one place it is written. `skip`
    leaves dimensions out; `only`, when given, keeps just those."""
    parts = [
        d.predicate(alias)
        for d in at(grain)
        if d.name not in skip and (not only or d.name in only)
    ]
    return "(" + "\n    AND ".join(parts) + ")" if parts else "TRUE"


def columns(how: str = "", *aliases: str) -> str:
    """The dimension columns for a SELECT list, comma separated:
    - ""                     bare names;
    - "of", alias            alias.name;
    - "from", campaign, channel   a campaign's value from its own table or its channel's;
    - "inherit", own, campaign    coalesce(own.name, campaign.name) for `own` dimensions,
                                  campaign.name for the others (leads, customers)."""
    out = []
    for d in DIMENSIONS:
        if how == "":
            out.append(d.name)
        elif how == "of":
            out.append(f"{aliases[0]}.{d.name}")
        elif how == "from":
            table = aliases[1] if d.source == "channels" else aliases[0]
            out.append(f"{table}.{d.name} AS {d.name}")
        elif how == "inherit":
            own, campaign = aliases
            expr = f"coalesce({own}.{d.name}, {campaign}.{d.name})" if d.own else (
                f"{campaign}.{d.name}"
            )
            out.append(f"{expr} AS {d.name}")
        else:
            raise ValueError(f"unknown column list {how!r}")
    return ", ".join(out)


def expand(directive: str, args: list[str]) -> str:
    """Expand a template in queries/*.sql (see queries.py):
    {picked:GRAIN[:ALIAS[:-dim-dim | :+dim+dim]]} and {dims[:HOW[:ALIAS...]]}."""
    if directive == "picked":
        grain, alias, which = (args + ["", ""])[:3]
        names = tuple(n for n in re.split(r"[-+]", which) if n)
        if which.startswith("+"):
            return picked(grain, alias, only=names)
        return picked(grain, alias, skip=names)
    return columns(*(args or [""]))
