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

REQUIRED_NOTE = {
    "calf_stretch": "The plan always has a calf stretch now, so the ankle does not get stuck "
    "pointing down.",
    "range_of_motion": "Phase 1 always has range-of-motion work.",
}
FILL_NOTE = "It comes from an earlier phase, to round out the plan."
CAUSE_NOTE = "It is in the plan for the cause of the foot drop."


def say(rules: ProgramRules, key: str, /, **values: object) -> str:
    """The message ``key`` of ``data/words/plan.yaml`` in the rules' language."""
    return load_words("plan").say(key, rules.lang, **values)


def child_rationale(age_years: int, rules: ProgramRules) -> list[str]:
    adult = num(rules.children.adult_program_from_age_years.value)
    return [say(rules, "child_age", age=age_years, adult=adult), say(rules, "child_paediatric")]


_EQUIPMENT_WORDS = {
    "resistance_band": "a resistance band",
    "step": "a step",
    "strap": "a strap",
    "towel": "a towel",
    "wall": "a clear wall",
}

_SUPPORT_CUES: dict[tuple[bool, Support], str] = {
    (True, "hand_support"): (
        "Keep a hand on a stable kitchen counter the whole time. Do not use a chair for "
        "support: a chair can tip or slide."
    ),
    (True, "assisted"): (
        "Have a helper stand right next to you, and hold a stable kitchen counter (not a chair)."
    ),
    (False, "assisted"): (
        "Help the movement with your hand, a strap or a helper where the muscle cannot do it "
        "yet. Then let the foot down slowly yourself."
    ),
}


def num(value: float) -> str:
    """A number without a useless '.0'."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def equipment_words(items: Sequence[str]) -> str:
    return " and ".join(_EQUIPMENT_WORDS.get(i, i) for i in items)


# ---- phase -------------------------------------------------------------------------------


def grade_sentence(grade: MmtGrade, rule: PhaseRule, rules: ProgramRules) -> str:
    nxt = rule.phase + 1
    tail = ""
    if nxt <= 3:
        need = rules.phase(nxt).min_dorsiflexion_mmt.grade
        tail = f" Phase {nxt} ({rules.phase(nxt).name.lower()}) starts at grade {need}."
    return (
        f"The foot-lifting muscles test at grade {grade}. That allows phase {rule.phase} "
        f"({rule.name.lower()}). The goal: {rule.goal[0].lower()}{rule.goal[1:]}{tail}"
    )


def pain_cap_sentence(pain_nrs: int, rules: ProgramRules) -> str:
    too_much = num(rules.pain.too_much_nrs.value)
    sets = as_int(rules.pain.gentle_max_sets)
    return (
        f"Pain is {pain_nrs} out of 10; {too_much} or more is too much to push through. So the "
        f"plan stays gentle: phase 1 (seated and assisted) with at most {sets} sets."
    )


def falls_cap_sentence(falls: int, rules: ProgramRules) -> str:
    cap = rules.recurrent_falls.max_phase
    return (
        f"{count(falls, 'fall')} in the past month show a high risk of falling, so there is no "
        f"dynamic stepping at home yet (phase {cap} at most)."
    )


def balance_cap_sentence(signs: Sequence[str], rules: ProgramRules) -> str:
    cap = rules.balance_cap.max_phase
    return say(rules, "balance_cap", signs="; ".join(signs), cap=cap)


def early_cap_sentence(rules: ProgramRules) -> str:
    weeks = num(rules.early_after_onset.weeks_since_onset_below.value)
    cap = rules.early_after_onset.max_phase
    return (
        f"The foot drop began less than {weeks} weeks ago. The nerve may still be settling, so "
        f"there is no dynamic stepping and no resisted work yet (phase {cap} at most)."
    )


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


def _support_note(exercise: Exercise, item: PlannedExercise, sit: Situation) -> str:
    pre = exercise.prerequisites
    if item.support == "assisted" and not exercise.kind.upright:
        return (
            f" It is helped (assisted): at grade {sit.grade} the muscle cannot yet do the full "
            "lift on its own."
        )
    if (
        item.support != "none"
        and pre.hand_support_below_mmt is not None
        and rank(sit.grade) < rank(pre.hand_support_below_mmt)
    ):
        return f" Done holding a counter: below grade {pre.hand_support_below_mmt} always."
    if item.support != "none":
        return " Done holding a stable counter because fall risk is shown."
    return ""


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def choice_sentence(exercise: Exercise, note: str, item: PlannedExercise, sit: Situation) -> str:
    extra = f" {note}" if note else ""
    return f"{exercise.name}: {_lower_first(exercise.summary())}{extra}" + _support_note(
        exercise, item, sit
    )


def side_cue(side: str, rules: ProgramRules) -> str:
    return say(rules, f"side_{side}")


def cues(
    exercise: Exercise, support: Support, side: str, rules: ProgramRules, *, pain_too_much: bool
) -> list[str]:
    out = [side_cue(side, rules)]
    support_cue = _SUPPORT_CUES.get((exercise.kind.upright, support))
    # Seated exercises whose own cues already say how to help the movement need no repeat.
    already_said = "strap" in exercise.equipment or any("help" in c for c in exercise.form_cues)
    if exercise.kind.upright and support == "none":
        out.append("Stand next to a stable kitchen counter (not a chair) in case you need it.")
    elif support_cue and (exercise.kind.upright or not already_said):
        out.append(support_cue)
    out.extend(exercise.form_cues)
    if pain_too_much:
        out.append("Keep it gentle. Stop before your pain goes up.")
    return out


# ---- the rest of the rationale -----------------------------------------------------------


def situation_sentences(
    data: PlanInput, sit: Situation, rules: ProgramRules, phase: int, chosen_ids: list[str]
) -> list[str]:
    out: list[str] = []
    if sit.fall_risk:
        out.append(
            "Fall risk is shown by "
            + "; ".join(sit.fall_risk_signs)
            + ". So every standing or stepping exercise is done holding a stable counter."
        )
    if sit.pain_acceptable:
        out.append(
            f"Pain is {data.pain_nrs} out of 10. Exercise must not make it worse: stop any "
            "exercise that makes the pain go up or that does not settle soon. Band work waits "
            "until pain is 3 or less."
        )
    arom = data.dorsiflexion_arom_deg
    if sit.stiff_ankle and arom is not None and arom < rules.stiff_ankle.arom_below_deg.value:
        out.append(
            f"The ankle lifts only {num(arom)} degrees (under "
            f"{num(rules.stiff_ankle.arom_below_deg.value)}), so calf stretching stays in the plan."
        )
    passive = data.ankle_df_passive_deg
    if passive is not None and passive < rules.bracing.tight_ankle_passive_below_deg.value:
        out.append(
            f"Even with help the ankle does not come up to a right angle ({num(passive)} "
            "degrees). So calf stretching stays in the plan."
        )
    needs_stretch = phase == 1 or sit.stiff_ankle
    if sit.knee_bent_stretch:
        why = (
            say(rules, "knee_bent_nerve")
            if rules.causes[data.cause].nerve_tension
            else say(rules, "knee_bent_pain", pain=data.pain_nrs)
        )
        out.append(say(rules, "knee_bent", why=why))
    elif needs_stretch and "strap_assisted_toe_raises" not in chosen_ids:
        out.append("There is no strap, so calf-stretch guidance is in the precautions instead.")
    cause = rules.causes[data.cause]
    out.append(cause.rationale)
    return out


def review_sentence(days: int, sit: Situation) -> str:
    reasons = [
        text
        for applies, text in (
            (sit.pain_too_much, "the pain is high"),
            (sit.fall_risk, "there is a risk of falling"),
            (sit.early, "the foot drop is new"),
        )
        if applies
    ]
    if not reasons:
        return f"Review in {days} days, to check for real change and adjust the plan."
    return f"Review in {days} days. That is sooner than usual, because {' and '.join(reasons)}."


# ---- gait training, bracing, precautions -------------------------------------------------


def gait_training(data: PlanInput, sit: Situation, rules: ProgramRules) -> list[str]:
    out: list[str] = []
    if data.uses_afo:
        out.append("Wear your brace (AFO) for walking practice.")
    if rank(sit.grade) <= rank(rules.bracing.weak_grade_at_most.grade):
        out.append("Lift your knee a little higher than usual, so your toes clear the floor.")
    if rank(sit.grade) >= rank("3-") or data.uses_afo:
        out.append("Aim to land heel first, then roll onto the whole foot.")
    out.append("Take shorter steps, and slow down before turns.")
    if sit.fall_risk:
        out.append("Practise walking near support: along a kitchen counter or a hallway rail.")
    out.append("Walk in short bouts. Stop when the foot starts to drag more as you tire.")
    out.append("Wear firm, closed shoes with a good grip. No loose slippers.")
    if sit.pain_too_much:
        out.append("Keep walking practice short and easy until the pain settles.")
    out.extend(rules.causes[data.cause].gait_training)
    return out


def impairment_reasons(data: PlanInput, rules: ProgramRules) -> list[str]:
    """Why the impairment itself calls for an AFO assessment (trips or not)."""
    b = rules.bracing
    out: list[str] = []
    if rank(data.dorsiflexion_mmt) <= rank(b.impairment_grade_at_most.grade):
        out.append(
            f"Your foot-lifting muscles test at grade {data.dorsiflexion_mmt}. At grade "
            f"{b.impairment_grade_at_most.grade} or below the foot cannot lift against its own "
            "weight, so the toes will catch."
        )
    tight = b.tight_ankle_passive_below_deg.value
    if data.ankle_df_passive_deg is not None and data.ankle_df_passive_deg < tight:
        out.append(
            f"Your ankle cannot be brought up to a right angle, even with help (it reaches "
            f"{num(data.ankle_df_passive_deg)} degrees). The brace must suit a tight ankle."
        )
    slow = b.slow_speed_below_mps.value
    trips = data.trips_per_week or 0
    if data.gait_speed_mps is not None and data.gait_speed_mps < slow and trips > 0:
        out.append(
            f"You walk slowly ({num(data.gait_speed_mps)} m/s, under {num(slow)} m/s) and your "
            "toes catch."
        )
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
        return False, (
            "You already use a brace (AFO). Wear it when you walk. Check your skin for red "
            "marks each day. Have the brace checked if it rubs, hurts or no longer fits." + tail
        )
    what = (
        " An AFO is a light brace. It holds the foot up as you walk, so the toes clear the floor."
    )
    impairment = impairment_reasons(data, rules)
    events = []
    if trips > 0:
        times = "time" if trips == 1 else "times"
        events.append(f"You trip about {num(trips)} {times} a week.")
    if data.falls_past_month > 0:
        events.append(f"You fell {count(data.falls_past_month, 'time')} in the past month.")
    if cause.course == "progressive":
        return True, (
            "Ask for a brace (AFO) check. Your illness slowly gets worse, and a well-fitted "
            "brace keeps you walking safely and saves energy. " + " ".join(events + impairment)
        ).rstrip() + what
    if impairment:
        return True, "Ask for a brace (AFO) check. " + " ".join(events + impairment) + what + tail
    if events:
        strength = (
            f"Your foot-lifting muscles test at grade {data.dorsiflexion_mmt}. That is weak "
            "enough to let the toes catch."
            if weak
            else f"Your foot-lifting muscles test fairly strong (grade {data.dorsiflexion_mmt}). "
            "So tiredness or balance may play a part too. The check will tell."
        )
        return True, (
            "Ask for a brace (AFO) check. "
            + " ".join(events)
            + f" You do not use a brace yet. {strength}"
            + what
            + tail
        )
    if data.trips_per_week is None and weak:
        return False, (
            "No falls are reported, and trips were not recorded. If your toes catch or you "
            "trip, ask your clinician about a brace (AFO). It is light and holds the foot up."
            + tail
        )
    return False, (
        "No trips or falls are reported. So a brace check is not needed now. If you start to "
        "trip, ask your clinician about a brace (AFO)." + tail
    )


def _calf_stretch_guidance(data: PlanInput, sit: Situation, rules: ProgramRules) -> str:
    if sit.knee_bent_stretch:
        return say(rules, "calf_stretch_knee_bent")
    if "towel" in data.equipment:
        return (
            "Calf stretch without a strap: sit with your weak leg straight, loop a long towel "
            "around the ball of the foot and pull gently until you feel a stretch in the calf. "
            "Hold it and breathe; do not bounce. Do this every day."
        )
    return (
        "Calf stretch without a strap: stand facing a kitchen counter and hold it with both "
        "hands. Step your weak leg back, keep that heel down and the knee straight, and bend "
        "the front knee until you feel a gentle stretch in the calf. Hold it and breathe; do "
        "not bounce. Do this every day."
    )


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
        out.append(
            "You are at risk of falling. Do every standing exercise next to a stable kitchen "
            "counter and hold it; a chair can tip or slide. Clear loose rugs and clutter, and "
            "use a night light."
        )
    if sit.pain_too_much:
        out.append(
            f"Your pain is {data.pain_nrs} out of 10. That is too much to push through, so this "
            "plan is gentle. If the pain stays this high, see your clinician."
        )
    elif sit.pain_acceptable:
        out.append(
            f"Your pain is {data.pain_nrs} out of 10. Do not let exercise push it higher, and "
            "check how you feel the next morning."
        )
    if data.sensation in ("reduced", "absent"):
        out.extend(rules.sensation.reduced_advice)
    if sit.early:
        out.append(
            "Your foot drop is new. If a doctor has not checked it yet, get it checked first."
        )
    if (phase == 1 or sit.stiff_ankle or sit.knee_bent_stretch) and (
        "strap_assisted_toe_raises" not in chosen_ids
    ):
        out.append(_calf_stretch_guidance(data, sit, rules))
    return out
