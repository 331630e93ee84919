"""The brace (AFO) log, remote monitoring minutes, and walks marked with or without the brace.

- ``brace_logs``: one day's wear hours (0-24) and skin check (a problem, and what was seen).
- ``rtm_minutes``: a clinician's minutes of remote-monitoring review or interactive contact.
- ``measurements.with_brace`` and ``gait_videos.with_brace``: walked with the brace (true),
  without it (false) or not recorded (null; every row stored before this migration).
- ``evaluations.brace_wear_target_hours``: the clinician's daily wear target.

Going back drops the two tables and the three columns (and with them the logged data).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-21 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brace_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("log_date", sa.Date(), nullable=False),
        sa.Column("wear_hours", sa.Float(), nullable=False),
        sa.Column("skin_problem", sa.Boolean(), nullable=False),
        sa.Column("seen", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "wear_hours >= 0 AND wear_hours <= 24", name=op.f("ck_brace_logs_wear_hours_range")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_brace_logs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_brace_logs_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brace_logs")),
    )
    op.create_index("ix_brace_logs_patient_day", "brace_logs", ["patient_id", "log_date"])
    op.create_table(
        "rtm_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("worked_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "activity IN ('review', 'interactive')", name=op.f("ck_rtm_minutes_activity")
        ),
        sa.CheckConstraint("minutes BETWEEN 1 AND 240", name=op.f("ck_rtm_minutes_minutes_range")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_rtm_minutes_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_rtm_minutes_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rtm_minutes")),
    )
    op.create_index("ix_rtm_minutes_patient_day", "rtm_minutes", ["patient_id", "worked_on"])
    with op.batch_alter_table("measurements") as batch:
        batch.add_column(sa.Column("with_brace", sa.Boolean(), nullable=True))
    with op.batch_alter_table("gait_videos") as batch:
        batch.add_column(sa.Column("with_brace", sa.Boolean(), nullable=True))
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("brace_wear_target_hours", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("brace_wear_target_hours")
    with op.batch_alter_table("gait_videos") as batch:
        batch.drop_column("with_brace")
    with op.batch_alter_table("measurements") as batch:
        batch.drop_column("with_brace")
    op.drop_index("ix_rtm_minutes_patient_day", table_name="rtm_minutes")
    op.drop_table("rtm_minutes")
    op.drop_index("ix_brace_logs_patient_day", table_name="brace_logs")
    op.drop_table("brace_logs")
