"""``dorsi restore PATH``: replace the database with a backup (see docs/operations.md)."""

from __future__ import annotations

import argparse
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Restore the database (DORSI_DATABASE_URL) from a file written by 'dorsi backup'. "
        "Stop the app first. A database that already holds data is refused unless --force."
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="the backup file to read")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace a database that already holds data (everything in it is lost)",
    )


def run(args: argparse.Namespace) -> int:
    from dorsi.store import require_web_extra

    require_web_extra()
    from sqlalchemy.orm import Session

    from dorsi.cli._db import configured_url, connect, shown
    from dorsi.store.audit_chain import verify
    from dorsi.store.backup import restore
    from dorsi.store.migrate import current_revision

    url = configured_url()
    engine = connect(url)
    try:
        summary = restore(engine, args.path.expanduser().resolve(), force=args.force)
        with Session(engine) as session, session.begin():
            verdict = verify(session)
        revision = current_revision(engine)
    finally:
        engine.dispose()
    print(
        f"restored {shown(url)} from {args.path}: {summary.total_rows} rows in "
        f"{len(summary.rows)} tables; schema at revision {revision}"
    )
    state = "intact" if verdict.intact else "BROKEN (run 'dorsi audit verify')"
    print(
        f"audit log {state}: {verdict.entries} entries; head {verdict.head_id}:{verdict.head_hash}"
    )
    return 0
