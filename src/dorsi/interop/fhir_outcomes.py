"""FHIR resources of the outcome side of the record: goals, questionnaire answers, the brace log.

Kept apart from :mod:`dorsi.interop.fhir` (the Bundle and the older resources) so each module
keeps one job; the Bundle builder calls these pure functions and adds what they return.

- ``Goal`` for each goal the clinician set: ``lifecycleStatus`` ``active``, ``completed``
  (the clinician marked it met) or ``cancelled`` (stopped); ``achievementStatus`` the status
  the app shows, as of the export day (HL7 goal-achievement beside Dorsi's own status code);
  a measure goal's ``target`` with the measure's codes, the value in its UCUM unit (a muscle
  grade as a coded value) and the date.
- ``QuestionnaireResponse`` for each LEFS or ABC the patient filled in: the item answers in
  order; the score's Observation (a measurement) is ``derivedFrom`` it.
- ``Observation`` for each brace-log day: the hours worn (UCUM ``h``), with the skin check
  as components (a skin problem yes or no, and each finding seen).

Codes: local Dorsi codes wherever CODES.md has no verified one (see :mod:`dorsi.interop.codes`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dorsi.catalog.measures import MeasureCatalog
from dorsi.clinical.goal_contract import GoalReport
from dorsi.interop import codes as c
from dorsi.interop.record import BraceLogRow, GoalRow, QuestionnaireRow

Reference = dict[str, str]


def _instant(value: dt.datetime) -> str:
    text = value.astimezone(dt.UTC).isoformat(timespec="seconds")
    return text.replace("+00:00", "Z")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def goal(
    row: GoalRow,
    item: GoalReport,
    *,
    words: tuple[str, str, str],
    measures: MeasureCatalog,
    subject: Reference,
    expressed_by: Reference | None,
    addresses: str,
) -> dict[str, Any]:
    """The Goal resource of ``row``; ``item`` is its report as of the export day and
    ``words`` (what the goal is, its status, why) the app's own wording of it."""
    description, status_text, why = words
    if row.stopped_on is not None:
        lifecycle, status_date = "cancelled", row.stopped_on
    elif item.met_on is not None:
        lifecycle, status_date = "completed", item.met_on
    else:
        lifecycle, status_date = "active", None
    resource: dict[str, Any] = {
        "identifier": [{"system": f"{c.DORSI_FHIR}/NamingSystem/goal-id", "value": str(row.id)}],
        "lifecycleStatus": lifecycle,
    }
    if row.stopped_on is None:
        achievement = [c.coding(c.CS_GOAL_STATUS, item.status, status_text)]
        mapped = c.goal_achievement(item.status, item.reason)
        if mapped is not None:
            achievement.insert(0, c.coding(c.GOAL_ACHIEVEMENT, *mapped))
        resource["achievementStatus"] = {"coding": achievement, "text": status_text}
    resource["description"] = {"text": description}
    resource["subject"] = subject
    resource["startDate"] = row.set_on.isoformat()
    if row.measure is not None and row.target is not None and row.by is not None:
        resource["target"] = [_target(row, measures)]
    if status_date is not None:
        resource["statusDate"] = status_date.isoformat()
    if expressed_by is not None:
        resource["expressedBy"] = expressed_by
    resource["addresses"] = [{"reference": addresses}]
    if row.stopped_on is None:
        resource["note"] = [{"text": why}]
    return resource


def _target(row: GoalRow, measures: MeasureCatalog) -> dict[str, Any]:
    measure = measures.get(str(row.measure))
    coding = []
    if measure.loinc:
        coding.append(c.coding(c.LOINC, measure.loinc, measure.name))
    coding.append(c.coding(c.CS_MEASURE, measure.id, measure.name))
    target: dict[str, Any] = {"measure": {"coding": coding, "text": measure.name}}
    if isinstance(row.target, str):
        target["detailCodeableConcept"] = {
            "coding": [c.coding(c.CS_MMT_GRADE, row.target, f"{row.target}/5")],
            "text": f"{row.target}/5",
        }
    elif row.target is not None:
        target["detailQuantity"] = {
            "value": _number(row.target),
            "unit": measure.unit,
            "system": c.UCUM,
            "code": measure.ucum,
        }
    if row.by is not None:
        target["dueDate"] = row.by.isoformat()
    return target


def questionnaire_response(
    row: QuestionnaireRow, *, items: tuple[str, ...], subject: Reference, author: Reference | None
) -> dict[str, Any]:
    """The QuestionnaireResponse of one filled-in questionnaire; ``items`` are the item
    texts in order (Dorsi's English summaries)."""
    resource: dict[str, Any] = {
        "identifier": {
            "system": f"{c.DORSI_FHIR}/NamingSystem/questionnaire-response-id",
            "value": str(row.id),
        },
        "questionnaire": c.questionnaire_url(row.questionnaire),
        "status": "completed",
        "subject": subject,
        "authored": _instant(row.created_at),
    }
    if author is not None:
        resource["author"] = author
    resource["item"] = [
        {"linkId": str(index + 1), "text": text, "answer": [{"valueInteger": answer}]}
        for index, (text, answer) in enumerate(zip(items, row.answers, strict=False))
    ]
    return resource


def brace_log(
    row: BraceLogRow,
    *,
    finding_words: dict[str, str],
    subject: Reference,
    performer: Reference | None,
) -> dict[str, Any]:
    """The Observation of one brace-log day: hours worn, and the skin check as components
    (``finding_words``: each skin finding's clinical words)."""
    components: list[dict[str, Any]] = [
        {
            "code": {"coding": [c.coding(*c.BRACE_SKIN_PROBLEM)], "text": c.BRACE_SKIN_PROBLEM[2]},
            "valueBoolean": row.skin_problem,
        }
    ]
    for finding in row.seen:
        words = finding_words.get(finding, finding.replace("_", " "))
        components.append(
            {
                "code": {"coding": [c.coding(*c.BRACE_SKIN_SEEN)], "text": c.BRACE_SKIN_SEEN[2]},
                "valueCodeableConcept": {
                    "coding": [c.coding(c.CS_SKIN_FINDING, finding, words)],
                    "text": words,
                },
            }
        )
    resource: dict[str, Any] = {
        "identifier": [
            {"system": f"{c.DORSI_FHIR}/NamingSystem/brace-log-id", "value": str(row.id)}
        ],
        "status": "final",
        "category": [{"coding": [c.coding(c.OBSERVATION_CATEGORY, "survey", "Survey")]}],
        "code": {"coding": [c.coding(*c.BRACE_WEAR)], "text": c.BRACE_WEAR[2]},
        "subject": subject,
        "effectiveDateTime": row.date.isoformat(),
        "issued": _instant(row.created_at),
    }
    if performer is not None:
        resource["performer"] = [performer]
    resource["valueQuantity"] = {
        "value": _number(row.wear_hours),
        "unit": "h",
        "system": c.UCUM,
        "code": "h",
    }
    if row.note:
        resource["note"] = [{"text": row.note}]
    resource["component"] = components
    return resource


def with_brace_component(with_brace: bool) -> dict[str, Any]:
    """The component that marks a walk as done with (true) or without (false) the brace."""
    return {
        "code": {"coding": [c.coding(*c.WALKED_WITH_BRACE)], "text": c.WALKED_WITH_BRACE[2]},
        "valueBoolean": with_brace,
    }


__all__ = ["brace_log", "goal", "questionnaire_response", "with_brace_component"]
