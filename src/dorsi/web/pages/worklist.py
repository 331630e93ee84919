"""Pages between visits: the clinician's worklist, and the message thread for both sides.

Thin routes: the form fields become the same typed inputs the API takes, and one service
function does the work (:mod:`dorsi.services.worklist`, :mod:`dorsi.services.messages`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from dorsi.clinical.contract import parse
from dorsi.errors import ConflictError, InputError, PermissionDeniedError
from dorsi.services import messages, worklist
from dorsi.services.context import Ctx, attempt
from dorsi.services.messages import MESSAGE_MAX_CHARS, MessageIn
from dorsi.services.worklist import AcknowledgeIn
from dorsi.services.worklist_items import KINDS, label
from dorsi.web.deps import CsrfChecked, FormFields, PageUnit, action
from dorsi.web.i18n import page_language
from dorsi.web.pages.clinic import dashboard_page
from dorsi.web.pages.forms import field_errors, text_of
from dorsi.web.templating import render

router = APIRouter()
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ItemId = Annotated[str, Path(min_length=5, max_length=120)]
#: The worklist's kinds for the filters (worklist page and patient list), most urgent first.
KIND_CHOICES = tuple((kind, label(kind)) for kind in KINDS)


# --- the clinician's worklist ---------------------------------------------------------------


def _worklist_page(
    request: Request,
    ctx: Ctx,
    *,
    kind: str | None = None,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    actor, items = ctx.actor, worklist.worklist(ctx, kind=kind)
    return render(
        request,
        "clinic/worklist.html",
        {"items": items, "kind": kind or "", "kinds": KIND_CHOICES, "errors": errors or {}},
        actor=actor,
        status=status,
    )


@router.get("/clinic/worklist", dependencies=[action("worklist.read")])
def worklist_page(request: Request, ctx: PageUnit, kind: str = "") -> Response:
    return _worklist_page(request, ctx, kind=kind if kind in KINDS else None)


@router.post("/clinic/worklist/{item_id}/acknowledge", dependencies=[action("alert.acknowledge")])
def acknowledge(
    request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields, item_id: ItemId
) -> Response:
    note = text_of(form, "note", worklist.NOTE_MAX_CHARS + 1)
    try:
        attempt(
            ctx, lambda: worklist.acknowledge(ctx, item_id, parse(AcknowledgeIn, {"note": note}))
        )
    except (InputError, ConflictError) as exc:
        message = exc.detail if isinstance(exc, InputError) else exc.message
        status = 422 if isinstance(exc, InputError) else 409
        return _worklist_page(request, ctx, status=status, errors={item_id: message})
    return RedirectResponse("/clinic/worklist", status_code=303)


@router.post("/clinic/patients/{patient_id}/messages", dependencies=[action("message.send")])
def clinician_message(
    request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields, patient_id: PatientId
) -> Response:
    text = text_of(form, "text", MESSAGE_MAX_CHARS + 1)
    try:
        attempt(ctx, lambda: messages.send(ctx, patient_id, parse(MessageIn, {"text": text})))
    except InputError as exc:
        return dashboard_page(
            request,
            ctx,
            patient_id,
            status=422,
            errors={"message": exc.detail},
            values={"message": text},
        )
    return RedirectResponse(f"/clinic/patients/{patient_id}#messages", status_code=303)


# --- the patient's thread ---------------------------------------------------------------------


def _own(ctx: Ctx) -> int:
    actor = ctx.actor
    if actor is None or actor.role != "patient" or actor.patient_id is None:
        raise PermissionDeniedError("these pages are for patients; clinicians use /clinic")
    return actor.patient_id


def _messages_page(
    request: Request,
    ctx: Ctx,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    text: str = "",
) -> Response:
    thread, saved = messages.own_thread(ctx, _own(ctx))
    actor = ctx.actor
    values: dict[str, Any] = {
        "thread": thread,
        "errors": errors or {},
        "text": text,
        "max_chars": MESSAGE_MAX_CHARS,
    }
    lang = page_language(request, actor, saved=saved)
    return render(request, "me/messages.html", values, actor=actor, status=status, lang=lang)


@router.get("/me/messages", dependencies=[action("self.message.read")])
def my_messages(request: Request, ctx: PageUnit) -> Response:
    return _messages_page(request, ctx)


@router.post("/me/messages", dependencies=[action("self.message.send")])
def send_my_message(request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields) -> Response:
    text = text_of(form, "text", MESSAGE_MAX_CHARS + 1)
    try:
        attempt(ctx, lambda: messages.send(ctx, _own(ctx), parse(MessageIn, {"text": text})))
    except InputError as exc:
        return _messages_page(request, ctx, status=422, errors=field_errors(exc), text=text)
    return RedirectResponse("/me/messages#sent", status_code=303)


__all__ = ["KIND_CHOICES", "router"]
