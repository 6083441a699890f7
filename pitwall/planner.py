"""The budget allocator: the split of a budget over channels that maximises the expected
outcome, from the stored response-curve draws (numpy and scipy only, no model object).

A plan gives each channel an amount for the next N weeks. The amount is spent in the shape
the channel spent in the same N weeks a year earlier (fairs stay in fair weeks; a channel
that spent nothing then spreads evenly), and its effect is counted including the carry-over
into the weeks after the plan. Expected outcomes are means over the posterior draws, with a
94 % interval from the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pitwall.mmm import INTERVAL, L_MAX, logistic

YEAR = 52
DEFAULT_WEEKS = 13
MAX_WEEKS = 52
DEFAULT_RANGE = 0.5  # per-channel default: current amount +- 50 %
STARTS = 3  # random starts besides the current split and the middle of the limits
SHARE_TOLERANCE = 1e-9


class PlanError(ValueError):
    """A plan that cannot be made; the message names the constraint."""


@dataclass
class Curves:
    """Posterior draws of each channel's response curve."""

    channels: list[str]
    kinds: list[str]
    alpha: np.ndarray  # (channels, draws)
    lam: np.ndarray
    beta: np.ndarray  # outcome per week at full saturation
    scale: np.ndarray  # (channels,) the largest weekly spend (the curve's spend unit)

    @classmethod
    def from_tables(cls, draws: pd.DataFrame, channels: pd.DataFrame) -> Curves:
        channels = channels.sort_values("channel")
        names = list(channels["channel"])
        d = draws.sort_values(["channel", "draw"])

        def arr(col):
            return np.stack([d.loc[d["channel"] == c, col].to_numpy(float) for c in names])

        return cls(
            names,
            list(channels["kind"]),
            arr("alpha"),
            arr("lam"),
            arr("beta"),
            channels["largest_weekly_spend"].to_numpy(float),
        )

    @property
    def online(self) -> np.ndarray:
        return np.array([k == "online" for k in self.kinds])


def patterns(weekly_spend: pd.DataFrame, channels: list[str], weeks: int) -> np.ndarray:
    """(channels, weeks): how each channel spreads a plan's amount over the weeks, from its
    spend in the same weeks a year before the plan; even when it spent nothing then."""
    wide = weekly_spend.pivot(index="week", columns="channel", values="spend").sort_index()
    n = len(wide)
    first = n - YEAR if n >= YEAR and weeks <= YEAR else max(n - weeks, 0)
    window = wide.iloc[first : first + weeks].reindex(columns=channels).fillna(0.0).to_numpy().T
    out = np.full((len(channels), weeks), 1.0 / weeks)
    if window.shape[1] == weeks:
        totals = window.sum(axis=1)
        has = totals > 0
        out[has] = window[has] / totals[has, None]
    return out


def current_amounts(
    weekly_spend: pd.DataFrame, channels: list[str], weeks: int, budget: float | None
) -> tuple[np.ndarray, float]:
    """Each channel's share of the last N weeks' spend applied to the budget (default: the
    last N weeks' total). Returns (amounts, budget)."""
    wide = weekly_spend.pivot(index="week", columns="channel", values="spend").sort_index()
    last = wide.iloc[-weeks:].reindex(columns=channels).fillna(0.0).sum().to_numpy(float)
    spent = last.sum()
    if budget is None:
        budget = float(spent)
    if spent <= 0:
        raise PlanError(f"no spend in the last {weeks} weeks to take the current split from")
    return last / spent * budget, float(budget)


class Planner:
    def __init__(self, curves: Curves, pattern: np.ndarray):
        self.curves = curves
        weeks = pattern.shape[1]
        padded = np.concatenate([pattern, np.zeros((len(pattern), L_MAX - 1))], axis=1)
        # adstocked spend per EUR of a channel's plan: (channels, draws, weeks + carry-over)
        a = curves.alpha[..., None] ** np.arange(L_MAX)
        a = a / a.sum(axis=-1, keepdims=True)
        per_eur = np.zeros(curves.alpha.shape + (padded.shape[1],))
        for lag in range(L_MAX):
            per_eur[..., lag:] += a[..., lag : lag + 1] * padded[:, None, : padded.shape[1] - lag]
        self.k = curves.lam[..., None] * per_eur / curves.scale[:, None, None]
        self.beta = curves.beta
        self.weeks = weeks

    def draws(self, amounts: np.ndarray) -> np.ndarray:
        """(channels, draws): outcome each channel's amount brings, per posterior draw."""
        u = self.k * np.asarray(amounts, float)[:, None, None]
        return self.beta * logistic(u, 1.0).sum(axis=-1)

    def expected(self, amounts: np.ndarray) -> np.ndarray:
        return self.draws(amounts).mean(axis=1)

    def _value_grad(self, amounts: np.ndarray) -> tuple[float, np.ndarray]:
        u = self.k * amounts[:, None, None]
        e = np.exp(-u)
        value = (self.beta * ((1 - e) / (1 + e)).sum(axis=-1)).mean(axis=1)
        slope = (self.beta * (self.k * 2 * e / (1 + e) ** 2).sum(axis=-1)).mean(axis=1)
        return float(value.sum()), slope

    def marginal(self, amounts: np.ndarray) -> np.ndarray:
        """Expected extra outcome per extra EUR at these amounts, per channel."""
        return self._value_grad(np.asarray(amounts, float))[1]

    def optimise(
        self,
        budget: float,
        lower: np.ndarray,
        upper: np.ndarray,
        share_min: float | None = None,
        share_max: float | None = None,
        start: np.ndarray | None = None,
        seed: int = 0,
    ) -> np.ndarray:
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        online = self.curves.online
        check_feasible(self.curves.channels, online, budget, lower, upper, share_min, share_max)
        if budget == 0:
            return np.zeros_like(lower)
        smin = 0.0 if share_min is None else share_min
        smax = 1.0 if share_max is None else share_max
        norm = budget  # optimise shares of the budget: well scaled whatever the currency

        def fun(s):
            v, g = self._value_grad(s * norm)
            return -v / norm, -g

        cons = [{"type": "eq", "fun": lambda s: s.sum() - 1, "jac": lambda s: np.ones_like(s)}]
        if online.any() and smin > 0:
            cons.append({"type": "ineq", "fun": lambda s: s[online].sum() - smin,
                         "jac": lambda s: online.astype(float)})
        if online.any() and smax < 1:
            cons.append({"type": "ineq", "fun": lambda s: smax - s[online].sum(),
                         "jac": lambda s: -online.astype(float)})
        from scipy.optimize import minimize  # here: the commands that never plan start faster

        bounds = list(zip(lower / norm, upper / norm, strict=True))
        best, best_value = None, np.inf
        for x0 in self._starts(start, lower, upper, budget, smin, smax, seed):
            res = minimize(fun, x0 / norm, jac=True, bounds=bounds, constraints=cons,
                           method="SLSQP", options={"maxiter": 300, "ftol": 1e-10})
            x = exact(res.x * norm, budget, lower, upper, online, smin, smax)
            value = -self._value_grad(x)[0]
            if value < best_value:
                best, best_value = x, value
        return best

    def _starts(self, start, lower, upper, budget, smin, smax, seed):
        rng = np.random.default_rng(seed)
        online = self.curves.online
        points = [] if start is None else [np.asarray(start, float)]
        points.append(lower + (upper - lower) * 0.5)
        points += [lower + (upper - lower) * rng.random(len(lower)) for _ in range(STARTS - 1)]
        return [exact(p, budget, lower, upper, online, smin, smax) for p in points]


def check_feasible(channels, online, budget, lower, upper, share_min, share_max) -> None:
    """Refuse a set of constraints no plan can meet, naming the constraint."""
    if not np.isfinite(budget) or budget < 0:
        raise PlanError("the budget must be a positive amount")
    for c, lo, hi in zip(channels, lower, upper, strict=True):
        if lo < 0:
            raise PlanError(f"{c}: the minimum cannot be negative")
        if lo > hi + 1e-9:
            raise PlanError(
                f"{c}: the minimum (EUR {lo:,.0f}) is above the maximum (EUR {hi:,.0f})"
            )
    if lower.sum() > budget + 1e-6:
        raise PlanError(
            f"the channel minimums add up to EUR {lower.sum():,.0f}, more than the budget "
            f"of EUR {budget:,.0f}"
        )
    if upper.sum() < budget - 1e-6:
        raise PlanError(
            f"the channel maximums add up to EUR {upper.sum():,.0f}, less than the budget "
            f"of EUR {budget:,.0f}"
        )
    for name, s in (("floor", share_min), ("ceiling", share_max)):
        if s is not None and not 0 <= s <= 1:
            raise PlanError(f"the online-share {name} must lie between 0 and 1, not {s}")
    smin = 0.0 if share_min is None else share_min
    smax = 1.0 if share_max is None else share_max
    if smin > smax:
        raise PlanError(f"the online-share floor ({smin:.0%}) is above the ceiling ({smax:.0%})")
    on_lo, on_hi = lower[online].sum(), upper[online].sum()
    off_lo, off_hi = lower[~online].sum(), upper[~online].sum()
    if smin * budget > min(on_hi, budget - off_lo) + 1e-6:
        raise PlanError(
            f"the online-share floor of {smin:.0%} needs EUR {smin * budget:,.0f} online, but "
            f"the online maximums and offline minimums allow at most "
            f"EUR {min(on_hi, budget - off_lo):,.0f}"
        )
    if smax * budget < max(on_lo, budget - off_hi) - 1e-6:
        raise PlanError(
            f"the online-share ceiling of {smax:.0%} allows EUR {smax * budget:,.0f} online, but "
            f"the online minimums and offline maximums need at least "
            f"EUR {max(on_lo, budget - off_hi):,.0f}"
        )


def exact(x, budget, lower, upper, online, smin, smax) -> np.ndarray:
    """The nearest split that meets every constraint exactly: within bounds, online total
    inside [smin, smax] of the budget, adding up to the budget."""
    x = np.clip(np.asarray(x, float), lower, upper)
    if online.any() and (~online).any():
        lo_on = max(lower[online].sum(), smin * budget, budget - upper[~online].sum())
        hi_on = min(upper[online].sum(), smax * budget, budget - lower[~online].sum())
        on_total = min(max(x[online].sum(), lo_on), hi_on)
        x[online] = _fill(x[online], lower[online], upper[online], on_total)
        x[~online] = _fill(x[~online], lower[~online], upper[~online], budget - on_total)
    else:
        x = _fill(x, lower, upper, budget)
    return x


def _fill(x, lower, upper, total) -> np.ndarray:
    """Move x to sum to `total` within [lower, upper], spreading the change by room left."""
    x = x.copy()
    for _ in range(len(x) + 1):
        gap = total - x.sum()
        if abs(gap) <= 1e-9 * max(total, 1.0):
            break
        room = (upper - x) if gap > 0 else (x - lower)
        free = room > 1e-12
        if not free.any():
            break
        step = room[free] / room[free].sum() * gap
        x[free] = np.clip(x[free] + step, lower[free], upper[free])
    # the last cent: put the rounding remainder on the channel with the most room
    gap = total - x.sum()
    room = (upper - x) if gap > 0 else (x - lower)
    i = int(np.argmax(room))
    x[i] += gap
    return x


def summary(planner: Planner, current: np.ndarray, planned: np.ndarray) -> dict:
    """Expected outcome of both allocations with their 94 % intervals and the difference."""
    lo, hi = (1 - INTERVAL) / 2, 1 - (1 - INTERVAL) / 2
    cur = planner.draws(current).sum(axis=0)
    new = planner.draws(planned).sum(axis=0)
    gain = new - cur
    return {
        "current": float(cur.mean()),
        "current_low": float(np.quantile(cur, lo)),
        "current_high": float(np.quantile(cur, hi)),
        "planned": float(new.mean()),
        "planned_low": float(np.quantile(new, lo)),
        "planned_high": float(np.quantile(new, hi)),
        "gain": float(gain.mean()),
        "gain_low": float(np.quantile(gain, lo)),
        "gain_high": float(np.quantile(gain, hi)),
        "gain_probability": float((gain > 0).mean()),
    }
