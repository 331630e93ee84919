"""The audit log: every read or write of patient data, with who, what, when and the outcome.

Services call :func:`note` when they touch a patient's record (or a user account): it lives
beside the unit of work whose entries it notes (:mod:`dorsi.services.context`);
:func:`dorsi.services.context.run_unit` writes the entries in the same transaction as the work
(outcome ``ok``) or, when the work fails, in a transaction of their own with the outcome the
error implies (:func:`dorsi.services.context.flush_audit`, beside the unit of work it belongs
to). Details never hold clinical content or secrets, only ids and kinds.

The table is append-only and hash-chained, so a changed or removed row shows:
:func:`dorsi.services.context.flush_audit` adds entries only through
:func:`dorsi.store.audit_chain.append`, which serialises appends and sets
``entry_hash = sha256(prev_hash || canonical(entry))``. No code path updates or deletes audit
rows; on PostgreSQL a trigger refuses UPDATE and DELETE as well. ``dorsi audit verify`` checks
the chain.
"""

from __future__ import annotations

from dorsi.services.context import note
from dorsi.store import audit_chain
from dorsi.store.models import AuditEntry


def canonical(entry: AuditEntry) -> bytes:
    """The byte form of an entry that the chain hashes (:mod:`dorsi.store.audit_chain`)."""
    return audit_chain.canonical(entry)


__all__ = ["canonical", "note"]
