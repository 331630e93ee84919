"""Pages for goals and questionnaires: thin; the services decide.

- The clinician sets a goal from the patient page (``POST /clinic/patients/{id}/goals``).
- The patient answers a questionnaire on their phone (``/me/questionnaires/lefs`` and
  ``/abc``); the score goes to "My progress".
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from dorsi.catalog.questionnaires import QUESTIONNAIRE_IDS, load_questionnaires
from dorsi.clinical.contract import parse
from dorsi.clinical.goal_contract import Goal
from dorsi.clinical.questionnaires import QuestionnaireInput
from dorsi.errors import InputError
from dorsi.services import goals, questionnaires
from dorsi.services.context import Ctx, attempt
from dorsi.services.views import patient_today
from dorsi.web.deps import CsrfChecked, FormFields, PageUnit, action
from dorsi.web.i18n import page_language
from dorsi.web.pages.clinic import dashboard_page
from dorsi.web.pages.forms import compact, field_errors, number, text_of
from dorsi.web.pages.patient import own_patient_id
from dorsi.web.templating import render

router = APIRouter()
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def goal_body(form: FormData) -> dict[str, Any]:
    """The API body of the goal form (fields left empty are not given)."""
    target = text_of(form, "target", 20).strip()
    return compact(
        {
            "measure": text_of(form, "measure", 64).strip(),
            "target": number(target) if target else "",
            "by": text_of(form, "by", 20).strip(),
            "text": text_of(form, "text", 600).strip(),
        }
    )


@router.post("/clinic/patients/{patient_id}/goals", dependencies=[action("goal.write")])
def set_goal(
    request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields, patient_id: PatientId
) -> Response:
    body = goal_body(form)
    try:
        attempt(ctx, lambda: goals.create_goal(ctx, patient_id, parse(Goal, body)))
    except InputError as exc:
        typed = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        return dashboard_page(
            request, ctx, patient_id, status=422, errors=field_errors(exc), values=typed
        )
    return RedirectResponse(f"/clinic/patients/{patient_id}#goals", status_code=303)


def answers_body(form: FormData, count: int) -> dict[str, Any]:
    """The API body of a questionnaire form: one answer per item (None when left out)."""
    answers: list[Any] = []
    for index in range(1, count + 1):
        raw = text_of(form, f"item_{index}", 10).strip()
        answers.append(number(raw) if raw else None)
    return {"answers": answers}


def _questionnaire_page(
    request: Request,
    ctx: Ctx,
    questionnaire_id: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    data = patient_today(ctx, own_patient_id(ctx), detail=f"questionnaire {questionnaire_id}")
    actor, saved = ctx.actor, data.patient.preferred_language
    lang = page_language(request, actor, saved=saved)
    context = {
        "form": load_questionnaires().get(questionnaire_id),
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "me/questionnaire.html", context, actor=actor, status=status, lang=lang)


def _routes(questionnaire_id: str) -> None:
    count = len(load_questionnaires().get(questionnaire_id).items)
    path = f"/me/questionnaires/{questionnaire_id}"

    def show(request: Request, ctx: PageUnit) -> Response:
        return _questionnaire_page(request, ctx, questionnaire_id)

    def send(request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields) -> Response:
        body = answers_body(form, count)

        def work() -> Any:
            return questionnaires.submit(
                ctx, own_patient_id(ctx), questionnaire_id, parse(QuestionnaireInput, body)
            )

        try:
            result = attempt(ctx, work)
        except InputError as exc:
            typed = {k: v for k, v in form.items() if isinstance(v, str)}
            return _questionnaire_page(
                request, ctx, questionnaire_id, status=422, errors=field_errors(exc), values=typed
            )
        return RedirectResponse(f"/me/progress#m-{result.measure}", status_code=303)

    show.__name__ = f"questionnaire_{questionnaire_id}"
    send.__name__ = f"answer_{questionnaire_id}"
    router.get(path, dependencies=[action("self.patient.read")])(show)
    router.post(path, dependencies=[action("self.questionnaire.submit")])(send)


for _id in QUESTIONNAIRE_IDS:
    _routes(_id)


__all__ = ["router"]
