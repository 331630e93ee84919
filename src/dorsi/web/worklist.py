"""JSON API between visits: the clinician's worklist and the patient's message thread.

Thin routes: each declares its policy action, unit of work and typed body
(:mod:`dorsi.web.deps`) and calls one service function (:mod:`dorsi.services.worklist`,
:mod:`dorsi.services.messages`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from dorsi.services import messages, worklist
from dorsi.services.messages import MessageIn, MessagePublic
from dorsi.services.worklist import AcknowledgeIn, WorklistItem
from dorsi.services.worklist_items import ITEM_ID_PATTERN
from dorsi.web.api import API_ERRORS, RECORD, PatientId
from dorsi.web.deps import ApiUnit, JsonBody, JsonRoute, action
from dorsi.web.errors import documented

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, route_class=JsonRoute)
ItemId = Annotated[
    str,
    Path(
        min_length=5,
        max_length=120,
        pattern=ITEM_ID_PATTERN,
        description="a worklist item's id, kind:patient_id:subject (from GET /worklist)",
    ),
]


@router.get(
    "/worklist",
    tags=["worklist"],
    summary="The signed-in clinician's worklist: open items first, most urgent, newest",
    description=(
        "Items of the patients assigned to the caller: `program_paused` (an active stop "
        "alert), `urgent_check` (a patient's own urgent check at emergency, urgent or "
        "see_clinician), review alerts (`worsening`, `plateau`, `pain_rising`, "
        "`skin_problem`, ...), `reassessment_overdue`, `no_checkin`, `message`. "
        "Acknowledged items stay listed for `DORSI_WORKLIST_ACKNOWLEDGED_DAYS`."
    ),
    dependencies=[action("worklist.read")],
    responses=documented(403),
)
def get_worklist(
    ctx: ApiUnit,
    kind: Annotated[str | None, Query(max_length=32, pattern=r"^[a-z_]+$")] = None,
) -> list[WorklistItem]:
    return worklist.worklist(ctx, kind=kind)


@router.post(
    "/worklist/{item_id}/acknowledge",
    tags=["worklist"],
    status_code=201,
    summary="Acknowledge one worklist item, with an optional note",
    description=(
        "Audited. For `program_paused` this is the stop alerts' own acknowledgement "
        "(the same as `POST /patients/{id}/alerts/acknowledge-stops`); for `message` it "
        "marks the patient's messages read by the caller. 409 when the item is not open on "
        "the worklist now. The body is optional."
    ),
    dependencies=[action("alert.acknowledge")],
    responses={**RECORD, **documented(409)},
)
def acknowledge_item(
    ctx: ApiUnit, item_id: ItemId, body: JsonBody[AcknowledgeIn] | None = None
) -> WorklistItem:
    return worklist.acknowledge(ctx, item_id, body or AcknowledgeIn())


@router.get(
    "/patients/{patient_id}/messages",
    tags=["messages"],
    summary="The patient's message thread, oldest first, with read receipts",
    description="Reading the thread records the caller's read receipts (and is audited).",
    dependencies=[action("message.read")],
    responses=RECORD,
)
def get_messages(ctx: ApiUnit, patient_id: PatientId) -> list[MessagePublic]:
    return messages.thread(ctx, patient_id)


@router.post(
    "/patients/{patient_id}/messages",
    tags=["messages"],
    status_code=201,
    summary="Send a message in the patient's thread (text only)",
    dependencies=[action("message.send")],
    responses=RECORD,
)
def post_message(ctx: ApiUnit, patient_id: PatientId, body: JsonBody[MessageIn]) -> MessagePublic:
    return messages.send(ctx, patient_id, body)


__all__ = ["router"]
