"""Alembic migrations of the Dorsi schema (applied by ``dorsi db upgrade`` and on ``serve``)."""
