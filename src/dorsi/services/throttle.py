"""Throttling password guesses with growing delays, counted atomically in the database.

Why not a lockout: a fixed "five failures lock the account for 15 minutes" lets anyone lock a
user out (a denial of service), and counting failures *after* the password check lets parallel
guesses all pass the check before any is counted. Here:

- every attempt is **charged before its password is checked**, in a unit of work of its own
  that commits first. The rows of its throttle keys are locked while they are read and
  updated (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every write transaction holds
  the one write lock), so of N parallel attempts no more than the allowed number are let
  through to the password check;
- the first ``free`` attempts of a key are not delayed; after that, each further attempt must
  wait a delay that doubles with every failure, capped (``first_delay_s * 2**n``, at most
  ``max_delay_s``). A refused attempt is answered with the seconds to wait
  (:class:`RateLimitedError`: HTTP 429 with ``Retry-After``) and is not charged;
- a success clears the key of what was guessed (the account or the device, or a user's
  password form), and takes back its own charge from the client address's key;
- a key untouched for :data:`RESET_AFTER` starts again from nothing.

Keys are keyed hashes (HMAC) of the kind and the value, so neither names nor addresses are
stored. The clock is the unit's ``ctx.now``: tests move it instead of sleeping.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dorsi.errors import RateLimitedError
from dorsi.services.context import Ctx
from dorsi.store.models import SignInThrottle

# A key nobody used for this long starts again from no failures (and its row may go).
RESET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """How many attempts a key gets before delays start, and how the delays grow."""

    free: int
    first_delay_s: int
    max_delay_s: int

    def delay_s(self, charged: int) -> int:
        """The wait after ``charged`` attempts (0 while they are within ``free``)."""
        if charged < self.free:
            return 0
        return int(min(self.max_delay_s, self.first_delay_s * 2 ** min(charged - self.free, 30)))


@dataclass(frozen=True)
class Key:
    """One throttle key (a keyed hash) and its rule."""

    hash: str
    rule: Rule


def key(ctx: Ctx, kind: str, value: str, rule: Rule) -> Key:
    return Key(ctx.keyed_hash(f"throttle:{kind}:{value}"), rule)


def _lock_rows(ctx: Ctx, hashes: Sequence[str]) -> dict[str, SignInThrottle]:
    """The rows of ``hashes`` (created when missing), locked until the unit ends."""
    dialect = ctx.db.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = [
        {"key_hash": h, "failures": 0, "blocked_until": None, "updated_at": ctx.now} for h in hashes
    ]
    ctx.db.execute(
        insert(SignInThrottle).values(values).on_conflict_do_nothing(index_elements=["key_hash"])
    )
    rows = ctx.db.scalars(
        select(SignInThrottle)
        .where(SignInThrottle.key_hash.in_(hashes))
        .order_by(SignInThrottle.key_hash)  # one lock order: no deadlock between attempts
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.key_hash: row for row in rows}


def _stale(row: SignInThrottle, now: datetime) -> bool:
    return row.updated_at < now - RESET_AFTER


def charge(ctx: Ctx, keys: Sequence[Key], message: str) -> None:
    """Count one attempt against every key, or raise :class:`RateLimitedError` when any of
    them must still wait (then nothing is counted). Run it in a unit that commits before the
    password is checked."""
    now = ctx.now
    rows = _lock_rows(ctx, sorted({k.hash for k in keys}))
    wait_s = 0
    for k in keys:
        row = rows[k.hash]
        if row.blocked_until is not None and not _stale(row, now) and row.blocked_until > now:
            wait_s = max(wait_s, math.ceil((row.blocked_until - now).total_seconds()))
    if wait_s:
        raise RateLimitedError(
            f"{message}; wait {wait_s} seconds, then try again", retry_after_s=wait_s
        )
    for k in keys:
        row = rows[k.hash]
        charged = (0 if _stale(row, now) else row.failures) + 1
        delay_s = k.rule.delay_s(charged)
        row.failures = charged
        row.blocked_until = now + timedelta(seconds=delay_s) if delay_s else None
        row.updated_at = now


def clear(ctx: Ctx, k: Key) -> None:
    """A success: what was guessed is known to its owner; the key starts again."""
    ctx.db.execute(delete(SignInThrottle).where(SignInThrottle.key_hash == k.hash))


def refund(ctx: Ctx, k: Key) -> None:
    """A success takes back its own charge from a shared key (a clinic's one address)."""
    row = ctx.db.get(SignInThrottle, k.hash, with_for_update=True)
    if row is None or row.failures <= 0:
        return
    row.failures -= 1
    delay_s = k.rule.delay_s(row.failures)
    if not delay_s:
        row.blocked_until = None


def forget_old(ctx: Ctx) -> None:
    """Drop keys nobody used for :data:`RESET_AFTER` (they would start from nothing)."""
    ctx.db.execute(delete(SignInThrottle).where(SignInThrottle.updated_at < ctx.now - RESET_AFTER))


__all__ = ["RESET_AFTER", "Key", "Rule", "charge", "clear", "forget_old", "key", "refund"]
