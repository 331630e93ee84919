"""Jinja2 rendering with the CSRF token, the signed-in user and a few display helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from dorsi.clinical.goal_words import goal_words, status_words, why_words
from dorsi.i18n import N_, Language
from dorsi.services.context import Actor
from dorsi.web import i18n as page_i18n
from dorsi.web.runtime import (
    anonymous_csrf,
    is_https,
    new_pre_value,
    pre_cookie_name,
    state,
)

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")

BADGES: dict[str, tuple[str, str]] = {
    # id: (label, css class); most severe first
    "emergency": ("Emergency flag", "danger"),
    "urgent": ("Urgent flag", "danger"),
    "stop_program": ("Stop program", "danger"),
    "paused": ("Program paused", "warn"),
    "worsening": ("Worsening", "warn"),
    "pain_rising": ("Pain rising", "warn"),
    "plateau": ("Plateau", "info"),
    "reassessment_due": ("Reassessment due", "info"),
    "low_adherence": ("Low adherence", "info"),
    "regress": ("Regress", "warn"),
    "ready_to_progress": ("Ready to progress", "ok"),
}
LEVELS: dict[str, tuple[str, str]] = {
    # Patients see these on "Is this urgent?": translated where shown.
    "emergency": (N_("Emergency"), "danger"),
    "urgent": (N_("Urgent"), "danger"),
    "see_clinician": (N_("See a clinician"), "warn"),
    "proceed": (N_("Safe to go on"), "ok"),
}


def _words(value: str) -> str:
    return value.replace("_", " ")


TEMPLATES.env.filters["words"] = _words
page_i18n.install(TEMPLATES.env)
TEMPLATES.env.globals["BADGES"] = BADGES
TEMPLATES.env.globals["LEVELS"] = LEVELS
# A goal's status and what it rests on, in the page's language (one wording everywhere).
TEMPLATES.env.globals["goal_status_words"] = status_words
TEMPLATES.env.globals["goal_words"] = goal_words
TEMPLATES.env.globals["goal_why"] = why_words


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    actor: Actor | None = None,
    status: int = 200,
    lang: Language | None = None,
) -> HTMLResponse:
    """Render a page. Signed-in pages get the session's CSRF token; anonymous pages get a
    token bound to a pre-session cookie (set here when missing).

    The page is shown in ``lang`` when given (a patient page that loaded the saved choice),
    else in the language :func:`dorsi.web.i18n.page_language` picks."""
    values: dict[str, Any] = dict(context or {})
    shown = lang or page_i18n.page_language(request, actor)
    values["lang"] = shown
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
    settings = state(request).settings
    # The clinic's contact details (settings), shown wherever a patient's program is paused.
    values.setdefault(
        "clinic_contact",
        {
            "phone": settings.clinic_phone,
            "hours": settings.clinic_hours,
            "out_of_hours": settings.clinic_out_of_hours,
        },
    )
    with page_i18n.use_language(shown):
        response = TEMPLATES.TemplateResponse(request, name, values, status_code=status)
    page_i18n.sync_cookie(request, response, actor, shown)
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
