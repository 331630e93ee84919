"""Uploading walking videos: who may, size cap (413), content checks (415), server-chosen
names under the data directory, the queued job, listing, reading and deleting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dorsi.services.gait_jobs import Storage
from dorsi.settings import Settings, load_settings
from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, GaitJob, GaitVideo, Measurement
from dorsi.web.app import create_app
from dorsi.web.deps import route_action
from dorsi.web.gait import API as GAIT_API
from tests.conftest import require_shared
from tests.gait_app.conftest import files_under
from tests.gait_app.seed import DEMO, MP4_HEAD, cut_clip, seed_done_video
from tests.web.conftest import SECRET, Clinic, Clock, TestClient, app_routes, token_for

pytestmark = pytest.mark.gait  # the content check opens videos with OpenCV


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short real phone-style clip (1 s of the demo video)."""
    require_shared(DEMO)
    return cut_clip(DEMO, tmp_path_factory.mktemp("clip") / "walk.mp4", start=60, frames=30)


def _url(patient_id: int) -> str:
    return f"/api/v1/patients/{patient_id}/gait-videos"


def _upload(
    client: TestClient,
    patient_id: int,
    headers: dict[str, str],
    content: bytes,
    *,
    kind: str = "video/mp4",
    name: str = "walk.mp4",
    data: dict[str, str] | None = None,
) -> Any:
    return client.post(
        _url(patient_id), headers=headers, files={"video": (name, content, kind)}, data=data
    )


def _count(db: Database, model: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_clinician_upload_is_stored_under_a_server_name_and_queued(
    client: TestClient, clinic: Clinic, db: Database, settings: Settings, clip: Path
) -> None:
    headers = token_for(client, "alice")
    hostile = "../../static/evil.mp4"
    response = _upload(
        client,
        clinic.patient_a,
        headers,
        clip.read_bytes(),
        name=hostile,
        data={"walked_distance_m": "6,5"},
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert response.headers["location"] == f"{_url(clinic.patient_a)}/{body['id']}"
    assert body["status"] == "queued"
    assert body["job"]["state"] == "queued"
    assert body["walked_distance_m"] == 6.5
    assert body["affected_side"] == "left"  # the patient's recorded side
    assert body["container"] == "mp4"
    assert body["size_bytes"] == clip.stat().st_size
    assert body["result"] is None
    assert body["measurements"] == []
    stored = files_under(settings.data_dir / "gait")
    assert len(stored) == 1
    assert stored[0].parent == Storage.of(settings).folder("videos")
    assert "evil" not in stored[0].name
    assert stored[0].read_bytes() == clip.read_bytes()
    assert stored[0].name.endswith(".mp4")
    assert len(stored[0].stem) == 32
    assert not any("static" in str(p) for p in stored)
    with db.transaction() as session:
        job = session.scalars(select(GaitJob)).one()
        assert (job.state, job.attempts, job.lease_owner) == ("queued", 0, None)
        actions = session.scalars(select(AuditEntry.action)).all()
    assert actions.count("gait.upload") == 2  # the early check, and the stored video


def test_a_walk_marked_with_the_brace_marks_its_measurements(
    client: TestClient, clinic: Clinic, db: Database, settings: Settings, clip: Path
) -> None:
    """The upload says the walk was with the brace; every value its analysis stores is marked
    so, and the brace comparison reads the video's walking speed as a walk with the brace."""
    from dorsi.services import brace, gait_jobs
    from dorsi.services.context import Ctx
    from tests.gait_app.seed import report, side_summary

    headers = token_for(client, "ann")
    bad = _upload(client, clinic.patient_a, headers, clip.read_bytes(), data={"with_brace": "x"})
    assert (bad.status_code, bad.json()["field"]) == (422, "with_brace")
    response = _upload(
        client,
        clinic.patient_a,
        headers,
        clip.read_bytes(),
        data={"walked_distance_m": "8", "with_brace": "true"},
    )
    assert response.status_code == 202, response.text
    assert response.json()["with_brace"] is True
    listed = client.get(_url(clinic.patient_a), headers=headers).json()
    assert [v["with_brace"] for v in listed] == [True]
    answer = {"report": report(left=side_summary()).model_dump(mode="json"), "walking_time_s": 8.0}
    with db.transaction() as session:
        video = session.get(GaitVideo, response.json()["id"])
        assert video is not None
        assert video.with_brace is True
        ctx = Ctx(db=session, now=video.uploaded_at, settings=settings, secret=settings.secret())
        stored = gait_jobs._store_result(ctx, video, answer, "k" * 32)
        assert stored
        assert {m.with_brace for m in stored} == {True}
        summary = brace.brace_summary(session, clinic.patient_a, video.recorded_on)
    speeds = [c for c in summary.walking if c.measure == "gait_speed_video_mps"]
    assert [(c.with_brace is not None, c.without_brace) for c in speeds] == [(True, None)]


def test_patient_uploads_their_own_video(client: TestClient, clinic: Clinic, clip: Path) -> None:
    headers = token_for(client, "ann")
    response = _upload(client, clinic.patient_a, headers, clip.read_bytes(), kind="video/quicktime")
    assert response.status_code == 202, response.text
    assert response.json()["uploaded_by_role"] == "patient"
    listed = client.get(_url(clinic.patient_a), headers=headers).json()
    assert [v["id"] for v in listed] == [response.json()["id"]]


@pytest.mark.parametrize(
    ("who", "status"), [("bob", 404), ("ben", 404), ("root", 404), (None, 401)]
)
def test_callers_without_the_record_are_refused_before_the_body_is_kept(
    client: TestClient, clinic: Clinic, settings: Settings, clip: Path, who: str | None, status: int
) -> None:
    headers = token_for(client, who) if who else {}
    response = _upload(client, clinic.patient_a, headers, clip.read_bytes())
    assert response.status_code == status, response.text
    assert files_under(settings.data_dir / "gait") == []


def test_other_patients_videos_are_not_found(
    client: TestClient, clinic: Clinic, db: Database, settings: Settings
) -> None:
    video_a = seed_done_video(db, settings, clinic.patient_a, clinic.alice)
    alice, bob = token_for(client, "alice"), token_for(client, "bob")
    base = f"{_url(clinic.patient_a)}/{video_a}"
    for path in ("", "/plot.png", "/annotated.mp4"):
        assert client.get(base + path, headers=bob).status_code == 404
        assert client.get(base + path, headers=alice).status_code == 200
    # the same video asked for under another patient's path is not found either
    wrong = f"{_url(clinic.patient_b)}/{video_a}"
    assert client.get(wrong, headers=bob).status_code == 404
    assert client.delete(wrong, headers=bob).status_code == 404
    assert client.delete(base, headers=bob).status_code == 404


@pytest.mark.parametrize(
    ("content", "kind", "says"),
    [
        (b"%PDF-1.7 not a video at all" + b"\x00" * 100, "video/mp4", "not a video"),
        (b"hello, world\n" * 20, "text/plain", "sent as 'text/plain'"),
        (MP4_HEAD + b"\x00" * 2000, "video/mp4", "cannot be opened as a video"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 200, "video/webm", "not a video"),  # not WebM doc type
    ],
)
def test_content_that_is_not_a_video_gets_415(
    client: TestClient,
    clinic: Clinic,
    db: Database,
    settings: Settings,
    content: bytes,
    kind: str,
    says: str,
) -> None:
    response = _upload(client, clinic.patient_a, token_for(client, "alice"), content, kind=kind)
    assert response.status_code == 415, response.text
    assert response.json()["field"] == "video"
    assert says in response.json()["detail"]
    assert _count(db, GaitVideo) == 0
    assert files_under(settings.data_dir / "gait") == []


def test_declared_type_must_match_the_content(
    client: TestClient, clinic: Clinic, clip: Path
) -> None:
    response = _upload(
        client, clinic.patient_a, token_for(client, "alice"), clip.read_bytes(), kind="video/webm"
    )
    assert response.status_code == 415
    assert "sent as 'video/webm' but its content is a mp4 video" in response.json()["detail"]


def test_a_body_that_is_not_multipart_gets_415(client: TestClient, clinic: Clinic) -> None:
    response = client.post(
        _url(clinic.patient_a), headers=token_for(client, "alice"), content=b"\x00" * 100
    )
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"walked_distance_m": "0.5"}, "walked_distance_m"),
        ({"walked_distance_m": "far"}, "walked_distance_m"),
        ({"walked_distance_m": "nan"}, "walked_distance_m"),
        ({"walked_distance_m": "1e9"}, "walked_distance_m"),
    ],
)
def test_bad_distance_is_refused_naming_the_field(
    client: TestClient,
    clinic: Clinic,
    settings: Settings,
    clip: Path,
    data: dict[str, str],
    field: str,
) -> None:
    response = _upload(
        client, clinic.patient_a, token_for(client, "alice"), clip.read_bytes(), data=data
    )
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert "metres from 1 to 100" in response.json()["detail"]
    assert files_under(settings.data_dir / "gait") == []


def test_a_text_field_that_is_not_utf8_is_refused_naming_it(
    client: TestClient, clinic: Clinic, settings: Settings
) -> None:
    response = client.post(
        _url(clinic.patient_a),
        headers=token_for(client, "alice"),
        files={"walked_distance_m": (None, b"\xff5"), "video": ("w.mp4", MP4_HEAD, "video/mp4")},
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "walked_distance_m: is not valid UTF-8",
        "field": "walked_distance_m",
    }
    assert files_under(settings.data_dir / "gait") == []


def test_missing_video_field_is_422(client: TestClient, clinic: Clinic) -> None:
    response = client.post(
        _url(clinic.patient_a),
        headers=token_for(client, "alice"),
        files={"other": ("a.txt", b"x", "text/plain")},
        data={"walked_distance_m": "5"},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "video"


def test_two_videos_in_one_upload_are_refused(
    client: TestClient, clinic: Clinic, clip: Path
) -> None:
    content = clip.read_bytes()
    response = client.post(
        _url(clinic.patient_a),
        headers=token_for(client, "alice"),
        files=[
            ("video", ("a.mp4", content, "video/mp4")),
            ("video", ("b.mp4", content, "video/mp4")),
        ],
    )
    assert response.status_code == 422
    assert "one video" in response.json()["detail"]


def test_over_the_size_cap_gets_413(
    db: Database, clock: Clock, tmp_path: Path, clinic: Clinic
) -> None:
    small = load_settings(
        data_dir=tmp_path, secret_key=SECRET, gait_worker="off", max_upload_bytes=1_000_000
    )
    app = create_app(small, database=db, clock=clock, migrate=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = token_for(client, "alice")
        too_big = MP4_HEAD + b"\x00" * 1_000_001
        response = _upload(client, clinic.patient_a, headers, too_big)
        assert response.status_code == 413, response.text
        assert "larger than the limit of 1 MB" in response.json()["detail"]
        # a declared Content-Length far over the cap is refused before any byte is read
        huge = client.post(
            _url(clinic.patient_a),
            headers={**headers, "content-type": "multipart/form-data; boundary=x"},
            content=b"\x00" * 1_100_000,
        )
        assert huge.status_code == 413
        # other routes keep the small general cap
        assert (
            client.post("/api/v1/patients", headers=headers, content=b"{" * 1_100_000).status_code
            == 413
        )
    assert files_under(tmp_path / "gait") == []
    assert _count(db, GaitVideo) == 0


def test_delete_removes_the_file_and_results_but_keeps_measurements(
    client: TestClient, clinic: Clinic, db: Database, settings: Settings
) -> None:
    video_id = seed_done_video(db, settings, clinic.patient_a, clinic.alice)
    assert len(files_under(settings.data_dir / "gait")) == 3
    headers = token_for(client, "ann")  # the patient may delete their own video
    url = f"{_url(clinic.patient_a)}/{video_id}"
    response = client.delete(url, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "deleted"
    assert body["deleted_at"]
    assert body["result"] is None
    assert [m["measure"] for m in body["measurements"]] == ["swing_dorsiflexion_deg"]
    assert files_under(settings.data_dir / "gait") == []
    assert client.get(url + "/plot.png", headers=headers).status_code == 404
    with db.transaction() as session:
        video = session.get(GaitVideo, video_id)
        assert video is not None
        assert video.file_key is None
        assert video.result is None
    progress = client.get(f"/api/v1/patients/{clinic.patient_a}/progress", headers=headers)
    assert "swing_dorsiflexion_deg" in progress.json()["measures"]
    # deleting again changes nothing
    again = client.delete(url, headers=headers)
    assert again.status_code == 200
    assert again.json()["deleted_at"] == body["deleted_at"]


def test_only_a_clinician_deletes_the_measurements_too(
    client: TestClient, clinic: Clinic, db: Database, settings: Settings
) -> None:
    video_id = seed_done_video(db, settings, clinic.patient_a, clinic.alice)
    url = f"{_url(clinic.patient_a)}/{video_id}?delete_measurements=true"
    refused = client.delete(url, headers=token_for(client, "ann"))
    assert refused.status_code == 403
    assert len(files_under(settings.data_dir / "gait")) == 3  # nothing happened
    response = client.delete(url, headers=token_for(client, "alice"))
    assert response.status_code == 200
    assert response.json()["measurements"] == []
    assert _count(db, Measurement) == 0


def test_deleting_a_queued_video_cancels_its_job(
    client: TestClient, clinic: Clinic, db: Database, settings: Settings, clip: Path
) -> None:
    headers = token_for(client, "alice")
    created = _upload(client, clinic.patient_a, headers, clip.read_bytes()).json()
    deleted = client.delete(f"{_url(clinic.patient_a)}/{created['id']}", headers=headers).json()
    assert deleted["status"] == "deleted"
    assert deleted["job"]["state"] == "cancelled"
    assert files_under(settings.data_dir / "gait") == []


def test_openapi_describes_the_upload(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/patients/{patient_id}/gait-videos"]["post"]
    schema = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["video"]["format"] == "binary"
    upload = next(
        r
        for r in app_routes(client.app)  # type: ignore[arg-type]
        if isinstance(r, APIRoute) and r.path == GAIT_API and "POST" in (r.methods or ())
    )
    assert route_action(upload) == "gait.upload"
    assert "202" in post["responses"]


@hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    content=st.one_of(
        st.binary(max_size=3000),
        st.binary(max_size=2000).map(lambda b: MP4_HEAD + b),
        st.binary(max_size=2000).map(lambda b: b"\x1a\x45\xdf\xa3webm" + b),
    ),
    kind=st.sampled_from(
        ["video/mp4", "video/webm", "video/quicktime", "application/octet-stream", "image/png", ""]
    ),
    distance=st.one_of(st.none(), st.text(max_size=12)),
)
def test_any_upload_is_accepted_or_refused_never_a_500(
    client: TestClient,
    clinic: Clinic,
    settings: Settings,
    content: bytes,
    kind: str,
    distance: str | None,
) -> None:
    """Whatever bytes arrive: 202, or 415/422 with the field named and nothing kept."""
    headers = token_for(client, "alice")
    data = {"walked_distance_m": distance} if distance is not None else None
    before = files_under(settings.data_dir / "gait" / "videos")
    response = _upload(client, clinic.patient_a, headers, content, kind=kind, data=data)
    assert response.status_code in (202, 415, 422), response.text
    after = files_under(settings.data_dir / "gait" / "videos")
    if response.status_code == 202:
        assert len(after) == len(before) + 1
    else:
        assert response.json()["field"] in ("video", "walked_distance_m")
        assert after == before
    assert files_under(settings.data_dir / "gait" / "incoming") == []
