"""The guided session's camera measure in chromium with a fake camera (frames of a real video,
tests/browser/camera_feed.py), the real ``dorsi serve``, the app's CSP on, and no network
beyond the server: the pose model loads from Dorsi, runs on the stream, shows a live angle,
and the numbers are saved; with the network off the camera still runs (the service worker
kept the model when it first loaded) and its save waits on the phone, to be stored once when
the network is back; without camera permission the page says so and carries on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect
from sqlalchemy import func, select

from dorsi.store.db import Database
from dorsi.store.models import CameraSession, User
from tests.browser.camera_feed import demo_video, write_y4m
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, demo_login
from tests.browser.server import Login, Server

pytestmark = pytest.mark.browser

PLAIN_HOST = "dorsi-camera.test"

#: the model and WASM runtime load and compile on two busy cores
LOAD_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def camera_browser(
    tmp_path_factory: pytest.TempPathFactory, playwright_driver: Playwright
) -> Iterator[Browser]:
    feed = write_y4m(tmp_path_factory.mktemp("camera") / "feed.y4m", demo_video())
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={feed}",
        # a name that is not loopback, so its plain-HTTP pages are not a secure context
        f"--host-resolver-rules=MAP {PLAIN_HOST} 127.0.0.1",
    ]
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=args)
    yield chromium
    chromium.close()


def _context(browser: Browser, server: Server, *, camera: bool) -> BrowserContext:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US"
    )
    if camera:
        context.grant_permissions(["camera"], origin=server.base_url)
    context.set_default_timeout(15_000)
    return context


def _sign_in(page: Page, server: Server, login: Login) -> None:
    page.goto(server.url("/login"))
    _fill_sign_in(page, login)


def _fill_sign_in(page: Page, login: Login) -> None:
    page.get_by_label("Username").fill(login.username)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me")


def _camera_step(page: Page, server: Server, base_url: str | None = None) -> None:
    for step in range(12):
        page.goto((base_url or server.base_url) + f"/me/session?step={step}")
        if page.locator("section.camera").count():
            return
    pytest.fail("no guided-session step offers the camera (seated_dorsiflexion)")


def _camera_sessions(server: Server, username: str) -> int:
    """Camera sessions stored for ``username``'s patient (the served SQLite, read beside it)."""
    data_dir = Path(server.log_path).parent
    database = Database.from_url(f"sqlite:///{data_dir / 'dorsi.sqlite3'}")
    try:
        with database.transaction() as session:
            patient = select(User.patient_id).where(User.username == username).scalar_subquery()
            count = session.scalar(
                select(func.count())
                .select_from(CameraSession)
                .where(CameraSession.patient_id == patient)
            )
        return int(count or 0)
    finally:
        database.engine.dispose()


STATE = "document.querySelector('section.camera').dataset.state"


def _wait_for(page: Page, expression: str, timeout_s: float) -> object:
    # page.wait_for_function evaluates a string inside the page, which the CSP forbids
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        value = page.evaluate(expression)
        if value:
            return value
        time.sleep(0.25)
    seen = page.evaluate(
        "(() => { const box = document.querySelector('section.camera');"
        " return box ? [box.dataset.state, box.innerText.slice(0, 300)] : null; })()"
    )
    pytest.fail(f"timed out waiting for {expression}; the camera box was {seen!r}")


def test_the_camera_measures_live_offline_with_the_csp_on(
    camera_browser: Browser, server: Server
) -> None:
    context = _context(camera_browser, server, camera=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    _sign_in(page, server, demo_login(server, "patient", "rosa"))
    _camera_step(page, server)
    csp = page.evaluate("fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert "connect-src 'self'" in str(csp)
    # the service worker controls the page, so it keeps the model as it loads
    _wait_for(page, "navigator.serviceWorker.controller !== null", 30)

    page.get_by_role("button", name="Turn on the camera").click()
    _wait_for(page, "document.querySelector('section.camera').dataset.state", LOAD_TIMEOUT_S)
    assert page.evaluate("document.querySelector('section.camera').dataset.state") == "running"
    _wait_for(page, "Number(document.querySelector('section.camera').dataset.frames) >= 20", 60)
    angle = page.evaluate("document.querySelector('section.camera').dataset.angle")
    assert angle not in (None, "")
    assert -90 <= float(angle) <= 90
    shown = page.locator(".camera-angle .value").inner_text()
    assert shown == "--" or shown.lstrip("-").isdigit()
    ms = float(page.evaluate("document.querySelector('section.camera').dataset.msPerFrame"))
    assert ms > 0

    page.get_by_role("button", name="Stop and save").click()
    _wait_for(
        page,
        "['saved', 'nothing'].includes(document.querySelector('section.camera').dataset.state)",
        30,
    )
    assert not errors, errors
    base = urlsplit(server.base_url)
    outside = [
        u
        for u in requests
        if urlsplit(u).netloc != base.netloc and urlsplit(u).scheme not in ("data", "blob")
    ]
    assert outside == [], outside
    loaded = {urlsplit(u).path for u in requests}
    assert "/static/vendor/pose_landmarker.task" in loaded
    assert "/static/vendor/mediapipe/wasm/vision_wasm_internal.wasm" in loaded
    _offline_measure_waits_then_is_stored_once(page, server, context)
    context.close()


def _offline_measure_waits_then_is_stored_once(
    page: Page, server: Server, context: BrowserContext
) -> None:
    """The same phone, the network off: the camera runs from the kept model, the save waits
    on the phone, and back online it is stored once (a re-send under its key stores nothing)."""
    kept = (
        "caches.keys().then(names => names.find(n => n.startsWith('dorsi-camera-')))"
        ".then(name => name ? caches.open(name).then(c => c.keys()) : [])"
        ".then(found => found.map(r => new URL(r.url).pathname))"
    )
    _wait_for(page, f"{kept}.then(p => p.includes('/static/vendor/pose_landmarker.task'))", 60)
    before = _camera_sessions(server, "rosa")
    context.set_offline(True)
    page.reload()  # the step, from the phone's copy
    page.get_by_role("button", name="Turn on the camera").click()
    _wait_for(page, STATE, LOAD_TIMEOUT_S)
    assert page.evaluate(STATE) == "running"
    _wait_for(page, "Number(document.querySelector('section.camera').dataset.reps) >= 1", 60)
    page.get_by_role("button", name="Stop and save").click()
    _wait_for(page, f"{STATE} === 'kept'", 30)
    expect(page.locator(".camera-status")).to_have_text(
        "Saved on this phone; it will be sent when you are back online."
    )
    waiting = page.evaluate("DorsiStore.waiting(document.body.dataset.user)")
    assert [w["url"] for w in waiting] == ["/me/camera-sessions"]
    fields = waiting[0]["fields"]
    assert fields["idempotency_key"].startswith("cam-")
    assert "csrf_token" not in fields
    assert _camera_sessions(server, "rosa") == before

    context.set_offline(False)  # the page sends it when the connection returns
    expect(page.locator("#offline-status")).to_have_text("Your camera measurements were sent.")
    assert page.evaluate("DorsiStore.waiting(document.body.dataset.user)") == []
    assert _camera_sessions(server, "rosa") == before + 1
    csrf = page.evaluate("document.querySelector('section.camera').dataset.csrf")
    again = context.request.post(
        server.url("/me/camera-sessions"), form={**fields, "csrf_token": csrf}, max_redirects=0
    )
    assert again.status == 303  # the first answer again: stored under this key already
    assert _camera_sessions(server, "rosa") == before + 1


def test_without_camera_permission_the_page_says_so(
    camera_browser: Browser, server: Server
) -> None:
    context = _context(camera_browser, server, camera=False)
    page = context.new_page()
    _sign_in(page, server, demo_login(server, "patient", "rosa"))
    _camera_step(page, server)
    page.get_by_role("button", name="Turn on the camera").click()
    state = _wait_for(page, "document.querySelector('section.camera').dataset.state", 30)
    assert state == "refused-denied"
    assert "The camera is not allowed" in page.locator(".camera-status").inner_text()
    # the session carries on: the exercise's own counter is still there
    assert page.locator(".trainer").count() == 1
    context.close()


def test_on_a_page_that_is_not_secure_the_page_says_so(
    camera_browser: Browser, server: Server
) -> None:
    port = urlsplit(server.base_url).port
    plain = f"http://{PLAIN_HOST}:{port}"
    context = camera_browser.new_context(locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(plain + "/login")
    _fill_sign_in(page, demo_login(server, "patient", "rosa"))
    assert page.evaluate("window.isSecureContext") is False
    _camera_step(page, server, plain)
    page.get_by_role("button", name="Turn on the camera").click()
    state = _wait_for(page, "document.querySelector('section.camera').dataset.state", 30)
    assert state == "refused-insecure"
    assert "secure (https) page" in page.locator(".camera-status").inner_text()
    context.close()


def test_the_feed_is_a_real_clip(tmp_path: Path) -> None:
    feed = write_y4m(tmp_path / "f.y4m", demo_video(), count=3)
    assert feed.read_bytes().startswith(b"YUV4MPEG2 W640 H360")
    assert feed.stat().st_size > 3 * 640 * 360
