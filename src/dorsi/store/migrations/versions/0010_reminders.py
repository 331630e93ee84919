"""Reminders: the patient's exercise days and channels, Web Push browsers, reminders sent.

- ``reminder_plans``: one row per patient (days, local time, time zone, quiet hours, which
  channels, the e-mail address, and the calendar feed's nonce and token hash).
- ``push_subscriptions``: the browsers a patient subscribed to Web Push (endpoint and keys).
- ``reminders_sent``: one row per patient and local day a reminder went out; the unique
  constraint keeps a second sender run (or two at once) from sending again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-16 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_plans",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.String(length=32), nullable=False),
        sa.Column("remind_at", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column("by_calendar", sa.Boolean(), nullable=False),
        sa.Column("by_push", sa.Boolean(), nullable=False),
        sa.Column("by_email", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("calendar_nonce", sa.String(length=64), nullable=False),
        sa.Column("calendar_token_hash", sa.String(length=64), nullable=False),
        sa.Column("calendar_renewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_reminder_plans_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_reminder_plans_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_reminder_plans")),
        sa.UniqueConstraint(
            "calendar_token_hash", name=op.f("uq_reminder_plans_calendar_token_hash")
        ),
    )
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("endpoint_hash", sa.String(length=64), nullable=False),
        sa.Column("p256dh", sa.String(length=128), nullable=False),
        sa.Column("auth", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_push_subscriptions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_push_subscriptions_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint("endpoint_hash", name=op.f("uq_push_subscriptions_endpoint_hash")),
    )
    op.create_index(
        op.f("ix_push_subscriptions_patient_id"),
        "push_subscriptions",
        ["patient_id"],
        unique=False,
    )
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_reminders_sent_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint("patient_id", "local_day", name="uq_reminders_sent_patient_day"),
    )


def downgrade() -> None:
    op.drop_table("reminders_sent")
    op.drop_index(op.f("ix_push_subscriptions_patient_id"), table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
    op.drop_table("reminder_plans")
