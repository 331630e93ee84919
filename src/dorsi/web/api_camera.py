"""``/api/v1`` routes of the camera measure (docs/camera.md).

Thin: each route declares its policy action, its unit of work and its typed body
(:mod:`dorsi.web.deps`) and hands them to :mod:`dorsi.services.camera`, which checks access,
audits and stores.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from dorsi.clinical.camera import CameraSessionIn
from dorsi.services import camera, idempotency
from dorsi.services.camera import CameraSessionPublic
from dorsi.web.api import API_ERRORS, RECORD, PatientId
from dorsi.web.deps import ApiUnit, JsonBody, JsonRoute, action

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, route_class=JsonRoute)


@router.get(
    "/patients/{patient_id}/camera-sessions",
    tags=["clinical"],
    summary="Home sessions measured with the phone's camera, newest first",
    dependencies=[action("patient.read")],
    responses=RECORD,
)
def get_camera_sessions(ctx: ApiUnit, patient_id: PatientId) -> list[CameraSessionPublic]:
    return camera.sessions(ctx, patient_id)


@router.post(
    "/patients/{patient_id}/camera-sessions",
    tags=["clinical"],
    status_code=201,
    summary="Store a home session's camera results (numbers only; no video leaves the phone)",
    description=(
        "`exercise_id` (`seated_dorsiflexion` or `band_dorsiflexion`), `side` (`left` or "
        "`right`), optional `date` (default today; not in the future nor before the onset) and "
        "`reps`: 1 to 200 counted lifts, each `{peak_deg, quality}` with `quality` `good` and "
        "`peak_deg` -50 to 45 degrees, or `quality` `poor` and `peak_deg` null (counted, not "
        "measured). Dorsi computes the best and median of the measured lifts and stores the "
        "best as the measure `dorsiflexion_arom_camera_deg` (a trend only: no smallest real "
        "change is known for it; never merged with the goniometer's `dorsiflexion_arom_deg`). "
        "Send an `Idempotency-Key` header (1 to 255 visible ASCII characters, for example a "
        "UUID; one per measured session) to make a retry safe: the same session sent again "
        "with the same key, by the same user for the same patient, returns the first answer "
        "and is not stored twice. The same key with a different session is refused (422). "
        "Camera sessions' keys are their own: a check-in's key never matches one."
    ),
    dependencies=[action("session.log")],
    responses=RECORD,
)
def post_camera_session(
    ctx: ApiUnit,
    patient_id: PatientId,
    body: JsonBody[CameraSessionIn],
    key: Annotated[str | None, Header(alias=idempotency.HEADER, include_in_schema=False)] = None,
) -> CameraSessionPublic:
    return camera.record_session(ctx, patient_id, body, idempotency.check_key(key))


__all__ = ["router"]
