"""A clinician changes a goal: edits it, marks it met, or stops it.

- ``goals.met_on``: the day the clinician judged the goal met (null: the measurements decide).
- ``goals.stopped_on``: the day the clinician stopped it (kept in the record, out of reviews).
- ``goals.changed_at`` / ``changed_by_id``: the last change (the audit chain has each one).

Every goal stored before this migration is open and unchanged (all four null). Going back
drops the columns: goals marked met are judged by their numbers again, stopped goals return.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-22 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("goals") as batch:
        batch.add_column(sa.Column("met_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("stopped_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("changed_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_goals_changed_by_id_users"), "users", ["changed_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("goals") as batch:
        batch.drop_constraint(op.f("fk_goals_changed_by_id_users"), type_="foreignkey")
        batch.drop_column("changed_by_id")
        batch.drop_column("changed_at")
        batch.drop_column("stopped_on")
        batch.drop_column("met_on")
