"""Highlights of a week, written as plain sentences and ranked by how much they matter.

Each finder returns candidates with a score on one scale: a channel's move or a budget gap
counts as its share of the week's total, a rate (online share, conversion, retention) as
the points it moved. Each sentence links to the page and filters that show the detail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pandas as pd

from pitwall import controls, formatting, landing, rollups, views, weeks
from pitwall.dimensions import DIMENSIONS
from pitwall.filters import Filters
from pitwall.metrics import METRICS
from pitwall.navigation import BY_PATH

LIMIT = 6
MOVER_SHARE = 0.10  # a channel's change must be 10 % of the week's total to be news
MOVERS = 3  # no more than three movers, so the other kinds of news still show
SHARE_GAP = 0.02  # online share within 2 points of its target is on target
PACE_GAP = 0.15  # 85 %..115 % of the prorated budget is on pace
PACE_MIN_DAYS = landing.MIN_DAYS  # earlier in a month, pace the month before instead
FUNNEL_GAP = 0.05
# days each lead gets to convert, so both groups are judged alike (a rolled-up window)
FUNNEL_WINDOW = rollups.STORED_WINDOW
COHORT_GAP = 0.05
COHORTS_BEFORE = 6
LINK_WEEKS = 13  # a mover's link shows the thirteen weeks to its week, not the week alone
MARGINAL_GAP = 0.25  # a channel's next euro returning under a quarter of the best one's
MARGINAL_SCORE = 0.12  # a standing finding, not this week's news: ranks below big moves
IDLE_LEADS = 1  # one open high-score lead nobody moved for two weeks is worth a call
IDLE_SCORE = 0.11  # a to-do, not a move: ranks with the standing findings
NPS_GAP = 5  # points of NPS between the last complete month and the one before
NPS_MIN_RESPONSES = 30  # answers in each month, or the score is noise
CPC_JUMP = 0.25  # a channel's cost per click 25 % above its four weeks before
CPC_MIN_CLICKS = 100  # clicks in the week, or the cost per click is noise
CPC_WEEKS_BEFORE = 4


@dataclass(frozen=True)
class Highlight:
    score: float
    text: str  # plain sentence; **bold** marks the subject
    page: str  # the page's URL path
    params: tuple[tuple[str, str], ...]  # its query parameters, as a link carries them

    @property
    def page_title(self) -> str:
        return BY_PATH[self.page].title

    def url(self, base: str = "") -> str:
        return f"{base.rstrip('/')}/{self.page}?{urlencode(self.params)}"


PERIOD, DATES = controls.key("period"), controls.key("dates")  # URL keys: pitwall/controls.py


def _params(f: Filters, start: dt.date, end: dt.date, **extra) -> tuple:
    """The URL of a page showing `start..end` with the review's filters (`extra`: more URL
    keys, a dimension's name overriding the review's pick)."""
    chosen = {
        PERIOD: "Custom range",
        DATES: [start.isoformat(), end.isoformat()],
        **{d.name: _pick(getattr(f, d.param), d.multiple) for d in DIMENSIONS},
    } | extra
    pairs = []
    for key, value in chosen.items():
        for v in value if isinstance(value, list) else [value]:
            if v is not None:
                pairs.append((key, str(v)))
    return tuple(pairs)


def _pick(value, multiple: bool):
    return list(value or ()) if multiple else value


def _amount(metric: str, value) -> str:
    return formatting.fmt(METRICS[metric].fmt, value)


def find(con, monday: dt.date, f: Filters, forecast: pd.DataFrame | None = None) -> list[Highlight]:
    """The week's highlights, most important first (`forecast`: the week's landing
    forecast, landing.for_week, when the caller has it)."""
    if forecast is None:
        forecast = landing.for_week(con, monday, f)
    found = [
        *landing_targets(forecast, f),
        *movers(con, monday, f),
        *online_share(con, monday, f),
        *pacing(con, monday, f),
        *funnel(con, monday, f),
        *cohorts(con, monday, f),
        *marginal_returns(con, monday, f),
        *idle_leads(con, monday, f),
        *nps_change(con, monday, f),
        *cpc_jump(con, monday, f),
    ]
    first, last = views.data_span(con)
    ranked = sorted(found, key=lambda h: -h.score)[:LIMIT]
    return [_within(h, first, last) for h in ranked]


def _within(h: Highlight, first: dt.date | None, last: dt.date | None) -> Highlight:
    """Link dates inside the data's span: the date filter accepts nothing outside it."""
    if first is None:
        return h
    params = tuple(
        (k, min(max(dt.date.fromisoformat(v), first), last).isoformat() if k == DATES else v)
        for k, v in h.params
    )
    return replace(h, params=params)


def movers(con, monday: dt.date, f: Filters) -> list[Highlight]:
    """Channels whose revenue, spend or leads moved most against the week before."""
    start, end = weeks.span(monday)
    f = replace(f, start=start, end=end)
    cols = ["spend", "revenue", "leads"]
    now = views.channel_roi(con, f).set_index("channel")[cols]
    before = views.channel_roi(con, f.previous()).set_index("channel")[cols]
    both = now.join(before, how="outer", suffixes=("", "_before")).fillna(0.0)
    found = []
    for measure in ("revenue", "spend", "leads"):
        total = max(now[measure].sum(), before[measure].sum())
        if total <= 0:
            continue
        for channel, row in both.iterrows():
            was, is_ = row[f"{measure}_before"], row[measure]
            score = abs(is_ - was) / total
            if score < MOVER_SHARE:
                continue
            label = METRICS[measure].label
            if was == 0:
                move = f"rose from nothing to {_amount(measure, is_)}"
            elif is_ == 0:
                move = f"fell to nothing from {_amount(measure, was)}"
            else:
                way = "rose" if is_ > was else "fell"
                move = (
                    f"{way} by {_amount(measure, abs(is_ - was))} to {_amount(measure, is_)} "
                    f"({formatting.change('count', is_, was)})"
                )
            found.append(
                Highlight(
                    score,
                    f"{label} from **{channel}** {move} against the week before.",
                    "channel_roi",
                    # the weeks up to this one, so the page shows the move and what came before
                    _params(f, weeks.span(monday, LINK_WEEKS)[0], end, channel=[channel]),
                )
            )
    return sorted(found, key=lambda h: -h.score)[:MOVERS]


def online_share(con, monday: dt.date, f: Filters) -> list[Highlight]:
    """The week's online share of spend against the target of its month."""
    start, end = weeks.span(monday)
    share = views.spend_totals(con, replace(f, start=start, end=end))["online_share"]
    thursday = monday + dt.timedelta(days=3)  # ISO's rule for which month a week belongs to
    target = views.targets(con, Filters(thursday, thursday))
    if pd.isna(share) or target.empty:
        return []
    goal = float(target["online_share"].iloc[0])
    gap = share - goal
    if abs(gap) < SHARE_GAP:
        text = (
            f"The **online share** of spend was {formatting.percent(share)}, on its "
            f"{formatting.percent(goal, 0)} target."
        )
    else:
        text = (
            f"The **online share** of spend was {formatting.percent(share)}, "
            f"{abs(gap) * 100:.1f} pp {'over' if gap > 0 else 'under'} its "
            f"{formatting.percent(goal, 0)} target."
        )
    first, _ = weeks.span(monday, 13)
    return [Highlight(abs(gap), text, "spend_balance", _params(f, first, end))]


def landing_targets(forecast: pd.DataFrame, f: Filters) -> list[Highlight]:
    """Targets projected at risk or off track, scored by how far short they land. The
    online share and budgets have their own highlights (online_share, pacing)."""
    found = []
    for _, r in forecast.iterrows():
        if r["status"] not in ("at_risk", "off_track") or r["source"] != "target":
            continue
        if r["metric"] == "online_share":
            continue
        period = landing.parse_period(r["period"])
        channel = [r["channel"]] if isinstance(r["channel"], str) else _pick(f.channels, True)
        found.append(
            Highlight(
                abs(1 - r["projected_vs_target"]),
                landing.sentence(r),
                PAGE_OF.get(r["metric"], "weekly"),
                _params(f, period.start, r["as_of"], channel=channel),
            )
        )
    return found


PAGE_OF = {  # where a target's metric is shown in detail
    "spend": "spend_balance",
    "revenue": "channel_roi",
    "roas": "channel_roi",
    "leads": "channel_roi",
    "cpl": "channel_roi",
    "new_customers": "channel_roi",
    "cac": "channel_roi",
    "deals_won": "funnel",
}


def pacing(con, monday: dt.date, f: Filters) -> list[Highlight]:
    """Channels over or under their budget pace in the week's month."""
    sunday = weeks.sunday(monday)
    asof = sunday
    if sunday.day < PACE_MIN_DAYS:  # a few days say little: judge the month just ended
        asof = sunday.replace(day=1) - dt.timedelta(days=1)
    paced = views.pacing(con, f, asof)
    paced = paced[paced["budget"] > 0]
    total = paced["prorated_budget"].sum()
    if paced.empty or total <= 0:
        return []
    month_end = (asof.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
    found = []
    for r in paced.itertuples():
        if abs(r.pacing - 1) < PACE_GAP:
            continue
        way = "over" if r.pacing > 1 else "under"
        if asof == month_end:
            text = (
                f"**{r.channel}** ended {asof:%B} {way} budget: "
                f"{formatting.money(r.spend_to_date)} spent, "
                f"{formatting.percent(r.pacing, 0)} of its {formatting.money(r.budget)}."
            )
        else:
            text = (
                f"**{r.channel}** is {way} its budget pace: "
                f"{formatting.money(r.spend_to_date)} spent by {asof:%d %B}, "
                f"{formatting.percent(r.pacing, 0)} of its {asof:%B} budget prorated to that "
                f"day ({formatting.money(r.prorated_budget)})."
            )
        found.append(
            Highlight(
                abs(r.spend_to_date - r.prorated_budget) / total,
                text,
                "spend_balance",
                _params(f, asof.replace(day=1), asof, channel=[r.channel]),
            )
        )
    return found


def conversion_changes(con, monday: dt.date, f: Filters) -> tuple[pd.DataFrame, dt.date, dt.date]:
    """Each stage's conversion from the previous one for the leads of the four weeks that
    have had FUNNEL_WINDOW days to convert (start..end), against the four weeks before them
    (`delta`, in shares; stages without both figures left out). Highlights and alerts."""
    start, end = weeks.span(weeks.shift(monday, -4), 4)
    recent = replace(f, start=start, end=end)
    now = views.window_conversion(con, recent, FUNNEL_WINDOW)
    before = views.window_conversion(con, recent.previous(), FUNNEL_WINDOW)
    both = now.merge(before, on=["stage", "position"], suffixes=("", "_before"))
    both = both.sort_values("position")
    both["previous_stage"] = both["stage"].shift(1)
    both["delta"] = both["conversion_from_previous"] - both["conversion_from_previous_before"]
    return both.dropna(subset=["delta"]), start, end


def funnel(con, monday: dt.date, f: Filters) -> list[Highlight]:
    """The stage whose conversion changed most (conversion_changes)."""
    both, start, end = conversion_changes(con, monday, f)
    if both.empty:
        return []
    top = both.loc[both["delta"].abs().idxmax()]
    if abs(top.delta) < FUNNEL_GAP:
        return []
    text = (
        f"Conversion from **{top.previous_stage}** to **{top.stage}** "
        f"{'rose' if top.delta > 0 else 'fell'} from "
        f"{formatting.percent(top.conversion_from_previous_before)} to "
        f"{formatting.percent(top.conversion_from_previous)} for leads created "
        f"{start:%d %b}–{end:%d %b}, against the four weeks before "
        f"(each lead given {FUNNEL_WINDOW} days)."
    )
    link = _params(
        f,
        start,
        end,
        **{
            controls.key("window"): FUNNEL_WINDOW,
            controls.key("compare"): controls.url_form("compare", True)[0],
        },
    )
    return [Highlight(abs(top.delta), text, "funnel", link)]


def _month(day: dt.date, shift: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + shift
    return dt.date(index // 12, index % 12 + 1, 1)


def cohorts(con, monday: dt.date, f: Filters) -> list[Highlight]:
    """The newest cohort whose first month after acquisition is over, against the usual."""
    sunday = weeks.sunday(monday)
    ended = (sunday + dt.timedelta(days=1)).day == 1  # the week ends its month
    newest = _month(sunday, -1 if ended else -2)
    start = _month(newest, -COHORTS_BEFORE)
    end = _month(newest, 1) - dt.timedelta(days=1)
    r = views.retention(con, replace(f, start=start, end=end))
    first = r[r["period"] == 1].set_index("cohort_month")
    key = pd.Timestamp(newest)
    if key not in first.index:
        return []
    earlier = first[first.index < key]
    size = earlier["cohort_size"].sum()
    if size == 0:
        return []
    now = first.loc[key, "retention_rate"]
    usual = earlier["active_customers"].sum() / size
    if abs(now - usual) < COHORT_GAP:
        return []
    n = len(earlier)
    text = (
        f"The **{newest:%B %Y}** cohort kept {formatting.percent(now)} of its customers "
        f"ordering in their first month after acquisition, against {formatting.percent(usual)} "
        f"for the {n} cohort{'s' if n > 1 else ''} before it."
    )
    return [Highlight(abs(now - usual), text, "cohorts", _params(f, start, end))]


def marginal_returns(con, monday: dt.date, f: Filters) -> list[Highlight]:
    """A channel whose next euro returns far less than the best channel's, by the stored
    marketing-mix model; only from a fit of revenue that saw the current data, and only
    for the whole business (the model is not fitted per filter)."""
    from pitwall import mmm

    if f.channels or f.kind or f.segment or f.region:
        return []
    fit = mmm.read_fit(con)
    if fit is None or fit["stale"] or fit["outcome"] != "revenue":
        return []
    ch = mmm.read_table(con, "mmm_channels").dropna(subset=["marginal_roas"])
    if len(ch) < 2:
        return []
    low = ch.loc[ch["marginal_roas"].idxmin()]
    high = ch.loc[ch["marginal_roas"].idxmax()]
    if low["marginal_roas"] >= MARGINAL_GAP * high["marginal_roas"]:
        return []

    def per_1000(r, col="marginal_roas"):  # whole euros: "about €510 (€90–€1,690)"
        return f"{formatting.CURRENCY}{round(1000 * r[col], -1):,.0f}"

    text = (
        f"The next {formatting.money(1000)} in **{low['channel']}** returns about "
        f"{per_1000(low)} in revenue ({per_1000(low, 'marginal_roas_low')}–"
        f"{per_1000(low, 'marginal_roas_high')}); in **{high['channel']}** about "
        f"{per_1000(high)} ({per_1000(high, 'marginal_roas_low')}–"
        f"{per_1000(high, 'marginal_roas_high')}), by the marketing-mix model fitted "
        f"{fit['fitted_at']:%d %b %Y} (94 % intervals)."
    )
    return [Highlight(MARGINAL_SCORE, text, "budget_planner", ())]


def idle_leads(con, monday: dt.date, f: Filters) -> list[Highlight]:
    """Open leads with a high score that nobody has moved for two weeks by the week's end
    (lead_views.idle_high_scores): the leads to call first."""
    from pitwall import lead_views

    sunday = weeks.sunday(monday)
    asof = dt.datetime.combine(sunday, dt.time(23, 59, 59))
    found = lead_views.idle_high_scores(con, f, asof)
    if found is None or found["idle"] < IDLE_LEADS:
        return []
    n = found["idle"]
    text = (
        f"**{n:,} open lead{'s' if n != 1 else ''}** with {found['what']} (of "
        f"{found['high']:,}) {'have' if n != 1 else 'has'} not moved for "
        f"{lead_views.IDLE_DAYS} days or more by {sunday:%d %B}: the Leads page lists whom to "
        "call first, and why."
    )
    start = max(sunday - dt.timedelta(days=364), dt.date(1970, 1, 1))
    return [Highlight(IDLE_SCORE, text, "leads", _params(f, start, sunday))]


def nps_change(con, monday: dt.date, f: Filters) -> list[Highlight]:
    """The NPS of the last month complete by the reviewed Sunday against the month before."""
    sunday = weeks.sunday(monday)
    ended = (sunday + dt.timedelta(days=1)).day == 1  # the week ends its month
    month = _month(sunday, 0 if ended else -1)
    start, end = _month(month, -1), _month(month, 1) - dt.timedelta(days=1)
    monthly = views.nps(con, replace(f, start=start, end=end)).set_index("month")
    now, before = (
        monthly.loc[pd.Timestamp(m)] if pd.Timestamp(m) in monthly.index else None
        for m in (month, _month(month, -1))
    )
    if now is None or before is None:
        return []
    if min(now["responses"], before["responses"]) < NPS_MIN_RESPONSES:
        return []
    gap = now["nps"] - before["nps"]
    if abs(gap) < NPS_GAP:
        return []
    text = (
        f"**Net Promoter Score** {'rose' if gap > 0 else 'fell'} to "
        f"{formatting.score(now['nps'])} in {month:%B} from {formatting.score(before['nps'])} "
        f"in {_month(month, -1):%B} ({int(now['responses']):,} answers, "
        f"{formatting.change('score', now['nps'], before['nps'])})."
    )
    return [Highlight(abs(gap) / 100, text, "loyalty", _params(f, start, end))]


def cpc_jump(con, monday: dt.date, f: Filters) -> list[Highlight]:
    """The channel whose cost per click rose most against its four weeks before, weighted by
    its share of the week's spend on clicks."""
    start, end = weeks.span(monday)
    now = views.media(con, replace(f, start=start, end=end)).set_index("channel")
    first, last = weeks.span(weeks.shift(monday, -1), CPC_WEEKS_BEFORE)
    before = views.media(con, replace(f, start=first, end=last)).set_index("channel")
    both = now.join(before[["cpc"]].rename(columns={"cpc": "cpc_before"}), how="inner")
    both = both[(both["clicks"] >= CPC_MIN_CLICKS) & both["cpc_before"].notna()]
    total = now["click_spend"].sum()
    if both.empty or not total:
        return []
    both = both.assign(jump=both["cpc"] / both["cpc_before"] - 1)
    both = both[both["jump"] >= CPC_JUMP]
    if both.empty:
        return []
    both = both.assign(score=both["jump"] * both["click_spend"] / total)
    channel = both["score"].idxmax()
    row = both.loc[channel]
    text = (
        f"A click on **{channel}** cost {formatting.money(row['cpc'])} this week, "
        f"{formatting.change('money', row['cpc'], row['cpc_before'])} against the "
        f"{CPC_WEEKS_BEFORE} weeks before ({formatting.money(row['cpc_before'])})."
    )
    link = _params(f, first, end, channel=[channel])
    return [Highlight(float(row["score"]), text, "channel_roi", link)]
