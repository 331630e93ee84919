"""Build a phase-by-phase home program for foot drop (``dorsi plan``).

Public API: :class:`PlanInput`, :class:`PlanOutput` and :func:`build_program`.

The rules, in the order they are applied (every one is explained in the output's
``rationale``; thresholds and sources live in ``data/program_rules.yaml``):

1. **Phase** follows the seed protocol's progression (seated and assisted -> standing ->
   dynamic stepping). The dorsiflexion grade gives the highest phase whose minimum grade it
   meets; too much pain (NRS >= 6) caps it at 1; two or more falls in a month and the first
   two weeks after onset cap it at 2. Caps only lower the phase, so a higher grade never
   gives a lower phase, all else equal.
2. **Exercises** come from the phase's priority list, then from earlier phases to fill the
   plan (3 to 5 items). An exercise is used only when the patient has its equipment, meets
   its minimum grade and pain limit, and (for resisted work) is past the first two weeks.
   Phase 1 always holds calf stretching and range-of-motion work; so does every phase when the
   active ankle lift is under 10 degrees.
3. **Support**: standing and stepping work is done holding a stable counter when fall risk
   is shown (any fall in the past month, single-leg stance under 10 s, or gait speed under
   0.76 m/s); heel walking below grade 3+ always with hand support; seated lifts are helped
   (``assisted``) below the grades the catalog names.
4. **Dose** is the catalog default; with too much pain at most two sets.
5. **Bracing**: an AFO evaluation is suggested, unless a brace is used, when trips or falls
   are reported, from the impairment itself (grade 2 or below, an ankle that cannot reach
   neutral passively, slow walking with toe catching) and for every progressive cause.
   Electrical stimulation is mentioned only where the lower motor neuron is intact.
6. **Children** (under the rules' age) get no adult program: the rationale says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from dorsi.catalog.exercises import (
    Exercise,
    ExerciseCatalog,
    load_exercises,
)
from dorsi.catalog.mmt import MmtGrade, rank
from dorsi.clinical import program_advice as advice
from dorsi.clinical.program_contract import (
    Bracing,
    Phase,
    PlanInput,
    PlannedExercise,
    PlanOutput,
    Situation,
)
from dorsi.clinical.program_rules import ProgramRules, as_int, load_program_rules
from dorsi.errors import InputError


def assess(data: PlanInput, rules: ProgramRules) -> Situation:
    """Apply the thresholds of ``program_rules.yaml`` to the input."""
    fall = rules.fall_risk
    signs: list[str] = []
    if data.falls_past_month >= fall.falls_past_month_at_least.value:
        key = "sign_falls_one" if data.falls_past_month == 1 else "sign_falls_many"
        signs.append(advice.say(rules, key, count=data.falls_past_month))
    if data.single_leg_stance_s < fall.single_leg_stance_below_s.value:
        stance = advice.num(data.single_leg_stance_s)
        limit = advice.num(fall.single_leg_stance_below_s.value)
        signs.append(advice.say(rules, "sign_stance", stance=stance, limit=limit))
    if data.gait_speed_mps is not None and data.gait_speed_mps < fall.gait_speed_below_mps.value:
        speed = advice.num(data.gait_speed_mps)
        limit = advice.num(fall.gait_speed_below_mps.value)
        signs.append(advice.say(rules, "sign_speed", speed=speed, limit=limit))
    stiff = (
        data.dorsiflexion_arom_deg is not None
        and data.dorsiflexion_arom_deg < rules.stiff_ankle.arom_below_deg.value
    ) or (
        data.ankle_df_passive_deg is not None
        and data.ankle_df_passive_deg < rules.bracing.tight_ankle_passive_below_deg.value
    )
    tension = rules.nerve_tension
    knee_bent = (
        rules.causes[data.cause].nerve_tension
        or data.pain_nrs >= tension.knee_bent_stretch_from_pain_nrs.value
    )
    excluded: list[tuple[str, str]] = []
    if knee_bent:
        excluded += [
            (i, advice.say(rules, "straight_knee_unusable"))
            for i in tension.straight_knee_exercises
        ]
    balance = balance_signs(data, rules)
    cap = rules.balance_cap
    if balance:
        excluded += [(i, advice.say(rules, "balance_first")) for i in cap.replaces]
        excluded += [(i, advice.say(rules, "no_dynamic_yet")) for i in cap.no_dynamic]
    else:
        excluded.append((cap.build_up, advice.say(rules, "build_up_not_needed")))
    return Situation(
        grade=data.dorsiflexion_mmt,
        fall_risk_signs=tuple(signs),
        recurrent_falls=data.falls_past_month
        >= rules.recurrent_falls.falls_past_month_at_least.value,
        pain_too_much=data.pain_nrs >= rules.pain.too_much_nrs.value,
        pain_acceptable=rules.pain.acceptable_nrs.value
        <= data.pain_nrs
        < rules.pain.too_much_nrs.value,
        early=data.weeks_since_onset < rules.early_after_onset.weeks_since_onset_below.value,
        stiff_ankle=stiff,
        knee_bent_stretch=knee_bent,
        excluded=tuple(excluded),
        balance_signs=balance,
    )


def balance_signs(data: PlanInput, rules: ProgramRules) -> tuple[str, ...]:
    """Why balance must be built up step by step, in plain words (empty when it need not)."""
    cap = rules.balance_cap
    out: list[str] = []
    stance = cap.single_leg_stance_below_s.value
    if data.single_leg_stance_s < stance:
        stance_s = advice.num(data.single_leg_stance_s)
        out.append(advice.say(rules, "sign_stance", stance=stance_s, limit=advice.num(stance)))
    if data.falls_past_month >= cap.falls_past_month_at_least.value:
        key = "sign_falls_one" if data.falls_past_month == 1 else "sign_falls_many"
        out.append(advice.say(rules, key, count=data.falls_past_month))
    slow = cap.gait_speed_below_mps.value
    if data.gait_speed_mps is not None and data.gait_speed_mps < slow:
        speed = advice.num(data.gait_speed_mps)
        out.append(advice.say(rules, "sign_speed", speed=speed, limit=advice.num(slow)))
    return tuple(out)


def grade_phase(grade: MmtGrade, rules: ProgramRules) -> Phase:
    """The highest phase whose minimum grade ``grade`` meets."""
    allowed: Phase = 1
    for rule in rules.phases:
        if rank(grade) >= rank(rule.min_dorsiflexion_mmt.grade):
            allowed = rule.phase
    return allowed


def decide_phase(data: PlanInput, sit: Situation, rules: ProgramRules) -> tuple[Phase, list[str]]:
    """The phase and the sentences explaining it."""
    by_grade = grade_phase(sit.grade, rules)
    phase: Phase = by_grade
    why = [advice.grade_sentence(sit.grade, rules.phase(by_grade), rules)]
    caps: list[tuple[bool, Phase, str]] = [
        (sit.pain_too_much, 1, advice.pain_cap_sentence(data.pain_nrs, rules)),
        (
            sit.recurrent_falls,
            rules.recurrent_falls.max_phase,
            advice.falls_cap_sentence(data.falls_past_month, rules),
        ),
        (sit.early, rules.early_after_onset.max_phase, advice.early_cap_sentence(rules)),
        (
            sit.balance_limited,
            rules.balance_cap.max_phase,
            advice.balance_cap_sentence(sit.balance_signs, rules),
        ),
    ]
    for applies, limit, sentence in caps:
        if applies:
            phase = min(phase, limit)
            why.append(sentence)
    if phase != by_grade:
        why.append(advice.phase_sentence(phase, rules.phase(phase).name.lower(), rules))
    return phase, why


def why_unusable(
    exercise: Exercise,
    data: PlanInput,
    sit: Situation,
    catalog: ExerciseCatalog,
    rules: ProgramRules,
) -> str | None:
    """Why ``exercise`` cannot be in this program, or None when it can."""
    excluded = sit.exclusion(exercise.id)
    if excluded is not None:
        return excluded
    missing = [item for item in exercise.equipment if item not in data.equipment]
    if missing:
        items = advice.equipment_words(missing, rules)
        return advice.unusable_reason("needs_equipment", rules, items=items)
    if rank(sit.grade) < rank(exercise.min_grade):
        return advice.unusable_reason("needs_grade", rules, grade=exercise.min_grade)
    limit = exercise.prerequisites.max_pain_nrs
    if limit is not None and data.pain_nrs > limit.value:
        return advice.unusable_reason("waits_pain", rules, limit=advice.num(limit.value))
    if exercise.kind.resisted and sit.early:
        return advice.unusable_reason("waits_early", rules)
    return None


@dataclass(frozen=True)
class Choice:
    exercise: Exercise
    note: str  # why it is in the plan (beyond its purpose)


def choose_exercises(
    phase: Phase,
    data: PlanInput,
    sit: Situation,
    rules: ProgramRules,
    catalog: ExerciseCatalog,
) -> tuple[list[Choice], list[str]]:
    """The exercises (3 to the rules' maximum) and sentences about those left out."""
    pool = [catalog.get(i) for p in range(phase, 0, -1) for i in rules.phase(p).priority]
    ordered: list[Exercise] = []
    for exercise in pool:
        if exercise not in ordered:
            ordered.append(exercise)
    usable = [e for e in ordered if why_unusable(e, data, sit, catalog, rules) is None]
    required: list[tuple[str, str]] = []
    if phase == 1 or sit.stiff_ankle:
        required.append(("calf_stretch", advice.required_note("calf_stretch", rules)))
    if phase == 1:
        required.append(("range_of_motion", advice.required_note("range_of_motion", rules)))
    chosen: list[Choice] = []
    for focus, note in required:
        match = next((e for e in usable if e.kind.focus == focus), None)
        if match is not None and all(c.exercise != match for c in chosen):
            chosen.append(Choice(match, note))
    extras = [
        e
        for e in catalog.exercises
        if data.cause in e.only_for_causes and why_unusable(e, data, sit, catalog, rules) is None
    ]
    limit = max(
        rules.program_size.min_exercises, as_int(rules.program_size.max_exercises) - len(extras)
    )
    for exercise in usable:
        if len(chosen) >= limit:
            break
        if all(c.exercise != exercise for c in chosen):
            from_phase = phase not in exercise.phases
            chosen.append(Choice(exercise, advice.fill_note(rules) if from_phase else ""))
    chosen += [Choice(e, advice.cause_note(rules)) for e in extras]
    if len(chosen) < rules.program_size.min_exercises:
        raise InputError(
            advice.too_few_message(chosen_count=len(chosen), phase=phase), field="equipment"
        )
    left_out = [
        advice.left_out_sentence(e, why_unusable(e, data, sit, catalog, rules), rules)
        for e in ordered
        if phase in e.phases and all(c.exercise != e for c in chosen)
    ]
    return chosen, left_out


def dose(choice: Choice, data: PlanInput, sit: Situation, rules: ProgramRules) -> PlannedExercise:
    """The planned item: catalog dose, support and cues for this patient."""
    exercise = choice.exercise
    d = exercise.dosage
    sets = as_int(d.sets)
    if sit.pain_too_much:
        sets = min(sets, as_int(rules.pain.gentle_max_sets))
    support = exercise.prerequisites.support_for(sit.grade, fall_risk=sit.fall_risk)
    return PlannedExercise(
        id=exercise.id,
        sets=sets,
        reps=None if d.reps is None else as_int(d.reps),
        hold_s=None if d.hold_s is None else as_int(d.hold_s),
        rest_s=as_int(d.rest_s),
        days_per_week=as_int(d.days_per_week),
        support=support,
        cues=advice.cues(exercise, support, data.side, rules, pain_too_much=sit.pain_too_much),
    )


def is_child(data: PlanInput, rules: ProgramRules) -> bool:
    """Under the rules' age the adult program is not for this patient."""
    adult = rules.children.adult_program_from_age_years.value
    return data.age_years is not None and data.age_years < adult


def child_program(data: PlanInput, rules: ProgramRules) -> PlanOutput:
    """No adult exercises for a child: the output says why and who should plan the care."""
    review = as_int(rules.review_in_days.soon)
    return PlanOutput(
        phase=1,
        phase_name=rules.phase(1).name,
        exercises=[],
        gait_training=[],
        bracing=Bracing(recommend_afo_evaluation=False, reason=advice.say(rules, "child_bracing")),
        precautions=[advice.say(rules, "urgent_care")],
        rationale=advice.child_rationale(data.age_years or 0, rules),
        review_in_days=review,
    )


def build_with(data: PlanInput, catalog: ExerciseCatalog, rules: ProgramRules) -> PlanOutput:
    """:func:`build_program` with an explicit catalog and rules (used by tests)."""
    if is_child(data, rules):
        return child_program(data, rules)
    sit = assess(data, rules)
    phase, rationale = decide_phase(data, sit, rules)
    chosen, left_out = choose_exercises(phase, data, sit, rules, catalog)
    items = [dose(c, data, sit, rules) for c in chosen]
    rationale += [
        advice.choice_sentence(c.exercise, c.note, item, sit, rules)
        for c, item in zip(chosen, items, strict=True)
    ]
    rationale += left_out
    rationale += advice.situation_sentences(
        data, sit, rules, phase, chosen_ids=[i.id for i in items]
    )
    soon = sit.pain_too_much or sit.fall_risk or sit.early
    review = as_int(rules.review_in_days.soon if soon else rules.review_in_days.usual)
    rationale.append(advice.review_sentence(review, sit, rules))
    afo, afo_reason = advice.bracing(data, rules)
    return PlanOutput(
        phase=phase,
        phase_name=rules.phase(phase).name,
        exercises=items,
        gait_training=advice.gait_training(data, sit, rules),
        bracing=Bracing(recommend_afo_evaluation=afo, reason=afo_reason),
        precautions=advice.precautions(data, sit, rules, catalog, phase, [i.id for i in items]),
        rationale=rationale,
        review_in_days=review,
    )


def build_program(data: PlanInput, lang: str = "en") -> PlanOutput:
    """Build the home program for ``data`` from the shipped catalog and rules; ``lang`` only
    chooses the language of the words (the decisions are the same in every language)."""
    return build_with(data, load_exercises(lang), load_program_rules(lang))


__all__ = [
    "Bracing",
    "PlanInput",
    "PlanOutput",
    "PlannedExercise",
    "Situation",
    "assess",
    "build_program",
    "build_with",
    "decide_phase",
    "grade_phase",
]
