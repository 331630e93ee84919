"""The one authorization policy: who may do what to which patient's record.

- A patient sees only their own record: read it, log sessions and brace wear, run a
  screening on it, answer its questionnaires, upload and delete their walking videos, set
  their reminders and subscribe their own browsers to reminder notifications (only the
  patient: a notification belongs on the patient's device).
- A clinician sees the patients assigned to them: everything clinical (acknowledging a
  check-in's stop alerts, entering remote-monitoring minutes, setting goals and reminders
  included), plus creating the patient's login and signing that login out everywhere; any
  clinician may create a new patient (and is assigned to it). Each clinician has a worklist
  of their patients' items.
- The patient and every clinician with access share one message thread per patient.
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
    "goal.write",
    "questionnaire.submit",
    "alert.acknowledge",
    "brace.log",
    "rtm.minutes",
    "message.read",
    "message.send",
    "worklist.read",
    "reminders.write",
    "push.subscribe",
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
    # Set a goal (measure, target, date, or plain words); everyone who reads the record sees it.
    "goal.write": frozenset({"clinician"}),
    # Answer a questionnaire (LEFS, ABC): the patient on their phone, or in clinic with help.
    "questionnaire.submit": frozenset({"self", "clinician"}),
    # End every session and API token of the patient's login (a lost phone, a shared tablet).
    "patient.signout": frozenset({"clinician"}),
    "alert.acknowledge": frozenset({"clinician"}),
    # The brace (AFO) wear and skin check: the patient logs it, or a clinician for them.
    "brace.log": frozenset({"self", "clinician"}),
    # Minutes of remote-monitoring review and contact: the clinician's own time.
    "rtm.minutes": frozenset({"clinician"}),
    # The patient's one message thread: the patient and every clinician with access.
    "message.read": frozenset({"self", "clinician"}),
    "message.send": frozenset({"self", "clinician"}),
    # Exercise days, time, channels, the calendar link (docs/reminders.md).
    "reminders.write": frozenset({"self", "clinician"}),
    "push.subscribe": frozenset({"self"}),
}
# Actions not tied to one record, by role.
GLOBAL_ACTIONS: dict[Action, frozenset[str]] = {
    "patient.list": frozenset({"clinician", "patient"}),
    "patient.create": frozenset({"clinician"}),
    # The clinician's own worklist (its items are only of patients they may read).
    "worklist.read": frozenset({"clinician"}),
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
