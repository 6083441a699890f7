"""`send` against a real SMTP server on loopback (aiosmtpd) and a local HTTP webhook."""

from __future__ import annotations

import email
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from pitwall.load import load_folder

FIXTURE = Path(__file__).parent / "golden_targets"
ROOT = Path(__file__).resolve().parent.parent
# run from the warehouse's folder (no .streamlit/secrets.toml there), pitwall from this tree
BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PITWALL_SMTP_")} | {
    "PYTHONPATH": str(ROOT)
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self, refuse: bool = False):
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse = refuse
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.refuse:
            return "554 5.7.1 Message refused by policy"
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    servers = []

    def start(refuse: bool = False):
        inbox = Inbox(refuse)
        port = _free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        return inbox, port

    yield start
    for c in servers:
        c.stop()


@pytest.fixture
def webhook():
    posts: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posts.append(json.loads(body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", posts
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("send") / "warehouse.duckdb"
    load_folder(FIXTURE, path)
    return path


@pytest.fixture
def warehouse(loaded, tmp_path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(loaded, path)
    return path


def send(warehouse: Path, port: int, *args: str) -> subprocess.CompletedProcess:
    env = dict(BASE_ENV)
    env.update(
        PITWALL_SMTP_HOST="127.0.0.1",
        PITWALL_SMTP_PORT=str(port),
        PITWALL_SMTP_TLS="none",
        PITWALL_SMTP_FROM="pitwall@example.com",
    )
    return subprocess.run(
        [sys.executable, "-m", "pitwall", "send", "--warehouse", str(warehouse),
         "--week", "2025-W06", *args],
        capture_output=True, text=True, env=env, cwd=warehouse.parent,
    )


def test_send_once_per_recipient_then_nothing_then_force(smtp, webhook, warehouse):
    inbox, port = smtp()
    url, posts = webhook
    to = ["ann@example.com", "bob@example.com"]
    run = send(warehouse, port, "--to", *to, "--webhook", url, "--base-url", "https://pw.example")
    assert run.returncode == 0, run.stderr
    assert sorted(r[0] for r, _ in inbox.messages) == to  # one message per recipient
    for _, raw in inbox.messages:
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert msg["Subject"] == "Pitwall weekly review 2025-W06"
        html = msg.get_body(("html",)).get_content()
        assert "Will we land?" in html and "Trade fair Essen" in html
        assert "Leads</strong> are projected to land at 70 % of the February target" in html
        (pdf,) = [p for p in msg.iter_attachments()]
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_filename() == "pitwall-weekly-2025-W06.pdf"
        assert pdf.get_content().startswith(b"%PDF")
    (post,) = posts
    assert post["text"].startswith("*Pitwall weekly review 2025-W06*")
    assert "<https://pw.example/weekly?week=2025-W06|Open the review>" in post["text"]
    assert (warehouse.parent / "warehouse.duckdb.sent.json").exists()

    again = send(warehouse, port, "--to", *to, "--webhook", url)
    assert again.returncode == 0 and len(inbox.messages) == 2 and len(posts) == 1
    assert "sent before" in again.stdout

    forced = send(warehouse, port, "--to", "ann@example.com", "--force")
    assert forced.returncode == 0 and len(inbox.messages) == 3


def test_a_refusing_server_fails_clearly_and_records_nothing(smtp, warehouse):
    inbox, port = smtp(refuse=True)
    run = send(warehouse, port, "--to", "ann@example.com", "--retries", "2")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        f"error: mail to ann@example.com via 127.0.0.1:{port} failed: the server answered "
        "554 5.7.1 Message refused by policy (after 2 attempts)"
    )
    assert inbox.attempts == 2 and inbox.messages == []  # retried once, nothing delivered
    assert not (warehouse.parent / "warehouse.duckdb.sent.json").exists()  # not recorded


def test_no_server_configured(warehouse):
    env = BASE_ENV
    run = subprocess.run(
        [sys.executable, "-m", "pitwall", "send", "--warehouse", str(warehouse),
         "--to", "ann@example.com"],
        capture_output=True, text=True, env=env, cwd=warehouse.parent,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip().startswith("error: no SMTP server: set PITWALL_SMTP_HOST")
