"""The weekly review in the inbox: one mail per recipient (HTML body, the PDF attached) and a
short Slack-compatible JSON message to each webhook.

Everything is rendered before the first connection, so a rendering failure sends nothing.
Each recipient gets one whole message (one SMTP transaction) or none. What was sent is
recorded beside the warehouse (`<warehouse>.sent.json`, written whole and swapped in), keyed
by week, filters and recipient, so a second run sends nothing unless forced. A failing server
is retried with backoff; what still fails is reported in one line per recipient and the run
exits non-zero.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import smtplib
import ssl
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import jinja2

from pitwall import formatting, landing, report, weekly, weeks
from pitwall.dimensions import DIMENSIONS
from pitwall.filters import Filters
from pitwall.metrics import METRICS

TLS_MODES = ("none", "starttls", "ssl")
ENV = "PITWALL_SMTP_"
SETTINGS = ("host", "port", "user", "password", "from", "tls")
SECRETS = Path(".streamlit") / "secrets.toml"
RETRIES = 3  # attempts per recipient
BACKOFF = 1.0  # seconds before the second attempt, doubled before each further one
TIMEOUT = 20.0

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("pitwall", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


class SendError(Exception):
    """Sending could not start (configuration) or some recipients were not reached."""


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    sender: str
    tls: str = "starttls"
    user: str | None = None
    password: str | None = None


def smtp_settings(env: dict | None = None, secrets: Path | None = None) -> Smtp:
    """PITWALL_SMTP_* from the environment, else the [smtp] section of
    .streamlit/secrets.toml (host, port, user, password, from, tls)."""
    env = os.environ if env is None else env
    found: dict[str, str] = {}
    path = secrets or SECRETS
    if path.is_file():
        try:
            found = {k: str(v) for k, v in tomllib.loads(path.read_text()).get("smtp", {}).items()}
        except tomllib.TOMLDecodeError as exc:
            raise SendError(f"{path}: not valid TOML: {exc}") from None
    for key in SETTINGS:
        if env.get(ENV + key.upper()):
            found[key] = env[ENV + key.upper()]
    if not found.get("host"):
        raise SendError(
            "no SMTP server: set PITWALL_SMTP_HOST (and _PORT, _FROM, _TLS, _USER, _PASSWORD) "
            f"or an [smtp] section in {path}"
        )
    tls = found.get("tls", "starttls").lower()
    if tls not in TLS_MODES:
        raise SendError(f"PITWALL_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[tls]
    try:
        port = int(found.get("port") or default_port)
    except ValueError:
        raise SendError(f"PITWALL_SMTP_PORT must be a number, not {found['port']!r}") from None
    sender = found.get("from") or found.get("user")
    if not sender:
        raise SendError("no sender: set PITWALL_SMTP_FROM (or [smtp] from)")
    return Smtp(found["host"], port, sender, tls, found.get("user"), found.get("password"))


def subject(monday: dt.date) -> str:
    return f"Pitwall weekly review {weeks.name(monday)}"


def scope_key(monday: dt.date, f: Filters) -> str:
    picks = {d.name: _plain(getattr(f, d.param)) for d in DIMENSIONS}
    return weeks.name(monday) + " " + json.dumps(picks, sort_keys=True)


def _hook(url: str) -> str:
    """A webhook as records and messages name it: its host and a digest, since a webhook's
    address is its secret (Slack's carry the token in the path)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…#{hashlib.sha256(url.encode()).hexdigest()[:12]}"


def _plain(value):
    return sorted(value) if isinstance(value, tuple | list) else value


# --- what is sent ---


def mail_html(con, review: weekly.Review, base_url: str | None) -> str:
    tiles = report.tiles(review)
    return _templates.get_template("mail.html").render(
        review=review,
        week=weeks.label(review.monday),
        scope=report.describe(review.filters),
        tiles=tiles,
        landing=report.landing_rows(review.landing),
        as_of=f"{landing.week_as_of(review.monday):%d %B %Y}",
        highlights=[
            {"text": report.bold(h.text), "url": h.url(base_url) if base_url else None,
             "page": h.page_title}
            for h in review.highlights
        ],
        alerts=review.news,
        events=report.event_rows(review.week_events),
        link=f"{base_url.rstrip('/')}/weekly?week={review.name}" if base_url else None,
    )


def webhook_text(review: weekly.Review, base_url: str | None) -> str:
    """A few lines of Slack mrkdwn: the week, the landing statuses, the top highlights."""
    lines = [f"*{subject(review.monday)}* ({weeks.label(review.monday).split(' · ')[1]}, "
             f"{report.describe(review.filters)})"]
    counts = review.landing["status"].value_counts()
    if len(review.landing):
        parts = [f"{counts[s]} {landing.STATUS_LABELS[s].lower()}" for s in landing.STATUSES
                 if s in counts]
        lines.append(f"Targets: {', '.join(parts)}.")
    for h in review.highlights[:3]:
        lines.append("• " + h.text.replace("**", "*"))
    for a in review.news[:3]:
        lines.append("⚠ " + a)
    now = review.now
    lines.append(
        " · ".join(
            f"{METRICS[m].label} {formatting.fmt(METRICS[m].fmt, now[m])}"
            for m in ("revenue", "spend", "leads")
        )
    )
    if base_url:
        lines.append(f"<{base_url.rstrip('/')}/weekly?week={review.name}|Open the review>")
    return "\n".join(lines)


def message(smtp: Smtp, to: str, review: weekly.Review, html: str, pdf: bytes) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject(review.monday)
    msg["From"] = smtp.sender
    msg["To"] = to
    msg["Message-ID"] = make_msgid(domain="pitwall")
    msg.set_content(
        f"{subject(review.monday)}: the review is in the attached PDF and, in HTML mail, below."
    )
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=report.file_name(review.monday)
    )
    return msg


# --- the record of what was sent ---


@dataclass
class Ledger:
    path: Path
    sent: dict[str, str] = field(default_factory=dict)

    @classmethod
    def beside(cls, warehouse: Path) -> Ledger:
        path = Path(warehouse).with_name(Path(warehouse).name + ".sent.json")
        sent = {}
        if path.exists():
            try:
                sent = json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, OSError):
                raise SendError(f"{path} is not a record of sent reviews: move it away") from None
        return cls(path, sent)

    def has(self, key: str) -> bool:
        return key in self.sent

    def add(self, key: str) -> None:
        self.sent[key] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.sent, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)  # whole or not at all


# --- delivery ---


def _smtp_send(smtp: Smtp, msg: EmailMessage) -> None:
    context = ssl.create_default_context()
    if smtp.tls == "ssl":
        server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=TIMEOUT, context=context)
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT)
    with server:
        if smtp.tls == "starttls":
            server.starttls(context=context)
        if smtp.user and smtp.password:
            server.login(smtp.user, smtp.password)
        server.send_message(msg)  # one transaction: the server takes all of it or none


def _post(url: str, payload: dict) -> None:
    data = json.dumps(payload).encode()
    req = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 (the user's URL)
        resp.read()


def _reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return f"the server refused the recipient ({code} {text.decode(errors='replace')})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server answered {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, urllib.error.HTTPError):
        return f"the webhook answered HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot reach the webhook ({exc.reason})"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _attempt(deliver: Callable[[], None], retries: int, wait: Callable[[float], None]) -> None:
    delay = BACKOFF
    for attempt in range(1, retries + 1):
        try:
            deliver()
            return
        except (smtplib.SMTPException, OSError, urllib.error.URLError) as exc:
            if attempt == retries:
                raise SendError(f"{_reason(exc)} (after {retries} attempts)") from None
            wait(delay)
            delay *= 2


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sent before for this week and filters
    failed: list[str] = field(default_factory=list)  # one line each


def send(
    con,
    warehouse: Path,
    monday: dt.date,
    to: list[str],
    webhooks: list[str] | None = None,
    f: Filters | None = None,
    base_url: str | None = None,
    force: bool = False,
    retries: int = RETRIES,
    smtp: Smtp | None = None,
    progress: Callable[[str], None] = lambda _: None,
    wait: Callable[[float], None] = time.sleep,
) -> Outcome:
    webhooks = webhooks or []
    f = f or Filters()
    if to and smtp is None:
        smtp = smtp_settings()
    ledger = Ledger.beside(warehouse)
    scope = scope_key(monday, f)
    out = Outcome()
    due_to = [a for a in to if force or not ledger.has(f"{scope} mail {a}")]
    due_hooks = [u for u in webhooks if force or not ledger.has(f"{scope} webhook {_hook(u)}")]
    out.skipped = [a for a in to if a not in due_to] + [
        _hook(u) for u in webhooks if u not in due_hooks
    ]
    if not due_to and not due_hooks:
        return out
    progress(f"Rendering the review of {weeks.name(monday)}")
    review = weekly.review(con, monday, f)
    html = mail_html(con, review, base_url) if due_to else ""
    pdf = report.pdf(report.render(con, review, base_url)) if due_to else b""
    payload = {"text": webhook_text(review, base_url)}
    for address in due_to:
        msg = message(smtp, address, review, html, pdf)
        try:
            _attempt(lambda m=msg: _smtp_send(smtp, m), retries, wait)
        except SendError as exc:
            out.failed.append(f"mail to {address} via {smtp.host}:{smtp.port} failed: {exc}")
            continue
        ledger.add(f"{scope} mail {address}")
        out.sent.append(address)
        progress(f"Sent to {address}")
    for url in due_hooks:
        try:
            _attempt(lambda u=url: _post(u, payload), retries, wait)
        except SendError as exc:
            out.failed.append(f"webhook {_hook(url)} failed: {exc}")
            continue
        ledger.add(f"{scope} webhook {_hook(url)}")
        out.sent.append(_hook(url))
        progress(f"Posted to {_hook(url)}")
    return out
