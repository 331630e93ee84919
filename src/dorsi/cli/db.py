"""``dorsi db``: apply or inspect the database migrations."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=("upgrade", "current"),
        help="upgrade: apply every migration (safe to repeat); current: show the revision",
    )


def run(args: argparse.Namespace) -> int:
    from dorsi.store import require_web_extra

    require_web_extra()
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from dorsi.errors import InputError
    from dorsi.settings import get_settings
    from dorsi.store.db import make_engine
    from dorsi.store.migrate import current_revision, head_revision, upgrade

    url = get_settings().resolved_database_url
    shown = make_url(url).render_as_string(hide_password=True)
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        raise InputError(
            f"cannot connect to {shown} ({type(exc.orig).__name__})", field="DORSI_DATABASE_URL"
        ) from None
    try:
        if args.action == "upgrade":
            upgrade(engine)
            print(f"database {shown} is at revision {current_revision(engine)} (latest)")
        else:
            current = current_revision(engine) or "none (empty database)"
            print(f"database {shown}: revision {current}; latest is {head_revision()}")
    finally:
        engine.dispose()
    return 0
