"""HTML pages: sign-in, the clinician's pages, the patient's pages, admin.

Every route names its policy action (``dependencies=[action(...)]``, :mod:`dorsi.web.deps`)
for the access matrix test. Pages are left out of the OpenAPI document.
"""

from __future__ import annotations

from fastapi import APIRouter

from dorsi.web import learn as learn
from dorsi.web.pages import admin as admin
from dorsi.web.pages import camera as camera
from dorsi.web.pages import clinic as clinic
from dorsi.web.pages import common as common
from dorsi.web.pages import monitoring as monitoring
from dorsi.web.pages import outcomes as outcomes
from dorsi.web.pages import patient as patient
from dorsi.web.pages import stop_alerts as stop_alerts
from dorsi.web.pages import worklist as worklist

router = APIRouter(include_in_schema=False)
router.include_router(common.router)
router.include_router(clinic.router)
router.include_router(stop_alerts.router)
router.include_router(outcomes.router)
router.include_router(worklist.router)
router.include_router(patient.router)
router.include_router(monitoring.router)
router.include_router(camera.router)
router.include_router(admin.router)
router.include_router(learn.router)

__all__ = ["router"]
