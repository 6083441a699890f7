"""The demo's Net Promoter Score answers, drawn from what customers go on to do.

Behaviour is not changed: a customer's answer is drawn from whether they are *loyal* in the
generated orders (LOYAL_RATE repeat orders a month or more since their first order), so
promoters really do keep buying more often
(the truth is written to ``truth["nps"]``). Draws come from their own random stream, so
every other demo figure stays as it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAY = 86_400
YEAR = 365 * DAY
MONTH = 30.44 * DAY
LOYAL_RATE = 0.5  # a loyal customer orders again at least every other month on average
ANSWER_SHARE = 0.3  # customers asked after their first order who answer
AGAIN_SHARE = 0.35  # of those, who answer again a year later
FIRST_DELAY_DAYS = (14, 180)  # the survey reaches a customer this long after the first order
# P(promoter, passive, detractor) for loyal and for other customers
GROUP_NAMES = ("promoter", "passive", "detractor")
GROUP_P = {"loyal": (0.6, 0.28, 0.12), "other": (0.25, 0.35, 0.40)}
SCORES = (np.array([9, 10]), np.array([7, 8]), np.arange(0, 7))
SCORE_P = (
    np.array([0.55, 0.45]),
    np.array([0.45, 0.55]),
    np.array([0.03, 0.03, 0.05, 0.09, 0.15, 0.27, 0.38]),
)
COMMENT_SHARE = 0.4
COMMENTS = (
    ("Great service", "Fast delivery, as always", "Our go-to supplier", "Very helpful staff"),
    ("Fine", "Good products, prices could be better", "OK", "Delivery took a while"),
    ("Late delivery", "Nobody called back", "Too expensive", "Wrong parts delivered"),
)


def answers(
    rng: np.random.Generator, customer_ids, order_cust, order_t, end_s: int
) -> tuple[pd.DataFrame, dict]:
    """NPS answers (customer_id, answered_at, score, comment) and their truth.

    `order_cust` indexes `customer_ids`; `order_t` are the orders' epoch seconds."""
    n = len(customer_ids)
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.zeros(n, np.int64)
    count = np.bincount(order_cust, minlength=n)
    np.minimum.at(first, order_cust, order_t)
    np.maximum.at(last, order_cust, order_t)
    bought = count > 0
    # repeat orders per month since the first: fair to new and old customers alike
    months = np.maximum((end_s - np.minimum(first, end_s)) / MONTH, 1.0)
    loyal = bought & ((count - 1) / months >= LOYAL_RATE)

    asked = np.flatnonzero(bought & (rng.random(n) < ANSWER_SHARE))
    low, high = FIRST_DELAY_DAYS
    t1 = first[asked] + (rng.uniform(low, high, len(asked)) * DAY).astype(np.int64)
    again = rng.random(len(asked)) < AGAIN_SHARE
    t2 = t1 + YEAR + (rng.uniform(-30, 30, len(asked)) * DAY).astype(np.int64)
    who = np.concatenate([asked, asked[again]])
    when = np.concatenate([t1, t2[again]])
    keep = when <= end_s
    who, when = who[keep], when[keep]

    p = np.where(loyal[who, None], GROUP_P["loyal"], GROUP_P["other"])
    u = rng.random(len(who))
    group = (u >= p[:, 0]).astype(np.int64) + (u >= p[:, 0] + p[:, 1])
    score = np.zeros(len(who), np.int64)
    comment = np.full(len(who), None, dtype=object)
    with_comment = rng.random(len(who)) < COMMENT_SHARE
    for g in range(3):
        rows = np.flatnonzero(group == g)
        score[rows] = rng.choice(SCORES[g], len(rows), p=SCORE_P[g])
        picked = rng.integers(0, len(COMMENTS[g]), len(rows))
        texts = np.array(COMMENTS[g], dtype=object)[picked]
        comment[rows] = np.where(with_comment[rows], texts, None)

    order = np.argsort(when, kind="stable")
    frame = pd.DataFrame(
        {
            "customer_id": np.asarray(customer_ids)[who[order]],
            "answered_at": pd.to_datetime(when[order], unit="s"),
            "score": pd.array(score[order], dtype="Int64"),
            "comment": pd.Series(comment[order], dtype=object),
        }
    )
    truth = {
        "answer_share": ANSWER_SHARE,
        "again_share": AGAIN_SHARE,
        "loyal": f"at least {LOYAL_RATE} repeat orders per month since the first order "
        "(months of 30.44 days to the data's end, at least one)",
        "group_given_loyal": dict(zip(GROUP_NAMES, GROUP_P["loyal"], strict=True)),
        "group_given_other": dict(zip(GROUP_NAMES, GROUP_P["other"], strict=True)),
        "loyal_share_of_buyers": float(loyal[bought].mean()) if bought.any() else None,
    }
    return frame, truth
