"""The clinic-wide progress review: the patient list badges of many patients at once.

The per-patient path (:func:`dorsi.services.progress.patient_progress`) loads one history and
parses it through the ``dorsi progress`` contract. At clinic scale (thousands of patients with a
year of daily check-ins each) that costs a model per check-in and queries per patient, so this
module reads the same stored history set-based, in chunks of :data:`CHUNK` patients:

1. the newest screening level of each patient (one query);
2. the first assignment day and the planned days per week of the current program (two), and
   the day up to which a clinician resolved stop alerts (two; :mod:`dorsi.services.stops`);
3. the measurements, ordered by patient, day and id (one, fetched in one call);
4. the check-ins: one row per patient, each field as one text in index order, read from the
   covering index ``ix_session_checkins_review`` (one; see :func:`_checkin_texts`). A
   patient whose days do not come strictly increasing (two check-ins on one day, or rows not
   read in index order) is read again with the ids and sorted by (day, id) (one more query,
   for those patients only);

then calls :func:`dorsi.clinical.progress.review_history` per patient: the same rules and the
same catalog and date checks as :func:`~dorsi.clinical.progress.review`, fed with the stored
rows (already typed and bounded by the schema's constraints) instead of contract models. The
number of queries grows with the number of chunks, never with the number of check-ins, and
memory holds one chunk. Python's cyclic garbage collector is paused while a chunk is read and
reviewed (:func:`gc_paused`): a full collection walks every object the process holds, and a
review that keeps its results (the patient list) triggered several. A test checks the badges
and the whole review equal the per-patient path's, on SQLite and PostgreSQL.

Nothing here audits: callers note the read (:mod:`dorsi.services.list_audit`).
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter, lt
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Subquery,
    Text,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from dorsi.clinical.progress import ProgressOutput, SessionLog, review_history
from dorsi.services.stop_days import resolved_through
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
    "pain_rising",
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


class _Parsed(dict[str, Any]):
    """Texts already parsed, shared by all patients of a review (the same days recur)."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, key: str) -> Any:
        value = self[key] = self._parse(key)
        return value


def _sep(sep: str) -> ColumnElement[str]:
    # Written into the SQL: a bound separator is read again for every row (slower on SQLite).
    return literal_column(f"'{sep}'", String)


def _is_postgresql(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


@dataclass(frozen=True, slots=True)
class _Readers:
    """The parsed texts one review shares across its patients."""

    iso_days: _Parsed  # ISO days: measurements on SQLite
    checkin_days: _Parsed  # check-in days as :func:`_day` sends them
    numbers: _Parsed  # pains

    @classmethod
    def of(cls, db: Session) -> _Readers:
        iso = _Parsed(_FROM_ISO)
        parse = _day(db)[1]
        return cls(iso, iso if parse is _FROM_ISO else _Parsed(parse), _Parsed(int))


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


def _current_program(ids: list[int]) -> tuple[Subquery, ColumnElement[bool]]:
    """A join condition on ``Program`` that keeps each patient's newest assigned program."""
    newest = (
        select(Program.patient_id, func.max(Program.version).label("v"))
        .where(Program.patient_id.in_(ids), Program.assigned.is_(True))
        .group_by(Program.patient_id)
        .subquery()
    )
    return newest, (Program.patient_id == newest.c.patient_id) & (Program.version == newest.c.v)


def _planned_days(db: Session, ids: list[int]) -> dict[int, int]:
    newest, on = _current_program(ids)
    rows = db.execute(
        select(Program.patient_id, func.max(ProgramExercise.days_per_week))
        .join(newest, on)
        .join(ProgramExercise, ProgramExercise.program_id == Program.id)
        .group_by(Program.patient_id)
    )
    return {pid: days for pid, days in rows if days is not None}


def _phases(db: Session, ids: list[int]) -> dict[int, int]:
    """The phase of each patient's current program: the review checks the next one's entry."""
    newest, on = _current_program(ids)
    return {
        pid: phase
        for pid, phase in db.execute(select(Program.patient_id, Program.phase).join(newest, on))
    }


def _measurements(
    db: Session, ids: list[int], iso_days: _Parsed
) -> dict[int, list[MeasurementRow]]:
    """The measurements of ``ids`` by patient, in (day, id) order.

    On SQLite the day is read as its stored ISO text and parsed through ``iso_days`` (shared
    by the whole review): SQLAlchemy's own parse of each DATE cost about 40% of this query.
    PostgreSQL's driver already sends dates.
    """
    as_text = not _is_postgresql(db)
    column = Measurement.__table__.c.measured_on
    day: ColumnElement[Any] = type_coerce(column, String) if as_text else column
    query = (
        select(
            Measurement.patient_id,
            Measurement.measure_id,
            Measurement.value_grade,
            Measurement.value_num,
            day,
        )
        .where(Measurement.patient_id.in_(ids))
        .order_by(Measurement.patient_id, Measurement.measured_on, Measurement.id)
    )
    rows = db.connection().execute(query).all()  # one fetch; iterating fetches row by row
    out: dict[int, list[MeasurementRow]] = {}
    for pid, group in groupby(rows, key=itemgetter(0)):
        out[pid] = [
            MeasurementRow(
                measure,
                grade if grade is not None else float(num or 0),
                iso_days[measured] if as_text else measured,
            )
            for _, measure, grade, num, measured in group
        ]
    return out


#: Day 0 of the day numbers PostgreSQL sends for check-in days (see :func:`_day`).
_EPOCH = dt.date(1970, 1, 1)


def _from_day_number(text: str) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(text))


def _day(db: Session) -> tuple[ColumnElement[Any], Callable[[str], dt.date]]:
    """The check-in day as the aggregates send it, and how to read it back.

    SQLite: the stored ISO text. PostgreSQL: the day number ``session_date - 1970-01-01``,
    which does not depend on ``DateStyle`` and costs a quarter of ``to_char``.
    """
    c = SessionCheckin.__table__.c
    if _is_postgresql(db):
        epoch = literal_column(f"DATE '{_EPOCH.isoformat()}'", Date)
        return cast(c.session_date - epoch, Text), _from_day_number
    return c.session_date, _FROM_ISO


def _checkin_columns(db: Session, ids: list[int]) -> Select[Any]:
    """One row per patient: each check-in field as one text, in (day, id) order.

    Neither SQLite 3.40 (no ORDER BY inside an aggregate) nor PostgreSQL (one sort per ordered
    aggregate: seven times slower here) is asked to order. Both read the covering index
    ``ix_session_checkins_review`` on (patient_id, session_date, id, ...) and aggregate in its
    order, i.e. (day, id); :func:`_log` checks the order and sorts when it does not hold, so
    the result never depends on the query plan. Read only for the patients whose days
    :func:`_checkin_texts` did not give strictly increasing.
    """
    c = SessionCheckin.__table__.c
    day, _ = _day(db)
    if _is_postgresql(db):

        def text(value: ColumnElement[Any], sep: str) -> ColumnElement[str]:
            return func.string_agg(value, _sep(sep), type_=String)

        def flag(value: ColumnElement[bool]) -> ColumnElement[str]:
            return text(case((value, literal_column("'1'")), else_=literal_column("'0'")), "")

        columns = (
            text(day, ","),
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
            text(day, ","),
            text(c.id, ","),
            text(c.completed, ""),
            text(c.pain_nrs, ","),
            text(c.difficulty, ","),
            text(c.weakness_worse, ""),
            text(c.balance_worse, ""),
        )
    return select(c.patient_id, *columns).where(c.patient_id.in_(ids)).group_by(c.patient_id)


def _checkin_texts(db: Session, ids: list[int]) -> Select[Any]:
    """One row per patient: days, flags, pains and difficulties, each as one text.

    Like :func:`_checkin_columns` (index order, no sort asked), with fewer and cheaper
    aggregates: no ids (:func:`_fast_log` keeps a patient only when the days come strictly
    increasing, the one order that needs no id), and the three yes/no fields as one digit,
    ``completed + 2 weakness_worse + 4 balance_worse``, worked out only for a row with
    weakness or balance worse. Two thirds of the database time of :func:`_checkin_columns`
    on SQLite, half on PostgreSQL.
    """
    c = SessionCheckin.__table__.c
    day, _ = _day(db)
    if _is_postgresql(db):

        def text(value: ColumnElement[Any], sep: str) -> ColumnElement[str]:
            return func.string_agg(value, _sep(sep), type_=String)

        def number(value: ColumnElement[bool]) -> ColumnElement[int]:
            return cast(value, Integer)

        def as_text(value: ColumnElement[Any]) -> ColumnElement[Any]:
            return cast(value, Text)

        done: ColumnElement[Any] = case(
            (c.completed, literal_column("'1'")), else_=literal_column("'0'")
        )
    else:

        def text(value: ColumnElement[Any], sep: str) -> ColumnElement[str]:
            return func.group_concat(value, _sep(sep), type_=String)

        def number(value: ColumnElement[bool]) -> ColumnElement[int]:
            return type_coerce(value, Integer)  # stored as 0 or 1

        def as_text(value: ColumnElement[Any]) -> ColumnElement[Any]:
            return value  # group_concat writes numbers as text

        done = c.completed
    digit = number(c.completed) + 2 * number(c.weakness_worse) + 4 * number(c.balance_worse)
    flags = case((or_(c.weakness_worse, c.balance_worse), as_text(digit)), else_=done)
    return (
        select(
            c.patient_id,
            text(day, ","),
            text(flags, ""),
            text(as_text(c.pain_nrs), ","),
            text(c.difficulty, ","),
        )
        .where(c.patient_id.in_(ids))
        .group_by(c.patient_id)
    )


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


#: A flags digit of :func:`_checkin_texts` (ASCII "0" to "7") -> one of its fields as 0 or 1.
_COMPLETED, _WEAKNESS, _BALANCE = (
    bytes.maketrans(b"01234567", bytes((digit >> bit) & 1 for digit in range(8)))
    for bit in range(3)
)


def _fast_log(
    days: _Parsed, numbers: _Parsed, dates_text: str, flags: str, pain_text: str, difficulty: str
) -> SessionLog | None:
    """The session log from the texts of :func:`_checkin_texts`, or None when the days do
    not come strictly increasing (then the order of the entries needs their ids)."""
    dates: list[dt.date] = list(map(days.__getitem__, dates_text.split(",")))
    if not all(map(lt, dates, dates[1:])):
        return None
    digits = flags.encode("ascii")
    if digits.translate(None, b"01"):  # a digit above 1: some weakness or balance worse
        weakness = list(map(bool, digits.translate(_WEAKNESS)))
        balance = list(map(bool, digits.translate(_BALANCE)))
    else:
        weakness, balance = [False] * len(digits), [False] * len(digits)
    return SessionLog(
        dates=dates,
        completed=list(map(bool, digits.translate(_COMPLETED))),
        pain_nrs=list(map(numbers.__getitem__, pain_text.split(","))),
        difficulty=difficulty.split(","),
        weakness_worse=weakness,
        balance_worse=balance,
    )


def _checkins(
    db: Session, ids: list[int], days: _Parsed, numbers: _Parsed
) -> dict[int, SessionLog]:
    """The session logs of the patients ``ids`` (sorted) who have check-ins.

    ``days`` reads the days as :func:`_day` sends them on this database.
    """
    out: dict[int, SessionLog] = {}
    unordered: list[int] = []
    for pid, *texts in db.connection().execute(_checkin_texts(db, ids)):
        log = _fast_log(days, numbers, *texts)
        if log is None:
            unordered.append(pid)
        else:
            out[pid] = log
    if unordered:
        rows = db.connection().execute(_checkin_columns(db, unordered))
        out.update((pid, _log(days, numbers, *texts)) for pid, *texts in rows)
    return out


class _GcPause:
    """Pauses Python's cyclic garbage collector while any caller is inside :meth:`held`.

    Process-wide state shared by the threads of a web server: the first caller in records
    whether collection was enabled and disables it, the last one out enables it again only
    if it was; nested and concurrent callers only count. A caller that keeps what it made
    may ask for one full collection when the last one leaves (see :func:`gc_paused`).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._was_enabled = False
        self._collect = False

    @contextmanager
    def held(self, *, collect_after: bool) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._holders += 1
            self._collect = self._collect or collect_after
        collect = False
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0:
                    collect, self._collect = self._collect and self._was_enabled, False
                    if self._was_enabled:
                        gc.enable()
            if collect:
                gc.collect()


_GC_PAUSE = _GcPause()


def gc_paused(*, collect_after: bool = False) -> AbstractContextManager[None]:
    """No cyclic garbage collection inside the block (reference counting still frees).

    A review allocates a few dozen container objects per patient, so the collector runs
    again and again over a large clinic, and each full collection walks every object the
    process holds, finding almost nothing: a review makes no cycles worth collecting. The
    blocks are short (one chunk of a review, or one patient list), so the cyclic garbage they
    leave is bounded and collected after. Never held while a generator is suspended:
    :func:`review_patients` holds it per chunk and yields outside it.

    ``collect_after``: the block keeps most of what it makes (a patient list keeps dozens of
    objects per patient). Left to the generational collector, those are walked three times
    soon after (by a young, a middle and a full collection); one full collection when the
    last pause ends walks them once. Not when collection was disabled before. (``gc.freeze()``
    would walk them not at all, but hides them and any cyclic garbage from the collector's
    counts, so in a long batch no full collection runs and the garbage piles up.)
    """
    return _GC_PAUSE.held(collect_after=collect_after)


def _review_chunk(
    db: Session, chunk: list[tuple[int, bool]], readers: _Readers, today: dt.date
) -> list[PatientReview]:
    ids = sorted(pid for pid, _ in chunk)
    screened = _screenings(db, ids)
    starts = _program_starts(db, ids)
    planned = _planned_days(db, ids)
    phases = _phases(db, ids)
    measured = _measurements(db, ids, readers.iso_days)
    sessions = _checkins(db, ids, readers.checkin_days, readers.numbers)
    resolved = resolved_through(db, ids)
    out: list[PatientReview] = []
    for pid, paused in chunk:
        history = sessions.pop(pid, _EMPTY)
        progress = review_history(
            measurements=measured.get(pid, []),
            sessions=history,
            program_start=starts.get(pid),
            planned_days_per_week=planned.get(pid),
            today=today,
            phase=phases.get(pid),
            stops_resolved_through=resolved.get(pid),
        )
        screening = screened.get(pid)
        out.append(
            PatientReview(
                patient_id=pid,
                badges=badges(progress, screening.level if screening else None, paused),
                progress=progress,
                latest_screening=screening,
                last_session=history.dates[-1] if history else None,
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
    readers = _Readers.of(db)
    for chunk in _chunks(listed, CHUNK):
        with gc_paused():
            reviewed = _review_chunk(db, chunk, readers, today)
        yield from reviewed


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
    "gc_paused",
    "review_all",
    "review_patients",
]
