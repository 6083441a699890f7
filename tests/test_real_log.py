"""A real transaction log, in a shape nobody designed for Pitwall: the CDNOW purchase history.

CDNOW_master.txt ships inside the PyPI package `lifetimes` (pip install lifetimes==0.11.3):
whitespace-separated customer id, date as YYYYMMDD, number of CDs and dollar amount, one line
per purchase, 69,659 purchases by 23,570 customers who first bought in January to March 1997.

The test turns it into an orders.csv (the only table), loads it, and checks the retention
view in both modes against an independent pandas computation from the raw file:
cohort = month of a customer's first purchase; period = whole calendar months from the
cohort month to the order's month; bounded: active in period k; unbounded: active in period k
or any later one; periods from 0 to the month of the last order. Any order row counts,
whatever its amount (CDNOW has purchases of $0.00).
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pitwall.filters import Filters
from pitwall.load import load_folder
from pitwall.views import retention
from pitwall.warehouse import open_readonly

PIP_LINE = "pip install lifetimes==0.11.3"


def _cdnow_path() -> Path:
    # Located without importing lifetimes (its import can break on a new pandas).
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail(f"the CDNOW data ships with lifetimes: {PIP_LINE} (requirements-dev.txt)")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "CDNOW_master.txt"
    if not path.is_file():
        pytest.fail(f"{path} not found: {PIP_LINE}")
    return path


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The raw log: customer_id, date (YYYYMMDD), cds, amount, all as written."""
    lines = _cdnow_path().read_text().splitlines()
    assert lines[0].split() == ["customer_id", "date", "number_of_cds", "dollar_value"]
    rows = [line.split() for line in lines[1:] if line.strip()]
    return pd.DataFrame(rows, columns=["customer_id", "date", "cds", "amount"])


@pytest.fixture(scope="module")
def warehouse(raw, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cdnow")
    with (folder / "orders.csv").open("w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["order_id", "customer_id", "ordered_at", "revenue"])
        for i, (customer, date, amount) in enumerate(
                zip(raw["customer_id"], raw["date"], raw["amount"], strict=True), start=1):
            out.writerow([i, customer, f"{date[:4]}-{date[4:6]}-{date[6:]}", amount])
    path = tmp_path_factory.mktemp("cdnow_wh") / "warehouse.duckdb"
    load_folder(folder, path)
    return path


def expected_retention(raw: pd.DataFrame) -> pd.DataFrame:
    """Every (cohort, period) row, computed from the raw log with plain pandas."""
    df = pd.DataFrame({
        "customer": raw["customer_id"],
        "month": raw["date"].str[:4].astype(int) * 12 + raw["date"].str[4:6].astype(int) - 1,
        "amount": raw["amount"].astype(float),
    })
    cohort = df.groupby("customer")["month"].min().rename("cohort")
    df = df.join(cohort, on="customer")
    df["period"] = df["month"] - df["cohort"]
    last_period = df.groupby("customer")["period"].max()
    last_month = df["month"].max()
    sizes = cohort.value_counts()
    rows = []
    for c in sorted(sizes.index):
        members = df[df["cohort"] == c]
        lasts = last_period[cohort == c]
        for k in range(0, last_month - c + 1):
            in_k = members[members["period"] == k]
            rows.append({
                "cohort": c,
                "period": k,
                "cohort_size": int(sizes[c]),
                "bounded": in_k["customer"].nunique(),
                "unbounded": int((lasts >= k).sum()),
                "revenue": float(in_k["amount"].sum()),
            })
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def expected(raw) -> pd.DataFrame:
    return expected_retention(raw)


def _view(warehouse: Path, mode: str) -> pd.DataFrame:
    con = open_readonly(warehouse)
    try:
        return retention(con, Filters(), mode=mode)
    finally:
        con.close()


def _month_index(values) -> pd.Series:
    ts = pd.to_datetime(pd.Series(values))
    return ts.dt.year * 12 + ts.dt.month - 1


def test_raw_log_facts(raw):
    assert len(raw) == 69_659
    assert raw["customer_id"].nunique() == 23_570
    assert raw["date"].min() == "19970101" and raw["date"].max() == "19980630"
    amounts = raw["amount"].astype(float)
    assert (amounts == 0).sum() > 0  # the zero-amount rows the comparison must count


def test_everything_loads(raw, warehouse):
    con = open_readonly(warehouse)
    try:
        n, customers, revenue = con.execute(
            "SELECT count(*), count(DISTINCT customer_id), sum(revenue) FROM orders").fetchone()
        listed = con.execute("SELECT count(*) FROM customer_facts").fetchone()[0]
        loaded = dict(con.execute("SELECT table_name, rows FROM pitwall_tables").fetchall())
    finally:
        con.close()
    assert n == len(raw) == 69_659
    assert customers == listed == 23_570
    assert revenue == pytest.approx(raw["amount"].astype(float).sum(), rel=1e-12)
    assert loaded == {"orders": 69_659}


@pytest.mark.parametrize("mode", ["bounded", "unbounded"])
def test_retention_matches_pandas(warehouse, expected, mode):
    got = _view(warehouse, mode)
    got = got.assign(cohort=_month_index(got["cohort_month"]).to_numpy())
    got = got.sort_values(["cohort", "period"]).reset_index(drop=True)
    want = expected.sort_values(["cohort", "period"]).reset_index(drop=True)

    keys_got = list(zip(got["cohort"], got["period"].astype(int), strict=True))
    keys_want = list(zip(want["cohort"], want["period"], strict=True))
    assert keys_got == keys_want  # the same (cohort_month, period) rows, none missing or extra

    active = want[mode]
    np.testing.assert_array_equal(got["cohort_size"].astype(int), want["cohort_size"])
    np.testing.assert_array_equal(got["active_customers"].astype(int), active)
    np.testing.assert_allclose(got["retention_rate"].astype(float),
                               active / want["cohort_size"], rtol=1e-12)
    np.testing.assert_allclose(got["revenue"].astype(float), want["revenue"],
                               rtol=1e-9, atol=1e-6)


def test_cohorts_are_january_to_march_1997(warehouse, expected):
    got = _view(warehouse, "bounded")
    cohorts = sorted(pd.to_datetime(got["cohort_month"]).dt.strftime("%Y-%m").unique())
    assert cohorts == ["1997-01", "1997-02", "1997-03"]
    first = got[got["period"] == 0]
    assert int(first["cohort_size"].sum()) == 23_570
    assert dict(zip(pd.to_datetime(first["cohort_month"]).dt.strftime("%Y-%m"),
                    first["cohort_size"].astype(int), strict=True)) == {
        "1997-01": 7_846, "1997-02": 8_476, "1997-03": 7_248}
    # Everyone buys in their cohort month; the log ends in June 1998.
    assert (first["retention_rate"] == 1.0).all()
    assert got.groupby("cohort_month")["period"].max().tolist() == [17, 16, 15]


def test_unbounded_never_below_bounded(warehouse):
    bounded = _view(warehouse, "bounded")
    unbounded = _view(warehouse, "unbounded")
    assert (unbounded["active_customers"].to_numpy()
            >= bounded["active_customers"].to_numpy()).all()
    # Unbounded retention only falls as the period grows.
    for _, grp in unbounded.groupby("cohort_month"):
        assert grp.sort_values("period")["active_customers"].is_monotonic_decreasing


def test_zero_amount_orders_count_as_active(raw, warehouse):
    """A customer whose only purchases in a month were $0.00 is still active that month."""
    df = raw.assign(amount=raw["amount"].astype(float), month=raw["date"].str[:6])
    by_month = df.groupby(["customer_id", "month"])["amount"].sum()
    zero = by_month[by_month == 0]
    assert len(zero) > 0
    customer, month = zero.index[0]
    con = open_readonly(warehouse)
    try:
        hits = con.execute(
            "SELECT count(*), sum(revenue) FROM customer_months WHERE customer_id = ? "
            "AND strftime(cohort_month + to_months(period), '%Y%m') = ?",
            [customer, month]).fetchone()
    finally:
        con.close()
    assert hits == (1, 0.0)
