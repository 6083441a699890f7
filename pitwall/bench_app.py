"""The app side of the benchmark, run alone in a child process so that its peak memory is
the app's: `python -m pitwall.bench_app WAREHOUSE RUNS` prints one JSON line.

For each page: open it with its default filters, then time reruns after a filter change
(a different channel each time, so no rerun is answered from the cache), as Streamlit's
AppTest runs them on the server.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from pitwall.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> int:
    """This process's peak resident memory. VmHWM, not getrusage: Linux carries ru_maxrss
    over exec, so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main(warehouse: str, runs: int) -> dict:
    os.environ["PITWALL_WAREHOUSE"] = warehouse
    import gc

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from pitwall import charts

    reruns = {}
    for page in (p for p in PAGES if p.queries):
        # one app per process, as a server has: each AppTest would otherwise keep its own
        # warehouse connection (and its buffers) cached
        st.cache_resource.clear()
        st.cache_data.clear()
        gc.collect()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.switch_page(page.script).run()
        if at.exception:
            raise RuntimeError(f"{page.path}: {at.exception[0].value}")
        channels = list(at.multiselect(key="channel").options)
        times = []
        for i in range(runs):
            at.multiselect(key="channel").set_value([channels[i % len(channels)]])
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
            if at.exception:
                raise RuntimeError(f"{page.path}: {at.exception[0].value}")
        reruns[page.path] = round(statistics.median(times), 1)
    return {
        "reruns_ms": reruns,
        "peak_rss_mb": peak_rss_mb(),
        "max_chart_rows": charts.most_rows(),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
