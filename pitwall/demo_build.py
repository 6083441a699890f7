"""Write the demo business into a warehouse through the normal load path."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import duckdb

from pitwall import demo
from pitwall.load import LoadReport, Progress, load
from pitwall.meta import DEMO
from pitwall.readers import quote
from pitwall.warehouse import truth_path


def build_demo(
    warehouse: Path,
    *,
    scale: float = 1,
    seed: int = 0,
    end: dt.date | None = None,
    progress: Progress = lambda _: None,
) -> LoadReport:
    progress(f"Generating the demo business (scale {scale:g}, seed {seed})")
    data = demo.generate(scale=scale, seed=seed, end=end)
    info = {"scale": scale, "seed": seed, "end": str(end) if end else None}
    report = load(data.tables, warehouse, progress=progress, origin=DEMO, demo_info=info)
    truth_path(Path(warehouse)).write_text(json.dumps(data.truth, indent=2))
    return report


# Above this scale the demo is written as copies of one business at scale / copies, each
# under its own customer, order and lead ids: generating 100 million orders at once would
# not fit in memory, and copying them is one streaming COPY per table.
MAX_GENERATED = 100
# Per table: the id columns a copy prefixes (entities), or the measures the copies add up to
# (shared tables: one set of campaigns, spending as much as all copies together).
COPIED_IDS = {
    "customers": ("customer_id",),
    "leads": ("lead_id", "customer_id"),
    "lead_stages": ("lead_id",),
    "nps": ("customer_id",),
    "orders": ("order_id", "customer_id"),
    "touchpoints": ("customer_id",),
}
SUMMED = {"spend": ("amount", "impressions", "clicks"), "budgets": ("amount",)}


def write_files(
    folder: Path, *, scale: float = 1, seed: int = 0, progress: Progress = lambda _: None
) -> Path:
    """The demo business as one CSV file per table: what `python -m pitwall load` reads.
    Above MAX_GENERATED, `copies` copies of the business at scale / copies (see above)."""
    copies = max(1, math.ceil(scale / MAX_GENERATED))
    data = demo.generate(scale=scale / copies, seed=seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"preserve_insertion_order": False})
    try:
        for name, frame in data.tables.items():
            progress(f"Writing {name}.csv" + (f" ({copies} copies)" if copies > 1 else ""))
            con.register("frame", frame)
            target = str(folder / f"{name}.csv").replace("'", "''")
            con.execute(
                f"COPY ({_copied(name, list(frame.columns), copies)}) TO '{target}' "
                "(HEADER, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S')"
            )
            con.unregister("frame")
    finally:
        con.close()
    return folder


def _copied(name: str, columns: list[str], copies: int) -> str:
    """The SELECT that writes table `name` as `copies` copies (one when copies is 1)."""
    if copies == 1:
        return "SELECT * FROM frame"
    ids, summed = COPIED_IDS.get(name, ()), SUMMED.get(name, ())

    def column(c: str) -> str:
        q = quote(c)
        if c in ids:
            return f"'c' || shard || '-' || {q} AS {q}"
        if c in summed:
            return f"{q} * {copies} AS {q}"
        return q

    select = ", ".join(column(c) for c in columns)
    if not ids:  # a shared table: written once
        return f"SELECT {select} FROM frame"
    return f"SELECT {select} FROM frame CROSS JOIN range({copies}) AS r (shard)"
