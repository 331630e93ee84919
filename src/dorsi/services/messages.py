"""The patient's message thread: short messages between the patient and their clinicians.

- One thread per patient. The patient and every clinician with access to the record read and
  write it (policy actions ``message.read`` and ``message.send``: the record's own rules, so
  anyone else gets 404, or 403 when they may read the record but not the thread).
- Text only (no attachments), at most :data:`MESSAGE_MAX_CHARS` characters.
- Read receipts: reading the thread records, for every message someone else wrote, when this
  reader first read it (``message_reads``). Like the audit entry of the same read, a receipt
  records what was seen; it changes nothing in the record, so it is written on a GET.
- Every read and every message sent is in the audit chain (ids only, never the text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pydantic import Field
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from dorsi.clinical.contract import Contract, Output
from dorsi.services.context import Actor, Ctx
from dorsi.services.patients import authorize, require_actor
from dorsi.store.models import MESSAGE_MAX_CHARS, Message, MessageRead, Patient, User

#: At most this many messages are shown (the newest); older ones stay stored.
THREAD_LIMIT = 200


class MessageIn(Contract):
    """A new message: plain text, not blank."""

    text: str = Field(min_length=1, max_length=MESSAGE_MAX_CHARS, pattern=r"^[^\x00]*\S[^\x00]*$")


class ReadReceipt(Output):
    """Who read a message, and when they first did."""

    reader: str
    reader_role: str
    read_at: dt.datetime


class MessagePublic(Output):
    """One message with its read receipts (readers other than its author)."""

    id: int
    patient_id: int
    author: str
    author_role: str
    text: str
    created_at: dt.datetime
    read_by: list[ReadReceipt]


def _pairs(rows: Iterable[Any]) -> dict[Any, Any]:
    """The (key, value) rows of a two-column query as a dict."""
    return {key: value for key, value in rows}


def _audit_ids(ids: list[int]) -> str:
    if not ids:
        return "no messages"
    return f"messages {min(ids)}-{max(ids)} ({len(ids)})"


def _mark_read(db: Session, reader: Actor, messages: list[Message], now: dt.datetime) -> None:
    """Receipts for the messages ``reader`` did not write and had not read yet."""
    others = [m.id for m in messages if m.author_id != reader.id]
    if not others:
        return
    seen = set(
        db.scalars(
            select(MessageRead.message_id).where(
                MessageRead.reader_id == reader.id, MessageRead.message_id.in_(others)
            )
        )
    )
    for message_id in others:
        if message_id not in seen:
            db.add(MessageRead(message_id=message_id, reader_id=reader.id, read_at=now))
    db.flush()


def _public(db: Session, messages: list[Message]) -> list[MessagePublic]:
    ids = [m.id for m in messages]
    receipts: dict[int, list[ReadReceipt]] = {}
    if ids:
        rows = db.execute(
            select(MessageRead.message_id, User.display_name, User.role, MessageRead.read_at)
            .join(User, User.id == MessageRead.reader_id)
            .where(MessageRead.message_id.in_(ids))
            .order_by(MessageRead.read_at)
        )
        for message_id, name, role, at in rows:
            receipts.setdefault(message_id, []).append(
                ReadReceipt(reader=name, reader_role=role, read_at=at)
            )
    authors = {m.author_id for m in messages if m.author_id is not None}
    names = _pairs(db.execute(select(User.id, User.display_name).where(User.id.in_(authors))))
    return [
        MessagePublic(
            id=m.id,
            patient_id=m.patient_id,
            author=names.get(m.author_id, "a former user") if m.author_id else "a former user",
            author_role=m.author_role,
            text=m.text,
            created_at=m.created_at,
            read_by=receipts.get(m.id, []),
        )
        for m in messages
    ]


def thread(ctx: Ctx, patient_id: int, *, mark_read: bool = True) -> list[MessagePublic]:
    """The patient's thread, oldest first (the newest :data:`THREAD_LIMIT`); reading it
    records this reader's receipts unless ``mark_read`` is false."""
    authorize(ctx, patient_id, "message.read")
    actor = require_actor(ctx)
    newest = list(
        ctx.db.scalars(
            select(Message)
            .where(Message.patient_id == patient_id)
            .order_by(Message.id.desc())
            .limit(THREAD_LIMIT)
        )
    )
    messages = newest[::-1]
    ctx.audit[-1].detail = _audit_ids([m.id for m in messages])
    if mark_read:
        _mark_read(ctx.db, actor, messages, ctx.now)
    return _public(ctx.db, messages)


def own_thread(ctx: Ctx, patient_id: int) -> tuple[list[MessagePublic], str]:
    """:func:`thread`, and the patient's saved language (the patient's own page)."""
    messages = thread(ctx, patient_id)
    patient = ctx.db.get(Patient, patient_id)
    return messages, patient.preferred_language if patient is not None else "en"


def send(ctx: Ctx, patient_id: int, data: MessageIn) -> MessagePublic:
    """Add a message to the patient's thread (audited with its id)."""
    authorize(ctx, patient_id, "message.send")
    actor = require_actor(ctx)
    message = Message(
        patient_id=patient_id,
        author_id=actor.id,
        author_role=actor.role,
        text=data.text.strip(),
        created_at=ctx.now,
    )
    ctx.db.add(message)
    ctx.db.flush()
    ctx.audit[-1].detail = f"message {message.id}"
    return _public(ctx.db, [message])[0]


def mark_read_through(ctx: Ctx, patient_id: int, message_id: int) -> int:
    """Receipts for this reader on every message up to ``message_id`` that others wrote
    (the worklist's acknowledgement of a message item); the caller authorized and audited.
    Returns how many messages that covers."""
    actor = require_actor(ctx)
    messages = list(
        ctx.db.scalars(
            select(Message).where(Message.patient_id == patient_id, Message.id <= message_id)
        )
    )
    _mark_read(ctx.db, actor, messages, ctx.now)
    return len(messages)


def unread_for(db: Session, reader: Actor, patient_id: int) -> int:
    """How many messages of the thread others wrote that ``reader`` has not read (no audit:
    a count shown on a page whose read is audited)."""
    receipt = and_(MessageRead.message_id == Message.id, MessageRead.reader_id == reader.id)
    count = db.scalar(
        select(func.count(Message.id))
        .outerjoin(MessageRead, receipt)
        .where(
            Message.patient_id == patient_id,
            Message.author_id.is_distinct_from(reader.id),
            MessageRead.message_id.is_(None),
        )
    )
    return int(count or 0)


__all__ = [
    "MESSAGE_MAX_CHARS",
    "THREAD_LIMIT",
    "MessageIn",
    "MessagePublic",
    "ReadReceipt",
    "mark_read_through",
    "own_thread",
    "send",
    "thread",
    "unread_for",
]
