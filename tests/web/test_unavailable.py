"""A database that is unreachable, or has no connection to spare, answers 503, never a 500.

PostgreSQL refuses connections past its limit (100 by default, for everything on the server),
and a process's pool makes a request wait at most ``pool_timeout``. Either way the request
stored nothing, and the client may send it again: 503 with ``Retry-After``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from dorsi.errors import UnavailableError, exit_code, http_status
from dorsi.settings import Settings
from dorsi.store.db import Database, make_engine
from dorsi.store.models import SessionCheckin
from dorsi.web.app import create_app
from tests.web.conftest import CHECKIN, Clinic, Clock, TestClient, token_for


def test_no_free_connection_is_a_503_with_retry_after_and_nothing_stored(
    db: Database, clinic: Clinic, clock: Clock, settings: Settings
) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    small = Database(make_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.2))
    app = create_app(settings, database=small, clock=clock, migrate=False)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            headers = token_for(client, "ann")
            path = f"/api/v1/patients/{clinic.patient_a}/sessions"
            held = small.engine.connect()  # the pool's only connection
            try:
                answer = client.post(path, headers=headers, json=CHECKIN)
            finally:
                held.close()
            assert answer.status_code == 503, answer.text
            assert answer.headers["Retry-After"].isdigit()
            assert "busy" in answer.json()["detail"]
            with db.transaction() as session:
                assert session.scalar(select(func.count()).select_from(SessionCheckin)) == 0
            # sent again once a connection is free, it is stored
            assert client.post(path, headers=headers, json=CHECKIN).status_code == 201
    finally:
        small.dispose()


def test_an_unreachable_database_is_unavailable() -> None:
    database = Database.from_url("postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    try:
        with (
            pytest.raises(UnavailableError, match="cannot be reached") as caught,
            database.transaction() as session,
        ):
            session.execute(text("SELECT 1"))
    finally:
        database.dispose()
    assert (http_status(caught.value), exit_code(caught.value)) == (503, 3)
