"""Documents over the web: the FHIR export (API) and the PDF/CSV downloads (pages).

- ``GET /api/v1/patients/{id}/fhir``: the FHIR R4 Bundle (``application/fhir+json``).
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
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from dorsi.errors import ConflictError, PermissionDeniedError
from dorsi.services import documents
from dorsi.services.context import Ctx
from dorsi.web.runtime import run

api_router = APIRouter(prefix="/api/v1", tags=["documents"])
page_router = APIRouter(include_in_schema=False)
PatientId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the patient's id")]
PaperQuery = Annotated[str, Query(pattern="^(a4|letter)$", description="a4 or letter")]
DayQuery = Annotated[dt.date | None, Query(description="YYYY-MM-DD")]


def _act(name: str) -> dict[str, Any]:
    return {"x-dorsi-action": name}


def _download(doc: documents.Document) -> Response:
    return Response(
        content=doc.data,
        media_type=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'},
    )


@api_router.get(
    "/patients/{patient_id}/fhir",
    summary="The patient's record as a FHIR R4 Bundle (type collection)",
    openapi_extra=_act("patient.read"),
    responses={200: {"content": {"application/fhir+json": {}}}, 404: {}},
)
async def fhir_bundle(request: Request, patient_id: PatientId) -> Response:
    bundle = await run(request, lambda ctx: documents.fhir_bundle(ctx, patient_id), auth_kind="api")
    body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content=body, media_type="application/fhir+json")


@page_router.get(
    "/clinic/patients/{patient_id}/progress-note.pdf", openapi_extra=_act("patient.read")
)
async def progress_note_pdf(
    request: Request,
    patient_id: PatientId,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    paper: PaperQuery = "letter",
) -> Response:
    def work(ctx: Ctx) -> documents.Document:
        return documents.progress_note(ctx, patient_id, start=start, end=end, paper=paper)

    return _download(await run(request, work, auth_kind="page"))


@page_router.get("/clinic/patients/{patient_id}/handout.pdf", openapi_extra=_act("patient.read"))
async def handout_pdf(
    request: Request, patient_id: PatientId, paper: PaperQuery = "letter"
) -> Response:
    def work(ctx: Ctx) -> documents.Document:
        return documents.handout(ctx, patient_id, paper=paper)

    return _download(await run(request, work, auth_kind="page"))


def _csv(patient_id: int, name: str) -> Any:
    def work(ctx: Ctx) -> documents.Document:
        text = documents.csv_files(ctx, patient_id)[name]
        stem = name.removesuffix(".csv")
        return documents.Document(
            f"patient-{patient_id}-{stem}.csv", "text/csv; charset=utf-8", text.encode("utf-8")
        )

    return work


@page_router.get(
    "/clinic/patients/{patient_id}/measurements.csv", openapi_extra=_act("patient.read")
)
async def measurements_csv(request: Request, patient_id: PatientId) -> Response:
    return _download(await run(request, _csv(patient_id, "measurements.csv"), auth_kind="page"))


@page_router.get("/clinic/patients/{patient_id}/sessions.csv", openapi_extra=_act("patient.read"))
async def sessions_csv(request: Request, patient_id: PatientId) -> Response:
    return _download(await run(request, _csv(patient_id, "sessions.csv"), auth_kind="page"))


@page_router.get("/me/handout.pdf", openapi_extra=_act("self.patient.read"))
async def own_handout_pdf(request: Request, paper: PaperQuery = "letter") -> Response:
    def work(ctx: Ctx) -> documents.Document | None:
        actor = ctx.actor
        if actor is None or actor.role != "patient" or actor.patient_id is None:
            raise PermissionDeniedError("this page is for patients; clinicians use /clinic")
        try:
            return documents.handout(ctx, actor.patient_id, paper=paper)
        except ConflictError:
            return None  # no program yet: Today says so

    doc = await run(request, work, auth_kind="page")
    return RedirectResponse("/me", status_code=303) if doc is None else _download(doc)


__all__ = ["api_router", "page_router"]
