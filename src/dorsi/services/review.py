"""The clinic-wide progress review: the patient list badges of many patients at once.

The review of each patient is the one of the patient's own progress page: the history comes
from the one reader, :func:`dorsi.services.history.read_histories`, called per chunk of
:data:`CHUNK` patients, and :meth:`~dorsi.services.history.History.review` reviews it. This
module adds the newest screening of each patient (one query per chunk) and the badges. The
number of queries grows with the number of chunks, never with the number of check-ins, and
memory holds one chunk. Python's cyclic garbage collector is paused while a chunk is read and
reviewed (:func:`gc_paused`): a full collection walks every object the process holds, and a
review that keeps its results (the patient list) triggered several.

Nothing here audits: callers note the read (:mod:`dorsi.services.list_audit`).
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dorsi.clinical.progress import ProgressOutput
from dorsi.services.history import read_histories
from dorsi.store.models import Patient, Screening

#: Patients per round of queries: bounds memory and the size of the ``IN`` lists.
CHUNK = 1000

#: The badges of the patient list, most urgent first.
BADGE_ORDER = (
    "emergency",
    "urgent",
    "stop_program",
    "skin_problem",
    "paused",
    "worsening",
    "pain_rising",
    "plateau",
    "reassessment_due",
    "low_adherence",
    "regress",
    "ready_to_progress",
)

_SCREENING_BADGES = ("emergency", "urgent")


@dataclass(frozen=True, slots=True)
class ScreeningSummary:
    """The newest screening of a patient: its level and when it was recorded."""

    level: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PatientReview:
    """The review of one patient and the badges the patient list shows for it."""

    patient_id: int
    badges: tuple[str, ...]
    progress: ProgressOutput
    latest_screening: ScreeningSummary | None
    last_session: dt.date | None


def badges(
    progress: ProgressOutput, screening_level: str | None, program_paused: bool
) -> tuple[str, ...]:
    """The list badges: the review's alert kinds, an emergency or urgent newest screening,
    and a paused program, in :data:`BADGE_ORDER`."""
    found: set[str] = {alert.kind for alert in progress.alerts}
    if screening_level in _SCREENING_BADGES:
        found.add(screening_level)
    if program_paused:
        found.add("paused")
    return tuple(b for b in BADGE_ORDER if b in found)


T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _screenings(db: Session, ids: list[int]) -> dict[int, ScreeningSummary]:
    newest = (
        select(func.max(Screening.id).label("last_id"))
        .where(Screening.patient_id.in_(ids))
        .group_by(Screening.patient_id)
        .subquery()
    )
    rows = db.execute(
        select(Screening.patient_id, Screening.level, Screening.created_at).join(
            newest, Screening.id == newest.c.last_id
        )
    )
    return {pid: ScreeningSummary(level, at) for pid, level, at in rows}


class _GcPause:
    """Pauses Python's cyclic garbage collector while any caller is inside :meth:`held`.

    Process-wide state shared by the threads of a web server: the first caller in records
    whether collection was enabled and disables it, the last one out enables it again only
    if it was; nested and concurrent callers only count.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._was_enabled = False

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0 and self._was_enabled:
                    gc.enable()


_GC_PAUSE = _GcPause()


def gc_paused() -> AbstractContextManager[None]:
    """No cyclic garbage collection inside the block (reference counting still frees).

    A review allocates a few dozen container objects per patient, so the collector runs
    again and again over a large clinic, and each full collection walks every object the
    process holds, finding almost nothing: a review makes no cycles worth collecting. The
    blocks are short (one chunk of a review), so the cyclic garbage they leave is bounded and
    the collector finds it later, as usual. Never held while a generator is suspended:
    :func:`review_patients` holds it per chunk and yields outside it. (No full collection is
    forced afterwards: its cost grows with everything the process holds, not with the list,
    and it stops every thread of the server while it runs.)
    """
    return _GC_PAUSE.held()


def _review_chunk(
    db: Session, chunk: list[tuple[int, bool]], today: dt.date
) -> list[PatientReview]:
    ids = [pid for pid, _ in chunk]
    histories = read_histories(db, ids)
    screened = _screenings(db, ids)
    out: list[PatientReview] = []
    for pid, paused in chunk:
        history = histories[pid]
        progress = history.review(today)
        screening = screened.get(pid)
        out.append(
            PatientReview(
                patient_id=pid,
                badges=badges(progress, screening.level if screening else None, paused),
                progress=progress,
                latest_screening=screening,
                last_session=history.last_session,
            )
        )
    return out


def review_patients(
    db: Session, patients: Iterable[tuple[int, bool]], *, today: dt.date
) -> Iterator[PatientReview]:
    """Review ``patients`` (``(id, program_paused)`` pairs), in the order given.

    The caller has checked that the actor may read these records and has audited the read.
    Like the per-patient review, a stored measurement that fails the review's checks (e.g. a
    measure no longer in the catalog) is left out, never a refusal of the whole list.
    """
    listed = list(patients)
    for chunk in _chunks(listed, CHUNK):
        with gc_paused():
            reviewed = _review_chunk(db, chunk, today)
        yield from reviewed


def review_all(db: Session, *, today: dt.date) -> Iterator[PatientReview]:
    """Every patient of the database, by id (for batch jobs; no actor, no audit)."""
    patients = db.execute(select(Patient.id, Patient.program_paused).order_by(Patient.id))
    return review_patients(db, ((pid, bool(paused)) for pid, paused in patients), today=today)


__all__ = [
    "BADGE_ORDER",
    "CHUNK",
    "PatientReview",
    "ScreeningSummary",
    "badges",
    "gc_paused",
    "review_all",
    "review_patients",
]
