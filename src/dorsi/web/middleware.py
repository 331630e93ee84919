"""ASGI middleware: header-size caps, request ids, a body-size cap, UTF-8 forms, and the
security headers on every answer."""

from __future__ import annotations

import contextlib
import json
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.requests import Request

from dorsi.errors import (
    DorsiError,
    HeaderTooLargeError,
    InputError,
    PayloadTooLargeError,
    http_status,
)
from dorsi.web.errors import dorsi_error

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = "; ".join(
    [
        "default-src 'self'",
        # WebAssembly may compile (the camera measure's pose model runs in the browser); JS
        # eval stays forbidden
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

BASE_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=(), payment=(), usb=()"),
]


class SecurityHeaders:
    """Adds the security headers; everything but static files is ``Cache-Control: no-store``
    (patient data must not sit in shared or browser caches)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        static = str(scope.get("path", "")).startswith("/static/")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"cache-control", b"pragma")
                ]
                headers.extend(BASE_HEADERS)
                headers.append((b"x-request-id", request_id.encode()))
                if static:
                    headers.append((b"cache-control", b"public, max-age=3600"))
                else:
                    headers.append((b"cache-control", b"no-store"))
                    headers.append((b"pragma", b"no-cache"))
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` (413), by header and while streaming."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: tuple[tuple[str, int], ...] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # (path regex, cap) for the few routes that take more, e.g. the gait video upload
        self.larger = tuple((re.compile(pattern), cap) for pattern, cap in larger)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        limit = next((c for p, c in self.larger if p.fullmatch(path)), self.max_bytes)
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > limit:
                await _too_large(send, limit)
                return
        seen = 0
        exceeded = False

        async def counted() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise PayloadTooLargeError(f"the request body is over {limit} bytes")
            return message

        async def guarded(message: Message) -> None:
            # Once the cap is hit, whatever the app answers (a form parser may call it a
            # 400) is replaced by one 413.
            if not exceeded:
                await send(message)

        with contextlib.suppress(PayloadTooLargeError):
            await self.app(scope, counted, guarded)
        if exceeded:
            await _too_large(send, limit)


FORM_TYPE = b"application/x-www-form-urlencoded"
_RAW_NON_ASCII = re.compile(rb"[\x80-\xff]")


class FormEncoding:
    """Every ``application/x-www-form-urlencoded`` body is UTF-8 (422 naming the field when
    not), before any route parses it.

    Starlette's form parser replaces invalid percent-encoded UTF-8 with U+FFFD and reads raw
    non-ASCII bytes as Latin-1, and the page would store either without a word. Here a field
    that is not UTF-8 is refused, and raw UTF-8 (as ``curl -d`` sends it) is percent-encoded
    so the parser reads it right. A form is buffered up to ``max_bytes`` (the general body
    cap: 413 above it, also on the routes :class:`BodyLimit` lets take more, e.g. uploads).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_form(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away; there is no one to answer
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await _too_large(send, self.max_bytes)
                return
            if not message.get("more_body", False):
                break
        sent = b"".join(chunks)
        body = _RAW_NON_ASCII.sub(lambda m: b"%%%02X" % m[0][0], sent)
        error = form_encoding_error(body)
        if error is not None:
            # HeaderLimit has bounded the headers by now, so the app's own error answer (a
            # page for the browser, JSON for the API) may read them
            response = await dorsi_error(Request(scope), error)
            await response(scope, receive, send)
            return
        if len(body) != len(sent):
            scope = dict(scope)
            scope["headers"] = [
                (k, str(len(body)).encode() if k == b"content-length" else v)
                for k, v in scope.get("headers", ())
            ]
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _is_form(scope: Scope) -> bool:
    for key, value in scope.get("headers", ()):
        if key == b"content-type":
            return bytes(value).partition(b";")[0].strip().lower() == FORM_TYPE
    return False


def form_encoding_error(body: bytes) -> InputError | None:
    """An error naming the first field of the form ``body`` whose name or value is not UTF-8
    once percent-decoded, or None."""
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        raw_name = unquote_to_bytes(name.replace(b"+", b" "))
        try:
            field = raw_name.decode("utf-8")
        except UnicodeDecodeError:
            return InputError("a field name is not valid UTF-8", field="body")
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return InputError("is not valid UTF-8", field=field[:64] or "body")
    return None


async def _too_large(send: Send, limit: int) -> None:
    await answer(send, PayloadTooLargeError(f"the request body is over {limit} bytes"))


class HeaderLimit:
    """Refuses requests whose headers are over the caps (431), or whose cookies hold a
    backslash (422), before anything parses them.

    Outermost, so no other layer (nor a route reading ``request.cookies``) ever sees such a
    request: the cookie parsing of Python before 3.11.10 / 3.12.6 takes quadratic time on a
    quoted cookie value full of backslashes (CVE-2024-7592), and a few such requests would
    stall every app process. Without a backslash it is linear; the size cap bounds the rest.
    Counting bytes here is linear and parses nothing.
    """

    def __init__(
        self, app: ASGIApp, *, cookie_bytes: int, header_bytes: int, total_bytes: int
    ) -> None:
        self.app = app
        self.cookie_bytes = cookie_bytes
        self.header_bytes = header_bytes
        self.total_bytes = total_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            error = self.check(scope.get("headers", ()))
            if error is not None:
                await answer(send, error, outermost=True)
                return
        await self.app(scope, receive, send)

    def check(self, headers: Any) -> InputError | None:
        """The error for ``headers`` (ASGI ``(name, value)`` byte pairs), or None."""
        total = 0
        cookies = 0
        for name, value in headers:
            if name.lower() == b"cookie":
                cookies += len(value)
                if cookies > self.cookie_bytes:
                    return HeaderTooLargeError(
                        f"the cookies are {cookies} bytes; at most {self.cookie_bytes} are "
                        "accepted (clear this site's cookies in the browser)",
                        field="cookie",
                    )
                if b"\\" in value:
                    # what makes the unpatched parser quadratic: even 8 KiB cost 0.3 s
                    return InputError(
                        "must not hold a backslash, as no valid cookie does (RFC 6265); "
                        "clear this site's cookies in the browser",
                        field="cookie",
                    )
            size = len(name) + len(value)
            total += size
            if size > self.header_bytes:
                field = bytes(name[:64]).decode("latin-1").lower()
                return HeaderTooLargeError(
                    f"this header is {size} bytes; at most {self.header_bytes} are accepted",
                    field=field,
                )
        if total > self.total_bytes:
            return HeaderTooLargeError(
                f"the request headers are {total} bytes in all; at most {self.total_bytes} "
                "are accepted"
            )
        return None


async def answer(send: Send, error: DorsiError, *, outermost: bool = False) -> None:
    """Answer ``error`` from a middleware: its status (:func:`dorsi.errors.http_status`) and the
    API's error body. No template, no cookie, no language: a middleware answers before (or
    instead of) the app, and must not parse the request. ``outermost``: no
    :class:`SecurityHeaders` wraps this answer, so it carries them itself, and the connection
    is closed (the client sent something no request of ours needs)."""
    field = getattr(error, "field", None)
    body = json.dumps({"detail": error.message, "field": field}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if outermost:
        headers += [*BASE_HEADERS, (b"cache-control", b"no-store"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": http_status(error), "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = [
    "CSP",
    "BodyLimit",
    "FormEncoding",
    "HeaderLimit",
    "SecurityHeaders",
    "answer",
    "form_encoding_error",
]
