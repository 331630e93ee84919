"""The patient's Reminders page: set days, time and channels, see and renew the calendar link,
in English and Spanish."""

from __future__ import annotations

from tests.web.conftest import Clinic, TestClient, csrf_from, page_login


def test_the_patient_sets_reminders_and_gets_a_calendar_link(
    client: TestClient, clinic: Clinic
) -> None:
    page_login(client, "ann")
    page = client.get("/me/reminders")
    assert page.status_code == 200, page.text
    assert "Exercise days" in page.text
    assert "/static/reminders.js" in page.text
    csrf = csrf_from(page.text)
    saved = client.post(
        "/me/reminders",
        data={
            "csrf_token": csrf,
            "days": ["mon", "wed", "fri"],
            "time": "17:45",
            "timezone": "America/Chicago",
            "quiet_start": "21:00",
            "quiet_end": "07:30",
            "calendar": "on",
            "push": "on",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    shown = client.get(saved.headers["location"])
    assert "Your reminders are saved." in shown.text
    assert 'value="17:45"' in shown.text
    assert 'value="wed" checked' in shown.text
    assert "webcal://testserver/calendar/" in shown.text
    assert 'id="push-on"' in shown.text
    link = shown.text.split('id="calendar-url" type="text" readonly value="')[1].split('"')[0]
    path = link.removeprefix("http://testserver")
    assert client.get(path).status_code == 200

    renewed = client.post(
        "/me/reminders/calendar-link", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert renewed.status_code == 303
    after = client.get(renewed.headers["location"])
    assert "The old link no longer works." in after.text
    assert client.get(path).status_code == 404


def test_a_bad_time_is_shown_next_to_its_field(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "ann")
    csrf = csrf_from(client.get("/me/reminders").text)
    answer = client.post(
        "/me/reminders",
        data={
            "csrf_token": csrf,
            "days": "mon",
            "time": "7pm",
        },
    )
    assert answer.status_code == 422
    assert 'id="time-error"' in answer.text
    assert "HH:MM" in answer.text or "pattern" in answer.text


def test_the_page_in_spanish(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "ann")
    chosen = client.post(
        "/language",
        data={"lang": "es", "next": "/me/reminders", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert chosen.status_code == 303, chosen.text
    page = client.get("/me/reminders")
    assert page.status_code == 200
    assert "Días de ejercicio" in page.text
    assert "Miércoles" in page.text


def test_clinicians_use_the_api_not_the_patient_page(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "alice")
    assert client.get("/me/reminders").status_code == 403
