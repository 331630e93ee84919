"""The FastAPI application factory."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from dorsi import __version__
from dorsi.jobs.lifeline import die_with_parent
from dorsi.services.context import system_token, utc_now
from dorsi.services.webpush import vapid_key
from dorsi.settings import Settings, get_settings
from dorsi.store.db import Database, require_durable
from dorsi.store.migrate import upgrade
from dorsi.web import (
    api,
    api_camera,
    api_monitoring,
    api_outcomes,
    documents,
    errors,
    gait,
    pages,
    pwa,
    reminders,
    worklist,
)
from dorsi.web.deps import action
from dorsi.web.middleware import BodyLimit, FormEncoding, HeaderLimit, SecurityHeaders
from dorsi.web.runtime import AppState

STATIC = Path(__file__).resolve().parent / "static"


def prepare_database(settings: Settings, database: Database | None = None) -> None:
    """Refuse a database that may lose writes, then bring its schema up to date."""
    own = database is None
    database = database or Database.from_url(settings.resolved_database_url)
    try:
        require_durable(database.engine)  # fsync on (PostgreSQL); WAL + synchronous=FULL (SQLite)
        upgrade(database.engine)
    finally:
        if own:
            database.dispose()


#: set by ``dorsi serve`` for its app processes: the pid they must end with (a parent killed
#: while they were still starting is noticed too)
SERVE_PID_VARIABLE = "DORSI_SERVE_PID"


def worker_app() -> FastAPI:
    """The app of one of ``dorsi serve --workers N``'s processes (the parent migrated)."""

    parent = os.environ.get(SERVE_PID_VARIABLE, "")
    die_with_parent(int(parent) if parent.isdigit() else None)
    return create_app(migrate=False)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    clock: Callable[[], datetime] = utc_now,
    new_token: Callable[[], str] = system_token,
    migrate: bool = True,
) -> FastAPI:
    """Build the app. ``database`` defaults to ``settings.resolved_database_url``; with
    ``migrate`` the schema is brought up to date first (as ``dorsi db upgrade`` does)."""
    settings = settings or get_settings()
    database = database or Database.from_url(settings.resolved_database_url)
    if migrate:
        prepare_database(settings, database)
    else:
        require_durable(database.engine)

    app = FastAPI(
        title="Dorsi",
        version=__version__,
        summary="Physical therapy for foot drop: the clinic web app and its JSON API.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.dorsi = AppState(
        settings=settings,
        database=database,
        clock=clock,
        secret=settings.secret(),
        new_token=new_token,
    )
    vapid_key(settings)  # Web Push's key pair: made on first start, kept in the data folder
    errors.install(app)

    @app.get("/healthz", tags=["ops"], dependencies=[action("public")])
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.include_router(api.router)
    app.include_router(api_outcomes.router)
    app.include_router(api_monitoring.router)
    app.include_router(worklist.router)
    app.include_router(api_camera.router)
    app.include_router(pages.router)
    app.include_router(pwa.router)  # the installable patient app: manifest, service worker
    app.include_router(documents.api_router)
    app.include_router(documents.page_router)
    app.include_router(reminders.api_router)
    app.include_router(reminders.page_router)
    gait.install(app)  # walking videos: routes, and the background worker in the lifespan
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(FormEncoding, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes, larger=gait.upload_limits(settings)
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(  # outermost: oversized headers are refused before anything reads them
        HeaderLimit,
        cookie_bytes=settings.max_cookie_bytes,
        header_bytes=settings.max_header_bytes,
        total_bytes=settings.max_headers_total_bytes,
    )
    return app


__all__ = ["SERVE_PID_VARIABLE", "create_app", "prepare_database", "worker_app"]
