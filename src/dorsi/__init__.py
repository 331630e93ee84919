"""Dorsi: physical therapy for foot drop.

The clinical core lives in :mod:`dorsi.clinical` (pure functions, no I/O); the shipped,
validated data in :mod:`dorsi.catalog`; interfaces (CLI, web, reports) call into them.
"""

__version__ = "0.1.0"
