"""The marketing-mix model: weekly inputs, the fit job, and the results it stores.

`fit()` is a job (``python -m pitwall model fit`` or the planner page's button): it reads the
weekly inputs, samples a Bayesian model with PyMC-Marketing and writes compact results into
the warehouse by the same write-a-new-file-and-swap as a load. Pages and exports only read
those tables (`read_fit`, `read_channels`, ...); nothing here runs on a page rerun except the
readers, and they need neither PyMC nor the model object: the response-curve parameters are
stored as posterior draws, and everything the planner needs is recomputed from them in numpy.

The model per week t:  outcome_t = base_t + sum over channels of
    beta_c * (1 - exp(-lam_c * z_ct)) / (1 + exp(-lam_c * z_ct))
with z_ct = geometric adstock (decay alpha_c, 8 weeks, normalised) of the channel's weekly
spend divided by its largest weekly spend, and base_t = intercept + trend (linear and a
square-root bend) + yearly seasonality (4 Fourier pairs) + controls. The outcome is divided
by its largest week before fitting (the library's scaling); stored betas are back in outcome
units per week.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pitwall import meta, queries
from pitwall.warehouse import open_readonly, write_tables

OUTCOMES = ("revenue", "new_customers", "leads")
MIN_WEEKS = 52
MIN_SPEND_WEEKS = 8
HOLDOUT_WEEKS = 8
L_MAX = 8
FOURIER_PAIRS = 4
# Sampling: 2 chains in parallel on 2 cores. Enough for r-hat <= 1.01 on the demo.
CHAINS, TUNE, DRAWS = 2, 500, 500
MIN_DRAWS, MAX_DRAWS = 50, 5000  # `model fit --draws`: below 50 the intervals mean little
HOLDOUT_TUNE, HOLDOUT_DRAWS = 200, 100  # the holdout check only needs the predictive mean
STORED_DRAWS = 400  # posterior draws kept per channel for intervals and the planner
PRIOR_ROAS = 3.0  # the spread of the ROAS a channel is believed to have before the data
PRIOR_ALPHA, PRIOR_LAM = 0.3, 2.0  # typical decay and curvature, to translate ROAS to beta
INTERVAL = 0.94
# A channel whose ROAS interval spans less than this factor (97th / 3rd percentile) was
# decided by the data; a wider one mostly repeats the prior (docs/metrics.md).
EVIDENCE_SPREAD = 5.0
CURVE_POINTS = 41
CURRENT_WEEKS = 13  # "today's spend": the average week of the last quarter
TABLES = ("mmm_fit", "mmm_channels", "mmm_draws", "mmm_curves", "mmm_weekly", "mmm_spend")
FIT_COMMAND = "python -m pitwall model fit"

Progress = Callable[[float, str], None]


class NoFit(ValueError):
    """No stored fit: the message names the command that makes one."""


@dataclass
class Inputs:
    outcome: str
    weeks: list[dt.date]
    spend: pd.DataFrame  # weeks x channels, EUR
    kinds: dict[str, str]
    y: np.ndarray
    controls: pd.DataFrame  # weeks x control names, scaled to [-1, 1]
    dropped: list[str] = field(default_factory=list)  # channels without any spend

    @property
    def channels(self) -> list[str]:
        return list(self.spend.columns)

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        h.update(self.outcome.encode())
        h.update(np.ascontiguousarray(self.spend.to_numpy(float)).tobytes())
        h.update(",".join(self.channels).encode())
        h.update(np.ascontiguousarray(self.y, float).tobytes())
        h.update(np.ascontiguousarray(self.controls.to_numpy(float)).tobytes())
        h.update(",".join(str(w) for w in self.weeks).encode())
        return h.hexdigest()[:16]


# --- inputs ------------------------------------------------------------------------------------


def weekly_inputs(con, outcome: str = "revenue") -> Inputs:
    """The model's weekly data, or ValueError saying why it cannot be modelled."""
    if outcome not in OUTCOMES:
        raise ValueError(f"--outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    long = queries.run(con, "planner/weekly_spend")
    if long.empty:
        raise ValueError(
            "no whole weeks of spend and orders (or sales): load spend and orders first"
        )
    long["week"] = pd.to_datetime(long["week"]).dt.date
    spend = long.pivot(index="week", columns="channel", values="spend").sort_index()
    spend.columns.name = None
    kinds = dict(zip(long["channel"], long["kind"], strict=False))
    weeks = list(spend.index)
    if len(weeks) < MIN_WEEKS:
        raise ValueError(
            f"the model needs at least {MIN_WEEKS} whole weeks of data; "
            f"the warehouse holds {len(weeks)}"
        )
    active = (spend > 0).sum()
    dropped = sorted(active.index[active == 0])
    few = active[(active > 0) & (active < MIN_SPEND_WEEKS)]
    if len(few):
        names = ", ".join(f"{c} ({n} weeks)" for c, n in few.items())
        raise ValueError(
            f"a channel needs spend in at least {MIN_SPEND_WEEKS} weeks to be modelled: {names}"
        )
    spend = spend.drop(columns=dropped)
    if spend.empty:
        raise ValueError("no channel has any spend: load spend first")
    out = queries.run(con, "planner/weekly_outcomes", {"weeks": weeks})
    y = out[outcome].to_numpy(float)
    if not np.any(y):
        raise ValueError(f"no {outcome.replace('_', ' ')} in the modelled weeks: nothing to model")
    if np.ptp(y) == 0:
        raise ValueError(f"{outcome.replace('_', ' ')} is the same every week: nothing to model")
    return Inputs(outcome, weeks, spend, kinds, y, _controls(con, weeks), dropped)


def _controls(con, weeks: list[dt.date]) -> pd.DataFrame:
    """User controls per week, centred and divided by their largest deviation (the library
    leaves controls unscaled); a week without a value gets the control's mean (0)."""
    long = queries.run(con, "planner/weekly_controls")
    if long.empty:
        return pd.DataFrame(index=weeks)
    long["week"] = pd.to_datetime(long["week"]).dt.date
    wide = long.pivot(index="week", columns="name", values="value").reindex(weeks)
    wide.columns.name = None
    wide = wide - wide.mean()
    spread = wide.abs().max().replace(0, np.nan)
    wide = (wide / spread).dropna(axis=1, how="all").fillna(0.0)
    return wide


# --- the numpy side: curves from stored draws -----------------------------------------------


def adstock(x: np.ndarray, alpha: np.ndarray, l_max: int = L_MAX) -> np.ndarray:
    """Normalised geometric adstock along the last axis (weeks) of x, alpha per leading
    element (broadcast); weeks before the first carry nothing over."""
    alpha = np.asarray(alpha, float)[..., None]
    w = alpha ** np.arange(l_max)[None, :] if alpha.ndim == 1 else alpha ** np.arange(l_max)
    w = w / w.sum(axis=-1, keepdims=True)
    n = x.shape[-1]
    out = np.zeros(np.broadcast_shapes(x.shape, alpha.shape[:-1] + (n,)))
    for lag in range(l_max):
        out[..., lag:] += w[..., lag : lag + 1] * x[..., : n - lag]
    return out


def logistic(z, lam):
    e = np.exp(-lam * z)
    return (1 - e) / (1 + e)


def contributions(spend: np.ndarray, scale: float, draws: dict) -> np.ndarray:
    """Weekly contribution per draw: (draws, weeks) for one channel's weekly spend."""
    z = adstock(spend[None, :], draws["alpha"]) / scale
    return draws["beta"][:, None] * logistic(z, draws["lam"][:, None])


def _interval(values: np.ndarray, axis=0):
    lo, hi = (1 - INTERVAL) / 2, 1 - (1 - INTERVAL) / 2
    return (
        np.median(values, axis=axis),
        np.quantile(values, lo, axis=axis),
        np.quantile(values, hi, axis=axis),
    )


# --- the fit job -------------------------------------------------------------------------------


def fit(
    warehouse: Path,
    outcome: str = "revenue",
    seed: int = 0,
    progress: Progress = lambda _f, _m: None,
    *,
    draws: int = DRAWS,
    tune: int = TUNE,
    holdout: bool = True,
) -> dict:
    """Fit the model on the warehouse's data and store the results in it. Returns mmm_fit."""
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise FileNotFoundError(
            f"no warehouse at {warehouse}: run `python -m pitwall demo` or "
            "`python -m pitwall load DIR` first"
        )
    started = time.perf_counter()
    progress(0.02, "Reading weekly spend and outcomes")
    con = open_readonly(warehouse)
    try:
        inputs = weekly_inputs(con, outcome)
        loaded_at = meta.info(con).get("loaded_at", "")
        attributed = _attributed(con, inputs)
    finally:
        con.close()
    size = f"{len(inputs.weeks)} weeks, {len(inputs.channels)} channels"
    progress(0.05, f"Sampling the model ({size})")
    model, idata_scales = _sample(inputs, seed, draws, tune)
    progress(0.65, "Summarising the posterior")
    results = _summarise(inputs, model, idata_scales, attributed, seed)
    holdout_mape = None
    if holdout:
        progress(0.70, f"Checking on a holdout of the last {HOLDOUT_WEEKS} weeks")
        holdout_mape = _holdout_mape(inputs, seed)
    fit_row = results["fit"]
    fit_row.update(
        holdout_mape=holdout_mape,
        holdout_weeks=HOLDOUT_WEEKS if holdout else None,
        fit_seconds=round(time.perf_counter() - started, 1),
        loaded_at=loaded_at,
        fingerprint=inputs.fingerprint(),
    )
    progress(0.95, "Writing the results into the warehouse")
    _store(warehouse, results)
    progress(1.0, "Done")
    return fit_row


def _attributed(con, inputs: Inputs) -> pd.DataFrame:
    """Channel ROI's figure (default attribution) over the modelled weeks."""
    from pitwall import views
    from pitwall.filters import Filters

    f = Filters(inputs.weeks[0], inputs.weeks[-1] + dt.timedelta(days=6))
    roi = views.channel_roi(con, f)
    return roi.set_index("channel")[["spend", "revenue", "leads", "new_customers"]]


def _frame(inputs: Inputs, n: int | None = None) -> tuple[pd.DataFrame, list[str]]:
    n = len(inputs.weeks) if n is None else n
    names = [f"c{i}" for i in range(len(inputs.channels))]  # the library wants plain names
    df = pd.DataFrame(inputs.spend.to_numpy(float)[:n], columns=names)
    df.insert(0, "date", pd.to_datetime(inputs.weeks[:n]))
    t = np.linspace(0, 1, len(inputs.weeks))[:n]
    df["trend"] = t
    df["trend_bend"] = np.sqrt(t)  # growth that slows down (a customer base filling up)
    for i, c in enumerate(inputs.controls.columns):
        df[f"control{i}"] = inputs.controls[c].to_numpy(float)[:n]
    return df, names


def _quiet() -> None:
    """The libraries' advice (4 chains, ArviZ's coming refactor) is not the user's business:
    the fit's own diagnostics are stored and shown."""
    import logging
    import warnings

    for name in (
        "pymc",
        "pymc.stats.convergence",
        "pymc.sampling",
        "pymc.sampling.jax",
        "pymc.sampling.forward",
        "pymc_marketing",
        "pytensor",
        "jax",
        "numpyro",
    ):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", module="arviz")
    warnings.filterwarnings("ignore", module="pymc_marketing")
    warnings.filterwarnings("ignore", module="pymc")


def _model(inputs: Inputs, n: int):
    os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=2")
    _quiet()
    from pymc_extras.prior import Prior
    from pymc_marketing.mmm import GeometricAdstock, LogisticSaturation
    from pymc_marketing.mmm.multidimensional import MMM

    _quiet()  # again: importing pymc sets its loggers' levels

    df, names = _frame(inputs, n)
    x = inputs.spend.to_numpy(float)[:n]
    y_scale = float(np.abs(inputs.y[:n]).max())
    # The spend-share prior the library advises, in ROAS terms: before the data, a channel is
    # believed to return about PRIOR_ROAS x 0.67 per EUR (a half-normal's median), rarely more
    # than 2 x PRIOR_ROAS. beta (scaled) = ROAS x spend / (weeks x average curve height x y_scale).
    top = x.max(axis=0)
    height = logistic(adstock(x.T, np.full(len(names), PRIOR_ALPHA)) / top[:, None], PRIOR_LAM)
    beta_sigma = PRIOR_ROAS * x.sum(axis=0) / (n * height.mean(axis=1) * y_scale)
    controls = ["trend", "trend_bend", *[c for c in df.columns if c.startswith("control")]]
    return (
        MMM(
            date_column="date",
            channel_columns=names,
            target_column="y",
            adstock=GeometricAdstock(
                l_max=L_MAX, priors={"alpha": Prior("Beta", alpha=1, beta=3, dims="channel")}
            ),
            saturation=LogisticSaturation(
                priors={
                    "lam": Prior("Gamma", alpha=3, beta=1, dims="channel"),
                    "beta": Prior("HalfNormal", sigma=beta_sigma, dims="channel"),
                }
            ),
            yearly_seasonality=FOURIER_PAIRS,
            control_columns=controls,
        ),
        df,
    )


def _silenced():
    """The libraries' progress bars write to the terminal; the job reports its own progress."""
    import io
    import warnings

    stack = contextlib.ExitStack()
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
    stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
    return stack


def _run(model, df: pd.DataFrame, y: np.ndarray, seed: int, draws: int, tune: int):
    with _silenced():
        model.fit(
            df,
            pd.Series(y, name="y"),
            draws=draws,
            tune=tune,
            chains=CHAINS,
            cores=CHAINS,
            target_accept=0.9,
            random_seed=seed,
            progressbar=False,
            nuts_sampler="numpyro",
        )
    return model


def _sample(inputs: Inputs, seed: int, draws: int, tune: int):
    n = len(inputs.weeks)
    model, df = _model(inputs, n)
    _run(model, df, inputs.y, seed, draws, tune)
    scales = model.get_scales_as_xarray()
    return model, {k: v.values for k, v in scales.items()}


def _holdout_mape(inputs: Inputs, seed: int) -> float:
    """Fit on all but the last HOLDOUT_WEEKS weeks, predict those, mean absolute % error."""

    n = len(inputs.weeks) - HOLDOUT_WEEKS
    model, df = _model(inputs, n)
    _run(model, df, inputs.y[:n], seed, HOLDOUT_DRAWS, HOLDOUT_TUNE)
    full, _ = _frame(inputs)
    with _silenced():
        pred = model.sample_posterior_predictive(
            full.iloc[n:], extend_idata=False, include_last_observations=True,
            progressbar=False, random_seed=seed,
        )
    if hasattr(pred, "data_vars"):
        pred = pred["y"]
    # the predictive draws come back in the model's scaled units
    y_scale = float(model.get_scales_as_xarray()["target_scale"].values)
    mean = np.asarray(pred.mean(dim=[d for d in pred.dims if d != "date"])) * y_scale
    actual = inputs.y[n:]
    return float(np.mean(np.abs(mean - actual) / np.abs(actual)))


def _draws(posterior, name: str, keep: np.ndarray) -> np.ndarray:
    """(channels, kept draws) of a channel parameter."""
    arr = posterior[name].stack(sample=("chain", "draw")).transpose("channel", "sample").values
    return arr[:, keep]


def _summarise(inputs: Inputs, model, scales: dict, attributed: pd.DataFrame, seed: int) -> dict:
    import arviz as az

    post = model.idata.posterior
    n_samples = post.sizes["chain"] * post.sizes["draw"]
    keep = np.linspace(0, n_samples - 1, min(STORED_DRAWS, n_samples)).round().astype(int)
    y_scale = float(scales["target_scale"])
    alpha = _draws(post, "adstock_alpha", keep)
    lam = _draws(post, "saturation_lam", keep)
    beta = _draws(post, "saturation_beta", keep) * y_scale
    x = inputs.spend.to_numpy(float)
    top = x.max(axis=0)
    weeks = pd.to_datetime(pd.Series(inputs.weeks))
    draws_rows, channel_rows, curve_rows, contrib = [], [], [], {}
    for i, ch in enumerate(inputs.channels):
        d = {"alpha": alpha[i], "lam": lam[i], "beta": beta[i]}
        weekly = contributions(x[:, i], top[i], d)  # (draws, weeks)
        total = weekly.sum(axis=1)
        bumped = contributions(x[:, i] * 1.01, top[i], d).sum(axis=1)
        spend = x[:, i].sum()
        roas = total / spend
        marginal = (bumped - total) / (0.01 * spend)
        contrib[ch] = weekly.mean(axis=0)
        now = x[-CURRENT_WEEKS:, i].mean()
        a_spend = float(attributed["spend"].get(ch, 0.0)) if ch in attributed.index else 0.0
        a_rev = attributed[_attributed_column(inputs.outcome)].get(ch, np.nan)
        c_mid, c_lo, c_hi = _interval(total)
        r_mid, r_lo, r_hi = _interval(roas)
        m_mid, m_lo, m_hi = _interval(marginal)
        channel_rows.append(
            {
                "channel": ch,
                "kind": inputs.kinds.get(ch),
                "spend": spend,
                "contribution": c_mid,
                "contribution_low": c_lo,
                "contribution_high": c_hi,
                "roas": r_mid,
                "roas_low": r_lo,
                "roas_high": r_hi,
                "marginal_roas": m_mid,
                "marginal_roas_low": m_lo,
                "marginal_roas_high": m_hi,
                "attributed_outcome": float(a_rev) if pd.notna(a_rev) else None,
                "attributed_roas": float(a_rev) / a_spend if a_spend and pd.notna(a_rev) else None,
                "weekly_spend_now": now,
                "largest_weekly_spend": top[i],
                "weeks_with_spend": int((x[:, i] > 0).sum()),
            }
        )
        for k in range(len(keep)):
            draws_rows.append((ch, k, alpha[i, k], lam[i, k], beta[i, k]))
        # steady state: the same spend every week -> adstock equals spend
        grid = np.linspace(0, max(3 * now, 2 * x[:, i].mean(), 1.0), CURVE_POINTS)
        out = beta[i][:, None] * logistic(grid[None, :] / top[i], lam[i][:, None])
        mid, lo, hi = _interval(out)
        for g, a, b, c in zip(grid, mid, lo, hi, strict=True):
            curve_rows.append((ch, g, a, b, c))
    fitted_draws = _fitted(post, y_scale)  # (samples, weeks)
    fitted, f_lo, f_hi = fitted_draws.mean(axis=0), *_interval(fitted_draws)[1:]
    channels_total = np.sum(list(contrib.values()), axis=0)
    weekly = pd.DataFrame(
        {
            "week": weeks,
            "actual": inputs.y,
            "fitted": fitted,
            "fitted_low": f_lo,
            "fitted_high": f_hi,
            "base": fitted - channels_total,
        }
        | {f"ch:{c}": v for c, v in contrib.items()}
    )
    resid = inputs.y - fitted
    r2 = 1 - np.sum(resid**2) / np.sum((inputs.y - inputs.y.mean()) ** 2)
    nonzero = inputs.y != 0
    mape = float(np.mean(np.abs(resid[nonzero]) / np.abs(inputs.y[nonzero])))
    rhat = az.rhat(model.idata, var_names=["adstock_alpha", "saturation_lam", "saturation_beta"])
    rhat_max = float(max(float(rhat[v].max()) for v in rhat.data_vars))
    fit_row = {
        "fitted_at": dt.datetime.now().replace(microsecond=0),
        "outcome": inputs.outcome,
        "seed": seed,
        "first_week": inputs.weeks[0],
        "last_week": inputs.weeks[-1],
        "weeks": len(inputs.weeks),
        "channels": len(inputs.channels),
        "controls": ", ".join(inputs.controls.columns) or None,
        "left_out": ", ".join(inputs.dropped) or None,  # channels without any spend
        "chains": post.sizes["chain"],
        "draws": post.sizes["draw"],
        "stored_draws": len(keep),
        "r_hat_max": rhat_max,
        "divergences": int(model.idata.sample_stats["diverging"].sum()),
        "actual_total": float(inputs.y.sum()),
        "r2": float(r2),
        "mape": mape,
        "l_max": L_MAX,
        "sampler": "numpyro NUTS",
    }
    return {
        "fit": fit_row,
        "channels": pd.DataFrame(channel_rows),
        "draws": pd.DataFrame(draws_rows, columns=["channel", "draw", "alpha", "lam", "beta"]),
        "curves": pd.DataFrame(
            curve_rows,
            columns=[
                "channel",
                "weekly_spend",
                "weekly_outcome",
                "weekly_outcome_low",
                "weekly_outcome_high",
            ],
        ),
        "weekly": weekly,
        "spend": inputs.spend.rename_axis("week").reset_index().melt(
            id_vars="week", var_name="channel", value_name="spend"
        ),
    }


def _attributed_column(outcome: str) -> str:
    return {"revenue": "revenue", "new_customers": "new_customers", "leads": "leads"}[outcome]


def _fitted(post, y_scale: float) -> np.ndarray:
    """Model mean per posterior sample and week, in outcome units."""
    total = None
    for name in (
        "intercept_contribution",
        "channel_contribution",
        "control_contribution",
        "yearly_seasonality_contribution",
    ):
        if name not in post:
            continue
        v = post[name]
        extra = [d for d in v.dims if d not in ("chain", "draw", "date")]
        if extra:
            v = v.sum(dim=extra)
        if "date" not in v.dims:
            v = v.expand_dims(date=post.sizes["date"], axis=-1)
        total = v if total is None else total + v
    arr = total.stack(sample=("chain", "draw")).transpose("sample", "date").values
    return arr * y_scale


# --- storing and reading -----------------------------------------------------------------------


def _store(warehouse: Path, results: dict) -> None:
    """Replace the model tables the way a load does (warehouse.write_tables: copy, write,
    swap in)."""
    write_tables(
        warehouse,
        {
            "mmm_fit": pd.DataFrame([results["fit"]]),
            "mmm_channels": results["channels"],
            "mmm_draws": results["draws"],
            "mmm_curves": results["curves"],
            "mmm_weekly": _weekly_long(results["weekly"]),
            "mmm_spend": results["spend"],
        },
    )


def _weekly_long(weekly: pd.DataFrame) -> pd.DataFrame:
    """week, series, value: actual, fitted, fitted_low, fitted_high, base and each channel."""
    out = weekly.melt(id_vars="week", var_name="series", value_name="value")
    return out


def has_fit(con) -> bool:
    return bool(queries.run(con, "planner/stored_fit")["fits"].iloc[0])


def read_fit(con) -> dict | None:
    """The stored fit's row plus `stale` (data loaded since the fit), or None."""
    if not has_fit(con):
        return None
    row = queries.run(con, "planner/fit").iloc[0].to_dict()
    current = row.pop("current_loaded_at")
    for key in ("first_week", "last_week"):
        row[key] = pd.Timestamp(row[key]).date()
    for key, value in row.items():  # NaN from an empty cell reads as None, like JSON's null
        if isinstance(value, float) and np.isnan(value):
            row[key] = None
    row["stale"] = str(current or "") != str(row.get("loaded_at") or "")
    return row


def require_fit(con) -> dict:
    fit_row = read_fit(con)
    if fit_row is None:
        raise NoFit(f"no model fit stored in the warehouse: run `{FIT_COMMAND}` first")
    return fit_row


def read_table(con, name: str) -> pd.DataFrame:
    """A stored model table (queries/planner/<name>.sql), or NoFit."""
    if name not in TABLES or name == "mmm_fit":
        raise ValueError(f"not a model table: {name}")
    if not has_fit(con):
        raise NoFit(f"no model fit stored in the warehouse: run `{FIT_COMMAND}` first")
    return queries.run(con, f"planner/{name}")
