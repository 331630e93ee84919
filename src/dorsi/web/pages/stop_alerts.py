"""The clinician acknowledges a patient's stop alerts from the patient page (with a note)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from dorsi.clinical.contract import parse
from dorsi.errors import ConflictError, InputError
from dorsi.services import stops
from dorsi.services.context import attempt
from dorsi.services.stops import AcknowledgeIn
from dorsi.web.deps import CsrfChecked, PageUnit, action
from dorsi.web.pages.clinic import dashboard_page
from dorsi.web.pages.forms import FormText, clipped

router = APIRouter(prefix="/clinic")
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "/patients/{patient_id}/alerts/acknowledge-stops", dependencies=[action("alert.acknowledge")]
)
def acknowledge_stops(
    request: Request,
    ctx: PageUnit,
    _: CsrfChecked,
    patient_id: PatientId,
    note: Annotated[FormText, clipped(stops.NOTE_MAX_CHARS + 1)] = "",
) -> Response:
    try:
        attempt(
            ctx, lambda: stops.acknowledge(ctx, patient_id, parse(AcknowledgeIn, {"note": note}))
        )
    except (InputError, ConflictError) as exc:
        message = exc.detail if isinstance(exc, InputError) else exc.message
        status = 422 if isinstance(exc, InputError) else 409
        return dashboard_page(
            request, ctx, patient_id, status=status, errors={"note": message}, values={"note": note}
        )
    return RedirectResponse(f"/clinic/patients/{patient_id}#alerts", status_code=303)


__all__ = ["router"]
