"""Shared plumbing of ``dorsi report``, ``dorsi handout`` and ``dorsi export``.

These commands act as the **local operator** of the configured database (the person with a
shell on the server, like ``dorsi users create``): no sign-in, and each read is written to the
audit log as done by the operator (see :mod:`dorsi.services.documents`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def add_patient(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("patient", metavar="PATIENT", help="the patient's record id or username")


def parse_day(text: str | None, field: str) -> dt.date | None:
    from dorsi.errors import InputError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"must be a date YYYY-MM-DD (got {text!r})", field=field) from None


def as_operator(work: Callable[..., T], patient: str, **kwargs: object) -> T:
    """Run ``work(ctx, patient_id, operator=True, **kwargs)`` in one audited unit of work."""
    from dorsi.store import require_web_extra

    require_web_extra()
    from sqlalchemy.orm import Session

    from dorsi.services.context import Ctx, run_unit, utc_now
    from dorsi.services.documents import resolve_patient
    from dorsi.settings import get_settings
    from dorsi.store.db import Database
    from dorsi.store.migrate import upgrade

    settings = get_settings()
    database = Database.from_url(settings.resolved_database_url)
    try:
        upgrade(database.engine)

        def make(session: Session) -> Ctx:
            return Ctx(
                db=session,
                now=utc_now(),
                settings=settings,
                secret=settings.secret(),
                request_id="cli",
            )

        def unit(ctx: Ctx) -> T:
            return work(ctx, resolve_patient(ctx, patient), operator=True, **kwargs)

        return run_unit(database, make, unit)
    finally:
        database.dispose()


def write_bytes(data: bytes, out: str | None, default_name: str) -> None:
    """Write to ``out`` ('-' = standard output), or to ``default_name`` in the current folder."""
    from dorsi.errors import InputError

    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(out or default_name)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write '{path}': {exc.strerror}", field="--out") from None
    print(f"wrote {path} ({len(data)} bytes)", file=sys.stderr)


__all__ = ["add_patient", "as_operator", "parse_day", "write_bytes"]
