"""The clinician's worklist: what needs them, across the patients they may see.

Items are derived from the record (:mod:`dorsi.services.worklist_items`), never stored, so
nothing can fall out of step; only acknowledgements are stored. Acknowledging a stop alert's
item (``program_paused``) is the stop alerts' own acknowledgement
(:func:`dorsi.services.stops.resolve`, the mechanism behind ``acknowledge-stops``);
acknowledging a message marks the thread read by the clinician; any other item gets a row in
``worklist_acknowledgements``. Every acknowledgement is audited (``alert.acknowledge``) and
every worklist read is a list entry naming the patients shown.

The patient's pages read the same items (:func:`patient_notices`): "your therapist was told
on ..., and read it on ...".
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field
from sqlalchemy import select

from dorsi.clinical.contract import Contract, Output
from dorsi.errors import ConflictError, InputError, NotFoundError
from dorsi.services import audit, messages, stops
from dorsi.services.context import Ctx
from dorsi.services.list_audit import note_list
from dorsi.services.patients import load_patient, require, require_actor
from dorsi.services.worklist_items import (
    Item,
    PatientRow,
    collect,
    label,
    ordered,
    parse_item_id,
)
from dorsi.store.models import Patient, PatientClinician, WorklistAcknowledgement

NOTE_MAX_CHARS = stops.NOTE_MAX_CHARS
#: The note kept with a stop acknowledgement made from the worklist without one (the stop
#: alerts' record always carries a note).
DEFAULT_STOP_NOTE = "Acknowledged from the worklist."
Severity = Literal["high", "medium", "low"]


class AcknowledgeIn(Contract):
    """An acknowledgement, with an optional note."""

    note: str | None = Field(default=None, max_length=NOTE_MAX_CHARS, pattern=r"^[^\x00]*$")


class WorklistItem(Output):
    """One item of the worklist (``id`` is stable: ``kind:patient_id:subject``)."""

    id: str
    patient_id: int
    patient_name: str
    kind: str
    label: str
    severity: Severity
    created_at: dt.datetime
    acknowledged: bool
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    note: str | None
    detail: str
    link: str


def _severity(rank: int) -> Severity:
    return "high" if rank <= 2 else "medium" if rank <= 5 else "low"


def _public(item: Item, name: str) -> WorklistItem:
    return WorklistItem(
        id=item.id,
        patient_id=item.patient_id,
        patient_name=name,
        kind=item.kind,
        label=label(item.kind),
        severity=_severity(item.rank),
        created_at=item.created_at,
        acknowledged=item.acknowledged,
        acknowledged_at=item.acknowledged_at,
        acknowledged_by=item.acknowledged_by,
        note=item.note,
        detail=item.detail,
        link=f"/clinic/patients/{item.patient_id}",
    )


def _assigned(ctx: Ctx) -> list[tuple[PatientRow, str]]:
    actor = require(ctx, "worklist.read")
    rows = ctx.db.execute(
        select(Patient.id, Patient.program_paused, Patient.created_at, Patient.display_name)
        .join(PatientClinician, PatientClinician.patient_id == Patient.id)
        .where(PatientClinician.clinician_id == actor.id)
        .order_by(Patient.id)
    )
    return [(PatientRow(pid, bool(paused), at), name) for pid, paused, at, name in rows]


def _current(ctx: Ctx, rows: list[PatientRow]) -> list[Item]:
    return collect(ctx.db, rows, now=ctx.now, no_checkin_days=ctx.settings.no_checkin_days)


def _shown(ctx: Ctx, items: list[Item]) -> list[Item]:
    """Open items, and those acknowledged within ``worklist_acknowledged_days``."""
    since = ctx.now - dt.timedelta(days=ctx.settings.worklist_acknowledged_days)
    return [i for i in items if i.acknowledged_at is None or i.acknowledged_at >= since]


def worklist(ctx: Ctx, *, kind: str | None = None) -> list[WorklistItem]:
    """The signed-in clinician's items: only patients assigned to them (the policy's
    ``patient.read``), open ones first, then the most urgent, then the newest."""
    patients = _assigned(ctx)
    names = {row.id: name for row, name in patients}
    items = ordered(_shown(ctx, _current(ctx, [row for row, _ in patients])))
    if kind is not None:
        items = [i for i in items if i.kind == kind]
    shown = sorted({i.patient_id for i in items})
    if shown:
        note_list(ctx, "worklist.read", shown)
    else:
        audit.note(ctx, "worklist.read", None, "no items")
    return [_public(i, names[i.patient_id]) for i in items]


def open_kinds(ctx: Ctx) -> dict[int, set[str]]:
    """The kinds of each patient's open items (the patient list's filters; the caller
    audited the list read)."""
    patients = _assigned(ctx)
    out: dict[int, set[str]] = {}
    for item in _current(ctx, [row for row, _ in patients]):
        if not item.acknowledged:
            out.setdefault(item.patient_id, set()).add(item.kind)
    return out


def acknowledge(ctx: Ctx, raw_item_id: str, data: AcknowledgeIn) -> WorklistItem:
    """Acknowledge one item (audited); 409 when it is not open on the worklist now."""
    parsed = parse_item_id(raw_item_id)
    if parsed is None:
        raise InputError(
            "must be an item id kind:patient_id:subject from GET /api/v1/worklist",
            field="item_id",
        )
    kind, patient_id, _subject = parsed
    if patient_id >= 2**31:  # no record has such an id (ids are 32-bit)
        raise NotFoundError("no such patient")
    patient = load_patient(ctx, patient_id, "alert.acknowledge", f"worklist {kind}")
    actor = require_actor(ctx)
    row = PatientRow(patient.id, patient.program_paused, patient.created_at)
    found = {i.id: i for i in _current(ctx, [row])}.get(raw_item_id)
    if found is None:
        raise ConflictError(
            "item_id: not on the worklist now (resolved, replaced by a newer item, or never "
            "raised); nothing to acknowledge"
        )
    if found.acknowledged:
        raise ConflictError(f"item_id: already acknowledged by {found.acknowledged_by or '?'}")
    note = (data.note or "").strip()
    ctx.audit[-1].detail = f"worklist {found.id}"[:300]
    if kind == "program_paused":
        stops.resolve(ctx, patient.id, note or DEFAULT_STOP_NOTE)
        ctx.audit[-1].detail = f"worklist {found.id}"[:300]
    else:
        if kind == "message":
            messages.mark_read_through(ctx, patient.id, int(_subject))
        ctx.db.add(
            WorklistAcknowledgement(
                patient_id=patient.id,
                item_id=found.id,
                kind=kind,
                note=note,
                created_at=ctx.now,
                created_by_id=actor.id,
            )
        )
    found.acknowledged_at, found.acknowledged_by, found.note = (
        ctx.now,
        actor.display_name,
        note or (DEFAULT_STOP_NOTE if kind == "program_paused" else None),
    )
    return _public(found, patient.display_name)


class PatientNotice(Output):
    """What the patient sees of one item: when their clinician was told, and read it."""

    kind: str
    told_at: dt.datetime
    read_at: dt.datetime | None


#: Kinds the patient is not told about here: a message has its own receipts; a missed
#: check-in or a due reassessment is the clinic's own scheduling.
NOT_FOR_PATIENT = frozenset({"message", "no_checkin", "reassessment_overdue"})


def patient_notices(ctx: Ctx, patient_id: int, *, paused_only: bool = False) -> list[PatientNotice]:
    """The items of one patient the patient sees, newest first (the caller read the record
    and audited it). ``paused_only``: only what pauses a program (cheap: no review)."""
    patient = ctx.db.get(Patient, patient_id)
    if patient is None:
        return []
    row = PatientRow(patient.id, patient.program_paused, patient.created_at)
    sources = ("stop", "urgent") if paused_only else ("stop", "urgent", "review")
    items = collect(
        ctx.db,
        [row],
        now=ctx.now,
        no_checkin_days=ctx.settings.no_checkin_days,
        sources=sources,
    )
    shown = [i for i in _shown(ctx, items) if i.kind not in NOT_FOR_PATIENT]
    shown.sort(key=lambda i: i.created_at, reverse=True)
    return [
        PatientNotice(kind=i.kind, told_at=i.created_at, read_at=i.acknowledged_at) for i in shown
    ]


__all__ = [
    "DEFAULT_STOP_NOTE",
    "NOT_FOR_PATIENT",
    "AcknowledgeIn",
    "PatientNotice",
    "WorklistItem",
    "acknowledge",
    "open_kinds",
    "patient_notices",
    "worklist",
]
