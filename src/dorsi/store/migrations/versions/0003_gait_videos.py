"""Gait videos in the app: uploads, their analysis jobs (with leases), results, measurement links.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gait_videos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_role", sa.String(length=16), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("affected_side", sa.String(length=8), nullable=False),
        sa.Column("walked_distance_m", sa.Float(), nullable=True),
        sa.Column("container", sa.String(length=16), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("file_key", sa.String(length=80), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "affected_side IN ('left', 'right')", name=op.f("ck_gait_videos_affected_side")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_gait_videos_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_gait_videos_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gait_videos")),
    )
    with op.batch_alter_table("gait_videos", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gait_videos_patient_uploaded", ["patient_id", "uploaded_at"], unique=False
        )

    op.create_table(
        "gait_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed', 'cancelled')",
            name=op.f("ck_gait_jobs_state"),
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["gait_videos.id"],
            name=op.f("fk_gait_jobs_video_id_gait_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gait_jobs")),
        sa.UniqueConstraint("video_id", name=op.f("uq_gait_jobs_video_id")),
    )
    with op.batch_alter_table("gait_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gait_jobs_state_lease", ["state", "lease_expires_at"], unique=False
        )

    op.create_table(
        "gait_results",
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report_json", sa.JSON(), nullable=False),
        sa.Column("walking_time_s", sa.Float(), nullable=True),
        sa.Column("result_key", sa.String(length=80), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["gait_videos.id"],
            name=op.f("fk_gait_results_video_id_gait_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("video_id", name=op.f("pk_gait_results")),
    )

    op.create_table(
        "gait_measurements",
        sa.Column("measurement_id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measurement_id"],
            ["measurements.id"],
            name=op.f("fk_gait_measurements_measurement_id_measurements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["gait_videos.id"],
            name=op.f("fk_gait_measurements_video_id_gait_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("measurement_id", name=op.f("pk_gait_measurements")),
    )
    with op.batch_alter_table("gait_measurements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gait_measurements_video_id"), ["video_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("gait_measurements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gait_measurements_video_id"))
    op.drop_table("gait_measurements")
    op.drop_table("gait_results")
    with op.batch_alter_table("gait_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_gait_jobs_state_lease")
    op.drop_table("gait_jobs")
    with op.batch_alter_table("gait_videos", schema=None) as batch_op:
        batch_op.drop_index("ix_gait_videos_patient_uploaded")
    op.drop_table("gait_videos")
