"""The walking-video pages: guidance and upload form for clinician and patient, progress
while analysing (refresh without JavaScript, polling with it), results, errors next to the
field, deleting."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import GaitJob
from tests.conftest import require_shared
from tests.gait_app.conftest import files_under
from tests.gait_app.seed import DEMO, cut_clip, seed_done_video
from tests.web.conftest import Clinic, TestClient, csrf_from, page_login

pytestmark = pytest.mark.gait

GUIDANCE = ("hip height", "3 to 4 metres", "walk back", "good light")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_shared(DEMO)
    return cut_clip(DEMO, tmp_path_factory.mktemp("clip") / "walk.mp4", start=60, frames=30)


def test_clinician_page_has_guidance_and_upload_form(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "alice")
    page = client.get(f"/patients/{clinic.patient_a}/gait-videos")
    assert page.status_code == 200
    text = page.text
    for words in GUIDANCE:
        assert words in text
    assert 'enctype="multipart/form-data"' in text
    assert 'name="video"' in text
    assert 'name="walked_distance_m"' in text
    assert "No videos yet." in text
    dashboard = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert f'href="/patients/{clinic.patient_a}/gait-videos"' in dashboard.text


def test_patient_finds_the_page_from_today(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "ann")
    today = client.get("/me")
    assert 'href="/me/gait-videos"' in today.text
    mine = client.get("/me/gait-videos", follow_redirects=False)
    assert mine.status_code == 303
    assert mine.headers["location"] == f"/patients/{clinic.patient_a}/gait-videos"
    page = client.get(mine.headers["location"])
    assert "Film your walking" in page.text
    assert all(words in page.text for words in GUIDANCE)
    assert client.get(f"/patients/{clinic.patient_b}/gait-videos").status_code == 404


def test_clinicians_have_no_me_page(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "alice")
    assert client.get("/me/gait-videos", follow_redirects=False).status_code == 403


def test_page_upload_then_progress_page_refreshes_itself(
    client: TestClient, clinic: Clinic, db: Database, clip: Path
) -> None:
    csrf = page_login(client, "ann")
    url = f"/patients/{clinic.patient_a}/gait-videos"
    response = client.post(
        url,
        data={"csrf_token": csrf, "walked_distance_m": "8"},
        files={"video": ("IMG_0001.MOV", clip.read_bytes(), "video/mp4")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="5">' in page.text
    assert "/static/gait.js" in page.text
    assert "Waiting to start" in page.text
    status = client.get(response.headers["location"] + "/status.json").json()
    assert status == {"status": "queued", "stage": "", "started_at": None, "error": None}
    with db.transaction() as session:
        assert session.scalars(select(GaitJob.state)).one() == "queued"


def test_page_upload_needs_the_form_token(
    client: TestClient, clinic: Clinic, settings: Settings, clip: Path
) -> None:
    page_login(client, "ann")
    response = client.post(
        f"/patients/{clinic.patient_a}/gait-videos",
        data={"csrf_token": "forged"},
        files={"video": ("a.mp4", clip.read_bytes(), "video/mp4")},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert files_under(settings.data_dir / "gait" / "videos") == []


def test_page_upload_errors_show_next_to_the_field(
    client: TestClient, clinic: Clinic, settings: Settings
) -> None:
    csrf = page_login(client, "alice")
    response = client.post(
        f"/patients/{clinic.patient_a}/gait-videos",
        data={"csrf_token": csrf},
        files={"video": ("notes.txt", b"just text" * 10, "text/plain")},
    )
    assert response.status_code == 415
    assert 'id="video-error"' in response.text
    assert "mp4, mov, 3gp or webm" in response.text
    assert files_under(settings.data_dir / "gait") == []


def test_results_page_shows_measures_plot_video_and_delete(
    client: TestClient, clinic: Clinic, db: Database, settings: Settings
) -> None:
    video_id = seed_done_video(
        db,
        settings,
        clinic.patient_a,
        clinic.alice,
        measures={"swing_dorsiflexion_deg": 4.0, "toe_clearance_ratio": 0.05},
    )
    csrf = page_login(client, "alice")
    url = f"/patients/{clinic.patient_a}/gait-videos/{video_id}"
    page = client.get(url)
    assert page.status_code == 200
    text = page.text
    assert "Peak ankle dorsiflexion while the foot swings" in text  # the catalog's name
    assert f'src="{url}/plot.png"' in text
    assert f'src="{url}/annotated.mp4"' in text
    assert "http-equiv" not in text
    assert "Also delete the 2 measures" in text
    plot = client.get(url + "/plot.png")
    assert plot.status_code == 200
    assert plot.headers["content-type"] == "image/png"
    assert client.get(url + "/annotated.mp4").headers["content-type"] == "video/mp4"
    deleted = client.post(
        url + "/delete", data={"csrf_token": csrf_from(text)}, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert csrf
    assert files_under(settings.data_dir / "gait") == []
    listing = client.get(f"/patients/{clinic.patient_a}/gait-videos").text
    assert "Deleted" in listing


def test_a_failed_video_shows_the_plain_reason_and_the_guidance(
    client: TestClient, clinic: Clinic, db: Database, settings: Settings
) -> None:
    video_id = seed_done_video(db, settings, clinic.patient_a, clinic.alice, measures={})
    reason = "the walk in the video is too short to find a whole stride"
    with db.transaction() as session:
        job = session.scalars(select(GaitJob)).one()
        job.state, job.error = "failed", reason
    page_login(client, "ann")
    page = client.get(f"/patients/{clinic.patient_a}/gait-videos/{video_id}")
    assert page.status_code == 200
    assert "We could not measure this walk." in page.text
    assert reason in page.text
    assert "hip height" in page.text
