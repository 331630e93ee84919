"""A covering index for the clinic-wide progress review.

``ix_session_checkins_review`` holds, per patient in (day, id) order, every check-in field the
review reads, so the review of thousands of year-long histories reads the index alone instead
of looking up each check-in's row (a second read per check-in). It
replaces ``ix_session_checkins_patient_day``, whose columns are its prefix, so a check-in still
updates one secondary index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 16:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = [
    "patient_id",
    "session_date",
    "id",
    "completed",
    "pain_nrs",
    "difficulty",
    "weakness_worse",
    "balance_worse",
]


def upgrade() -> None:
    with op.batch_alter_table("session_checkins", schema=None) as batch_op:
        batch_op.create_index("ix_session_checkins_review", COLUMNS, unique=False)
        batch_op.drop_index("ix_session_checkins_patient_day")


def downgrade() -> None:
    with op.batch_alter_table("session_checkins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_session_checkins_patient_day", ["patient_id", "session_date"], unique=False
        )
        batch_op.drop_index("ix_session_checkins_review")
