"""Per-request plumbing: the app's state, credentials in cookies and headers, form tokens.

Credentials: the JSON API takes only ``Authorization: Bearer`` tokens; the HTML pages take
only the session cookie (so a cookie can never drive the API cross-site, and a page form
always carries a CSRF token). Routes declare their unit of work, actor and CSRF check with the
dependencies of :mod:`dorsi.web.deps`, which use these helpers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy.orm import Session

from dorsi.errors import PermissionDeniedError
from dorsi.services.context import Ctx
from dorsi.settings import Settings
from dorsi.store.db import Database

SECURE_COOKIE = "__Host-dorsi_session"
PLAIN_COOKIE = "dorsi_session"
SECURE_PRE_COOKIE = "__Host-dorsi_pre"
PLAIN_PRE_COOKIE = "dorsi_pre"
SECURE_DEVICE_COOKIE = "__Host-dorsi_device"
PLAIN_DEVICE_COOKIE = "dorsi_device"
CSRF_FIELD = "csrf_token"


@dataclass
class AppState:
    """What the app holds: settings, the database, the clock. No per-user state."""

    settings: Settings
    database: Database
    clock: Callable[[], datetime]
    secret: bytes
    new_token: Callable[[], str]


def state(request: Request) -> AppState:
    value: AppState = request.app.state.dorsi
    return value


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def session_cookie_name(request: Request) -> str:
    """``__Host-`` prefixed (Secure, no Domain, Path=/) over TLS; a plain name otherwise.

    Browsers accept a ``__Host-`` cookie only with the Secure flag, and most HTTP clients
    never send a Secure cookie over plain http, so on plain-http localhost the cookie is
    named without the prefix (HttpOnly and SameSite=Lax still apply). Over https only the
    prefixed name is read, so a plain cookie planted over http is ignored.
    """
    return SECURE_COOKIE if is_https(request) else PLAIN_COOKIE


def pre_cookie_name(request: Request) -> str:
    return SECURE_PRE_COOKIE if is_https(request) else PLAIN_PRE_COOKIE


def device_cookie_name(request: Request) -> str:
    """The cookie that marks a device its user signed in on (see ``auth.start_sign_in``)."""
    return SECURE_DEVICE_COOKIE if is_https(request) else PLAIN_DEVICE_COOKIE


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def anonymous_csrf(request: Request, pre_value: str) -> str:
    """The form token for a visitor not signed in: an HMAC of their pre-session cookie."""
    key = state(request).secret
    return hmac.new(key, b"pre:" + pre_value.encode(), hashlib.sha256).hexdigest()


def check_form_token(expected: str | None, given: str | None) -> None:
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise PermissionDeniedError(
            "this form has expired or did not come from Dorsi; go back, reload the page "
            "and try again"
        )


def ctx_factory(request: Request) -> Callable[[Session], Ctx]:
    """How this request's :class:`Ctx` is made from its session (the clock read once)."""
    app = state(request)
    request_id: str = getattr(request.state, "request_id", "-")

    def make(session: Session) -> Ctx:
        return Ctx(
            db=session,
            now=app.clock(),
            settings=app.settings,
            secret=app.secret,
            request_id=request_id,
            address=client_address(request),
            new_token=app.new_token,
        )

    return make


JSON_TYPE = "application/json"


def new_pre_value() -> str:
    return secrets.token_urlsafe(32)


__all__ = [
    "CSRF_FIELD",
    "JSON_TYPE",
    "AppState",
    "anonymous_csrf",
    "bearer_token",
    "check_form_token",
    "client_address",
    "ctx_factory",
    "device_cookie_name",
    "is_https",
    "new_pre_value",
    "pre_cookie_name",
    "session_cookie_name",
    "state",
]
