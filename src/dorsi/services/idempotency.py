"""Idempotency keys: a check-in or a camera session sent twice (a double tap, a retry, a save
kept on the phone while offline and sent again) is stored once.

The caller names a check-in or a camera session with a key (the API's ``Idempotency-Key``
header; the check-in page puts one in a hidden field when it renders the form; the camera page
makes one per measuring session). Each kind has its own key space (:data:`CAMERA_SCOPE`): a
key names one check-in, or one camera session, never a request of the other kind. The first
request with a key stores its answer beside the record, in the same transaction. A later
request with the same key, from the same user for the same patient, gets that answer again and
stores nothing; the same key with a different body is refused (422), since it cannot be the
same record.

Parallel retries are safe: the key is claimed with an insert that does nothing on a conflict
with the unique constraint ``uq_idempotency_keys_scope``. On PostgreSQL the second insert waits
for the first transaction and then sees its row; on SQLite writers take turns anyway.
"""

from __future__ import annotations

import datetime as dt
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
#: Camera sessions' keys are stored as this prefix + the key: their own key space, in the same
#: table as the check-ins' (whose keys, stored bare, keep their hashes from before).
CAMERA_SCOPE = "camera-session:"
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


def _reused(field: str, what: str) -> InputError:
    return InputError(
        f"was already used for a different {what}; send a new key for a new {what}",
        field=field,
    )


def find(
    db: Session,
    user_id: int,
    patient_id: int,
    key: str,
    body_hash: str,
    field: str = HEADER,
    what: str = "check-in",
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
        raise _reused(field, what)
    answer: dict[str, Any] = row[1]
    return answer


def claim(
    db: Session,
    user_id: int,
    patient_id: int,
    key: str,
    body_hash: str,
    now: dt.datetime,
    field: str = HEADER,
    what: str = "check-in",
) -> int | None:
    """Claim ``key`` for this request: the new key row's id, or None when the key was used
    before with the same body (:func:`find` then gives the first answer); 422 when it was
    used with a different body. A parallel request with the same key waits here for the
    first one's transaction (PostgreSQL) or for its writer's turn (SQLite)."""
    dialect = db.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        builder(IdempotencyKey)
        .values(
            user_id=user_id,
            patient_id=patient_id,
            key_hash=key_hash(key),
            request_hash=body_hash,
            status_code=201,
            response_json={},
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "patient_id", "key_hash"])
        .returning(IdempotencyKey.id)
    )
    new_id = db.execute(statement).scalar()
    if new_id is None:
        find(db, user_id, patient_id, key, body_hash, field, what)  # 422: a different body
        return None
    return int(new_id)


def settle(
    db: Session, row_id: int, response: dict[str, Any], checkin_id: int | None = None
) -> None:
    """Store the answer of the request that claimed the key (a camera session's answer names
    its row itself: ``checkin_id`` stays empty)."""
    db.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == row_id)
        .values(response_json=response, checkin_id=checkin_id)
    )


__all__ = [
    "CAMERA_SCOPE",
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
