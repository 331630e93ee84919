"""The demo clinic: one clinician, three patients, five weeks of synthetic history.

Every record goes through the same use cases a real clinic uses (screening, evaluation,
program assignment, check-ins), each with the clock set to the day it "happened", so the
clinical core makes every decision. The three stories:

- **Rosa** (peroneal palsy, improving): muscle grade 2+ -> 3 -> 4-, longer single-leg stance,
  faster walking, good adherence, little pain; twice a week she measures her seated ankle
  lifts with the phone's camera, and the best lift rises from about -6 to about +8 degrees
  (the camera series, trend only).
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

from dorsi.clinical.camera import CameraSessionIn
from dorsi.clinical.contract import parse
from dorsi.clinical.progress_contract import CheckinIn
from dorsi.clinical.screening import ScreenInput
from dorsi.errors import ConflictError
from dorsi.services import camera, patients, programs, progress, records, users
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.services.schemas import (
    Cause,
    EvaluationIn,
    PatientCreate,
    PatientLoginCreate,
    ProgramUpdate,
    Side,
    UserCreate,
)
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
    # the peak angle of each lift measured with the phone's camera on a day offset (None: a
    # lift counted but not measured); None = no camera session that day
    camera: Callable[[int, random.Random], list[float | None] | None] | None = None


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


def _improving_camera(day: int, rng: random.Random) -> list[float | None] | None:
    """Two camera sessions a week, on session days; the best lift rises over the five weeks.
    Synthetic numbers for the demo, not a clinical course."""
    if day % 7 not in (1, 4):
        return None
    trend_deg = -6.0 + 14.0 * day / DAYS
    return [
        None if rng.random() < 0.1 else round(trend_deg - rng.uniform(0.0, 4.0), 1)
        for _ in range(8)
    ]


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
        camera=_improving_camera,
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


def demo_password() -> str:
    """ "demo-" and 64 random bits in hex. Hex holds no demo username and no word the password
    rule refuses (services/passwords.py), except when every hex digit drawn is a number: the
    rule reads a password without the digits at its ends ("demo-4821..." as "demo", a common
    password), so such a draw (about 1 in 1,800) is drawn again."""
    while True:
        bits = secrets.token_hex(8)
        if not bits.isdigit():
            return "demo-" + bits


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
    # the camera's own stream: adding camera sessions leaves the check-ins' numbers as they were
    camera_rng = random.Random(f"{seed}-camera")  # noqa: S311 - synthetic demo data
    make_password = new_password or demo_password
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
            start,
            therapist,
            partial(
                records.record_screening, patient_id=created.id, data=parse(ScreenInput, answers)
            ),
        )
        _history(story, created.id, start, therapist, (rng, camera_rng), unit)
    return logins


def _history(
    story: Story,
    patient_id: int,
    start: datetime,
    therapist: Actor,
    rngs: tuple[random.Random, random.Random],
    unit: Callable[[datetime, Actor | None, Callable[[Ctx], Any]], Any],
) -> None:
    rng, camera_rng = rngs
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
                partial(
                    records.record_evaluation,
                    patient_id=patient_id,
                    data=parse(EvaluationIn, body),
                ),
            )
            chosen = [e.model_dump(mode="json") for e in result.program.exercises]
            unit(
                when + timedelta(hours=1),
                therapist,
                partial(
                    programs.assign_program,
                    patient_id=patient_id,
                    data=parse(
                        ProgramUpdate, {"exercises": chosen, "notes": "Go at your own pace."}
                    ),
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
        peaks = story.camera(day, camera_rng) if story.camera else None
        if peaks:
            reps = [{"peak_deg": p, "quality": "poor" if p is None else "good"} for p in peaks]
            body = {"exercise_id": "seated_dorsiflexion", "side": story.side, "reps": reps}
            unit(
                when + timedelta(hours=8, minutes=50),
                patient_actor,
                partial(
                    camera.record_session,
                    patient_id=patient_id,
                    data=parse(CameraSessionIn, body),
                ),
            )
        unit(
            when + timedelta(hours=9),
            patient_actor,
            partial(progress.log_session, patient_id=patient_id, data=parse(CheckinIn, checkin)),
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


__all__ = ["STORIES", "Login", "demo_password", "fill_demo", "is_empty"]
