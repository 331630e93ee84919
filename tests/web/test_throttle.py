"""Sign-in throttling (issue 14): growing delays instead of a lockout, device cookies for the
account's owner, attempts counted before the password check (parallel guesses get no more),
and the same for the current-password check of the password form."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from fastapi import FastAPI
from sqlalchemy.orm import Session

from dorsi.errors import AuthenticationError, DorsiError, RateLimitedError
from dorsi.services import auth
from dorsi.services.context import Ctx, run_unit
from dorsi.settings import Settings
from dorsi.store.db import Database
from tests.web.conftest import PASSWORD, Clinic, Clock, TestClient, csrf_from, page_login

T = TypeVar("T")
ATTACKER = ("203.0.113.66", 40000)  # a documentation address (RFC 5737)
FREE = 5  # the default login_max_failures_per_account
WRONG = "wrong-password"


def _guess(client: TestClient, username: str, password: str = WRONG) -> int:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    return int(response.status_code)


def test_delays_grow_after_the_free_attempts_and_are_capped(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    assert [_guess(client, "alice") for _ in range(FREE)] == [401] * FREE
    waits = []
    for _ in range(8):
        refused = client.post(
            "/api/v1/auth/token", data={"username": "alice", "password": "wrong-password"}
        )
        assert refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        assert f"wait {wait} seconds" in refused.json()["detail"]
        waits.append(wait)
        clock.advance(seconds=wait - 1)
        assert _guess(client, "alice") == 429  # not a second early
        clock.advance(seconds=1)
        assert _guess(client, "alice") == 401  # evaluated (and failed) once the wait is over
    assert waits[:6] == [30, 60, 120, 240, 480, 900]
    assert max(waits) == waits[-1] == 15 * 60  # capped at the sign-in window
    clock.advance(seconds=15 * 60)
    assert _guess(client, "alice", PASSWORD) == 200  # the real owner still gets in
    assert _guess(client, "alice") == 401  # and a success starts the count again


def test_guesses_from_elsewhere_do_not_keep_the_owner_out_of_a_known_device(
    app: FastAPI, client: TestClient, clinic: Clinic
) -> None:
    page_login(client, "alice")  # her own browser: it now holds a device cookie
    assert client.cookies.get("dorsi_device")
    client.cookies.delete("dorsi_session")
    with TestClient(app, raise_server_exceptions=False, client=ATTACKER) as attacker:
        statuses = [_guess(attacker, "alice") for _ in range(30)]
        assert statuses.count(401) == FREE
        assert set(statuses[FREE:]) == {429}
        assert _guess(attacker, "alice", PASSWORD) == 429  # the attacker's side stays shut
    assert page_login(client, "alice")  # her device is counted on its own
    assert _guess(client, "alice", PASSWORD) == 200  # the API too, with the cookie


def test_a_device_cookie_counts_only_for_its_own_user_and_cannot_be_forged(
    app: FastAPI, client: TestClient, clinic: Clinic
) -> None:
    page_login(client, "bob")
    bobs_device = client.cookies["dorsi_device"]
    with TestClient(app, raise_server_exceptions=False, client=ATTACKER) as attacker:
        for _ in range(FREE):
            _guess(attacker, "alice")
        for cookie in (bobs_device, "1.2.3", bobs_device[:-1] + "0", "x" * 200):
            attacker.cookies.set("dorsi_device", cookie)
            assert _guess(attacker, "alice", PASSWORD) == 429, cookie


def test_unknown_names_from_one_address_do_not_lock_out_a_clinician(
    app: FastAPI, client: TestClient, clinic: Clinic
) -> None:
    with TestClient(app, raise_server_exceptions=False, client=ATTACKER) as attacker:
        statuses = [_guess(attacker, f"nobody{i}") for i in range(40)]
        assert statuses.count(401) == 20  # the address's free attempts
        assert set(statuses[20:]) == {429}
    assert _guess(client, "alice", PASSWORD) == 200  # from her own address, at once


def test_the_login_page_answers_429_in_plain_words(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    for _ in range(FREE):
        _guess(client, "alice")
    form = client.get("/login")
    refused = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "30"
    assert "too many failed sign-ins; wait 30 seconds, then try again" in refused.text
    clock.advance(seconds=30)
    assert page_login(client, "alice")


def _change(client: TestClient, csrf: str, current: str, new: str) -> tuple[int, str, str]:
    response = client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new,
            "csrf_token": csrf,
        },
    )
    return response.status_code, response.headers.get("retry-after", ""), response.text


def test_the_current_password_check_is_throttled_too(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    csrf = page_login(client, "ann")
    new = "a quiet walk by the river"
    # a weak new password is refused before the current one is checked: it counts nothing
    for _ in range(FREE + 2):
        assert _change(client, csrf, PASSWORD, "letmein!")[0] == 422
    for _ in range(FREE):
        status, _, text = _change(client, csrf, "not-my-password", new)
        assert status == 422
        assert "is not your current password" in text
    status, retry, text = _change(client, csrf, PASSWORD, new)
    assert (status, retry) == (429, "30")
    assert "too many wrong current passwords" in text
    clock.advance(seconds=30)
    assert _change(client, csrf, PASSWORD, new)[0] == 200


# --- parallel guesses: real threads, real transactions, on SQLite and PostgreSQL -----------


def _in_parallel(count: int, work: Callable[[int], T]) -> list[T | Exception]:
    results: list[T | Exception] = [RuntimeError("not run")] * count
    start = threading.Barrier(count)

    def one(index: int) -> None:
        start.wait()
        try:
            results[index] = work(index)
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_parallel_guesses_get_no_more_than_the_allowed_checks(
    db: Database, settings: Settings, clinic: Clinic, clock: Clock
) -> None:
    """30 threads sign in at once, as the web app does (two units of work each)."""

    def make(session: Session) -> Ctx:
        return Ctx(db=session, now=clock(), settings=settings, secret=settings.secret())

    def guess(_index: int) -> str:
        attempt = run_unit(
            db,
            make,
            lambda ctx: auth.start_sign_in(ctx, username="alice", password=WRONG),
        )
        return run_unit(db, make, lambda ctx: auth.login_token(ctx, attempt, password=WRONG))

    results = _in_parallel(30, guess)
    checked = [r for r in results if isinstance(r, AuthenticationError)]
    refused = [r for r in results if isinstance(r, RateLimitedError)]
    others = [r for r in results if not isinstance(r, DorsiError)]
    assert others == []
    assert len(checked) == FREE
    assert len(refused) == 30 - FREE


def test_parallel_guesses_over_http_get_no_more_than_the_allowed_checks(
    client: TestClient, clinic: Clinic
) -> None:
    statuses = _in_parallel(30, lambda _i: _guess(client, "alice"))
    assert sorted(statuses) == [401] * FREE + [429] * (30 - FREE)  # type: ignore[type-var]
