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

The database links each entry to the head (:data:`_APPEND`, one ``INSERT ... SELECT``): it
reads the head, takes the next id and hashes the entry's canonical form with that id spliced
in (:func:`canonical_parts`), so no round trip to the application sits between reading the
head and writing the entry while every other writer waits for the lock. The hash is the same
function either way: :func:`link_hash` in Python (SQLite calls it, and :func:`verify` checks
with it), ``sha256`` in PostgreSQL's SQL (:func:`_link_hash_postgresql`); the tests hold the two
equal on every entry they write.

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
from typing import Any

from sqlalchemy import String, bindparam, func, insert, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from dorsi.store.models import AuditEntry

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that serialises chain appends ("dorsiaud" in ASCII).
ADVISORY_LOCK_KEY = 0x646F727369617564


def canonical(entry: AuditEntry) -> bytes:
    """The stable byte form of an entry: sorted keys, compact, ASCII, time in UTC ISO 8601."""
    before, after = canonical_parts(entry)
    return f"{before}{entry.id}{after}".encode("ascii")


def canonical_parts(entry: AuditEntry) -> tuple[str, str]:
    """The canonical form before and after the id's digits: the chain hands out the id.

    The JSON object with its keys sorted is the keys before ``"id"``, the id, then the keys
    after it, so joining the parts around the id is byte for byte the whole object's JSON.
    """
    at = entry.at.astimezone(UTC) if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    content: dict[str, object] = {
        "at": at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "actor_role": entry.actor_role,
        "patient_id": entry.patient_id,
        "action": entry.action,
        "outcome": entry.outcome,
        "detail": entry.detail,
        "request_id": entry.request_id,
    }
    before = _members({key: value for key, value in content.items() if key < "id"})
    after = _members({key: value for key, value in content.items() if key > "id"})
    return "{" + before + ("," if before else "") + '"id":', ("," if after else "") + after + "}"


def _members(content: dict[str, object]) -> str:
    """``content`` as sorted, compact, ASCII JSON members, without the braces."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text[1:-1]


def link_hash(prev_hash: str, before: str, entry_id: int, after: str) -> str:
    """SHA-256 (hex) of the previous hash followed by the canonical form with ``entry_id``."""
    return hashlib.sha256(f"{prev_hash}{before}{entry_id}{after}".encode("ascii")).hexdigest()


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 (hex) of the previous hash followed by the entry's canonical form."""
    before, after = canonical_parts(entry)
    return link_hash(prev_hash, before, entry.id, after)


class _LinkHash(FunctionElement[str]):
    """:func:`link_hash` computed by the database, on the values of the row being written."""

    type = String()
    inherit_cache = True


@compiles(_LinkHash)
def _link_hash_registered(element: _LinkHash, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite: the Python function itself, registered on every connection (dorsi.store.db).
    return f"dorsi_link_hash({compiler.process(element.clauses, **kw)})"


@compiles(_LinkHash, "postgresql")
def _link_hash_postgresql(element: _LinkHash, compiler: SQLCompiler, **kw: Any) -> str:
    prev_hash, before, entry_id, after = (
        compiler.process(clause, **kw) for clause in element.clauses
    )
    text = f"{prev_hash} || {before} || CAST({entry_id} AS TEXT) || {after}"
    return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"


#: the columns of an entry's content: the values the application gives
_CONTENT = tuple(
    c.name for c in AuditEntry.__table__.columns if c.name not in ("id", "prev_hash", "entry_hash")
)
#: the newest entry's id and hash, ``(0, GENESIS)`` when the log is empty (always one row)
_LAST = (
    select(AuditEntry.id, AuditEntry.entry_hash)
    .order_by(AuditEntry.id.desc())
    .limit(1)
    .subquery("last")
)
_HEAD = select(
    func.coalesce(func.max(_LAST.c.id), 0).label("id"),
    func.coalesce(func.max(_LAST.c.entry_hash), GENESIS).label("hash"),
).subquery("head")
_NEXT_ID = _HEAD.c.id + 1
#: one entry linked to the head by the database: built once, its values bound per entry
_APPEND = (
    insert(AuditEntry)
    .from_select(
        ["id", "prev_hash", "entry_hash", *_CONTENT],
        select(
            _NEXT_ID,
            _HEAD.c.hash,
            _LinkHash(_HEAD.c.hash, bindparam("before"), _NEXT_ID, bindparam("after")),
            *(bindparam(name, type_=AuditEntry.__table__.c[name].type) for name in _CONTENT),
        ),
    )
    .returning(AuditEntry.id, AuditEntry.prev_hash, AuditEntry.entry_hash)
)
_LOCK = select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY))


def lock_chain(session: Session) -> None:
    """Serialise appends to the chain until this transaction ends (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK)


def head(session: Session) -> tuple[int, str]:
    """The id and hash of the newest entry, or ``(0, GENESIS)`` for an empty log."""
    entry_id, digest = session.execute(select(_HEAD)).one()
    return int(entry_id), str(digest)


def append(session: Session, entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Chain and insert ``entries`` (their ids and hashes are set here) in this transaction.

    The only way rows enter ``audit_log``. Nothing ever updates or deletes them. Each entry
    is one statement (:data:`_APPEND`), after whatever the session still has to flush and
    after the lock: on PostgreSQL a statement sees what was committed before it started, so
    the head it reads is the last holder's. The entries stay outside the session (their ids
    are the chain's, set here).
    """
    pending = list(entries)
    if not pending:
        return pending
    session.flush()
    lock_chain(session)
    connection = session.connection()
    for entry in pending:
        before, after = canonical_parts(entry)
        values = {name: getattr(entry, name) for name in _CONTENT}
        row = connection.execute(_APPEND, {**values, "before": before, "after": after}).one()
        entry.id, entry.prev_hash, entry.entry_hash = row
    return pending


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
    "canonical_parts",
    "check",
    "entry_hash",
    "head",
    "link_hash",
    "lock_chain",
    "parse_anchor",
    "verify",
]
