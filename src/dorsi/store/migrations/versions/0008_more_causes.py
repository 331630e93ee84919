"""Patient records take every cause the program knows, and foot drop on both sides.

- ``patients.cause``: the CHECK lists the program's causes (stroke, multiple sclerosis, motor
  neuron disease, polyneuropathy, hereditary neuropathy, sciatic nerve injury after hip
  surgery beside the first four), and the column widens to 32 characters so the longest id
  fits.
- ``patients.side``: ``both`` is allowed. A walking video is still analysed for one leg, so
  ``gait_videos.affected_side`` keeps left or right.

The lists are written out here, not imported: a migration must keep meaning what it meant
when it was written, whatever the catalog later holds.

Going back refuses (instead of rewriting a patient's cause) while a record uses a new value.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-14 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dorsi.errors import ConflictError

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD_CAUSES = ("peroneal", "lumbar", "neurological", "unknown")
NEW_CAUSES = (
    *OLD_CAUSES,
    "stroke",
    "multiple_sclerosis",
    "motor_neuron_disease",
    "polyneuropathy",
    "hereditary_neuropathy",
    "post_operative_sciatic",
)
OLD_SIDES = ("left", "right")
NEW_SIDES = (*OLD_SIDES, "both")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _recheck(causes: tuple[str, ...], sides: tuple[str, ...], cause_length: int) -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_patients_cause"), type_="check")
        batch_op.drop_constraint(op.f("ck_patients_side"), type_="check")
        batch_op.alter_column(
            "cause",
            existing_type=sa.String(length=32 if cause_length == 16 else 16),
            type_=sa.String(length=cause_length),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(op.f("ck_patients_cause"), _in("cause", causes))
        batch_op.create_check_constraint(op.f("ck_patients_side"), _in("side", sides))


def upgrade() -> None:
    _recheck(NEW_CAUSES, NEW_SIDES, 32)


def downgrade() -> None:
    patients = sa.table("patients", sa.column("cause"), sa.column("side"))
    count = op.get_bind().scalar(
        sa.select(sa.func.count())
        .select_from(patients)
        .where(~patients.c.cause.in_(OLD_CAUSES) | ~patients.c.side.in_(OLD_SIDES))
    )
    if count:
        raise ConflictError(
            f"cannot go back before migration 0008: {count} patient record(s) use a cause or "
            f"side the older schema does not know (causes: {', '.join(OLD_CAUSES)}; sides: "
            f"{', '.join(OLD_SIDES)}); change those records first"
        )
    _recheck(OLD_CAUSES, OLD_SIDES, 16)
