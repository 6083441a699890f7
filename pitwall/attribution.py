"""Attribution models: how an order's revenue is shared over the touches of its path.

The path and the shares are SQL (`order_paths` and `credit_share` in
queries/build/00_macros.sql); this module names the models and checks the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pitwall.filters import FilterError
from pitwall.metrics import derive, ratio


@dataclass(frozen=True)
class Model:
    name: str
    label: str
    description: str


MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        Model(
            "last",
            "Last touch",
            "100 % to the last touch: the order's own campaign, else its latest touchpoint.",
        ),
        Model("first", "First touch", "100 % to the first touch in the lookback."),
        Model("linear", "Linear", "Equal shares to every touch."),
        Model(
            "position",
            "Position based",
            "40 % first, 40 % last, 20 % split over the middle (one touch: 100 %; two: 50/50).",
        ),
        Model(
            "time_decay",
            "Time decay",
            "Weight 2^(−days before the order / 7): a touch a week older counts half.",
        ),
    )
}
DEFAULT_MODEL = "last"
DEFAULT_LOOKBACK = 30
MAX_LOOKBACK = 365
LOOKBACK_CHOICES = (0, 7, 14, 30, 60, 90)  # the page's choices; the CLI takes any in range


def check(model: str, lookback_days: int) -> None:
    if model not in MODELS:
        raise FilterError(f"attribution model must be one of {', '.join(MODELS)}, not {model!r}")
    if (
        isinstance(lookback_days, bool)
        or not isinstance(lookback_days, int)
        or not 0 <= lookback_days <= MAX_LOOKBACK
    ):
        raise FilterError(
            f"the lookback must be a whole number of days from 0 to {MAX_LOOKBACK}, "
            f"not {lookback_days!r}"
        )


def params(model: str = DEFAULT_MODEL, lookback_days: int = DEFAULT_LOOKBACK) -> dict:
    check(model, lookback_days)
    return {"model": model, "lookback_days": lookback_days}


def compare(roi: pd.DataFrame, credited: pd.DataFrame) -> pd.DataFrame:
    """Every model's credited revenue and ROAS per channel, in long form: one row per channel
    and model, every channel of the ROI view under every model. `roi` is the Channel ROI
    view under any model (its spend does not depend on one); `credited` is model_credits."""
    roi = roi[["channel", "kind", "spend"]]
    channels = pd.concat([roi[["channel", "kind"]], credited[["channel", "kind"]]])
    channels = channels.drop_duplicates().merge(roi, how="left").fillna({"spend": 0.0})
    grid = channels.merge(pd.Series(list(MODELS), name="model"), how="cross")
    df = grid.merge(credited, on=["channel", "kind", "model"], how="left")
    df["revenue"] = df["revenue"].fillna(0.0)
    return derive(df, ["roas"]).sort_values(["channel", "model"], ignore_index=True)


def labelled(models: pd.DataFrame) -> pd.DataFrame:
    """The side-by-side frame with each model's label, its place in MODELS (for charts), and
    `vs_last`: the channel's credited revenue against last touch (+0.5 = half as much more)."""
    order = {name: i for i, name in enumerate(MODELS)}
    last = models.loc[models["model"] == DEFAULT_MODEL].set_index("channel")["revenue"]
    return models.assign(
        model_label=models["model"].map(lambda m: MODELS[m].label),
        model_order=models["model"].map(order),
        vs_last=ratio(models["revenue"], models["channel"].map(last)) - 1,
    )


def side_by_side(models: pd.DataFrame) -> pd.DataFrame:
    """One row per channel: spend, then revenue and ROAS under each model."""
    wide = models.pivot(
        index=["channel", "kind", "spend"], columns="model", values=["revenue", "roas"]
    )
    wide.columns = [f"{value}_{model}" for value, model in wide.columns]
    ordered = [f"{value}_{m}" for m in MODELS for value in ("revenue", "roas")]
    return wide[[c for c in ordered if c in wide]].reset_index()
