"""Attribution models on the golden business with touchpoints, against figures worked by hand.

tests/golden_touchpoints/touchpoints.csv adds 15 touches to the golden business (see
tests/golden/README.md, "Touchpoints"). With the default 30-day lookback the paths are
(days before the order in brackets; `+` = the order's own campaign appended at ordered_at):

    o1  200  social(21) events(14) search_b2c(7) +search_b2b(0)   k1's print touch is 42 days
                                                                   back: outside the lookback
    o2  150  events(14) search_b2b(7)          its campaign is already the last touch
    o3  120  social                o4   80  social(14) +search_b2c
    o5  500  events                o6  300  print(30, exactly on the boundary) +events
                                            (k3's social touch 1 s earlier is outside)
    o7   90  search                o8   60  social(14) events(7)    no campaign of its own
    o9   30  search                o10  60  social
    o11  40  social(7) social(0)   no campaign; the same channel twice
    o12 250  search(7) +referral   o13 100  referral (k7's touch 73 days back: outside)
    o14  70  (empty path: no campaign, no touch in 30 days) -> unattributed under every model
    o15   0  social (k2's touch 32 days back: outside)

Revenue in all: 2,050; attributable (non-empty paths): 2,050 - 70 = 1,980.
Spend per channel (golden): search 480, social 185, events 340, print 500, referral 0.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from pitwall import attribution, views
from pitwall.filters import Filters

D = dt.date
TOTAL, ATTRIBUTABLE, LOOSE = 2050.0, 1980.0, 70.0
W = 2 ** (-30 / 7)  # time-decay weight of o6's print touch, 30 days before the order

# Credited revenue per channel, full range, 30-day lookback, summed order by order:
EXPECTED = {
    # search: o1 200 + o2 150 + o4 80 + o7 90 + o9 30 = 550; social: o3 120 + o10 60
    # + o11 40 (last touch t10) + o15 0 = 220; events: o5 500 + o6 300 + o8 60 (t8) = 860;
    # referral: o12 250 + o13 100 = 350; print: nothing last.
    "last": {"search": 550, "social": 220, "events": 860, "referral": 350, "print": 0},
    # search: o7 90 + o9 30 + o12 250 (t13) = 370; social: o1 200 + o3 120 + o4 80 + o8 60
    # + o10 60 + o11 40 + o15 0 = 560; events: o2 150 + o5 500 = 650; print: o6 300 (t11);
    # referral: o13 100.
    "first": {"search": 370, "social": 560, "events": 650, "referral": 100, "print": 300},
    # equal shares. o1: 50 each to social, events, search_b2c, search_b2b (search 100);
    # o2: 75/75; o4: 40/40; o6: 150/150; o8: 30/30; o11: 20+20 social; o12: 125/125.
    # search: 100 + 75 + 40 + 90 + 30 + 125 = 460; social: 50 + 120 + 40 + 30 + 60 + 40 + 0
    # = 340; events: 50 + 75 + 500 + 150 + 30 = 805; print: 150; referral: 125 + 100 = 225.
    "linear": {"search": 460, "social": 340, "events": 805, "referral": 225, "print": 150},
    # o1 has four touches: 40 % social = 80, 10 % events = 20, 10 % search_b2c = 20,
    # 40 % search_b2b = 80. Two-touch paths split 50/50 as in linear.
    # search: 100 + 75 + 40 + 90 + 30 + 125 = 460; social: 80 + 120 + 40 + 30 + 60 + 40 = 370;
    # events: 20 + 75 + 500 + 150 + 30 = 775; print: 150; referral: 225.
    "position": {"search": 460, "social": 370, "events": 775, "referral": 225, "print": 150},
    # weights 2^(-days/7): o1 1/8, 1/4, 1/2, 1 (sum 15/8): social 200/15 = 13.33, events
    # 26.67, search 160; o2 1/4, 1/2: events 50, search 100; o4 1/4, 1: social 16, search
    # 64; o6 W, 1: print 300W/(1+W), events 300/(1+W); o8 1/4, 1/2: social 20, events 40;
    # o12 1/2, 1: search 83.33, referral 166.67.
    # search: 160 + 100 + 64 + 90 + 30 + 250/3 = 527.33; social: 40/3 + 120 + 16 + 20 + 60
    # + 40 = 269.33; events: 80/3 + 50 + 500 + 300/(1+W) + 40; print: 300W/(1+W);
    # referral: 500/3 + 100.
    "time_decay": {
        "search": 444 + 250 / 3,
        "social": 256 + 40 / 3,
        "events": 590 + 80 / 3 + 300 / (1 + W),
        "referral": 100 + 500 / 3,
        "print": 300 * W / (1 + W),
    },
}
SPEND = {"search": 480, "social": 185, "events": 340, "print": 500, "referral": 0}


def credited(con, f: Filters | None = None, **kw) -> dict[str, float]:
    df = views.channel_roi(con, f or Filters(), **kw)
    return dict(zip(df["channel"], df["revenue"], strict=True))


@pytest.mark.parametrize("model", list(attribution.MODELS))
def test_each_model_credits_what_was_worked_by_hand(touch_con, model):
    assert credited(touch_con, model=model) == pytest.approx(EXPECTED[model], abs=1e-9)


@pytest.mark.parametrize("model", list(attribution.MODELS))
def test_every_model_shares_out_exactly_the_attributable_revenue(touch_con, model):
    got = credited(touch_con, model=model)
    loose = views.unattributed(touch_con, Filters(), model=model)
    assert sum(got.values()) == pytest.approx(ATTRIBUTABLE)
    assert loose == {"orders": 1, "revenue": pytest.approx(LOOSE), "total_revenue": TOTAL}  # o14
    assert sum(got.values()) + loose["revenue"] == pytest.approx(TOTAL)


@pytest.mark.parametrize("model", list(attribution.MODELS))
@pytest.mark.parametrize("lookback", [0, 1, 7, 29, 30, 31, 60, 365])
def test_shares_of_every_path_sum_to_one(touch_con, model, lookback):
    # every golden order has its own ordered_at, so it names the order
    shares = touch_con.execute(
        "SELECT ordered_at, sum(sign * credit_share($m, step, steps, decay, decay_total)) "
        "FROM order_paths(NULL, NULL, $n) GROUP BY ordered_at",
        {"m": model, "n": lookback},
    ).fetchall()
    assert len(shares) == 15
    assert all(s == pytest.approx(1.0) for _, s in shares)
    got = credited(touch_con, model=model, lookback_days=lookback)
    loose = views.unattributed(touch_con, Filters(), model=model, lookback_days=lookback)
    assert sum(got.values()) + loose["revenue"] == pytest.approx(TOTAL)


def test_the_stored_default_paths_are_the_computed_ones(touch_con):
    # the build stores the 30-day paths; any other lookback computes them: both must agree
    assert attribution.DEFAULT_LOOKBACK == 30
    rows = "SELECT * FROM {} ORDER BY ALL"
    stored = touch_con.execute(rows.format("path_corrections_30")).fetchall()
    computed = touch_con.execute(rows.format("path_corrections(NULL, NULL, 30)")).fetchall()
    assert stored == computed
    # o1, o2, o4, o6, o8, o11, o12 have touches: 7 negated rows and 4 + 2 + 2 + 2 + 2 + 2 + 2
    # path rows (o1, o4, o6, o12 with their own campaign appended)
    assert len(stored) == 7 + 16


@pytest.mark.parametrize("model", list(attribution.MODELS))
def test_without_touchpoints_every_model_is_the_v1_last_touch_rule(golden_con, model):
    # orders.campaign_id only: search o1 200 + o2 150 + o4 80 + o7 90 + o9 30 = 550;
    # social o3 120 + o10 60 + o15 0 = 180; events o5 500 + o6 300 = 800; referral 350.
    assert credited(golden_con, model=model) == pytest.approx(
        {"search": 550, "social": 180, "events": 800, "referral": 350, "print": 0}
    )
    # o8 60 + o11 40 + o14 70 have no campaign
    assert views.unattributed(golden_con, Filters(), model=model) == {
        "orders": 3,
        "revenue": pytest.approx(170.0),
        "total_revenue": 2050,
    }


def test_an_order_whose_campaign_is_its_last_touch_is_not_appended_again(touch_con):
    f = Filters(D(2025, 3, 5), D(2025, 3, 5))  # o2 only: events(14) search_b2b(7), 150
    # two touches, not three: linear 75/75 (not 50 + 100), time decay 1/4 : 1/2
    assert credited(touch_con, f, model="linear") == {"events": 75, "search": 75}
    assert credited(touch_con, f, model="time_decay") == pytest.approx(
        {"events": 50, "search": 100}
    )
    assert credited(touch_con, f, model="position") == {"events": 75, "search": 75}


def test_a_four_touch_path_and_a_touch_outside_the_lookback(touch_con):
    f = Filters(D(2025, 1, 12), D(2025, 1, 12))  # o1 only, 200
    assert credited(touch_con, f, model="first") == {"social": 200}  # not print (42 days)
    assert credited(touch_con, f, model="position") == {"social": 80, "events": 20, "search": 100}
    assert credited(touch_con, f, model="linear") == {"social": 50, "events": 50, "search": 100}
    assert credited(touch_con, f, model="time_decay") == pytest.approx(
        {"social": 200 / 15, "events": 400 / 15, "search": 160}
    )
    # a 60-day lookback reaches the print touch: five touches, print first
    assert credited(touch_con, f, model="first", lookback_days=60) == {"print": 200}
    # 40 % first, 40 % last, 20 % over the three middle touches (6.67 % each: social,
    # events, search_b2c): print 80, social 13.33, events 13.33, search 13.33 + 80
    assert credited(touch_con, f, model="position", lookback_days=60) == pytest.approx(
        {"print": 80, "social": 40 / 3, "events": 40 / 3, "search": 80 + 40 / 3}
    )


def test_the_lookback_includes_its_first_moment_and_the_order_itself(touch_con):
    f = Filters(D(2025, 4, 2), D(2025, 4, 2))  # o6 300: print exactly 30 days before
    # (events gets nothing first-touch and has no spend, lead or customer that day: no row)
    assert credited(touch_con, f, model="first") == {"print": 300}
    assert credited(touch_con, f, model="time_decay") == pytest.approx(
        {"print": 300 * W / (1 + W), "events": 300 / (1 + W)}
    )
    # one day shorter and the print touch is gone
    assert credited(touch_con, f, model="first", lookback_days=29) == {"events": 300}
    # o11: its second touch is at the order's own moment; both are social
    # (print spent 80 that day: a row with no revenue)
    f = Filters(D(2025, 3, 25), D(2025, 3, 25))
    assert credited(touch_con, f, model="linear", lookback_days=0) == {"social": 40, "print": 0}
    assert credited(touch_con, f, model="time_decay") == {"social": 40, "print": 0}


def test_shorter_lookbacks(touch_con):
    # 7 days: o1 search_b2c(7) +search_b2b -> first search; o2 search_b2b(7); o4 +search_b2c;
    # o6 events; o8 events(7); o11 social(7) social(0); o12 search(7) +referral.
    # first: search 200 + 150 + 80 + 90 + 30 + 250 = 800; social 120 + 60 + 40 + 0 = 220;
    # events 500 + 300 + 60 = 860; referral o13 100.
    assert credited(touch_con, model="first", lookback_days=7) == {
        "search": 800,
        "social": 220,
        "events": 860,
        "referral": 100,
        "print": 0,
    }
    # 0 days: only touches at the order's own moment (o11's t10); o8 loses its path
    assert credited(touch_con, model="first", lookback_days=0) == {
        "search": 550,
        "social": 220,
        "events": 800,
        "referral": 350,
        "print": 0,
    }
    assert views.unattributed(touch_con, Filters(), model="first", lookback_days=0) == {
        "orders": 2,
        "revenue": pytest.approx(130.0),  # o8 60 + o14 70
        "total_revenue": 2050,
    }


def test_filters_pick_channels_after_the_whole_path_is_credited(touch_con):
    social = Filters(channels=("social",))
    assert credited(touch_con, social, model="first") == {"social": 560}
    offline = Filters(kind="offline")
    assert credited(touch_con, offline, model="linear") == {"events": 805, "print": 150}


def test_side_by_side_matches_each_model_and_divides_by_spend(touch_con):
    df = views.attribution_models(touch_con, Filters())
    assert len(df) == 5 * 5
    for model, expected in EXPECTED.items():
        rows = df[df["model"] == model].set_index("channel")
        assert rows["revenue"].to_dict() == pytest.approx(expected)
        for ch, spend in SPEND.items():
            roas = rows.loc[ch, "roas"]
            if spend:
                assert roas == pytest.approx(expected[ch] / spend)
            else:
                assert roas != roas  # referral has no spend: ROAS empty
    wide = attribution.side_by_side(df).set_index("channel")
    assert wide.loc["social", "revenue_first"] == 560
    assert wide.loc["social", "roas_first"] == pytest.approx(560 / 185)
    assert list(wide.columns[:4]) == ["kind", "spend", "revenue_last", "roas_last"]


def test_weekly_revenue_is_channel_rois_last_touch(touch_con):
    # W15 = 2025-04-07..13: o8 (60, no campaign) is credited to events by its last touch t8
    week = Filters(D(2025, 4, 7), D(2025, 4, 13))
    frame = views.weekly(touch_con, week)
    assert frame["revenue"].tolist() == [60.0]
    assert sum(credited(touch_con, week).values()) == 60.0


def export(warehouse, *args):
    return subprocess.run(
        [sys.executable, "-m", "pitwall", "export", "channel-roi", "--warehouse", str(warehouse)]
        + list(args),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_exports_a_model(touch_warehouse):
    proc = export(touch_warehouse, "--attribution", "position", "--lookback-days", "60")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "channel,kind,spend,revenue,roas,roi,leads,cpl,new_customers,cac"
    revenue = {line.split(",")[0]: float(line.split(",")[3]) for line in lines[1:]}
    # 60 days reach further back (position: 40 % first, 40 % last, 20 % over the middle):
    #   o1  print(42) social events search_b2c +search_b2b: 80, 13.33 x 3 middle, 80
    #   o2  search_b2c(59 d 23 h) events search_b2b: 60, 30, 60
    #   o6  social(30 d + 1 s) print(30) +events: 120, 60, 120
    #   o14 social print (both 48 days back): 35, 35 - no longer an empty path
    #   o15 social(32) and its own campaign c_social is that last touch: social 0
    #   the rest as with 30 days (o4 40/40, o8 30/30, o12 125/125; o13's touch is 73 days)
    # search: 80 + 40/3 + 120 + 40 + 90 + 30 + 125; social: 40/3 + 120 + 40 + 120 + 30 + 60
    # + 40 + 35 + 0; events: 40/3 + 30 + 500 + 120 + 30; print: 80 + 60 + 35; referral 225.
    assert revenue["search"] == pytest.approx(485 + 40 / 3)
    assert revenue["social"] == pytest.approx(445 + 40 / 3)
    assert revenue["events"] == pytest.approx(680 + 40 / 3)
    assert revenue["print"] == pytest.approx(175)
    assert revenue["referral"] == pytest.approx(225)
    assert sum(revenue.values()) == pytest.approx(TOTAL)  # every order has a path now


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--attribution", "u_shaped"], 2, "invalid choice: 'u_shaped'"),
        (["--lookback-days", "-1"], 2, "the lookback must be a whole number of days from 0 to"),
        (["--lookback-days", "366"], 2, "from 0 to 365, not 366"),
        (["--lookback-days", "7.5"], 2, "invalid int value"),
    ],
)
def test_cli_refuses_bad_settings(touch_warehouse, args, code, message):
    proc = export(touch_warehouse, *args)
    assert proc.returncode == code
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("bad", [-1, 366, 7.5, True, "30"])
def test_views_refuse_bad_lookbacks(touch_con, bad):
    with pytest.raises(ValueError, match="lookback"):
        views.channel_roi(touch_con, Filters(), lookback_days=bad)


def test_views_refuse_unknown_models(touch_con):
    with pytest.raises(ValueError, match="attribution model must be one of last, first"):
        views.channel_roi(touch_con, Filters(), model="data_driven")
