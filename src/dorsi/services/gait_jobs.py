"""Gait videos: accept an upload, queue its analysis, store the results, delete on request.

Flow:

1. The web layer checks the caller may upload (:func:`check_upload`), streams the body into
   ``<data dir>/gait/incoming/<random>.part`` with the size cap (413 above it), then
   :func:`inspect_upload` checks the content: the first bytes must be an mp4/mov/3gp (ISO
   ``ftyp`` box or a QuickTime atom) or WebM (EBML header with doc type ``webm``) and agree with
   the declared type, and OpenCV must open it and decode a frame (415 otherwise).
2. :func:`accept_upload` moves the file to ``<data dir>/gait/videos/<random>.<ext>`` (a name
   chosen here; the client's file name is never used) and commits the video row with a
   ``queued`` job row. Nothing is kept only in memory: a worker claims the job from the
   database with a lease (:mod:`dorsi.jobs`).
3. :func:`run_job` (run by a worker) analyses the video in a child process and, if the job is
   still its own, stores the report, the plot and the browser video, and the measurements
   ``swing_dorsiflexion_deg`` and ``toe_clearance_ratio`` of the patient's affected side,
   ``stance_time_asymmetry_pct``, and ``gait_speed_video_mps`` when the walked distance was
   given (distance / walking time; see :mod:`dorsi.jobs.gait_task`), all with source ``gait``.
   A speed from a video is its own measure, never the 10-metre walk test's ``gait_speed_mps``:
   the distance is the patient's and the walk includes speeding up and slowing down. A
   value outside the measure's valid range in the catalog is not stored; a note says why. A
   video with no usable stride ends ``failed`` with the pipeline's plain reason.
4. :func:`delete_video` removes the video file, the pictures and the report (the row stays as
   a tombstone), and cancels a job not yet done. Measurements stay unless a clinician asks for
   them to go too (``delete_measurements``).

Every use case passes :func:`dorsi.services.patients.load_patient` (the one policy, audited).
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from dorsi.catalog.measures import load_measures
from dorsi.clinical.contract import Output
from dorsi.errors import InputError, NotFoundError, RateLimitedError, UnsupportedMediaError
from dorsi.gait._extra import require_gait_extra
from dorsi.gait.report import GaitReport
from dorsi.gait.speed import SpeedEstimate, video_speed
from dorsi.jobs import lease
from dorsi.jobs.isolate import Abandoned, ChildFailed, run_child
from dorsi.jobs.worker import Execute, JobContext
from dorsi.services import audit
from dorsi.services.context import Ctx, run_unit
from dorsi.services.patients import load_patient, require_actor
from dorsi.services.policy import Action
from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import (
    GAIT_SIDES,
    GaitJob,
    GaitMeasurement,
    GaitResult,
    GaitVideo,
    Measurement,
    Patient,
)

Container = Literal["mp4", "quicktime", "3gpp", "webm"]
Status = Literal["queued", "running", "done", "failed", "deleted"]
FileKind = Literal["plot", "annotated"]

# Declared content type -> container family it must hold (None: judged by the content alone).
DECLARED_TYPES: dict[str, str | None] = {
    "video/mp4": "iso",
    "video/x-m4v": "iso",
    "video/quicktime": "iso",
    "video/3gpp": "iso",
    "video/3gpp2": "iso",
    "video/webm": "webm",
    "application/octet-stream": None,
    "": None,
}
EXTENSIONS: dict[str, str] = {"mp4": ".mp4", "quicktime": ".mov", "3gpp": ".3gp", "webm": ".webm"}
QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
FILES: dict[str, str] = {"plot": "plot.png", "annotated": "annotated.mp4"}
# The walked distance a patient can give (metres): a walk in front of a phone 3-4 m away covers a
# few metres each way; 100 m is far beyond any single video (clinician default).
DISTANCE_RANGE_M = (1.0, 100.0)
ORPHAN_AGE = timedelta(hours=1)
_KEY = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{2,4})?$")

MEASURE_DIGITS = {
    "swing_dorsiflexion_deg": 1,
    "toe_clearance_ratio": 3,
    "stance_time_asymmetry_pct": 1,
    "gait_speed_video_mps": 2,
}


# --- files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Storage:
    """Where gait files live: under the data directory, never under a web root."""

    root: Path

    @classmethod
    def of(cls, settings: Settings) -> Storage:
        return cls(settings.data_dir / "gait")

    def folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    def video(self, key: str) -> Path:
        return self.folder("videos") / _checked(key)

    def results(self, key: str) -> Path:
        return self.folder("results") / _checked(key)

    def incoming(self) -> Path:
        """A fresh, unused file name for an upload in progress."""
        return self.folder("incoming") / f"{secrets.token_hex(16)}.part"


def _checked(key: str) -> str:
    """Server-made keys only: a key that is not one is never joined to a path."""
    if not _KEY.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class InspectedUpload:
    """An upload whose content passed the checks, still in the incoming folder."""

    path: Path
    container: Container
    size_bytes: int


def sniff(head: bytes) -> Container | None:
    """The container the first bytes of a file announce (None: not a supported video)."""
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm" if b"webm" in head[:64] else None
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "quicktime"
        return "3gpp" if brand.startswith(b"3g") else "mp4"
    if len(head) >= 8 and head[4:8] in QUICKTIME_ATOMS:
        return "quicktime"
    return None


def declared_type(value: str | None) -> str:
    """The media type of a part's Content-Type header, without parameters, lower case."""
    return (value or "").split(";", 1)[0].strip().lower()


def inspect_upload(
    path: Path, declared: str | None, *, max_duration_s: float | None = None
) -> InspectedUpload:
    """Check an uploaded file is a supported video matching its declared type (415 if not),
    and no longer than ``max_duration_s`` as its container declares (413 if longer)."""
    kind = declared_type(declared)
    allowed = "an mp4, mov, 3gp or webm video"
    if kind not in DECLARED_TYPES:
        raise UnsupportedMediaError(f"must be {allowed} (it was sent as '{kind}')", field="video")
    with path.open("rb") as handle:
        head = handle.read(64)
    container = sniff(head)
    if container is None:
        raise UnsupportedMediaError(
            f"must be {allowed}; this file's content is not a video of those kinds", field="video"
        )
    family = "webm" if container == "webm" else "iso"
    wanted = DECLARED_TYPES[kind]
    if wanted is not None and wanted != family:
        raise UnsupportedMediaError(
            f"was sent as '{kind}' but its content is a {container} video", field="video"
        )

    require_gait_extra()
    from dorsi.gait.video import probe

    try:
        probe(path, max_duration_s=max_duration_s)
    except InputError:
        raise UnsupportedMediaError(
            "cannot be opened as a video (the file may be damaged or use a codec this server "
            f"cannot decode); record again and upload {allowed}",
            field="video",
        ) from None
    return InspectedUpload(path, container, path.stat().st_size)


def parse_distance(raw: str | None) -> float | None:
    """The optional ``walked_distance_m`` form field (metres)."""
    text = (raw or "").strip().replace(",", ".")
    if text == "":
        return None
    low, high = DISTANCE_RANGE_M
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also refuses NaN and infinities
        raise InputError(
            f"must be a number of metres from {low:g} to {high:g} (got {text[:20]!r})",
            field="walked_distance_m",
        )
    return round(value, 2)


def parse_with_brace(raw: str | None) -> bool | None:
    """The optional ``with_brace`` form field: walked with the brace (true), without it
    (false), or not said (empty)."""
    text = (raw or "").strip().lower()
    if text == "":
        return None
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise InputError(
        f"must be true (walked with the brace), false (without it) or empty (got {text[:20]!r})",
        field="with_brace",
    )


# --- what callers see -----------------------------------------------------------------------


class GaitJobPublic(Output):
    id: int
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    stage: str
    attempts: int = Field(ge=0)
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class GaitMeasurementPublic(Output):
    id: int
    measure: str
    value: float
    date: date


class GaitResultPublic(Output):
    report: GaitReport
    walking_time_s: float | None
    gait_speed_mps: float | None
    #: the speed's standard uncertainty (m/s), from the distance's last given digit, the
    #: frame rate and the stride-to-stride spread (see :mod:`dorsi.gait.speed`); None
    #: without a speed. Not part of the gait report's JSON contract.
    gait_speed_uncertainty_mps: float | None = None
    notes: list[str]
    plot_url: str
    annotated_video_url: str


class GaitVideoPublic(Output):
    """One walking video: upload facts, the job's progress, the results when done."""

    id: int
    patient_id: int
    status: Status
    uploaded_at: datetime
    uploaded_by_role: str
    recorded_on: date
    affected_side: Literal["left", "right"]
    walked_distance_m: float | None
    #: walked with the brace (true), without it (false), or not said (null)
    with_brace: bool | None = None
    container: str
    size_bytes: int = Field(ge=0)
    error: str | None
    job: GaitJobPublic
    result: GaitResultPublic | None
    measurements: list[GaitMeasurementPublic]
    deleted_at: datetime | None


def api_path(patient_id: int, video_id: int) -> str:
    return f"/api/v1/patients/{patient_id}/gait-videos/{video_id}"


def _status(video: GaitVideo) -> Status:
    if video.deleted_at is not None:
        return "deleted"
    state = video.job.state
    return "failed" if state == "cancelled" else state  # type: ignore[return-value]


def _measurements(session: Session, video_ids: list[int]) -> dict[int, list[Measurement]]:
    out: dict[int, list[Measurement]] = {vid: [] for vid in video_ids}
    if not video_ids:
        return out
    rows = session.execute(
        select(GaitMeasurement.video_id, Measurement)
        .join(Measurement, Measurement.id == GaitMeasurement.measurement_id)
        .where(GaitMeasurement.video_id.in_(video_ids))
        .order_by(Measurement.id)
    )
    for video_id, measurement in rows:
        out[video_id].append(measurement)
    return out


def public(video: GaitVideo, measurements: list[Measurement]) -> GaitVideoPublic:
    job = video.job
    result = None
    if video.result is not None and video.deleted_at is None:
        speed = next(
            (m.value_num for m in measurements if m.measure_id == "gait_speed_video_mps"), None
        )
        base = api_path(video.patient_id, video.id)
        report = GaitReport.model_validate(video.result.report_json)
        estimate = _speed_estimate(report, video.walked_distance_m, video.result.walking_time_s)
        result = GaitResultPublic(
            report=report,
            walking_time_s=video.result.walking_time_s,
            gait_speed_mps=speed,
            gait_speed_uncertainty_mps=(
                None
                if speed is None or estimate is None
                else round(estimate.uncertainty_mps, MEASURE_DIGITS["gait_speed_video_mps"] + 1)
            ),
            notes=list(video.result.notes),
            plot_url=f"{base}/plot.png",
            annotated_video_url=f"{base}/annotated.mp4",
        )
    return GaitVideoPublic(
        id=video.id,
        patient_id=video.patient_id,
        status=_status(video),
        uploaded_at=video.uploaded_at,
        uploaded_by_role=video.uploaded_by_role,
        recorded_on=video.recorded_on,
        affected_side=video.affected_side,
        walked_distance_m=video.walked_distance_m,
        with_brace=video.with_brace,
        container=video.container,
        size_bytes=video.size_bytes,
        error=job.error if job.state in ("failed", "cancelled") else None,
        job=GaitJobPublic(
            id=job.id,
            state=job.state,
            stage=job.stage,
            attempts=job.attempts,
            queued_at=job.queued_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        ),
        result=result,
        measurements=[
            GaitMeasurementPublic(
                id=m.id, measure=m.measure_id, value=float(m.value_num or 0), date=m.measured_on
            )
            for m in measurements
        ],
        deleted_at=video.deleted_at,
    )


# --- use cases (one unit of work each) -----------------------------------------------------


UPLOAD_WINDOW = timedelta(hours=1)


def check_upload_rate(ctx: Ctx, patient_id: int) -> None:
    """Refuse an upload past ``gait_uploads_per_hour`` for this patient's record (429).

    Every video counts, deleted ones too: deleting and uploading again must not get round it.
    The wait is until enough of the hour's uploads have aged out of the window.
    """
    limit = ctx.settings.gait_uploads_per_hour
    recent = list(
        ctx.db.scalars(
            select(GaitVideo.uploaded_at)
            .where(
                GaitVideo.patient_id == patient_id,
                GaitVideo.uploaded_at > ctx.now - UPLOAD_WINDOW,
            )
            .order_by(GaitVideo.uploaded_at)
        )
    )
    if len(recent) < limit:
        return
    frees_at = recent[len(recent) - limit] + UPLOAD_WINDOW
    wait_s = max(1, math.ceil((frees_at - ctx.now).total_seconds()))
    raise RateLimitedError(
        f"video: at most {limit} video{'' if limit == 1 else 's'} an hour can be uploaded for "
        "one patient; "
        f"try again in {math.ceil(wait_s / 60)} min",
        retry_after_s=wait_s,
    )


def check_upload(ctx: Ctx, patient_id: int) -> None:
    """Refuse early (before the body is read) a caller who may not upload for this patient,
    or who is over the hourly upload limit."""
    _one_side(load_patient(ctx, patient_id, "gait.upload", "upload started"))
    check_upload_rate(ctx, patient_id)


def _one_side(patient: Patient) -> str:
    """The leg a video is analysed for: the report compares the affected leg with the other,
    which a patient with foot drop on both sides does not have."""
    if patient.side not in GAIT_SIDES:
        raise InputError(
            "a walking video is analysed for one affected leg (left or right); this patient's "
            f"foot drop is recorded on side '{patient.side}'",
            field="side",
        )
    return patient.side


def accept_upload(
    ctx: Ctx,
    patient_id: int,
    *,
    upload: InspectedUpload,
    walked_distance_m: float | None,
    with_brace: bool | None = None,
) -> GaitVideoPublic:
    """Store an inspected upload under a new name and queue its analysis (``with_brace``:
    the walk was with the brace, without it, or not said; its measurements are marked so)."""
    patient = load_patient(ctx, patient_id, "gait.upload", "video stored")
    actor = require_actor(ctx)
    if ctx.db.get_bind().dialect.name != "sqlite":
        # concurrent uploads for one patient take turns, so the count below is exact
        ctx.db.execute(select(Patient.id).where(Patient.id == patient.id).with_for_update())
    check_upload_rate(ctx, patient_id)
    storage = Storage.of(ctx.settings)
    key = secrets.token_hex(16) + EXTENSIONS[upload.container]
    video = GaitVideo(
        patient_id=patient.id,
        uploaded_by_id=actor.id,
        uploaded_by_role=actor.role,
        uploaded_at=ctx.now,
        recorded_on=ctx.now.date(),
        affected_side=_one_side(patient),
        walked_distance_m=walked_distance_m,
        with_brace=with_brace,
        container=upload.container,
        size_bytes=upload.size_bytes,
        file_key=key,
    )
    video.job = GaitJob(state="queued", stage="", attempts=0, queued_at=ctx.now)
    ctx.db.add(video)
    ctx.db.flush()
    ctx.audit[-1].detail = f"video {video.id}"
    os.replace(upload.path, storage.video(key))  # same file system: an atomic rename
    return public(video, [])


def _video(ctx: Ctx, patient_id: int, video_id: int) -> GaitVideo:
    video = ctx.db.get(GaitVideo, video_id)
    if video is None or video.patient_id != patient_id:
        raise NotFoundError(f"no walking video {video_id} for patient {patient_id}")
    return video


def list_videos(ctx: Ctx, patient_id: int) -> list[GaitVideoPublic]:
    """Every walking video of the patient, newest first (deleted ones as tombstones)."""
    load_patient(ctx, patient_id, "patient.read", "gait videos")
    videos = list(
        ctx.db.scalars(
            select(GaitVideo)
            .where(GaitVideo.patient_id == patient_id)
            .order_by(GaitVideo.uploaded_at.desc(), GaitVideo.id.desc())
        )
    )
    found = _measurements(ctx.db, [v.id for v in videos])
    return [public(v, found[v.id]) for v in videos]


def get_video(ctx: Ctx, patient_id: int, video_id: int) -> GaitVideoPublic:
    load_patient(ctx, patient_id, "patient.read", f"gait video {video_id}")
    video = _video(ctx, patient_id, video_id)
    return public(video, _measurements(ctx.db, [video.id])[video.id])


def result_file(ctx: Ctx, patient_id: int, video_id: int, kind: FileKind) -> Path:
    """The plot PNG or the annotated video (H.264 mp4) of a finished analysis."""
    load_patient(ctx, patient_id, "patient.read", f"gait video {video_id} {kind}")
    video = _video(ctx, patient_id, video_id)
    if video.result is None or video.deleted_at is not None:
        raise NotFoundError(f"walking video {video_id} has no {kind} (not analysed, or deleted)")
    path = Storage.of(ctx.settings).results(video.result.result_key) / FILES[kind]
    if not path.is_file():
        raise NotFoundError(f"the {kind} of walking video {video_id} is missing")
    return path


@dataclass(frozen=True)
class Deleted:
    video: GaitVideoPublic
    files: tuple[Path, ...]  # to remove once the transaction has committed


def delete_video(
    ctx: Ctx, patient_id: int, video_id: int, *, delete_measurements: bool = False
) -> Deleted:
    """Delete the video file, pictures and report; its measurements too only when asked (a
    clinician's decision). Deleting an already deleted video changes nothing."""
    action: Action = "patient.evaluate" if delete_measurements else "gait.delete"
    load_patient(ctx, patient_id, action, f"delete gait video {video_id}")
    video = _video(ctx, patient_id, video_id)
    storage = Storage.of(ctx.settings)
    files: list[Path] = []
    if video.file_key:
        files.append(storage.video(video.file_key))
    if video.result is not None:
        files.append(storage.results(video.result.result_key))
        video.result = None
    if video.job.state in ("queued", "running"):
        video.job.state = "cancelled"
        video.job.stage = ""
        video.job.lease_owner = None
        video.job.lease_expires_at = None
        video.job.finished_at = ctx.now
    video.job.error = "deleted on request" if video.job.state == "cancelled" else None
    video.file_key = None
    video.deleted_at = video.deleted_at or ctx.now
    if delete_measurements:
        for m in _measurements(ctx.db, [video.id])[video.id]:
            ctx.db.delete(m)
    ctx.db.flush()
    return Deleted(public(video, _measurements(ctx.db, [video.id])[video.id]), tuple(files))


def remove_files(files: tuple[Path, ...]) -> None:
    for path in files:
        _remove(path)


# --- the job ------------------------------------------------------------------------------


def _system_ctx(session: Session, settings: Settings, now: datetime) -> Ctx:
    return Ctx(db=session, now=now, settings=settings, secret=b"", request_id="gait-worker")


def _speed_estimate(
    report: GaitReport, distance_m: float | None, walking_s: float | None
) -> SpeedEstimate | None:
    """The video's walking speed with its uncertainty, when a distance and a walking time are
    known."""
    if not distance_m or not walking_s:
        return None
    strides = [s.next_heel_strike_s - s.heel_strike_s for s in report.strides]
    return video_speed(distance_m, walking_s, fps=report.video.fps, stride_times_s=strides)


def _value_notes(
    report: GaitReport, side: str, distance_m: float | None, walking_s: float | None
) -> tuple[list[tuple[str, float]], list[str]]:
    """The measurements to store from a report, and plain notes on what was not stored."""
    catalog = load_measures()
    summary = report.summary.left if side == "left" else report.summary.right
    values: list[tuple[str, float | None]] = []
    notes: list[str] = []
    speed_note = ""
    if summary is None:
        notes.append(
            f"No usable stride of the {side} (affected) leg: its ankle lift and toe clearance "
            "are not stored. Walk past and back so each leg is nearest the camera once."
        )
    else:
        values.append(("swing_dorsiflexion_deg", summary.peak_swing_dorsiflexion_deg))
        values.append(("toe_clearance_ratio", summary.toe_clearance_ratio))
    asymmetry = report.summary.stance_time_asymmetry_pct
    if asymmetry is None:
        notes.append("Both legs need a usable stride to compare stance times; not stored.")
    values.append(("stance_time_asymmetry_pct", asymmetry))
    if distance_m is not None:
        estimate = _speed_estimate(report, distance_m, walking_s)
        if estimate is not None:
            values.append(("gait_speed_video_mps", estimate.speed_mps))
            speed_note = (
                f"Walking speed from the video: {estimate.speed_mps:.2f} "
                f"\u00b1 {estimate.uncertainty_mps:.2f} m/s (the distance given to "
                f"\u00b1 {estimate.distance_uncertainty_m:g} m, the walking time to "
                f"\u00b1 {estimate.time_uncertainty_s:.2f} s from the frame rate and the "
                "stride-to-stride spread)."
            )
        else:
            notes.append("No walking time was found, so the gait speed is not stored.")
    out: list[tuple[str, float]] = []
    for measure_id, value in values:
        if value is None:
            continue
        rounded = round(float(value), MEASURE_DIGITS[measure_id])
        measure = catalog.get(measure_id)
        low, high = float(measure.min), float(measure.max)
        if low <= rounded <= high:
            out.append((measure_id, rounded))
        else:
            notes.append(
                f"{measure.name}: {rounded:g} is outside the valid range {low:g} to {high:g}, "
                "so it is not stored (check the video"
                + (" and the walked distance)." if measure_id == "gait_speed_video_mps" else ").")
            )
    if speed_note and any(m == "gait_speed_video_mps" for m, _ in out):
        notes.append(speed_note)
    return out, notes


def _store_result(
    ctx: Ctx, video: GaitVideo, answer: dict[str, Any], result_key: str
) -> list[Measurement]:
    report = GaitReport.model_validate(answer["report"])
    walking_s = answer.get("walking_time_s")
    walking = float(walking_s) if isinstance(walking_s, int | float) else None
    values, notes = _value_notes(report, video.affected_side, video.walked_distance_m, walking)
    notes += [str(n) for n in answer.get("notes") or []]
    video.result = GaitResult(
        created_at=ctx.now,
        report_json=report.model_dump(mode="json"),
        walking_time_s=walking,
        result_key=result_key,
        notes=notes,
    )
    stored: list[Measurement] = []
    for measure_id, value in values:
        measurement = Measurement(
            patient_id=video.patient_id,
            measure_id=measure_id,
            value_num=value,
            value_grade=None,
            measured_on=video.recorded_on,
            source="gait",
            created_at=ctx.now,
            created_by_id=video.uploaded_by_id,
            with_brace=video.with_brace,
        )
        ctx.db.add(measurement)
        stored.append(measurement)
    ctx.db.flush()
    for measurement in stored:
        ctx.db.add(GaitMeasurement(measurement_id=measurement.id, video_id=video.id))
    return stored


def run_job(job: JobContext, *, settings: Settings) -> None:
    """Analyse the claimed job's video and store the outcome (the worker's ``execute``)."""
    database, claim, storage = job.database, job.claim, Storage.of(settings)

    def make(clock: Callable[[], datetime]) -> Callable[[Session], Ctx]:
        return lambda session: _system_ctx(session, settings, clock())

    def load(ctx: Ctx) -> tuple[Path, str] | None:
        row = lease.held(ctx.db, claim)
        if row is None:
            return None
        video = row.video
        audit.note(ctx, "gait.analyse", video.patient_id, f"video {video.id} start")
        if video.deleted_at is not None or not video.file_key:
            row.state, row.stage, row.lease_owner = "cancelled", "", None
            return None
        return storage.video(video.file_key), video.affected_side

    plan = run_unit(database, make(job.clock), load)
    if plan is None:
        return
    video_path, side = plan
    result_key = secrets.token_hex(16)
    out_dir = storage.results(result_key)
    answer_file = storage.folder("incoming") / f"{result_key}.json"
    args = ["--video", str(video_path), "--out", str(out_dir), "--affected-side", side]
    try:
        answer = run_child(
            args,
            heartbeat=job.heartbeat,
            heartbeat_s=job.heartbeat_s,
            stopping=job.stopping,
            out_file=answer_file,
        )
    except Abandoned:
        _remove(out_dir)
        return
    except ChildFailed as exc:
        answer = {"ok": False, "reason": str(exc)}

    def store(ctx: Ctx) -> bool:
        row = lease.held(ctx.db, claim)
        if row is None:  # taken over by another worker, or deleted meanwhile
            return False
        video = row.video
        kept = False
        if video.deleted_at is not None:
            row.state = "cancelled"
        elif answer.get("ok"):
            _store_result(ctx, video, answer, result_key)
            row.state, row.error, kept = "done", None, True
        else:
            row.state = "failed"
            row.error = str(answer.get("reason") or "the video could not be analysed")[:2000]
        row.stage, row.lease_owner, row.lease_expires_at = "", None, None
        row.finished_at = ctx.now
        audit.note(ctx, "gait.analyse", video.patient_id, f"video {video.id} {row.state}")
        return kept

    kept = False
    try:
        kept = run_unit(database, make(job.clock), store)
    finally:
        if not kept:
            _remove(out_dir)


def executor(settings: Settings) -> Execute:
    """What a worker runs for one gait job: :func:`run_job` with these settings. The embedded
    worker and ``dorsi worker`` processes are handed this, so the job machinery in
    :mod:`dorsi.jobs` never reaches up into the use cases."""
    return functools.partial(run_job, settings=settings)


def sweep_orphans(settings: Settings, database: Database, now: datetime) -> int:
    """Remove files no row points at (left by a crash between a commit and a file step),
    older than an hour so uploads and analyses in progress are never touched."""
    storage = Storage.of(settings)
    with database.transaction() as session:
        keys: set[str | None] = set(session.scalars(select(GaitVideo.file_key)))
        keys |= set(session.scalars(select(GaitResult.result_key)))
    removed = 0
    cutoff = (now - ORPHAN_AGE).timestamp()
    for folder in ("videos", "results", "incoming"):
        for path in storage.folder(folder).iterdir():
            with contextlib.suppress(OSError):
                if path.name not in keys and path.stat().st_mtime < cutoff:
                    _remove(path)
                    removed += 1
    return removed


__all__ = [
    "DECLARED_TYPES",
    "Deleted",
    "GaitJobPublic",
    "GaitMeasurementPublic",
    "GaitResultPublic",
    "GaitVideoPublic",
    "InspectedUpload",
    "Storage",
    "accept_upload",
    "check_upload",
    "check_upload_rate",
    "declared_type",
    "delete_video",
    "get_video",
    "inspect_upload",
    "list_videos",
    "parse_distance",
    "public",
    "remove_files",
    "result_file",
    "run_job",
    "sniff",
    "sweep_orphans",
]
