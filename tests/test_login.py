"""Optional OpenID Connect login (pitwall/auth.py, docs/login.md).

In Chromium: a real `streamlit run app.py` server whose secrets (passed with
`--secrets.files`, so the repo's .streamlit/ is untouched and its config.toml still applies)
hold an `[auth]` section pointing at a small OIDC provider that this module starts on
127.0.0.1. The provider approves every authorization request and reports the e-mail the test
sets in `PROVIDER.email`; it signs RS256 id_tokens with a key generated at start.

Without a browser (AppTest): no `[auth]` means the open app, and the admission rules for a
signed-in user (allowed domain, case, unverified e-mail, no allowed domains = fail closed).

The browser talks to the app as http://localhost:<port> because the redirect_uri names
localhost and Streamlit's login state lives in cookies of that host.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import streamlit as st
from app_server import CHROMIUM, CHROMIUM_ARGS, running_app
from joserfc import jwt
from joserfc.jwk import RSAKey
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from pitwall.browser import free_port

VIEWPORT = {"width": 1400, "height": 1000}
CLIENT_ID = "pitwall-test"
CLIENT_SECRET = "not-a-real-secret"
ALLOWED = "Allowed.Example"  # as configured; e-mails match it case-insensitively
WAIT_MS = 60_000  # server + Chromium on two busy cores: a few seconds per page
SIGN_IN = "Sign in"
TILES = '[data-testid="stMetric"]'


# --- the OIDC provider ---------------------------------------------------------------------


@dataclass
class Provider:
    """What the provider reports and what it saw."""

    url: str = ""
    email: str = "ana@allowed.example"
    email_verified: bool = True
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, private=True))
    codes: dict[str, dict] = field(default_factory=dict)  # code -> claims to issue
    tokens: dict[str, dict] = field(default_factory=dict)  # access token -> claims
    authorizations: list[dict] = field(default_factory=list)  # /authorize queries
    token_requests: int = 0


PROVIDER = Provider()
KID = "pitwall-test-key"


def _metadata() -> dict:
    base = PROVIDER.url
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "jwks_uri": f"{base}/jwks",
        "userinfo_endpoint": f"{base}/userinfo",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["iss", "aud", "sub", "email", "email_verified", "name", "nonce"],
    }


class _ProviderHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - keep pytest output clean
        pass

    def _json(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            self._json(_metadata())
        elif url.path == "/jwks":
            public = PROVIDER.key.as_dict(private=False)
            self._json({"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]})
        elif url.path == "/authorize":
            self._authorize(query)
        elif url.path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            claims = PROVIDER.tokens.get(token)
            if claims is None:
                self._json({"error": "invalid_token"}, 401)
            else:
                self._json({k: claims[k] for k in ("sub", "email", "email_verified", "name")})
        else:
            self._json({"error": "not_found"}, 404)

    def _authorize(self, query: dict) -> None:
        """Approve at once: back to redirect_uri with a code and the client's state."""
        PROVIDER.authorizations.append(query)
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            self._json({"error": "invalid_request"}, 400)
            return
        code = secrets.token_urlsafe(16)
        local = PROVIDER.email.split("@")[0]
        PROVIDER.codes[code] = {
            "sub": f"user-{local}",
            "email": PROVIDER.email,
            "email_verified": PROVIDER.email_verified,
            "name": local.title(),
            "nonce": query.get("nonce"),
            "redirect_uri": query.get("redirect_uri"),
        }
        back = {"code": code, "state": query.get("state", "")}
        self.send_response(302)
        self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:  # noqa: N802
        if urlsplit(self.path).path != "/token":
            self._json({"error": "not_found"}, 404)
            return
        PROVIDER.token_requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        grant = PROVIDER.codes.pop(form.get("code", ""), None)  # a code works once
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            self._json({"error": "invalid_grant"}, 400)
            return
        now = int(time.time())
        claims = {k: v for k, v in grant.items() if k != "redirect_uri" and v is not None}
        claims |= {"iss": PROVIDER.url, "aud": CLIENT_ID, "iat": now, "exp": now + 600}
        id_token = jwt.encode({"alg": "RS256", "kid": KID}, claims, PROVIDER.key)
        access_token = secrets.token_urlsafe(24)
        PROVIDER.tokens[access_token] = claims
        self._json(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 600,
                "scope": "openid email profile",
                "id_token": id_token,
            }
        )


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ProviderHandler)
    PROVIDER.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield PROVIDER
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- the app with [auth] ------------------------------------------------------------------


@dataclass
class Server:
    url: str
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


@pytest.fixture(scope="module")
def server(provider, golden_warehouse, tmp_path_factory) -> Iterator[Server]:
    """`streamlit run app.py` with secrets pointing at the local provider."""
    folder = tmp_path_factory.mktemp("login-server")
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(golden_warehouse, warehouse)
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n'
        f'allowed_domains = ["{ALLOWED}"]\n'
    )
    log = folder / "streamlit.log"
    with running_app(warehouse, log, "--secrets.files", str(secrets_file), port=port):
        # the provider redirects to the redirect_uri's host, localhost
        yield Server(f"http://localhost:{port}", log)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (the browser tests never skip).")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, server) -> Iterator[Page]:
    """A fresh context per test: no cookies (so no login) in common."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(WAIT_MS)
    p = context.new_page()
    try:
        yield p
    finally:
        with contextlib.suppress(Exception):
            context.close()


def _main(page: Page):
    return page.locator('[data-testid="stMain"]')


def _sidebar(page: Page):
    return page.locator('[data-testid="stSidebar"]')


def _idle(page: Page) -> None:
    """Wait until the script run has finished (the app is connected and not running)."""
    page.wait_for_function(
        """() => {
          const app = document.querySelector('[data-testid="stApp"]');
          return app && app.dataset.testConnectionState === 'CONNECTED'
            && app.dataset.testScriptState === 'notRunning'
            && !document.querySelector('[data-testid="stStatusWidget"]');
        }""",
        timeout=WAIT_MS,
    )


def _expect_sign_in_screen(page: Page, server: Server) -> None:
    try:
        expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible(timeout=WAIT_MS)
    except (AssertionError, PlaywrightTimeoutError):
        raise AssertionError(f"no sign-in screen. Server log:\n{server.log_tail()}") from None
    _idle(page)
    _expect_no_data(page)


def _expect_no_data(page: Page) -> None:
    assert page.locator(TILES).count() == 0
    titles = [t.strip() for t in _main(page).locator("h1").all_inner_texts()]
    assert "Weekly review" not in titles, titles
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    # Not even the list of pages: no sidebar navigation before admission.
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0


def _log_out(page: Page, button) -> None:
    """Click a "Log out" button; the browser then goes through the app's /auth/logout."""
    with page.expect_response(lambda r: "/auth/logout" in r.url, timeout=WAIT_MS):
        button.click()


def _sign_in(page: Page, server: Server, email: str) -> None:
    PROVIDER.email = email
    page.goto(f"{server.url}/")
    _expect_sign_in_screen(page, server)
    before = PROVIDER.token_requests
    # Through the provider (/authorize, then the app's /oauth2callback) and back to the app.
    try:
        with page.expect_response(lambda r: "/oauth2callback" in r.url, timeout=WAIT_MS):
            page.get_by_role("button", name=SIGN_IN).click()
        page.wait_for_url(f"{server.url}/", timeout=WAIT_MS)
        page.wait_for_function(
            "() => !!document.querySelector('[data-testid=\"stApp\"]')", timeout=WAIT_MS
        )
        expect(page.get_by_role("button", name=SIGN_IN)).to_have_count(0, timeout=WAIT_MS)
    except (AssertionError, PlaywrightTimeoutError):
        raise AssertionError(f"sign-in did not finish. Log:\n{server.log_tail()}") from None
    assert PROVIDER.token_requests == before + 1, "the app did not redeem a code"
    last = PROVIDER.authorizations[-1]
    assert last["redirect_uri"] == f"{server.url}/oauth2callback"
    assert "openid" in last["scope"].split() and "email" in last["scope"].split()
    assert last.get("nonce"), "Streamlit sends a nonce (OIDC)"


# --- in the browser ------------------------------------------------------------------------


def test_visitor_sees_sign_in_screen_and_no_data(page, server):
    page.goto(f"{server.url}/")
    _expect_sign_in_screen(page, server)
    expect(_main(page)).to_contain_text("Sign in with your work account")
    # A deep link to another page is stopped at the same screen.
    page.goto(f"{server.url}/spend_balance?period=All+time")
    _expect_sign_in_screen(page, server)
    assert urlsplit(page.url).path == "/spend_balance"  # the link stays valid
    assert page.get_by_text("Page not found").count() == 0


def test_allowed_domain_gets_the_weekly_review(page, server):
    _sign_in(page, server, "ana@allowed.example")
    expect(_main(page).locator("h1", has_text="Weekly review")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(TILES).first).to_be_visible(timeout=WAIT_MS)
    expect(_sidebar(page)).to_contain_text("ana@allowed.example", timeout=WAIT_MS)
    expect(_sidebar(page).get_by_role("button", name="Log out")).to_be_visible()
    _idle(page)
    assert page.locator(TILES).count() == 10  # the weekly review's tiles
    assert page.locator('[data-testid="stException"]').count() == 0
    # Still signed in after a reload (the auth cookie), on another page too.
    page.goto(f"{server.url}/channel_roi")
    expect(_main(page).locator("h1", has_text="Channel ROI")).to_be_visible(timeout=WAIT_MS)
    expect(_sidebar(page)).to_contain_text("ana@allowed.example")


def test_other_domain_is_refused(page, server):
    _sign_in(page, server, "eve@other.example")
    expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text(
        "eve@other.example is not allowed", timeout=WAIT_MS
    )
    _idle(page)
    _expect_no_data(page)
    expect(_main(page).get_by_role("button", name="Log out")).to_be_visible()
    # The refused user can leave and is back at the sign-in screen.
    _log_out(page, _main(page).get_by_role("button", name="Log out"))
    _expect_sign_in_screen(page, server)


def test_log_out_returns_to_sign_in_screen(page, server):
    _sign_in(page, server, "bob@ALLOWED.example")  # the domain matches in any case
    expect(page.locator(TILES).first).to_be_visible(timeout=WAIT_MS)
    _log_out(page, _sidebar(page).get_by_role("button", name="Log out"))
    _expect_sign_in_screen(page, server)
    # The auth cookie is gone: a fresh load is signed out too.
    page.goto(f"{server.url}/")
    _expect_sign_in_screen(page, server)


# --- without a browser ---------------------------------------------------------------------


@pytest.fixture
def app(golden_warehouse, monkeypatch, tmp_path) -> Iterator:
    """An AppTest of app.py over the golden warehouse, with no secrets file anywhere."""
    monkeypatch.setenv("PITWALL_WAREHOUSE", str(golden_warehouse))
    saved = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(tmp_path / "no-secrets.toml")])
    st.secrets._reset()
    st.cache_resource.clear()
    st.cache_data.clear()

    def new(secrets: dict | None = None, user: dict | None = None) -> AppTest:
        at = AppTest.from_file("../app.py", default_timeout=60)
        if secrets is not None:
            at.secrets = secrets
        if user is not None:
            at.user = user
        return at.run()

    try:
        yield new
    finally:
        st_config.set_option("secrets.files", saved)
        st.secrets._reset()
        st.cache_resource.clear()
        st.cache_data.clear()


def _auth(**extra) -> dict:
    section = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    return {"auth": section | extra}


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def test_without_auth_secrets_the_app_is_open(app):
    at = app()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert "Weekly review" in _titles(at)
    assert len(at.metric) == 10
    assert not [b for b in at.button if b.label in (SIGN_IN, "Log out")]


def test_signed_out_visitor_gets_only_the_sign_in_screen(app):
    at = app(_auth(allowed_domains=[ALLOWED]), {"is_logged_in": False})
    assert not at.exception
    assert _titles(at) == ["Pitwall"]
    assert [b.label for b in at.button] == [SIGN_IN]
    assert not at.metric


@pytest.mark.parametrize(
    ("user", "domains", "message"),
    [
        ({"email": "eve@other.example"}, [ALLOWED], "eve@other.example is not allowed"),
        ({"email": "eve@allowed.example.evil"}, [ALLOWED], "is not allowed"),
        ({"email": "allowed.example@evil.example"}, [ALLOWED], "is not allowed"),
        ({"email": "ana@allowed.example", "email_verified": False}, [ALLOWED], "not verified"),
        ({"email": "ana@allowed.example"}, None, "allowed_domains"),  # fail closed
        ({"email": "ana@allowed.example"}, [], "allowed_domains"),
        ({"name": "No Mail"}, [ALLOWED], "did not include an e-mail"),
    ],
)
def test_signed_in_user_is_refused(app, user, domains, message):
    extra = {} if domains is None else {"allowed_domains": domains}
    at = app(_auth(**extra), {"is_logged_in": True, **user})
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and message in errors[0], errors
    assert not at.metric
    assert "Weekly review" not in _titles(at)
    assert [b.label for b in at.main.button] == ["Log out"]


@pytest.mark.parametrize(
    "user",
    [
        {"email": "ana@allowed.example", "email_verified": True},
        {"email": "Ana@ALLOWED.EXAMPLE"},  # no email_verified claim: trusted
        {"email": "ana@allowed.example", "email_verified": "true"},
    ],
)
def test_signed_in_user_of_an_allowed_domain_gets_in(app, user):
    at = app(_auth(allowed_domains=[ALLOWED]), {"is_logged_in": True, **user})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert "Weekly review" in _titles(at)
    assert len(at.metric) == 10
    assert user["email"] in at.sidebar.caption[0].value.replace("\\", "")
    # the sidebar's buttons: signing out, then the filters' reset
    assert [b.label for b in at.sidebar.button] == ["Log out", "Reset"]
