"""Page query sets read from the rollups against the same sets read from the detail, in one
process: `python -m pitwall.bench_rollups WAREHOUSE [RUNS]` prints a Markdown table.

Every query the views read from rollups (queries/*/*_rolled.sql) has the detail query it
replaces beside it (the same name without `_rolled`); the detail side swaps each for its
detail query. Both sides alternate run by run (the median of RUNS warm runs each), so a
shared machine's load falls on both alike.
"""

from __future__ import annotations

import statistics
import sys
import time

from pitwall import bench, queries
from pitwall.warehouse import open_readonly

SUFFIX = "_rolled"


class Reads:
    """Wraps queries.run: in detail mode, a rollup query runs as its detail query; counts
    what ran."""

    def __init__(self) -> None:
        self.detail = False
        self.names: list[str] = []
        self._run = queries.run

    def __call__(self, con, name, params=None, group=None):
        if self.detail and name.endswith(SUFFIX):
            name = name[: -len(SUFFIX)]
        self.names.append(name)
        return self._run(con, name, params, group)


def measure(warehouse: str, runs: int) -> list[dict]:
    reads = Reads()
    queries.run = reads
    con = open_readonly(warehouse)
    try:
        filters, monday = bench.page_filters(con, bench.busiest_channel(con))
        rows = []
        for page, query_set in bench.PAGE_QUERIES.items():
            for name, f in filters.items():
                times: dict[bool, list[float]] = {False: [], True: []}
                for detail in (True, False):  # warm both
                    reads.detail = detail
                    query_set(con, f, monday)
                reads.names.clear()
                for _ in range(runs):
                    for detail in (True, False):
                        reads.detail = detail
                        start = time.perf_counter()
                        query_set(con, f, monday)
                        times[detail].append((time.perf_counter() - start) * 1000)
                rows.append(
                    {
                        "page": page,
                        "filters": name,
                        "detail_ms": statistics.median(times[True]),
                        "rollups_ms": statistics.median(times[False]),
                        "rolled": sorted({n for n in reads.names if n.endswith(SUFFIX)}),
                    }
                )
        return rows
    finally:
        con.close()
        queries.run = reads._run


def table(rows: list[dict]) -> str:
    lines = ["| page | filters | detail | rollups | ratio |", "|---|---|---|---|---|"]
    for r in rows:
        ratio = r["detail_ms"] / r["rollups_ms"] if r["rollups_ms"] else float("nan")
        lines.append(
            f"| {r['page']} | {r['filters']} | {r['detail_ms']:,.0f} ms "
            f"| {r['rollups_ms']:,.0f} ms | {ratio:.1f}× |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)))
