"""Several ``dorsi serve`` processes share one PostgreSQL database (issue 6, "Growing past one
machine"): nothing another process needs lives in one process's memory.

Two real app processes are started at the same moment on an empty database (both apply the
migrations at start-up), then:

- a browser session made on one is used on the other, and signing out on the other ends it
  on both;
- an API token from one works on the other;
- failed sign-ins are counted across both: five wrong passwords spread over the two processes
  block the account on either (429), exactly as one process does.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.browser.server import fill_demo
from tests.queue.cluster import app_processes, postgres_backend

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in(base_url: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=60)
    token = CSRF.search(client.get("/login").text)
    assert token is not None
    answer = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token[1]}
    )
    assert answer.status_code == 303, answer.text
    return client


def test_two_app_processes_share_sessions_tokens_and_throttling(tmp_path: Path) -> None:
    with postgres_backend(tmp_path) as db, app_processes(db, 2) as (one, two):
        logins = fill_demo(db.env())
        rosa = logins["rosa"]

        # A session made on one process is used, and ended, on the other.
        on_one = sign_in(one.base_url, rosa.username, rosa.password)
        cookies = dict(on_one.cookies)
        with httpx.Client(base_url=two.base_url, cookies=cookies, timeout=60) as on_two:
            today = on_two.get("/me")
            assert today.status_code == 200
            assert "Rosa" in today.text
            csrf = CSRF.search(today.text)
            assert csrf is not None
            out = on_two.post("/logout", data={"csrf_token": csrf[1]})
            assert out.status_code == 303
        after = on_one.get("/me")
        assert after.status_code in (303, 401)  # signed out everywhere
        on_one.close()

        # An API token from one process works on the other.
        token = httpx.post(
            one.base_url + "/api/v1/auth/token",
            data={"username": rosa.username, "password": rosa.password},
            timeout=60,
        )
        assert token.status_code == 200
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        own = httpx.get(two.base_url + "/api/v1/patients", headers=bearer, timeout=60)
        assert own.status_code == 200
        assert [p["display_name"] for p in own.json()] == ["Rosa Demo"]

        # Failed sign-ins are counted in the database, across both processes.
        omar = logins["omar"]
        statuses = []
        for attempt in range(5):
            server = (one, two)[attempt % 2]
            wrong = httpx.post(
                server.base_url + "/api/v1/auth/token",
                data={"username": omar.username, "password": "wrong-password"},
                timeout=60,
            )
            statuses.append(wrong.status_code)
        assert statuses == [401] * 5
        for server in (one, two):
            blocked = httpx.post(
                server.base_url + "/api/v1/auth/token",
                data={"username": omar.username, "password": omar.password},
                timeout=60,
            )
            assert blocked.status_code == 429, blocked.text
            assert "retry-after" in blocked.headers
        for server in (one, two):
            assert "Traceback" not in server.output()
