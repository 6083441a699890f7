"""The budget allocator (pitwall.planner) on response curves whose optimum is known."""

import numpy as np
import pytest
from scipy.optimize import brentq

from pitwall import planner
from pitwall.mmm import logistic

WEEKS = 10


def _curves(beta, lam, scale, kinds=("online", "offline"), alpha=None, draws=1):
    n = len(beta)
    alpha = np.zeros(n) if alpha is None else np.asarray(alpha, float)
    return planner.Curves(
        channels=[f"ch{i}" for i in range(n)],
        kinds=list(kinds),
        alpha=np.repeat(alpha[:, None], draws, axis=1),
        lam=np.repeat(np.asarray(lam, float)[:, None], draws, axis=1),
        beta=np.repeat(np.asarray(beta, float)[:, None], draws, axis=1),
        scale=np.asarray(scale, float),
    )


def _flat(n, weeks=WEEKS):
    return np.full((n, weeks), 1.0 / weeks)


# Two channels, no carry-over, spend spread evenly: channel c brings
# WEEKS * beta * logistic(lam * B / (WEEKS * scale)) for an amount B over the weeks.
BETA, LAM, SCALE = (50_000.0, 20_000.0), (2.0, 3.0), (40_000.0, 10_000.0)


def _outcome(i, amount):
    return WEEKS * BETA[i] * logistic(LAM[i] * amount / (WEEKS * SCALE[i]), 1.0)


def _slope(i, amount):
    u = LAM[i] * amount / (WEEKS * SCALE[i])
    return BETA[i] * LAM[i] / SCALE[i] * 2 * np.exp(-u) / (1 + np.exp(-u)) ** 2


def _analytic(budget):
    """Equal marginal returns: the optimum of two concave curves sharing a budget."""
    gap = lambda a: _slope(0, a) - _slope(1, budget - a)  # noqa: E731
    assert gap(0) > 0 > gap(budget), "the test wants an interior optimum"
    a = brentq(gap, 0, budget, xtol=1e-6)
    return np.array([a, budget - a])


def test_outcome_of_an_amount_is_the_curve():
    p = planner.Planner(_curves(BETA, LAM, SCALE), _flat(2))
    got = p.expected(np.array([100_000.0, 30_000.0]))
    assert got == pytest.approx([_outcome(0, 100_000.0), _outcome(1, 30_000.0)], rel=1e-12)


@pytest.mark.parametrize("budget", [150_000.0, 300_000.0, 900_000.0])
def test_reaches_the_analytic_optimum(budget):
    p = planner.Planner(_curves(BETA, LAM, SCALE), _flat(2))
    best = p.optimise(budget, np.zeros(2), np.full(2, budget))
    want = _analytic(budget)
    assert best == pytest.approx(want, rel=0.01)
    assert best.sum() == pytest.approx(budget, rel=1e-12)
    # equal marginal returns at the answer
    m = p.marginal(best)
    assert m[0] == pytest.approx(m[1], rel=0.01)
    value = p.expected(best).sum()
    assert value >= _outcome(0, want[0]) + _outcome(1, want[1]) - 1e-6 * value


def test_bounds_total_and_online_share_are_exact():
    rng = np.random.default_rng(3)
    n = 6
    curves = _curves(
        rng.uniform(1e4, 5e4, n),
        rng.uniform(0.5, 4, n),
        rng.uniform(5e3, 5e4, n),
        kinds=["online", "online", "online", "offline", "offline", "offline"],
        alpha=rng.uniform(0, 0.7, n),
        draws=1,
    )
    p = planner.Planner(curves, _flat(n, 13))
    budget = 300_000.0
    lower = np.full(n, 20_000.0)
    upper = np.full(n, 90_000.0)
    for smin, smax in [(0.6, 0.7), (0.2, 0.25), (0.5, 0.5)]:
        x = p.optimise(budget, lower, upper, smin, smax)
        assert x.sum() == pytest.approx(budget, rel=0, abs=1e-6)
        assert (x >= lower - 1e-9).all() and (x <= upper + 1e-9).all()
        share = x[curves.online].sum() / budget
        assert smin - 1e-9 <= share <= smax + 1e-9, (smin, smax, share)


def test_a_binding_share_floor_costs_outcome():
    p = planner.Planner(_curves(BETA, LAM, SCALE), _flat(2))
    budget = 200_000.0
    free = p.optimise(budget, np.zeros(2), np.full(2, budget))
    free_share = free[0] / budget
    forced = p.optimise(budget, np.zeros(2), np.full(2, budget), free_share + 0.2, None)
    assert forced[0] / budget == pytest.approx(free_share + 0.2, abs=1e-9)
    assert p.expected(forced).sum() < p.expected(free).sum()


@pytest.mark.parametrize(
    ("lower", "upper", "smin", "smax", "says"),
    [
        ((150e3, 100e3), (200e3, 200e3), None, None, "minimums add up"),
        ((0, 0), (50e3, 50e3), None, None, "maximums add up"),
        ((0, 120e3), (200e3, 200e3), 0.5, None, "online-share floor of 50%"),
        ((150e3, 0), (200e3, 200e3), None, 0.5, "online-share ceiling of 50%"),
        ((0, 0), (200e3, 200e3), 0.6, 0.4, r"floor \(60%\) is above the ceiling"),
        ((0, 50e3), (200e3, 40e3), None, None, "ch1: the minimum"),
    ],
)
def test_infeasible_constraints_are_refused_by_name(lower, upper, smin, smax, says):
    p = planner.Planner(_curves(BETA, LAM, SCALE), _flat(2))
    with pytest.raises(planner.PlanError, match=says):
        p.optimise(200e3, np.array(lower, float), np.array(upper, float), smin, smax)


def test_a_start_at_the_wrong_corner_still_reaches_the_optimum():
    p = planner.Planner(_curves(BETA, LAM, SCALE), _flat(2))
    start = np.array([0.0, 200_000.0])
    best = p.optimise(200_000.0, np.zeros(2), np.full(2, 200_000.0), start=start)
    assert best == pytest.approx(_analytic(200_000.0), rel=0.01)


def test_intervals_come_from_the_draws():
    rng = np.random.default_rng(0)
    draws = 400
    curves = _curves(BETA, LAM, SCALE, draws=draws)
    curves.beta = curves.beta * rng.lognormal(0, 0.2, (2, draws))
    p = planner.Planner(curves, _flat(2))
    s = planner.summary(p, np.array([100e3, 100e3]), np.array([150e3, 50e3]))
    assert s["current_low"] < s["current"] < s["current_high"]
    assert s["planned_low"] < s["planned"] < s["planned_high"]
    assert 0 <= s["gain_probability"] <= 1


def test_patterns_follow_last_years_weeks():
    import pandas as pd

    weeks = pd.date_range("2024-01-01", periods=60, freq="7D").date
    spend = pd.DataFrame(
        {
            "week": list(weeks) * 2,
            "channel": ["fair"] * 60 + ["search"] * 60,
            "spend": [100.0 if i == 10 else 0.0 for i in range(60)] + [50.0] * 60,
        }
    )
    pat = planner.patterns(spend, ["fair", "search"], 4)
    # the next 4 weeks follow weeks 60..63; a year before them are weeks 8..11
    assert pat[0].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert pat[1] == pytest.approx([0.25] * 4)
