"""Goals and questionnaire answers.

- ``goals``: a clinician's goal for a patient: a measure, a target (a number, or a muscle
  grade) and a date, or plain words, or both. Its status is computed when read.
- ``questionnaire_responses``: the item answers of a questionnaire (LEFS, ABC) a patient
  filled in; the score is stored as a measurement (``lefs``, ``abc_pct``) the row points to.

The questionnaire list is written out here, not imported: a migration must keep meaning
what it meant when it was written.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-21 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=48), nullable=True),
        sa.Column("target_num", sa.Float(), nullable=True),
        sa.Column("target_grade", sa.String(length=4), nullable=True),
        sa.Column("by_date", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "measure_id IS NOT NULL OR text IS NOT NULL", name=op.f("ck_goals_measure_or_text")
        ),
        sa.CheckConstraint(
            "(measure_id IS NULL) = (by_date IS NULL)", name=op.f("ck_goals_measure_with_date")
        ),
        sa.CheckConstraint(
            "(measure_id IS NULL AND target_num IS NULL AND target_grade IS NULL) OR "
            "(measure_id IS NOT NULL AND (target_num IS NULL) <> (target_grade IS NULL))",
            name=op.f("ck_goals_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_goals_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_goals_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index("ix_goals_patient", ["patient_id", "id"], unique=False)
    op.create_table(
        "questionnaire_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("measurement_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "questionnaire IN ('lefs', 'abc')",
            name=op.f("ck_questionnaire_responses_questionnaire"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_questionnaire_responses_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["measurement_id"],
            ["measurements.id"],
            name=op.f("fk_questionnaire_responses_measurement_id_measurements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_questionnaire_responses_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
        sa.UniqueConstraint(
            "measurement_id", name=op.f("uq_questionnaire_responses_measurement_id")
        ),
    )
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_questionnaire_responses_patient_day", ["patient_id", "answered_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_questionnaire_responses_patient_day")
    op.drop_table("questionnaire_responses")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index("ix_goals_patient")
    op.drop_table("goals")
