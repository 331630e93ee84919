"""Per-request plumbing: who is calling, and running a use case in one transaction.

Each request that touches data runs one unit of work, in a worker thread: the credential
lookup, the authorization, the work and the audit entries share one transaction (few round
trips; nothing half-written) in :func:`dorsi.services.context.run_unit`; pages that only read,
and check-ins, read in a snapshot first and then write briefly (``run_read``, ``run_staged``), so
only the short write queues for SQLite's single writer.

Credentials: the JSON API takes only ``Authorization: Bearer`` tokens; the HTML pages take
only the session cookie (so a cookie can never drive the API cross-site, and a page form
always carries a CSRF token).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

from dorsi.clinical.contract import json_text
from dorsi.errors import AuthenticationError, PermissionDeniedError, UnsupportedMediaError
from dorsi.services import auth
from dorsi.services.context import Ctx, Staged, run_read, run_staged, run_unit
from dorsi.settings import Settings
from dorsi.store.db import Database

T = TypeVar("T")
#: threads running units of work, per process. SQLite: more only queue for Python's interpreter
#: lock and stretch the writer's turn while they do (measured: benchmarks/web.py); PostgreSQL
#: waits on the network, so more of its units overlap (up to where more threads stop helping;
#: each thread may hold a connection of the read pool and one of the write pool: 4 processes
#: x 8 threads stay within PostgreSQL's default of 100 connections).
UNIT_THREADS = {"sqlite": 4, "postgresql": 8}
Auth = Literal["api", "page", "optional_page", "none"]

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


async def run(
    request: Request,
    work: Callable[[Ctx], T],
    *,
    auth_kind: Auth,
    csrf: str | Literal[False] | None = False,
    read_only: bool = False,
) -> T:
    """Authenticate (``auth_kind``), check the CSRF token (when ``csrf`` is not False), work.

    ``csrf`` is the token a page form sent; pass it for every state-changing page request.
    ``read_only`` runs ``work`` in a snapshot beside other requests (:func:`run_read`); its
    audit entries are then its only write.
    """
    make_ctx, signed_in = _plumbing(request, auth_kind, csrf)
    database = state(request).database

    def unit(ctx: Ctx) -> T:
        signed_in(ctx)
        return work(ctx)

    runner = run_read if read_only else run_unit
    return await _in_thread(database, runner, make_ctx, unit)


async def run_staged_work(
    request: Request,
    work: Callable[[Ctx], Staged[T]],
    *,
    auth_kind: Auth,
    csrf: str | Literal[False] | None = False,
) -> T:
    """:func:`run` for a use case that reads first and then writes briefly (:func:`run_staged`)."""
    make_ctx, signed_in = _plumbing(request, auth_kind, csrf)

    def unit(ctx: Ctx) -> Staged[T]:
        signed_in(ctx)
        return work(ctx)

    return await _in_thread(state(request).database, run_staged, make_ctx, unit)


_POOLS: dict[int, concurrent.futures.ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


async def _in_thread(database: Database, func: Callable[..., T], *args: object) -> T:
    """Run a unit of work on one of this process's few unit threads (:data:`UNIT_THREADS`)."""
    size = UNIT_THREADS.get(database.engine.dialect.name, 4)
    pool = _POOLS.get(size)
    if pool is None:
        with _POOLS_LOCK:
            pool = _POOLS.setdefault(
                size, concurrent.futures.ThreadPoolExecutor(size, thread_name_prefix="dorsi-unit")
            )
    return await asyncio.get_running_loop().run_in_executor(pool, func, database, *args)


def _plumbing(
    request: Request, auth_kind: Auth, csrf: str | Literal[False] | None
) -> tuple[Callable[[Session], Ctx], Callable[[Ctx], None]]:
    """The context factory of this request, and the check of who is calling."""
    app = state(request)
    request_id: str = getattr(request.state, "request_id", "-")
    cookie = request.cookies.get(session_cookie_name(request)) if auth_kind != "api" else None
    token = bearer_token(request) if auth_kind == "api" else None

    def make_ctx(session: Session) -> Ctx:
        return Ctx(
            db=session,
            now=app.clock(),
            settings=app.settings,
            secret=app.secret,
            request_id=request_id,
            address=client_address(request),
            new_token=app.new_token,
        )

    def signed_in(ctx: Ctx) -> None:
        if auth_kind == "api":
            ctx.actor = auth.token_actor(ctx, token) if token else None
            if ctx.actor is None:
                raise AuthenticationError("missing, expired or revoked bearer token; sign in")
        elif auth_kind in ("page", "optional_page"):
            ctx.actor = auth.session_actor(ctx, cookie) if cookie else None
            if ctx.actor is None and auth_kind == "page":
                raise AuthenticationError("please sign in")
        if csrf is not False:
            if ctx.actor is not None:
                check_form_token(ctx.actor.csrf_token, csrf)
            else:
                pre = request.cookies.get(pre_cookie_name(request), "")
                check_form_token(anonymous_csrf(request, pre) if pre else None, csrf)

    return make_ctx, signed_in


JSON_TYPE = "application/json"


async def json_body(request: Request) -> bytes:
    """The body of a JSON API route, refused unless it is declared ``application/json``
    (415), is UTF-8, and nests at most ``MAX_JSON_DEPTH`` levels (422, naming ``body``;
    :func:`dorsi.clinical.contract.json_text`).

    Every route that takes JSON reads its body here, so a form or a text body is never
    guessed to be JSON, and no body reaches a parser that would fail on it.
    """
    declared = request.headers.get("content-type", "")
    kind, _, params = declared.partition(";")
    kind = kind.strip().lower()
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if kind != JSON_TYPE or charset not in ("", "utf-8", "utf8"):
        sent = f"as '{declared[:60]}'" if declared else "without a Content-Type"
        raise UnsupportedMediaError(
            f"must be {JSON_TYPE} in UTF-8 (it was sent {sent})", field="body"
        )
    body = await request.body()
    json_text(body, field="body")
    return body


def new_pre_value() -> str:
    return secrets.token_urlsafe(32)


__all__ = [
    "CSRF_FIELD",
    "JSON_TYPE",
    "AppState",
    "anonymous_csrf",
    "bearer_token",
    "check_form_token",
    "device_cookie_name",
    "is_https",
    "json_body",
    "new_pre_value",
    "pre_cookie_name",
    "run",
    "run_staged_work",
    "session_cookie_name",
    "state",
]
