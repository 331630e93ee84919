"""The Learn pages, the language switcher, and the clinician's "read this week" marks.

- ``GET /learn``: every topic. A signed-in patient sees them in their personal order (marked
  "read this week" first, then what applies to their cause, phase, brace and outlook; nothing
  is hidden), with their personal notes. Anyone else sees the catalog order. Public: the
  protocol's teaching is for everyone, and "When to get help" must never sit behind a sign-in.
- ``GET /learn/{topic_id}``: one topic in the reader's language, with its diagram, words to
  know, links to the self-check and cost pages, and where each number comes from.
- ``GET, POST /language``: choose the language. The choice is kept in a cookie and, for a
  signed-in patient, saved on their record.
- ``GET, POST /clinic/patients/{patient_id}/learn``: the assigned clinician marks topics
  "read this week" (policy action ``program.write``); the patient sees them on Today.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from dorsi.education import (
    LearnPage,
    PersonalInput,
    PersonalOutput,
    load_topics,
    personalize,
    render_topic,
)
from dorsi.errors import InputError
from dorsi.i18n import Language, normalize_language
from dorsi.services import learn as learn_service
from dorsi.services.context import Actor, Ctx, attempt
from dorsi.services.patients import load_patient
from dorsi.services.views import Dashboard, patient_dashboard
from dorsi.web.deps import CsrfChecked, FormFields, OptionalPageUnit, PageUnit, action
from dorsi.web.i18n import is_staff, page_language, remember_language
from dorsi.web.pages.forms import clipped, field_errors
from dorsi.web.templating import render

router = APIRouter(include_in_schema=False)

# Where each kind of topic link leads on the web.
LINK_PATHS = {
    "self_check": "/urgent",
    "cost_estimator": "/cost",
    "exercises": "/me",
    "progress": "/me/progress",
}


def safe_path(target: str, default: str = "/learn") -> str:
    """Only a same-site path is followed after choosing a language."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target[:500]
    return default


def _reader(ctx: Ctx) -> tuple[Actor | None, tuple[Dashboard, list[str]] | None]:
    """The caller, and for a signed-in patient their record and active marks (audited)."""
    actor = ctx.actor
    if actor is None or actor.role != "patient" or actor.patient_id is None:
        return actor, None
    data = patient_dashboard(ctx, actor.patient_id, detail="learn")
    return actor, (data, learn_service.active_marks(ctx, data.patient.id))


def _personal(
    request: Request, actor: Actor | None, record: tuple[Dashboard, list[str]] | None
) -> tuple[Language, PersonalOutput]:
    if record is None:
        # Not a patient: the catalog order, nothing personal (no reasons, no notes).
        lang = page_language(request, actor)
        plain = personalize(PersonalInput(lang=lang))
        by_id = {t.id: t for t in plain.topics}
        topics = [
            by_id[tid].model_copy(update={"applies": False, "reasons": []})
            for tid in load_topics().ids
        ]
        return lang, PersonalOutput(lang=lang, topics=topics, notes=[])
    data, marks = record
    lang = page_language(request, actor, saved=data.patient.preferred_language)
    return lang, personalize(learn_service.personal_input(data, marks, lang))


@router.get("/learn", dependencies=[action("public")])
def learn_index(request: Request, ctx: OptionalPageUnit) -> Response:
    actor, record = _reader(ctx)
    lang, personal = _personal(request, actor, record)
    return render(
        request,
        "learn/index.html",
        {"personal": personal, "is_patient": record is not None},
        actor=actor,
        lang=lang,
    )


@router.get("/learn/{topic_id}", dependencies=[action("public")])
def learn_topic(request: Request, ctx: OptionalPageUnit, topic_id: str) -> Response:
    topic = load_topics().get(topic_id[:60])
    actor, record = _reader(ctx)
    lang, personal = _personal(request, actor, record)
    page: LearnPage = render_topic(topic, lang)
    ref = next(t for t in personal.topics if t.id == topic.id)
    # The topic about the outlook shows a patient their own estimate, in their language.
    outlook = None
    if record is not None and topic.applies_when.outlook:
        outlook = learn_service.outlook_view(record[0], lang)
    return render(
        request,
        "learn/topic.html",
        {
            "page": page,
            "ref": ref,
            "notes": [n for n in personal.notes if n.topic == topic.id],
            "links": [(LINK_PATHS[link.to], link.label) for link in page.links],
            "is_patient": record is not None,
            "outlook": outlook,
        },
        actor=actor,
        lang=lang,
    )


# --- language -------------------------------------------------------------------------------


@router.get("/language", dependencies=[action("public")])
def language_form(request: Request, ctx: OptionalPageUnit, next: str = "/learn") -> Response:
    return render(request, "learn/language.html", {"next": safe_path(next)}, actor=ctx.actor)


@router.post("/language", dependencies=[action("public")])
def choose_language(
    request: Request,
    ctx: OptionalPageUnit,
    _: CsrfChecked,
    raw: Annotated[str, Form(alias="lang"), clipped(20)] = "",
    next_path: Annotated[str, Form(alias="next"), clipped(500)] = "",
) -> Response:
    target = safe_path(next_path)
    actor = ctx.actor

    def work() -> Language:
        if actor is not None and actor.role == "patient" and actor.patient_id is not None:
            return learn_service.set_own_language(ctx, raw)
        return normalize_language(raw, field="lang")

    try:
        lang = attempt(ctx, work)
    except InputError as exc:
        return render(
            request,
            "learn/language.html",
            {"next": target, "errors": field_errors(exc)},
            actor=actor,
            status=422,
        )
    response = RedirectResponse(target, status_code=303)
    if not is_staff(actor):
        remember_language(request, response, lang)
    return response


# --- the clinician's "read this week" -------------------------------------------------------


def _marks_context(ctx: Ctx, patient_id: int) -> dict[str, Any]:
    patient = load_patient(ctx, patient_id, "program.write", "learn marks")
    return {
        "patient": {"id": patient.id, "display_name": patient.display_name},
        "marked": learn_service.active_marks(ctx, patient.id),
    }


@router.get("/clinic/patients/{patient_id}/learn", dependencies=[action("program.write")])
def marks_form(request: Request, ctx: PageUnit, patient_id: int, saved: int = 0) -> Response:
    values = _marks_context(ctx, patient_id)
    values.update({"topics": load_topics().topics, "saved": bool(saved)})
    return render(request, "learn/clinic_marks.html", values, actor=ctx.actor)


@router.post("/clinic/patients/{patient_id}/learn", dependencies=[action("program.write")])
def save_marks(
    request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields, patient_id: int
) -> Response:
    chosen = [str(v)[:60] for v in form.getlist("topics") if isinstance(v, str)][:50]
    try:
        attempt(ctx, lambda: learn_service.mark_topics(ctx, patient_id, chosen))
    except InputError as exc:
        values = _marks_context(ctx, patient_id)
        values.update(
            {"topics": load_topics().topics, "errors": field_errors(exc), "marked": chosen}
        )
        return render(request, "learn/clinic_marks.html", values, actor=ctx.actor, status=422)
    return RedirectResponse(f"/clinic/patients/{patient_id}/learn?saved=1", status_code=303)


__all__ = ["LINK_PATHS", "router", "safe_path"]
