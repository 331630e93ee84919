"""The JSON API ``/api/v1`` for integrations. Patients use it for their own record.

Bodies of screenings and evaluations are the ``dorsi screen`` / ``dorsi plan`` input contracts,
parsed from the raw body with :func:`dorsi.clinical.contract.parse`, so errors read exactly as
on the command line. Every route names its policy action in ``openapi_extra`` (``x-dorsi-action``);
the access-matrix test walks ``app.routes`` and checks each against the policy.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import JSONResponse

from dorsi.clinical.contract import parse
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
from dorsi.services.context import Ctx, Staged
from dorsi.services.schemas import (
    CheckinPublic,
    EvaluationResult,
    PatientCreate,
    PatientLogin,
    PatientLoginCreate,
    PatientPublic,
    ProgramPublic,
    UserCreate,
    UserPublic,
)
from dorsi.services.stops import StopResolution
from dorsi.web import api_schema
from dorsi.web.api_schema import errors
from dorsi.web.runtime import bearer_token, device_cookie_name, json_body, run, run_staged_work

# Every API answer may be 401 (no valid token), 413 (body cap) or 422 (bad input).
router = APIRouter(prefix="/api/v1", responses=errors(401, 413, 422))
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the patient's id")]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the user's id")]
# A patient's record: 404 when the caller may not read it, 403 when they may read but not act.
RECORD = errors(403, 404)
NO_NUL = r"^[^\x00]*$"  # text never holds NUL (see dorsi.clinical.contract)


def action(name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """``openapi_extra``: the policy action, and the JSON body's schema (api_schema)."""
    extra: dict[str, Any] = {"x-dorsi-action": name}
    if body is not None:
        extra.update(api_schema.body(body))
    return extra


def _dump(value: Any) -> Any:
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value.model_dump(mode="json")


@router.post(
    "/auth/token",
    tags=["auth"],
    summary="Sign in: OAuth2 password form -> bearer token",
    openapi_extra=action("public"),
    responses=errors(429),
)
async def token(
    request: Request,
    username: Annotated[str, Form(min_length=1, max_length=256, pattern=NO_NUL)],
    password: Annotated[str, Form(min_length=1, max_length=1024, pattern=NO_NUL)],
) -> dict[str, str]:
    device = request.cookies.get(device_cookie_name(request))
    attempt = await run(  # counted (and committed) before the password is checked
        request,
        lambda ctx: auth.start_sign_in(ctx, username=username, password=password, device=device),
        auth_kind="none",
    )
    value = await run(
        request,
        lambda ctx: auth.login_token(ctx, attempt, password=password),
        auth_kind="none",
    )
    return {"access_token": value, "token_type": "bearer"}


@router.post(
    "/auth/logout",
    tags=["auth"],
    status_code=204,
    summary="Revoke the bearer token used for this request",
    openapi_extra=action("authenticated"),
)
async def logout(request: Request) -> Response:
    value = bearer_token(request) or ""

    def work(ctx: Ctx) -> None:
        auth.revoke_token(ctx, value)

    await run(request, work, auth_kind="api")
    return Response(status_code=204)


@router.get(
    "/patients", tags=["patients"], openapi_extra=action("patient.list"), responses=errors(403)
)
async def list_patients(request: Request) -> list[PatientPublic]:
    return await run(request, patients.list_patients, auth_kind="api")


@router.post(
    "/patients",
    tags=["patients"],
    status_code=201,
    openapi_extra=action("patient.create", api_schema.patient_create()),
    responses=errors(403),
)
async def create_patient(request: Request) -> PatientPublic:
    body = await json_body(request)
    return await run(
        request,
        lambda ctx: patients.create_patient(ctx, parse(PatientCreate, body)),
        auth_kind="api",
    )


@router.get(
    "/patients/{patient_id}",
    tags=["patients"],
    openapi_extra=action("patient.read"),
    responses=RECORD,
)
async def get_patient(request: Request, patient_id: PatientId) -> PatientPublic:
    return await run(request, lambda ctx: patients.get_patient(ctx, patient_id), auth_kind="api")


@router.post(
    "/patients/{patient_id}/screenings",
    tags=["clinical"],
    status_code=201,
    summary="Red-flag screening: body and answer are the `dorsi screen` contract",
    openapi_extra=action("patient.screen", api_schema.screening()),
    responses=RECORD,
)
async def screen(request: Request, patient_id: PatientId) -> JSONResponse:
    body = await json_body(request)
    result = await run(
        request, lambda ctx: records.record_screening(ctx, patient_id, body), auth_kind="api"
    )
    return JSONResponse(result.model_dump(mode="json"), status_code=201)


@router.post(
    "/patients/{patient_id}/evaluations",
    tags=["clinical"],
    status_code=201,
    summary="Evaluation: the `dorsi plan` input plus optional `measures` and `date`",
    openapi_extra=action("patient.evaluate", api_schema.evaluation()),
    responses=RECORD,
)
async def evaluate(request: Request, patient_id: PatientId) -> EvaluationResult:
    body = await json_body(request)
    return await run(
        request, lambda ctx: records.record_evaluation(ctx, patient_id, body), auth_kind="api"
    )


@router.get(
    "/patients/{patient_id}/program",
    tags=["clinical"],
    openapi_extra=action("patient.read"),
    responses=RECORD,
)
async def get_program(request: Request, patient_id: PatientId) -> ProgramPublic:
    return await run(request, lambda ctx: programs.get_program(ctx, patient_id), auth_kind="api")


@router.put(
    "/patients/{patient_id}/program",
    tags=["clinical"],
    summary="Save an edited program as a new version and assign it",
    openapi_extra=action("program.write", api_schema.program_update()),
    responses={**RECORD, **errors(409)},
)
async def put_program(request: Request, patient_id: PatientId) -> ProgramPublic:
    body = await json_body(request)
    return await run(
        request, lambda ctx: programs.assign_program(ctx, patient_id, body), auth_kind="api"
    )


@router.get(
    "/patients/{patient_id}/programs",
    tags=["clinical"],
    summary="Every program version, newest first (history)",
    openapi_extra=action("patient.read"),
    responses=RECORD,
)
async def program_history(request: Request, patient_id: PatientId) -> list[ProgramPublic]:
    return await run(request, lambda ctx: programs.history(ctx, patient_id), auth_kind="api")


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
    openapi_extra=action("session.log", api_schema.checkin()),
    responses=RECORD,
)
async def log_session(request: Request, patient_id: PatientId) -> CheckinPublic:
    body = await json_body(request)
    header = request.headers.get(idempotency.HEADER)

    def work(ctx: Ctx) -> Staged[CheckinPublic]:
        key = idempotency.check_key(header)
        return progress.stage_session(ctx, patient_id, body, key)

    return await run_staged_work(request, work, auth_kind="api")


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
    openapi_extra=action("alert.acknowledge", api_schema.acknowledge_stops()),
    responses={**RECORD, **errors(409)},
)
async def acknowledge_stops(request: Request, patient_id: PatientId) -> StopResolution:
    body = await json_body(request)
    return await run(request, lambda ctx: stops.acknowledge(ctx, patient_id, body), auth_kind="api")


@router.get(
    "/patients/{patient_id}/progress",
    tags=["clinical"],
    summary="The `dorsi progress` output for the stored history",
    openapi_extra=action("patient.read"),
    responses=RECORD,
)
async def get_progress(request: Request, patient_id: PatientId) -> JSONResponse:
    result = await run(
        request, lambda ctx: progress.patient_progress(ctx, patient_id), auth_kind="api"
    )
    return JSONResponse(result.model_dump(mode="json"))


@router.post(
    "/patients/{patient_id}/login",
    tags=["patients"],
    status_code=201,
    summary="Create the patient's login (password, or a one-time sign-in link)",
    openapi_extra=action("patient.login", api_schema.patient_login_create()),
    responses={**RECORD, **errors(409)},
)
async def create_login(request: Request, patient_id: PatientId) -> PatientLogin:
    body = await json_body(request)
    return await run(
        request,
        lambda ctx: patients.create_patient_login(ctx, patient_id, parse(PatientLoginCreate, body)),
        auth_kind="api",
    )


@router.post(
    "/patients/{patient_id}/login/signout",
    tags=["patients"],
    summary="End every session and API token of the patient's login",
    openapi_extra=action("patient.signout"),
    responses=RECORD,
)
async def sign_out_patient(request: Request, patient_id: PatientId) -> dict[str, int]:
    ended = await run(
        request, lambda ctx: users.sign_out_patient_everywhere(ctx, patient_id), auth_kind="api"
    )
    return {"ended": ended}


@router.get("/users", tags=["users"], openapi_extra=action("user.manage"), responses=errors(403))
async def list_users(request: Request) -> list[UserPublic]:
    return await run(request, users.list_users, auth_kind="api")


@router.post(
    "/users",
    tags=["users"],
    status_code=201,
    openapi_extra=action("user.manage", api_schema.user_create()),
    responses=errors(403, 404, 409),
)
async def create_user(request: Request) -> UserPublic:
    body = await json_body(request)
    return await run(
        request, lambda ctx: users.create_user(ctx, parse(UserCreate, body)), auth_kind="api"
    )


@router.post(
    "/users/{user_id}/signout",
    tags=["users"],
    summary="End every session and API token of a user (admins)",
    openapi_extra=action("user.manage"),
    responses=errors(403, 404),
)
async def sign_out_user(request: Request, user_id: UserId) -> dict[str, int]:
    ended = await run(request, lambda ctx: users.sign_out_everywhere(ctx, user_id), auth_kind="api")
    return {"ended": ended}


__all__ = ["router"]
