"""A real `streamlit run app.py` on a free loopback port and Debian's Chromium: what the
browser tests and `pitwall bench --browser` share. Playwright (a test dependency) is
imported only by the callers that drive the browser."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("PITWALL_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class ServerError(RuntimeError):
    """Streamlit did not start; the message carries the end of its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(
                f"Streamlit exited with code {proc.returncode} before answering "
                f"{url}/_stcore/health. Log:\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except (urllib.error.URLError, OSError) as exc:
            last = repr(exc)
        time.sleep(0.25)
    raise ServerError(
        f"Streamlit did not answer {url}/_stcore/health within {timeout:.0f} s "
        f"(last: {last}). Log:\n{log.read_text(errors='replace')[-3000:]}"
    )


@contextlib.contextmanager
def running_app(
    warehouse: Path, log: Path, *args: str, port: int | None = None, timeout: float = 60.0
) -> Iterator[str]:
    """`streamlit run app.py` over `warehouse` (extra Streamlit `args` allowed), logging to
    `log`; yields its loopback URL once healthy and stops it afterwards."""
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        *args,
    ]  # fmt: skip
    env = {**os.environ, "PITWALL_WAREHOUSE": str(warehouse)}
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url, proc, log, timeout)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


