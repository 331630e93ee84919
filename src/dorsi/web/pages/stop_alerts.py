"""The clinician acknowledges a patient's stop alerts from the patient page (with a note)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from dorsi.errors import ConflictError, InputError
from dorsi.services import stops
from dorsi.web.pages.clinic import dashboard_page
from dorsi.web.pages.common import act
from dorsi.web.pages.forms import csrf_of, text_of
from dorsi.web.runtime import run

router = APIRouter(prefix="/clinic")
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "/patients/{patient_id}/alerts/acknowledge-stops", openapi_extra=act("alert.acknowledge")
)
async def acknowledge_stops(request: Request, patient_id: PatientId) -> Response:
    form = await request.form()
    note = text_of(form, "note", stops.NOTE_MAX_CHARS + 1)
    try:
        await run(
            request,
            lambda ctx: stops.acknowledge(ctx, patient_id, {"note": note}),
            auth_kind="page",
            csrf=csrf_of(form),
        )
    except (InputError, ConflictError) as exc:
        message = exc.detail if isinstance(exc, InputError) else exc.message
        status = 422 if isinstance(exc, InputError) else 409
        return await dashboard_page(
            request, patient_id, status=status, errors={"note": message}, values={"note": note}
        )
    return RedirectResponse(f"/clinic/patients/{patient_id}#alerts", status_code=303)


__all__ = ["router"]
