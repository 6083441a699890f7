"""Rollups: the derived tables pages answer from, whose size does not grow with orders,
leads or touches (queries/build/08_* and after).

Each rollup row covers one span of days of the entity's date (a lead's created_at, a
customer's acquired_at): `grain` 'month' rows cover a calendar month, 'day' rows one day, and
both are stored. A date range reads the month rows of the months it covers whole and the day
rows of the months it cuts, so all history reads only month rows and any range stays exact.
Every row carries `day` (the span's first day), `month` (its month's first day) and
`month_end` (its month's last day).

`{span}` in queries/ expands to that rule (queries.py), on $start and $end (DATE, inclusive,
NULL = open).
"""

from __future__ import annotations

# a month inside [$start, $end] whole
_WHOLE = "(($start IS NULL OR {a}month >= $start) AND ($end IS NULL OR {a}month_end <= $end))"


def span(alias: str = "") -> str:
    """The rollup rows that make up [$start, $end] exactly, each day once."""
    a = f"{alias}." if alias else ""
    whole = _WHOLE.format(a=a)
    return (
        f"(({a}grain = 'month' AND {whole})\n"
        f"    OR ({a}grain = 'day' AND NOT {whole}\n"
        f"        AND ($start IS NULL OR {a}day >= $start) AND ($end IS NULL OR {a}day <= $end)))"
    )


# The weekly review's funnel highlight gives each lead this many days to convert; the funnel
# under this window is rolled up (funnel_window_leads), any other window reads the detail.
STORED_WINDOW = 28

# Attribution is rolled up for this lookback only (path_corrections_30 and campaign_credits);
# other lookbacks read the detail (docs/metrics.md, "Where the figures are read from").
STORED_LOOKBACK = 30


def query(name: str, lookback_days: int) -> str:
    """The query to run for `name` (queries/<name>.sql): its rollup version
    (<name>_rolled.sql) for the stored lookback, the detail for any other."""
    return f"{name}_rolled" if lookback_days == STORED_LOOKBACK else name
