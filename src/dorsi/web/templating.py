"""Jinja2 rendering with the CSRF token, the signed-in user and a few display helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from dorsi.services.context import Actor
from dorsi.web.runtime import (
    anonymous_csrf,
    is_https,
    new_pre_value,
    pre_cookie_name,
)

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")

BADGES: dict[str, tuple[str, str]] = {
    # id: (label, css class); most severe first
    "emergency": ("Emergency flag", "danger"),
    "urgent": ("Urgent flag", "danger"),
    "stop_program": ("Stop program", "danger"),
    "paused": ("Program paused", "warn"),
    "worsening": ("Worsening", "warn"),
    "plateau": ("Plateau", "info"),
    "reassessment_due": ("Reassessment due", "info"),
    "low_adherence": ("Low adherence", "info"),
    "regress": ("Regress", "warn"),
    "ready_to_progress": ("Ready to progress", "ok"),
}
LEVELS: dict[str, tuple[str, str]] = {
    "emergency": ("Emergency", "danger"),
    "urgent": ("Urgent", "danger"),
    "see_clinician": ("See a clinician", "warn"),
    "proceed": ("Safe to go on", "ok"),
}


def _words(value: str) -> str:
    return value.replace("_", " ")


TEMPLATES.env.filters["words"] = _words
TEMPLATES.env.globals["BADGES"] = BADGES
TEMPLATES.env.globals["LEVELS"] = LEVELS


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    actor: Actor | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render a page. Signed-in pages get the session's CSRF token; anonymous pages get a
    token bound to a pre-session cookie (set here when missing)."""
    values: dict[str, Any] = dict(context or {})
    new_pre: str | None = None
    if actor is not None:
        values["csrf"] = actor.csrf_token or ""
    else:
        pre = request.cookies.get(pre_cookie_name(request))
        if not pre:
            pre = new_pre = new_pre_value()
        values["csrf"] = anonymous_csrf(request, pre)
    values["actor"] = actor
    values["request"] = request
    response = TEMPLATES.TemplateResponse(request, name, values, status_code=status)
    if new_pre is not None:
        response.set_cookie(
            pre_cookie_name(request),
            new_pre,
            httponly=True,
            samesite="strict",
            secure=is_https(request),
            path="/",
        )
    return response


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


__all__ = ["BADGES", "LEVELS", "TEMPLATES", "render", "render_error"]
