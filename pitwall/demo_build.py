"""Write the demo business into a warehouse through the normal load path."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from pitwall import demo
from pitwall.load import LoadReport, Progress, load
from pitwall.meta import DEMO
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


def write_files(folder: Path, *, scale: float = 1, seed: int = 0) -> Path:
    """The demo business as one CSV file per table: what `python -m pitwall load` reads."""
    data = demo.generate(scale=scale, seed=seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        for name, frame in data.tables.items():
            con.from_df(frame).write_csv(
                str(folder / f"{name}.csv"), header=True, timestamp_format="%Y-%m-%dT%H:%M:%S"
            )
    finally:
        con.close()
    return folder
