"""Between visits: the patient's message thread, read receipts, worklist acknowledgements.

- ``messages``: one thread per patient, written by the patient or a clinician with access.
- ``message_reads``: who first read which message, and when (read receipts).
- ``worklist_acknowledgements``: a clinician acknowledged one worklist item (stable id), with
  an optional note. Stop alerts keep ``stop_acknowledgements`` (one mechanism).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "author_role IN ('clinician', 'patient', 'admin')",
            name=op.f("ck_messages_author_role"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_messages_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_messages_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index("ix_messages_patient_id", "messages", ["patient_id", "id"])
    op.create_table(
        "message_reads",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("reader_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_reads_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reader_id"],
            ["users.id"],
            name=op.f("fk_message_reads_reader_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", "reader_id", name=op.f("pk_message_reads")),
    )
    op.create_index(
        op.f("ix_message_reads_reader_id"), "message_reads", ["reader_id"], unique=False
    )
    op.create_table(
        "worklist_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_worklist_acknowledgements_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_worklist_acknowledgements_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worklist_acknowledgements")),
    )
    op.create_index(
        "ix_worklist_acknowledgements_item",
        "worklist_acknowledgements",
        ["patient_id", "item_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_worklist_acknowledgements_item", table_name="worklist_acknowledgements")
    op.drop_table("worklist_acknowledgements")
    op.drop_index(op.f("ix_message_reads_reader_id"), table_name="message_reads")
    op.drop_table("message_reads")
    op.drop_index("ix_messages_patient_id", table_name="messages")
    op.drop_table("messages")
