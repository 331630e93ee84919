"""The clinician's pages: patient list, new patient, screening, evaluation, program, dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from dorsi.catalog.brace import load_brace_rules
from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.measures import load_measures
from dorsi.catalog.mmt import GRADES
from dorsi.catalog.red_flags import load_red_flags
from dorsi.catalog.rtm_codes import load_rtm_codes
from dorsi.clinical.contract import parse
from dorsi.clinical.program import PlanInput
from dorsi.clinical.program_rules import CAUSES, load_program_rules
from dorsi.clinical.screening import ScreenInput
from dorsi.errors import ConflictError, InputError
from dorsi.services import brace, messages, patients, programs, progress, records, rtm, users
from dorsi.services.alert_words import clinical_texts
from dorsi.services.context import Ctx, attempt
from dorsi.services.evaluation_prefill import evaluation_prefill
from dorsi.services.progress import BADGE_ORDER
from dorsi.services.schemas import (
    EvaluationIn,
    PatientCreate,
    PatientLoginCreate,
    ProgramPublic,
    ProgramUpdate,
    Side,
)
from dorsi.services.views import patient_dashboard
from dorsi.services.worklist import open_kinds
from dorsi.services.worklist_items import KINDS, label
from dorsi.web.deps import CsrfChecked, FormFields, PageUnit, action
from dorsi.web.measure_charts import measure_charts, pain_chart
from dorsi.web.pages.common import screening_answers
from dorsi.web.pages.forms import (
    PROGRAM_WORDS,
    FormText,
    clipped,
    compact,
    field_errors,
    number,
    row_errors,
    text_of,
    yes_no,
)
from dorsi.web.templating import render

router = APIRouter(prefix="/clinic")
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1)]
SORTS = ("status", "name", "last_session", "newest")


# --- patient list -------------------------------------------------------------------------


@router.get("", dependencies=[action("patient.list")])
def patient_list(
    request: Request, ctx: PageUnit, q: str = "", sort: str = "status", kind: str = ""
) -> Response:
    sort = sort if sort in SORTS else "status"
    needle = q.strip().lower()[:100]
    kind = kind if kind in KINDS else ""
    actor, rows = ctx.actor, progress.clinic_overview(ctx)
    # the worklist's open items, only when the list is filtered by one of their kinds
    kinds = open_kinds(ctx) if kind else {}
    if needle:
        rows = [r for r in rows if needle in r.patient.display_name.lower()]
    if kind:
        rows = [r for r in rows if kind in kinds.get(r.patient.id, set())]

    def severity(row: progress.OverviewRow) -> int:
        return min((BADGE_ORDER.index(b) for b in row.badges), default=len(BADGE_ORDER))

    if sort == "status":
        rows.sort(key=lambda r: (severity(r), r.patient.display_name.lower()))
    elif sort == "name":
        rows.sort(key=lambda r: r.patient.display_name.lower())
    elif sort == "last_session":
        rows.sort(key=lambda r: r.last_session or dt.date.min, reverse=True)
    else:
        rows.sort(key=lambda r: r.patient.created_at, reverse=True)
    return render(
        request,
        "clinic/patients.html",
        {
            "rows": rows,
            "q": q[:100],
            "sort": sort,
            "sorts": SORTS,
            "kind": kind,
            "kinds": [(k, label(k)) for k in KINDS],
        },
        actor=actor,
    )


# --- new patient ----------------------------------------------------------------------------


@router.get("/patients/new", dependencies=[action("patient.create")])
def new_patient_form(request: Request, ctx: PageUnit) -> Response:
    actor = patients.require(ctx, "patient.create")
    return render(request, "clinic/new_patient.html", _new_patient_context({}), actor=actor)


def _new_patient_context(values: dict[str, str], errors: dict[str, str] | None = None) -> Any:
    """The form's choices come from the program's data, so a new cause shows up here too."""
    causes = [(cause, advice.label) for cause, advice in load_program_rules().causes.items()]
    return {"values": values, "errors": errors or {}, "causes": causes, "sides": get_args(Side)}


@router.post("/patients", dependencies=[action("patient.create")])
def create_patient(request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields) -> Response:
    values = {
        "display_name": text_of(form, "display_name", 200),
        "side": text_of(form, "side", 20),
        "cause": text_of(form, "cause", 40),
        "notes": text_of(form, "notes", 6000),
        "preferred_language": text_of(form, "preferred_language", 20) or "en",
    }
    try:
        created = attempt(ctx, lambda: patients.create_patient(ctx, parse(PatientCreate, values)))
    except InputError as exc:
        # The form comes back as typed (a note over the limit is not cut: it is named).
        shown = values | {k: v for k, v in form.items() if isinstance(v, str) and k in values}
        return render(
            request,
            "clinic/new_patient.html",
            _new_patient_context(shown, field_errors(exc)),
            actor=ctx.actor,
            status=422,
        )
    return RedirectResponse(f"/clinic/patients/{created.id}", status_code=303)


# --- dashboard ------------------------------------------------------------------------------


@router.get("/patients/{patient_id}", dependencies=[action("patient.read")])
def dashboard(request: Request, ctx: PageUnit, patient_id: PatientId) -> Response:
    return dashboard_page(request, ctx, patient_id)


def dashboard_page(
    request: Request, ctx: Ctx, patient_id: int, *, status: int = 200, **extra: Any
) -> Response:
    """The clinician's patient page (``extra``: e.g. a form's errors and what was typed)."""
    data = patient_dashboard(ctx, patient_id)  # checks access and audits the read
    today = ctx.now.date()
    brace_view = brace.brace_summary(ctx.db, patient_id, today)
    rtm_view = rtm.summary_of(ctx.db, patient_id, today)
    thread = messages.thread(ctx, patient_id)
    return render(
        request,
        "clinic/dashboard.html",
        {
            "d": data,
            "today": today,  # the summary flags an overdue reassessment
            "brace": brace_view,
            "rtm": rtm_view,
            "rtm_codes": rtm_code_rows(),
            # the review's alerts in clinical words (its own messages speak to the patient)
            "alert_texts": clinical_texts(data.progress),
            "thread": thread,
            "message_max": messages.MESSAGE_MAX_CHARS,
            "charts": measure_charts(data),
            "pain_svg": pain_chart(data.sessions),
            "exercise_names": exercise_names(),
            "goal_measures": goal_measures(),
            "errors": {},
            "values": {},
            **extra,
        },
        actor=ctx.actor,
        status=status,
    )


def rtm_code_rows() -> list[Any]:
    """The RTM codes with their thresholds, years, sources and verified flags (the table
    under the period table, so the clinician sees what each threshold rests on)."""
    return list(load_rtm_codes().codes)


def goal_measures() -> list[Any]:
    """The measures a goal can be set on: those with an MDC (a trend-only one is not judged)."""
    return [m for m in load_measures().measures if not m.trend_only]


def measures_by_id() -> dict[str, Any]:
    return {m.id: m for m in load_measures().measures}


def exercise_names() -> dict[str, str]:
    return {e.id: e.name for e in load_exercises().exercises}


# --- screening ------------------------------------------------------------------------------


def _screening_page(
    request: Request,
    ctx: Ctx,
    patient_id: int,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    record = patients.load_patient(ctx, patient_id, "patient.screen", "screening form")
    patient = patients.public(ctx, record)
    return render(
        request,
        "clinic/screening.html",
        {
            "patient": patient,
            "questions": load_red_flags().questions,
            "values": values,
            "errors": errors or {},
        },
        actor=ctx.actor,
        status=status,
    )


@router.get("/patients/{patient_id}/screening", dependencies=[action("patient.screen")])
def screening_form(request: Request, ctx: PageUnit, patient_id: PatientId) -> Response:
    return _screening_page(request, ctx, patient_id, values={})


@router.post("/patients/{patient_id}/screening", dependencies=[action("patient.screen")])
def screening_save(
    request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields, patient_id: PatientId
) -> Response:
    answers = screening_answers(form, load_red_flags().questions)
    try:
        attempt(ctx, lambda: records.record_screening(ctx, patient_id, parse(ScreenInput, answers)))
    except InputError as exc:
        return _screening_page(
            request, ctx, patient_id, values=answers, errors=field_errors(exc), status=422
        )
    return RedirectResponse(f"/clinic/patients/{patient_id}#screening", status_code=303)


# --- evaluation -----------------------------------------------------------------------------


def evaluation_fields() -> tuple[list[Any], list[Any], tuple[str, ...]]:
    """(measures that are plan inputs, other measures, equipment choices)."""
    plan_fields = PlanInput.model_fields
    measures = load_measures().measures
    # The passive ankle range has its own input among the patient details (with its advice).
    in_plan = [m for m in measures if m.id in plan_fields and m.id != "ankle_df_passive_deg"]
    others = [m for m in measures if m.id not in plan_fields]
    equipment = tuple(plan_fields["equipment"].default or ())
    return in_plan, others, equipment


def evaluation_body(form: FormData) -> tuple[dict[str, Any], list[str]]:
    """The API body for a submitted evaluation form, and the order of the extra measures."""
    in_plan, others, _ = evaluation_fields()
    body: dict[str, Any] = {
        "side": text_of(form, "side", 20),
        "cause": text_of(form, "cause", 40),
        "weeks_since_onset": number(text_of(form, "weeks_since_onset", 20)),
        "uses_afo": yes_no(text_of(form, "uses_afo", 10)),
        "equipment": [str(v) for v in form.getlist("equipment")],
    }
    # Optional patient details (issue 17); left empty = not given.
    for name in ("age_years", "ankle_df_passive_deg"):
        raw_value = text_of(form, name, 20).strip()
        if raw_value:
            body[name] = number(raw_value)
    sensation = text_of(form, "sensation", 20).strip()
    if sensation:
        body["sensation"] = sensation
    for measure in in_plan:
        raw = text_of(form, measure.id, 20).strip()
        required = PlanInput.model_fields[measure.id].is_required()
        if raw or required:
            body[measure.id] = raw if measure.value_kind == "mmt_grade" else number(raw)
    extra_ids: list[str] = []
    extra: list[dict[str, Any]] = []
    for measure in others:
        raw = text_of(form, measure.id, 20).strip()
        if raw:
            value = raw if measure.value_kind == "mmt_grade" else number(raw)
            extra.append({"measure": measure.id, "value": value})
            extra_ids.append(measure.id)
    _brace_fields(form, body, extra, extra_ids)
    if extra:
        body["measures"] = extra
    day = text_of(form, "date", 20).strip()
    if day:
        body["date"] = day
    return compact(body) | {"equipment": body["equipment"]}, extra_ids


#: the form's second 10-metre walk, the other way (with or without the brace)
OTHER_WALK = "gait_speed_other_mps"


def _brace_fields(
    form: FormData, body: dict[str, Any], extra: list[dict[str, Any]], extra_ids: list[str]
) -> None:
    """The brace part of the form: the wear target, whether the walk test was walked with
    the brace, and the same walk the other way (an extra measure marked the other way)."""
    target = text_of(form, "brace_wear_target_hours", 20).strip()
    if target:
        body["brace_wear_target_hours"] = number(target)
    marked = yes_no(text_of(form, "gait_speed_with_brace", 10))
    if isinstance(marked, bool):
        body["gait_speed_with_brace"] = marked
    other = text_of(form, OTHER_WALK, 20).strip()
    if other:
        walk: dict[str, Any] = {"measure": "gait_speed_mps", "value": number(other)}
        walk["with_brace"] = (not marked) if isinstance(marked, bool) else None
        extra.append(walk)
        extra_ids.append(OTHER_WALK)


def check_brace_walks(form: FormData) -> None:
    """The second walk needs to know which way the first was walked."""
    if text_of(form, OTHER_WALK, 20).strip() and not isinstance(
        yes_no(text_of(form, "gait_speed_with_brace", 10)), bool
    ):
        raise InputError(
            "say whether the walk test above was with or without the brace (the second "
            "walk is then the other way)",
            field="gait_speed_with_brace",
        )


def _error_field(field: str, extra_ids: list[str]) -> str:
    parts = field.split(".")
    if parts[0] == "measures" and len(parts) > 1 and parts[1].isdigit():
        index = int(parts[1])
        if index < len(extra_ids):
            return extra_ids[index]
    return parts[0]


def _evaluation_page(
    request: Request,
    ctx: Ctx,
    patient_id: int,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    record = patients.load_patient(ctx, patient_id, "patient.evaluate", "evaluation form")
    patient = patients.public(ctx, record)
    in_plan, others, equipment = evaluation_fields()
    # Lasting facts filled in; the last measured values are shown beside the empty inputs.
    known = evaluation_prefill(ctx, record, equipment)
    if not values:
        values = known.facts
    return render(
        request,
        "clinic/evaluation.html",
        {
            "patient": patient,
            "in_plan": in_plan,
            "others": others,
            "passive": measures_by_id()["ankle_df_passive_deg"],
            "brace_default_hours": load_brace_rules().default_wear_target_hours.value,
            "equipment": equipment,
            "grades": GRADES,
            "causes": CAUSES,
            "values": values,
            "last": known.last,
            "onset": known.onset,
            "errors": errors or {},
            "required": {m.id for m in in_plan if PlanInput.model_fields[m.id].is_required()},
        },
        actor=ctx.actor,
        status=status,
    )


@router.get("/patients/{patient_id}/evaluation", dependencies=[action("patient.evaluate")])
def evaluation_form(request: Request, ctx: PageUnit, patient_id: PatientId) -> Response:
    return _evaluation_page(request, ctx, patient_id, values={})


@router.post("/patients/{patient_id}/evaluation", dependencies=[action("patient.evaluate")])
def evaluation_save(
    request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields, patient_id: PatientId
) -> Response:
    body, extra_ids = evaluation_body(form)
    try:
        check_brace_walks(form)
        attempt(ctx, lambda: records.record_evaluation(ctx, patient_id, parse(EvaluationIn, body)))
    except InputError as exc:
        shown = {k: v for k, v in form.items() if isinstance(v, str)}
        shown["equipment"] = body.get("equipment", [])
        message = {_error_field(exc.field or "(input)", extra_ids): exc.detail}
        return _evaluation_page(request, ctx, patient_id, values=shown, errors=message, status=422)
    return RedirectResponse(f"/clinic/patients/{patient_id}/program", status_code=303)


# --- program editing ------------------------------------------------------------------------


def _catalog() -> Any:
    return load_exercises()


def program_rows(form: FormData, *, keep_removed: bool = False) -> tuple[list[dict[str, Any]], str]:
    """The exercises as edited in the form (removed ones dropped unless ``keep_removed``:
    a refused form comes back with every exercise as it was), and the notes."""
    rows: list[dict[str, Any]] = []
    for ex_id in [str(v) for v in form.getlist("exercise")][:12]:
        if text_of(form, f"{ex_id}__remove", 5) and not keep_removed:
            continue
        cues = [c.strip() for c in text_of(form, f"{ex_id}__cues", 2000).splitlines() if c.strip()]
        row: dict[str, Any] = {
            "id": ex_id,
            "sets": number(text_of(form, f"{ex_id}__sets", 10)),
            "rest_s": number(text_of(form, f"{ex_id}__rest_s", 10)),
            "days_per_week": number(text_of(form, f"{ex_id}__days_per_week", 10)),
            "support": text_of(form, f"{ex_id}__support", 20),
            "cues": cues,
            "notes": text_of(form, f"{ex_id}__notes", 1000),
        }
        amount_kind = text_of(form, f"{ex_id}__amount_kind", 10)
        amount = number(text_of(form, f"{ex_id}__amount", 10))
        row["hold_s" if amount_kind == "hold_s" else "reps"] = amount
        rows.append(row)
    return rows, text_of(form, "notes", 5000)


def default_row(exercise_id: str) -> dict[str, Any]:
    """A newly added exercise: its catalog dosage; hand support for upright ones (the safer
    default, which the clinician may change)."""
    exercise = _catalog().get(exercise_id)
    dose = exercise.dosage
    row: dict[str, Any] = {
        "id": exercise.id,
        "sets": int(dose.sets.value),
        "rest_s": int(dose.rest_s.value),
        "days_per_week": int(dose.days_per_week.value),
        "support": "hand_support" if exercise.kind.upright else "none",
        "cues": list(exercise.form_cues[:2]),
        "notes": "",
    }
    if dose.hold_s is not None:
        row["hold_s"] = int(dose.hold_s.value)
    else:
        row["reps"] = int(dose.reps.value) if dose.reps is not None else 10
    return row


def rows_of(program: ProgramPublic) -> list[dict[str, Any]]:
    return [e.model_dump(mode="json") for e in program.exercises]


def _program_page(
    request: Request,
    ctx: Ctx,
    patient_id: int,
    *,
    rows: list[dict[str, Any]] | None = None,
    notes: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    record = patients.load_patient(ctx, patient_id, "program.write", "program form")
    latest = programs.latest_version(ctx, record.id)
    versions = [programs.program_public(p) for p in programs.versions(ctx, record.id)]
    patient = patients.public(ctx, record)
    draft = programs.program_public(latest) if latest else None
    if rows is None:
        rows = rows_of(draft) if draft else []
    if notes is None:
        notes = draft.notes if draft else ""
    catalog = _catalog()
    present = {r["id"] for r in rows}
    return render(
        request,
        "clinic/program.html",
        {
            "patient": patient,
            "draft": draft,
            "rows": rows,
            "notes": notes,
            "errors": errors or {},
            "catalog": {e.id: e for e in catalog.exercises},
            "addable": [e for e in catalog.exercises if e.id not in present],
            "versions": versions,
        },
        actor=ctx.actor,
        status=status,
    )


@router.get("/patients/{patient_id}/program", dependencies=[action("program.write")])
def program_form(request: Request, ctx: PageUnit, patient_id: PatientId) -> Response:
    return _program_page(request, ctx, patient_id)


@router.post("/patients/{patient_id}/program", dependencies=[action("program.write")])
def program_save(
    request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields, patient_id: PatientId
) -> Response:
    rows, notes = program_rows(form)
    op = text_of(form, "op", 10)
    if op == "add":
        # Editing the form is not a write: show the form again with the exercise added.
        added = text_of(form, "add_exercise", 48)
        known = {e.id for e in _catalog().exercises}
        if added in known and added not in {r["id"] for r in rows}:
            rows.append(default_row(added))
        return _program_page(request, ctx, patient_id, rows=rows, notes=notes)
    body = {"exercises": rows, "notes": notes}
    try:
        attempt(ctx, lambda: programs.assign_program(ctx, patient_id, parse(ProgramUpdate, body)))
    except (InputError, ConflictError) as exc:
        errors = row_errors(exc, "exercises", [r["id"] for r in rows], special=PROGRAM_WORDS)
        shown, _kept_notes = program_rows(form, keep_removed=True)
        return _program_page(
            request, ctx, patient_id, rows=shown, notes=notes, errors=errors, status=422
        )
    return RedirectResponse(f"/clinic/patients/{patient_id}#program", status_code=303)


# --- the patient's login --------------------------------------------------------------------


@router.post("/patients/{patient_id}/signout", dependencies=[action("patient.signout")])
def sign_out_patient(
    request: Request, ctx: PageUnit, _: CsrfChecked, patient_id: PatientId
) -> Response:
    ended = users.sign_out_patient_everywhere(ctx, patient_id)
    return render(
        request,
        "clinic/login_result.html",
        {"patient_id": patient_id, "ended": ended},
        actor=ctx.actor,
    )


@router.post("/patients/{patient_id}/login", dependencies=[action("patient.login")])
def create_login(
    request: Request,
    ctx: PageUnit,
    _: CsrfChecked,
    patient_id: PatientId,
    username: Annotated[FormText, clipped(100)] = "",
    password: Annotated[FormText, clipped(300)] = "",
) -> Response:
    values = compact({"username": username, "password": password or None})
    try:
        login = attempt(
            ctx,
            lambda: patients.create_patient_login(
                ctx, patient_id, parse(PatientLoginCreate, values)
            ),
        )
    except (InputError, ConflictError) as exc:
        return render(
            request,
            "clinic/login_result.html",
            {"patient_id": patient_id, "error": exc.message},
            actor=ctx.actor,
            status=422 if isinstance(exc, InputError) else 409,
        )
    actor = ctx.actor
    link = (
        str(request.base_url).rstrip("/") + f"/signin/{login.sign_in_link}"
        if login.sign_in_link
        else None
    )
    return render(
        request,
        "clinic/login_result.html",
        {"patient_id": patient_id, "login": login, "link": link},
        actor=actor,
    )


__all__ = ["router"]
