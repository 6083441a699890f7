"""Every metric Pitwall shows, defined once: name, label, format, formula and meaning.

SQL returns additive base measures (spend, revenue, leads, ...); the ratios are derived
here, so a page, an export and the report can never disagree on a formula. A ratio with a
zero or missing denominator is empty (null), never infinity or zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


# Where a "target" metric is on target.
TARGETS = {"spend_to_budget": 1.0}


TINY = 1e-9  # a denominator this close to 0 (binary noise of a sum that cancels) is none


def ratio(numerator, denominator) -> pd.Series:
    """numerator / denominator, empty where the denominator is (about) zero or missing."""
    num = pd.Series(numerator, dtype="float64")
    den = pd.Series(denominator, dtype="float64", index=num.index).to_numpy()
    # in numpy: a page divides some forty times per run, and pandas' where costs ten times more
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num.to_numpy() / np.where(np.abs(den) > TINY, den, np.nan)
    return pd.Series(np.where(np.isfinite(out), out, np.nan), index=num.index)


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    fmt: str  # money | count | ratio | percent | days | score (NPS) | decimal | statistic | volume
    formula: str
    description: str
    # the good direction: "more" is better, "less" is better, or on "target" (both ways
    # count against it); statuses, alerts, tiles, the report and the mail read it. A change
    # of a "target" metric is good when it moves towards TARGETS[name], and neither good nor
    # bad without one (spend, budget: more or less is news, not a verdict).
    direction: str = "more"
    compute: Callable[[pd.DataFrame], pd.Series] | None = None  # for derived metrics
    # a ratio's base measures (numerator, denominator): a forecast projects them, then
    # divides with `compute`
    parts: tuple[str, str] | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "more"

    def tone(self, now, before) -> str:
        """good | bad | flat: the colour of a change from `before` to `now`."""
        if _missing(now) or _missing(before) or float(now) == float(before):
            return "flat"
        if self.direction == "target":
            if self.name not in TARGETS:
                return "flat"
            goal = TARGETS[self.name]
            return "good" if abs(float(now) - goal) < abs(float(before) - goal) else "bad"
        up = float(now) > float(before)
        return "good" if up == (self.direction == "more") else "bad"


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "spend",
            "Spend",
            "money",
            "sum of spend.amount",
            "Actual cost booked in the date range.",
            direction="target",
        ),
        Metric(
            "budget",
            "Budget",
            "money",
            "sum of budgets.amount, prorated by days in range",
            "Planned spend; a month cut by the date range counts the share of its days inside.",
            direction="target",
        ),
        Metric(
            "share_of_spend",
            "Share of spend",
            "percent",
            "spend of the kind / all spend that month",
            "The kind's share of the month's spend.",
            compute=lambda d: ratio(d["spend"], d["month_spend"]),
        ),
        Metric(
            "spend_to_budget",
            "Spend / budget",
            "percent",
            "spend / budget",
            "Spend as a share of the (prorated) budget of the period; on target at 100 %.",
            direction="target",
            compute=lambda d: ratio(d["spend"], d["budget"]),
        ),
        Metric(
            "online_share",
            "Online share",
            "percent",
            "online spend / all spend",
            "The share of the period's spend that went online (both kinds count, whatever "
            "the kind filter).",
            compute=lambda d: ratio(d["online_spend"], d["all_spend"]),
            parts=("online_spend", "all_spend"),
        ),
        Metric(
            "revenue",
            "Revenue",
            "money",
            "sum of the channel's shares of orders.revenue",
            "Revenue of orders in range credited to the channel by the attribution model "
            "(last touch by default: the order's own campaign, else its latest touchpoint).",
        ),
        Metric(
            "roas",
            "ROAS",
            "ratio",
            "revenue / spend",
            "Return on ad spend: revenue per euro spent.",
            compute=lambda d: ratio(d["revenue"], d["spend"]),
            parts=("revenue", "spend"),
        ),
        Metric(
            "roi",
            "ROI",
            "percent",
            "(revenue - spend) / spend",
            "Return on investment: what each euro spent earned back on top of itself.",
            compute=lambda d: ratio(d["revenue"] - d["spend"], d["spend"]),
        ),
        Metric(
            "gross_margin",
            "Gross margin",
            "money",
            "sum of orders.gross_margin",
            "Gross margin of the credited orders (when margins are loaded).",
        ),
        Metric(
            "margin_roi",
            "Margin ROI",
            "percent",
            "(gross_margin - spend) / spend",
            "ROI on gross margin instead of revenue; empty when no margin is loaded.",
            compute=lambda d: ratio(d["gross_margin"] - d["spend"], d["spend"]),
        ),
        Metric(
            "leads",
            "Leads",
            "count",
            "count of leads created in range",
            "Leads created in the date range by the channel's campaigns.",
        ),
        Metric(
            "cpl",
            "Cost per lead",
            "money",
            "spend / leads",
            "What one lead cost.",
            direction="less",
            compute=lambda d: ratio(d["spend"], d["leads"]),
            parts=("spend", "leads"),
        ),
        Metric(
            "new_customers",
            "New customers",
            "count",
            "customers acquired in range",
            "Customers acquired in the date range by the channel's campaigns.",
        ),
        Metric(
            "cac",
            "CAC",
            "money",
            "spend / new_customers",
            "Customer acquisition cost: spend per new customer.",
            direction="less",
            compute=lambda d: ratio(d["spend"], d["new_customers"]),
            parts=("spend", "new_customers"),
        ),
        Metric(
            "deals_won",
            "Deals won",
            "count",
            "leads that first entered the last funnel stage in range",
            "Deals closed in the period, by the day the lead entered the last stage (won).",
        ),
        Metric(
            "buyers",
            "Active customers",
            "count",
            "customers with at least one order in range",
            "Customers who ordered in the period (any order row counts, whatever its amount).",
        ),
        Metric(
            "conversion_from_previous",
            "Conversion from previous",
            "percent",
            "leads(stage) / leads(previous stage)",
            "Share of the previous stage's leads that got at least this far.",
        ),
        Metric(
            "conversion_from_first",
            "Conversion from first",
            "percent",
            "leads(stage) / leads(first stage)",
            "Share of all leads that got at least this far.",
        ),
        Metric(
            "dropped",
            "Dropped",
            "count",
            "leads(stage) - leads(next stage)",
            "Leads whose furthest stage is this one (0 at the last stage).",
            direction="less",
        ),
        Metric(
            "skipped",
            "Skipped",
            "count",
            "leads past the stage that never entered it",
            "The elevator effect: leads that jumped over this stage.",
        ),
        Metric(
            "median_days_in_stage",
            "Median days in stage",
            "days",
            "median of days from entering the stage to entering the next stage reached",
            "Over leads that entered the stage and later entered another.",
            direction="less",
        ),
        Metric(
            "cohort_size",
            "Cohort size",
            "count",
            "customers acquired in the cohort month",
            "Customers whose acquisition (or first order) falls in the cohort month.",
        ),
        Metric(
            "active_customers",
            "Active customers",
            "count",
            "cohort customers with an order in period k (or later, in 'on or after' mode)",
            "Any order row counts, whatever its amount.",
        ),
        Metric(
            "retention_rate",
            "Retention",
            "percent",
            "active_customers / cohort_size",
            "Share of the cohort active in the period.",
            compute=lambda d: ratio(d["active_customers"], d["cohort_size"]),
        ),
        Metric(
            "ltv",
            "Value per customer",
            "money",
            "revenue of orders before acquired_at + k months / customers acquired",
            "What an acquired customer has bought within k months of acquisition, so far.",
        ),
        Metric(
            "ltv_12m",
            "LTV (12 months)",
            "money",
            "revenue of orders before acquired_at + 12 months / customers acquired",
            "Average revenue per acquired customer in their first 12 months, counting what "
            "has happened so far (customers acquired less than 12 months ago count too).",
        ),
        Metric(
            "ltv_margin_12m",
            "Margin LTV (12 months)",
            "money",
            "gross margin of orders before acquired_at + 12 months / customers acquired",
            "As LTV, on gross margin; empty when no margin is loaded.",
        ),
        Metric(
            "ltv_to_cac",
            "LTV / CAC",
            "ratio",
            "ltv_12m / cac",
            "What a customer brings in 12 months per euro it cost to acquire.",
            compute=lambda d: ratio(d["ltv_12m"], d["cac"]),
        ),
        Metric(
            "payback_months",
            "Payback (months)",
            "count",
            "first month k with cumulative margin per customer >= CAC",
            "Months until the customers' gross margin (revenue when no margin is loaded) "
            "per customer repays the CAC; empty if it has not yet.",
            direction="less",
        ),
        Metric(
            "mature_customers",
            "Mature customers",
            "count",
            "customers acquired at least 12 months before the last order",
            "Customers whose 12 months are complete in the data.",
        ),
        Metric(
            "revenue_gained",
            "Revenue gained",
            "money",
            "extra active customers x revenue per active customer, per period",
            "What higher retention would have brought, at what retained customers spent.",
        ),
        Metric(
            "attributed_share",
            "Share attributed",
            "percent",
            "1 − revenue credited to no channel / all revenue of orders in range",
            "How much of the period's revenue the attribution model can tie to a channel; the "
            "rest came without a tracked campaign or touch (offline channels mostly).",
        ),
        # --- lead quality (the Leads page) ---
        Metric(
            "qualified",
            "Qualified",
            "count",
            "leads that reached the funnel's second stage or a later one",
            "Leads sales took on: they reached the stage after the first (a skip counts).",
        ),
        Metric(
            "won",
            "Won",
            "count",
            "leads that reached the funnel's last stage",
            "Leads that became deals.",
        ),
        Metric(
            "win_rate",
            "Win rate",
            "percent",
            "won / leads",
            "The share of the leads created in the range that reached the last stage so far "
            "(recent leads may still close).",
            compute=lambda d: ratio(d["won"], d["leads"]),
        ),
        Metric(
            "qualified_rate",
            "Qualified rate",
            "percent",
            "qualified / leads",
            "The share of the leads that sales qualified.",
            compute=lambda d: ratio(d["qualified"], d["leads"]),
        ),
        Metric(
            "marketing_share",
            "Marketing-sourced",
            "percent",
            "leads with source marketing / all leads",
            "The share of the leads that marketing brought in (leads.source); sales, "
            "partners and service bring the rest.",
            direction="target",
            compute=lambda d: ratio(d["marketing_leads"], d["leads"]),
        ),
        Metric(
            "lead_revenue",
            "Revenue of their customers",
            "money",
            "sum of orders.revenue of the customers the leads became (leads.customer_id), "
            "ordered by the end of the range",
            "What the customers these leads became have bought by the end of the range.",
        ),
        Metric(
            "mql_to_qualified",
            "MQL → qualified",
            "percent",
            "MQLs that sales qualified / MQLs",
            "Of the leads scoring at or above the hand-off threshold, the share that reached "
            "the funnel's second stage.",
        ),
        Metric(
            "days_to_qualified",
            "Median days to qualified",
            "days",
            "median of (first entry into a later stage − created_at) over qualified MQLs",
            "How long an MQL waits until sales qualifies it.",
            direction="less",
        ),
        Metric(
            "lead_auc",
            "AUC (validation)",
            "statistic",
            "area under the ROC curve on the latest 20 % of closed leads",
            "The chance that a won lead scores above a lost one: 0.5 is a coin toss, 1 is "
            "perfect.",
        ),
        Metric(
            "lead_brier",
            "Brier score (validation)",
            "statistic",
            "mean of (score − outcome)² on the latest 20 % of closed leads (won = 1, lost = 0)",
            "How far the scores are from what happened: 0 is perfect; always guessing the "
            "average win rate p scores p(1 − p).",
            direction="less",
        ),
        Metric(
            "top_decile_lift",
            "Top-decile lift",
            "ratio",
            "win rate of the top 10 % of scores / win rate of all validation leads",
            "How many times more often the best-scored tenth closes than the average lead.",
        ),
        Metric(
            "nps",
            "NPS",
            "score",
            "(promoters − detractors) / responses × 100",
            "Net Promoter Score: the share of answers from promoters (9–10) minus the share "
            "from detractors (0–6), in points from −100 to +100; every answer counts.",
            compute=lambda d: ratio(d["promoters"] - d["detractors"], d["responses"]) * 100,
        ),
        Metric(
            "responses",
            "Responses",
            "count",
            "count of nps answers in range",
            "NPS answers given in the period (a customer answering twice counts twice).",
        ),
        Metric(
            "promoters",
            "Promoters",
            "count",
            "answers scoring 9 or 10",
            "Answers from customers who would recommend you.",
        ),
        Metric(
            "passives",
            "Passives",
            "count",
            "answers scoring 7 or 8",
            "Satisfied but unenthusiastic answers.",
            direction="target",
        ),
        Metric(
            "detractors",
            "Detractors",
            "count",
            "answers scoring 0 to 6",
            "Answers from unhappy customers.",
            direction="less",
        ),
        Metric(
            "revenue_per_customer",
            "Revenue per customer",
            "money",
            "revenue of the group's customers' orders in range / customers",
            "What a customer of the NPS group (by their latest answer in the period) bought "
            "in the period.",
            compute=lambda d: ratio(d["revenue"], d["customers"]),
        ),
        Metric(
            "retention_12m",
            "Retention (12 months)",
            "percent",
            "customers with an order on or after first order + 12 months / customers whose "
            "first order + 12 months is not after the last order",
            "Share of the group's customers still buying a year after their first order, over "
            "those whose year has passed in the data.",
            compute=lambda d: ratio(d["retained"], d["eligible"]),
        ),
        Metric(
            "purchase_frequency",
            "Purchase frequency",
            "decimal",
            "orders / buyers",
            "Orders per customer who ordered in the period.",
            compute=lambda d: ratio(d["orders"], d["buyers"]),
        ),
        Metric(
            "aov",
            "Average order value",
            "money",
            "revenue / orders",
            "Revenue per order placed in the period (the average check).",
            compute=lambda d: ratio(d["revenue"], d["orders"]),
        ),
        Metric(
            "impressions",
            "Impressions",
            "volume",
            "sum of spend.impressions",
            "Ad impressions booked with spend; empty when no spend row carries them.",
        ),
        Metric(
            "clicks",
            "Clicks",
            "volume",
            "sum of spend.clicks",
            "Ad clicks booked with spend; empty when no spend row carries them.",
        ),
        Metric(
            "ctr",
            "CTR",
            "percent",
            "clicks / impressions (rows carrying both)",
            "Click-through rate: the share of impressions that were clicked.",
            compute=lambda d: ratio(d["paired_clicks"], d["paired_impressions"]),
        ),
        Metric(
            "cpc",
            "CPC",
            "money",
            "spend of rows carrying clicks / clicks",
            "Cost per click.",
            direction="less",
            compute=lambda d: ratio(d["click_spend"], d["clicks"]),
        ),
        Metric(
            "cpm",
            "CPM",
            "money",
            "spend of rows carrying impressions / impressions × 1000",
            "Cost per thousand impressions.",
            direction="less",
            compute=lambda d: ratio(d["impression_spend"], d["impressions"]) * 1000,
        ),
    )
}


# The metrics a target can be set for (targets.metric), in the order the review lists them.
TARGET_METRICS = (
    "spend",
    "revenue",
    "leads",
    "deals_won",
    "new_customers",
    "cac",
    "cpl",
    "roas",
    "online_share",
)
DIRECTIONS = {"more": "more is better", "less": "less is better", "target": "on target"}


class _Columns:
    """A frame's columns with the metrics derived so far in front (LTV:CAC reads CAC)."""

    def __init__(self, frame: pd.DataFrame, derived: dict):
        self.frame, self.derived = frame, derived

    def __getitem__(self, name: str):
        return self.derived[name] if name in self.derived else self.frame[name]


def derive(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Add the derived metrics `names` to a frame that holds their base measures."""
    derived: dict = {}
    for name in names:
        derived[name] = METRICS[name].compute(_Columns(frame, derived))
    out = frame.copy()
    for name in [n for n in derived if n in frame.columns]:
        out[name] = derived.pop(name)  # replaced where it stands
    if not derived:
        return out
    # added in one step: pandas rebuilds the column index for every column set one by one
    added = pd.DataFrame({k: np.asarray(v) for k, v in derived.items()}, index=frame.index)
    return pd.concat([out, added], axis=1)


def derive_funnel(frame: pd.DataFrame) -> pd.DataFrame:
    """Conversion and drop-off per stage; `frame` is ordered by group and position."""
    out = frame.copy()
    by = out.groupby("grp", sort=False)["leads"]
    previous = by.shift(1)
    following = by.shift(-1)
    first = by.transform("first")
    out["conversion_from_previous"] = ratio(out["leads"], previous)
    out["conversion_from_first"] = ratio(out["leads"], first)
    out["dropped"] = (out["leads"] - following.fillna(out["leads"])).astype("int64")
    return out


def add_totals(frame: pd.DataFrame, measures: list[str], ratios: list[str]) -> dict:
    """One KPI row: additive measures summed, ratios recomputed from the sums."""
    sums = {m: frame[m].sum(min_count=1) if m in frame else np.nan for m in measures}
    row = pd.DataFrame([sums])
    return derive(row, ratios).iloc[0].to_dict()
