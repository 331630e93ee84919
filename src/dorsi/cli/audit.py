"""``dorsi audit verify``: check the audit log's hash chain.

Exit codes (as ``cmp``): 0 the chain is intact; 1 the chain is broken (one line on stderr
naming the first broken entry); 2 bad input or no database. See docs/operations.md.
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_BROKEN = 1


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("verify",), help="verify: check the hash chain")
    parser.add_argument(
        "--anchor",
        metavar="ID:HASH",
        help="a head printed by an earlier verify; the chain must still hold it "
        "(catches entries cut off the end)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from dorsi.store import require_web_extra

    require_web_extra()
    from sqlalchemy.orm import Session

    from dorsi.cli._db import configured_url, connect, wait_for_schema
    from dorsi.errors import InputError
    from dorsi.store.audit_chain import parse_anchor, verify

    anchor = None
    if args.anchor is not None:
        try:
            anchor = parse_anchor(args.anchor)
        except ValueError as exc:
            raise InputError(str(exc), field="--anchor") from None
    engine = connect(configured_url())
    try:
        wait_for_schema(engine, "audit")
        with Session(engine) as session, session.begin():
            verdict = verify(session, anchor=anchor)
    finally:
        engine.dispose()
    head = f"{verdict.head_id}:{verdict.head_hash}"
    if args.json:
        print(
            json.dumps(
                {
                    "intact": verdict.intact,
                    "entries_checked": verdict.entries,
                    "head": head if verdict.head_id else None,
                    "first_broken_entry": verdict.broken.entry_id if verdict.broken else None,
                    "reason": (verdict.broken.reason if verdict.broken else verdict.anchor_missing),
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
    if verdict.anchor_missing is not None:
        print(f"dorsi audit: audit log broken: {verdict.anchor_missing}", file=sys.stderr)
        return EXIT_BROKEN
    if not args.json:
        print(f"audit log intact: {verdict.entries} entries; head {head}")
        print("keep the head somewhere else and check it later with --anchor ID:HASH")
    return 0
