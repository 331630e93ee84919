"""Audit hash chain: seal existing entries, require hashes, refuse UPDATE/DELETE on PostgreSQL.

Existing entries (written before the chain) are numbered without gaps in their id order and
chained (``dorsi.store.audit_chain``). Then ``prev_hash`` and ``entry_hash`` become NOT NULL,
so no row can enter the log outside the chain. On PostgreSQL a trigger refuses every UPDATE and
DELETE of ``audit_log`` rows (TRUNCATE, a table owner's privilege, is left to restores and
tests; the chain and an anchor show it).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dorsi.store.audit_chain import GENESIS, entry_hash
from dorsi.store.models import AuditEntry, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.BigInteger()),
    sa.column("at", UTCDateTime()),
    sa.column("actor_id", sa.Integer()),
    sa.column("actor_username", sa.String()),
    sa.column("actor_role", sa.String()),
    sa.column("patient_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("outcome", sa.String()),
    sa.column("detail", sa.String()),
    sa.column("request_id", sa.String()),
    sa.column("prev_hash", sa.String()),
    sa.column("entry_hash", sa.String()),
)
_CONTENT = (
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "patient_id",
    "action",
    "outcome",
    "detail",
    "request_id",
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
"""


def _seal_existing(connection: sa.Connection) -> None:
    rows = connection.execute(sa.select(_AUDIT).order_by(_AUDIT.c.id)).mappings().all()
    prev = GENESIS
    for new_id, row in enumerate(rows, start=1):
        entry = AuditEntry(id=new_id, **{name: row[name] for name in _CONTENT})
        digest = entry_hash(prev, entry)
        # Ids only shrink (ascending order), so renumbering never collides.
        connection.execute(
            _AUDIT.update()
            .where(_AUDIT.c.id == row["id"])
            .values(id=new_id, prev_hash=prev, entry_hash=digest)
        )
        prev = digest


def upgrade() -> None:
    connection = op.get_bind()
    _seal_existing(connection)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
    if connection.dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=True)
