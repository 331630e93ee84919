"""What needs the clinician, derived from the stored record (no item is stored).

Each source below reads a set of patients in a few set-based queries and gives the items it
finds, each with a stable id ``kind:patient_id:subject`` (:func:`item_id`). Nothing is copied
from the clinical rules: review alerts are the clinic-wide review's own
(:mod:`dorsi.services.review`), stop alerts and their resolution are
:mod:`dorsi.services.stops`', triage levels are the stored screening's.

- ``program_paused``: an active stop alert (a check-in with weakness or balance worse); the
  subject is the newest stop day. Acknowledged exactly as ``acknowledge-stops`` does.
- ``urgent_check``: a signed-in patient's own "Is this urgent?" check (a screening by the
  patient) at ``emergency``, ``urgent`` or ``see_clinician``, newer than the newest clinician
  screening; the subject is the screening's id.
- review alerts (``worsening`` per worse measure, ``plateau``, ``pain_rising``, and any other
  kind the review raises that is not in :data:`NOT_LISTED`, e.g. ``skin_problem``): the
  subject is the measure or ``all``. An acknowledgement holds until newer data arrive
  (a measurement or check-in stored after it), like a stop alert's. ``skin_problem`` is
  per brace-log entry: its subject is the id of the newest brace log with a skin problem,
  so acknowledging it holds until the patient logs another problem (a check-in, a
  measurement or a brace log without a problem does not reopen it).
- ``reassessment_overdue``: the latest evaluation's day + the program's ``review_in_days``
  has passed; the subject is the evaluation's id.
- ``no_checkin``: an active (assigned, not paused) program and no check-in for
  ``Settings.no_checkin_days``; the subject is the last check-in's day (or ``start``).
- ``message``: the newest message the patient wrote that no clinician has read; the subject
  is its id. Reading the thread (or acknowledging the item) acknowledges it.
- ``checkin_note``: the newest check-in that carries a note ("brace rubbing on my shin, red
  mark"); the subject is the check-in's id, so a later note is a new item. The note itself is
  the detail: what a patient writes is read by a person, not guessed at by keywords.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dorsi.services import alert_words
from dorsi.services.review import review_patients
from dorsi.services.stop_days import IS_STOP, resolved_through
from dorsi.store.models import (
    BraceLog,
    Evaluation,
    Measurement,
    Message,
    MessageRead,
    Program,
    Screening,
    SessionCheckin,
    StopAcknowledgement,
    User,
    WorklistAcknowledgement,
)


@dataclass(frozen=True)
class Kind:
    """How urgent a kind is (lower first) and what the clinician calls it."""

    rank: int
    label: str


#: The worklist's kinds, most urgent first. A review alert kind not named here is still
#: listed (rank :data:`UNKNOWN_RANK`, its own name as label) unless it is in NOT_LISTED.
KINDS: dict[str, Kind] = {
    "urgent_check": Kind(0, "Urgent self-check"),
    "program_paused": Kind(1, "Program paused (stop rule)"),
    "skin_problem": Kind(2, "Skin problem reported"),
    "worsening": Kind(3, "Worsening"),
    "pain_rising": Kind(4, "Pain rising"),
    "message": Kind(5, "Message from the patient"),
    "checkin_note": Kind(5, "Note with a check-in"),
    "plateau": Kind(6, "Plateau"),
    "reassessment_overdue": Kind(7, "Reassessment overdue"),
    "no_checkin": Kind(8, "No check-in"),
}
UNKNOWN_RANK = 5
#: Review alerts that are not worklist items: the stop alert is ``program_paused``, the
#: review's ``reassessment_due`` is the scheduled ``reassessment_overdue``; the others are
#: advice the clinician sees on the patient page.
NOT_LISTED = frozenset(
    {"stop_program", "reassessment_due", "ready_to_progress", "regress", "low_adherence"}
)
#: Triage levels of a patient's own check that reach the worklist, with the rank they get.
URGENT_LEVELS = {"emergency": 0, "urgent": 0, "see_clinician": 2}

#: an item id: kind, patient id, subject (the API's path parameter declares it too)
ITEM_ID_PATTERN = r"^([a-z][a-z_]{0,31}):([1-9][0-9]{0,9}):([A-Za-z0-9_.-]{1,64})$"
_ID = re.compile(ITEM_ID_PATTERN)


def item_id(kind: str, patient_id: int, subject: str) -> str:
    return f"{kind}:{patient_id}:{subject}"


def parse_item_id(value: str) -> tuple[str, int, str] | None:
    """(kind, patient id, subject) of a well-formed item id, else None."""
    match = _ID.match(value)
    if match is None:
        return None
    return match.group(1), int(match.group(2)), match.group(3)


def label(kind: str) -> str:
    known = KINDS.get(kind)
    return known.label if known else kind.replace("_", " ").capitalize()


@dataclass
class Item:
    """One thing that needs the clinician."""

    id: str
    patient_id: int
    kind: str
    rank: int
    created_at: dt.datetime
    detail: str
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None
    note: str | None = None
    #: extra facts for the patient's pages (e.g. the triage level)
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @classmethod
    def of(
        cls,
        kind: str,
        patient_id: int,
        subject: str,
        created_at: dt.datetime,
        detail: str,
        *,
        rank: int | None = None,
        facts: dict[str, str] | None = None,
    ) -> Item:
        """An open item with its stable id; its rank is the kind's unless given."""
        known = KINDS.get(kind)
        return cls(
            id=item_id(kind, patient_id, subject),
            patient_id=patient_id,
            kind=kind,
            rank=rank if rank is not None else known.rank if known else UNKNOWN_RANK,
            created_at=created_at,
            detail=detail,
            facts=facts or {},
        )


@dataclass(frozen=True)
class PatientRow:
    id: int
    program_paused: bool
    created_at: dt.datetime


def _pairs(rows: Iterable[Any]) -> dict[Any, Any]:
    """The (key, value) rows of a two-column query as a dict."""
    return {key: value for key, value in rows}


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


# --- acknowledgements kept in worklist_acknowledgements ----------------------------------


@dataclass(frozen=True)
class Ack:
    at: dt.datetime
    by: str | None
    note: str


def _acks(db: Session, ids: list[int]) -> dict[str, Ack]:
    """The newest acknowledgement of each item id of these patients."""
    rows = db.execute(
        select(
            WorklistAcknowledgement.item_id,
            WorklistAcknowledgement.created_at,
            User.display_name,
            WorklistAcknowledgement.note,
        )
        .outerjoin(User, User.id == WorklistAcknowledgement.created_by_id)
        .where(WorklistAcknowledgement.patient_id.in_(ids))
        .order_by(WorklistAcknowledgement.created_at, WorklistAcknowledgement.id)
    )
    return {iid: Ack(at, by, note) for iid, at, by, note in rows}


def _apply(item: Item, ack: Ack | None, since: dt.datetime | None = None) -> Item:
    """Mark ``item`` acknowledged by ``ack`` (when it came after ``since``, if given)."""
    if ack is not None and (since is None or ack.at >= since):
        item.acknowledged_at, item.acknowledged_by, item.note = ack.at, ack.by, ack.note or None
    return item


# --- the sources ---------------------------------------------------------------------------


def stop_items(db: Session, ids: list[int]) -> list[Item]:
    """``program_paused``: the newest stop check-in of each patient, active or resolved."""
    rows = db.execute(
        select(
            SessionCheckin.patient_id,
            func.max(SessionCheckin.session_date),
            func.max(SessionCheckin.created_at),
        )
        .where(SessionCheckin.patient_id.in_(ids), IS_STOP)
        .group_by(SessionCheckin.patient_id)
    ).all()
    if not rows:
        return []
    resolved = resolved_through(db, [pid for pid, _, _ in rows])
    acks = {
        pid: Ack(at, by, note)
        for pid, at, by, note in db.execute(
            select(
                StopAcknowledgement.patient_id,
                StopAcknowledgement.created_at,
                User.display_name,
                StopAcknowledgement.note,
            )
            .outerjoin(User, User.id == StopAcknowledgement.created_by_id)
            .where(StopAcknowledgement.patient_id.in_([pid for pid, _, _ in rows]))
            .order_by(StopAcknowledgement.through_date, StopAcknowledgement.id)
        )
    }
    out = []
    for pid, day, stored_at in rows:
        item = Item.of(
            "program_paused",
            pid,
            day.isoformat(),
            stored_at,
            (
                f"Stop rule at the check-in of {day.isoformat()} (weakness or balance worse); "
                "home program paused. Contact the patient; re-screen for a new or progressive "
                "neurological deficit before restarting."
            ),
        )
        through = resolved.get(pid)
        if through is not None and day <= through:
            # resolved: by an acknowledgement, or by a clinician's screening that was safe
            ack = acks.get(pid)
            item.acknowledged_at = ack.at if ack else stored_at
            item.acknowledged_by = ack.by if ack else None
            item.note = ack.note if ack else "A screening found it safe to go on."
        out.append(item)
    return out


def urgent_items(db: Session, ids: list[int], acks: dict[str, Ack]) -> list[Item]:
    """``urgent_check``: patients' own checks at a worrying level, after the newest
    clinician screening."""
    last_clinician = _pairs(
        db.execute(
            select(Screening.patient_id, func.max(Screening.created_at))
            .where(Screening.patient_id.in_(ids), Screening.created_by_role == "clinician")
            .group_by(Screening.patient_id)
        )
    )
    rows = db.execute(
        select(Screening.id, Screening.patient_id, Screening.level, Screening.created_at).where(
            Screening.patient_id.in_(ids),
            Screening.created_by_role == "patient",
            Screening.level.in_(tuple(URGENT_LEVELS)),
        )
    )
    out = []
    for sid, pid, level, at in rows:
        cleared = last_clinician.get(pid)
        if cleared is not None and cleared >= at:
            continue
        item = Item.of(
            "urgent_check",
            pid,
            str(sid),
            at,
            (
                f"Patient's own red-flag self-check on {at.date().isoformat()}: triage level "
                f"{level.replace('_', ' ')}. Review the answers and contact the patient."
            ),
            rank=URGENT_LEVELS[level],
            facts={"level": level},
        )
        out.append(_apply(item, acks.get(item.id)))
    return out


def _newest_data(db: Session, ids: list[int]) -> tuple[dict[tuple[int, str], dt.datetime], ...]:
    """When each patient's newest measurement (per measure and overall) and check-in were
    stored: a review alert's acknowledgement holds until newer data arrive."""
    per_measure: dict[tuple[int, str], dt.datetime] = {}
    overall: dict[tuple[int, str], dt.datetime] = {}
    for pid, mid, at in db.execute(
        select(Measurement.patient_id, Measurement.measure_id, func.max(Measurement.created_at))
        .where(Measurement.patient_id.in_(ids))
        .group_by(Measurement.patient_id, Measurement.measure_id)
    ):
        per_measure[(pid, mid)] = at
        key = (pid, "measurement")
        overall[key] = max(at, overall.get(key, at))
    for pid, at in db.execute(
        select(SessionCheckin.patient_id, func.max(SessionCheckin.created_at))
        .where(SessionCheckin.patient_id.in_(ids))
        .group_by(SessionCheckin.patient_id)
    ):
        overall[(pid, "checkin")] = at
    return per_measure, overall


def _newest_skin_problems(db: Session, ids: list[int]) -> dict[int, tuple[int, dt.datetime]]:
    """(id, stored at) of each patient's newest brace log with a skin problem (by its day,
    then the order it was stored)."""
    out: dict[int, tuple[int, dt.datetime]] = {}
    for pid, log_id, at in db.execute(
        select(BraceLog.patient_id, BraceLog.id, BraceLog.created_at)
        .where(BraceLog.patient_id.in_(ids), BraceLog.skin_problem.is_(True))
        .order_by(BraceLog.patient_id, BraceLog.log_date, BraceLog.id)
    ):
        out[pid] = (log_id, at)
    return out


def review_items(
    db: Session, patients: Sequence[PatientRow], acks: dict[str, Ack], today: dt.date
) -> list[Item]:
    """Alerts of the clinic-wide review that need the clinician (by kind, see NOT_LISTED)."""
    ids = [p.id for p in patients]
    per_measure, overall = _newest_data(db, ids)
    skin = _newest_skin_problems(db, ids)
    created = {p.id: p.created_at for p in patients}
    out: list[Item] = []
    for reviewed in review_patients(db, [(p.id, p.program_paused) for p in patients], today=today):
        pid, progress = reviewed.patient_id, reviewed.progress
        seen: set[str] = set()
        for alert in progress.alerts:
            kind = str(alert.kind)
            if kind in NOT_LISTED:
                continue
            checkin_at = overall.get((pid, "checkin"))
            measured_at = overall.get((pid, "measurement"))
            subjects: list[tuple[str, str, dt.datetime | None]] = []
            if kind == "worsening":
                subjects = [
                    (m, alert_words.measure_statement(progress, m), per_measure.get((pid, m)))
                    for m in alert_words.worse_measures(progress)
                ]
            if kind == "skin_problem" and pid in skin:
                log_id, logged_at = skin[pid]
                subjects = [(str(log_id), alert_words.clinical_text(alert, progress), logged_at)]
            if not subjects:
                since = {"plateau": measured_at, "pain_rising": checkin_at}.get(
                    kind, max((t for t in (checkin_at, measured_at) if t), default=None)
                )
                subjects = [("all", alert_words.clinical_text(alert, progress), since)]
            for subject, detail, since in subjects:
                iid = item_id(kind, pid, subject)
                if iid in seen:
                    continue
                seen.add(iid)
                item = Item.of(kind, pid, subject, since or created[pid], detail)
                out.append(_apply(item, acks.get(iid), since))
    return out


def _review_days(db: Session, ids: list[int]) -> dict[int, int]:
    """``review_in_days`` of each patient's current program (else its newest version)."""
    out: dict[int, int] = {}
    rows = db.execute(
        select(Program.patient_id, Program.assigned, Program.version, Program.plan_json)
        .where(Program.patient_id.in_(ids))
        .order_by(Program.patient_id, Program.assigned, Program.version)
    )
    for pid, _assigned, _version, plan in rows:  # the last row per patient wins
        days = (plan or {}).get("review_in_days")
        if isinstance(days, int) and not isinstance(days, bool):
            out[pid] = days
    return out


def reassessment_items(
    db: Session, ids: list[int], acks: dict[str, Ack], today: dt.date
) -> list[Item]:
    """``reassessment_overdue``: the latest evaluation + the plan's review interval passed."""
    newest = (
        select(func.max(Evaluation.id).label("last_id"))
        .where(Evaluation.patient_id.in_(ids))
        .group_by(Evaluation.patient_id)
        .subquery()
    )
    evaluations = db.execute(
        select(Evaluation.id, Evaluation.patient_id, Evaluation.evaluated_on).join(
            newest, Evaluation.id == newest.c.last_id
        )
    ).all()
    interval = _review_days(db, ids)
    out = []
    for eid, pid, day in evaluations:
        days = interval.get(pid)
        if days is None:
            continue
        due = day + dt.timedelta(days=days)
        if due >= today:
            continue
        item = Item.of(
            "reassessment_overdue",
            pid,
            str(eid),
            _midnight(due),
            (
                f"Reassessment due {due.isoformat()} (evaluation of {day.isoformat()} + "
                f"{days} days): {(today - due).days} days overdue."
            ),
            facts={"due": due.isoformat()},
        )
        out.append(_apply(item, acks.get(item.id)))
    return out


def no_checkin_items(
    db: Session,
    patients: Sequence[PatientRow],
    acks: dict[str, Ack],
    today: dt.date,
    days: int,
) -> list[Item]:
    """``no_checkin``: an active program and no check-in for ``days`` days."""
    active = [p.id for p in patients if not p.program_paused]
    if not active:
        return []
    starts = _pairs(
        db.execute(
            select(Program.patient_id, func.min(Program.assigned_at))
            .where(Program.patient_id.in_(active), Program.assigned.is_(True))
            .group_by(Program.patient_id)
        )
    )
    last = _pairs(
        db.execute(
            select(SessionCheckin.patient_id, func.max(SessionCheckin.session_date))
            .where(SessionCheckin.patient_id.in_(active))
            .group_by(SessionCheckin.patient_id)
        )
    )
    out = []
    for pid, started in starts.items():
        if started is None:
            continue
        since_day = last.get(pid)
        since = since_day if since_day is not None else started.date()
        quiet = (today - since).days
        if quiet < days:
            continue
        subject = since_day.isoformat() if since_day is not None else "start"
        what = f"last check-in {since.isoformat()}" if since_day else f"program started {since}"
        item = Item.of(
            "no_checkin",
            pid,
            subject,
            _midnight(since + dt.timedelta(days=days)),
            (
                f"No check-in for {quiet} days ({what}); the threshold is {days} days "
                "(a clinician-set default)."
            ),
        )
        out.append(_apply(item, acks.get(item.id)))
    return out


def message_items(db: Session, ids: list[int]) -> list[Item]:
    """``message``: the newest patient message of each thread; acknowledged once a clinician
    read it (the first clinician's receipt)."""
    newest = (
        select(func.max(Message.id).label("last_id"))
        .where(Message.patient_id.in_(ids), Message.author_role == "patient")
        .group_by(Message.patient_id)
        .subquery()
    )
    rows = db.execute(
        select(Message.id, Message.patient_id, Message.created_at).join(
            newest, Message.id == newest.c.last_id
        )
    ).all()
    if not rows:
        return []
    unread = _pairs(
        db.execute(
            select(Message.patient_id, func.count(Message.id))
            .where(
                Message.patient_id.in_(ids),
                Message.author_role == "patient",
                ~select(MessageRead.message_id)
                .join(User, User.id == MessageRead.reader_id)
                .where(MessageRead.message_id == Message.id, User.role == "clinician")
                .exists(),
            )
            .group_by(Message.patient_id)
        )
    )
    receipts: dict[int, tuple[dt.datetime, str]] = {}
    for mid, at, name in db.execute(
        select(MessageRead.message_id, MessageRead.read_at, User.display_name)
        .join(User, User.id == MessageRead.reader_id)
        .where(MessageRead.message_id.in_([r[0] for r in rows]), User.role == "clinician")
        .order_by(MessageRead.read_at.desc())
    ):
        receipts[mid] = (at, name)  # the earliest read wins (ordered newest first)
    out = []
    for mid, pid, at in rows:
        count = unread.get(pid, 0)
        item = Item.of(
            "message",
            pid,
            str(mid),
            at,
            (
                f"{count} unread message{'s' if count != 1 else ''} from the patient."
                if count
                else "Message from the patient (read)."
            ),
        )
        if mid in receipts:
            item.acknowledged_at, item.acknowledged_by = receipts[mid]
        out.append(item)
    return out


#: how much of a check-in's note the item shows (the patient page has it whole)
NOTE_SHOWN_CHARS = 280


def note_items(db: Session, ids: list[int], acks: dict[str, Ack]) -> list[Item]:
    """``checkin_note``: each patient's newest check-in with a note."""
    newest = (
        select(func.max(SessionCheckin.id).label("last_id"))
        .where(SessionCheckin.patient_id.in_(ids), SessionCheckin.notes != "")
        .group_by(SessionCheckin.patient_id)
        .subquery()
    )
    rows = db.execute(
        select(
            SessionCheckin.id,
            SessionCheckin.patient_id,
            SessionCheckin.created_at,
            SessionCheckin.session_date,
            SessionCheckin.notes,
        ).join(newest, SessionCheckin.id == newest.c.last_id)
    ).all()
    out = []
    for cid, pid, at, day, notes in rows:
        text = " ".join(str(notes).split())
        if len(text) > NOTE_SHOWN_CHARS:
            text = text[: NOTE_SHOWN_CHARS - 1].rstrip() + "…"
        detail = f"The patient wrote with the check-in of {day.isoformat()}: \u201c{text}\u201d"
        item = Item.of("checkin_note", pid, str(cid), at, detail)
        out.append(_apply(item, acks.get(item.id)))
    return out


SOURCES = ("stop", "urgent", "review", "reassessment", "no_checkin", "message", "note")


def collect(
    db: Session,
    patients: Sequence[PatientRow],
    *,
    now: dt.datetime,
    no_checkin_days: int,
    sources: Iterable[str] = SOURCES,
) -> list[Item]:
    """Every item of ``patients`` (acknowledged ones included), unordered."""
    ids = [p.id for p in patients]
    if not ids:
        return []
    wanted = set(sources)
    today = now.date()
    acks = _acks(db, ids)
    out: list[Item] = []
    if "stop" in wanted:
        out += stop_items(db, ids)
    if "urgent" in wanted:
        out += urgent_items(db, ids, acks)
    if "review" in wanted:
        out += review_items(db, patients, acks, today)
    if "reassessment" in wanted:
        out += reassessment_items(db, ids, acks, today)
    if "no_checkin" in wanted:
        out += no_checkin_items(db, patients, acks, today, no_checkin_days)
    if "message" in wanted:
        out += message_items(db, ids)
    if "note" in wanted:
        out += note_items(db, ids, acks)
    return out


def ordered(items: Iterable[Item]) -> list[Item]:
    """Open items first; then the most urgent; then the newest."""
    return sorted(items, key=lambda i: (i.acknowledged, i.rank, -i.created_at.timestamp(), i.id))


__all__ = [
    "ITEM_ID_PATTERN",
    "KINDS",
    "NOT_LISTED",
    "SOURCES",
    "UNKNOWN_RANK",
    "URGENT_LEVELS",
    "Ack",
    "Item",
    "Kind",
    "PatientRow",
    "collect",
    "item_id",
    "label",
    "ordered",
    "parse_item_id",
]
