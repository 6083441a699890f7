"""Optional OpenID Connect login (Streamlit's st.login), restricted to allowed e-mail domains.

Without an `[auth]` section in the secrets (`.streamlit/secrets.toml`) the app is open, for
local use. With one, every run of the app goes through `require_login()` before anything
renders data: visitors see a sign-in screen, and signed-in users whose e-mail domain is not in
`[auth] allowed_domains` are refused. A configured `[auth]` without `allowed_domains` refuses
everyone (fail closed). Setup: docs/login.md.

`allowed_domains` lives in `[auth]` next to Streamlit's own keys: Streamlit passes only its
known keys and provider subsections (tables with client_id, ...) to Authlib and ignores other
keys there (streamlit/auth_util.py, web/server/starlette/starlette_auth_routes.py in 1.67).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import streamlit as st

AUTH_SECTION = "auth"
DOMAINS_KEY = "allowed_domains"
# Keys that make a table of [auth] a named provider ([auth.<name>]) for Streamlit.
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
_PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"  # the app's pages (app.py)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def _md(text: str) -> str:
    """Text shown literally inside Streamlit markdown (an e-mail is the provider's claim)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def auth_section() -> Mapping[str, Any] | None:
    """The `[auth]` secrets section, or None when there is none or no secrets file at all."""
    try:
        section = st.secrets.get(AUTH_SECTION)
    except FileNotFoundError:  # no secrets.toml anywhere (StreamlitSecretNotFoundError)
        return None
    return section if isinstance(section, Mapping) and section else None


def allowed_domains(section: Mapping[str, Any]) -> list[str]:
    """The configured domains, lower-cased, without blanks or a leading "@".

    A single string is accepted as a one-domain list; anything else counts as not set.
    """
    value = section.get(DOMAINS_KEY)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    domains = (str(d).strip().lower().lstrip("@") for d in value)
    return [d for d in domains if d]


def email_domain(email: str) -> str:
    """The part after the last "@", lower-cased ("" when there is none)."""
    local, at, domain = email.strip().rpartition("@")
    return domain.lower() if at and local else ""


def is_verified(user: Mapping[str, Any]) -> bool:
    """False only when the provider says the e-mail is not verified (absent claim = trusted)."""
    if "email_verified" not in user:
        return True
    flag = user.get("email_verified")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


def refusal(user: Mapping[str, Any], domains: list[str]) -> str | None:
    """Why this signed-in user may not enter, or None when they may."""
    email = user.get("email")
    if not isinstance(email, str) or not email.strip():
        return "Your sign-in did not include an e-mail address, so Pitwall cannot admit you."
    shown = _md(email.strip())
    if not domains:
        return (
            f"{shown} is not allowed: login is on but no domain is allowed yet. An administrator "
            f"must set `{DOMAINS_KEY}` in the `[{AUTH_SECTION}]` section of "
            "`.streamlit/secrets.toml` (see docs/login.md)."
        )
    if not is_verified(user):
        return f"{shown} is not allowed: your identity provider reports it as not verified."
    if email_domain(email) not in domains:
        return (
            f"{shown} is not allowed: Pitwall accepts only addresses of "
            f"{_md(', '.join(domains))}. Log out and sign in with another account."
        )
    return None


def _named_providers(section: Mapping[str, Any]) -> list[str]:
    return [
        name
        for name, value in section.items()
        if isinstance(value, Mapping) and any(k in value for k in _PROVIDER_KEYS)
    ]


def _sign_in_screen(section: Mapping[str, Any]) -> None:
    st.title("Pitwall")
    st.write("Sign in with your work account to see the marketing dashboard.")
    if any(section.get(k) for k in _PROVIDER_KEYS) or not _named_providers(section):
        # The default provider (keys directly under [auth]) is preferred when it exists.
        if st.button("Sign in", type="primary", key="pitwall_login"):
            st.login()
        return
    for name in _named_providers(section):
        if st.button(f"Sign in with {name}", type="primary", key=f"pitwall_login_{name}"):
            st.login(name)


def _refused_screen(reason: str) -> None:
    st.title("Pitwall")
    st.error(reason)
    if st.button("Log out", key="pitwall_logout_refused"):
        st.logout()


def _gate(screen: Callable[[], None]) -> NoReturn:
    """Show `screen` instead of the app, then stop the run.

    It runs as the only content of a hidden st.navigation: without st.navigation in the run,
    Streamlit would list the files of pages/ in the sidebar (its legacy navigation). One
    hidden page per pages/ file name keeps a deep link's URL valid (no "page not found").
    """
    paths = sorted(p.stem for p in _PAGES_DIR.glob("*.py") if not p.stem.startswith("_"))
    pages = [st.Page(screen, title="Pitwall", url_path="sign-in", default=True)]
    pages += [st.Page(screen, title="Pitwall", url_path=path) for path in paths]
    st.navigation(pages, position="hidden").run()
    st.stop()


def require_login() -> None:
    """Let the run continue only for an allowed, signed-in user (or when login is off).

    Call right after st.set_page_config(). Otherwise shows the sign-in screen or the refusal
    and stops the run.
    """
    section = auth_section()
    if section is None:
        return  # no [auth]: the open app, for local use
    user = st.user
    if not user.get("is_logged_in"):
        _gate(lambda: _sign_in_screen(section))
    reason = refusal(user, allowed_domains(section))
    if reason is not None:
        _gate(lambda: _refused_screen(reason))
    with st.sidebar:
        st.caption(f"Signed in as {_md(str(user.get('email')))}")
        if st.button("Log out", key="pitwall_logout"):
            st.logout()
