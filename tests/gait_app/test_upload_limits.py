"""Limits that keep one patient's uploads from blocking the gait queue (issue 14): the video
length cap (413, read from the container before any frame is decoded) and the hourly upload
limit per patient (429 with Retry-After)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dorsi.errors import PayloadTooLargeError
from dorsi.gait.video import format_duration, probe
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, GaitVideo
from dorsi.web.app import create_app
from tests.gait_app.conftest import files_under
from tests.gait_app.seed import blank_clip
from tests.gait_app.test_uploads import _count, _upload, _url
from tests.web.conftest import SECRET, Clinic, Clock, TestClient, page_login, token_for

pytestmark = pytest.mark.gait  # the checks open videos with OpenCV


def tiny_long_clip(target: Path, *, seconds: float, fps: float = 10.0) -> Path:
    """A real mp4 of ``seconds`` at a very low resolution: small on disk, long to analyse."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), fps, (64, 48))
    frame = np.full((48, 64, 3), 90, dtype=np.uint8)
    try:
        for i in range(round(seconds * fps)):
            frame[:, :, 0] = 60 + i % 50
            writer.write(frame)
    finally:
        writer.release()
    return target


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_long_clip(tmp_path_factory.mktemp("long") / "walk.mp4", seconds=603)


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return blank_clip(tmp_path_factory.mktemp("short") / "walk.mp4", seconds=1.0)


def test_durations_read_as_minutes_and_seconds() -> None:
    assert format_duration(603) == "10 min 3 s"
    assert format_duration(120) == "2 min"
    assert format_duration(45.4) == "45 s"


def test_a_ten_minute_video_is_refused_with_the_limit_named(
    client: TestClient, clinic: Clinic, db: Database, long_clip: Path, tmp_path: Path
) -> None:
    assert long_clip.stat().st_size < 5_000_000  # well under the size cap: only length catches it
    headers = token_for(client, "alice")
    response = _upload(client, clinic.patient_a, headers, long_clip.read_bytes())
    assert response.status_code == 413, response.text
    assert response.json()["detail"] == (
        "video: 10 min 3 s is longer than the 2 min allowed; record a shorter walk"
    )
    assert _count(db, GaitVideo) == 0
    assert files_under(tmp_path / "gait") == []


def test_the_length_cap_is_a_setting_and_probe_checks_it_before_decoding(
    db: Database, clock: Clock, clinic: Clinic, tmp_path: Path
) -> None:
    clip = tiny_long_clip(tmp_path / "twelve.mp4", seconds=12)
    with pytest.raises(PayloadTooLargeError, match="12 s is longer than the 10 s allowed"):
        probe(clip, max_duration_s=10)
    assert probe(clip, max_duration_s=12).duration_s == pytest.approx(12.0)
    strict = load_settings(
        data_dir=tmp_path / "data", secret_key=SECRET, gait_worker="off", max_video_s=10
    )
    app = create_app(strict, database=db, clock=clock, migrate=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = token_for(client, "alice")
        response = _upload(client, clinic.patient_a, headers, clip.read_bytes())
        assert response.status_code == 413
        assert "12 s is longer than the 10 s allowed" in response.json()["detail"]
        # the page shows the same reason next to the file field
        csrf = page_login(client, "alice")
        page = client.post(
            f"/patients/{clinic.patient_a}/gait-videos",
            data={"csrf_token": csrf},
            files={"video": ("walk.mp4", clip.read_bytes(), "video/mp4")},
        )
        assert page.status_code == 413
        assert 'id="video-error"' in page.text
        assert "12 s is longer than the 10 s allowed" in page.text


def _limited_app(db: Database, clock: Clock, tmp_path: Path, per_hour: int) -> Any:
    limited = load_settings(
        data_dir=tmp_path / "data",
        secret_key=SECRET,
        gait_worker="off",
        gait_uploads_per_hour=per_hour,
    )
    return create_app(limited, database=db, clock=clock, migrate=False)


def test_uploads_per_patient_per_hour_are_limited_with_retry_after(
    db: Database, clock: Clock, clinic: Clinic, tmp_path: Path, short_clip: Path
) -> None:
    content = short_clip.read_bytes()
    with TestClient(_limited_app(db, clock, tmp_path, 3), raise_server_exceptions=False) as client:
        clinician = token_for(client, "alice")
        patient = token_for(client, "ann")
        for headers in (clinician, patient, clinician):  # every uploader counts for the patient
            assert _upload(client, clinic.patient_a, headers, content).status_code == 202
            clock.advance(minutes=10)
        refused = _upload(client, clinic.patient_a, patient, content)
        assert refused.status_code == 429, refused.text
        # the first upload (30 min ago) leaves the hour in 30 min
        assert refused.headers["retry-after"] == str(30 * 60)
        assert "at most 3 videos an hour" in refused.json()["detail"]
        assert "try again in 30 min" in refused.json()["detail"]
        with db.transaction() as session:
            last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
            assert last is not None
            assert (last.action, last.outcome, last.patient_id) == (
                "gait.upload",
                "denied",
                clinic.patient_a,
            )
        # deleting a video does not give the upload back
        listed = client.get(_url(clinic.patient_a), headers=clinician).json()
        deleted = client.delete(f"{_url(clinic.patient_a)}/{listed[0]['id']}", headers=clinician)
        assert deleted.status_code == 200
        assert _upload(client, clinic.patient_a, clinician, content).status_code == 429
        # another patient is not affected
        assert _upload(client, clinic.patient_b, token_for(client, "ben"), content).status_code == (
            202
        )
        clock.advance(minutes=30, seconds=1)  # the first upload has left the window
        assert _upload(client, clinic.patient_a, clinician, content).status_code == 202
        again = _upload(client, clinic.patient_a, clinician, content)
        assert again.status_code == 429
        assert again.headers["retry-after"] == str(10 * 60 - 1)
    assert _count(db, GaitVideo) == 5


def test_the_upload_page_shows_the_limit_and_retry_after(
    db: Database, clock: Clock, clinic: Clinic, tmp_path: Path, short_clip: Path
) -> None:
    with TestClient(_limited_app(db, clock, tmp_path, 1), raise_server_exceptions=False) as client:
        csrf = page_login(client, "ann")
        url = f"/patients/{clinic.patient_a}/gait-videos"

        def send() -> Any:
            return client.post(
                url,
                data={"csrf_token": csrf},
                files={"video": ("walk.mp4", short_clip.read_bytes(), "video/mp4")},
                follow_redirects=False,
            )

        assert send().status_code == 303
        page = send()
        assert page.status_code == 429
        assert page.headers["retry-after"] == "3600"
        assert 'id="video-error"' in page.text
        assert "at most 1 video an hour" in page.text
