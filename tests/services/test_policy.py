"""The authorization policy, pinned by a hand-written table (the access matrix test checks
that every route follows the policy; this checks the policy itself)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dorsi.services.context import Actor
from dorsi.services.policy import ACTIONS, PATIENT_ACTIONS, Action, PatientRef, can

ALICE = Actor(1, "alice", "clinician", "Alice")  # assigned to patient 10
BOB = Actor(2, "bob", "clinician", "Bob")  # not assigned
ADMIN = Actor(3, "root", "admin", "Root")
ANN = Actor(4, "ann", "patient", "Ann", patient_id=10)
BEN = Actor(5, "ben", "patient", "Ben", patient_id=11)
PATIENT = PatientRef(10, frozenset({1}))

# action -> who may do it to patient 10 (besides nobody else)
EXPECTED: dict[str, set[str]] = {
    "patient.read": {"alice", "ann"},
    "patient.screen": {"alice", "ann"},
    "session.log": {"alice", "ann"},
    "gait.upload": {"alice", "ann"},
    "gait.delete": {"alice", "ann"},
    "patient.evaluate": {"alice"},
    "program.write": {"alice"},
    "patient.login": {"alice"},
    "patient.signout": {"alice"},
    "alert.acknowledge": {"alice"},
    "goal.write": {"alice"},
    "questionnaire.submit": {"alice", "ann"},
    "brace.log": {"alice", "ann"},
    "rtm.minutes": {"alice"},
    "reminders.write": {"alice", "ann"},
    "push.subscribe": {"ann"},
    "message.read": {"alice", "ann"},
    "message.send": {"alice", "ann"},
    "worklist.read": {"alice", "bob"},
    "patient.list": {"alice", "bob", "ann", "ben"},
    "patient.create": {"alice", "bob"},
    "user.manage": {"root"},
}


def test_the_table_covers_every_action() -> None:
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("actor", [ALICE, BOB, ADMIN, ANN, BEN, None])
def test_policy_table(action: Action, actor: Actor | None) -> None:
    target = PATIENT if action in PATIENT_ACTIONS else None
    allowed = actor is not None and actor.username in EXPECTED[action]
    assert can(actor, action, target) is allowed


def test_record_actions_need_a_record() -> None:
    assert can(ALICE, "patient.read", None) is False


@given(
    role=st.sampled_from(["clinician", "patient", "admin"]),
    user_id=st.integers(1, 50),
    own=st.one_of(st.none(), st.integers(1, 50)),
    patient_id=st.integers(1, 50),
    clinicians=st.frozensets(st.integers(1, 50), max_size=4),
    action=st.sampled_from(sorted(PATIENT_ACTIONS)),
)
def test_nobody_acts_on_a_record_they_cannot_read(
    role: str,
    user_id: int,
    own: int | None,
    patient_id: int,
    clinicians: frozenset[int],
    action: Action,
) -> None:
    actor = Actor(user_id, "u", role, "U", patient_id=own if role == "patient" else None)
    record = PatientRef(patient_id, clinicians)
    if can(actor, action, record):
        assert can(actor, "patient.read", record)
        assert role != "admin"
        if role == "patient":
            assert own == patient_id
        else:
            assert user_id in clinicians
