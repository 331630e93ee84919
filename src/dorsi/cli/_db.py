"""The configured database for the operations commands (audit, backup, restore, worker)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from dorsi.errors import InputError
from dorsi.settings import get_settings
from dorsi.store.db import make_engine


def configured_url() -> str:
    """``DORSI_DATABASE_URL`` (or the default SQLite file)."""
    return get_settings().resolved_database_url


def shown(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def connect(url: str) -> Engine:
    """An engine for ``url`` that has answered once; one clear line when it cannot."""
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        raise InputError(
            f"cannot connect to {shown(url)} ({type(exc.orig).__name__})",
            field="DORSI_DATABASE_URL",
        ) from None
    return engine


def wait_for_schema(engine: Engine, command: str) -> None:
    """Wait (``DORSI_SCHEMA_WAIT_S``) for the schema to reach the latest migration, saying so
    on stderr; one line and exit 2 when it does not (:func:`dorsi.store.migrate.wait_for_schema`).
    """
    import sys

    from dorsi.store.migrate import wait_for_schema as wait

    def tell(message: str) -> None:
        print(f"dorsi {command}: {message}", file=sys.stderr, flush=True)

    wait(engine, timeout_s=get_settings().schema_wait_s, on_wait=tell)


__all__ = ["configured_url", "connect", "shown", "wait_for_schema"]
