"""The hash chain that makes the audit log tamper-evident.

Every entry of ``audit_log`` carries ``prev_hash`` (the ``entry_hash`` of the entry before it,
or :data:`GENESIS` for the first) and ``entry_hash``::

    entry_hash = sha256( prev_hash (64 hex chars, ASCII) || canonical(entry) )

where :func:`canonical` is the entry's content (its id included) as sorted, compact JSON.
Ids are handed out without gaps (``previous id + 1``) while the chain is locked, so an entry
that is changed, deleted, inserted or moved breaks the chain at that point, and
:func:`verify` names the first entry where it breaks.

Appends are serialised (:func:`lock_chain`): on PostgreSQL with a transaction-scoped advisory
lock; on SQLite every transaction already starts with ``BEGIN IMMEDIATE``, which takes the
database's one write lock, so two writers (threads or processes) never read the same head.

What a chain cannot show on its own: someone who can write to the database may cut entries off
the END, or rewrite the whole chain from some entry on. Heads recorded outside the database
(*anchors*, :mod:`dorsi.store.audit_anchors`: an append-only file kept by ``dorsi serve``,
``dorsi worker``, ``dorsi backup`` and ``dorsi audit anchor``, or one ``--anchor ID:HASH``)
are checked by :func:`verify`: the chain must still hold every anchored entry and hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from dorsi.store.models import AuditEntry

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that serialises chain appends ("dorsiaud" in ASCII).
ADVISORY_LOCK_KEY = 0x646F727369617564


def canonical(entry: AuditEntry) -> bytes:
    """The stable byte form of an entry: sorted keys, compact, ASCII, time in UTC ISO 8601."""
    at = entry.at.astimezone(UTC) if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    return json.dumps(
        {
            "id": entry.id,
            "at": at.isoformat(),
            "actor_id": entry.actor_id,
            "actor_username": entry.actor_username,
            "actor_role": entry.actor_role,
            "patient_id": entry.patient_id,
            "action": entry.action,
            "outcome": entry.outcome,
            "detail": entry.detail,
            "request_id": entry.request_id,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode("ascii")


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 (hex) of the previous hash followed by the entry's canonical form."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


# Every write asks for the lock and the head: the two statements are built once.
_LOCK = select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY))
_HEAD = select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)


def lock_chain(session: Session) -> None:
    """Serialise appends to the chain until this transaction ends (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK)


def head(session: Session) -> tuple[int, str]:
    """The id and hash of the newest entry, or ``(0, GENESIS)`` for an empty log."""
    row = session.execute(_HEAD).first()
    if row is None:
        return 0, GENESIS
    return int(row[0]), str(row[1] or GENESIS)


def append(session: Session, entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Chain and insert ``entries`` (their ids and hashes are set here) in this transaction.

    The only way rows enter ``audit_log``. Nothing ever updates or deletes them. The rows are
    written with one Core insert, after whatever the session still has to flush; the entries
    stay outside the session (their ids are the chain's, set here).
    """
    pending = list(entries)
    if not pending:
        return pending
    session.flush()
    lock_chain(session)
    last_id, last_hash = head(session)
    for entry in pending:
        last_id += 1
        entry.id = last_id
        entry.prev_hash = last_hash
        entry.entry_hash = entry_hash(last_hash, entry)
        last_hash = entry.entry_hash
    session.execute(
        insert(AuditEntry), [{name: getattr(e, name) for name in _COLUMNS} for e in pending]
    )
    return pending


_COLUMNS = tuple(c.name for c in AuditEntry.__table__.columns)


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    entry_id: int
    reason: str


@dataclass(frozen=True)
class Verdict:
    """The result of checking the whole chain."""

    entries: int
    head_id: int
    head_hash: str
    broken: Break | None
    anchor_missing: str | None = None
    failed_anchor: tuple[int, str] | None = None  # the first anchor the chain does not hold

    @property
    def intact(self) -> bool:
        return self.broken is None and self.anchor_missing is None


def check(rows: Iterable[AuditEntry]) -> Iterator[Break | tuple[int, str]]:
    """Walk entries in id order; yield the first :class:`Break`, else each ``(id, hash)``."""
    prev_id = 0
    prev_hash = GENESIS
    for entry in rows:
        if entry.entry_hash is None or entry.prev_hash is None:
            yield Break(entry.id, "has no hash (written outside the chain)")
            return
        if entry.id != prev_id + 1:
            # Ids are handed out without gaps (the query orders by id, so a gap is a deletion).
            missing = (
                f"entry {prev_id + 1} is"
                if entry.id == prev_id + 2
                else f"entries {prev_id + 1} to {entry.id - 1} are"
            )
            yield Break(entry.id, f"{missing} missing before it (deleted)")
            return
        if entry.prev_hash != prev_hash:
            yield Break(
                entry.id,
                f"does not follow entry {prev_id}: an entry was changed, inserted, deleted "
                "or moved before it",
            )
            return
        if entry_hash(prev_hash, entry) != entry.entry_hash:
            yield Break(entry.id, "its content does not match its hash (changed)")
            return
        prev_id, prev_hash = entry.id, entry.entry_hash
        yield prev_id, prev_hash


def parse_anchor(value: str) -> tuple[int, str]:
    """``ID:HASH`` as printed by ``dorsi audit verify``; raises ValueError otherwise."""
    raw_id, sep, raw_hash = value.partition(":")
    raw_hash = raw_hash.strip().lower()
    if not sep or not raw_id.strip().isdigit() or int(raw_id) < 1:
        raise ValueError("must be ID:HASH, e.g. 1234:9f86d08...")
    if len(raw_hash) != 64 or any(c not in "0123456789abcdef" for c in raw_hash):
        raise ValueError("the hash must be 64 hex characters")
    return int(raw_id), raw_hash


def verify(
    session: Session,
    *,
    anchor: tuple[int, str] | None = None,
    anchors: Sequence[tuple[int, str]] = (),
) -> Verdict:
    """Check every entry in id order (streamed, so the log may be large), and that the chain
    still holds each anchored ``(id, hash)`` (``anchor`` and ``anchors``)."""
    wanted = [*anchors, *([anchor] if anchor is not None else [])]
    anchored_ids = {entry_id for entry_id, _ in wanted}
    rows = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    )
    count = 0
    head_id, head_hash = 0, GENESIS
    seen: dict[int, str] = {}
    try:
        for step in check(rows):
            if isinstance(step, Break):
                return Verdict(count, head_id, head_hash, step)
            count += 1
            head_id, head_hash = step
            if head_id in anchored_ids:
                seen[head_id] = head_hash
    finally:
        rows.close()  # a server-side cursor on PostgreSQL
    for entry_id, entry_hash in wanted:
        if seen.get(entry_id) == entry_hash:
            continue
        missing = (
            f"the anchored entry {entry_id} is gone: the chain ends at entry {head_id} "
            "(entries were cut off the end)"
            if entry_id not in seen
            else f"entry {entry_id} no longer has the anchored hash (the chain was rewritten)"
        )
        return Verdict(count, head_id, head_hash, None, missing, (entry_id, entry_hash))
    return Verdict(count, head_id, head_hash, None)


__all__ = [
    "ADVISORY_LOCK_KEY",
    "GENESIS",
    "Break",
    "Verdict",
    "append",
    "canonical",
    "check",
    "entry_hash",
    "head",
    "lock_chain",
    "parse_anchor",
    "verify",
]
