"""The demo clinic: one clinician, three patients, five weeks of synthetic history.

Every record goes through the same use cases a real clinic uses (screening, evaluation,
program assignment, check-ins), each with the clock set to the day it "happened", so the
clinical core makes every decision. The three stories:

- **Rosa** (peroneal palsy, improving): muscle grade 2+ -> 3 -> 4-, longer single-leg stance,
  faster walking, good adherence, little pain.
- **Omar** (L5 radiculopathy, plateaued): grade 3 for six weeks, the same stance time and
  speed, good adherence: the review calls a plateau and asks for clinician review.
- **Grace** (after a stroke, worsening): steady at first, then a check-in reporting weaker
  lifting, which pauses her program and raises the stop alert.

Only an empty database is filled (no users at all); the logins get random passwords that are
printed once and kept in the data directory for later demo runs.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dorsi.errors import ConflictError
from dorsi.services import patients, programs, progress, records, users
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.services.schemas import Cause, PatientCreate, PatientLoginCreate, Side, UserCreate
from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import User

SCREEN_CLEAR: dict[str, Any] = {
    "foot_drop_onset": "gradual",
    "evaluated_by_clinician": True,
    "weakness_trend": "stable",
    "face_droop": False,
    "arm_weakness": False,
    "speech_difficulty": False,
    "vision_loss": False,
    "saddle_numbness": False,
    "bladder_or_bowel_change": False,
    "both_legs_weak": False,
    "severe_numbness": False,
    "back_pain_with_weakness": False,
    "injury_with_severe_pain_or_swelling": False,
    "balance_affected": "somewhat",
    "falls_past_month": 0,
}


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    who: str


@dataclass(frozen=True)
class Story:
    name: str
    username: str
    side: Side
    cause: Cause
    weeks_at_start: int
    # (day offset, evaluation fields overriding the base)
    evaluations: tuple[tuple[int, dict[str, Any]], ...]
    # check-in fields for a given day offset (None = no session that day)
    checkin: Callable[[int, random.Random], dict[str, Any] | None]
    notes: str


def _improving(day: int, rng: random.Random) -> dict[str, Any] | None:
    if day % 7 in (2, 6):
        return None
    pain = max(0, 3 - day // 12 + rng.choice((0, 0, 1)))
    return {
        "completed": True,
        "sets_done": 6,
        "pain_nrs": pain,
        "difficulty": "ok" if day < 20 else "easy",
        "trips_since_last": 1 if day < 10 and day % 5 == 0 else 0,
        "weakness_worse": False,
        "balance_worse": False,
        "notes": "Felt stronger today." if day == 30 else "",
    }


def _plateau(day: int, rng: random.Random) -> dict[str, Any] | None:
    if day % 7 in (3,):
        return None
    return {
        "completed": True,
        "sets_done": 6,
        "pain_nrs": 3 + rng.choice((0, 0, 1)),
        "difficulty": "ok",
        "trips_since_last": rng.choice((0, 0, 1)),
        "weakness_worse": False,
        "balance_worse": False,
        "notes": "Same as last week." if day % 14 == 0 else "",
    }


def _worsening(day: int, rng: random.Random) -> dict[str, Any] | None:
    if day % 7 in (1, 4) or day > 31:
        return None
    worse = day == 31
    return {
        "completed": not worse,
        "sets_done": 2 if worse else 6,
        "pain_nrs": 4 if worse else 2,
        "difficulty": "hard" if worse or day > 24 else "ok",
        "trips_since_last": 3 if worse else 0,
        "weakness_worse": worse,
        "balance_worse": False,
        "notes": "My foot is harder to lift than last week." if worse else "",
    }


BASE_PLAN: dict[str, Any] = {
    "falls_past_month": 0,
    "pain_nrs": 2,
    "uses_afo": False,
}

STORIES = (
    Story(
        name="Rosa Demo",
        username="rosa",
        side="right",
        cause="peroneal",
        weeks_at_start=6,
        evaluations=(
            (0, {"dorsiflexion_mmt": "2+", "single_leg_stance_s": 6, "gait_speed_mps": 0.78}),
            (17, {"dorsiflexion_mmt": "3", "single_leg_stance_s": 11, "gait_speed_mps": 0.9}),
            (34, {"dorsiflexion_mmt": "4-", "single_leg_stance_s": 19, "gait_speed_mps": 1.05}),
        ),
        checkin=_improving,
        notes="Fibular head compression after a long surgery. Avoid leg crossing.",
    ),
    Story(
        name="Omar Demo",
        username="omar",
        side="left",
        cause="lumbar",
        weeks_at_start=10,
        evaluations=(
            (0, {"dorsiflexion_mmt": "3", "single_leg_stance_s": 9, "gait_speed_mps": 0.85}),
            (17, {"dorsiflexion_mmt": "3", "single_leg_stance_s": 10, "gait_speed_mps": 0.86}),
            (34, {"dorsiflexion_mmt": "3", "single_leg_stance_s": 9, "gait_speed_mps": 0.85}),
        ),
        checkin=_plateau,
        notes="L5 radiculopathy, MRI done. Conservative care agreed.",
    ),
    Story(
        name="Grace Demo",
        username="grace",
        side="left",
        cause="neurological",
        weeks_at_start=14,
        evaluations=(
            (0, {"dorsiflexion_mmt": "3", "single_leg_stance_s": 5, "gait_speed_mps": 0.55}),
            (17, {"dorsiflexion_mmt": "3", "single_leg_stance_s": 6, "gait_speed_mps": 0.58}),
        ),
        checkin=_worsening,
        notes="Ischaemic stroke 14 weeks ago. Walks with a stick outdoors.",
    ),
)
DAYS = 35


def is_empty(database: Database) -> bool:
    with database.transaction() as session:
        return (session.scalar(select(func.count()).select_from(User)) or 0) == 0


def fill_demo(
    database: Database,
    settings: Settings,
    *,
    today: datetime,
    seed: int = 7,
    new_password: Callable[[], str] | None = None,
) -> list[Login]:
    """Create the demo clinic in an empty database; returns the logins (passwords once)."""
    if not is_empty(database):
        raise ConflictError(
            "the database already has users; demo data is only added to an empty database"
        )
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    # 64 random bits in hex: no hex text can hold a demo username or a word the password rule
    # refuses (services/passwords.py), so a demo password is never refused by chance.
    make_password = new_password or (lambda: "demo-" + secrets.token_hex(8))
    secret = settings.secret()
    start = datetime.combine(today.date() - timedelta(days=DAYS), time(9, 0), today.tzinfo)

    def unit(when: datetime, actor: Actor | None, work: Callable[[Ctx], Any]) -> Any:
        def make(session: Session) -> Ctx:
            return Ctx(
                db=session,
                now=when,
                settings=settings,
                secret=secret,
                request_id="demo",
                actor=actor,
            )

        return run_unit(database, make, work)

    logins: list[Login] = []
    clinician_password = make_password()
    clinician = unit(
        start,
        None,
        lambda ctx: users.create_user(
            ctx,
            UserCreate(
                username="demo-clinician",
                role="clinician",
                display_name="Dr Demo (physical therapist)",
                password=clinician_password,
            ),
            operator=True,
        ),
    )
    logins.append(Login("demo-clinician", clinician_password, "clinician", "the clinician"))
    therapist = Actor(clinician.id, clinician.username, "clinician", clinician.display_name)

    for story in STORIES:
        data = PatientCreate(
            display_name=story.name, side=story.side, cause=story.cause, notes=story.notes
        )
        created = unit(start, therapist, partial(patients.create_patient, data=data))
        password = make_password()
        login = PatientLoginCreate(username=story.username, password=password)
        unit(
            start,
            therapist,
            partial(patients.create_patient_login, patient_id=created.id, data=login),
        )
        logins.append(Login(story.username, password, "patient", story.name))
        answers = {**SCREEN_CLEAR, "days_since_onset": story.weeks_at_start * 7}
        unit(
            start, therapist, partial(records.record_screening, patient_id=created.id, raw=answers)
        )
        _history(story, created.id, start, therapist, rng, unit)
    return logins


def _history(
    story: Story,
    patient_id: int,
    start: datetime,
    therapist: Actor,
    rng: random.Random,
    unit: Callable[[datetime, Actor | None, Callable[[Ctx], Any]], Any],
) -> None:
    evaluations = dict(story.evaluations)
    patient_actor: Actor | None = None
    for day in range(DAYS + 1):
        when = start + timedelta(days=day)
        if day in evaluations:
            body = {
                **BASE_PLAN,
                "side": story.side,
                "cause": story.cause,
                "weeks_since_onset": story.weeks_at_start + day / 7,
                **evaluations[day],
            }
            result = unit(
                when,
                therapist,
                partial(records.record_evaluation, patient_id=patient_id, raw=body),
            )
            chosen = [e.model_dump(mode="json") for e in result.program.exercises]
            unit(
                when + timedelta(hours=1),
                therapist,
                partial(
                    programs.assign_program,
                    patient_id=patient_id,
                    raw={"exercises": chosen, "notes": "Go at your own pace."},
                ),
            )
            if patient_actor is None:
                patient_actor = _patient_actor(unit, when, patient_id)
            continue
        if patient_actor is None or day == 0:
            continue
        checkin = story.checkin(day, rng)
        if checkin is None:
            continue
        unit(
            when + timedelta(hours=9),
            patient_actor,
            partial(progress.log_session, patient_id=patient_id, raw=checkin),
        )


def _patient_actor(
    unit: Callable[[datetime, Actor | None, Callable[[Ctx], Any]], Any],
    when: datetime,
    patient_id: int,
) -> Actor:
    def find(ctx: Ctx) -> Actor:
        user = ctx.db.scalars(select(User).where(User.patient_id == patient_id)).one()
        return Actor(user.id, user.username, user.role, user.display_name, user.patient_id)

    actor: Actor = unit(when, None, find)
    return actor


__all__ = ["STORIES", "Login", "fill_demo", "is_empty"]
