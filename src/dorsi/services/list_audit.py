"""Auditing a read of many patients (a patient list) in a few entries, not one per patient.

Every read of patient data is recorded: who, which patient, what, when and the
outcome. A list view reads every listed patient's name and status. One entry per patient per
view would make a clinic-wide list of 10,000 patients write 10,000 audit rows (each one a link
of the hash chain) every time the page is opened, and the audit write would cost more than the
review itself. So a list read is recorded as few entries as the ids fit in:

- action ``patient.list`` (or the caller's action), ``patient_id`` empty, and ``detail`` naming
  every listed patient as sorted id ranges: ``"patients 1-200,305,400-410"``;
- a list too long for one entry's ``detail`` (300 characters) is split over several entries,
  each naming its own ranges, so every listed id is named exactly once;
- a list of one patient is an ordinary entry with that ``patient_id`` (e.g. a patient's own).

:func:`listed_patients` turns a ``detail`` back into the ids, so "who saw patient X" is
answered by the entries with ``patient_id = X`` plus the list entries whose ranges hold X.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dorsi.services import audit
from dorsi.services.context import Ctx

PREFIX = "patients "
DETAIL_MAX = 300


def _ranges(ids: list[int]) -> Iterator[str]:
    start = prev = ids[0]
    for pid in ids[1:]:
        if pid == prev + 1:
            prev = pid
            continue
        yield str(start) if start == prev else f"{start}-{prev}"
        start = prev = pid
    yield str(start) if start == prev else f"{start}-{prev}"


def details(patient_ids: Iterable[int]) -> list[str]:
    """The ``detail`` texts naming ``patient_ids`` (each at most :data:`DETAIL_MAX` chars)."""
    ids = sorted(set(patient_ids))
    if not ids:
        return []
    out: list[str] = []
    current = PREFIX
    for part in _ranges(ids):
        if len(current) + len(part) + 1 > DETAIL_MAX and current != PREFIX:
            out.append(current)
            current = PREFIX
        current += part if current == PREFIX else "," + part
    out.append(current)
    return out


def listed_patients(detail: str) -> frozenset[int]:
    """The patient ids a list entry's ``detail`` names (empty for any other detail)."""
    if not detail.startswith(PREFIX):
        return frozenset()
    ids: set[int] = set()
    for part in detail[len(PREFIX) :].split(","):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            return frozenset()
        ids.update(range(int(low), int(high or low) + 1))
    return frozenset(ids)


def note_list(ctx: Ctx, action: str, patient_ids: Iterable[int]) -> None:
    """Record that this unit of work shows the patients ``patient_ids`` (see module doc)."""
    ids = sorted(set(patient_ids))
    if len(ids) == 1:
        audit.note(ctx, action, ids[0])
        return
    for detail in details(ids):
        audit.note(ctx, action, None, detail)


__all__ = ["DETAIL_MAX", "PREFIX", "details", "listed_patients", "note_list"]
