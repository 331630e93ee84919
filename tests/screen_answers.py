"""The screening answers of a stable, already-evaluated patient with no flags.

Issue 2: such a patient must get "proceed". Shared by the unit and CLI tests of `dorsi screen`;
the scenario suite (tests/scenarios) keeps its own copy on purpose, written from the issue text.
"""

from __future__ import annotations

from typing import Any

STABLE_ANSWERS: dict[str, Any] = {
    "foot_drop_onset": "gradual",
    "days_since_onset": 60,
    "evaluated_by_clinician": True,
    "weakness_trend": "stable",
    "face_droop": False,
    "arm_weakness": False,
    "speech_difficulty": False,
    "vision_loss": False,
    "saddle_numbness": False,
    "bladder_or_bowel_change": False,
    "both_legs_weak": False,
    "severe_numbness": False,
    "injury_with_severe_pain_or_swelling": False,
    "back_pain_with_weakness": False,
    "balance_affected": "no",
    "falls_past_month": 0,
}
