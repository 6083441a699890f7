"""Pitwall's own lead score: a job that learns from closed leads which open ones will close.

`train()` is a job (``python -m pitwall model leads``): it reads every lead as it was known
when it was created (queries/leads/training.sql), fits a regularised logistic regression on
the closed ones (won: reached the last stage; lost), checks it on the latest 20 % by creation
date, refits on every closed lead, scores every lead, and stores the model, its validation
and the scores in the warehouse by the same write-a-new-file-and-swap as a load. Pages and
exports only read those tables; a later load keeps them and marks them stale.

Only what is known when a lead is created enters (FEATURES): nothing from later stages, dates
of winning or losing, or the customer it became. `touches_before` counts the marketing
touches of the lead's customer before the lead was created; when only won leads name a
customer, the count itself would give the outcome away, so it is left out (and the stored
model says so).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pitwall import meta, queries
from pitwall.warehouse import open_readonly, write_tables

# Features known when a lead is created: categories, then counts.
CATEGORIES = ("channel", "kind", "campaign", "segment", "region", "source", "weekday", "month")
NUMBERS = ("touches_before",)
FEATURES = CATEGORIES + NUMBERS
MIN_CLOSED = 200
VALIDATION_SHARE = 0.2  # the latest fifth of closed leads, by creation date
C = 1.0  # inverse L2 strength (scikit-learn's default); one-hot inputs stay comparable
DECILES = 10
REASONS = 3  # reasons listed per lead
HIGH, MEDIUM, LOW = "high", "medium", "low"
TABLES = ("lead_model_fit", "lead_model_coefficients", "lead_model_calibration",
          "lead_model_scores")  # fmt: skip
COMMAND = "python -m pitwall model leads"
NONE = "(none)"  # a missing category is a value of its own
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


class NoModel(ValueError):
    """No stored model: the message names the command that trains one."""


class CannotTrain(ValueError):
    """The leads cannot train a model (too few closed leads, one outcome only)."""


@dataclass
class Trained:
    fit: dict
    coefficients: pd.DataFrame  # feature, value, reason, coefficient
    calibration: pd.DataFrame  # decile, leads, mean_score, win_rate
    scores: pd.DataFrame  # lead_id, score, band, top_reasons


# --- features ----------------------------------------------------------------------------------


def training_rows(con) -> pd.DataFrame:
    return queries.run(con, "leads/training")


def _inputs(rows: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """The model's inputs: categories as text (missing is a value), counts as log(1 + n)."""
    out = pd.DataFrame(index=rows.index)
    for f in features:
        if f in NUMBERS:
            out[f] = np.log1p(rows[f].astype(float).fillna(0).clip(lower=0))
        elif f == "weekday":
            out[f] = rows[f].map(lambda d: WEEKDAYS[int(d) - 1])
        elif f == "month":
            out[f] = rows[f].map(lambda m: MONTHS[int(m) - 1])
        else:
            out[f] = rows[f].astype(object).where(rows[f].notna(), NONE).astype(str)
    return out


def usable_features(closed: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The features the closed leads can teach, and why the others are left out."""
    used, notes = [], []
    for f in FEATURES:
        if f not in closed:
            continue
        if f == "touches_before" and _customer_gives_outcome(closed):
            notes.append(
                "touches before creation: only won leads name a customer, so their touches "
                "would reveal the outcome"
            )
            continue
        if closed[f].nunique(dropna=False) < 2:
            notes.append(f"{f.replace('_', ' ')}: the same for every closed lead")
            continue
        used.append(f)
    return used, notes


def _customer_gives_outcome(closed: pd.DataFrame) -> bool:
    """True when naming a customer is (almost) the same as being won: then anything read
    through the customer is known only after the deal."""
    if "has_customer" not in closed or not closed["has_customer"].any():
        return False
    lost = closed[~closed["won"]]
    return not lost["has_customer"].any()


# --- the fit -----------------------------------------------------------------------------------


def _pipeline(features: list[str], seed: int):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    cats = [f for f in features if f in CATEGORIES]
    nums = [f for f in features if f in NUMBERS]
    prep = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), cats), ("num", StandardScaler(), nums)],
        sparse_threshold=1.0,
    )
    return Pipeline(
        [("prep", prep), ("model", LogisticRegression(
            C=C, solver="newton-cholesky", max_iter=200, random_state=seed
        ))]
    )


def _columns(pipe, features: list[str]) -> list[tuple[str, str]]:
    """(feature, value) of each model input, in the order of the coefficients."""
    prep = pipe.named_steps["prep"]
    out = []
    cats = [f for f in features if f in CATEGORIES]
    for f, values in zip(cats, prep.named_transformers_["cat"].categories_, strict=True):
        out += [(f, str(v)) for v in values]
    out += [(f, "") for f in features if f in NUMBERS]
    return out


def reason(feature: str, value: str, count: float | None = None) -> str:
    """A model input in words a marketing lead reads."""
    if feature in NUMBERS:
        n = 0 if count is None else int(count)
        return f"{n} marketing touch{'es' if n != 1 else ''} before the lead"
    if value == NONE:
        return f"no {feature} recorded"
    return {
        "channel": f"came in through {value}",
        "kind": f"{value} channel",
        "campaign": f"campaign {value}",
        "segment": f"segment {value}",
        "region": f"region {value}",
        "source": f"{value}-sourced" if value != "not recorded" else "source not recorded",
        "weekday": f"created on a {value}",
        "month": f"created in {value}",
    }[feature]


def train(rows: pd.DataFrame, seed: int = 0) -> Trained:
    """Fit, validate, refit and score (pure: no warehouse). CannotTrain says why not."""
    started = time.perf_counter()
    rows = rows.sort_values(["created_at", "lead_id"], kind="stable").reset_index(drop=True)
    closed = rows[rows["closed"]].reset_index(drop=True)
    n = len(closed)
    if n < MIN_CLOSED:
        raise CannotTrain(
            f"lead scoring needs at least {MIN_CLOSED} closed leads (won or lost); "
            f"the warehouse holds {n}"
        )
    won = closed["won"].astype(bool)
    if won.nunique() < 2:
        outcome = "won" if won.iloc[0] else "lost"
        raise CannotTrain(
            f"all {n} closed leads were {outcome}: a model needs won and lost leads to learn from"
        )
    features, notes = usable_features(closed)
    if not features:
        raise CannotTrain("the closed leads differ in nothing known at creation: nothing to learn")
    cut = n - max(1, round(n * VALIDATION_SHARE))
    train_part, valid = closed.iloc[:cut], closed.iloc[cut:]
    if train_part["won"].nunique() < 2:
        raise CannotTrain(
            "the earliest 80 % of closed leads hold only one outcome: nothing to learn from"
        )
    from sklearn.metrics import brier_score_loss, roc_auc_score

    pipe = _pipeline(features, seed).fit(_inputs(train_part, features), train_part["won"])
    p_valid = pipe.predict_proba(_inputs(valid, features))[:, 1]
    y_valid = valid["won"].astype(int).to_numpy()
    two = len(np.unique(y_valid)) == 2
    calibration = _calibration(p_valid, y_valid)
    top = calibration.iloc[-1]
    base = y_valid.mean()
    cuts = np.quantile(p_valid, [0.5, 1 - 1 / DECILES])

    # the stored model learns from every closed lead; the checks above are its out-of-time test
    final = _pipeline(features, seed).fit(_inputs(closed, features), closed["won"])
    coefficients = _coefficients(final, features)
    scores = _scores(final, rows, features, coefficients, cuts)
    fit = {
        "trained_at": dt.datetime.now().replace(microsecond=0),
        "seed": seed,
        "closed_leads": n,
        "train_leads": len(train_part),
        "validation_leads": len(valid),
        "validation_from": pd.Timestamp(valid["created_at"].iloc[0]).date(),
        "win_rate": float(won.mean()),
        "validation_win_rate": float(base),
        "auc": float(roc_auc_score(y_valid, p_valid)) if two else None,
        "brier": float(brier_score_loss(y_valid, p_valid)),
        "top_decile_lift": float(top["win_rate"] / base) if base > 0 else None,
        "high_from": float(cuts[1]),
        "medium_from": float(cuts[0]),
        "features": ", ".join(features),
        "left_out": "; ".join(notes),
        "open_leads": int((~rows["closed"]).sum()),
        "regularisation": C,
        "train_seconds": round(time.perf_counter() - started, 2),
    }
    return Trained(fit, coefficients, calibration, scores)


def _calibration(p: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Validation leads in ten equal groups by score (ties broken by order): mean score
    against the share won."""
    order = np.argsort(p, kind="stable")
    decile = np.empty(len(p), dtype=int)
    decile[order] = np.arange(len(p)) * DECILES // len(p) + 1
    df = pd.DataFrame({"decile": decile, "score": p, "won": y})
    out = df.groupby("decile", as_index=False).agg(
        leads=("won", "size"), mean_score=("score", "mean"), win_rate=("won", "mean")
    )
    return out.astype({"decile": "int64", "leads": "int64"})


def _coefficients(pipe, features: list[str]) -> pd.DataFrame:
    cols = _columns(pipe, features)
    coef = pipe.named_steps["model"].coef_[0]
    return pd.DataFrame(
        {
            "feature": [f for f, _ in cols],
            "value": [v for _, v in cols],
            "reason": [reason(f, v) if f not in NUMBERS else "more marketing touches before"
                       for f, v in cols],
            "coefficient": coef,
        }
    )  # fmt: skip


def _scores(pipe, rows, features, coefficients, cuts) -> pd.DataFrame:
    """Every lead's win probability, band and top reasons: the inputs whose coefficient
    times the lead's value raises its score most (only those that raise it)."""
    x = _inputs(rows, features)
    p = pipe.predict_proba(x)[:, 1]
    from scipy import sparse

    # each lead has a handful of non-zero inputs (one value per category, the counts)
    design = sparse.csr_matrix(pipe.named_steps["prep"].transform(x))
    coef = coefficients["coefficient"].to_numpy()
    contrib = design.data * coef[design.indices]
    feats = coefficients["feature"].to_numpy()
    words = [reason(f, v) if f not in NUMBERS else None
             for f, v in zip(feats, coefficients["value"], strict=True)]  # fmt: skip
    counts = {f: rows[f].to_numpy() for f in NUMBERS if f in features}
    reasons = []
    for i in range(design.shape[0]):
        lo, hi = design.indptr[i], design.indptr[i + 1]
        row = contrib[lo:hi]
        picked = np.argsort(-row, kind="stable")[:REASONS]
        reasons.append(
            "; ".join(
                words[j] if words[j] is not None else reason(feats[j], "", counts[feats[j]][i])
                for j in design.indices[lo:hi][picked[row[picked] > 0]]
            )
        )
    band = np.where(p >= cuts[1], HIGH, np.where(p >= cuts[0], MEDIUM, LOW))
    return pd.DataFrame(
        {"lead_id": rows["lead_id"].astype(str), "score": p, "band": band, "top_reasons": reasons}
    )


# --- the job and its stored results -----------------------------------------------------------


def run(warehouse: Path, seed: int = 0) -> dict:
    """Train on the warehouse's leads and store the model, its checks and the scores."""
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise FileNotFoundError(
            f"no warehouse at {warehouse}: run `python -m pitwall demo` or "
            "`python -m pitwall load DIR` first"
        )
    con = open_readonly(warehouse)
    try:
        rows = training_rows(con)
        loaded_at = meta.info(con).get("loaded_at", "")
    finally:
        con.close()
    trained = train(rows, seed)
    trained.fit["loaded_at"] = loaded_at
    write_tables(
        warehouse,
        {
            "lead_model_fit": pd.DataFrame([trained.fit]),
            "lead_model_coefficients": trained.coefficients,
            "lead_model_calibration": trained.calibration,
            "lead_model_scores": trained.scores,
        },
    )
    return trained.fit


def has_model(con) -> bool:
    return bool(queries.run(con, "leads/stored_model")["models"].iloc[0])


def read_fit(con) -> dict | None:
    """The stored model's row plus `stale` (data loaded since it was trained), or None."""
    if not has_model(con):
        return None
    row = queries.run(con, "leads/model_fit").iloc[0].to_dict()
    current = row.pop("current_loaded_at")
    for key, value in row.items():  # NaN from an empty cell reads as None
        if isinstance(value, float) and np.isnan(value):
            row[key] = None
    row["validation_from"] = pd.Timestamp(row["validation_from"]).date()
    row["stale"] = str(current or "") != str(row.get("loaded_at") or "")
    return row


def require(con) -> dict:
    fit = read_fit(con)
    if fit is None:
        raise NoModel(f"no lead-scoring model stored in the warehouse: run `{COMMAND}` first")
    return fit
