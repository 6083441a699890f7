"""Properties of the synthetic demo business (pitwall.demo)."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from pitwall import demo
from pitwall.load import load_folder

END = dt.date(2026, 11, 21)
START = pd.Timestamp("2023-11-01")
LAST = pd.Timestamp("2026-10-31 23:59:59")


@pytest.fixture(scope="module")
def data() -> demo.DemoData:
    return demo.generate(scale=1, seed=7, end=END)


@pytest.fixture(scope="module")
def t(data) -> dict[str, pd.DataFrame]:
    return data.tables


@pytest.fixture(scope="module")
def spend(t) -> pd.DataFrame:
    """Spend with channel, kind and model year (0..2, 12-month blocks from the start)."""
    s = t["spend"].merge(t["campaigns"][["campaign_id", "channel"]], on="campaign_id")
    s = s.merge(t["channels"][["channel", "kind"]], on="channel")
    months = (s.date.dt.year - START.year) * 12 + s.date.dt.month - START.month
    return s.assign(month=months, year=months // 12)


def test_deterministic_and_seed_dependent(data):
    again = demo.generate(scale=1, seed=7, end=END)
    assert data.tables.keys() == again.tables.keys()
    for name, frame in data.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name], obj=name)
    assert data.truth == again.truth
    other = demo.generate(scale=1, seed=8, end=END)
    assert not other.tables["orders"].revenue.equals(data.tables["orders"].revenue)


def test_window_is_36_whole_months():
    assert demo._window(END).start == dt.date(2023, 11, 1)
    assert demo._window(END).end == dt.date(2026, 10, 31)
    # A month's last day counts as complete.
    assert demo._window(dt.date(2026, 10, 31)).end == dt.date(2026, 10, 31)
    assert demo._window(dt.date(2026, 11, 1)).end == dt.date(2026, 10, 31)
    assert demo._window(dt.date(2024, 3, 1)).start == dt.date(2021, 3, 1)


def test_all_events_inside_window(t, data):
    assert (data.truth["start"], data.truth["end"]) == ("2023-11-01", "2026-10-31")
    for name, col in [("spend", "date"), ("leads", "created_at"), ("lead_stages", "entered_at"),
                      ("customers", "acquired_at"), ("orders", "ordered_at")]:
        values = t[name][col]
        assert values.min() >= START, name
        assert values.max() <= LAST, name
    assert t["spend"].date.min() == START
    assert t["spend"].date.max() == pd.Timestamp("2026-10-31")
    assert (t["campaigns"].start_date <= t["campaigns"].end_date).all()
    months = pd.date_range(START, periods=36, freq="MS")
    assert list(t["targets"].month) == list(months)
    assert len(t["budgets"]) == 36 * len(t["channels"])
    assert set(t["budgets"].month) == set(months)


def test_keys_and_referential_integrity(t):
    campaigns = set(t["campaigns"].campaign_id)
    assert t["campaigns"].campaign_id.is_unique
    assert t["campaigns"].campaign_id.str.fullmatch(r"C\d{4}").all()
    assert set(t["campaigns"].channel) <= set(t["channels"].channel)
    assert set(t["budgets"].channel) == set(t["channels"].channel)
    for name in ("spend", "leads", "customers", "orders"):
        assert set(t[name].campaign_id.dropna()) <= campaigns, name
    for name, key in [("leads", "lead_id"), ("customers", "customer_id"), ("orders", "order_id")]:
        assert t[name][key].is_unique, name
    assert set(t["orders"].customer_id) <= set(t["customers"].customer_id)
    assert set(t["lead_stages"].lead_id) == set(t["leads"].lead_id)
    won_customers = t["leads"].customer_id.dropna()
    assert won_customers.is_unique
    assert set(won_customers) <= set(t["customers"].customer_id)
    assert not t["spend"].duplicated(["date", "campaign_id"]).any()
    assert t["spend"].date.is_monotonic_increasing


def test_columns_and_values(t):
    expected = {
        "channels": ["channel", "kind", "group"],
        "campaigns": ["campaign_id", "channel", "campaign_name", "segment", "region",
                      "start_date", "end_date"],
        "spend": ["date", "campaign_id", "amount", "impressions", "clicks"],
        "budgets": ["month", "channel", "amount"],
        "targets": ["month", "online_share"],
        "leads": ["lead_id", "created_at", "campaign_id", "customer_id", "segment", "region",
                  "source"],
        "lead_stages": ["lead_id", "stage", "entered_at"],
        "funnel_stages": ["stage", "position"],
        "customers": ["customer_id", "acquired_at", "campaign_id", "segment", "region"],
        "orders": ["order_id", "customer_id", "ordered_at", "revenue", "gross_margin",
                   "campaign_id", "sales_channel"],
        "touchpoints": ["customer_id", "touched_at", "campaign_id"],
        "nps": ["customer_id", "answered_at", "score", "comment"],
    }
    assert {k: list(v.columns) for k, v in t.items()} == expected
    assert set(t["channels"].kind) == {"online", "offline"}
    assert list(t["funnel_stages"].stage) == list(demo.STAGES)
    assert set(t["campaigns"].segment) == {"B2B", "B2C"}
    assert set(t["customers"].region) == {"North", "South", "East", "West"}
    assert set(t["orders"].sales_channel) == {"webshop", "field sales", "phone"}
    s = t["spend"]
    assert (s.amount >= 0).all() and np.allclose(s.amount, s.amount.round(2))
    assert str(s.impressions.dtype) == "Int64" and str(s.clicks.dtype) == "Int64"
    online = s.campaign_id.isin(
        t["campaigns"].campaign_id[t["campaigns"].channel.isin(
            t["channels"].channel[t["channels"].kind == "online"])])
    assert s.impressions[online].notna().all() and s.impressions[~online].isna().all()
    assert (s.clicks[online] <= s.impressions[online]).all()
    o = t["orders"]
    assert (o.revenue > 0).all() and np.allclose(o.revenue, o.revenue.round(2))
    assert 0.3 < o.gross_margin.sum() / o.revenue.sum() < 0.45


def test_spend_mix_and_seasonality(spend):
    share = spend.groupby("channel").amount.sum() / spend.amount.sum()
    assert 0.25 <= share["Trade fairs"] <= 0.42
    assert 0.06 <= share["Print"] <= 0.15
    yearly = spend.groupby("year").amount.sum()
    assert (yearly > 2e6).all() and (yearly < 8e6).all()
    fairs = spend[spend.channel == "Trade fairs"]
    peak = fairs.date.dt.month.isin([3, 4, 9, 10])
    assert fairs.amount[peak].sum() / fairs.amount.sum() > 0.7
    catalogue = spend[spend.channel == "Print"].groupby(spend.date.dt.month).amount.sum()
    assert catalogue.idxmax() in (1, 9)


def test_online_grows_and_share_rises(spend, t):
    by_year = spend.groupby(["year", "kind"]).amount.sum().unstack()
    assert 1.25 <= by_year.online[2] / by_year.online[0] <= 1.6
    assert 0.85 <= by_year.offline[2] / by_year.offline[0] <= 1.15
    online_share = by_year.online / by_year.sum(axis=1)
    assert online_share.is_monotonic_increasing and online_share[0] < 0.3
    # Targets rise year by year and the actual share stays near them, but not on them.
    targets = t["targets"].groupby(t["targets"].month.dt.year).online_share.first()
    assert targets.is_monotonic_increasing and targets.iloc[-1] > targets.iloc[0]
    calendar = spend.groupby([spend.date.dt.year, "kind"]).amount.sum().unstack()
    gap = (calendar.online / calendar.sum(axis=1) - targets)[[2024, 2025]]
    assert (gap.abs() < 0.05).all() and (gap.abs() > 0.001).all()


def test_budgets_missed_both_ways(spend, t):
    actual = spend.assign(month=spend.date.dt.to_period("M").dt.to_timestamp())
    actual = actual.groupby(["month", "channel"]).amount.sum().rename("actual")
    b = t["budgets"].join(actual, on=["month", "channel"]).fillna({"actual": 0.0})
    b = b[b.amount > 0]
    miss = b.actual / b.amount - 1
    assert (miss > 0.05).mean() > 0.15 and (miss < -0.05).mean() > 0.15
    assert 0.05 < miss.abs().median() < 0.25
    assert miss.abs().max() < 0.5


def test_funnel_rows(t):
    leads, stages = t["leads"], t["lead_stages"]
    first = stages.groupby("lead_id").first()
    assert (first.stage == "identified").all()
    created = leads.set_index("lead_id").created_at
    assert (first.entered_at == created.loc[first.index]).all()
    assert (stages.stage == "identified").sum() == len(leads)
    # Later stages strictly after creation and in increasing position; lost is the last row.
    pos = stages.stage.map({**dict(zip(demo.STAGES, range(1, 7), strict=True)), "lost": 7})
    same = stages.lead_id.eq(stages.lead_id.shift())
    assert (stages.entered_at.diff()[same] > pd.Timedelta(0)).all()
    assert (pos.diff()[same] > 0).all()
    assert not stages.duplicated(["lead_id", "stage"]).any()
    assert not (stages.lead_id.isin(stages.lead_id[stages.stage == "won"])
                & (stages.stage == "lost")).any()
    won = set(stages.lead_id[stages.stage == "won"])
    assert won == set(leads.lead_id[leads.customer_id.notna()])


def test_funnel_shape(t):
    stages = t["lead_stages"]
    reached = stages.groupby("stage").lead_id.nunique()
    counts = [reached[s] for s in demo.STAGES]
    assert counts == sorted(counts, reverse=True) and counts[-1] > 0
    n = len(t["leads"])
    visited = stages.pivot_table(index="lead_id", columns="stage", values="entered_at",
                                 aggfunc="size", fill_value=0)
    elevated = (visited.qualified == 0) & ((visited.presented + visited.offer) > 0)
    assert 0.02 < elevated.sum() / n < 0.12
    assert 0.5 < (visited.lost > 0).sum() / n < 0.95
    # Won leads' customers were acquired at the won time.
    won = stages[stages.stage == "won"].set_index("lead_id").entered_at
    cust = t["leads"].dropna(subset=["customer_id"]).set_index("lead_id").customer_id
    acquired = t["customers"].set_index("customer_id").acquired_at
    assert (acquired.loc[cust.loc[won.index].to_numpy()].to_numpy() == won.to_numpy()).all()


def test_sizes(t):
    # about 15,000 of the orders are the marketing-mix lift (demo.py: orders of active
    # customers that spend brings through adstock and saturation), added for the budget planner
    assert 95_000 <= len(t["orders"]) <= 130_000
    assert 15_000 <= len(t["customers"]) <= 25_000
    assert 12_000 <= len(t["leads"]) <= 35_000
    assert 0.005 < t["customers"].campaign_id.isna().mean() < 0.06


def test_scale_multiplies_counts_only(t):
    big = demo.generate(scale=2, seed=7, end=END).tables
    for name in ("orders", "customers", "leads"):
        assert 1.8 <= len(big[name]) / len(t[name]) <= 2.2, name
    for name in ("channels", "campaigns", "spend", "budgets", "targets"):
        pd.testing.assert_frame_equal(big[name], t[name], obj=name)


def test_orders_follow_customers(t):
    o = t["orders"].merge(t["customers"], on="customer_id", suffixes=("", "_acq"))
    assert (o.ordered_at >= o.acquired_at).all()
    first = o.sort_values(["ordered_at", "order_id"]).drop_duplicates("customer_id")
    assert len(first) == len(t["customers"])  # everybody ordered ...
    same_month = first.ordered_at.dt.to_period("M") == first.acquired_at.dt.to_period("M")
    assert same_month.all()  # ... in the acquisition month
    assert first.campaign_id.fillna("-").eq(first.campaign_id_acq.fillna("-")).all()
    aov = o.groupby("segment").revenue.mean()
    assert aov["B2B"] > 3 * aov["B2C"]


def test_repeat_orders_credited_to_running_touch_campaigns(t):
    o = t["orders"].merge(t["customers"][["customer_id", "acquired_at"]], on="customer_id")
    o = o.sort_values(["customer_id", "ordered_at", "order_id"])
    repeat = o[o.customer_id.duplicated()]
    credited = repeat.dropna(subset=["campaign_id"]).merge(t["campaigns"], on="campaign_id")
    assert 0.1 < len(credited) / len(repeat) < 0.6
    assert set(credited.channel) == {"Paid search", "Email newsletter", "Messaging"}
    day = credited.ordered_at.dt.normalize()
    assert ((credited.start_date <= day) & (day <= credited.end_date)).all()


def _measured_retention(t, k: int) -> pd.Series:
    """Per acquisition channel: share of customers with an order in month k after acquisition."""
    c = t["customers"].merge(t["campaigns"][["campaign_id", "channel"]], on="campaign_id")
    m0 = c.acquired_at.dt.year * 12 + c.acquired_at.dt.month
    c = c.assign(m0=m0)[m0 + k <= LAST.year * 12 + LAST.month]
    o = t["orders"].merge(c[["customer_id", "channel", "m0"]], on="customer_id")
    months = o.ordered_at.dt.year * 12 + o.ordered_at.dt.month - o.m0
    active = o[months == k].groupby("channel").customer_id.nunique()
    return (active / c.groupby("channel").size()).fillna(0.0)


def test_retention_matches_truth(t, data):
    truth = {ch: v["retention_curve"][6] for ch, v in data.truth["channels"].items()}
    loyal, fickle = max(truth, key=truth.get), min(truth, key=truth.get)
    measured = _measured_retention(t, 6)
    assert measured[loyal] > measured[fickle] + 0.25
    # Channels with many customers land close to their true p(6).
    big = t["customers"].merge(t["campaigns"], on="campaign_id").channel.value_counts()
    for ch in big.index[big > 1500]:
        assert abs(measured[ch] - truth[ch]) < 0.05, ch
    assert (_measured_retention(t, 0) == 1.0).all()


def test_truth_is_json_and_complete(data):
    truth = json.loads(json.dumps(data.truth))
    assert truth["seed"] == 7 and truth["scale"] == 1
    assert 0.15 < truth["online_growth_rate"] < 0.25
    shares = list(truth["target_online_share"].values())
    assert shares == sorted(shares) and shares[-1] > shares[0]
    assert set(truth["channels"]) == set(data.tables["channels"].channel)
    for ch, v in truth["channels"].items():
        curve = v["retention_curve"]
        assert len(curve) == 13 and curve[0] == 1.0, ch
        assert all(a >= b for a, b in zip(curve[1:], curve[2:], strict=False)), ch
        assert len(v["stage_conversion"]) == 5 and 0 < v["win_rate"] < 1, ch
        assert v["cost_per_lead_eur"]["B2B"] > 0 and v["avg_order_value_eur"]["B2B"] > 0, ch


def test_lead_sources_follow_the_channel_and_tell_of_the_outcome(data, t):
    """leads.source is drawn from its own stream (seed, 16): by channel group
    (truth["lead_sources"]["mix"]), a won lead with the odds of `won_odds`."""
    leads = t["leads"].merge(t["campaigns"][["campaign_id", "channel"]], on="campaign_id")
    won = set(t["lead_stages"].lead_id[t["lead_stages"].stage == "won"])
    leads["won"] = leads["lead_id"].isin(won)
    assert set(leads["source"]) == {"marketing", "sales", "partner", "service", "other"}
    share = leads.groupby("channel")["source"].apply(lambda s: (s == "sales").mean())
    mix = data.truth["lead_sources"]["mix"]
    # Telesales: 75 % sales-sourced before the won leads' odds; Paid search 3 %
    assert share["Telesales"] > 0.7 and share["Paid search"] < 0.06
    assert mix["Telesales"]["sales"] == 0.75
    # odds of 2.5 (partner) against 1.0 (marketing) among won leads: partner leads close
    # about 2.5 times as often within a channel
    fairs = leads[leads["channel"] == "Trade fairs"].groupby("source")["won"].mean()
    assert 1.8 < fairs["partner"] / fairs["marketing"] < 3.4


def test_a_demo_above_the_generated_scale_is_written_as_copies(tmp_path, monkeypatch):
    """Scale 1000 is ten copies of scale 100: here three copies of scale 0.1, each under its
    own ids (keys stay unique), one set of campaigns, spending what the three spend."""
    import duckdb

    from pitwall import demo_build

    one = demo_build.write_files(tmp_path / "one", scale=0.1, seed=4)
    monkeypatch.setattr(demo_build, "MAX_GENERATED", 0.1)
    three = demo_build.write_files(tmp_path / "three", scale=0.3, seed=4)
    con = duckdb.connect()

    def read(folder, sql):
        return con.execute(sql.replace("T(", f"read_csv('{folder}/").replace(")T", ".csv')"))

    for table, key in [("orders", "order_id"), ("leads", "lead_id"), ("customers", "customer_id")]:
        n1 = read(one, f"SELECT count(*) FROM T({table})T").fetchone()[0]
        sql = f"SELECT count(*), count(DISTINCT {key}) FROM T({table})T"
        n3, distinct = read(three, sql).fetchone()
        assert (n3, distinct) == (3 * n1, 3 * n1), table
    for folder, factor in [(one, 1), (three, 3)]:
        rows, amount = read(folder, "SELECT count(*), sum(amount) FROM T(spend)T").fetchone()
        base_rows, base = read(one, "SELECT count(*), sum(amount) FROM T(spend)T").fetchone()
        assert rows == base_rows and amount == pytest.approx(factor * base)
    # every copied order's customer is a customer of the same copy
    orphans = read(
        three,
        "SELECT count(*) FROM T(orders)T o WHERE NOT EXISTS "
        "(SELECT 1 FROM T(customers)T c WHERE c.customer_id = o.customer_id)",
    ).fetchone()[0]
    assert orphans == read(
        one,
        "SELECT 3 * count(*) FROM T(orders)T o WHERE NOT EXISTS "
        "(SELECT 1 FROM T(customers)T c WHERE c.customer_id = o.customer_id)",
    ).fetchone()[0]
    report = load_folder(three, tmp_path / "w.duckdb")
    loaded = dict(zip(report.tables.table_name, report.tables.rows, strict=True))
    assert loaded["orders"] == 3 * read(one, "SELECT count(*) FROM T(orders)T").fetchone()[0]
