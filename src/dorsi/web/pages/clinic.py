"""The clinician's pages: patient list, new patient, screening, evaluation, program, dashboard."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from dorsi.clinical.contract import parse
from dorsi.errors import ConflictError, InputError
from dorsi.services import patients, programs, progress, records, users
from dorsi.services.context import Actor, Ctx
from dorsi.services.schemas import PatientCreate, PatientLoginCreate, ProgramPublic, Side
from dorsi.services.views import patient_dashboard
from dorsi.web.charts import Point, line_chart
from dorsi.web.pages.common import act, screening_answers
from dorsi.web.pages.forms import compact, csrf_of, field_errors, number, text_of, yes_no
from dorsi.web.runtime import run
from dorsi.web.templating import render

router = APIRouter(prefix="/clinic")
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1)]
SORTS = ("status", "name", "last_session", "newest")


# --- patient list -------------------------------------------------------------------------


@router.get("", openapi_extra=act("patient.list"))
async def patient_list(request: Request, q: str = "", sort: str = "status") -> Response:
    from dorsi.services.progress import BADGE_ORDER

    sort = sort if sort in SORTS else "status"
    needle = q.strip().lower()[:100]

    def work(ctx: Ctx) -> tuple[Actor | None, list[progress.OverviewRow]]:
        return ctx.actor, progress.clinic_overview(ctx)

    actor, rows = await run(request, work, auth_kind="page")
    if needle:
        rows = [r for r in rows if needle in r.patient.display_name.lower()]

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
        {"rows": rows, "q": q[:100], "sort": sort, "sorts": SORTS},
        actor=actor,
    )


# --- new patient ----------------------------------------------------------------------------


@router.get("/patients/new", openapi_extra=act("patient.create"))
async def new_patient_form(request: Request) -> Response:
    def work(ctx: Ctx) -> Actor:
        return patients.require(ctx, "patient.create")

    actor = await run(request, work, auth_kind="page")
    return render(request, "clinic/new_patient.html", _new_patient_context({}), actor=actor)


def _new_patient_context(values: dict[str, str], errors: dict[str, str] | None = None) -> Any:
    """The form's choices come from the program's data, so a new cause shows up here too."""
    from dorsi.clinical.program_rules import load_program_rules

    causes = [(cause, advice.label) for cause, advice in load_program_rules().causes.items()]
    return {"values": values, "errors": errors or {}, "causes": causes, "sides": get_args(Side)}


@router.post("/patients", openapi_extra=act("patient.create"))
async def create_patient(request: Request) -> Response:
    form = await request.form()
    values = {
        "display_name": text_of(form, "display_name", 200),
        "side": text_of(form, "side", 20),
        "cause": text_of(form, "cause", 40),
        "notes": text_of(form, "notes", 6000),
        "preferred_language": text_of(form, "preferred_language", 20) or "en",
    }
    try:
        created = await run(
            request,
            lambda ctx: patients.create_patient(ctx, parse(PatientCreate, values)),
            auth_kind="page",
            csrf=csrf_of(form),
        )
    except InputError as exc:
        actor = await _actor(request)
        return render(
            request,
            "clinic/new_patient.html",
            _new_patient_context(values, field_errors(exc)),
            actor=actor,
            status=422,
        )
    return RedirectResponse(f"/clinic/patients/{created.id}", status_code=303)


async def _actor(request: Request) -> Actor | None:
    return await run(request, lambda ctx: ctx.actor, auth_kind="page")


# --- dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureChart:
    id: str
    name: str
    unit: str
    svg: str
    values: list[tuple[dt.date, str, str]]
    review: Any
    mdc_rule: str
    #: no published MDC (walking speed from a phone video): values only, never judged
    trend_only: bool = False
    #: the review in clinical words, as the progress note and the FHIR export word it
    statement: str = ""
    #: an MMT grade (said "grade 4" to the patient), not a number with a unit
    is_grade: bool = False


def measure_charts(dashboard: Any) -> list[MeasureChart]:
    """One chart per measure, with the band of no real change (baseline +/- MDC)."""
    from dorsi.catalog.measures import load_measures
    from dorsi.catalog.mmt import numeric
    from dorsi.interop.fhir_review import statement

    catalog = load_measures()
    left_out = {item.measurement_id for item in dashboard.set_aside}  # the review leaves them out
    by_id: dict[str, list[Any]] = {}
    for m in dashboard.measurements:
        if m.id not in left_out:
            by_id.setdefault(m.measure_id, []).append(m)
    charts = []
    for measure in catalog.measures:
        items = by_id.get(measure.id)
        if not items:
            continue
        review = dashboard.progress.measures.get(measure.id)
        points = [
            Point(
                m.measured_on,
                numeric(m.value_grade) if m.value_grade is not None else float(m.value_num),
            )
            for m in items
        ]
        band = None
        if review is not None:
            base = points[0].value
            band = (base - review.mdc, base + review.mdc)
        title = f"{measure.name} over time ({measure.unit})"
        charts.append(
            MeasureChart(
                id=measure.id,
                name=measure.name,
                unit=measure.unit,
                svg=line_chart(points, title=title, unit=measure.unit, band=band),
                values=[
                    (
                        m.measured_on,
                        m.value_grade if m.value_grade is not None else f"{m.value_num:g}",
                        m.source,
                    )
                    for m in items
                ],
                review=review,
                mdc_rule=measure.mdc_rule,
                trend_only=measure.trend_only,
                statement=statement(review, measure) if review is not None else "",
                is_grade=measure.value_kind == "mmt_grade",
            )
        )
    return charts


def pain_chart(sessions: list[Any]) -> str:
    points = sorted(
        (Point(s.session_date, float(s.pain_nrs)) for s in sessions), key=lambda p: p.day
    )
    return line_chart(points, title="Pain after sessions (0-10)", unit="/10", y_min=0, y_max=10)


@router.get("/patients/{patient_id}", openapi_extra=act("patient.read"))
async def dashboard(request: Request, patient_id: PatientId) -> Response:
    return await dashboard_page(request, patient_id)


async def dashboard_page(
    request: Request, patient_id: int, *, status: int = 200, **extra: Any
) -> Response:
    """The clinician's patient page (``extra``: e.g. a form's errors and what was typed)."""

    def work(ctx: Ctx) -> tuple[Actor | None, Any]:
        return ctx.actor, patient_dashboard(ctx, patient_id)

    actor, data = await run(request, work, auth_kind="page")
    return render(
        request,
        "clinic/dashboard.html",
        {
            "d": data,
            "charts": measure_charts(data),
            "pain_svg": pain_chart(data.sessions),
            "exercise_names": exercise_names(),
            "errors": {},
            "values": {},
            **extra,
        },
        actor=actor,
        status=status,
    )


def exercise_names() -> dict[str, str]:
    from dorsi.catalog.exercises import load_exercises

    return {e.id: e.name for e in load_exercises().exercises}


# --- screening ------------------------------------------------------------------------------


async def _screening_page(
    request: Request,
    patient_id: int,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    from dorsi.catalog.red_flags import load_red_flags

    def work(ctx: Ctx) -> tuple[Actor | None, Any]:
        patient = patients.load_patient(ctx, patient_id, "patient.screen", "screening form")
        return ctx.actor, patients.public(ctx, patient)

    actor, patient = await run(request, work, auth_kind="page")
    return render(
        request,
        "clinic/screening.html",
        {
            "patient": patient,
            "questions": load_red_flags().questions,
            "values": values,
            "errors": errors or {},
        },
        actor=actor,
        status=status,
    )


@router.get("/patients/{patient_id}/screening", openapi_extra=act("patient.screen"))
async def screening_form(request: Request, patient_id: PatientId) -> Response:
    return await _screening_page(request, patient_id, values={})


@router.post("/patients/{patient_id}/screening", openapi_extra=act("patient.screen"))
async def screening_save(request: Request, patient_id: PatientId) -> Response:
    from dorsi.catalog.red_flags import load_red_flags

    form = await request.form()
    answers = screening_answers(form, load_red_flags().questions)
    try:
        await run(
            request,
            lambda ctx: records.record_screening(ctx, patient_id, answers),
            auth_kind="page",
            csrf=csrf_of(form),
        )
    except InputError as exc:
        return await _screening_page(
            request, patient_id, values=answers, errors=field_errors(exc), status=422
        )
    return RedirectResponse(f"/clinic/patients/{patient_id}#screening", status_code=303)


# --- evaluation -----------------------------------------------------------------------------


def evaluation_fields() -> tuple[list[Any], list[Any], tuple[str, ...]]:
    """(measures that are plan inputs, other measures, equipment choices)."""
    from dorsi.catalog.measures import load_measures
    from dorsi.clinical.program import PlanInput

    plan_fields = PlanInput.model_fields
    measures = load_measures().measures
    in_plan = [m for m in measures if m.id in plan_fields]
    others = [m for m in measures if m.id not in plan_fields]
    equipment = tuple(plan_fields["equipment"].default or ())
    return in_plan, others, equipment


def evaluation_body(form: FormData) -> tuple[dict[str, Any], list[str]]:
    """The API body for a submitted evaluation form, and the order of the extra measures."""
    from dorsi.clinical.program import PlanInput

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
    if extra:
        body["measures"] = extra
    day = text_of(form, "date", 20).strip()
    if day:
        body["date"] = day
    return compact(body) | {"equipment": body["equipment"]}, extra_ids


def _error_field(field: str, extra_ids: list[str]) -> str:
    parts = field.split(".")
    if parts[0] == "measures" and len(parts) > 1 and parts[1].isdigit():
        index = int(parts[1])
        if index < len(extra_ids):
            return extra_ids[index]
    return parts[0]


async def _evaluation_page(
    request: Request,
    patient_id: int,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    from dorsi.catalog.mmt import GRADES
    from dorsi.clinical.program import PlanInput
    from dorsi.clinical.program_rules import CAUSES

    def work(ctx: Ctx) -> tuple[Actor | None, Any]:
        patient = patients.load_patient(ctx, patient_id, "patient.evaluate", "evaluation form")
        return ctx.actor, patients.public(ctx, patient)

    actor, patient = await run(request, work, auth_kind="page")
    in_plan, others, equipment = evaluation_fields()
    if not values:
        values = {"side": patient.side, "cause": patient.cause, "equipment": list(equipment)}
    return render(
        request,
        "clinic/evaluation.html",
        {
            "patient": patient,
            "in_plan": in_plan,
            "others": others,
            "equipment": equipment,
            "grades": GRADES,
            "causes": CAUSES,
            "values": values,
            "errors": errors or {},
            "required": {m.id for m in in_plan if PlanInput.model_fields[m.id].is_required()},
        },
        actor=actor,
        status=status,
    )


@router.get("/patients/{patient_id}/evaluation", openapi_extra=act("patient.evaluate"))
async def evaluation_form(request: Request, patient_id: PatientId) -> Response:
    return await _evaluation_page(request, patient_id, values={})


@router.post("/patients/{patient_id}/evaluation", openapi_extra=act("patient.evaluate"))
async def evaluation_save(request: Request, patient_id: PatientId) -> Response:
    form = await request.form()
    body, extra_ids = evaluation_body(form)
    try:
        await run(
            request,
            lambda ctx: records.record_evaluation(ctx, patient_id, body),
            auth_kind="page",
            csrf=csrf_of(form),
        )
    except InputError as exc:
        shown = {k: v for k, v in form.items() if isinstance(v, str)}
        shown["equipment"] = body.get("equipment", [])
        message = {_error_field(exc.field or "(input)", extra_ids): exc.detail}
        return await _evaluation_page(request, patient_id, values=shown, errors=message, status=422)
    return RedirectResponse(f"/clinic/patients/{patient_id}/program", status_code=303)


# --- program editing ------------------------------------------------------------------------


def _catalog() -> Any:
    from dorsi.catalog.exercises import load_exercises

    return load_exercises()


def program_rows(form: FormData) -> tuple[list[dict[str, Any]], str]:
    """The exercises as edited in the form (removed ones dropped), and the notes."""
    rows: list[dict[str, Any]] = []
    for ex_id in [str(v) for v in form.getlist("exercise")][:12]:
        if text_of(form, f"{ex_id}__remove", 5):
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


async def _program_page(
    request: Request,
    patient_id: int,
    *,
    rows: list[dict[str, Any]] | None = None,
    notes: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    def work(ctx: Ctx) -> tuple[Actor | None, Any, ProgramPublic | None, list[ProgramPublic]]:
        patient = patients.load_patient(ctx, patient_id, "program.write", "program form")
        draft = programs.latest_version(ctx, patient.id)
        versions = [programs.program_public(p) for p in programs.versions(ctx, patient.id)]
        return (
            ctx.actor,
            patients.public(ctx, patient),
            programs.program_public(draft) if draft else None,
            versions,
        )

    actor, patient, draft, versions = await run(request, work, auth_kind="page")
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
        actor=actor,
        status=status,
    )


@router.get("/patients/{patient_id}/program", openapi_extra=act("program.write"))
async def program_form(request: Request, patient_id: PatientId) -> Response:
    return await _program_page(request, patient_id)


@router.post("/patients/{patient_id}/program", openapi_extra=act("program.write"))
async def program_save(request: Request, patient_id: PatientId) -> Response:
    form = await request.form()
    rows, notes = program_rows(form)
    op = text_of(form, "op", 10)
    if op == "add":
        # Editing the form is not a write: check the token, then show the form again.
        await run(request, lambda ctx: None, auth_kind="page", csrf=csrf_of(form))
        added = text_of(form, "add_exercise", 48)
        known = {e.id for e in _catalog().exercises}
        if added in known and added not in {r["id"] for r in rows}:
            rows.append(default_row(added))
        return await _program_page(request, patient_id, rows=rows, notes=notes)
    body = {"exercises": rows, "notes": notes}
    try:
        await run(
            request,
            lambda ctx: programs.assign_program(ctx, patient_id, json.dumps(body)),
            auth_kind="page",
            csrf=csrf_of(form),
        )
    except (InputError, ConflictError) as exc:
        field = exc.field if isinstance(exc, InputError) else None
        errors = {"(input)": exc.message}
        if field and field.startswith("exercises.") and field.split(".")[1].isdigit():
            index = int(field.split(".")[1])
            if index < len(rows):
                errors = {rows[index]["id"]: f"{'.'.join(field.split('.')[2:])}: {exc.detail}"}  # type: ignore[union-attr]
        elif isinstance(exc, InputError):
            errors = {"(input)": exc.message}
        return await _program_page(
            request, patient_id, rows=rows, notes=notes, errors=errors, status=422
        )
    return RedirectResponse(f"/clinic/patients/{patient_id}#program", status_code=303)


# --- the patient's login --------------------------------------------------------------------


@router.post("/patients/{patient_id}/signout", openapi_extra=act("patient.signout"))
async def sign_out_patient(request: Request, patient_id: PatientId) -> Response:
    form = await request.form()
    actor, ended = await run(
        request,
        lambda ctx: (ctx.actor, users.sign_out_patient_everywhere(ctx, patient_id)),
        auth_kind="page",
        csrf=csrf_of(form),
    )
    return render(
        request,
        "clinic/login_result.html",
        {"patient_id": patient_id, "ended": ended},
        actor=actor,
    )


@router.post("/patients/{patient_id}/login", openapi_extra=act("patient.login"))
async def create_login(request: Request, patient_id: PatientId) -> Response:
    form = await request.form()
    values = compact(
        {
            "username": text_of(form, "username", 100),
            "password": text_of(form, "password", 300) or None,
        }
    )
    try:
        result = await run(
            request,
            lambda ctx: (
                ctx.actor,
                patients.create_patient_login(ctx, patient_id, parse(PatientLoginCreate, values)),
            ),
            auth_kind="page",
            csrf=csrf_of(form),
        )
    except (InputError, ConflictError) as exc:
        actor = await _actor(request)
        return render(
            request,
            "clinic/login_result.html",
            {"patient_id": patient_id, "error": exc.message},
            actor=actor,
            status=422 if isinstance(exc, InputError) else 409,
        )
    actor, login = result
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
