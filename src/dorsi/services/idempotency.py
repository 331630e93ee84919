"""Idempotency keys: a check-in sent twice (a double tap, a retry) is stored once.

The caller names a check-in with a key (the API's ``Idempotency-Key`` header; the check-in
page puts one in a hidden field when it renders the form). The first request with a key
stores its answer beside the check-in, in the same transaction. A later request with the same
key, from the same user for the same patient, gets that answer again and stores nothing; the
same key with a different body is refused (422), since it cannot be the same check-in.

Parallel retries are safe: the key is claimed with an insert that does nothing on a conflict
with the unique constraint ``uq_idempotency_keys_scope``. On PostgreSQL the second insert waits
for the first transaction and then sees its row; on SQLite writers take turns anyway.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dorsi.errors import InputError
from dorsi.store.models import IdempotencyKey

HEADER = "Idempotency-Key"
#: The hidden field of the check-in form that carries the key.
FORM_FIELD = "idempotency_key"
MAX_KEY_CHARS = 255
# Visible ASCII only: keys travel in a header, and a UUID or a random token fits.
_KEY = re.compile(r"^[\x21-\x7e]+$")


def check_key(raw: str | None, field: str = HEADER) -> str | None:
    """The key as given, None when absent, or an InputError naming ``field``."""
    if raw is None:
        return None
    key = raw.strip()
    if not key:
        return None
    if len(key) > MAX_KEY_CHARS or not _KEY.match(key):
        raise InputError(
            f"must be 1 to {MAX_KEY_CHARS} visible ASCII characters (for example a UUID)",
            field=field,
        )
    return key


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def request_hash(body: dict[str, Any]) -> str:
    """A hash of the parsed request (key order and spacing do not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _reused(field: str) -> InputError:
    return InputError(
        "was already used for a different check-in; send a new key for a new check-in",
        field=field,
    )


def find(
    db: Session, user_id: int, patient_id: int, key: str, body_hash: str, field: str = HEADER
) -> dict[str, Any] | None:
    """The stored answer of ``key``, None when the key is new; 422 when the body differs."""
    row = db.execute(
        select(IdempotencyKey.request_hash, IdempotencyKey.response_json).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.patient_id == patient_id,
            IdempotencyKey.key_hash == key_hash(key),
        )
    ).first()
    if row is None:
        return None
    if row[0] != body_hash:
        raise _reused(field)
    answer: dict[str, Any] = row[1]
    return answer


def claim(db: Session, values: dict[str, Any]) -> int | None:
    """Insert the key row (``values``); its id, or None when another request holds the key."""
    dialect = db.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        builder(IdempotencyKey)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["user_id", "patient_id", "key_hash"])
        .returning(IdempotencyKey.id)
    )
    new_id = db.execute(statement).scalar()
    return int(new_id) if new_id is not None else None


def settle(db: Session, row_id: int, response: dict[str, Any], checkin_id: int) -> None:
    """Store the answer of the request that claimed the key."""
    db.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == row_id)
        .values(response_json=response, checkin_id=checkin_id)
    )


__all__ = [
    "FORM_FIELD",
    "HEADER",
    "MAX_KEY_CHARS",
    "check_key",
    "claim",
    "find",
    "key_hash",
    "request_hash",
    "settle",
]
