"""Alembic environment: runs online against the connection Dorsi hands over."""

from __future__ import annotations

from alembic import context

from dorsi.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - Dorsi always passes a connection
    raise RuntimeError("run migrations through dorsi.store.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
