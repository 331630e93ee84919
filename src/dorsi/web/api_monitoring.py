"""``/api/v1`` routes of the brace (AFO) log and remote therapeutic monitoring (RTM).

Thin: each route declares its policy action, its unit of work and its typed body
(:mod:`dorsi.web.deps`) and hands them to :mod:`dorsi.services.brace` or
:mod:`dorsi.services.rtm`, which check access, audit and store.
"""

from __future__ import annotations

from fastapi import APIRouter

from dorsi.clinical.brace import BraceLogIn
from dorsi.clinical.rtm import RtmSummary
from dorsi.services import brace, rtm
from dorsi.services.brace import BraceLogPublic
from dorsi.services.rtm import RtmMinutesIn, RtmMinutesPublic
from dorsi.web.api import API_ERRORS, RECORD, PatientId
from dorsi.web.deps import ApiUnit, JsonBody, JsonRoute, action

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, route_class=JsonRoute)


@router.get(
    "/patients/{patient_id}/brace-log",
    tags=["clinical"],
    summary="The brace (AFO) wear and skin-check log, newest first",
    dependencies=[action("patient.read")],
    responses=RECORD,
)
def get_brace_log(ctx: ApiUnit, patient_id: PatientId) -> list[BraceLogPublic]:
    return brace.brace_log(ctx, patient_id)


@router.post(
    "/patients/{patient_id}/brace-log",
    tags=["clinical"],
    status_code=201,
    summary="Log one day's brace wear and skin check",
    description=(
        "`wear_hours` 0 to 24; `skin_problem` true or false; optional `seen` "
        "(`redness_30min`, `sore`, `blister`, `pressure_pain`; only with a skin problem), "
        "`note` and `date` (default today; not in the future nor before the onset). A skin "
        "problem raises a `skin_problem` alert in the progress review. The answer's `advice` "
        "tells the patient what to do now, in the patient's language."
    ),
    dependencies=[action("brace.log")],
    responses=RECORD,
)
def post_brace_log(
    ctx: ApiUnit, patient_id: PatientId, body: JsonBody[BraceLogIn]
) -> BraceLogPublic:
    return brace.log_brace(ctx, patient_id, body)


@router.get(
    "/patients/{patient_id}/rtm",
    tags=["clinical"],
    summary="Remote therapeutic monitoring: 30-day periods, days with data, minutes, codes met",
    description=(
        "Periods run 30 days from the start of monitoring (the first program assignment, else "
        "the first day with data from the patient). Each gives `start`, `end`, `data_days`, "
        "`minutes` and the `codes` whose thresholds it meets (code data with source, year and "
        "a verified flag). `months` gives the calendar months the management codes count. "
        "Dorsi reports eligibility; it does not bill."
    ),
    dependencies=[action("patient.read")],
    responses=RECORD,
)
def get_rtm(ctx: ApiUnit, patient_id: PatientId) -> RtmSummary:
    return rtm.rtm(ctx, patient_id)


@router.post(
    "/patients/{patient_id}/rtm/minutes",
    tags=["clinical"],
    status_code=201,
    summary="Add the clinician's minutes of monitoring review or interactive contact",
    dependencies=[action("rtm.minutes")],
    responses=RECORD,
)
def post_rtm_minutes(
    ctx: ApiUnit, patient_id: PatientId, body: JsonBody[RtmMinutesIn]
) -> RtmMinutesPublic:
    return rtm.add_minutes(ctx, patient_id, body)


__all__ = ["router"]
