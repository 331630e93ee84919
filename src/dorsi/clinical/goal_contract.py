"""The contract of a goal and of its report (see :mod:`dorsi.clinical.goals` for the rules).

Kept apart from the rules so the progress review's contract can carry goal reports while the
rules read the review's own trend tools, and no two modules import each other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import ConfigDict, Field

from dorsi.catalog.measures import load_measures
from dorsi.catalog.mmt import GRADES
from dorsi.clinical.contract import Contract, Output, no_nul_schema

GoalStatus = Literal["met", "on_track", "not_on_track", "not_yet_measured"]
GOAL_STATUSES: tuple[GoalStatus, ...] = ("met", "on_track", "not_on_track", "not_yet_measured")
GoalReason = Literal[
    "plain_words",
    "no_values",
    "target_reached",
    "date_passed",
    "too_few_values",
    "no_real_trend",
    "trend_too_slow",
    "trend_reaches_target",
    "marked_met",
]
MAX_TEXT_CHARS = 500


def goal_kinds_schema(schema: dict[str, Any]) -> None:
    """Say in the JSON Schema what :func:`dorsi.clinical.goals.check_goal` accepts, so the
    OpenAPI document describes only goals the server takes: ``text`` alone, or a judged
    measure (one with an MDC) with a target of its kind in its range and a ``by`` date (today
    or later, server clock), with or without ``text``."""
    no_nul_schema(schema)
    properties = schema["properties"]
    text = {"type": "string", "minLength": 3, "maxLength": MAX_TEXT_CHARS}
    no_nul_schema({"properties": {"text": text}})
    by = {"type": "string", "format": "date"}
    by["description"] = "YYYY-MM-DD, today or later (server clock, UTC)"
    absent = {"type": "null"}
    options: list[dict[str, Any]] = [
        {
            "type": "object",
            "properties": {"text": text, "measure": absent, "target": absent, "by": absent},
            "required": ["text"],
        }
    ]
    for measure in load_measures().measures:
        if measure.trend_only:
            continue
        target: dict[str, Any] = (
            {"enum": list(GRADES)}
            if measure.value_kind == "mmt_grade"
            else {"type": "number", "minimum": measure.min, "maximum": measure.max}
        )
        options.append(
            {
                "type": "object",
                "properties": {
                    "measure": {"const": measure.id},
                    "target": target,
                    "by": by,
                    "text": {"anyOf": [text, {"type": "null"}]},
                },
                "required": ["measure", "target", "by"],
            }
        )
    properties["by"] = {"anyOf": [by, {"type": "null"}], "description": by["description"]}
    schema["oneOf"] = options


class Goal(Contract):
    """One goal: ``measure`` + ``target`` + ``by``, or ``text`` (plain words), or both."""

    model_config = ConfigDict(json_schema_extra=goal_kinds_schema)

    measure: str | None = Field(default=None, min_length=1, max_length=64)
    target: float | str | None = None
    by: dt.date | None = None
    text: str | None = Field(
        default=None, min_length=3, max_length=MAX_TEXT_CHARS, pattern=r"^[^\x00]*$"
    )


class RecordedGoal(Goal):
    """A goal as the record holds it: the goal, and ``met_on``, the day the clinician judged
    it met (None: not judged; the measurements decide). A goal in plain words can only be
    judged so; a measure goal may be too (measured on paper, or met in a way the clinic's
    numbers do not show). The review reads it; a new goal (``POST``) is a plain :class:`Goal`.
    """

    met_on: dt.date | None = None


class GoalChange(Contract):
    """A clinician's change to a goal: the fields given replace the goal's (``null`` clears
    one, e.g. ``text``; or ``measure``, ``target`` and ``by`` together to leave a goal in
    plain words); the result must be a goal :class:`Goal` accepts, and a changed ``by``
    must not be in the past. ``met``: true marks the goal met today (kept if already
    marked), false takes that back. A goal whose content changes is judged afresh (its mark
    is cleared) unless ``met`` is given with the change.
    """

    model_config = ConfigDict(json_schema_extra=no_nul_schema)

    measure: str | None = Field(default=None, min_length=1, max_length=64)
    target: float | str | None = None
    by: dt.date | None = None
    text: str | None = Field(
        default=None, min_length=3, max_length=MAX_TEXT_CHARS, pattern=r"^[^\x00]*$"
    )
    met: bool | None = Field(
        default=None, description="true: the clinician judges the goal met today; false: not"
    )


class GoalReport(Output):
    """A goal with its status on the day of the review and what the status rests on.

    ``latest``/``latest_date``: the newest value of the measure; ``trend_per_week``: the
    Theil-Sen slope of the trend window (None without enough values); ``projected``: the
    value on ``by`` if that trend goes on (None without a trend); ``met_on``: the day the
    clinician judged the goal met (then ``status`` is ``met`` and ``reason`` ``marked_met``).
    """

    measure: str | None
    target: float | str | None
    by: dt.date | None
    text: str | None
    status: GoalStatus
    reason: GoalReason
    latest: float | str | None = None
    latest_date: dt.date | None = None
    trend_per_week: float | None = None
    projected: float | None = None
    met_on: dt.date | None = None


__all__ = [
    "GOAL_STATUSES",
    "MAX_TEXT_CHARS",
    "Goal",
    "GoalChange",
    "GoalReason",
    "GoalReport",
    "GoalStatus",
    "RecordedGoal",
]
