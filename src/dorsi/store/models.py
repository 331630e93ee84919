"""The database schema (SQLAlchemy 2 declarative models).

Conventions: every timestamp is a timezone-aware UTC ``datetime`` (:class:`UTCDateTime`), every
calendar day a ``date``; clinical inputs and outputs are kept verbatim as JSON next to the
columns the app queries. The schema changes only through Alembic migrations in
``dorsi/store/migrations`` (a test checks the models and the migrations agree).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from dorsi.clinical.program_rules import CAUSES

ROLES = ("clinician", "patient", "admin")
#: A patient's foot drop may be on both sides; a walking video is analysed for one leg.
SIDES = ("left", "right", "both")
GAIT_SIDES = ("left", "right")
MEASUREMENT_SOURCES = ("evaluation", "self", "gait", "camera")
DIFFICULTIES = ("easy", "ok", "hard")
SUPPORTS = ("none", "hand_support", "assisted")
#: The questionnaires patients fill in (``dorsi.catalog.questionnaires``).
QUESTIONNAIRES = ("lefs", "abc")
AUDIT_OUTCOMES = ("ok", "denied", "not_found", "invalid", "unauthenticated", "error")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Audit ids grow without bound; SQLite needs INTEGER for its row-id auto-increment.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class User(Base):
    """Someone who signs in. Patients' accounts point at their patient record."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(120))
    # argon2id PHC string; None for a patient who so far only has a one-time sign-in link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patients.id", ondelete="RESTRICT"), unique=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Patient(Base):
    """A patient record. ``program_paused`` is set by red flags and worse check-ins."""

    __tablename__ = "patients"
    __table_args__ = (
        CheckConstraint(_in("side", SIDES), name="side"),
        CheckConstraint(_in("cause", CAUSES), name="cause"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    side: Mapped[str] = mapped_column(String(8))
    cause: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    preferred_language: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[datetime]
    program_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[datetime | None]

    clinicians: Mapped[list[PatientClinician]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", lazy="selectin"
    )


class PatientClinician(Base):
    """Which clinicians a patient is assigned to (one or more)."""

    __tablename__ = "patient_clinicians"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True
    )
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    assigned_at: Mapped[datetime]

    patient: Mapped[Patient] = relationship(back_populates="clinicians")


class Screening(Base):
    """One red-flag screening: the ``dorsi screen`` input and output, verbatim."""

    __tablename__ = "screenings"
    __table_args__ = (Index("ix_screenings_patient_created", "patient_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    level: Mapped[str] = mapped_column(String(16))
    input_json: Mapped[dict[str, Any]]
    output_json: Mapped[dict[str, Any]]


class Evaluation(Base):
    """A clinician's evaluation: the ``dorsi plan`` input, plus its measurements."""

    __tablename__ = "evaluations"
    __table_args__ = (Index("ix_evaluations_patient_day", "patient_id", "evaluated_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    evaluated_on: Mapped[date] = mapped_column(Date)
    input_json: Mapped[dict[str, Any]]
    # The clinician's daily brace wear target (hours), when the patient uses a brace (0012).
    brace_wear_target_hours: Mapped[float | None] = mapped_column(Float)

    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan", lazy="selectin"
    )


class Measurement(Base):
    """One value of one catalog measure on one day (numbers, or an MMT grade string)."""

    __tablename__ = "measurements"
    __table_args__ = (
        CheckConstraint(_in("source", MEASUREMENT_SOURCES), name="source"),
        CheckConstraint("(value_num IS NULL) <> (value_grade IS NULL)", name="one_value"),
        Index("ix_measurements_patient_day", "patient_id", "measured_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[str] = mapped_column(String(48))
    value_num: Mapped[float | None] = mapped_column(Float)
    value_grade: Mapped[str | None] = mapped_column(String(4))
    measured_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Walked with the brace (True), without it (False), or not recorded (None) (0012).
    with_brace: Mapped[bool | None] = mapped_column(Boolean)

    evaluation: Mapped[Evaluation | None] = relationship(back_populates="measurements")


class Program(Base):
    """One version of a patient's home program; versions are kept as history.

    ``assigned`` marks versions the patient was given; the current program is the newest
    assigned version. Suggestions from an evaluation are stored unassigned until a clinician
    assigns them (possibly edited, as a new version).
    """

    __tablename__ = "programs"
    __table_args__ = (
        UniqueConstraint("patient_id", "version", name="uq_programs_patient_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(16))  # "suggested" | "edited"
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    assigned: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_at: Mapped[datetime | None]
    phase: Mapped[int] = mapped_column(Integer)
    phase_name: Mapped[str] = mapped_column(String(120))
    # gait_training, bracing, precautions, rationale, review_in_days from `dorsi plan`.
    plan_json: Mapped[dict[str, Any]]
    notes: Mapped[str] = mapped_column(Text, default="")

    exercises: Mapped[list[ProgramExercise]] = relationship(
        back_populates="program",
        cascade="all, delete-orphan",
        order_by="ProgramExercise.position",
        lazy="selectin",
    )


class ProgramExercise(Base):
    """One exercise of a program version, with its dosage."""

    __tablename__ = "program_exercises"
    __table_args__ = (
        CheckConstraint(_in("support", SUPPORTS), name="support"),
        CheckConstraint("(reps IS NULL) <> (hold_s IS NULL)", name="reps_xor_hold"),
        UniqueConstraint("program_id", "position", name="uq_program_exercises_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    exercise_id: Mapped[str] = mapped_column(String(48))
    sets: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    hold_s: Mapped[int | None] = mapped_column(Integer)
    rest_s: Mapped[int] = mapped_column(Integer)
    days_per_week: Mapped[int] = mapped_column(Integer)
    support: Mapped[str] = mapped_column(String(16))
    cues: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")

    program: Mapped[Program] = relationship(back_populates="exercises")


class SessionCheckin(Base):
    """The end-of-session check-in of one home exercise session."""

    __tablename__ = "session_checkins"
    __table_args__ = (
        CheckConstraint(_in("difficulty", DIFFICULTIES), name="difficulty"),
        CheckConstraint("pain_nrs BETWEEN 0 AND 10", name="pain_range"),
        # Covers what the history reader reads (dorsi.services.history), in (day, id)
        # order per patient, so a year of check-ins is read from the index alone (0005).
        Index(
            "ix_session_checkins_review",
            "patient_id",
            "session_date",
            "id",
            "completed",
            "pain_nrs",
            "difficulty",
            "weakness_worse",
            "balance_worse",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    session_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed: Mapped[bool] = mapped_column(Boolean)
    sets_done: Mapped[int | None] = mapped_column(Integer)
    pain_nrs: Mapped[int] = mapped_column(Integer)
    difficulty: Mapped[str] = mapped_column(String(8))
    trips_since_last: Mapped[int | None] = mapped_column(Integer)
    weakness_worse: Mapped[bool] = mapped_column(Boolean)
    balance_worse: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")


class AuthSession(Base):
    """A browser session. Only a keyed hash of the 256-bit cookie value is stored."""

    __tablename__ = "auth_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # absolute expiry
    revoked_at: Mapped[datetime | None]


class ApiToken(Base):
    """A bearer token for the JSON API. Only a keyed hash is stored; revocable."""

    __tablename__ = "api_tokens"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """One sign-in attempt, for throttling per account and per client address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username_hash", "attempted_at"),
        Index("ix_login_attempts_address_at", "address_hash", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Keyed hashes: throttling needs equality only, so neither names nor addresses are kept.
    username_hash: Mapped[str] = mapped_column(String(64))
    address_hash: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean)


class SignInThrottle(Base):
    """Counted password attempts under one throttle key (an account, an address, a device, a
    password form), for growing delays (:mod:`dorsi.services.throttle`)."""

    __tablename__ = "sign_in_throttles"

    # A keyed hash of the kind and the name/address/device: equality is all throttling needs.
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Attempts charged since the last success or reset (an attempt is charged before its
    # password is checked, so parallel guesses cannot slip past the count).
    failures: Mapped[int] = mapped_column(Integer)
    blocked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class SignInLink(Base):
    """A one-time sign-in link for a patient (only a keyed hash is stored)."""

    __tablename__ = "sign_in_links"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who did what to which patient's data, when (UTC), and the outcome.

    Append-only and hash-chained, so a changed or removed row shows: rows enter only through
    :func:`dorsi.store.audit_chain.append`, which sets ``prev_hash`` and
    ``entry_hash = sha256(prev_hash || canonical(entry))``. No foreign keys, so entries outlive
    the rows they describe.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("outcome", AUDIT_OUTCOMES), name="outcome"),
        Index("ix_audit_log_patient_at", "patient_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_username: Mapped[str | None] = mapped_column(String(64))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    patient_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(48))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(300), default="")
    request_id: Mapped[str] = mapped_column(String(32))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


# --- Gait videos: uploads, their analysis jobs, results ---------------------------------------
# Added by migration 0003. Files live under ``<data dir>/gait/`` with server-chosen names; the
# rows hold only those names. Deleting a video clears the file, its result and the job's text
# but keeps this row as a tombstone and keeps the derived measurements (a clinician may delete
# those separately).

GAIT_JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


class GaitVideo(Base):
    """One uploaded walking video (the file is ``<data dir>/gait/videos/<file_key>``)."""

    __tablename__ = "gait_videos"
    __table_args__ = (
        CheckConstraint(_in("affected_side", GAIT_SIDES), name="affected_side"),
        Index("ix_gait_videos_patient_uploaded", "patient_id", "uploaded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_by_role: Mapped[str] = mapped_column(String(16))
    uploaded_at: Mapped[datetime]
    recorded_on: Mapped[date] = mapped_column(Date)  # the day its measurements are dated
    affected_side: Mapped[str] = mapped_column(String(8))  # the patient's side at upload
    walked_distance_m: Mapped[float | None] = mapped_column(Float)
    # Walked with the brace (True), without it (False), or not said (None) (0012).
    with_brace: Mapped[bool | None] = mapped_column(Boolean)
    container: Mapped[str] = mapped_column(String(16))  # mp4 | quicktime | 3gpp | webm
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    file_key: Mapped[str | None] = mapped_column(String(80))  # None once deleted
    deleted_at: Mapped[datetime | None]

    job: Mapped[GaitJob] = relationship(
        back_populates="video", cascade="all, delete-orphan", lazy="selectin", uselist=False
    )
    result: Mapped[GaitResult | None] = relationship(
        back_populates="video", cascade="all, delete-orphan", lazy="selectin", uselist=False
    )


class GaitJob(Base):
    """The analysis job of one video; claimed by a worker with a lease (state in the DB)."""

    __tablename__ = "gait_jobs"
    __table_args__ = (
        CheckConstraint(_in("state", GAIT_JOB_STATES), name="state"),
        Index("ix_gait_jobs_state_lease", "state", "lease_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(
        ForeignKey("gait_videos.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(32), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queued_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)  # the plain reason shown when failed

    video: Mapped[GaitVideo] = relationship(back_populates="job")


class GaitResult(Base):
    """What the analysis of one video found: the report, the walking time, the pictures."""

    __tablename__ = "gait_results"

    video_id: Mapped[int] = mapped_column(
        ForeignKey("gait_videos.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime]
    report_json: Mapped[dict[str, Any]]
    walking_time_s: Mapped[float | None] = mapped_column(Float)
    result_key: Mapped[str] = mapped_column(String(80))  # folder of the plot and the video
    notes: Mapped[list[str]] = mapped_column(JSON)  # plain notes (e.g. a value not stored)

    video: Mapped[GaitVideo] = relationship(back_populates="result")


class GaitMeasurement(Base):
    """Which measurements came from which video (they stay when the video is deleted)."""

    __tablename__ = "gait_measurements"

    measurement_id: Mapped[int] = mapped_column(
        ForeignKey("measurements.id", ondelete="CASCADE"), primary_key=True
    )
    video_id: Mapped[int] = mapped_column(
        ForeignKey("gait_videos.id", ondelete="CASCADE"), index=True
    )


# --- Learn: topics a clinician asked a patient to read this week --------------------
# Added by migration 0004. A mark counts for ``services.learn.MARK_DAYS`` days from
# ``marked_on`` (the patient's Today shows it during that week); older marks stay as history.


class LearnMark(Base):
    """One Learn topic a clinician marked "read this week" for a patient."""

    __tablename__ = "learn_marks"
    __table_args__ = (Index("ix_learn_marks_patient_marked", "patient_id", "marked_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    topic_id: Mapped[str] = mapped_column(String(48))
    marked_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When a clinician took the mark off before its week ended (None while it counts).
    cleared_at: Mapped[datetime | None]


# --- Trustworthy check-ins, added by migration 0006 -------------------------------------------


class IdempotencyKey(Base):
    """The first answer to a check-in sent with an ``Idempotency-Key`` (API header or page form).

    A retry with the same key (same caller, same patient) gets this answer again and stores
    nothing; the unique constraint makes parallel retries safe on every backend. Only a hash
    of the key is kept (keys are client-chosen and may be long).
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "patient_id", "key_hash", name="uq_idempotency_keys_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical body
    status_code: Mapped[int] = mapped_column(Integer)
    response_json: Mapped[dict[str, Any]]
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_checkins.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime]


class StopAcknowledgement(Base):
    """A clinician saw the stop alerts of a patient's check-ins up to ``through_date``.

    Stop alerts from check-ins dated on or before ``through_date`` are resolved (the review's
    ``stops_resolved_through``); later check-ins can raise new ones.
    """

    __tablename__ = "stop_acknowledgements"
    __table_args__ = (Index("ix_stop_acknowledgements_patient", "patient_id", "through_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    through_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# --- Brace log and remote monitoring time, added by migration 0012 ---------------------------

SKIN_FINDINGS = ("redness_30min", "sore", "blister", "pressure_pain")


class BraceLog(Base):
    """One day's brace (AFO) wear and skin check, as the patient (or a clinician) logged it."""

    __tablename__ = "brace_logs"
    __table_args__ = (
        CheckConstraint("wear_hours >= 0 AND wear_hours <= 24", name="wear_hours_range"),
        Index("ix_brace_logs_patient_day", "patient_id", "log_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    log_date: Mapped[date] = mapped_column(Date)
    wear_hours: Mapped[float] = mapped_column(Float)
    skin_problem: Mapped[bool] = mapped_column(Boolean)
    # What was seen: a list of SKIN_FINDINGS (empty when nothing was named).
    seen: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CameraSession(Base):
    """A home session's camera measure: only numbers from the phone (docs/camera.md).

    ``reps``: one ``{"peak_deg": float | null, "quality": "good" | "poor"}`` per counted
    lift. ``best_deg`` and ``median_deg`` are over the measured lifts (null when none was);
    the best is also stored as the ``dorsiflexion_arom_camera_deg`` measurement
    ``measurement_id`` (source ``camera``), so reviews, pages and exports see one series.
    """

    __tablename__ = "camera_sessions"
    __table_args__ = (
        CheckConstraint("reps_measured <= reps_counted", name="measured_counted"),
        CheckConstraint(_in("side", GAIT_SIDES), name="side"),
        Index("ix_camera_sessions_patient_day", "patient_id", "measured_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    measured_on: Mapped[date] = mapped_column(Date)
    exercise_id: Mapped[str] = mapped_column(String(48))
    side: Mapped[str] = mapped_column(String(8))
    reps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reps_counted: Mapped[int] = mapped_column(Integer)
    reps_measured: Mapped[int] = mapped_column(Integer)
    best_deg: Mapped[float | None] = mapped_column(Float)
    median_deg: Mapped[float | None] = mapped_column(Float)
    measurement_id: Mapped[int | None] = mapped_column(
        ForeignKey("measurements.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


RTM_ACTIVITIES = ("review", "interactive")


class RtmMinutes(Base):
    """Minutes a clinician spent on a patient's remote monitoring on one day (timer or entry).

    ``activity``: ``review`` (of the data) or ``interactive`` (a real-time call or video with
    the patient or caregiver, which the management codes require).
    """

    __tablename__ = "rtm_minutes"
    __table_args__ = (
        CheckConstraint(_in("activity", RTM_ACTIVITIES), name="activity"),
        CheckConstraint("minutes BETWEEN 1 AND 240", name="minutes_range"),
        Index("ix_rtm_minutes_patient_day", "patient_id", "worked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    worked_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Goal(Base):
    """A goal the clinician set: a measure, a target and a date (``by_date``), or plain words
    (``text``), or both. Its status is computed on every read (``dorsi.clinical.goals``)."""

    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint("measure_id IS NOT NULL OR text IS NOT NULL", name="measure_or_text"),
        CheckConstraint("(measure_id IS NULL) = (by_date IS NULL)", name="measure_with_date"),
        CheckConstraint(
            "(measure_id IS NULL AND target_num IS NULL AND target_grade IS NULL) OR "
            "(measure_id IS NOT NULL AND (target_num IS NULL) <> (target_grade IS NULL))",
            name="one_target",
        ),
        Index("ix_goals_patient", "patient_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    measure_id: Mapped[str | None] = mapped_column(String(48))
    target_num: Mapped[float | None] = mapped_column(Float)
    target_grade: Mapped[str | None] = mapped_column(String(4))
    by_date: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(Text)
    set_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the day the clinician judged the goal met (None: the measurements decide)
    met_on: Mapped[date | None] = mapped_column(Date)
    #: the day the clinician stopped the goal: kept in the record, left out of reviews
    stopped_on: Mapped[date | None] = mapped_column(Date)
    #: the last change (edit, marked met, stopped); the audit chain has each one
    changed_at: Mapped[datetime | None]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class QuestionnaireResponse(Base):
    """The item answers of one questionnaire; its score is the ``measurement`` it made."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        CheckConstraint(_in("questionnaire", QUESTIONNAIRES), name="questionnaire"),
        Index("ix_questionnaire_responses_patient_day", "patient_id", "answered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    questionnaire: Mapped[str] = mapped_column(String(16))
    answers: Mapped[list[int]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    answered_on: Mapped[date] = mapped_column(Date)
    measurement_id: Mapped[int] = mapped_column(
        ForeignKey("measurements.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# --- Between visits: messages and the clinician's worklist, added by migration 0009 ----------

#: The longest message; a thread is for short notes, not letters (no attachments).
MESSAGE_MAX_CHARS = 2000


class Message(Base):
    """One message of a patient's thread (one thread per patient; no attachments).

    Written by the patient or by a clinician with access to the record; every clinician with
    access reads the same thread.
    """

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(_in("author_role", ROLES), name="author_role"),
        Index("ix_messages_patient_id", "patient_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class MessageRead(Base):
    """A read receipt: ``reader_id`` first read message ``message_id`` at ``read_at``."""

    __tablename__ = "message_reads"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    reader_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    read_at: Mapped[datetime]


class WorklistAcknowledgement(Base):
    """A clinician acknowledged one worklist item (by its stable id), with an optional note.

    Stop alerts are not acknowledged here: they keep their own record
    (:class:`StopAcknowledgement`), which the worklist reads, so there is one mechanism.
    """

    __tablename__ = "worklist_acknowledgements"
    __table_args__ = (Index("ix_worklist_acknowledgements_item", "patient_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# --- Reminders, added by migration 0010 ------------------------------------------------------
# The patient's exercise days and time, the channels, the private calendar feed's token (only
# its keyed hash; the token is derived from the deployment secret and ``calendar_nonce``, so a
# copy of the database alone cannot open the feed), the browsers subscribed to Web Push, and
# one row per patient and local day a reminder was sent (so a second run sends nothing).


class ReminderPlan(Base):
    """When and how one patient is reminded to exercise (see ``clinical.reminders``)."""

    __tablename__ = "reminder_plans"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[str] = mapped_column(String(32))  # "mon,wed,fri"
    remind_at: Mapped[str] = mapped_column(String(5))  # local "HH:MM"
    timezone: Mapped[str] = mapped_column(String(64))
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    by_calendar: Mapped[bool] = mapped_column(Boolean, default=False)
    by_push: Mapped[bool] = mapped_column(Boolean, default=False)
    by_email: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(254))
    calendar_nonce: Mapped[str] = mapped_column(String(64))
    calendar_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    calendar_renewed_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PushSubscription(Base):
    """One browser of a patient subscribed to Web Push (RFC 8030 endpoint, RFC 8291 keys)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(Text)
    # sha256 of the endpoint: one row per browser, whatever the endpoint's length
    endpoint_hash: Mapped[str] = mapped_column(String(64), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReminderSent(Base):
    """A reminder went out (or was tried) to a patient on their local ``local_day``."""

    __tablename__ = "reminders_sent"
    __table_args__ = (
        UniqueConstraint("patient_id", "local_day", name="uq_reminders_sent_patient_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    local_day: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime]
    # what reached the patient: "push", "email", or "none" (every channel failed)
    delivered: Mapped[str] = mapped_column(String(16))


__all__ = [
    "AUDIT_OUTCOMES",
    "CAUSES",
    "DIFFICULTIES",
    "GAIT_JOB_STATES",
    "GAIT_SIDES",
    "MEASUREMENT_SOURCES",
    "MESSAGE_MAX_CHARS",
    "QUESTIONNAIRES",
    "ROLES",
    "RTM_ACTIVITIES",
    "SIDES",
    "SKIN_FINDINGS",
    "SUPPORTS",
    "ApiToken",
    "AuditEntry",
    "AuthSession",
    "Base",
    "BraceLog",
    "CameraSession",
    "Evaluation",
    "GaitJob",
    "GaitMeasurement",
    "GaitResult",
    "GaitVideo",
    "Goal",
    "IdempotencyKey",
    "LearnMark",
    "LoginAttempt",
    "Measurement",
    "Message",
    "MessageRead",
    "Patient",
    "PatientClinician",
    "Program",
    "ProgramExercise",
    "PushSubscription",
    "QuestionnaireResponse",
    "ReminderPlan",
    "ReminderSent",
    "RtmMinutes",
    "Screening",
    "SessionCheckin",
    "SignInLink",
    "SignInThrottle",
    "StopAcknowledgement",
    "UTCDateTime",
    "User",
    "WorklistAcknowledgement",
]
