"""``/api/v1`` routes for goals and questionnaires: thin; the services decide.

- ``GET`` / ``POST /patients/{patient_id}/goals``: the goals with their status today; a
  clinician sets one (``measure`` + ``target`` + ``by``, or ``text``).
- ``PATCH`` / ``DELETE /patients/{patient_id}/goals/{goal_id}``: the clinician changes a
  goal or marks it met (``met``), or stops it (kept in the record, out of the reviews).
- ``POST /patients/{patient_id}/questionnaires/lefs`` and ``.../abc``: the item answers in
  order; Dorsi scores them and stores the score as the measure (``lefs``, ``abc_pct``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from dorsi.catalog.questionnaires import QUESTIONNAIRE_IDS, load_questionnaires
from dorsi.clinical.goal_contract import Goal, GoalChange
from dorsi.clinical.questionnaires import AbcAnswers, LefsAnswers, QuestionnaireInput
from dorsi.services import goals, questionnaires
from dorsi.services.goals import GoalPublic
from dorsi.services.questionnaires import QuestionnairePublic
from dorsi.web.api import API_ERRORS, RECORD, PatientId
from dorsi.web.deps import ApiUnit, JsonBody, JsonRoute, action
from dorsi.web.errors import documented

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, route_class=JsonRoute)
GoalId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the goal's id")]


@router.get(
    "/patients/{patient_id}/goals",
    tags=["clinical"],
    summary="The patient's goals, each with its status today",
    description=(
        "`status` is `met` (the latest value reaches the target), `on_track` (a real trend, "
        "at least the measure's MDC over the trend window, carried on reaches the target by "
        "the date), `not_on_track` (the date passed, too few values for a trend, no real "
        "trend, or a trend too slow) or `not_yet_measured` (no value yet; a goal in plain "
        "words is judged by the clinician). `reason` names which (`marked_met`: the "
        "clinician marked it met on `met_on`). Stopped goals only with `?stopped=true`."
    ),
    dependencies=[action("patient.read")],
    responses=RECORD,
)
def list_goals(
    ctx: ApiUnit,
    patient_id: PatientId,
    stopped: Annotated[bool, Query(description="also the goals the clinician stopped")] = False,
) -> list[GoalPublic]:
    return goals.list_goals(ctx, patient_id, stopped=stopped)


@router.post(
    "/patients/{patient_id}/goals",
    tags=["clinical"],
    status_code=201,
    summary="Set a goal: `measure` + `target` + `by`, or `text` in plain words",
    dependencies=[action("goal.write")],
    responses={**RECORD, **documented(409)},
)
def create_goal(ctx: ApiUnit, patient_id: PatientId, body: JsonBody[Goal]) -> GoalPublic:
    return goals.create_goal(ctx, patient_id, body)


@router.patch(
    "/patients/{patient_id}/goals/{goal_id}",
    tags=["clinical"],
    summary="Change a goal, or mark it met (`met`: true) or not (`met`: false)",
    description=(
        "The fields given replace the goal's (`null` clears one); the result must be a goal "
        "`POST` accepts, and a changed `by` must not be in the past. A goal whose content "
        "changes is judged afresh unless `met` comes with the change. 409 for a stopped goal."
    ),
    dependencies=[action("goal.write")],
    responses={**RECORD, **documented(409)},
)
def change_goal(
    ctx: ApiUnit, patient_id: PatientId, goal_id: GoalId, body: JsonBody[GoalChange]
) -> GoalPublic:
    return goals.change_goal(ctx, patient_id, goal_id, body)


@router.delete(
    "/patients/{patient_id}/goals/{goal_id}",
    tags=["clinical"],
    summary="Stop a goal: kept in the record with `stopped_on`, left out of the reviews",
    dependencies=[action("goal.write")],
    responses=RECORD,
)
def stop_goal(ctx: ApiUnit, patient_id: PatientId, goal_id: GoalId) -> GoalPublic:
    return goals.stop_goal(ctx, patient_id, goal_id)


#: each form's body model, whose schema gives the form's number of items and their range
ANSWERS: dict[str, type[QuestionnaireInput]] = {"lefs": LefsAnswers, "abc": AbcAnswers}


def _questionnaire_route(questionnaire_id: str) -> None:
    form = load_questionnaires().get(questionnaire_id)

    def submit(
        ctx: ApiUnit, patient_id: PatientId, body: JsonBody[QuestionnaireInput]
    ) -> QuestionnairePublic:
        return questionnaires.submit(ctx, patient_id, questionnaire_id, body)

    submit.__name__ = f"submit_{questionnaire_id}"
    # FastAPI reads the body's model from the annotation: this form's own.
    submit.__annotations__["body"] = JsonBody[ANSWERS[questionnaire_id]]  # type: ignore[misc, valid-type]
    router.post(
        f"/patients/{{patient_id}}/questionnaires/{questionnaire_id}",
        tags=["clinical"],
        status_code=201,
        summary=f"Answers to the {form.name.en}; Dorsi scores them and stores `{form.measure}`",
        description=(
            f"`answers`: {len(form.items)} whole numbers from {form.answer_min} to "
            f"{form.answer_max}, one per item in order (null: not answered); optional `date`."
        ),
        dependencies=[action("questionnaire.submit")],
        responses=RECORD,
    )(submit)


for _id in QUESTIONNAIRE_IDS:
    _questionnaire_route(_id)


__all__ = ["router"]
