"""``dorsi audit verify`` / ``dorsi audit anchor``: check the audit log's hash chain, and record
its head outside the database.

``verify`` checks the chain and, when ``DORSI_AUDIT_ANCHOR_FILE`` is set (or ``--anchors FILE``
is given), that the chain still holds every anchor in that file: a chain cut off at the end is
caught (:mod:`dorsi.store.audit_anchors`). ``anchor`` appends the head to the anchor file
(``--to FILE``, default ``DORSI_AUDIT_ANCHOR_FILE``).

Exit codes (as ``cmp``): 0 the chain is intact; 1 the chain is broken (one line on stderr
naming the first broken entry or the anchor it lost); 2 bad input or no database. See
docs/operations.md and docs/deploy.md ("Audit anchors").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dorsi.store.audit_anchors import Anchor

EXIT_BROKEN = 1


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=("verify", "anchor"),
        help="verify: check the hash chain (and the anchors); anchor: append the head to the "
        "anchor file",
    )
    parser.add_argument(
        "--anchor",
        metavar="ID:HASH",
        help="verify: a head printed by an earlier verify; the chain must still hold it "
        "(catches entries cut off the end)",
    )
    parser.add_argument(
        "--anchors",
        metavar="FILE",
        type=Path,
        help="verify: check every anchor in FILE (default: DORSI_AUDIT_ANCHOR_FILE)",
    )
    parser.add_argument(
        "--to",
        metavar="FILE",
        type=Path,
        help="anchor: the append-only file to add the head to (default: DORSI_AUDIT_ANCHOR_FILE)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _anchor_file(given: Path | None) -> Path | None:
    from dorsi.settings import get_settings

    if given is not None:
        return given.expanduser()
    return get_settings().audit_anchor_file


def run(args: argparse.Namespace) -> int:
    from dorsi.store import require_web_extra

    require_web_extra()
    from dorsi.errors import InputError
    from dorsi.store.audit_anchors import Anchor, read_anchors
    from dorsi.store.audit_chain import parse_anchor

    if args.action == "anchor":
        if args.anchor is not None or args.anchors is not None:
            raise InputError(
                "is for 'verify' only", field="--anchor" if args.anchor else "--anchors"
            )
        return _record(args)
    if args.to is not None:
        raise InputError("is for 'anchor' only (verify reads --anchors FILE)", field="--to")
    anchors: list[Anchor] = []
    if args.anchor is not None:
        try:
            entry_id, entry_hash = parse_anchor(args.anchor)
        except ValueError as exc:
            raise InputError(str(exc), field="--anchor") from None
        anchors.append(Anchor(entry_id, entry_hash, "", "--anchor"))
    path = _anchor_file(args.anchors)
    if path is not None:
        anchors += read_anchors(path)
    return _verify(args, anchors)


def _verify(args: argparse.Namespace, listed: list[Anchor]) -> int:
    from sqlalchemy.orm import Session

    from dorsi.cli._db import configured_url, connect, wait_for_schema
    from dorsi.store.audit_chain import verify

    engine = connect(configured_url())
    try:
        wait_for_schema(engine, "audit")
        with Session(engine) as session, session.begin():
            verdict = verify(session, anchors=[(a.entry_id, a.entry_hash) for a in listed])
    finally:
        engine.dispose()
    head = f"{verdict.head_id}:{verdict.head_hash}"
    lost = next((a for a in listed if (a.entry_id, a.entry_hash) == verdict.failed_anchor), None)
    reason = verdict.anchor_missing
    if lost is not None and reason is not None:
        recorded = f" recorded {lost.at}" if lost.at else ""
        reason = f"{reason}; anchor {lost.entry_id}{recorded} ({lost.source})"
    if args.json:
        print(
            json.dumps(
                {
                    "intact": verdict.intact,
                    "entries_checked": verdict.entries,
                    "anchors_checked": len(listed),
                    "head": head if verdict.head_id else None,
                    "first_broken_entry": verdict.broken.entry_id if verdict.broken else None,
                    "reason": (verdict.broken.reason if verdict.broken else reason),
                }
            )
        )
    if verdict.broken is not None:
        print(
            f"dorsi audit: audit log broken at entry {verdict.broken.entry_id}: "
            f"{verdict.broken.reason} ({verdict.entries} entries before it are intact)",
            file=sys.stderr,
        )
        return EXIT_BROKEN
    if reason is not None:
        print(f"dorsi audit: audit log broken: {reason}", file=sys.stderr)
        return EXIT_BROKEN
    if not args.json:
        checked = f"; {len(listed)} anchors hold" if listed else ""
        print(f"audit log intact: {verdict.entries} entries; head {head}{checked}")
        if not listed:
            print(
                "keep the head somewhere else (dorsi audit anchor --to FILE) and check it "
                "later with --anchors FILE or --anchor ID:HASH"
            )
    return 0


def _record(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from dorsi.cli._db import configured_url, connect, wait_for_schema
    from dorsi.errors import InputError
    from dorsi.services.context import utc_now
    from dorsi.store.audit_anchors import last_anchor, record_head
    from dorsi.store.audit_chain import head

    path = _anchor_file(args.to)
    if path is None:
        raise InputError(
            "is required: the append-only file to record the head in (or set "
            "DORSI_AUDIT_ANCHOR_FILE)",
            field="--to",
        )
    engine = connect(configured_url())
    try:
        wait_for_schema(engine, "audit")
        with Session(engine) as session, session.begin():
            current = head(session)
    finally:
        engine.dispose()
    if current[0] == 0:
        print("the audit log is empty: nothing to anchor yet")
        return 0
    try:
        written = record_head(current, path, utc_now())
    except OSError as exc:
        raise InputError(f"cannot append to '{path}': {exc.strerror}", field="--to") from None
    anchor = written or last_anchor(path)
    assert anchor is not None  # noqa: S101 - the head was just written or already there
    if args.json:
        print(json.dumps({"anchor": anchor.line(), "file": str(path), "new": written is not None}))
    else:
        already = "" if written is not None else " (already the file's last anchor)"
        print(f"audit anchor {anchor.line()} in {path}{already}")
    return 0
