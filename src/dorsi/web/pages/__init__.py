"""HTML pages: sign-in, the clinician's pages, the patient's pages, admin.

Every route names its policy action in ``openapi_extra`` (``x-dorsi-action``) for the access
matrix test. Pages are left out of the OpenAPI document.
"""

from __future__ import annotations

from fastapi import APIRouter

from dorsi.web import learn as learn
from dorsi.web.pages import admin as admin
from dorsi.web.pages import clinic as clinic
from dorsi.web.pages import common as common
from dorsi.web.pages import patient as patient
from dorsi.web.pages import stop_alerts as stop_alerts

router = APIRouter(include_in_schema=False)
router.include_router(common.router)
router.include_router(clinic.router)
router.include_router(stop_alerts.router)
router.include_router(patient.router)
router.include_router(admin.router)
router.include_router(learn.router)

__all__ = ["router"]
