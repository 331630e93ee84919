"""The JSON API ``/api/v1`` for integrations. Patients use it for their own record.

Each route declares what it needs (:mod:`dorsi.web.deps`): its policy action, the unit of work
signed in by a bearer token (``ctx: ApiUnit``) and a typed body (``JsonBody[Model]``, the
same contract as the CLI's, so errors read as on the command line). FastAPI validates the
bodies and writes the OpenAPI document from the models.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Header, Path, Request, Response
from fastapi.responses import JSONResponse

from dorsi.clinical.contract import NO_NUL
from dorsi.clinical.progress_contract import CheckinIn
from dorsi.clinical.screening import ScreenInput
from dorsi.services import (
    auth,
    idempotency,
    patients,
    programs,
    progress,
    records,
    stops,
    users,
)
from dorsi.services.schemas import (
    CheckinPublic,
    EvaluationIn,
    EvaluationResult,
    PatientCreate,
    PatientLogin,
    PatientLoginCreate,
    PatientPublic,
    ProgramPublic,
    ProgramUpdate,
    UserCreate,
    UserPublic,
)
from dorsi.services.stops import AcknowledgeIn, StopResolution
from dorsi.web.deps import ApiUnit, JsonBody, JsonRoute, SeparateUnits, action
from dorsi.web.errors import documented
from dorsi.web.runtime import bearer_token, device_cookie_name

#: what every API answer may be: 401 (no valid token), 413 (body cap), 422 (a route with a
#: JSON body adds 415, not JSON: deps.JsonRoute)
API_ERRORS = documented(401, 413, 422, 503)
router = APIRouter(prefix="/api/v1", responses=API_ERRORS, route_class=JsonRoute)
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the patient's id")]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the user's id")]
# A patient's record: 404 when the caller may not read it, 403 when they may read but not act.
RECORD = documented(403, 404)


@router.post(
    "/auth/token",
    tags=["auth"],
    summary="Sign in: OAuth2 password form -> bearer token",
    dependencies=[action("public")],
    responses=documented(429),
)
def token(
    request: Request,
    units: SeparateUnits,
    username: Annotated[str, Form(min_length=1, max_length=256, pattern=NO_NUL)],
    password: Annotated[str, Form(min_length=1, max_length=1024, pattern=NO_NUL)],
) -> dict[str, str]:
    device = request.cookies.get(device_cookie_name(request))
    attempt = units.run(  # counted (and committed) before the password is checked
        lambda ctx: auth.start_sign_in(ctx, username=username, password=password, device=device)
    )
    value = units.run(lambda ctx: auth.login_token(ctx, attempt, password=password))
    return {"access_token": value, "token_type": "bearer"}


@router.post(
    "/auth/logout",
    tags=["auth"],
    status_code=204,
    summary="Revoke the bearer token used for this request",
    dependencies=[action("authenticated")],
)
def logout(request: Request, ctx: ApiUnit) -> Response:
    auth.revoke_token(ctx, bearer_token(request) or "")
    return Response(status_code=204)


@router.get(
    "/patients",
    tags=["patients"],
    dependencies=[action("patient.list")],
    responses=documented(403),
)
def list_patients(ctx: ApiUnit) -> list[PatientPublic]:
    return patients.list_patients(ctx)


@router.post(
    "/patients",
    tags=["patients"],
    status_code=201,
    dependencies=[action("patient.create")],
    responses=documented(403),
)
def create_patient(ctx: ApiUnit, body: JsonBody[PatientCreate]) -> PatientPublic:
    return patients.create_patient(ctx, body)


@router.get(
    "/patients/{patient_id}",
    tags=["patients"],
    dependencies=[action("patient.read")],
    responses=RECORD,
)
def get_patient(ctx: ApiUnit, patient_id: PatientId) -> PatientPublic:
    return patients.get_patient(ctx, patient_id)


@router.post(
    "/patients/{patient_id}/screenings",
    tags=["clinical"],
    status_code=201,
    summary="Red-flag screening: body and answer are the `dorsi screen` contract",
    dependencies=[action("patient.screen")],
    responses=RECORD,
)
def screen(ctx: ApiUnit, patient_id: PatientId, body: JsonBody[ScreenInput]) -> JSONResponse:
    result = records.record_screening(ctx, patient_id, body)
    return JSONResponse(result.model_dump(mode="json"), status_code=201)


@router.post(
    "/patients/{patient_id}/evaluations",
    tags=["clinical"],
    status_code=201,
    summary="Evaluation: the `dorsi plan` input plus optional `measures` and `date`",
    dependencies=[action("patient.evaluate")],
    responses=RECORD,
)
def evaluate(ctx: ApiUnit, patient_id: PatientId, body: JsonBody[EvaluationIn]) -> EvaluationResult:
    return records.record_evaluation(ctx, patient_id, body)


@router.get(
    "/patients/{patient_id}/program",
    tags=["clinical"],
    dependencies=[action("patient.read")],
    responses=RECORD,
)
def get_program(ctx: ApiUnit, patient_id: PatientId) -> ProgramPublic:
    return programs.get_program(ctx, patient_id)


@router.put(
    "/patients/{patient_id}/program",
    tags=["clinical"],
    summary="Save an edited program as a new version and assign it",
    dependencies=[action("program.write")],
    responses={**RECORD, **documented(409)},
)
def put_program(
    ctx: ApiUnit, patient_id: PatientId, body: JsonBody[ProgramUpdate]
) -> ProgramPublic:
    return programs.assign_program(ctx, patient_id, body)


@router.get(
    "/patients/{patient_id}/programs",
    tags=["clinical"],
    summary="Every program version, newest first (history)",
    dependencies=[action("patient.read")],
    responses=RECORD,
)
def program_history(ctx: ApiUnit, patient_id: PatientId) -> list[ProgramPublic]:
    return programs.history(ctx, patient_id)


@router.post(
    "/patients/{patient_id}/sessions",
    tags=["clinical"],
    status_code=201,
    summary="One end-of-session check-in",
    description=(
        "Send an `Idempotency-Key` header (1 to 255 visible ASCII characters, for example a "
        "UUID) to make a retry safe: a check-in sent again with the same key, by the same "
        "user for the same patient, returns the first answer (same status and body) and is "
        "not stored twice. The same key with a different body is refused (422). The `date` "
        "(default today) may not be in the future or before the foot drop started (the "
        "onset the patient's evaluations give)."
    ),
    dependencies=[action("session.log")],
    responses=RECORD,
)
def log_session(
    ctx: ApiUnit,
    patient_id: PatientId,
    body: JsonBody[CheckinIn],
    key: Annotated[str | None, Header(alias=idempotency.HEADER, include_in_schema=False)] = None,
) -> CheckinPublic:
    return progress.log_session(ctx, patient_id, body, idempotency.check_key(key))


@router.post(
    "/patients/{patient_id}/alerts/acknowledge-stops",
    tags=["clinical"],
    status_code=201,
    summary="Acknowledge the active stop alerts of the patient's check-ins, with a note",
    description=(
        "Resolves every stop alert (weakness or balance worse) raised by a check-in dated up "
        "to the newest such check-in; a later one raises a new alert. Audited. Does not "
        "restart a paused program: a clinician's screening that finds it safe does. 409 when "
        "no stop alert is active."
    ),
    dependencies=[action("alert.acknowledge")],
    responses={**RECORD, **documented(409)},
)
def acknowledge_stops(
    ctx: ApiUnit, patient_id: PatientId, body: JsonBody[AcknowledgeIn]
) -> StopResolution:
    return stops.acknowledge(ctx, patient_id, body)


@router.get(
    "/patients/{patient_id}/progress",
    tags=["clinical"],
    summary="The `dorsi progress` output for the stored history",
    dependencies=[action("patient.read")],
    responses=RECORD,
)
def get_progress(ctx: ApiUnit, patient_id: PatientId) -> JSONResponse:
    result = progress.patient_progress(ctx, patient_id)
    return JSONResponse(result.model_dump(mode="json"))


@router.post(
    "/patients/{patient_id}/login",
    tags=["patients"],
    status_code=201,
    summary="Create the patient's login (password, or a one-time sign-in link)",
    dependencies=[action("patient.login")],
    responses={**RECORD, **documented(409)},
)
def create_login(
    ctx: ApiUnit, patient_id: PatientId, body: JsonBody[PatientLoginCreate]
) -> PatientLogin:
    return patients.create_patient_login(ctx, patient_id, body)


@router.post(
    "/patients/{patient_id}/login/signout",
    tags=["patients"],
    summary="End every session and API token of the patient's login",
    dependencies=[action("patient.signout")],
    responses=RECORD,
)
def sign_out_patient(ctx: ApiUnit, patient_id: PatientId) -> dict[str, int]:
    return {"ended": users.sign_out_patient_everywhere(ctx, patient_id)}


@router.get(
    "/users", tags=["users"], dependencies=[action("user.manage")], responses=documented(403)
)
def list_users(ctx: ApiUnit) -> list[UserPublic]:
    return users.list_users(ctx)


@router.post(
    "/users",
    tags=["users"],
    status_code=201,
    dependencies=[action("user.manage")],
    responses=documented(403, 404, 409),
)
def create_user(ctx: ApiUnit, body: JsonBody[UserCreate]) -> UserPublic:
    return users.create_user(ctx, body)


@router.post(
    "/users/{user_id}/signout",
    tags=["users"],
    summary="End every session and API token of a user (admins)",
    dependencies=[action("user.manage")],
    responses=documented(403, 404),
)
def sign_out_user(ctx: ApiUnit, user_id: UserId) -> dict[str, int]:
    return {"ended": users.sign_out_everywhere(ctx, user_id)}


__all__ = ["router"]
