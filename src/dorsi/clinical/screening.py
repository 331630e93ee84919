"""Red-flag triage: is it safe to start or go on with the home program?

:func:`triage` evaluates the red-flag rules of the catalog (``dorsi.catalog.red_flags``) on the
answers of :class:`ScreenInput` and returns the highest level of every rule that holds:
``emergency`` > ``urgent`` > ``see_clinician`` > ``proceed``.

Decisions a clinician should know (the rules, their reasons and sources live in the catalog):

- Every rule that holds is named in ``reasons``, most severe first, not only the top one
  (a rule whose reason another matched rule already says, listed in that rule's ``covers``,
  is shown once).
- ``program_paused`` is true for every level except ``proceed``.
- The optional questions may be left out (or sent as ``null``). An unanswered
  question never raises the level (it is treated as "no" for the level), it is listed in
  ``unanswered``, and the advice asks for it to be answered because the level may change.
- Time and cause count: the few answers that soften a rule ("a doctor ruled out a
  stroke in person", "these signs are left from a treated stroke", "the numbness is old",
  weeks since an injury or operation) soften only the rules they name in the catalog, and
  unanswered they count as the concerning answer, so leaving them out never lowers the level.
- The rules are monotone by construction (checked when the catalog loads): adding a red flag
  or worsening an ordered answer never lowers the level.
"""

from __future__ import annotations

import textwrap
from typing import Literal

from pydantic import Field

from dorsi.catalog.mmt import MmtGrade
from dorsi.catalog.red_flags import (
    LEVELS,
    Answer,
    Level,
    RedFlagCatalog,
    RedFlagRule,
    load_red_flags,
    severity,
)
from dorsi.clinical.contract import Contract, Output
from dorsi.i18n import normalize_language as catalog_language

Onset = Literal["sudden", "gradual"]
Trend = Literal["improving", "stable", "slowly_worsening", "worsening", "rapidly_worsening"]
Balance = Literal["no", "somewhat", "significantly"]


class ScreenInput(Contract):
    """Answers to the screening questions (field order = the order a form asks them).

    The first sixteen fields are required (the original form). The rest are optional (later
    questions and Dorsi's additions ``spinal_or_epidural_anaesthesia_within_4_days``,
    ``increasing_leg_pain_or_swelling``, ``fall_with_head_strike``,
    ``wound_fever_or_spreading_redness``, ``breathless_lying_flat``, and time and
    cause: who ruled out a stroke, which signs are long-standing, weeks since an injury or
    operation, pain down both legs, leg pain without injury, the ankle muscle grade): absent or
    ``null`` means not answered. An unanswered "long-standing" or "ruled out" answer counts as
    "no", and unanswered weeks as 0: the safer level wins until someone answers.
    """

    foot_drop_onset: Onset
    days_since_onset: int = Field(ge=0, le=36500)
    evaluated_by_clinician: bool
    weakness_trend: Trend
    face_droop: bool
    arm_weakness: bool
    speech_difficulty: bool
    vision_loss: bool
    saddle_numbness: bool
    bladder_or_bowel_change: bool
    both_legs_weak: bool
    severe_numbness: bool
    back_pain_with_weakness: bool
    injury_with_severe_pain_or_swelling: bool
    balance_affected: Balance
    falls_past_month: int = Field(ge=0, le=1000)

    recent_hip_knee_or_spine_surgery: bool | None = None
    spinal_or_epidural_anaesthesia_within_4_days: bool | None = None
    increasing_leg_pain_or_swelling: bool | None = None
    knee_dislocation_or_leg_fracture: bool | None = None
    tight_cast_or_brace: bool | None = None
    cold_pale_or_pulseless_foot: bool | None = None
    fever_or_infection_risk_with_back_pain: bool | None = None
    cancer_history_with_new_back_pain: bool | None = None
    ascending_tingling_after_infection: bool | None = None
    anticoagulated: bool | None = None
    fall_with_head_strike: bool | None = None
    diabetes: bool | None = None
    foot_wound: bool | None = None
    wound_fever_or_spreading_redness: bool | None = None
    brace_pressure_sore: bool | None = None
    swallowing_or_breathing_change: bool | None = None
    breathless_lying_flat: bool | None = None

    stroke_ruled_out_by_physician: bool | None = None
    stroke_signs_long_standing: bool | None = None
    pain_both_legs: bool | None = None
    severe_leg_pain_without_injury: bool | None = None
    weeks_since_injury_or_surgery: float | None = Field(default=None, ge=0, le=5200)
    dorsiflexion_mmt: MmtGrade | None = None
    numbness_long_standing: bool | None = None


class ScreenOutput(Output):
    """The triage decision.

    ``reasons`` names every rule that holds (most severe first; for ``proceed`` one sentence
    saying why it is safe); ``advice`` is what to do now, in plain words; ``unanswered`` lists
    the ids of optional questions that were not answered (empty when all were).
    """

    level: Level
    reasons: list[str]
    advice: str
    program_paused: bool
    unanswered: list[str]


def answers_of(data: ScreenInput) -> dict[str, Answer]:
    """The answers as the rule engine reads them (``None`` = not answered)."""
    return dict(data.model_dump())


def matched_rules(data: ScreenInput, catalog: RedFlagCatalog | None = None) -> list[RedFlagRule]:
    """Every red-flag rule that holds for ``data``, most severe first (then catalog order)."""
    catalog = catalog or load_red_flags()
    rules = catalog.matching(answers_of(data))
    return sorted(rules, key=lambda rule: -severity(rule.level))


def shown_rules(data: ScreenInput, catalog: RedFlagCatalog | None = None) -> list[RedFlagRule]:
    """The matched rules whose reasons are shown: without those another matched rule covers."""
    catalog = catalog or load_red_flags()
    return list(catalog.shown(tuple(matched_rules(data, catalog))))


def unanswered_questions(data: ScreenInput, catalog: RedFlagCatalog | None = None) -> list[str]:
    """Ids of the optional questions left unanswered, in form order."""
    catalog = catalog or load_red_flags()
    answers = answers_of(data)
    return list(catalog.unanswered(answers))


def _advice(
    level: Level, top: list[RedFlagRule], unanswered: list[str], cat: RedFlagCatalog
) -> str:
    parts = [cat.level_info(level).advice]
    for rule in top:
        if rule.advice not in parts:
            parts.append(rule.advice)
    if unanswered and level != "emergency":
        parts.append(cat.unanswered_note)
    return " ".join(parts)


def triage(data: ScreenInput, *, lang: str = "en") -> ScreenOutput:
    """Decide the triage level for one set of screening answers.

    ``lang`` only chooses the language of ``reasons`` and ``advice`` (English by default): the
    rules, and so the level, are the same in every language.
    """
    catalog = load_red_flags(lang)
    rules = shown_rules(data, catalog)
    unanswered = unanswered_questions(data, catalog)
    level: Level = rules[0].level if rules else "proceed"
    reasons = [rule.reason for rule in rules] or [catalog.proceed_reason]
    top = [rule for rule in rules if rule.level == level]
    return ScreenOutput(
        level=level,
        reasons=reasons,
        advice=_advice(level, top, unanswered, catalog),
        program_paused=level != "proceed",
        unanswered=unanswered,
    )


#: Terminal headings per language (the rest of the text comes from the catalog).
_HEADINGS = {
    "en": (
        "What to do now:",
        "Why:",
        "Your home exercise program is paused until a clinician says it is safe.",
        "Your home exercise program can go on.",
        "Questions not answered yet:",
    ),
    "es": (
        "Qué hacer ahora:",
        "Por qué:",
        "Su programa de ejercicios en casa queda en pausa hasta que un profesional diga que es "
        "seguro.",
        "Puede seguir con su programa de ejercicios en casa.",
        "Preguntas sin contestar todavía:",
    ),
}


def render_text(result: ScreenOutput, lang: str = "en") -> str:
    """The decision as a patient reads it in a terminal (``result`` decided in ``lang``)."""
    catalog = load_red_flags(lang)
    todo, why, paused, goes_on, unanswered = _HEADINGS[catalog_language(lang)]
    info = catalog.level_info(result.level)
    lines = [info.title.upper() if result.level == "emergency" else info.title, ""]
    lines += [todo, _wrap(result.advice, "  "), ""]
    lines.append(why)
    lines += [_wrap(reason, "  - ", "    ") for reason in result.reasons]
    lines.append("")
    lines.append(paused if result.program_paused else goes_on)
    if result.unanswered and result.level != "emergency":
        lines += ["", unanswered]
        lines += [
            _wrap(catalog.question(qid).question, "  - ", "    ") for qid in result.unanswered
        ]
    return "\n".join(lines)


def _wrap(text: str, first: str, rest: str | None = None, width: int = 78) -> str:
    return textwrap.fill(
        text, width=width, initial_indent=first, subsequent_indent=first if rest is None else rest
    )


__all__ = [
    "LEVELS",
    "Balance",
    "Onset",
    "ScreenInput",
    "ScreenOutput",
    "Trend",
    "answers_of",
    "matched_rules",
    "render_text",
    "shown_rules",
    "triage",
    "unanswered_questions",
]
