"""The one place errors become HTTP answers.

- :class:`~dorsi.errors.DorsiError` -> :func:`~dorsi.errors.http_status`; JSON
  ``{"detail": "...", "field": ...}`` for the API, an HTML page for the browser (a page that
  needs a sign-in redirects to it instead). 429 carries ``Retry-After``; 401 on the API
  carries ``WWW-Authenticate: Bearer``.
- Request validation errors (path, query, form fields) -> 422 naming the field.
- Anything unexpected -> 500 with the request id only. The server log gets the exception's
  types and frames, never its message (:mod:`dorsi.web.logsafe`: messages can carry patient
  data).
"""

from __future__ import annotations

import copy
import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from dorsi.errors import (
    AuthenticationError,
    DorsiError,
    InputError,
    RateLimitedError,
    UnavailableError,
    http_status,
)
from dorsi.web import logsafe
from dorsi.web.templating import render_error

log = logging.getLogger("dorsi.web")

#: the body of every error answer of the JSON API
ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "required": ["detail", "field"],
    "properties": {
        "detail": {"type": "string", "description": "what is wrong, and what is allowed"},
        "field": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "the dotted path of the offending field, when there is one",
        },
    },
    "additionalProperties": False,
}

_WHY = {
    400: "the request is malformed",
    401: "missing, expired or revoked bearer token",
    403: "signed in, but this role may not do this to this record",
    404: "no such record among those the caller may read",
    409: "the request clashes with stored state",
    413: "the body is larger than the server accepts",
    415: "the body's type is not one the route takes, or its content is not what the type says",
    422: "bad input: the detail names the field and what is allowed",
    429: "too many attempts; see Retry-After",
    503: "the database cannot take the request now; nothing was stored; see Retry-After",
}


def documented(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route or router: each code with its reason and the error body
    (a 422 listed here also replaces FastAPI's default validation-error schema)."""
    return {
        code: {
            "description": _WHY[code],
            "content": {"application/json": {"schema": copy.deepcopy(ERROR_BODY)}},
        }
        for code in codes
    }


def wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path in ("/healthz", "/openapi.json"))


def _field_message(error: dict[str, Any]) -> tuple[str, str]:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form")]
    field = ".".join(loc) or "(input)"
    kind = str(error.get("type", ""))
    if kind == "missing":
        return field, "is required"
    message = str(error.get("msg", "is not valid"))
    message = message[0].lower() + message[1:]
    message = message.replace("input should be", "must be")
    return field, message


def _render_error(request: Request, status: int, message: str) -> Response:
    return render_error(request, status, message)


async def dorsi_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DorsiError)  # noqa: S101 - registered for DorsiError only
    status = http_status(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimitedError | UnavailableError):
        headers["Retry-After"] = str(exc.retry_after_s)
    if wants_html(request):
        if isinstance(exc, AuthenticationError) and request.method == "GET":
            target = quote(
                request.url.path + (f"?{request.url.query}" if request.url.query else "")
            )
            return RedirectResponse(f"/login?next={target}", status_code=303)
        response = _render_error(request, status, exc.message)
        response.headers.update(headers)
        return response
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = "Bearer"
    field = exc.field if isinstance(exc, InputError) else None
    if status >= 500:
        log.error("request %s failed: %s", getattr(request.state, "request_id", "-"), exc.message)
    return JSONResponse({"detail": exc.message, "field": field}, status, headers=headers)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    errors = list(exc.errors())
    field, message = _field_message(dict(errors[0])) if errors else ("(input)", "is not valid")
    text = f"{field}: {message}"
    if wants_html(request):
        return _render_error(request, 422, text)
    return JSONResponse({"detail": text, "field": field}, 422)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101
    detail = str(exc.detail)
    if wants_html(request):
        response = _render_error(request, exc.status_code, detail)
    else:
        response = JSONResponse({"detail": detail, "field": None}, exc.status_code)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def unexpected_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", "-")
    log.error("request %s: unexpected error\n%s", request_id, logsafe.redacted(exc))
    text = f"something went wrong on our side (request {request_id}); nothing was changed"
    return JSONResponse({"detail": text, "field": None}, 500)


def install(app: FastAPI) -> None:
    logsafe.install()
    app.add_exception_handler(DorsiError, dorsi_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)


__all__ = ["ERROR_BODY", "documented", "dorsi_error", "install", "wants_html"]
