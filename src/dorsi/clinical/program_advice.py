"""The plain-words side of the program builder: cues, precautions, gait advice, bracing and
the sentences of the rationale. Pure text assembly; the decisions live in
:mod:`dorsi.clinical.program`, the thresholds in ``data/program_rules.yaml``.

Electrical stimulation is named only for a neurological cause (REFERENCE 3.6); the only
sentence that names it comes from the neurological advice in the rules file.
"""

from __future__ import annotations

from collections.abc import Sequence

from dorsi.catalog.exercises import Exercise, ExerciseCatalog, Support
from dorsi.catalog.mmt import MmtGrade, rank
from dorsi.catalog.words import load_words
from dorsi.clinical.program_contract import PlanInput, PlannedExercise, Situation
from dorsi.clinical.program_rules import PhaseRule, ProgramRules, as_int


def say(rules: ProgramRules, key: str, /, **values: object) -> str:
    """The message ``key`` of ``data/words/plan.yaml`` in the rules' language."""
    return load_words("plan").say(key, rules.lang, **values)


def required_note(kind: str, rules: ProgramRules) -> str:
    """Why a required exercise (``calf_stretch`` or ``range_of_motion``) is in the plan."""
    return say(rules, f"required_{kind}")


def fill_note(rules: ProgramRules) -> str:
    return say(rules, "fill_note")


def cause_note(rules: ProgramRules) -> str:
    return say(rules, "cause_note")


def child_rationale(age_years: int, rules: ProgramRules) -> list[str]:
    adult = num(rules.children.adult_program_from_age_years.value)
    return [say(rules, "child_age", age=age_years, adult=adult), say(rules, "child_paediatric")]


_SUPPORT_CUES: dict[tuple[bool, Support], str] = {
    (True, "hand_support"): "cue_hand_support",
    (True, "assisted"): "cue_assisted_upright",
    (False, "assisted"): "cue_assisted_seated",
}


def num(value: float) -> str:
    """A number without a useless '.0'."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _and(rules: ProgramRules) -> str:
    return f" {say(rules, 'and')} "


def equipment_words(items: Sequence[str], rules: ProgramRules) -> str:
    words = load_words("plan").messages
    return _and(rules).join(
        say(rules, f"equipment_{i}") if f"equipment_{i}" in words else i for i in items
    )


def unusable_reason(key: str, rules: ProgramRules, /, **values: object) -> str:
    """Why an exercise cannot be in this program (``needs_equipment``, ``needs_grade``,
    ``waits_pain``), as the end of the "left out" sentence."""
    return say(rules, key, **values)


def phase_sentence(phase: int, name: str, rules: ProgramRules) -> str:
    return say(rules, "phase_so", phase=phase, name=name)


# ---- phase -------------------------------------------------------------------------------


def grade_sentence(grade: MmtGrade, rule: PhaseRule, rules: ProgramRules) -> str:
    nxt = rule.phase + 1
    goal = rule.goal[0].lower() + rule.goal[1:]
    text = say(rules, "grade", grade=grade, phase=rule.phase, name=rule.name.lower(), goal=goal)
    if nxt <= 3:
        need = rules.phase(nxt).min_dorsiflexion_mmt.grade
        name = rules.phase(nxt).name.lower()
        text += " " + say(rules, "grade_next", phase=nxt, name=name, need=need)
    return text


def pain_cap_sentence(pain_nrs: int, rules: ProgramRules) -> str:
    too_much = num(rules.pain.too_much_nrs.value)
    sets = as_int(rules.pain.gentle_max_sets)
    return say(rules, "pain_cap", pain=pain_nrs, too_much=too_much, sets=sets)


def falls_cap_sentence(falls: int, rules: ProgramRules) -> str:
    cap = rules.recurrent_falls.max_phase
    key = "falls_cap_one" if falls == 1 else "falls_cap_many"
    return say(rules, key, count=falls, cap=cap)


def balance_cap_sentence(signs: Sequence[str], rules: ProgramRules) -> str:
    cap = rules.balance_cap.max_phase
    return say(rules, "balance_cap", signs="; ".join(signs), cap=cap)


def early_cap_sentence(rules: ProgramRules) -> str:
    weeks = num(rules.early_after_onset.weeks_since_onset_below.value)
    cap = rules.early_after_onset.max_phase
    return say(rules, "early_cap", weeks=weeks, cap=cap)


# ---- exercises ---------------------------------------------------------------------------


def too_few_message(*, chosen_count: int, phase: int) -> str:
    return (
        f"only {chosen_count} exercise(s) of phase {phase} or earlier are possible with this "
        "equipment and these answers; a program needs at least 3. Add a towel or a strap to "
        "the list if you have one (a belt can serve as a strap)"
    )


def left_out_sentence(exercise: Exercise, reason: str | None, rules: ProgramRules) -> str:
    why = reason or say(rules, "not_needed")
    return say(rules, "left_out", name=exercise.name.lower(), why=why)


def _support_note(
    exercise: Exercise, item: PlannedExercise, sit: Situation, rules: ProgramRules
) -> str:
    pre = exercise.prerequisites
    if item.support == "assisted" and not exercise.kind.upright:
        return " " + say(rules, "helped_seated", grade=sit.grade)
    if (
        item.support != "none"
        and pre.hand_support_below_mmt is not None
        and rank(sit.grade) < rank(pre.hand_support_below_mmt)
    ):
        return " " + say(rules, "helped_hand_below", grade=pre.hand_support_below_mmt)
    if item.support != "none":
        return " " + say(rules, "helped_fall_risk")
    return ""


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def choice_sentence(
    exercise: Exercise, note: str, item: PlannedExercise, sit: Situation, rules: ProgramRules
) -> str:
    extra = f" {note}" if note else ""
    return f"{exercise.name}: {_lower_first(exercise.summary())}{extra}" + _support_note(
        exercise, item, sit, rules
    )


def side_cue(side: str, rules: ProgramRules) -> str:
    return say(rules, f"side_{side}")


def cues(
    exercise: Exercise, support: Support, side: str, rules: ProgramRules, *, pain_too_much: bool
) -> list[str]:
    out = [side_cue(side, rules)]
    cue_key = _SUPPORT_CUES.get((exercise.kind.upright, support))
    support_cue = say(rules, cue_key) if cue_key else None
    # Seated exercises whose own cues already say how to help the movement need no repeat.
    already_said = "strap" in exercise.equipment or any("help" in c for c in exercise.form_cues)
    if exercise.kind.upright and support == "none":
        out.append(say(rules, "cue_counter_nearby"))
    elif support_cue and (exercise.kind.upright or not already_said):
        out.append(support_cue)
    out.extend(exercise.form_cues)
    if pain_too_much:
        out.append(say(rules, "cue_gentle"))
    return out


# ---- the rest of the rationale -----------------------------------------------------------


def situation_sentences(
    data: PlanInput, sit: Situation, rules: ProgramRules, phase: int, chosen_ids: list[str]
) -> list[str]:
    out: list[str] = []
    if sit.fall_risk:
        out.append(say(rules, "fall_risk", signs="; ".join(sit.fall_risk_signs)))
    if sit.pain_acceptable:
        out.append(say(rules, "pain_acceptable", pain=data.pain_nrs))
    arom = data.dorsiflexion_arom_deg
    if sit.stiff_ankle and arom is not None and arom < rules.stiff_ankle.arom_below_deg.value:
        limit = num(rules.stiff_ankle.arom_below_deg.value)
        out.append(say(rules, "stiff_arom", arom=num(arom), limit=limit))
    passive = data.ankle_df_passive_deg
    if passive is not None and passive < rules.bracing.tight_ankle_passive_below_deg.value:
        out.append(say(rules, "tight_passive", passive=num(passive)))
    needs_stretch = phase == 1 or sit.stiff_ankle
    if sit.knee_bent_stretch:
        why = (
            say(rules, "knee_bent_nerve")
            if rules.causes[data.cause].nerve_tension
            else say(rules, "knee_bent_pain", pain=data.pain_nrs)
        )
        out.append(say(rules, "knee_bent", why=why))
    elif needs_stretch and "strap_assisted_toe_raises" not in chosen_ids:
        out.append(say(rules, "no_strap_stretch"))
    cause = rules.causes[data.cause]
    out.append(cause.rationale)
    return out


def review_sentence(days: int, sit: Situation, rules: ProgramRules) -> str:
    reasons = [
        say(rules, key)
        for applies, key in (
            (sit.pain_too_much, "review_pain"),
            (sit.fall_risk, "review_falls"),
            (sit.early, "review_early"),
        )
        if applies
    ]
    if not reasons:
        return say(rules, "review_plain", days=days)
    return say(rules, "review_sooner", days=days, reasons=_and(rules).join(reasons))


# ---- gait training, bracing, precautions -------------------------------------------------


def gait_training(data: PlanInput, sit: Situation, rules: ProgramRules) -> list[str]:
    out: list[str] = []
    if data.uses_afo:
        out.append(say(rules, "gait_afo"))
    if rank(sit.grade) <= rank(rules.bracing.weak_grade_at_most.grade):
        out.append(say(rules, "gait_knee"))
    if rank(sit.grade) >= rank("3-") or data.uses_afo:
        out.append(say(rules, "gait_heel"))
    out.append(say(rules, "gait_short_steps"))
    if sit.fall_risk:
        out.append(say(rules, "gait_near_support"))
    out.append(say(rules, "gait_bouts"))
    out.append(say(rules, "gait_shoes"))
    if sit.pain_too_much:
        out.append(say(rules, "gait_pain"))
    out.extend(rules.causes[data.cause].gait_training)
    return out


def impairment_reasons(data: PlanInput, rules: ProgramRules) -> list[str]:
    """Why the impairment itself calls for an AFO assessment (trips or not)."""
    b = rules.bracing
    out: list[str] = []
    if rank(data.dorsiflexion_mmt) <= rank(b.impairment_grade_at_most.grade):
        limit = b.impairment_grade_at_most.grade
        out.append(say(rules, "afo_impair_grade", grade=data.dorsiflexion_mmt, limit=limit))
    tight = b.tight_ankle_passive_below_deg.value
    if data.ankle_df_passive_deg is not None and data.ankle_df_passive_deg < tight:
        out.append(say(rules, "afo_impair_tight", deg=num(data.ankle_df_passive_deg)))
    slow = b.slow_speed_below_mps.value
    trips = data.trips_per_week or 0
    if data.gait_speed_mps is not None and data.gait_speed_mps < slow and trips > 0:
        out.append(say(rules, "afo_impair_slow", speed=num(data.gait_speed_mps), limit=num(slow)))
    return out


def bracing(data: PlanInput, rules: ProgramRules) -> tuple[bool, str]:
    """Whether to suggest an AFO evaluation, and why in plain words.

    Suggested from the impairment (a very weak or tight ankle, slow walking with toe catching),
    after trips or falls, and for every progressive cause, unless a brace is already used.
    Electrical stimulation is added only from the cause's own note (upper motor neuron).
    """
    weak = rank(data.dorsiflexion_mmt) <= rank(rules.bracing.weak_grade_at_most.grade)
    trips = data.trips_per_week or 0
    cause = rules.causes[data.cause]
    fes = cause.fes_note
    tail = f" {fes}" if fes else ""
    if data.uses_afo:
        return False, say(rules, "afo_already") + tail
    what = " " + say(rules, "afo_what")
    impairment = impairment_reasons(data, rules)
    events = []
    if trips > 0:
        key = "afo_trips_one" if trips == 1 else "afo_trips_many"
        events.append(say(rules, key, count=num(trips)))
    if data.falls_past_month > 0:
        key = "afo_fell_one" if data.falls_past_month == 1 else "afo_fell_many"
        events.append(say(rules, key, count=data.falls_past_month))
    ask = say(rules, "afo_ask") + " "
    if cause.course == "progressive":
        told = " ".join([say(rules, "afo_progressive"), *events, *impairment])
        return True, told + what
    if impairment:
        return True, ask + " ".join(events + impairment) + what + tail
    if events:
        strength = (
            say(rules, "afo_weak", grade=data.dorsiflexion_mmt)
            if weak
            else say(rules, "afo_fairly_strong", grade=data.dorsiflexion_mmt)
        )
        no_brace = say(rules, "afo_no_brace_yet")
        return True, ask + " ".join(events) + f" {no_brace} {strength}" + what + tail
    if data.trips_per_week is None and weak:
        return False, say(rules, "afo_not_recorded") + tail
    return False, say(rules, "afo_not_needed") + tail


def _calf_stretch_guidance(data: PlanInput, sit: Situation, rules: ProgramRules) -> str:
    if sit.knee_bent_stretch:
        return say(rules, "calf_stretch_knee_bent")
    if "towel" in data.equipment:
        return say(rules, "calf_stretch_towel")
    return say(rules, "calf_stretch_counter")


def precautions(
    data: PlanInput,
    sit: Situation,
    rules: ProgramRules,
    catalog: ExerciseCatalog,
    phase: int,
    chosen_ids: list[str],
) -> list[str]:
    out = list(catalog.common_stop_rules)
    out.append(say(rules, "urgent_care"))
    out.extend(rules.causes[data.cause].precautions)
    if sit.fall_risk:
        out.append(say(rules, "prec_fall_risk"))
    if sit.pain_too_much:
        out.append(say(rules, "prec_pain_high", pain=data.pain_nrs))
    elif sit.pain_acceptable:
        out.append(say(rules, "prec_pain_ok", pain=data.pain_nrs))
    if data.sensation in ("reduced", "absent"):
        out.extend(rules.sensation.reduced_advice)
    if sit.early:
        out.append(say(rules, "prec_new"))
    if (phase == 1 or sit.stiff_ankle or sit.knee_bent_stretch) and (
        "strap_assisted_toe_raises" not in chosen_ids
    ):
        out.append(_calf_stretch_guidance(data, sit, rules))
    return out
