"""Documents over the web: the FHIR export (API) and the PDF/CSV downloads (pages).

- ``GET /api/v1/patients/{id}/fhir``: the FHIR R4 Bundle (``application/fhir+json``).
- ``GET /clinic/patients/{id}/fhir.json``: the same Bundle, downloaded from the patient page.
- ``GET /clinic/patients/{id}/progress-note.pdf?from=&to=&paper=``: the progress note.
- ``GET /clinic/patients/{id}/handout.pdf?paper=``: the home-exercise handout.
- ``GET /clinic/patients/{id}/measurements.csv`` and ``.../sessions.csv``: spreadsheets.
- ``GET /me/handout.pdf?paper=``: the signed-in patient's own handout.

All are reads of one record (policy action ``patient.read``), audited by the service with the
document's name. Nothing changes on GET. Answers are never cached (``no-store`` everywhere).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import RedirectResponse, Response

from dorsi.errors import ConflictError, PermissionDeniedError
from dorsi.services import documents
from dorsi.web.deps import ApiUnit, JsonRoute, PageUnit, action
from dorsi.web.errors import documented

api_router = APIRouter(
    prefix="/api/v1",
    tags=["documents"],
    route_class=JsonRoute,
    responses=documented(401, 413, 415, 422),
)
page_router = APIRouter(include_in_schema=False)
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the patient's id")]
PaperQuery = Annotated[str, Query(pattern="^(a4|letter)$", description="a4 or letter")]
DayQuery = Annotated[dt.date | None, Query(description="YYYY-MM-DD")]


def _download(doc: documents.Document) -> Response:
    return Response(
        content=doc.data,
        media_type=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'},
    )


@api_router.get(
    "/patients/{patient_id}/fhir",
    summary="The patient's record as a FHIR R4 Bundle (type collection)",
    dependencies=[action("patient.read")],
    responses={200: {"content": {"application/fhir+json": {}}}, **documented(403, 404)},
)
def fhir_bundle(ctx: ApiUnit, patient_id: PatientId) -> Response:
    bundle = documents.fhir_bundle(ctx, patient_id)
    body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content=body, media_type="application/fhir+json")


@page_router.get("/clinic/patients/{patient_id}/fhir.json", dependencies=[action("patient.read")])
def fhir_bundle_download(ctx: PageUnit, patient_id: PatientId) -> Response:
    """The same FHIR Bundle as the API, for a clinician signed in to the pages (the session,
    not an API token; the same access check and audit)."""
    bundle = documents.fhir_bundle(ctx, patient_id)
    body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    name = f"patient-{patient_id}-fhir.json"
    return _download(documents.Document(name, "application/fhir+json", body))


@page_router.get(
    "/clinic/patients/{patient_id}/progress-note.pdf", dependencies=[action("patient.read")]
)
def progress_note_pdf(
    ctx: PageUnit,
    patient_id: PatientId,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    paper: PaperQuery = "letter",
) -> Response:
    return _download(documents.progress_note(ctx, patient_id, start=start, end=end, paper=paper))


@page_router.get("/clinic/patients/{patient_id}/handout.pdf", dependencies=[action("patient.read")])
def handout_pdf(ctx: PageUnit, patient_id: PatientId, paper: PaperQuery = "letter") -> Response:
    return _download(documents.handout(ctx, patient_id, paper=paper))


def _csv(ctx: PageUnit, patient_id: int, name: str) -> Response:
    text = documents.csv_files(ctx, patient_id)[name]
    stem = name.removesuffix(".csv")
    return _download(
        documents.Document(
            f"patient-{patient_id}-{stem}.csv", "text/csv; charset=utf-8", text.encode("utf-8")
        )
    )


@page_router.get(
    "/clinic/patients/{patient_id}/measurements.csv", dependencies=[action("patient.read")]
)
def measurements_csv(ctx: PageUnit, patient_id: PatientId) -> Response:
    return _csv(ctx, patient_id, "measurements.csv")


@page_router.get(
    "/clinic/patients/{patient_id}/sessions.csv", dependencies=[action("patient.read")]
)
def sessions_csv(ctx: PageUnit, patient_id: PatientId) -> Response:
    return _csv(ctx, patient_id, "sessions.csv")


@page_router.get("/me/handout.pdf", dependencies=[action("self.patient.read")])
def own_handout_pdf(ctx: PageUnit, paper: PaperQuery = "letter") -> Response:
    actor = ctx.actor
    if actor is None or actor.role != "patient" or actor.patient_id is None:
        raise PermissionDeniedError("this page is for patients; clinicians use /clinic")
    try:
        doc = documents.handout(ctx, actor.patient_id, paper=paper)
    except ConflictError:
        return RedirectResponse("/me", status_code=303)  # no program yet: Today says so
    return _download(doc)


__all__ = ["api_router", "page_router"]
