"""Trustworthy check-ins and measures.

- ``idempotency_keys``: the first answer to a check-in sent with an ``Idempotency-Key``; a
  retry gets it again and stores nothing. Unique per (user, patient, key) so parallel
  retries are safe on SQLite and PostgreSQL.
- ``stop_acknowledgements``: a clinician acknowledged the stop alerts of check-ins up to a day.
- Data: gait speeds measured from a phone video (source ``gait``) were filed as the
  10-metre walk test's ``gait_speed_mps``; they become ``gait_speed_video_mps``. The source
  column tells them apart (an evaluation's or patient's value is never ``gait``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_json", sa.JSON(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["session_checkins.id"],
            name=op.f("fk_idempotency_keys_checkin_id_session_checkins"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_idempotency_keys_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_idempotency_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("user_id", "patient_id", "key_hash", name="uq_idempotency_keys_scope"),
    )
    op.create_table(
        "stop_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("through_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_stop_acknowledgements_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_stop_acknowledgements_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stop_acknowledgements")),
    )
    with op.batch_alter_table("stop_acknowledgements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stop_acknowledgements_patient", ["patient_id", "through_date"], unique=False
        )
    op.execute(
        "UPDATE measurements SET measure_id = 'gait_speed_video_mps' "
        "WHERE measure_id = 'gait_speed_mps' AND source = 'gait'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE measurements SET measure_id = 'gait_speed_mps' "
        "WHERE measure_id = 'gait_speed_video_mps' AND source = 'gait'"
    )
    with op.batch_alter_table("stop_acknowledgements", schema=None) as batch_op:
        batch_op.drop_index("ix_stop_acknowledgements_patient")
    op.drop_table("stop_acknowledgements")
    op.drop_table("idempotency_keys")
