"""The "Is this urgent?" self-check: triage for anyone; kept only for a signed-in patient.

Anonymous checks stay unstored (the page is public and asks for no name). A signed-in
patient's check is their own screening (:func:`dorsi.services.records.record_screening`,
audited as ``patient.screen``), so a worrying level reaches their clinicians' worklist
(``urgent_check``) and, like any screening of theirs, can pause the program but never
restart it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dorsi.clinical.contract import parse
from dorsi.clinical.screening import ScreenInput, ScreenOutput, triage
from dorsi.services.context import Actor, Ctx
from dorsi.services.records import record_screening
from dorsi.services.worklist_items import URGENT_LEVELS


@dataclass(frozen=True)
class SelfCheck:
    """The triage in the reader's language, and whether a clinician was told."""

    actor: Actor | None
    result: ScreenOutput
    stored: bool
    clinician_told: bool


def self_check(ctx: Ctx, answers: dict[str, Any], *, lang: str) -> SelfCheck:
    data = parse(ScreenInput, answers)
    result = triage(data, lang=lang)
    actor = ctx.actor
    if actor is None or actor.role != "patient" or actor.patient_id is None:
        return SelfCheck(actor, result, stored=False, clinician_told=False)
    record_screening(ctx, actor.patient_id, data)
    return SelfCheck(actor, result, stored=True, clinician_told=result.level in URGENT_LEVELS)


__all__ = ["SelfCheck", "self_check"]
