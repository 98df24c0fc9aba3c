"""Sign-in with Streamlit's native OpenID Connect (`st.login`, `st.user`, `st.logout`).

With no `[auth]` section in `.streamlit/secrets.toml` the app runs in local mode: one local
user who may switch views, and says so. With `[auth]`, nothing but a sign-in page is shown
until the person signs in; a configuration without a cookie secret (or missing another
required key) stops with a clear error instead of half-working; a session older than
PMO_SESSION_HOURS since the sign-in at the identity provider asks to sign in again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from pmo_data import settings
from pmo_data.escaping import md

PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32


@dataclass(frozen=True)
class AuthConfig:
    """The `[auth]` section: which providers there are and what is missing."""

    providers: tuple[str, ...]  # "default" for keys directly under [auth]; else the names
    problems: tuple[str, ...]


def read_auth() -> Mapping | None:
    """The `[auth]` section of the secrets, or None (local mode)."""
    try:
        if "auth" not in st.secrets:
            return None
        section = st.secrets["auth"]
    except Exception:  # no secrets file at all: local mode
        return None
    return section.to_dict() if hasattr(section, "to_dict") else dict(section)


def check(auth: Mapping) -> AuthConfig:
    """Providers and configuration problems of an `[auth]` section (pure: tests call it)."""
    problems = []
    if not str(auth.get("redirect_uri") or "").strip():
        problems.append(
            "`redirect_uri` is missing: set it to this app's address followed by "
            "/oauth2callback (e.g. https://pmo.example.org/oauth2callback)"
        )
    secret = str(auth.get("cookie_secret") or "")
    if not secret:
        problems.append(
            "`cookie_secret` is missing: set it to a long random string, e.g. the output of "
            '`python -c "import secrets; print(secrets.token_hex(32))"`'
        )
    elif len(secret) < MIN_COOKIE_SECRET:
        problems.append(
            f"`cookie_secret` is {len(secret)} characters: use at least {MIN_COOKIE_SECRET} "
            "random characters so sign-in cookies cannot be forged"
        )
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    providers = tuple(named) or ("default",)
    for name in providers:
        section = auth if name == "default" else auth[name]
        missing = [k for k in PROVIDER_KEYS if not str(section.get(k) or "").strip()]
        if missing:
            where = "[auth]" if name == "default" else f"[auth.{name}]"
            problems.append(f"{where} is missing {', '.join(missing)}")
        if "_" in name:
            problems.append(f"provider name '{name}' contains '_': Streamlit does not allow it")
    return AuthConfig(providers, tuple(problems))


def _claims() -> dict:
    try:
        return st.user.to_dict()
    except Exception:
        return {}


def session_expired(claims: Mapping, now: float | None = None) -> bool:
    """True when the sign-in (auth_time, else iat) is older than PMO_SESSION_HOURS, or unknown
    (fail closed: no time claim means sign in again)."""
    when = claims.get("auth_time") or claims.get("iat")
    try:
        when = float(when)
    except (TypeError, ValueError):
        return True
    return (now or time.time()) - when > settings.session_hours() * 3600


def _label(provider: str) -> str:
    return "Sign in" if provider == "default" else f"Sign in with {provider.title()}"


def gate() -> str | None:
    """Local mode: None. Signed in: the email. Otherwise draw the sign-in (or error, or
    expired) page and stop the script, so nothing else is shown."""
    auth = read_auth()
    if auth is None:
        return None
    config = check(auth)
    if config.problems:
        st.title("PMO Value Hub: sign-in is misconfigured")
        st.error(
            "Sign-in is configured in `.streamlit/secrets.toml` (`[auth]`) but cannot work:\n\n"
            + "\n".join(f"- {md(p)}" for p in config.problems)
            + "\n\nFix the file and restart the app; remove `[auth]` to run in local mode.",
            icon=":material/error:",
        )
        st.stop()
    claims = _claims()
    if not claims.get("is_logged_in"):
        st.title("PMO Value Hub")
        st.write("Sign in with your organisation account to see the views your access allows.")
        for provider in config.providers:
            if st.button(_label(provider), key=f"login_{provider}", type="primary"):
                st.login(provider)
        st.stop()
    if session_expired(claims):
        st.title("Your session has expired")
        st.write(
            f"You signed in more than {settings.session_hours():g} hours ago. Sign in again "
            "to go on; nothing is lost."
        )
        provider = claims.get("provider") or config.providers[0]
        if provider not in config.providers:
            provider = config.providers[0]
        if st.button("Sign in again", key="login_again", type="primary"):
            st.login(provider)
        st.stop()
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        st.title("No email from the identity provider")
        st.error(
            "You are signed in, but the identity provider did not send an email address, "
            "which the access table needs. Ask the provider's administrator to include the "
            "`email` claim (scope `openid email profile`).",
            icon=":material/error:",
        )
        sign_out_button()
        st.stop()
    return email


def sign_out_button(where=None) -> None:
    if (where or st).button("Sign out", key="logout", icon=":material/logout:"):
        st.logout()
