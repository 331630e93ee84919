"""Why the program is paused, in the reader's language, rebuilt from the record that paused it.

The stored ``paused_reason`` is one English summary for the clinic's pages, the progress note
and the FHIR export. A patient reads the reason in their own language, rebuilt from the data
that paused the program rather than translated from those words: the screening's stored
answers triaged again in the reader's language (the same rules, so the same level and reasons),
or the check-in's answers reviewed again (the same stop alerts, worded in that language).
The pausing record is the screening or check-in stored in the same request as the pause (the
same clock reading). A pause with no such record (set by hand, or by a rule that keeps no
record) has no reason to rebuild: the page then gives its general advice, never English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from dorsi.catalog.red_flags import load_red_flags
from dorsi.clinical.contract import parse
from dorsi.clinical.progress import ProgressInput, review
from dorsi.clinical.progress_contract import Checkin
from dorsi.clinical.screening import ScreenInput, triage
from dorsi.errors import DorsiError
from dorsi.i18n import normalize_language
from dorsi.store.models import Patient, Screening, SessionCheckin


@dataclass(frozen=True)
class PauseReason:
    """Why the program was paused, every word in one language."""

    source: Literal["screening", "checkin"]
    #: the day of the screening, or the day the check-in was about
    day: dt.date
    #: the screening's level in plain words ("" for a check-in)
    title: str
    #: what to do now: the triage's advice ("" for a check-in: its alerts say it)
    advice: str
    #: the screening's reasons, or the check-in's stop alerts (each says what to do)
    reasons: tuple[str, ...]


def pause_reason(db: DbSession, patient_id: int, lang: str) -> PauseReason | None:
    """The reason the patient's program is paused now, in ``lang``; ``None`` when it is not
    paused or no stored screening or check-in paused it."""
    language = normalize_language(lang)
    paused_at = db.scalar(
        select(Patient.paused_at).where(Patient.id == patient_id, Patient.program_paused)
    )
    if paused_at is None:
        return None
    screening = db.scalar(
        select(Screening)
        .where(Screening.patient_id == patient_id, Screening.created_at == paused_at)
        .order_by(Screening.id.desc())
        .limit(1)
    )
    if screening is not None:
        return _screening_reason(screening, language)
    checkin = db.scalar(
        select(SessionCheckin)
        .where(SessionCheckin.patient_id == patient_id, SessionCheckin.created_at == paused_at)
        .order_by(SessionCheckin.id.desc())
        .limit(1)
    )
    return _checkin_reason(checkin, language) if checkin is not None else None


def _screening_reason(screening: Screening, lang: str) -> PauseReason | None:
    try:
        result = triage(parse(ScreenInput, screening.input_json), lang=lang)
    except DorsiError:  # answers the rules no longer read: nothing to rebuild
        return None
    if not result.program_paused:
        return None
    return PauseReason(
        source="screening",
        day=screening.created_at.date(),
        title=load_red_flags(lang).level_info(result.level).title,
        advice=result.advice,
        reasons=tuple(result.reasons),
    )


def _checkin_reason(checkin: SessionCheckin, lang: str) -> PauseReason | None:
    session = Checkin(
        date=checkin.session_date,
        completed=checkin.completed,
        pain_nrs=checkin.pain_nrs,
        difficulty=checkin.difficulty,  # type: ignore[arg-type]
        weakness_worse=checkin.weakness_worse,
        balance_worse=checkin.balance_worse,
    )
    # Reviewed alone and as of the day it was stored, as when it paused the program.
    alone = ProgressInput(measurements=(), sessions=(session,))
    output = review(alone, today=checkin.created_at.date(), lang=lang)
    stops = tuple(a.message for a in output.alerts if a.kind == "stop_program")
    if not stops:
        return None
    return PauseReason(
        source="checkin", day=checkin.session_date, title="", advice="", reasons=stops
    )


__all__ = ["PauseReason", "pause_reason"]
