"""The patient app offline, in Chromium: installable (manifest, active service worker), the
network switched off in the middle of the guided session, the session finished and the
check-in made with no connection, Today reloaded from the phone's copy, and, back online, the
check-in stored exactly once (a re-send under the same key stores nothing). Sign-out leaves
nothing of the patient on the phone."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import func, select

from dorsi.services.idempotency import key_hash
from dorsi.store.db import Database
from dorsi.store.models import IdempotencyKey, SessionCheckin, User
from tests.browser.conftest import OpenTab, demo_login, sign_in
from tests.browser.pages import Tab
from tests.browser.server import Server

pytestmark = pytest.mark.browser

WAITING = "Saved on this phone; it will be sent when you are back online."
SENT = "Your check-in was sent."


@pytest.fixture
def database(server: Server) -> Iterator[Database]:
    """The served SQLite file, read beside the server (WAL)."""
    data_dir = Path(server.log_path).parent
    found = Database.from_url(f"sqlite:///{data_dir / 'dorsi.sqlite3'}")
    yield found
    found.engine.dispose()


def patient_of(database: Database, username: str) -> int:
    with database.transaction() as session:
        patient_id = session.scalars(select(User.patient_id).where(User.username == username)).one()
    assert patient_id is not None
    return patient_id


def checkins(database: Database, patient_id: int) -> int:
    with database.transaction() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(SessionCheckin)
                .where(SessionCheckin.patient_id == patient_id)
            )
            or 0
        )


def stored_under(database: Database, key: str) -> list[date]:
    """The day of each check-in stored under the idempotency ``key``."""
    with database.transaction() as session:
        return list(
            session.scalars(
                select(SessionCheckin.session_date)
                .join(IdempotencyKey, IdempotencyKey.checkin_id == SessionCheckin.id)
                .where(IdempotencyKey.key_hash == key_hash(key))
            )
        )


WAITING_ITEMS = "() => DorsiStore.waiting(document.body.dataset.user)"
NETWORK = "() => fetch('/healthz', {cache: 'no-store'}).then(() => 'online', () => 'offline')"


def worker_is_offline(tab: Tab) -> None:
    """Wake the service worker and see the network off from inside it too.

    Chromium stops an idle worker after 30 s and starts it again for the next request;
    Playwright applies the offline switch to a restarted worker a moment after it runs, so a
    request it handles at once could still reach the network. Each offline step therefore
    wakes the worker first (a file it serves from its own cache) and waits until its own
    ``fetch`` fails, then acts at once.
    """
    page = tab.page
    assert page.evaluate("() => fetch('/static/dorsi.css').then(r => r.ok)")
    for _ in range(50):
        states = []
        for worker in tab.context.service_workers:
            with contextlib.suppress(PlaywrightError):  # a stopped worker's handle
                states.append(worker.evaluate(NETWORK))
        if states and set(states) == {"offline"}:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the service worker still reaches the network: {states}")


def test_offline_session_and_checkin_are_sent_once(
    open_tab: OpenTab, server: Server, database: Database
) -> None:
    login = demo_login(server, "patient", "omar")
    patient_id = patient_of(database, login.username)
    tab = open_tab("phone")
    page = tab.page
    sign_in(tab, login, expect_path="/me")
    tab.check("today")

    # Installable: the manifest is fetched and the service worker controls the page.
    manifest = page.evaluate(
        "() => fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["start_url"] == "/me"
    assert manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    # `ready` gives the active worker, which may still be activating: wait for its state.
    state = page.evaluate(
        """() => navigator.serviceWorker.ready.then(r => r.active.state === 'activated'
            ? 'activated'
            : new Promise(done => r.active.addEventListener('statechange', e => {
                if (e.target.state === 'activated') done(e.target.state);
              })))"""
    )
    assert state == "activated"
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    page.wait_for_function("() => document.documentElement.dataset.offlineReady === 'yes'")
    count = page.locator("article.exercise-card").count()
    assert count >= 2, "Omar's demo program has exercises to step through"
    before = checkins(database, patient_id)

    # The session starts online; the network goes away at the first exercise.
    page.get_by_role("link", name="Start my session").click()
    page.wait_for_url("**/me/session")
    tab.check("step1-online")
    tab.context.set_offline(True)
    for step in range(count):
        if step > 0:
            page.wait_for_url(f"**/me/session?step={step}")
            tab.check(f"step{step + 1}-offline")
        expect(page.locator("main")).to_contain_text(f"Exercise {step + 1} of {count}")
        picture = page.locator("main img")
        expect(picture).to_have_js_property("complete", True)
        assert picture.evaluate("img => img.naturalWidth") > 0, "the picture shows offline"
        page.locator(".trainer button[data-action]").first.click()  # the counter still works
        label = "Next exercise" if step + 1 < count else "Finish and check in"
        worker_is_offline(tab)
        page.get_by_role("link", name=label).click()
    page.wait_for_url(f"**/me/session?step={count}")
    tab.check("checkin-form-offline")
    page.locator("input[name=completed][value=yes]").check()
    page.get_by_label("How many sets did you do in all?").fill("5")
    page.get_by_label(re.compile("^Pain right now")).fill("2")
    page.locator("input[name=difficulty][value=ok]").check()
    page.locator("input[name=weakness_worse][value=no]").check()
    page.locator("input[name=balance_worse][value=no]").check()
    worker_is_offline(tab)
    page.get_by_role("button", name="Send").click()

    # Kept on the phone, and Today (the phone's copy) says so.
    page.wait_for_url("**/me")
    status = page.get_by_role("status")
    expect(status).to_have_text(WAITING)
    tab.check("today-offline-waiting")
    waiting = page.evaluate(WAITING_ITEMS)
    assert len(waiting) == 1
    key = waiting[0]["key"]
    fields = waiting[0]["fields"]
    assert fields["pain_nrs"] == "2"
    # Kept on the phone under its key. Chromium can apply the offline switch to the service
    # worker a moment late, so the send may have reached the server with its answer lost (seen
    # once in CI: stored, and kept as waiting): the phone cannot tell the two apart, and the
    # resend under the same key below must then store nothing more. Never two.
    assert checkins(database, patient_id) in (before, before + 1)

    worker_is_offline(tab)
    page.reload()  # offline: served from the phone's copy
    tab.check("today-offline-reloaded")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    expect(page.get_by_role("status")).to_have_text(WAITING)

    # Back online: sent once, and the page says so.
    tab.context.set_offline(False)
    expect(page.get_by_role("status")).to_have_text(SENT)
    assert page.evaluate(WAITING_ITEMS) == []
    assert checkins(database, patient_id) == before + 1
    assert stored_under(database, key) == [datetime.now(UTC).date()]

    # The same check-in sent again under its key (a lost answer) is not stored twice.
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    again = tab.context.request.post(server.url("/me/session"), form={**fields, "csrf_token": csrf})
    assert again.status == 200
    assert "Thank you" in again.text()
    assert checkins(database, patient_id) == before + 1
    assert len(stored_under(database, key)) == 1

    page.reload()
    tab.check("today-online-after")
    expect(page.locator("#offline-status")).to_be_hidden()

    # Signing out leaves nothing of the patient on the phone.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    tab.check("signed-out")
    left = page.evaluate(
        """async () => ({
          caches: await caches.keys(),
          workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )
    assert left == {"caches": [], "workers": 0}
    names = page.evaluate("() => indexedDB.databases().then(found => found.map(d => d.name))")
    assert "dorsi-offline" not in names


def test_a_push_reminder_shows_a_notification(open_tab: OpenTab, server: Server) -> None:
    """The worker's side of Web Push: a pushed payload (delivered here through the DevTools
    protocol, as the push service would) becomes a notification with its title and body."""
    tab = open_tab("phone")
    page = tab.page
    tab.context.grant_permissions(["notifications"], origin=server.base_url)
    sign_in(tab, demo_login(server, "patient", "rosa"), expect_path="/me")
    tab.check("today")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    cdp = tab.context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"] for r in event["registrations"] if not r["isDeleted"]
        ),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):  # the registration event arrives shortly after
        if registrations:
            break
        page.wait_for_timeout(100)
    assert registrations, "the service worker is registered"
    reminder = {"title": "Time for your exercises", "body": "Five exercises, about 20 minutes."}
    payload = json.dumps(reminder)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.base_url, "registrationId": registrations[-1], "data": payload},
    )
    # (wait_for_function would take the returned promise itself as truthy: poll the count)
    count_js = "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length"
    for _ in range(100):
        if page.evaluate(count_js) >= 1:
            break
        page.wait_for_timeout(100)
    shown = page.evaluate(
        """async () => {
          const found = await (await navigator.serviceWorker.ready).getNotifications();
          return found.map(n => ({title: n.title, body: n.body, url: n.data.url}));
        }"""
    )
    assert shown == [{**reminder, "url": "/me"}]
