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
    from dorsi.services.context import utc_now
    from dorsi.settings import get_settings
    from dorsi.store.audit_anchors import anchor_now, append_anchor, record_head
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
    if not verdict.intact:
        broken = verdict.broken
        where = f"entry {broken.entry_id}: {broken.reason}" if broken else ""
        print(f"warning: the audit log is broken at {where}; run 'dorsi audit verify'")
        return 0
    print(f"audit log intact: {verdict.entries} entries")
    if verdict.head_id == 0:
        return 0
    # The head beside the backup, and in the anchor file: a later cut is caught by verify.
    anchor = anchor_now(verdict.head_id, verdict.head_hash, utc_now())
    beside = summary.path.with_name(summary.path.name + ".anchor")
    beside.unlink(missing_ok=True)
    append_anchor(beside, anchor)
    print(f"audit anchor {anchor.line()} (also in {beside})")
    anchor_file = get_settings().audit_anchor_file
    if anchor_file is not None:
        record_head((anchor.entry_id, anchor.entry_hash), anchor_file, utc_now())
        print(f"audit anchor recorded in {anchor_file}")
    else:
        print("keep it outside the database; check it later with 'dorsi audit verify --anchors'")
    return 0
