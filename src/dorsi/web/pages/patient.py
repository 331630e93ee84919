"""The patient's pages, phone first: Today, the guided session with its check-in, My progress.

Each page works as plain HTML forms and links; ``static/session.js`` only adds the rep
counter, the countdown timers, sound and vibration.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from dorsi.catalog.brace import SKIN_FINDINGS, load_brace_rules
from dorsi.catalog.exercises import load_exercises
from dorsi.clinical.contract import parse
from dorsi.clinical.progress_contract import CheckinIn
from dorsi.education import load_topics
from dorsi.errors import InputError, PermissionDeniedError
from dorsi.i18n import normalize_language
from dorsi.services import brace, idempotency, learn, messages, progress, worklist
from dorsi.services.context import Actor, Ctx, attempt
from dorsi.services.pause_words import pause_reason
from dorsi.services.views import (
    Dashboard,
    TodayView,
    in_language,
    patient_dashboard,
    patient_today,
)
from dorsi.web.deps import CsrfChecked, FormFields, PageUnit, action
from dorsi.web.i18n import page_language
from dorsi.web.measure_charts import measure_charts, pain_chart
from dorsi.web.pages.forms import compact, field_errors, number, text_of, yes_no
from dorsi.web.templating import render

router = APIRouter(prefix="/me")


def own_patient_id(ctx: Ctx) -> int:
    """The signed-in patient's record id (these pages are for patients only)."""
    actor = ctx.actor
    if actor is None or actor.role != "patient" or actor.patient_id is None:
        raise PermissionDeniedError("these pages are for patients; clinicians use /clinic")
    return actor.patient_id


def own_actor(ctx: Ctx) -> Actor:
    """The signed-in patient (these pages are for patients only)."""
    own_patient_id(ctx)
    assert ctx.actor is not None  # noqa: S101 - own_patient_id checked it
    return ctx.actor


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
    catalog = load_exercises(lang)
    items: list[dict[str, Any]] = []
    if data.program is None:
        return items
    for planned in data.program.exercises:
        exercise = catalog.get(planned.id)
        items.append({"plan": planned, "exercise": exercise})
    return items


def offline_pages(data: TodayView, items: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """What the phone keeps for offline use (``static/pwa.js``): Today, every step of the
    guided session up to the check-in form, and the exercise pictures; ``version`` changes
    when any of them would (another program or version, a pause, another language)."""
    steps = range(len(items) + 1)  # the last step is the check-in form
    urls = ["/me", "/me/session", *(f"/me/session?step={n}" for n in steps)]
    urls += [f"/exercises/{it['exercise'].id}.svg" for it in items]
    program = data.program
    version = ":".join(
        str(part)
        for part in (
            program.id if program else "-",
            program.version if program else "-",
            "paused" if data.patient.program_paused else "on",
            lang,
        )
    )
    return {"urls": urls, "version": version}


def stop_rules(lang: str = "en") -> tuple[str, ...]:
    return load_exercises(lang).common_stop_rules


def learn_titles(marks: list[str], lang: str) -> list[tuple[str, str]]:
    """(topic id, title in ``lang``) of the topics marked "read this week"."""
    catalog = load_topics()
    language = normalize_language(lang)
    return [(tid, catalog.get(tid).title.get(language)) for tid in marks]


def findings(lang: str) -> list[tuple[str, str]]:
    """(id, plain label in ``lang``) of each brace skin-check finding, in the catalog's order."""
    rules = load_brace_rules()
    language = normalize_language(lang)
    return [(f, rules.seen[f].label.get(language)) for f in SKIN_FINDINGS]


def _page(
    request: Request, ctx: Ctx, template: str, detail: str, *, status: int = 200, **extra: Any
) -> Response:
    data = patient_today(ctx, own_patient_id(ctx), detail=detail)
    pid = data.patient.id
    marks = learn.active_marks(ctx, pid)
    uses_brace = brace.uses_brace(ctx.db, pid)
    # Who was told of what pauses the program (cheap: no review), and unread replies.
    notices = (
        worklist.patient_notices(ctx, pid, paused_only=True) if data.patient.program_paused else []
    )
    unread = messages.unread_for(ctx.db, own_actor(ctx), pid)
    actor = ctx.actor
    lang = page_language(request, actor, saved=data.patient.preferred_language)
    items = today_items(data, lang)
    values = {
        "d": data,
        "items": items,
        "offline": offline_pages(data, items, lang),
        "stop_rules": stop_rules(lang),
        "this_week": learn_titles(marks, lang),
        # A brace user's guided session adds the brace and skin check before the check-in.
        "uses_brace": uses_brace,
        "findings": findings(lang),
        "redness_minutes": int(load_brace_rules().redness_minutes.value),
        "notices": notices,
        "unread": unread,
        "pause": pause_reason(ctx.db, pid, lang) if data.patient.program_paused else None,
        **extra,
    }
    return render(request, template, values, actor=actor, status=status, lang=lang)


@router.get("", dependencies=[action("self.patient.read")])
def today(request: Request, ctx: PageUnit) -> Response:
    return _page(request, ctx, "me/today.html", "today")


@router.get("/session", dependencies=[action("self.patient.read")])
def guided(request: Request, ctx: PageUnit, step: int = 0) -> Response:
    # The check-in form carries a fresh key: sent twice (a double tap, a retry), it is
    # stored once (dorsi.services.idempotency).
    return _page(
        request,
        ctx,
        "me/session.html",
        "session",
        step=max(0, min(step, 50)),
        idempotency_key=secrets.token_urlsafe(24),
    )


def checkin_body(form: FormData) -> dict[str, Any]:
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
            # set only by a check-in kept on the phone while offline: the day it was made
            "date": text_of(form, "date", 10),
        }
    )


@router.post("/session", dependencies=[action("self.session.log")])
def checkin(request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields) -> Response:
    body = checkin_body(form)
    patient_id = own_patient_id(ctx)

    def work() -> Any:
        field = idempotency.FORM_FIELD
        key = idempotency.check_key(text_of(form, field, idempotency.MAX_KEY_CHARS + 1), field)
        return progress.log_session(ctx, patient_id, parse(CheckinIn, body), key, field)

    try:
        result = attempt(ctx, work)
    except InputError as exc:
        raw = {k: v for k, v in form.items() if isinstance(v, str)}
        return _page(
            request,
            ctx,
            "me/session.html",
            "session",
            step=999,
            values=raw,
            errors=field_errors(exc),
            status=422,
        )
    return render(request, "me/checkin_done.html", {"result": result}, actor=ctx.actor)


@router.get("/progress", dependencies=[action("self.patient.read")])
def my_progress(request: Request, ctx: PageUnit) -> Response:
    actor, data = ctx.actor, own_record(ctx, "my progress", request)
    lang = page_language(request, actor, saved=data.patient.preferred_language)
    notices = worklist.patient_notices(ctx, data.patient.id)
    return render(
        request,
        "me/progress.html",
        {
            "d": data,
            "charts": measure_charts(data, lang, reader="patient"),
            "pain_svg": pain_chart(data.sessions, lang),
            "notices": notices,
            "pause": pause_reason(ctx.db, data.patient.id, lang)
            if data.patient.program_paused
            else None,
        },
        actor=actor,
        lang=lang,
    )


__all__ = ["router"]
