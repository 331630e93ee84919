"""Learn marks: topics a clinician asked a patient to read this week.

The patient's preferred language is already stored (``patients.preferred_language``, 0001).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learn_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.String(length=48), nullable=False),
        sa.Column("marked_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_learn_marks_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_learn_marks_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learn_marks")),
    )
    with op.batch_alter_table("learn_marks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_learn_marks_patient_marked", ["patient_id", "marked_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("learn_marks", schema=None) as batch_op:
        batch_op.drop_index("ix_learn_marks_patient_marked")
    op.drop_table("learn_marks")
