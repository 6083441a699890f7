"""The layout's promises: pages only lay out, and the app never imports the test oracles."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from pitwall.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))


def test_every_page_script_is_declared_once():
    assert sorted(p.script for p in PAGES) == sorted(f"pages/{f.name}" for f in PAGE_FILES)
    app = (ROOT / "app.py").read_text()
    # every page comes from the declaration (the default page also answers at its name)
    assert app.count("st.Page(") == 2
    assert "p.script," in app and "st.Page(home.script" in app


def test_pages_compute_no_metric():
    """No arithmetic on frames in a page script: every figure comes from pitwall.views."""
    computing = re.compile(r"\.(groupby|sum|mean|cumsum|median|agg|pivot|merge)\(|\bratio\(")
    for path in PAGE_FILES:
        text = path.read_text()
        assert not computing.findall(text), f"{path.name}: {computing.findall(text)}"
        imported = {
            n.module
            for n in ast.walk(ast.parse(text))
            if isinstance(n, ast.ImportFrom) and n.module
        }
        assert "pitwall.metrics" not in imported, path.name
        assert "pitwall.queries" not in imported, path.name
        assert "duckdb" not in text, path.name


def test_the_app_never_imports_the_benchmark_or_its_pandas_oracle(golden_warehouse):
    script = """
import json, os, sys
from streamlit.testing.v1 import AppTest
from pitwall.navigation import PAGES
for page in PAGES:
    at = AppTest.from_file("app.py", default_timeout=120)
    at.switch_page(page.script).run()
    assert not at.exception, (page.path, at.exception)
print(json.dumps(sorted(m for m in sys.modules if m.startswith("pitwall"))))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PITWALL_WAREHOUSE": str(golden_warehouse), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert {"pitwall.views", "pitwall.navigation", "pitwall.dashboard"} <= loaded
    assert not loaded & {"pitwall.baseline", "pitwall.bench", "pitwall.bench_app"}
