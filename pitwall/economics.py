"""Cohort economics: what acquired customers are worth against what they cost.

Pure arithmetic on query results (queries/cohorts/ltv.sql and the retention view), so the
page, the export and the tests share one definition. Words for every figure are in
docs/metrics.md under "Cohort economics".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pitwall.metrics import derive, ratio

HORIZON = 12  # months of value counted in ltv_12m; mature customers have this many


def curves(months: pd.DataFrame) -> pd.DataFrame:
    """Cumulative value per acquired customer by month since acquisition.

    `months` is queries/cohorts/ltv.sql's result. ltv(k) divides what every customer of the
    group bought before acquired_at + k months by all of them, whether or not k months have
    passed for each (what has happened so far); `reached` says for how many they have."""
    out = months.sort_values(["grp", "month"]).copy()
    by = out.groupby("grp", sort=False)
    out["cum_revenue"] = by["revenue"].cumsum()
    out["cum_margin"] = by["gross_margin"].cumsum().where(out["margin_loaded"])
    out["ltv"] = ratio(out["cum_revenue"], out["customers"])
    out["ltv_margin"] = ratio(out["cum_margin"], out["customers"])
    out["reached_share"] = ratio(out["reached"], out["customers"])
    return out


def summary(curve: pd.DataFrame, cac: pd.Series) -> pd.DataFrame:
    """Per group: ltv_12m, ltv_margin_12m, mature_customers and payback_months.

    `cac` is indexed by group. Payback is the first month whose cumulative gross margin per
    customer (revenue when no margin is loaded) reaches the CAC; empty when none has yet."""
    rows = []
    for grp, c in curve.groupby("grp", sort=True):
        upto = c[c["month"] <= HORIZON]
        last = upto.iloc[-1]
        value = c["ltv_margin"] if bool(c["margin_loaded"].iloc[0]) else c["ltv"]
        target = cac.get(grp, np.nan)
        paid = c["month"][value >= target] if pd.notna(target) else pd.Series([], dtype=int)
        rows.append(
            {
                "grp": grp,
                "ltv_12m": last["ltv"],
                "ltv_margin_12m": last["ltv_margin"],
                "mature_customers": int(last["mature"]),
                "payback_months": paid.iloc[0] if len(paid) else np.nan,
            }
        )
    cols = ["grp", "ltv_12m", "ltv_margin_12m", "mature_customers", "payback_months"]
    out = pd.DataFrame(rows, columns=cols)
    out["payback_months"] = out["payback_months"].astype("Int64")
    return out.astype({"ltv_12m": "float64", "ltv_margin_12m": "float64"})


def by_channel(roi: pd.DataFrame, curve: pd.DataFrame) -> pd.DataFrame:
    """Cohort economics per acquisition channel: the channels of the Channel ROI view with
    their spend, and every channel that acquired a customer the value curves count (the
    Cohorts page's population: docs/metrics.md, "Cohorts"). Without a segment or region
    filter these are Channel ROI's new customers, so CAC is Channel ROI's."""
    acquired = (
        curve.dropna(subset=["grp"])
        .groupby(["grp", "kind"], as_index=False)["customers"]
        .first()
        .rename(columns={"grp": "channel", "customers": "new_customers"})
    )
    # a channel may have customers the filters pick and no picked campaign (spend 0)
    df = roi[["channel", "kind", "spend"]].merge(acquired, on=["channel", "kind"], how="outer")
    df = df.fillna({"spend": 0.0, "new_customers": 0}).astype({"new_customers": "int64"})
    df = derive(df.sort_values("channel", ignore_index=True), ["cac"])
    value = summary(curve, df.set_index("channel")["cac"])
    df = df.merge(value.rename(columns={"grp": "channel"}), on="channel", how="left")
    df["mature_customers"] = df["mature_customers"].fillna(0).astype("int64")
    return derive(df, ["ltv_to_cac"])


def pooled_retention(cohorts: pd.DataFrame, period: int = 1) -> float | None:
    """Retention in `period` over every shown cohort whose period is complete, pooled
    (their active customers / their sizes); None when no cohort has completed it."""
    done = cohorts[(cohorts["period"] == period) & cohorts["complete"]]
    if done.empty:
        return None
    return ratio([done["active_customers"].sum()], [done["cohort_size"].sum()]).iloc[0]


def pooled_curve(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Retention by group and period, pooling every cohort whose period is complete."""
    done = cohorts[cohorts["complete"]]
    curve = done.groupby(["grp", "period"], as_index=False)[
        ["active_customers", "cohort_size"]
    ].sum()
    return derive(curve, ["retention_rate"])


def what_if(cohorts: pd.DataFrame, points: float = 5.0) -> pd.DataFrame:
    """Revenue gained per period if retention were `points` percentage points higher.

    `cohorts` is the bounded retention view. Every complete cell of period 1 or later gains
    min(points, 100 % − its retention) of its cohort as extra active customers (retention
    cannot pass 100 %), and each extra customer spends what the period's active customers
    spent on average, pooled over the shown cohorts (empty when nobody was active in it)."""
    if not 0 <= points <= 100:
        raise ValueError(f"the retention lift must be 0 to 100 points, not {points!r}")
    cells = cohorts[(cohorts["period"] >= 1) & cohorts["complete"]].copy()
    rate = ratio(cells["active_customers"], cells["cohort_size"]).fillna(1.0)
    cells["extra_customers"] = np.minimum(points / 100, 1.0 - rate) * cells["cohort_size"]
    per = cells.groupby("period", as_index=False)[
        ["cohort_size", "active_customers", "revenue", "extra_customers"]
    ].sum()
    per["revenue_per_active"] = ratio(per["revenue"], per["active_customers"])
    # unknown (empty) where nobody was active in the period to say what a customer spends
    per["revenue_gained"] = per["extra_customers"] * per["revenue_per_active"]
    return per
