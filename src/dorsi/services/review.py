"""The clinic-wide progress review: the patient list badges of many patients at once.

The per-patient path (:func:`dorsi.services.progress.patient_progress`) loads one history and
parses it through the ``dorsi progress`` contract. At clinic scale (thousands of patients with a
year of daily check-ins each) that costs a model per check-in and queries per patient, so this
module reads the same stored history set-based, in chunks of :data:`CHUNK` patients:

1. the newest screening level of each patient (one query);
2. the first assignment day and the planned days per week of the current program (two);
3. the measurements, ordered by patient, day and id (one);
4. the check-ins: one row per patient, each field as one text in (day, id) order, read from
   the covering index ``ix_session_checkins_review`` (one);

then calls :func:`dorsi.clinical.progress.review_history` per patient: the same rules and the
same catalog and date checks as :func:`~dorsi.clinical.progress.review`, fed with the stored
rows (already typed and bounded by the schema's constraints) instead of contract models. The
number of queries grows with the number of chunks, never with the number of check-ins, and
memory holds one chunk. A test checks the badges and the whole review equal the per-patient
path's, on SQLite and PostgreSQL.

Nothing here audits: callers note the read (:mod:`dorsi.services.list_audit`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter, lt
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Select, String, Text, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from dorsi.clinical.progress import ProgressOutput, SessionLog, review_history
from dorsi.store.models import (
    Measurement,
    Patient,
    Program,
    ProgramExercise,
    Screening,
    SessionCheckin,
)

#: Patients per round of queries: bounds memory and the size of the ``IN`` lists.
CHUNK = 1000

#: The badges of the patient list, most urgent first.
BADGE_ORDER = (
    "emergency",
    "urgent",
    "stop_program",
    "paused",
    "worsening",
    "plateau",
    "reassessment_due",
    "low_adherence",
    "regress",
    "ready_to_progress",
)

_SCREENING_BADGES = ("emergency", "urgent")
_FROM_ISO = dt.date.fromisoformat
_EMPTY = SessionLog(
    dates=(), completed=(), pain_nrs=(), difficulty=(), weakness_worse=(), balance_worse=()
)


class MeasurementRow(NamedTuple):
    """One stored measurement as the review reads it (a ``MeasurementLike``)."""

    measure: str
    value: float | str
    date: dt.date


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


def _program_starts(db: Session, ids: list[int]) -> dict[int, dt.date]:
    rows = db.execute(
        select(Program.patient_id, func.min(Program.assigned_at))
        .where(Program.patient_id.in_(ids), Program.assigned.is_(True))
        .group_by(Program.patient_id)
    )
    return {pid: started.date() for pid, started in rows if started is not None}


def _planned_days(db: Session, ids: list[int]) -> dict[int, int]:
    newest = (
        select(Program.patient_id, func.max(Program.version).label("v"))
        .where(Program.patient_id.in_(ids), Program.assigned.is_(True))
        .group_by(Program.patient_id)
        .subquery()
    )
    rows = db.execute(
        select(Program.patient_id, func.max(ProgramExercise.days_per_week))
        .join(newest, (Program.patient_id == newest.c.patient_id) & (Program.version == newest.c.v))
        .join(ProgramExercise, ProgramExercise.program_id == Program.id)
        .group_by(Program.patient_id)
    )
    return {pid: days for pid, days in rows if days is not None}


def _measurements(db: Session, ids: list[int]) -> dict[int, list[MeasurementRow]]:
    rows = db.connection().execute(
        select(
            Measurement.patient_id,
            Measurement.measure_id,
            Measurement.value_grade,
            Measurement.value_num,
            Measurement.measured_on,
        )
        .where(Measurement.patient_id.in_(ids))
        .order_by(Measurement.patient_id, Measurement.measured_on, Measurement.id)
    )
    out: dict[int, list[MeasurementRow]] = {}
    for pid, group in groupby(rows, key=itemgetter(0)):
        out[pid] = [
            MeasurementRow(measure, grade if grade is not None else float(num or 0), day)
            for _, measure, grade, num, day in group
        ]
    return out


def _sep(sep: str) -> ColumnElement[str]:
    # Written into the SQL: a bound separator is read again for every row (slower on SQLite).
    return literal_column(f"'{sep}'", String)


def _checkin_columns(db: Session, ids: list[int]) -> Select[Any]:
    """One row per patient: each check-in field as one text, in (day, id) order.

    Neither SQLite 3.40 (no ORDER BY inside an aggregate) nor PostgreSQL (one sort per ordered
    aggregate: seven times slower here) is asked to order. Both read the covering index
    ``ix_session_checkins_review`` on (patient_id, session_date, id, ...) and aggregate in its
    order, i.e. (day, id); :func:`_log` checks the order and sorts when it does not hold, so
    the result never depends on the query plan.
    """
    c = SessionCheckin.__table__.c
    if db.get_bind().dialect.name == "postgresql":

        def text(value: ColumnElement[Any], sep: str) -> ColumnElement[str]:
            return func.string_agg(value, _sep(sep), type_=String)

        def flag(value: ColumnElement[bool]) -> ColumnElement[str]:
            return text(case((value, literal_column("'1'")), else_=literal_column("'0'")), "")

        columns = (
            text(func.to_char(c.session_date, literal_column("'YYYY-MM-DD'")), ","),
            text(cast(c.id, Text), ","),
            flag(c.completed),
            text(cast(c.pain_nrs, Text), ","),
            text(c.difficulty, ","),
            flag(c.weakness_worse),
            flag(c.balance_worse),
        )
    else:

        def text(value: ColumnElement[Any], sep: str) -> ColumnElement[str]:
            return func.group_concat(value, _sep(sep), type_=String)

        columns = (
            text(c.session_date, ","),
            text(c.id, ","),
            text(c.completed, ""),
            text(c.pain_nrs, ","),
            text(c.difficulty, ","),
            text(c.weakness_worse, ""),
            text(c.balance_worse, ""),
        )
    return select(c.patient_id, *columns).where(c.patient_id.in_(ids)).group_by(c.patient_id)


class _Parsed(dict[str, Any]):
    """Texts already parsed, shared by all patients of a review (the same days recur)."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, key: str) -> Any:
        value = self[key] = self._parse(key)
        return value


_ONE = "1".__eq__


def _log(
    days: _Parsed,
    numbers: _Parsed,
    dates_text: str,
    ids_text: str,
    completed: str,
    pain_text: str,
    difficulty_text: str,
    weakness: str,
    balance: str,
) -> SessionLog:
    """The session log of one patient from its column texts (see :func:`_checkin_columns`)."""
    dates: list[dt.date] = list(map(days.__getitem__, dates_text.split(",")))
    columns: tuple[list[Any], ...] = (
        dates,
        list(map(_ONE, completed)),
        list(map(numbers.__getitem__, pain_text.split(","))),
        difficulty_text.split(","),
        list(map(_ONE, weakness)),
        list(map(_ONE, balance)),
    )
    if not all(map(lt, dates, dates[1:])):  # same-day entries, or out of order: sort by (day, id)
        ids = list(map(int, ids_text.split(",")))
        order = sorted(range(len(dates)), key=lambda i: (dates[i], ids[i]))
        columns = tuple([column[i] for i in order] for column in columns)
    return SessionLog(*columns)


def _checkins(
    db: Session, ids: list[int], days: _Parsed, numbers: _Parsed
) -> dict[int, SessionLog]:
    rows = db.connection().execute(_checkin_columns(db, ids))
    return {pid: _log(days, numbers, *texts) for pid, *texts in rows}


def review_patients(
    db: Session, patients: Iterable[tuple[int, bool]], *, today: dt.date
) -> Iterator[PatientReview]:
    """Review ``patients`` (``(id, program_paused)`` pairs), in the order given.

    The caller has checked that the actor may read these records and has audited the read.
    Like the per-patient review, a stored measurement that fails the review's checks (e.g. a
    measure no longer in the catalog) is left out, never a refusal of the whole list.
    """
    listed = list(patients)
    days, numbers = _Parsed(_FROM_ISO), _Parsed(int)
    for chunk in _chunks(listed, CHUNK):
        ids = sorted(pid for pid, _ in chunk)
        screened = _screenings(db, ids)
        starts = _program_starts(db, ids)
        planned = _planned_days(db, ids)
        measured = _measurements(db, ids)
        sessions = _checkins(db, ids, days, numbers)
        for pid, paused in chunk:
            history = sessions.pop(pid, _EMPTY)
            progress = review_history(
                measurements=measured.get(pid, []),
                sessions=history,
                program_start=starts.get(pid),
                planned_days_per_week=planned.get(pid),
                today=today,
            )
            screening = screened.get(pid)
            yield PatientReview(
                patient_id=pid,
                badges=badges(progress, screening.level if screening else None, paused),
                progress=progress,
                latest_screening=screening,
                last_session=history.dates[-1] if history else None,
            )


def review_all(db: Session, *, today: dt.date) -> Iterator[PatientReview]:
    """Every patient of the database, by id (for batch jobs; no actor, no audit)."""
    patients = db.execute(select(Patient.id, Patient.program_paused).order_by(Patient.id))
    return review_patients(db, ((pid, bool(paused)) for pid, paused in patients), today=today)


__all__ = [
    "BADGE_ORDER",
    "CHUNK",
    "MeasurementRow",
    "PatientReview",
    "ScreeningSummary",
    "badges",
    "review_all",
    "review_patients",
]
