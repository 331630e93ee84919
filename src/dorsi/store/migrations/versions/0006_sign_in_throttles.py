"""Sign-in throttling with growing delays.

``sign_in_throttles`` holds, per throttle key (an account, a client address, a known device,
a user's change-password form), the attempts charged since the last success and the time the
next attempt is allowed. It replaces counting rows of ``login_attempts`` (a fixed lockout that
let anyone lock a user out, and let parallel guesses past the limit); that table is no longer
written and stays for the history it holds.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttles",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_sign_in_throttles")),
    )
    with op.batch_alter_table("sign_in_throttles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_throttles_updated_at"), ["updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_throttles_updated_at"))
    op.drop_table("sign_in_throttles")
