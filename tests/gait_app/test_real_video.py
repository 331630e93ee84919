"""End to end with the real pose model and the embedded worker: a real walking clip uploaded
through the API is analysed in the background, its numbers enter the progress review, the
pictures are served, and deleting removes the files. A video with nobody walking ends
``failed`` with the pipeline's plain reason (never a 500)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from dorsi.settings import Settings, load_settings
from dorsi.store.db import Database
from dorsi.web.app import create_app
from tests.conftest import require_shared
from tests.gait_app.conftest import files_under
from tests.gait_app.seed import DEMO, blank_clip, cut_clip
from tests.web.conftest import SECRET, Clinic, Clock, TestClient, page_login, token_for

pytestmark = [pytest.mark.gait, pytest.mark.slow]


@pytest.fixture(scope="module")
def walk_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5.7 s of the demo (frames 60-229): the walker's strides on both legs."""
    require_shared(DEMO)
    return cut_clip(DEMO, tmp_path_factory.mktemp("walk") / "walk.mp4", start=60, frames=170)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path, secret_key=SECRET, gait_worker="embedded")


@pytest.fixture
def live(db: Database, clock: Clock, settings: Settings) -> Iterator[TestClient]:
    app: FastAPI = create_app(settings, database=db, clock=clock, migrate=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def wait_done(client: TestClient, url: str, headers: dict[str, str], timeout_s: float = 240) -> Any:
    deadline = time.monotonic() + timeout_s
    body: Any = None
    while time.monotonic() < deadline:
        body = client.get(url, headers=headers).json()
        if body["status"] not in ("queued", "running"):
            return body
        time.sleep(0.5)
    pytest.fail(f"the job did not finish in {timeout_s} s: {body}")


def test_real_clip_is_analysed_and_its_measures_enter_progress(
    live: TestClient, clinic: Clinic, settings: Settings, walk_clip: Path
) -> None:
    headers = token_for(live, "alice")
    base = f"/api/v1/patients/{clinic.patient_a}"
    created = live.post(
        f"{base}/gait-videos",
        headers=headers,
        files={"video": ("walk.mp4", walk_clip.read_bytes(), "video/mp4")},
        data={"walked_distance_m": "6"},
    )
    assert created.status_code == 202, created.text
    url = created.headers["location"]
    # the web app answers while the analysis runs (it is not on the event loop)
    started = time.monotonic()
    assert live.get("/healthz").status_code == 200
    assert time.monotonic() - started < 2
    body = wait_done(live, url, headers)
    assert body["status"] == "done", body
    assert body["job"]["attempts"] == 1
    result = body["result"]
    report = result["report"]
    assert report["quality"]["usable_strides"] >= 1
    assert report["summary"]["left"] is not None  # the patient's affected side
    measures = {m["measure"]: m["value"] for m in body["measurements"]}
    expected = {"swing_dorsiflexion_deg", "toe_clearance_ratio", "gait_speed_video_mps"}
    assert set(measures) >= expected
    assert "gait_speed_mps" not in measures  # never the 10-metre walk test's series
    left = report["summary"]["left"]
    assert measures["swing_dorsiflexion_deg"] == round(left["peak_swing_dorsiflexion_deg"], 1)
    assert measures["toe_clearance_ratio"] == round(left["toe_clearance_ratio"], 3)
    assert result["walking_time_s"] > 2
    assert measures["gait_speed_video_mps"] == round(6 / result["walking_time_s"], 2)
    assert 0.3 < measures["gait_speed_video_mps"] < 2.5  # a plausible adult walking speed
    # the numbers enter the progress review like any other measure, except the video's speed:
    # no MDC is published for it, so the review shows it as a trend only and never judges it
    progress = live.get(f"{base}/progress", headers=headers).json()
    for measure in measures:
        if measure == "gait_speed_video_mps":
            assert measure not in progress["measures"]
        else:
            assert progress["measures"][measure]["latest"] == measures[measure]
    # the pictures
    plot = live.get(result["plot_url"], headers=headers)
    assert plot.status_code == 200
    assert plot.content[:8] == b"\x89PNG\r\n\x1a\n"
    video = live.get(result["annotated_video_url"], headers=headers)
    assert video.status_code == 200
    assert video.content[4:8] == b"ftyp"
    assert b"avc1" in video.content[:4096]  # H.264: plays in browsers and on phones
    # delete: the upload and the pictures go, the measures stay
    assert len(files_under(settings.data_dir / "gait")) == 3
    assert live.delete(url, headers=headers).status_code == 200
    assert files_under(settings.data_dir / "gait") == []
    again = live.get(f"{base}/progress", headers=headers).json()
    judged = set(measures) - {"gait_speed_video_mps"}  # trend only: stored, never judged
    assert judged <= set(again["measures"])


def test_a_video_without_a_walker_fails_with_the_plain_reason(
    live: TestClient, clinic: Clinic, tmp_path: Path
) -> None:
    clip = blank_clip(tmp_path / "empty.mp4", seconds=2.0)
    headers = token_for(live, "ann")
    created = live.post(
        f"/api/v1/patients/{clinic.patient_a}/gait-videos",
        headers=headers,
        files={"video": ("empty.mp4", clip.read_bytes(), "video/mp4")},
    )
    assert created.status_code == 202, created.text
    body = wait_done(live, created.headers["location"], headers)
    assert body["status"] == "failed"
    assert body["error"]
    assert "no person" in body["error"] or "too short" in body["error"], body["error"]
    assert body["measurements"] == []
    page_login(live, "ann")
    page = live.get(f"/patients/{clinic.patient_a}/gait-videos/{body['id']}")
    assert page.status_code == 200
    assert body["error"] in page.text
