"""Walking videos in the app: upload, analysis in the background, results.

API (bearer token):

- ``POST /api/v1/patients/{id}/gait-videos``: multipart form, the file in field ``video``,
  optional ``walked_distance_m`` and ``with_brace`` (true / false: walked with or without
  the brace; the video's measurements are marked so, for the brace comparison). Answers
  **202** with the video (``status: queued``) and a ``Location`` header; the analysis runs
  in the background.
- ``GET /api/v1/patients/{id}/gait-videos``: every video, newest first.
- ``GET /api/v1/patients/{id}/gait-videos/{video_id}``: status, progress, results.
- ``GET .../{video_id}/plot.png`` and ``.../{video_id}/annotated.mp4``: the pictures.
- ``DELETE .../{video_id}[?delete_measurements=true]``: delete the video and its results; the
  measurements stay unless a clinician asks for them to go too.

Pages (session cookie), the same for the clinician and for the patient on their phone:
``/patients/{id}/gait-videos`` (recording guidance, upload form, list), ``.../{video_id}``
(progress, then results; without JavaScript the page refreshes itself, with JavaScript
``/static/gait.js`` polls ``.../status.json``), ``.../{video_id}/delete``; ``/me/gait-videos``
takes a patient to their own.

The body is streamed straight to a file under the data directory with the size cap applied
while reading (413 above it). A caller who may not upload is refused before the body is read.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, BackgroundTasks, FastAPI, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from dorsi.catalog.measures import load_measures
from dorsi.errors import (
    InputError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    UnsupportedMediaError,
    http_status,
)
from dorsi.i18n import Language
from dorsi.jobs.worker import EmbeddedWorker, JobRunner, NoWorker
from dorsi.services import gait_jobs, patients
from dorsi.services.context import Actor, Ctx
from dorsi.services.gait_jobs import GaitVideoPublic, Storage
from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.web.deps import (
    ApiUnit,
    CsrfChecked,
    PageUnit,
    SeparateUnits,
    Units,
    action,
    check_csrf,
    sign_in_by_cookie,
    sign_in_by_token,
)
from dorsi.web.errors import documented
from dorsi.web.i18n import page_language
from dorsi.web.runtime import state
from dorsi.web.templating import render

router = APIRouter()
#: what every API route here may answer besides its own (the JSON API's error body)
API_ERRORS = documented(401, 403, 404, 413, 415, 422)
Id = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
API = "/api/v1/patients/{patient_id}/gait-videos"
PAGE = "/patients/{patient_id}/gait-videos"
MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and the small text fields
TEXT_FIELD_MAX = 1024
FIELDS = ("video", "walked_distance_m", "with_brace", "csrf_token")
FLUSH_BYTES = 1 << 20

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["video"],
                    "properties": {
                        "video": {
                            "type": "string",
                            "format": "binary",
                            "description": "mp4, mov, 3gp or webm; the part's Content-Type "
                            "must agree with the content",
                        },
                        "walked_distance_m": {
                            "type": "number",
                            "minimum": gait_jobs.DISTANCE_RANGE_M[0],
                            "maximum": gait_jobs.DISTANCE_RANGE_M[1],
                            "description": "metres walked in the picture; gives gait speed",
                        },
                        "with_brace": {
                            "type": "boolean",
                            "description": "walked with the brace (true) or without it "
                            "(false); left out: not said",
                        },
                    },
                }
            }
        },
    }
}


def upload_limits(settings: Settings) -> tuple[tuple[str, int], ...]:
    """Body caps of the upload routes, for :class:`dorsi.web.middleware.BodyLimit`."""
    cap = settings.max_upload_bytes + MULTIPART_OVERHEAD
    return ((r"/api/v1/patients/\d+/gait-videos", cap), (r"/patients/\d+/gait-videos", cap))


# --- streaming multipart ------------------------------------------------------------------


@dataclass
class Received:
    """What a multipart upload held: small text fields, and the file written to ``path``."""

    path: Path
    fields: dict[str, str] = field(default_factory=dict)
    has_file: bool = False
    declared: str = ""
    size_bytes: int = 0


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    is_file: bool = False
    text: bytearray = field(default_factory=bytearray)


async def receive_upload(request: Request, path: Path, cap_bytes: int) -> Received:
    """Stream a ``multipart/form-data`` body: the ``video`` part goes to ``path`` (at most
    ``cap_bytes``, else 413), known text fields are kept (at most 1 KiB each)."""
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or not params.get(b"boundary"):
        raise UnsupportedMediaError(
            "send a multipart/form-data body with the video file in the field 'video'",
            field="video",
        )
    received = Received(path)
    events: list[tuple[str, bytes]] = []
    header_field = bytearray()
    header_value = bytearray()

    def on(name: str) -> Any:
        return lambda: events.append((name, b""))

    def on_data(name: str) -> Any:
        return lambda data, start, end: events.append((name, bytes(data[start:end])))

    parser = MultipartParser(
        params[b"boundary"],
        callbacks={
            "on_part_begin": on("begin"),
            "on_header_field": on_data("field"),
            "on_header_value": on_data("value"),
            "on_header_end": on("header_end"),
            "on_headers_finished": on("headers_done"),
            "on_part_data": on_data("data"),
            "on_part_end": on("end"),
        },
    )
    part = _Part()
    buffer = bytearray()
    parts = 0
    async with await anyio.open_file(path, "wb") as handle:

        async def flush() -> None:
            if buffer:
                await handle.write(bytes(buffer))
                buffer.clear()

        async for chunk in request.stream():
            try:
                parser.write(chunk)
            except MultipartParseError:
                raise UnsupportedMediaError(
                    "is not a well-formed multipart/form-data body", field="body"
                ) from None
            for event, data in events:
                if event == "begin":
                    parts += 1
                    if parts > 8:
                        raise InputError("too many form fields", field="(input)")
                    part = _Part()
                elif event == "field":
                    header_field += data
                elif event == "value":
                    header_value += data
                elif event == "header_end":
                    part.headers[bytes(header_field).lower()] = bytes(header_value)
                    header_field.clear()
                    header_value.clear()
                elif event == "headers_done":
                    _, disposition = parse_options_header(
                        part.headers.get(b"content-disposition", b"")
                    )
                    part.name = disposition.get(b"name", b"").decode("latin-1")
                    part.is_file = part.name == "video"
                    if part.is_file:
                        if received.has_file:
                            raise InputError("send one video only", field="video")
                        received.has_file = True
                        received.declared = part.headers.get(b"content-type", b"").decode("latin-1")
                elif event == "data":
                    if part.is_file:
                        received.size_bytes += len(data)
                        if received.size_bytes > cap_bytes:
                            raise PayloadTooLargeError(
                                f"video: the file is larger than the limit of "
                                f"{cap_bytes // 1_000_000} MB; record a shorter walk"
                            )
                        buffer += data
                        if len(buffer) >= FLUSH_BYTES:
                            await flush()
                    elif part.name in FIELDS:
                        part.text += data
                        if len(part.text) > TEXT_FIELD_MAX:
                            raise InputError("is too long", field=part.name)
                elif event == "end" and not part.is_file and part.name in FIELDS:
                    try:
                        received.fields[part.name] = part.text.decode("utf-8")
                    except UnicodeDecodeError:
                        raise InputError("is not valid UTF-8", field=part.name) from None
            events.clear()
        parser.finalize()
        await flush()
    return received


# --- running ---------------------------------------------------------------------------------


def runner_of(request: Request) -> JobRunner:
    value: JobRunner = request.app.state.gait_runner
    return value


async def _upload(
    request: Request, units: Units, patient_id: int, *, page: bool
) -> GaitVideoPublic:
    """Check the caller, stream the body, check the content, store, queue, wake the worker.

    Two units of work around the body, so no transaction stays open while it streams."""

    def signed_in(ctx: Ctx) -> Ctx:
        return sign_in_by_cookie(request, ctx) if page else sign_in_by_token(request, ctx)

    await run_in_threadpool(
        units.run, lambda ctx: gait_jobs.check_upload(signed_in(ctx), patient_id)
    )
    settings = state(request).settings
    path = Storage.of(settings).incoming()
    try:
        received = await receive_upload(request, path, settings.max_upload_bytes)
        if not received.has_file:
            raise InputError("is required: send the video file in the field 'video'", field="video")
        distance = gait_jobs.parse_distance(received.fields.get("walked_distance_m"))
        with_brace = gait_jobs.parse_with_brace(received.fields.get("with_brace"))
        inspected = await run_in_threadpool(
            functools.partial(
                gait_jobs.inspect_upload,
                path,
                received.declared,
                max_duration_s=settings.max_video_s,
            )
        )

        def accept(ctx: Ctx) -> GaitVideoPublic:
            signed_in(ctx)
            if page:
                check_csrf(request, ctx, received.fields.get("csrf_token", ""))
            return gait_jobs.accept_upload(
                ctx,
                patient_id,
                upload=inspected,
                walked_distance_m=distance,
                with_brace=with_brace,
            )

        video = await run_in_threadpool(units.run, accept)
    finally:
        path.unlink(missing_ok=True)  # gone already when the upload was accepted
    runner_of(request).submitted(video.job.id)
    return video


def _delete(
    ctx: Ctx, later: BackgroundTasks, patient_id: int, video_id: int, *, measurements: bool
) -> GaitVideoPublic:
    """Delete the rows; the files go once the unit has committed (a background task runs
    after the answer, which is sent after the commit)."""
    deleted = gait_jobs.delete_video(ctx, patient_id, video_id, delete_measurements=measurements)
    later.add_task(gait_jobs.remove_files, deleted.files)
    return deleted.video


def _file_response(path: Path, kind: gait_jobs.FileKind) -> FileResponse:
    media = "image/png" if kind == "plot" else "video/mp4"
    return FileResponse(path, media_type=media)


# --- API --------------------------------------------------------------------------------------


@router.get(API, tags=["gait"], responses=API_ERRORS, dependencies=[action("patient.read")])
def api_list(ctx: ApiUnit, patient_id: Id) -> list[GaitVideoPublic]:
    return gait_jobs.list_videos(ctx, patient_id)


@router.get(
    API + "/{video_id}", tags=["gait"], responses=API_ERRORS, dependencies=[action("patient.read")]
)
def api_get(ctx: ApiUnit, patient_id: Id, video_id: Id) -> GaitVideoPublic:
    return gait_jobs.get_video(ctx, patient_id, video_id)


@router.get(
    API + "/{video_id}/plot.png",
    tags=["gait"],
    responses=API_ERRORS,
    response_class=FileResponse,
    dependencies=[action("patient.read")],
)
def api_plot(ctx: ApiUnit, patient_id: Id, video_id: Id) -> FileResponse:
    return _file_response(gait_jobs.result_file(ctx, patient_id, video_id, "plot"), "plot")


@router.get(
    API + "/{video_id}/annotated.mp4",
    tags=["gait"],
    responses=API_ERRORS,
    response_class=FileResponse,
    dependencies=[action("patient.read")],
)
def api_annotated(ctx: ApiUnit, patient_id: Id, video_id: Id) -> FileResponse:
    path = gait_jobs.result_file(ctx, patient_id, video_id, "annotated")
    return _file_response(path, "annotated")


@router.post(
    API,
    tags=["gait"],
    status_code=202,
    summary="Upload a walking video (multipart); the analysis runs in the background",
    dependencies=[action("gait.upload")],
    openapi_extra=UPLOAD_BODY,
    responses={
        **API_ERRORS,
        413: {"description": "over the size cap, or longer than the video length cap"},
        415: {"description": "not a video"},
        429: {"description": "over the hourly upload limit for this patient (Retry-After)"},
    },
)
async def api_upload(request: Request, units: SeparateUnits, patient_id: Id) -> JSONResponse:
    video = await _upload(request, units, patient_id, page=False)
    location = gait_jobs.api_path(patient_id, video.id)
    return JSONResponse(
        video.model_dump(mode="json"), status_code=202, headers={"Location": location}
    )


# --- pages ------------------------------------------------------------------------------------


def _page_context(ctx: Ctx, patient_id: int) -> dict[str, Any]:
    return {
        "measure_names": {m.id: m.name for m in load_measures().measures},
        "patient": patients.get_patient(ctx, patient_id),
        "actor": ctx.actor,
        "max_upload_mb": ctx.settings.max_upload_bytes // 1_000_000,
        "distance_range": gait_jobs.DISTANCE_RANGE_M,
    }


def _lang(request: Request, actor: Actor | None, data: dict[str, Any]) -> Language:
    """The page language: the patient's saved choice wins (staff always read English)."""
    return page_language(request, actor, saved=data["patient"].preferred_language)


def _list_page(
    request: Request,
    ctx: Ctx,
    patient_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    data = {**_page_context(ctx, patient_id), "videos": gait_jobs.list_videos(ctx, patient_id)}
    actor: Actor | None = data.pop("actor")
    data.update(errors=errors or {}, values=values or {})
    lang = _lang(request, actor, data)
    return render(request, "gait/list.html", data, actor=actor, status=status, lang=lang)


@router.get(PAGE, include_in_schema=False, dependencies=[action("patient.read")])
def page_list(request: Request, ctx: PageUnit, patient_id: Id) -> Response:
    return _list_page(request, ctx, patient_id)


@router.get(PAGE + "/{video_id}", include_in_schema=False, dependencies=[action("patient.read")])
def page_video(request: Request, ctx: PageUnit, patient_id: Id, video_id: Id) -> Response:
    data = {
        **_page_context(ctx, patient_id),
        "video": gait_jobs.get_video(ctx, patient_id, video_id),
    }
    actor: Actor | None = data.pop("actor")
    return render(request, "gait/video.html", data, actor=actor, lang=_lang(request, actor, data))


@router.get(
    PAGE + "/{video_id}/status.json", include_in_schema=False, dependencies=[action("patient.read")]
)
def page_status(ctx: PageUnit, patient_id: Id, video_id: Id) -> JSONResponse:
    video = gait_jobs.get_video(ctx, patient_id, video_id)
    return JSONResponse(
        {
            "status": video.status,
            "stage": video.job.stage,
            "started_at": video.job.started_at.isoformat() if video.job.started_at else None,
            "error": video.error,
        }
    )


@router.get(
    PAGE + "/{video_id}/plot.png", include_in_schema=False, dependencies=[action("patient.read")]
)
def page_plot(ctx: PageUnit, patient_id: Id, video_id: Id) -> FileResponse:
    return _file_response(gait_jobs.result_file(ctx, patient_id, video_id, "plot"), "plot")


@router.get(
    PAGE + "/{video_id}/annotated.mp4",
    include_in_schema=False,
    dependencies=[action("patient.read")],
)
def page_annotated(ctx: PageUnit, patient_id: Id, video_id: Id) -> FileResponse:
    path = gait_jobs.result_file(ctx, patient_id, video_id, "annotated")
    return _file_response(path, "annotated")


@router.get("/me/gait-videos", include_in_schema=False, dependencies=[action("self.patient.read")])
def my_videos(ctx: PageUnit) -> Response:
    actor = ctx.actor
    if actor is None or actor.role != "patient" or actor.patient_id is None:
        raise PermissionDeniedError("this page is for patients; clinicians open a patient first")
    return RedirectResponse(f"/patients/{actor.patient_id}/gait-videos", status_code=303)


@router.post(PAGE, include_in_schema=False, dependencies=[action("gait.upload")])
async def page_upload(request: Request, units: SeparateUnits, patient_id: Id) -> Response:
    try:
        video = await _upload(request, units, patient_id, page=True)
    except (InputError, PayloadTooLargeError, RateLimitedError) as exc:
        field_name = exc.field if isinstance(exc, InputError) else "video"
        message = exc.detail if isinstance(exc, InputError) else exc.message
        message = message.removeprefix("video: ")
        status = http_status(exc)
        response = await run_in_threadpool(
            units.run,
            lambda ctx: _list_page(
                request,
                sign_in_by_cookie(request, ctx),
                patient_id,
                errors={field_name or "video": message},
                status=status,
            ),
        )
        if isinstance(exc, RateLimitedError):
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    return RedirectResponse(f"/patients/{patient_id}/gait-videos/{video.id}", status_code=303)


# --- deleting (declared last: the access-matrix test walks routes in order) ----------


@router.delete(
    API + "/{video_id}",
    tags=["gait"],
    summary="Delete a video and its results (measurements stay unless delete_measurements)",
    responses=API_ERRORS,
    dependencies=[action("gait.delete")],
)
def api_delete(
    ctx: ApiUnit,
    later: BackgroundTasks,
    patient_id: Id,
    video_id: Id,
    delete_measurements: bool = False,
) -> GaitVideoPublic:
    return _delete(ctx, later, patient_id, video_id, measurements=delete_measurements)


@router.post(
    PAGE + "/{video_id}/delete", include_in_schema=False, dependencies=[action("gait.delete")]
)
def page_delete(
    ctx: PageUnit,
    _: CsrfChecked,
    later: BackgroundTasks,
    patient_id: Id,
    video_id: Id,
    measurements: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    _delete(ctx, later, patient_id, video_id, measurements=measurements == "yes")
    return RedirectResponse(f"/patients/{patient_id}/gait-videos", status_code=303)


# --- wiring -----------------------------------------------------------------------------------


def make_runner(settings: Settings, database: Database, clock: Any) -> JobRunner:
    """The embedded worker, or none when separate workers run the jobs."""
    if settings.gait_worker == "off":
        return NoWorker()
    if settings.gait_worker == "dramatiq":  # dorsi worker processes (dorsi.jobs.queue_dramatiq)
        from dorsi.jobs.queue_dramatiq import DramatiqRunner  # dramatiq: optional, loaded lazily

        return DramatiqRunner(settings.gait_broker_url)
    execute = gait_jobs.executor(settings)

    def sweep() -> None:
        gait_jobs.sweep_orphans(settings, database, clock())

    return EmbeddedWorker(database, execute, clock=clock, on_start=sweep)


def install(app: FastAPI) -> None:
    """Add the routes and run the job runner for as long as the app runs (its lifespan)."""
    app_state = app.state.dorsi
    runner = make_runner(app_state.settings, app_state.database, app_state.clock)
    app.state.gait_runner = runner
    app.include_router(router)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(the_app: Any) -> AsyncIterator[Any]:
        runner.start()
        try:
            async with inner(the_app) as value:
                yield value
        finally:
            with contextlib.suppress(Exception):
                await run_in_threadpool(runner.stop)

    app.router.lifespan_context = lifespan


__all__ = ["install", "make_runner", "receive_upload", "router", "upload_limits"]
