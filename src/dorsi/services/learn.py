"""Learn: "read this week" marks, the patient's language, their personal topic order.

- A clinician marks Learn topics "read this week" for an assigned patient (policy action
  ``program.write``: the reading belongs to the plan). A mark counts for
  :data:`MARK_DAYS` days from the day it was made; the patient's Today lists the marked topics
  and their Learn page puts them first. Saving the form keeps the marks still chosen (their
  week does not restart), adds new ones and clears the ones taken off. Old marks stay as
  history.
- A patient saves their own language choice on their record.
- The personal order comes from :func:`dorsi.education.personalize` with what the record
  knows: the recorded cause, the phase of the assigned program, brace use from the latest
  evaluation, the recovery outlook (as the dashboard estimates it) and the active marks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from dorsi.catalog.words import load_words
from dorsi.clinical.outlook import OutlookOutput
from dorsi.education import PersonalInput, load_topics
from dorsi.errors import InputError, PermissionDeniedError
from dorsi.i18n import Language, normalize_language
from dorsi.services import audit
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient, require_actor
from dorsi.services.views import Dashboard, outlook_in
from dorsi.store.models import LearnMark, Patient

#: How long a "read this week" mark counts, in days, from the day it was made.
MARK_DAYS = 7
MAX_MARKS = 20
MAX_WEEKS = 520


def _active_rows(ctx: Ctx, patient_id: int) -> list[LearnMark]:
    since = ctx.now.date() - dt.timedelta(days=MARK_DAYS - 1)
    return list(
        ctx.db.scalars(
            select(LearnMark)
            .where(
                LearnMark.patient_id == patient_id,
                LearnMark.marked_on >= since,
                LearnMark.cleared_at.is_(None),
            )
            .order_by(LearnMark.marked_on, LearnMark.id)
        )
    )


def active_marks(ctx: Ctx, patient_id: int) -> list[str]:
    """The topic ids marked "read this week" for the patient, oldest mark first, each once.

    No audit entry: callers load (and audit) the record first.
    """
    ids: list[str] = []
    known = set(load_topics().ids)
    for row in _active_rows(ctx, patient_id):
        if row.topic_id in known and row.topic_id not in ids:
            ids.append(row.topic_id)
    return ids


def check_topics(raw: list[str]) -> list[str]:
    """Valid, distinct topic ids in the given order; :class:`InputError` naming ``topics``."""
    catalog = load_topics()
    chosen: list[str] = []
    for topic_id in raw:
        if topic_id not in catalog.ids:
            shown = topic_id if len(topic_id) <= 40 else topic_id[:37] + "..."
            raise InputError(
                f"no Learn topic {shown!r}; topics are: {', '.join(catalog.ids)}", field="topics"
            )
        if topic_id not in chosen:
            chosen.append(topic_id)
    if len(chosen) > MAX_MARKS:
        raise InputError(f"mark at most {MAX_MARKS} topics", field="topics")
    return chosen


def mark_topics(ctx: Ctx, patient_id: int, topic_ids: list[str]) -> list[str]:
    """Make exactly ``topic_ids`` the patient's "read this week" topics; returns them."""
    patient = load_patient(ctx, patient_id, "program.write", "learn marks")
    chosen = check_topics(topic_ids)
    actor = require_actor(ctx)
    rows = _active_rows(ctx, patient.id)
    kept = {row.topic_id for row in rows if row.topic_id in chosen}
    for row in rows:
        if row.topic_id not in chosen:
            row.cleared_at = ctx.now
    for topic_id in chosen:
        if topic_id not in kept:
            ctx.db.add(
                LearnMark(
                    patient_id=patient.id,
                    topic_id=topic_id,
                    marked_on=ctx.now.date(),
                    created_at=ctx.now,
                    created_by_id=actor.id,
                )
            )
    ctx.db.flush()
    audit.note(ctx, "learn.mark", patient.id, "topics: " + (",".join(chosen) or "none"))
    return active_marks(ctx, patient.id)


def set_own_language(ctx: Ctx, lang: str) -> Language:
    """Save the signed-in patient's language on their record; returns it."""
    actor = require_actor(ctx)
    if actor.role != "patient" or actor.patient_id is None:
        raise PermissionDeniedError("only a patient saves a language on their own record")
    chosen = normalize_language(lang, field="lang")
    patient: Patient = load_patient(ctx, actor.patient_id, "patient.read", "language")
    patient.preferred_language = chosen
    audit.note(ctx, "patient.language", patient.id, chosen)
    return chosen


def outlook_view(data: Dashboard, lang: Language) -> dict[str, Any] | None:
    """The patient's own recovery outlook for a Learn page, every word in ``lang`` (the
    estimate in full, so a progressive cause reads what to watch for, not a window)."""
    outlook = outlook_in(data, lang)
    if not isinstance(outlook, OutlookOutput):
        return None
    label = load_words("outlook").label
    weeks = outlook.expected_weeks
    headline = (
        label("headline_none", lang)
        if weeks is None
        else label("headline", lang, low=weeks.low, high=weeks.high)
    )
    watch = {"progressive": "watch_progressive", "uncertain": "watch_uncertain"}.get(
        outlook.prognosis, "signs_of_healing"
    )
    return {
        "title": label("page_title", lang),
        "headline": headline,
        "basis": outlook.basis,
        "watch_title": label(watch, lang),
        "watch": outlook.signs_of_healing,
    }


def personal_input(
    data: Dashboard, marks: list[str], lang: Language, *, uses_brace: bool | None = None
) -> PersonalInput:
    """What the Learn pages know about this patient, from their record (pure)."""
    program = data.program
    evaluation = data.latest_evaluation
    if uses_brace is None:
        uses_brace = bool(evaluation is not None and evaluation.input_json.get("uses_afo"))
    outlook = None
    if data.outlook is not None and data.outlook.expected_weeks is not None:
        weeks = data.outlook.expected_weeks
        # The Learn contract caps weeks at ten years; a longer estimate is shown as the cap.
        low, high = (min(int(w), MAX_WEEKS) for w in (weeks.low, weeks.high))
        outlook = {"expected_weeks": {"low": low, "high": max(low, high)}}
    return PersonalInput.model_validate(
        {
            "cause": data.patient.cause,
            "phase": program.phase if program is not None else None,
            "uses_brace": uses_brace,
            "outlook": outlook,
            "read_this_week": tuple(marks[:MAX_MARKS]),
            "lang": lang,
        }
    )


__all__ = [
    "MARK_DAYS",
    "MAX_MARKS",
    "active_marks",
    "check_topics",
    "mark_topics",
    "outlook_view",
    "personal_input",
    "set_own_language",
]
