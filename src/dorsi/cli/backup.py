"""``dorsi backup PATH``: a consistent copy of the whole database (see docs/operations.md)."""

from __future__ import annotations

import argparse
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write a backup of the database (DORSI_DATABASE_URL) to PATH: SQLite's online backup "
        "(the app may keep running), or pg_dump's custom format for PostgreSQL."
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="the backup file to write")
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")


def run(args: argparse.Namespace) -> int:
    from dorsi.store import require_web_extra

    require_web_extra()
    from sqlalchemy.orm import Session

    from dorsi.cli._db import configured_url, connect, wait_for_schema
    from dorsi.store.audit_chain import verify
    from dorsi.store.backup import backup

    engine = connect(configured_url())
    try:
        wait_for_schema(engine, "backup")
        summary = backup(engine, args.path.expanduser().resolve(), force=args.force)
        with Session(engine) as session, session.begin():
            verdict = verify(session)
    finally:
        engine.dispose()
    print(
        f"backup written: {summary.path} ({summary.total_rows} rows in {len(summary.rows)} tables)"
    )
    if verdict.intact:
        print(
            f"audit log intact: {verdict.entries} entries; head {verdict.head_id}:"
            f"{verdict.head_hash} (keep it to check later with 'dorsi audit verify --anchor')"
        )
    else:
        broken = verdict.broken
        where = f"entry {broken.entry_id}: {broken.reason}" if broken else ""
        print(f"warning: the audit log is broken at {where}; run 'dorsi audit verify'")
    return 0
