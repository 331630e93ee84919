"""Questionnaires (LEFS, ABC) a patient answers on their phone: Dorsi scores the answers
(:mod:`dorsi.clinical.questionnaires`) and stores the score as the questionnaire's measure
(``lefs``, ``abc_pct``), dated the day answered, beside the item answers.

The score is patient-reported, so its measurement's source is ``self`` whoever typed it in
(the patient, or their clinician with them in clinic). A form with an item left out is
refused, naming the item; nothing is stored.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from dorsi.catalog.questionnaires import QuestionnaireId, load_questionnaires
from dorsi.clinical.questionnaires import QuestionnaireInput, score
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient, require_actor
from dorsi.services.records import check_day, record_onset
from dorsi.store.models import Measurement, QuestionnaireResponse


class QuestionnairePublic(BaseModel):
    """A scored questionnaire: its score, the measure it was stored as, and the day."""

    model_config = ConfigDict(extra="forbid")

    id: int
    patient_id: int
    questionnaire: QuestionnaireId
    measure: str
    score: float
    date: dt.date
    measurement_id: int
    answers: list[int]


def submit(
    ctx: Ctx, patient_id: int, questionnaire_id: str, data: QuestionnaireInput
) -> QuestionnairePublic:
    """Score the answers and store the score as a measurement (source ``self``)."""
    # An unknown form is refused before the record is read (404 naming the valid ones).
    form = load_questionnaires().get(questionnaire_id)
    patient = load_patient(ctx, patient_id, "questionnaire.submit", form.id)
    today = ctx.now.date()
    day = data.date or today
    check_day(day, today, "date", record_onset(ctx, patient.id) if data.date else None)
    result = score(form.id, data.answers)
    answers = [int(a) for a in data.answers if a is not None]
    actor = require_actor(ctx)
    measurement = Measurement(
        patient_id=patient.id,
        measure_id=result.measure,
        value_num=result.score,
        value_grade=None,
        measured_on=day,
        source="self",
        created_at=ctx.now,
        created_by_id=actor.id,
    )
    ctx.db.add(measurement)
    ctx.db.flush()
    response = QuestionnaireResponse(
        patient_id=patient.id,
        questionnaire=form.id,
        answers=answers,
        score=result.score,
        answered_on=day,
        measurement_id=measurement.id,
        created_at=ctx.now,
        created_by_id=actor.id,
    )
    ctx.db.add(response)
    ctx.db.flush()
    return QuestionnairePublic(
        id=response.id,
        patient_id=patient.id,
        questionnaire=form.id,
        measure=result.measure,
        score=result.score,
        date=day,
        measurement_id=measurement.id,
        answers=answers,
    )


__all__ = ["QuestionnairePublic", "submit"]
