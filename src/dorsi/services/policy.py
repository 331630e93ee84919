"""The one authorization policy: who may do what to which patient's record.

- A patient sees only their own record: read it, log sessions, run a screening on it, upload
  and delete their walking videos.
- A clinician sees the patients assigned to them: everything clinical (acknowledging a
  check-in's stop alerts included), plus creating the patient's login and signing that login
  out everywhere; any clinician may create a new patient (and is assigned to it).
- An admin manages users (which includes signing any user out everywhere). Admins have no
  access to clinical records.
- Anonymous callers may do nothing here (public pages do not go through the policy).

When a caller may not even read a record, services answer "not found" rather than
"forbidden", so record ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from dorsi.services.context import Actor

Action = Literal[
    "patient.list",
    "patient.create",
    "patient.read",
    "patient.screen",
    "patient.evaluate",
    "program.write",
    "session.log",
    "gait.upload",
    "gait.delete",
    "patient.login",
    "patient.signout",
    "alert.acknowledge",
    "user.manage",
]
ACTIONS: tuple[Action, ...] = get_args(Action)

# Actions on one patient's record, and who besides the assigned clinicians may do them.
PATIENT_ACTIONS: dict[Action, frozenset[str]] = {
    "patient.read": frozenset({"self", "clinician"}),
    "patient.screen": frozenset({"self", "clinician"}),
    "session.log": frozenset({"self", "clinician"}),
    "gait.upload": frozenset({"self", "clinician"}),
    "gait.delete": frozenset({"self", "clinician"}),
    "patient.evaluate": frozenset({"clinician"}),
    "program.write": frozenset({"clinician"}),
    "patient.login": frozenset({"clinician"}),
    # End every session and API token of the patient's login (a lost phone, a shared tablet).
    "patient.signout": frozenset({"clinician"}),
    "alert.acknowledge": frozenset({"clinician"}),
}
# Actions not tied to one record, by role.
GLOBAL_ACTIONS: dict[Action, frozenset[str]] = {
    "patient.list": frozenset({"clinician", "patient"}),
    "patient.create": frozenset({"clinician"}),
    "user.manage": frozenset({"admin"}),
}


@dataclass(frozen=True)
class PatientRef:
    """What the policy needs to know about a patient record."""

    id: int
    clinician_ids: frozenset[int]


def can(user: Actor | None, action: Action, patient: PatientRef | None = None) -> bool:
    """True when ``user`` may do ``action`` (to ``patient``, for record actions)."""
    if user is None:
        return False
    if action in GLOBAL_ACTIONS:
        return user.role in GLOBAL_ACTIONS[action]
    if patient is None:
        return False
    allowed = PATIENT_ACTIONS[action]
    if user.role == "patient":
        return "self" in allowed and user.patient_id == patient.id
    if user.role == "clinician":
        return "clinician" in allowed and user.id in patient.clinician_ids
    return False


__all__ = ["ACTIONS", "Action", "PatientRef", "can"]
