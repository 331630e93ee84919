"""A patient's reminders: exercise days, time, quiet hours, channels, the private calendar feed.

- Read and set by the patient and the clinicians with access to the record (policy actions
  ``patient.read`` and ``reminders.write``), audited like the record.
- The calendar feed needs no sign-in: its URL holds a 256-bit token. The database keeps only a
  keyed hash of the token (to find the plan) and a random nonce; the token itself is an HMAC
  of the nonce under the deployment secret, so the app can show the link again while a copy
  of the database alone cannot open any feed. Renewing draws a new nonce, so the old URL stops
  working at once.
- The rules for sending (at most one a day, quiet hours, not on a day done, not while paused)
  are :func:`dorsi.clinical.reminders.decide`; the sender is
  :mod:`dorsi.services.reminder_sender`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from typing import Any

from pydantic import ConfigDict, Field, field_validator, model_validator
from sqlalchemy import select

from dorsi.clinical.contract import Contract, Output
from dorsi.clinical.reminders import ReminderSchedule, quiet_pair_schema
from dorsi.errors import InputError, NotFoundError
from dorsi.i18n import gettext_for
from dorsi.interop.calendar import FeedInput, FeedText, build_feed
from dorsi.services import audit
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient
from dorsi.services.programs import current_assigned, latest_version
from dorsi.store.models import (
    Evaluation,
    Patient,
    PushSubscription,
    ReminderPlan,
    SessionCheckin,
)

# Python's \s and JSON Schema's (ECMAScript) differ on some control characters: spell them out.
_NOT_IN_ADDRESS = r"[^@ \t\n\r\f\v\x00]"
_EMAIL = re.compile(rf"^{_NOT_IN_ADDRESS}{{1,64}}@{_NOT_IN_ADDRESS}+\.{_NOT_IN_ADDRESS}+$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
FEED_PREFIX = "/calendar/"


class Channels(Contract):
    """How reminders reach the patient; each is optional."""

    calendar: bool = False
    push: bool = False
    email: bool = False


def _email_needs_an_address_schema(schema: dict[str, Any]) -> None:
    """The JSON Schema says what the validators do: the e-mail channel needs an address."""
    quiet_pair_schema(schema)
    schema["if"] = {
        "properties": {
            "channels": {"properties": {"email": {"const": True}}, "required": ["email"]}
        },
        "required": ["channels"],
    }
    schema["then"] = {"properties": {"email": {"type": "string"}}, "required": ["email"]}


class RemindersIn(ReminderSchedule):
    """The body of ``PUT /api/v1/patients/{id}/reminders``: the schedule, channels, e-mail."""

    model_config = ConfigDict(json_schema_extra=_email_needs_an_address_schema)

    channels: Channels = Field(default_factory=Channels)
    email: str | None = Field(default=None, max_length=254, pattern=_EMAIL.pattern)

    @field_validator("email")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _EMAIL.fullmatch(value):
            raise InputError("must be an e-mail address such as name@example.org", field="email")
        return value

    @model_validator(mode="after")
    def _email_needs_an_address(self) -> RemindersIn:
        if self.channels.email and self.email is None:
            raise InputError("give an address to get reminders by e-mail", field="email")
        return self


class ChannelsPublic(Output):
    calendar: bool
    push: bool
    email: bool


class RemindersPublic(Output):
    """A patient's reminders as the API gives them."""

    patient_id: int
    days: list[str]
    time: str
    timezone: str
    quiet_start: str | None
    quiet_end: str | None
    channels: ChannelsPublic
    email: str | None
    #: absolute path of the private iCalendar feed (null until reminders are saved with the
    #: calendar channel on)
    calendar_url: str | None
    #: browsers subscribed to notifications
    push_devices: int
    #: whether this clinic sends e-mail (an SMTP server is configured)
    email_available: bool
    updated_at: dt.datetime | None


# --- the calendar token ----------------------------------------------------------------------


def calendar_token(secret: bytes, patient_id: int, nonce: str) -> str:
    """The feed's token: 256 bits, derived from the nonce under the deployment secret."""
    mac = hmac.new(secret, f"calendar-feed:{patient_id}:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


def token_hash(ctx: Ctx, token: str) -> str:
    return ctx.keyed_hash("calendar:" + token)


def _new_nonce(ctx: Ctx, plan: ReminderPlan) -> None:
    plan.calendar_nonce = ctx.new_token()[:64]
    token = calendar_token(ctx.secret, plan.patient_id, plan.calendar_nonce)
    plan.calendar_token_hash = token_hash(ctx, token)
    plan.calendar_renewed_at = ctx.now


# --- reading and writing ---------------------------------------------------------------------


def schedule_of(plan: ReminderPlan) -> ReminderSchedule:
    """The stored plan as the schedule the rules read."""
    return ReminderSchedule.model_validate(
        {
            "days": [d for d in plan.days.split(",") if d],
            "time": plan.remind_at,
            "timezone": plan.timezone,
            "quiet_start": plan.quiet_start,
            "quiet_end": plan.quiet_end,
        }
    )


def _public(ctx: Ctx, patient_id: int, plan: ReminderPlan | None) -> RemindersPublic:
    devices = len(
        ctx.db.scalars(
            select(PushSubscription.id).where(PushSubscription.patient_id == patient_id)
        ).all()
    )
    email_available = bool(ctx.settings.smtp_host)
    if plan is None:
        return RemindersPublic(
            patient_id=patient_id,
            days=[],
            time="18:00",
            timezone=ctx.settings.clinic_timezone,
            quiet_start=None,
            quiet_end=None,
            channels=ChannelsPublic(calendar=False, push=False, email=False),
            email=None,
            calendar_url=None,
            push_devices=devices,
            email_available=email_available,
            updated_at=None,
        )
    url = None
    if plan.by_calendar:
        url = f"{FEED_PREFIX}{calendar_token(ctx.secret, patient_id, plan.calendar_nonce)}.ics"
    return RemindersPublic(
        patient_id=patient_id,
        days=[d for d in plan.days.split(",") if d],
        time=plan.remind_at,
        timezone=plan.timezone,
        quiet_start=plan.quiet_start,
        quiet_end=plan.quiet_end,
        channels=ChannelsPublic(calendar=plan.by_calendar, push=plan.by_push, email=plan.by_email),
        email=plan.email,
        calendar_url=url,
        push_devices=devices,
        email_available=email_available,
        updated_at=plan.updated_at,
    )


def get_reminders(ctx: Ctx, patient_id: int) -> RemindersPublic:
    """The patient's reminders (the defaults when none were set)."""
    patient = load_patient(ctx, patient_id, "patient.read", "reminders")
    return _public(ctx, patient.id, ctx.db.get(ReminderPlan, patient.id))


def reminders_and_language(ctx: Ctx, patient_id: int) -> tuple[RemindersPublic, str]:
    """:func:`get_reminders`, and the patient's saved language (for the patient's page)."""
    patient = load_patient(ctx, patient_id, "patient.read", "reminders")
    plan = ctx.db.get(ReminderPlan, patient.id)
    return _public(ctx, patient.id, plan), patient.preferred_language


def _plan_for(ctx: Ctx, patient_id: int) -> ReminderPlan:
    plan = ctx.db.get(ReminderPlan, patient_id)
    if plan is None:
        plan = ReminderPlan(
            patient_id=patient_id,
            days="",
            remind_at="18:00",
            timezone=ctx.settings.clinic_timezone,
            by_calendar=False,
            by_push=False,
            by_email=False,
            updated_at=ctx.now,
        )
        _new_nonce(ctx, plan)
        ctx.db.add(plan)
    return plan


def put_reminders(ctx: Ctx, patient_id: int, data: RemindersIn) -> RemindersPublic:
    """Save the patient's schedule and channels (the calendar link stays the same); a body
    that names no time zone takes the clinic's."""
    patient = load_patient(ctx, patient_id, "reminders.write", "reminders")
    if "timezone" not in data.model_fields_set:
        data = data.model_copy(update={"timezone": ctx.settings.clinic_timezone})
    plan = _plan_for(ctx, patient.id)
    plan.days = ",".join(data.days)
    plan.remind_at = data.time
    plan.timezone = data.timezone
    plan.quiet_start = data.quiet_start
    plan.quiet_end = data.quiet_end
    plan.by_calendar = data.channels.calendar
    plan.by_push = data.channels.push
    plan.by_email = data.channels.email
    plan.email = data.email
    plan.updated_at = ctx.now
    plan.updated_by_id = ctx.actor.id if ctx.actor else None
    ctx.db.flush()
    return _public(ctx, patient.id, plan)


def renew_calendar(ctx: Ctx, patient_id: int) -> RemindersPublic:
    """A new calendar link; the old one stops working (a phone lost, a link shared)."""
    patient = load_patient(ctx, patient_id, "reminders.write", "calendar link renewed")
    plan = _plan_for(ctx, patient.id)
    _new_nonce(ctx, plan)
    plan.updated_at = ctx.now
    ctx.db.flush()
    return _public(ctx, patient.id, plan)


# --- the feed --------------------------------------------------------------------------------


def feed_text(lang: str) -> FeedText:
    _ = gettext_for(lang).gettext
    return FeedText(
        calendar_name=_("Dorsi exercises"),
        exercise_title=_("Foot exercises"),
        exercise_description=_("Time for your foot exercises. Open Dorsi to start."),
        alarm_text=_("Time for your foot exercises."),
        reassessment_title=_("Check-up with your therapist"),
        reassessment_description=_("Your therapist plans to measure your progress."),
    )


def next_reassessment(ctx: Ctx, patient_id: int) -> dt.date | None:
    """The reassessment due date the patient dashboard shows: the latest evaluation's day plus
    the program's ``review_in_days``."""
    evaluation = ctx.db.scalar(
        select(Evaluation)
        .where(Evaluation.patient_id == patient_id)
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.id.desc())
        .limit(1)
    )
    if evaluation is None:
        return None
    base = current_assigned(ctx, patient_id) or latest_version(ctx, patient_id)
    days = base.plan_json.get("review_in_days") if base is not None else None
    if not isinstance(days, int):
        return None
    return evaluation.evaluated_on + dt.timedelta(days=days)


def done_days(ctx: Ctx, patient_id: int, since: dt.date) -> frozenset[dt.date]:
    """The days with a check-in (a session done), from ``since``."""
    return frozenset(
        ctx.db.scalars(
            select(SessionCheckin.session_date).where(
                SessionCheckin.patient_id == patient_id, SessionCheckin.session_date >= since
            )
        )
    )


def calendar_feed(ctx: Ctx, token: str) -> bytes:
    """The iCalendar feed for the token (no sign-in); audited as a read of the record."""
    plan = None
    if _TOKEN.match(token):
        plan = ctx.db.scalar(
            select(ReminderPlan).where(ReminderPlan.calendar_token_hash == token_hash(ctx, token))
        )
    if plan is None or not plan.by_calendar:
        raise NotFoundError("no such calendar (the link may have been renewed)")
    patient = ctx.db.get(Patient, plan.patient_id)
    if patient is None:  # pragma: no cover - the plan is deleted with the patient
        raise NotFoundError("no such calendar")
    audit.note(ctx, "calendar.read", patient.id, "calendar feed")
    schedule = schedule_of(plan)
    due = next_reassessment(ctx, patient.id)
    data = FeedInput(
        feed_id=plan.calendar_nonce,
        schedule=schedule,
        starts_on=plan.updated_at.astimezone(schedule.zone).date(),
        paused=patient.program_paused,
        done_days=done_days(ctx, patient.id, ctx.now.date() - dt.timedelta(days=60)),
        reassessments=(due,) if due is not None else (),
        now=ctx.now,
        text=feed_text(patient.preferred_language),
    )
    return build_feed(data)


__all__ = [
    "FEED_PREFIX",
    "Channels",
    "RemindersIn",
    "RemindersPublic",
    "calendar_feed",
    "calendar_token",
    "done_days",
    "feed_text",
    "get_reminders",
    "next_reassessment",
    "put_reminders",
    "reminders_and_language",
    "renew_calendar",
    "schedule_of",
]
