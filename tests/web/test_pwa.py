"""The installable patient app (web/pwa.py) and the server side of offline check-ins, on
SQLite and PostgreSQL: the manifest and its icons, the service worker's scope, type and CSP,
sign-out clearing the phone, and a check-in kept offline sent twice under one key stored once,
on the day it was made."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from dorsi.store.db import Database
from dorsi.store.models import SessionCheckin
from dorsi.web.pwa import MANIFEST, OFFLINE_STATIC, camera_version
from tests.web.conftest import CHECKIN, PLAN, Clinic, Clock, TestClient, page_login, token_for


def _assign(client: TestClient, clinic: Clinic) -> list[str]:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    program = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    answer = client.put(f"{url}/program", headers=headers, json={"exercises": program["exercises"]})
    assert answer.status_code == 200
    return [e["id"] for e in program["exercises"]]


def _checkin_dates(db: Database, patient_id: int) -> list[date]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(SessionCheckin.session_date).where(SessionCheckin.patient_id == patient_id)
            )
        )


def test_the_manifest_makes_the_patient_pages_installable(client: TestClient) -> None:
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/manifest+json"
    manifest = answer.json()
    assert manifest == MANIFEST
    assert manifest["start_url"] == "/me"
    assert manifest["display"] == "standalone"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        picture = client.get(icon["src"])
        assert picture.status_code == 200, icon
        assert picture.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(picture.content)) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_under_the_csp(client: TestClient) -> None:
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["service-worker-allowed"] == "/"
    csp = answer.headers["content-security-policy"]
    assert "worker-src 'self'" in csp
    assert "manifest-src 'self'" in csp
    assert "script-src 'self'" in csp
    text = answer.text
    assert "__VERSION__" not in text
    assert "__STATIC__" not in text
    kept = json.loads(re.search(r"var STATIC = (\[.*?\]);", text)[1])  # type: ignore[index]
    assert kept == [f"/static/{name}" for name in OFFLINE_STATIC] + ["/manifest.webmanifest"]
    for path in kept:  # every file the worker keeps at install exists
        assert client.get(path).status_code == 200, path
    assert 'addEventListener("push"' in text
    assert 'addEventListener("notificationclick"' in text
    # the camera's page code is kept for everyone; its 21 MB model only once it is used, in a
    # cache named after the assets' build
    assert {"/static/camera.js", "/static/camera-maths.mjs", "/static/camera.css"} <= set(kept)
    assert not any(path.startswith("/static/vendor/") for path in kept)
    assert f'var CAMERA_CACHE = "dorsi-camera-" + "{camera_version()}";' in text


def test_the_camera_cache_is_named_after_the_assets_build(tmp_path: Path) -> None:
    assert camera_version(tmp_path) == "none"  # not built: nothing to keep
    (tmp_path / ".built-84bc3836e8b7b692").touch()
    assert camera_version(tmp_path) == "84bc3836e8b7b692"


def test_only_patient_pages_link_the_manifest(client: TestClient, clinic: Clinic) -> None:
    _assign(client, clinic)
    page_login(client, "ann")
    today = client.get("/me").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in today
    assert '<script src="/static/pwa.js" defer></script>' in today
    assert "Saved on this phone; it will be sent when you are back online." in today
    client.cookies.clear()
    page_login(client, "alice")
    assert "manifest.webmanifest" not in client.get("/clinic").text


def test_today_names_the_pages_and_pictures_to_keep_offline(
    client: TestClient, clinic: Clinic
) -> None:
    exercises = _assign(client, clinic)
    csrf = page_login(client, "ann")
    today = client.get("/me").text
    meta = re.search(r'<meta name="dorsi-offline" content="([^"]*)" data-version="([^"]*)">', today)
    assert meta is not None
    urls = meta[1].split()
    steps = [f"/me/session?step={n}" for n in range(len(exercises) + 1)]
    assert urls[:2] == ["/me", "/me/session"]
    assert urls[2:] == steps + [f"/exercises/{e}.svg" for e in exercises]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert 'class="stack checkin"' in client.get(steps[-1]).text  # the last step: check-in
    client.post("/language", data={"lang": "es", "next": "/me", "csrf_token": csrf})
    spanish = client.get("/me").text
    assert "Guardado en este teléfono" in spanish
    changed = re.search(r'name="dorsi-offline" content="[^"]*" data-version="([^"]*)"', spanish)
    assert changed is not None
    assert changed[1] != meta[2]  # another language: the phone fetches the pages again


def test_sign_out_clears_the_site_data_on_the_phone(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "ann")
    answer = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["clear-site-data"] == '"cache", "storage"'


def test_an_offline_checkin_sent_twice_is_stored_once_on_its_day(
    client: TestClient, clinic: Clinic, db: Database, clock: Clock
) -> None:
    _assign(client, clinic)
    made = clock().date()
    clock.advance(days=1)  # back online the next day, signed in again
    csrf = page_login(client, "ann")
    form = {
        **{k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in CHECKIN.items()},
        "csrf_token": csrf,
        "idempotency_key": "0f3c9a7e41b2d8c6a5e4f3b2c1d0e9f8a7b6",
        "date": made.isoformat(),
    }
    first = client.post("/me/session", data=form)
    again = client.post("/me/session", data=form)  # the phone sends it again (lost answer)
    assert first.status_code == again.status_code == 200
    assert _checkin_dates(db, clinic.patient_a) == [made]
    # The same key with another body (a first try reached the server, its answer was lost,
    # the phone then added the day): refused naming the key, and still stored once.
    changed = client.post("/me/session", data={**form, "date": clock().date().isoformat()})
    assert changed.status_code == 422
    assert 'id="idempotency_key-error"' in changed.text
    with db.transaction() as session:
        count = session.scalar(select(func.count()).select_from(SessionCheckin))
    assert count == 1


def test_a_checkin_dated_in_the_future_is_refused_naming_the_date(
    client: TestClient, clinic: Clinic, db: Database, clock: Clock
) -> None:
    _assign(client, clinic)
    csrf = page_login(client, "ann")
    form = {
        **{k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in CHECKIN.items()},
        "csrf_token": csrf,
        "idempotency_key": "a-key-for-a-phone-with-a-wrong-clock",
        "date": "2099-01-01",
    }
    answer = client.post("/me/session", data=form)
    assert answer.status_code == 422
    assert "must not be in the future" in answer.text
    assert _checkin_dates(db, clinic.patient_a) == []
