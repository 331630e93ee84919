"""The guided session's camera measure, page side (docs/camera.md).

- ``POST /me/camera-sessions``: the phone's page sends the numbers it measured (never video):
  per counted lift its peak angle, empty when it was counted but not measured. Stored by
  :func:`dorsi.services.camera.record_session`; answered with a redirect back to ``next``
  (a step of the guided session). ``idempotency_key`` (one per measuring session, made by
  ``static/camera.js``) makes a repeat store nothing; ``date`` is set only by a save kept on
  the phone while offline (the day it was measured), as for the check-in.
- :data:`CAMERA_EXERCISES` is a template global: the guided session offers the camera on
  those exercises (``me/_camera.html``, ``static/camera.js``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from dorsi.clinical.camera import CAMERA_EXERCISES, MAX_REPS, CameraSessionIn
from dorsi.clinical.contract import parse
from dorsi.errors import InputError
from dorsi.services import camera, idempotency
from dorsi.web.deps import CsrfChecked, PageUnit, action
from dorsi.web.pages.patient import own_patient_id
from dorsi.web.templating import TEMPLATES

router = APIRouter(prefix="/me")
TEMPLATES.env.globals["CAMERA_EXERCISES"] = CAMERA_EXERCISES

#: where the answer may send the page back to (the guided session only: no open redirect)
NEXT_PREFIX = "/me/session"


def peaks_of(text: str) -> list[dict[str, object]]:
    """``"12.5,,9"`` -> the lifts: a number is a measured peak, an empty item a lift counted
    but not measured."""
    reps: list[dict[str, object]] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            reps.append({"peak_deg": None, "quality": "poor"})
            continue
        try:
            value = float(item)
        except ValueError:
            raise InputError(
                f"must be numbers of degrees separated by commas (got {item[:20]!r})",
                field="peaks",
            ) from None
        reps.append({"peak_deg": value, "quality": "good"})
    return reps


@router.post("/camera-sessions", dependencies=[action("self.session.log")])
def post_camera_session(
    ctx: PageUnit,
    _: CsrfChecked,
    exercise_id: Annotated[str, Form(max_length=48)],
    side: Annotated[str, Form(max_length=8)],
    peaks: Annotated[str, Form(max_length=MAX_REPS * 8)],
    next_url: Annotated[str, Form(alias="next", max_length=200)] = NEXT_PREFIX,
    key: Annotated[
        str, Form(alias=idempotency.FORM_FIELD, max_length=idempotency.MAX_KEY_CHARS + 1)
    ] = "",
    day: Annotated[str, Form(alias="date", max_length=10)] = "",
) -> Response:
    patient_id = own_patient_id(ctx)
    body: dict[str, object] = {"exercise_id": exercise_id, "side": side, "reps": peaks_of(peaks)}
    if day:
        body["date"] = day
    field = idempotency.FORM_FIELD
    camera.record_session(
        ctx, patient_id, parse(CameraSessionIn, body), idempotency.check_key(key, field), field
    )
    target = next_url if next_url.startswith(NEXT_PREFIX) else NEXT_PREFIX
    return RedirectResponse(target, status_code=303)


__all__ = ["CAMERA_EXERCISES", "router"]
