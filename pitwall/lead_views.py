"""What the Leads page, its exports and the weekly review show about lead quality: who
brings the leads that close (leads.source), how an imported score (leads.score) sorts them,
and what Pitwall's own lead-scoring model (pitwall/lead_model.py, stored by its job) says.
One function per view, like pitwall.views; nothing here trains a model."""

from __future__ import annotations

import pandas as pd

from pitwall import lead_model, queries
from pitwall.filters import Filters
from pitwall.metrics import derive, ratio
from pitwall.schema import LEAD_SOURCES

NOT_RECORDED = "not recorded"  # a lead without a source
SOURCES = [*LEAD_SOURCES, NOT_RECORDED]
# An imported score's bands: 20 points wide on the 0-100 scale CRMs use (HubSpot's is 0-100);
# a score below 0 counts in the lowest band, above 100 in the highest.
BAND_EDGES = (20, 40, 60, 80)
BANDS = ("0–20", "20–40", "40–60", "60–80", "80–100")
DEFAULT_MQL = 50  # the hand-off threshold of an imported score until the page sets one
CALL_LIST = 20  # the open leads to call first


def _params(f: Filters) -> dict:
    return f.params() | {"sources": SOURCES}


def lead_sources(con, f: Filters) -> pd.DataFrame:
    """Per source and kind (online/offline): leads, qualified, won, win rate and the revenue
    of the customers the leads became."""
    df = queries.run(con, "leads/sources_rolled", _params(f))
    return derive(df, ["win_rate", "qualified_rate"])


def sources_monthly(con, f: Filters) -> pd.DataFrame:
    """Per creation month and source: leads, qualified and won, with the win rate."""
    df = queries.run(con, "leads/sources_monthly_rolled", _params(f))
    df["month"] = pd.to_datetime(df["month"])
    return derive(df, ["win_rate"])


def by_source(sources: pd.DataFrame) -> pd.DataFrame:
    """lead_sources summed over online and offline: one row per source, in listing order."""
    measures = ["leads", "qualified", "won", "customers", "revenue"]
    out = sources.groupby("source", as_index=False, sort=False)[measures].sum()
    return derive(out, ["win_rate", "qualified_rate"])


def sources_summary(sources: pd.DataFrame) -> dict:
    """The Leads tiles: leads, marketing's share of them, win rate, and the revenue of the
    customers they became."""
    leads = sources["leads"].sum()
    marketing = sources.loc[sources["source"] == "marketing", "leads"].sum()
    row = pd.DataFrame(
        [
            {
                "leads": leads,
                "won": sources["won"].sum(),
                "marketing_leads": marketing,
                "revenue": sources["revenue"].sum(),
                "recorded": sources.loc[sources["source"] != NOT_RECORDED, "leads"].sum(),
            }
        ]
    )
    out = derive(row, ["win_rate", "marketing_share"]).iloc[0].to_dict()
    out["has_sources"] = bool(out["recorded"])
    return out


# --- an imported score --------------------------------------------------------------------


def has_imported_scores(con) -> bool:
    return bool(queries.run(con, "leads/has_scores")["scored"].iloc[0])


def band_of(scores: pd.Series) -> pd.Series:
    """The 20-point band of each imported score (BANDS)."""
    edges = [-float("inf"), *BAND_EDGES, float("inf")]
    return pd.cut(scores, edges, labels=list(BANDS), right=False).astype(str)


def scored_leads(con, f: Filters) -> pd.DataFrame:
    df = queries.run(con, "leads/scored", f.params())
    return df.assign(band=band_of(df["score"]))


def score_bands(con, f: Filters) -> pd.DataFrame:
    """Per band of the imported score, highest first: leads, still open, won, win rate."""
    df = scored_leads(con, f)
    df["open"] = ~df["closed"].astype(bool)
    out = (
        df.groupby("band")
        .agg(leads=("won", "size"), open=("open", "sum"), won=("won", "sum"))
        .reindex(list(BANDS)[::-1], fill_value=0)
        .rename_axis("band")
        .reset_index()
    )
    out = out.astype({"leads": "int64", "open": "int64", "won": "int64"})
    return derive(out, ["win_rate"])


def mql(con, f: Filters, threshold: float = DEFAULT_MQL) -> dict:
    """The hand-off at `threshold`: leads scoring at least that (marketing-qualified) and
    below it, the share of each that sales qualified, and the MQLs' median days to it."""
    df = scored_leads(con, f)
    above = df[df["score"] >= threshold]
    below = df[df["score"] < threshold]
    days = above.loc[above["qualified"].astype(bool), "qualified_days"]
    return {
        "threshold": threshold,
        "mqls": len(above),
        "mql_share": ratio([len(above)], [len(df)]).iloc[0],
        "mql_to_qualified": ratio([above["qualified"].sum()], [len(above)]).iloc[0],
        "below_to_qualified": ratio([below["qualified"].sum()], [len(below)]).iloc[0],
        "days_to_qualified": float(days.median()) if len(days) else None,
        "scored": len(df),
    }


# --- Pitwall's own model ------------------------------------------------------------------


def model_fit(con) -> dict | None:
    """The stored model's facts (lead_model.read_fit), or None before `model leads`."""
    return lead_model.read_fit(con)


CALIBRATION_COLUMNS = ["decile", "leads", "mean_score", "win_rate"]
CALL_COLUMNS = ["lead_id", "score", "top_reasons", "band", "created_at", "channel",
                "campaign_name", "source", "stage", "last_entered_at"]  # fmt: skip


def model_calibration(con) -> pd.DataFrame:
    """The validation leads by score decile (empty before `model leads`)."""
    if not lead_model.has_model(con):
        return pd.DataFrame(columns=CALIBRATION_COLUMNS)
    return queries.run(con, "leads/model_calibration")


def call_list(con, f: Filters, limit: int = CALL_LIST) -> pd.DataFrame:
    """The open leads to call first: the highest stored scores, with their reasons (empty
    before `model leads`)."""
    if not lead_model.has_model(con):
        return pd.DataFrame(columns=CALL_COLUMNS)
    df = queries.run(con, "leads/call_list", f.params() | {"limit": limit})
    return df.assign(stage=df["stage"].fillna("–"))


def lead_scores(con, f: Filters, open_only: bool = False) -> pd.DataFrame:
    """Every lead's score, band and reasons, highest first: the imported score when leads
    carry one (reasons are then the CRM's own, not known here), else the stored model's."""
    if has_imported_scores(con):
        df = scored_leads(con, f)
        if open_only:
            df = df[~df["closed"].astype(bool)]
        df = df.sort_values(["score", "lead_id"], ascending=[False, True], kind="stable")
        return df.assign(top_reasons="")[["lead_id", "score", "band", "top_reasons"]]
    lead_model.require(con)
    return queries.run(con, "leads/model_scores", f.params() | {"open_only": open_only})


IDLE_DAYS = 14  # an open high-score lead nobody moved for two weeks is waiting for a call


def idle_high_scores(con, f: Filters, asof) -> dict | None:
    """For the weekly review: open leads with a high score (an imported one at or above
    DEFAULT_MQL, else the stored model's high band, if it saw the current data) and how many
    of them nobody has moved for IDLE_DAYS days by `asof`. None without a score to read."""
    params = f.params() | {"asof": asof, "idle_days": IDLE_DAYS}
    if has_imported_scores(con):
        row = queries.run(con, "leads/untouched", params | {"mql": DEFAULT_MQL}).iloc[0]
        what = f"a score of {DEFAULT_MQL} or more"
    else:
        fit = lead_model.read_fit(con)
        if fit is None or fit["stale"]:
            return None
        row = queries.run(con, "leads/untouched_model", params).iloc[0]
        what = "a high score"
    return {"high": int(row["high"]), "idle": int(row["idle"]), "what": what}
