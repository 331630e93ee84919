"""The camera measure of the home session.

- ``camera_sessions``: one home session measured with the phone's camera: per counted lift its
  peak angle (or null, counted but not measured) and quality; the session's best and median.
- ``measurements.source``: ``camera`` is allowed (the session's best, stored as the measure
  ``dorsiflexion_arom_camera_deg``).

The source list is written out here, not imported: a migration must keep meaning what it meant
when it was written.

Going back drops the table and, with it, the camera's measurements (the older schema cannot
hold their source).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-22 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD_SOURCES = ("evaluation", "self", "gait")
NEW_SOURCES = (*OLD_SOURCES, "camera")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _recheck(sources: tuple[str, ...]) -> None:
    with op.batch_alter_table("measurements", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_measurements_source"), type_="check")
        batch_op.create_check_constraint(op.f("ck_measurements_source"), _in("source", sources))


def upgrade() -> None:
    _recheck(NEW_SOURCES)
    op.create_table(
        "camera_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("exercise_id", sa.String(length=48), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("reps", sa.JSON(), nullable=False),
        sa.Column("reps_counted", sa.Integer(), nullable=False),
        sa.Column("reps_measured", sa.Integer(), nullable=False),
        sa.Column("best_deg", sa.Float(), nullable=True),
        sa.Column("median_deg", sa.Float(), nullable=True),
        sa.Column("measurement_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "reps_measured <= reps_counted", name=op.f("ck_camera_sessions_measured_counted")
        ),
        sa.CheckConstraint("side IN ('left', 'right')", name=op.f("ck_camera_sessions_side")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_camera_sessions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["measurement_id"],
            ["measurements.id"],
            name=op.f("fk_camera_sessions_measurement_id_measurements"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_camera_sessions_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_camera_sessions")),
    )
    op.create_index(
        "ix_camera_sessions_patient_day", "camera_sessions", ["patient_id", "measured_on"]
    )


def downgrade() -> None:
    op.drop_index("ix_camera_sessions_patient_day", table_name="camera_sessions")
    op.drop_table("camera_sessions")
    measurements = sa.table("measurements", sa.column("source"))
    op.execute(measurements.delete().where(measurements.c.source == "camera"))
    _recheck(OLD_SOURCES)
