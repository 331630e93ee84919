"""Test data for walking videos: a finished analysis stored directly (no pose model needed),
and small real or fake video files."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dorsi.gait.report import (
    FootDropSigns,
    GaitReport,
    Quality,
    SideSummary,
    Stride,
    Summary,
    VideoInfo,
)
from dorsi.services.gait_jobs import Storage
from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import GaitJob, GaitMeasurement, GaitResult, GaitVideo, Measurement
from tests.conftest import SHARED

DEMO = SHARED / "data" / "sports2d-demo" / "demo.mp4"
# The smallest PNG there is (1x1), enough for a file route to serve.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


def side_summary(peak_deg: float = 4.0, clearance: float = 0.05) -> SideSummary:
    return SideSummary(
        strides=2,
        stance_time_s=0.7,
        swing_time_s=0.45,
        stride_time_s=1.15,
        peak_swing_dorsiflexion_deg=peak_deg,
        ankle_at_initial_contact_deg=2.0,
        initial_contact="heel",
        toe_clearance_ratio=clearance,
    )


def report(
    *,
    left: SideSummary | None = None,
    right: SideSummary | None = None,
    asymmetry_pct: float | None = 3.0,
) -> GaitReport:
    """A valid ``dorsi gait analyze`` report with the given summaries."""
    stride = Stride(
        side="left",
        heel_strike_s=0.5,
        toe_off_s=1.2,
        next_heel_strike_s=1.65,
        stance_time_s=0.7,
        swing_time_s=0.45,
        peak_swing_dorsiflexion_deg=4.0,
        ankle_at_initial_contact_deg=2.0,
        initial_contact="heel",
        toe_clearance_ratio=0.05,
        quality=0.9,
    )
    return GaitReport(
        video=VideoInfo(fps=30.0, frames=150, duration_s=5.0, width=640, height=360),
        strides=[stride],
        summary=Summary(
            left=left,
            right=right,
            cadence_spm=104.0,
            stance_time_asymmetry_pct=asymmetry_pct,
            swing_dorsiflexion_difference_deg=None,
            foot_drop_signs=FootDropSigns(left=[], right=["low toe clearance"]),
        ),
        quality=Quality(person_tracked_fraction=0.95, usable_strides=1, warnings=[]),
    )


def seed_done_video(
    database: Database,
    settings: Settings,
    patient_id: int,
    uploaded_by_id: int,
    *,
    now: datetime | None = None,
    measures: dict[str, float] | None = None,
) -> int:
    """A video whose analysis finished: files on disk, rows, measurements. Returns its id."""
    now = now or datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    storage = Storage.of(settings)
    file_key = secrets.token_hex(16) + ".mp4"
    result_key = secrets.token_hex(16)
    storage.video(file_key).write_bytes(MP4_HEAD + b"\x00" * 64)
    folder = storage.results(result_key)
    folder.mkdir(parents=True)
    (folder / "plot.png").write_bytes(PNG_1X1)
    (folder / "annotated.mp4").write_bytes(MP4_HEAD)
    values = measures if measures is not None else {"swing_dorsiflexion_deg": 4.0}
    with database.transaction() as session:
        video = GaitVideo(
            patient_id=patient_id,
            uploaded_by_id=uploaded_by_id,
            uploaded_by_role="clinician",
            uploaded_at=now,
            recorded_on=now.date(),
            affected_side="left",
            walked_distance_m=None,
            container="mp4",
            size_bytes=96,
            file_key=file_key,
        )
        video.job = GaitJob(
            state="done", stage="", attempts=1, queued_at=now, started_at=now, finished_at=now
        )
        video.result = GaitResult(
            created_at=now,
            report_json=report(left=side_summary()).model_dump(mode="json"),
            walking_time_s=4.0,
            result_key=result_key,
            notes=[],
        )
        session.add(video)
        session.flush()
        for measure_id, value in values.items():
            m = Measurement(
                patient_id=patient_id,
                measure_id=measure_id,
                value_num=value,
                measured_on=now.date(),
                source="gait",
                created_at=now,
                created_by_id=uploaded_by_id,
            )
            session.add(m)
            session.flush()
            session.add(GaitMeasurement(measurement_id=m.id, video_id=video.id))
        return video.id


def cut_clip(source: Path, target: Path, *, start: int, frames: int) -> Path:
    """Copy ``frames`` frames of ``source`` from frame ``start`` into a new mp4 (OpenCV)."""
    import cv2

    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS)
    capture.set(cv2.CAP_PROP_POS_FRAMES, start)
    writer: Any = None
    try:
        for _ in range(frames):
            ok, frame = capture.read()
            if not ok:
                break
            if writer is None:
                h, w = frame.shape[:2]
                writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
            writer.write(frame)
    finally:
        capture.release()
        if writer is not None:
            writer.release()
    return target


def blank_clip(target: Path, *, seconds: float = 2.0, fps: float = 30.0) -> Path:
    """A real, decodable mp4 with nobody in it (grey frames)."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), fps, (320, 240))
    try:
        for i in range(round(seconds * fps)):
            writer.write(np.full((240, 320, 3), 100 + i % 20, dtype=np.uint8))
    finally:
        writer.release()
    return target
