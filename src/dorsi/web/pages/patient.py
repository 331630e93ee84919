"""The patient's pages, phone first: Today, the guided session with its check-in, My progress.

Each page works as plain HTML forms and links; ``static/session.js`` only adds the rep
counter, the countdown timers, sound and vibration.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dorsi.errors import InputError, PermissionDeniedError
from dorsi.services import idempotency, learn, progress
from dorsi.services.context import Actor, Ctx
from dorsi.services.views import (
    Dashboard,
    TodayView,
    in_language,
    patient_dashboard,
    patient_today,
)
from dorsi.web.i18n import page_language
from dorsi.web.pages.clinic import measure_charts, pain_chart
from dorsi.web.pages.common import act
from dorsi.web.pages.forms import compact, csrf_of, field_errors, number, text_of, yes_no
from dorsi.web.runtime import run
from dorsi.web.templating import render

router = APIRouter(prefix="/me")


def own_patient_id(ctx: Ctx) -> int:
    """The signed-in patient's record id (these pages are for patients only)."""
    actor = ctx.actor
    if actor is None or actor.role != "patient" or actor.patient_id is None:
        raise PermissionDeniedError("these pages are for patients; clinicians use /clinic")
    return actor.patient_id


def own_record(ctx: Ctx, detail: str, request: Request | None = None) -> Dashboard:
    """The signed-in patient's own record (these pages are for patients only), with the
    progress alerts in the page's language when ``request`` is given."""
    data = patient_dashboard(ctx, own_patient_id(ctx), detail=detail)
    if request is None:
        return data
    lang = page_language(request, ctx.actor, data.patient.preferred_language)
    return in_language(ctx, data, lang)


def today_items(data: Dashboard | TodayView, lang: str = "en") -> list[dict[str, Any]]:
    """The assigned exercises with their catalog text (steps, cues, stop rules) in ``lang``."""
    from dorsi.catalog.exercises import load_exercises

    catalog = load_exercises(lang)
    items: list[dict[str, Any]] = []
    if data.program is None:
        return items
    for planned in data.program.exercises:
        exercise = catalog.get(planned.id)
        items.append({"plan": planned, "exercise": exercise})
    return items


def stop_rules(lang: str = "en") -> tuple[str, ...]:
    from dorsi.catalog.exercises import load_exercises

    return load_exercises(lang).common_stop_rules


def learn_titles(marks: list[str], lang: str) -> list[tuple[str, str]]:
    """(topic id, title in ``lang``) of the topics marked "read this week"."""
    from dorsi.education import load_topics
    from dorsi.i18n import normalize_language

    catalog = load_topics()
    language = normalize_language(lang)
    return [(tid, catalog.get(tid).title.get(language)) for tid in marks]


async def _page(
    request: Request, template: str, detail: str, *, status: int = 200, **extra: Any
) -> Response:
    def work(ctx: Ctx) -> tuple[Actor | None, TodayView, list[str]]:
        data = patient_today(ctx, own_patient_id(ctx), detail=detail)
        return ctx.actor, data, learn.active_marks(ctx, data.patient.id)

    actor, data, marks = await run(request, work, auth_kind="page", read_only=True)
    lang = page_language(request, actor, saved=data.patient.preferred_language)
    values = {
        "d": data,
        "items": today_items(data, lang),
        "stop_rules": stop_rules(lang),
        "this_week": learn_titles(marks, lang),
        **extra,
    }
    return render(request, template, values, actor=actor, status=status, lang=lang)


@router.get("", openapi_extra=act("self.patient.read"))
async def today(request: Request) -> Response:
    return await _page(request, "me/today.html", "today")


@router.get("/session", openapi_extra=act("self.patient.read"))
async def guided(request: Request, step: int = 0) -> Response:
    # The check-in form carries a fresh key: sent twice (a double tap, a retry), it is
    # stored once (dorsi.services.idempotency).
    return await _page(
        request,
        "me/session.html",
        "session",
        step=max(0, min(step, 50)),
        idempotency_key=secrets.token_urlsafe(24),
    )


def checkin_body(form: Any) -> dict[str, Any]:
    return compact(
        {
            "completed": yes_no(text_of(form, "completed", 10)),
            "sets_done": number(text_of(form, "sets_done", 10)),
            "pain_nrs": number(text_of(form, "pain_nrs", 10)),
            "difficulty": text_of(form, "difficulty", 10),
            "trips_since_last": number(text_of(form, "trips_since_last", 10)),
            "weakness_worse": yes_no(text_of(form, "weakness_worse", 10)),
            "balance_worse": yes_no(text_of(form, "balance_worse", 10)),
            "notes": text_of(form, "notes", 2000),
        }
    )


@router.post("/session", openapi_extra=act("self.session.log"))
async def checkin(request: Request) -> Response:
    form = await request.form()
    body = checkin_body(form)

    def work(ctx: Ctx) -> tuple[Actor | None, Any]:
        actor = ctx.actor
        if actor is None or actor.role != "patient" or actor.patient_id is None:
            raise PermissionDeniedError("these pages are for patients; clinicians use /clinic")
        field = idempotency.FORM_FIELD
        key = idempotency.check_key(text_of(form, field, idempotency.MAX_KEY_CHARS + 1), field)
        return actor, progress.log_session(ctx, actor.patient_id, body, key, field)

    try:
        actor, result = await run(request, work, auth_kind="page", csrf=csrf_of(form))
    except InputError as exc:
        raw = {k: v for k, v in form.items() if isinstance(v, str)}
        return await _page(
            request,
            "me/session.html",
            "session",
            step=999,
            values=raw,
            errors=field_errors(exc),
            status=422,
        )
    return render(request, "me/checkin_done.html", {"result": result}, actor=actor)


@router.get("/progress", openapi_extra=act("self.patient.read"))
async def my_progress(request: Request) -> Response:
    def work(ctx: Ctx) -> tuple[Actor | None, Dashboard]:
        return ctx.actor, own_record(ctx, "my progress", request)

    actor, data = await run(request, work, auth_kind="page", read_only=True)
    return render(
        request,
        "me/progress.html",
        {"d": data, "charts": measure_charts(data), "pain_svg": pain_chart(data.sessions)},
        actor=actor,
        lang=page_language(request, actor, saved=data.patient.preferred_language),
    )


__all__ = ["router"]
