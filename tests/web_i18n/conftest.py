"""Fixtures: the web app on each database (shared with tests/web), plus a patient with a program."""

from __future__ import annotations

import pytest

from tests.web.conftest import (
    PLAN,
    Clinic,
    TestClient,
    app,
    client,
    clinic,
    clock,
    settings,
    token_for,
)

__all__ = ["app", "client", "clinic", "clock", "settings"]


@pytest.fixture
def with_program(client: TestClient, clinic: Clinic) -> Clinic:
    """Patient A (peroneal) has an evaluation and an assigned program."""
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    program = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    assigned = client.put(
        f"{url}/program", headers=headers, json={"exercises": program["exercises"]}
    )
    assert assigned.status_code == 200, assigned.text
    return clinic
