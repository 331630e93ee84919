"""Walking speed from a phone video on the pages and in the API (issue 16): its own measure,
a trend only, never "a real improvement" against the 10-metre walk test (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dorsi.store.db import Database
from dorsi.store.models import Measurement
from tests.web.conftest import PLAN, Clinic, TestClient, page_login, token_for


def _add(db: Database, patient_id: int, measure: str, value: float, day: date, source: str) -> None:
    with db.transaction() as session:
        session.add(
            Measurement(
                patient_id=patient_id,
                measure_id=measure,
                value_num=value,
                value_grade=None,
                measured_on=day,
                source=source,
                created_at=datetime(2026, 3, 1, tzinfo=UTC),
            )
        )


def _history(db: Database, clinic: Clinic) -> None:
    # The walk test: no real change. The videos: a big jump that must not read as real.
    _add(db, clinic.patient_a, "gait_speed_mps", 0.62, date(2026, 2, 1), "evaluation")
    _add(db, clinic.patient_a, "gait_speed_mps", 0.64, date(2026, 3, 1), "evaluation")
    _add(db, clinic.patient_a, "gait_speed_video_mps", 0.5, date(2026, 2, 10), "gait")
    _add(db, clinic.patient_a, "gait_speed_video_mps", 1.1, date(2026, 2, 28), "gait")


def test_the_api_review_never_judges_a_video_speed(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _history(db, clinic)
    got = client.get(
        f"/api/v1/patients/{clinic.patient_a}/progress", headers=token_for(client, "alice")
    ).json()
    assert "gait_speed_video_mps" not in got["measures"]
    walk = got["measures"]["gait_speed_mps"]
    assert walk["baseline"] == 0.62
    assert walk["latest"] == 0.64  # not the video's 1.1
    assert walk["status"] == "no_real_change"


def test_the_patient_is_never_told_a_video_speed_is_a_real_improvement(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _history(db, clinic)
    page_login(client, "ann")
    page = client.get("/me/progress")
    assert page.status_code == 200
    assert "real improvement" not in page.text
    assert "Walking speed from a phone video (trend only)" in page.text
    assert "not the 10-metre walk test" in page.text
    assert "Comfortable walking speed (10-metre walk test)" in page.text


def test_the_clinician_sees_the_video_speed_as_a_trend_only(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _history(db, clinic)
    page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert page.status_code == 200
    start = page.text.index("Walking speed from a phone video (trend only)")
    caption = page.text[start : page.text.index("</figcaption>", start)]
    assert "trend only: no published smallest real change" in caption
    assert "improved" not in caption


def test_no_program_is_said_in_words(client: TestClient, clinic: Clinic) -> None:
    client.post(
        f"/api/v1/patients/{clinic.patient_a}/evaluations",
        headers=token_for(client, "alice"),
        json=PLAN,
    )
    page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert "No home program is assigned" in page.text
    assert "0 of 0" not in page.text
    client.cookies.clear()
    page_login(client, "ann")
    mine = client.get("/me/progress")
    assert "You have no home program yet" in mine.text
    assert "0 of 0" not in mine.text
