"""Pages of the brace (AFO) log and remote monitoring: the patient's wear and skin check
(``/me/brace``, phone first, also a step of the guided session when a brace is used), and the
clinician's minutes entry on the patient page (timer or typed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from dorsi.catalog.brace import load_brace_rules
from dorsi.clinical.brace import BraceLogIn
from dorsi.clinical.contract import parse
from dorsi.errors import InputError
from dorsi.services import brace, rtm
from dorsi.services.context import Ctx, attempt
from dorsi.services.rtm import RtmMinutesIn
from dorsi.web.deps import CsrfChecked, FormFields, PageUnit, action
from dorsi.web.i18n import page_language
from dorsi.web.pages.clinic import dashboard_page
from dorsi.web.pages.forms import compact, field_errors, number, text_of, yes_no
from dorsi.web.pages.patient import findings, own_patient_id
from dorsi.web.templating import render

router = APIRouter()
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def brace_body(form: FormData) -> dict[str, Any]:
    seen = [str(v)[:20] for v in form.getlist("seen")][:8]
    return compact(
        {
            "date": text_of(form, "date", 20) or None,
            "wear_hours": number(text_of(form, "wear_hours", 10)),
            "skin_problem": yes_no(text_of(form, "skin_problem", 10)),
            "seen": seen,
            "note": text_of(form, "note", 2000),
        }
    )


def _brace_page(request: Request, ctx: Ctx, *, status: int = 200, **extra: Any) -> Response:
    actor = ctx.actor
    lang = page_language(request, actor)
    entries = brace.brace_log(ctx, own_patient_id(ctx), lang=lang)[:7]
    values = {
        "findings": findings(lang),
        "entries": entries,
        "redness_minutes": int(load_brace_rules().redness_minutes.value),
        "values": {},
        "errors": {},
        **extra,
    }
    return render(request, "me/brace.html", values, actor=actor, status=status, lang=lang)


@router.get("/me/brace", dependencies=[action("self.patient.read")])
def brace_form(request: Request, ctx: PageUnit, next_step: int = 0) -> Response:
    return _brace_page(request, ctx, next_step=max(0, min(next_step, 60)))


@router.post("/me/brace", dependencies=[action("self.brace.log")])
def brace_save(request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields) -> Response:
    body = brace_body(form)
    step = number(text_of(form, "next_step", 10))
    next_step = step if isinstance(step, int) and 0 < step <= 60 else 0
    actor = ctx.actor
    lang = page_language(request, actor)

    try:
        result = attempt(
            ctx,
            lambda: brace.log_brace(ctx, own_patient_id(ctx), parse(BraceLogIn, body), lang=lang),
        )
    except InputError as exc:
        raw = {k: v for k, v in form.items() if isinstance(v, str)}
        raw["seen"] = ",".join(str(v) for v in form.getlist("seen"))
        return _brace_page(
            request,
            ctx,
            status=422,
            values=raw,
            # the note's box is "brace_note" (the guided session holds other notes)
            errors={("brace_note" if k == "note" else k): v for k, v in field_errors(exc).items()},
            next_step=next_step,
        )
    return render(
        request,
        "me/brace_done.html",
        {"result": result, "next_step": next_step, "findings": dict(findings(lang))},
        actor=actor,
        lang=lang,
    )


@router.post("/clinic/patients/{patient_id}/rtm-minutes", dependencies=[action("rtm.minutes")])
def rtm_minutes(
    request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields, patient_id: PatientId
) -> Response:
    body = compact(
        {
            "date": text_of(form, "date", 20) or None,
            "minutes": number(text_of(form, "minutes", 10)),
            "activity": text_of(form, "activity", 20),
            "note": text_of(form, "note", 2000),
        }
    )
    try:
        attempt(ctx, lambda: rtm.add_minutes(ctx, patient_id, parse(RtmMinutesIn, body)))
    except InputError as exc:
        raw = {f"rtm_{k}": v for k, v in form.items() if isinstance(v, str)}
        errors = {f"rtm_{k}": v for k, v in field_errors(exc).items()}
        return dashboard_page(request, ctx, patient_id, status=422, errors=errors, values=raw)
    return RedirectResponse(f"/clinic/patients/{patient_id}#rtm", status_code=303)


__all__ = ["brace_body", "findings", "router"]
