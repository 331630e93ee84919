"""Recovery outlook: how many weeks recovery is likely to take, and on what that rests.

All weeks are counted **from onset** (the day the foot drop started), never from today; the
output says so in ``weeks_counted_from`` and in ``basis``. The figures and their sources are in
the recovery catalog (``dorsi.catalog.recovery``).

Model, by severity (the nerve-injury grade) and cause:

- ``neurapraxia`` (conduction block, fibres intact): about 1 to 13 weeks; no regrowth, so the
  lesion distance is not used.
- ``axonotmesis`` (fibres broken, must regrow): ``low = d_low / fast rate`` and
  ``high = start delay + d_high / 1 mm per day + muscle recovery``. With a given
  ``lesion_to_muscle_cm`` both distances are that value; without it, a typical range for the
  cause is assumed (lumbar: the published lumbar series window instead).
  A long distance makes the prognosis guarded (>= 20 cm) or poor (>= 45.7 cm, Ehni's 18 inches),
  with early specialist referral.
- ``neurotmesis`` (nerve cut through) or a repaired nerve (``nerve_repair_week``): a complete
  lesion, so both bounds follow the regrowth arithmetic from the repair week (repair now when
  not yet repaired): ``repair + start delay + distance / rate + muscle recovery``, with the fast
  rate and the short distance for the low bound. Incomplete lesions may recover sooner by
  local sprouting, so only complete lesions are held to this floor.
- relapsing causes (MS, polyneuropathy): a wide default window, ``uncertain``, with what to
  watch for; progressive causes (motor neuron disease, hereditary neuropathy): no window
  (``expected_weeks`` null), ``progressive``, with what to expect and what helps instead.
- ``unknown``: an honest wide range, from the neurapraxia low to the highest nerve estimate.
- cause ``neurological`` (stroke; nerve grades do not apply, except a cut nerve): the
  Copenhagen Stroke Study window, 6 to 11 weeks, with later gains still possible.

Invariants: ``0 <= low <= high``; for fixed other inputs a longer ``lesion_to_muscle_cm`` never
gives a smaller ``high``. Factors whose slowing of nerve recovery is published (age,
diabetes) stretch the high bound by a sourced default; the others change only the confidence
(the text says which end of the range becomes more likely). No factor moves the low bound.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from dorsi.catalog.recovery import CourseId, FactorId, RecoveryCatalog, load_recovery
from dorsi.clinical.contract import Contract, Output
from dorsi.clinical.outlook_factors import Effect, factor_effects, factor_text, stretch_high
from dorsi.clinical.program_rules import Cause
from dorsi.errors import InputError

Severity = Literal["neurapraxia", "axonotmesis", "neurotmesis", "unknown"]
Prognosis = Literal["good", "fair", "guarded", "poor", "uncertain", "progressive"]
#: Causes in the brain or spinal cord: the nerve-injury grades do not apply.
CENTRAL: tuple[Cause, ...] = ("neurological", "stroke")
#: Causes whose course the recovery data describes as a whole (relapsing or progressive).
COURSES: tuple[CourseId, ...] = (
    "multiple_sclerosis",
    "polyneuropathy",
    "motor_neuron_disease",
    "hereditary_neuropathy",
)


class OutlookInput(Contract):
    """What the outlook rests on.

    ``factors`` (optional) maps any recovery factor to ``"helps"``, ``"hinders"`` or
    ``"neutral"``: the clinic protocol's ten (``severity``, ``duration_before_treatment``,
    ``sleep``, ``workload``, ``health_history``, ``consistency``, ``rest``,
    ``baseline_strength``, ``training_age``, ``ability_to_adjust_volume``) and ``age``,
    ``diabetes``, ``smoking``, ``nutrition``. Factors left out are simply not listed.
    ``age_years`` (optional) sets the age factor when ``factors`` does not.
    """

    cause: Cause
    severity: Severity
    weeks_since_onset: float = Field(ge=0, le=5200, allow_inf_nan=False)
    lesion_to_muscle_cm: float | None = Field(default=None, ge=0, le=150, allow_inf_nan=False)
    factors: dict[FactorId, Effect] | None = None
    #: Week (from onset) the nerve was repaired: the lesion is then complete, and recovery
    #: cannot start before regrowth from that week.
    nerve_repair_week: float | None = Field(default=None, ge=0, le=5200, allow_inf_nan=False)
    age_years: int | None = Field(default=None, ge=0, le=120)


class ExpectedWeeks(Output):
    """Weeks from onset within which recovery is expected: ``0 <= low <= high``."""

    low: int
    high: int


class OutlookOutput(Output):
    """The recovery outlook. ``weeks_counted_from`` is always ``"onset"``; ``expected_weeks``
    is ``None`` for a progressive cause (no recovery is expected)."""

    expected_weeks: ExpectedWeeks | None
    weeks_counted_from: Literal["onset"]
    prognosis: Prognosis
    basis: str
    signs_of_healing: list[str]
    when_to_discuss_surgery: str
    factors_helping: list[str]
    factors_hindering: list[str]


@dataclass(frozen=True)
class _Estimate:
    low: float
    high: float
    prognosis: Prognosis
    basis: list[str]


def _n(value: float) -> str:
    """A number for people: 12, 3.5, 45.7."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _distances(data: OutlookInput, rec: RecoveryCatalog) -> tuple[float, float, str]:
    """Lesion-to-muscle distance range in cm, and how to describe it."""
    if data.lesion_to_muscle_cm is not None:
        d = data.lesion_to_muscle_cm
        return d, d, f"the {_n(d)} cm from the injury to the muscle"
    known = ("peroneal", "lumbar", "post_operative_sciatic")
    key = data.cause if data.cause in known else "unknown"
    rng = getattr(rec.default_distance_cm, key)
    lo, hi = rng.low.value, rng.high.value
    what = {
        "peroneal": "a peroneal nerve injury at the knee",
        "lumbar": "a nerve root in the back",
        "post_operative_sciatic": "a sciatic nerve injury at the hip",
    }
    return (
        lo,
        hi,
        (
            f"an assumed {_n(lo)} to {_n(hi)} cm from the injury to the muscle "
            f"(typical for {what.get(key, 'a leg nerve injury')}; no distance was given)"
        ),
    )


def _regrowth_weeks(d_low: float, d_high: float, rec: RecoveryCatalog) -> tuple[float, float]:
    """Regrowth plus muscle recovery: (optimistic low, cautious high) in weeks."""
    nerve = rec.nerve
    low = d_low * 10 / nerve.regrowth_fast_mm_per_day.value / 7
    high = (
        nerve.regrowth_start_delay_weeks.value
        + d_high * 10 / nerve.regrowth_mm_per_day.value / 7
        + nerve.muscle_recovery_weeks.value
    )
    return low, high


def _regrowth_text(rec: RecoveryCatalog, where: str) -> str:
    nerve = rec.nerve
    return (
        f"Nerve fibres regrow about {_n(nerve.regrowth_mm_per_day.value)} mm a day (Medscape "
        "2020; Ehni 1991: about 1 inch a month). At best they regrow about "
        f"{_n(nerve.regrowth_fast_mm_per_day.value)} mm a day (JNNP 1979). Here they must "
        f"regrow over {where}. Regrowth starts after about "
        f"{_n(nerve.regrowth_start_delay_weeks.value)} weeks. Then the muscle needs about "
        f"{_n(nerve.muscle_recovery_weeks.value)} more weeks to get strong enough to use "
        "(a Dorsi default; no study gives this figure)."
    )


def _distance_prognosis(d: float, rec: RecoveryCatalog) -> tuple[Prognosis, str] | None:
    nerve = rec.nerve
    if d >= nerve.poor_distance_cm.value:
        return "poor", (
            f"The injury is {_n(d)} cm from the muscle. That is more than about 18 inches "
            f"({_n(nerve.poor_distance_cm.value)} cm, Ehni 1991). The nerve may not reach the "
            f"muscle within about {_n(nerve.regeneration_window_weeks.value)} weeks (18 months). "
            "After that, the muscle can no longer take it up. So the outlook is poor. "
            "See a nerve specialist early: ask for a referral now."
        )
    if d >= nerve.guarded_distance_cm.value:
        return "guarded", (
            f"The injury is {_n(d)} cm from the muscle. That is a long way for the nerve to "
            "regrow, and the muscle gets weaker while it waits. So the outlook is guarded. "
            "See a nerve specialist early: ask for a referral now."
        )
    return None


def _neurapraxia(data: OutlookInput, rec: RecoveryCatalog) -> _Estimate:
    nerve = rec.nerve
    basis = [
        "A neurapraxia is a nerve that is bruised or squeezed but not torn. The signal is "
        "blocked, but the fibres are whole. It usually gets better within weeks. It nearly "
        f"always gets better within about {_n(nerve.neurapraxia_high_weeks.value)} weeks "
        "(3 months) once the pressure is gone (Sunderland and Seddon grades; Medscape 2020)."
    ]
    if data.lesion_to_muscle_cm is not None:
        basis.append("No regrowth is needed, so the distance to the muscle does not change this.")
    return _Estimate(
        nerve.neurapraxia_low_weeks.value, nerve.neurapraxia_high_weeks.value, "good", basis
    )


def _axonotmesis(data: OutlookInput, rec: RecoveryCatalog) -> _Estimate:
    if data.cause == "lumbar" and data.lesion_to_muscle_cm is None:
        lum = rec.lumbar
        basis = [
            "For a pinched nerve root in the lower back, strength often starts to come back "
            f"within about {_n(lum.low_weeks.value)} weeks (Macki 2016). Gains level off by "
            f"about {_n(lum.plateau_weeks.value)} weeks (a study of 135 people). At 1 year, "
            "about 4 in 5 people with milder weakness had full strength back, with or without "
            f"surgery (Overdevest 2014). Full recovery can take up to "
            f"{_n(lum.full_recovery_weeks.value)} weeks (2 years; weak evidence)."
        ]
        return _Estimate(lum.low_weeks.value, lum.high_weeks.value, "fair", basis)
    d_low, d_high, where = _distances(data, rec)
    low, high = _regrowth_weeks(d_low, d_high, rec)
    basis = [
        "In an axonotmesis the nerve fibres are broken. They must regrow from the injury to "
        "the muscle. " + _regrowth_text(rec, where),
        "Partial injuries can get better sooner. Healthy fibres nearby grow new branches "
        "(Medscape).",
    ]
    prognosis: Prognosis = "fair" if data.cause == "peroneal" else "good"
    if data.cause == "unknown" and data.lesion_to_muscle_cm is None:
        prognosis = "uncertain"
    found = None
    if data.lesion_to_muscle_cm is not None:
        found = _distance_prognosis(data.lesion_to_muscle_cm, rec)
    if data.cause == "peroneal":
        basis.append(
            "The peroneal nerve regrows less well than most other nerves (a study of 490 nerve "
            "repairs)" + ("." if found else ". So the outlook is fair rather than good.")
        )
    if found is not None:
        prognosis, text = found
        basis.append(text)
    return _Estimate(low, high, prognosis, basis)


def complete_lesion_weeks(
    repair_week: float, d_low: float, d_high: float, rec: RecoveryCatalog
) -> tuple[float, float]:
    """Weeks from onset for a complete lesion repaired at ``repair_week``: nothing can come
    back before the repair, the start delay, regrowth over the distance (fast rate for the low
    bound, usual rate for the high) and the muscle's own recovery time."""
    nerve = rec.nerve
    fixed = repair_week + nerve.regrowth_start_delay_weeks.value + nerve.muscle_recovery_weeks.value
    low = fixed + d_low * 10 / nerve.regrowth_fast_mm_per_day.value / 7
    high = fixed + d_high * 10 / nerve.regrowth_mm_per_day.value / 7
    return low, high


def _neurotmesis(data: OutlookInput, rec: RecoveryCatalog) -> _Estimate:
    d_low, d_high, where = _distances(data, rec)
    w = data.weeks_since_onset
    repaired = data.nerve_repair_week
    r = w if repaired is None else repaired
    low, high = complete_lesion_weeks(r, d_low, d_high, rec)
    regrowth = _regrowth_text(rec, where)
    when = (
        f"The nerve was repaired at week {_n(r)}. Nothing can come back before the fibres "
        "regrow from the repair to the muscle. After repair: "
        if repaired is not None
        else "In a neurotmesis the nerve is cut through. It does not recover without surgery. "
        f"These weeks assume the nerve is repaired now, at week {_n(w)}. After repair: "
    )
    basis = [
        when + regrowth[0].lower() + regrowth[1:],
        "Results after repair are often only partial. They are worse with long nerve grafts "
        "(Cho 2011); grafts over 12 cm rarely give good results (Medscape). So the outlook is "
        "poor.",
    ]
    if data.cause in CENTRAL:
        basis.append(
            "You gave a brain or spinal cord cause and also a cut nerve. The estimate follows "
            "the cut nerve, because it is more urgent. Check the cause with your clinician."
        )
    return _Estimate(low, high, "poor", basis)


def _unknown_severity(data: OutlookInput, rec: RecoveryCatalog) -> _Estimate:
    nerve = rec.nerve
    worst = _axonotmesis(data, rec)
    high = max(nerve.neurapraxia_high_weeks.value, worst.high)
    if data.lesion_to_muscle_cm is None and data.cause == "unknown":
        high = max(high, rec.unknown.high_weeks.value)
    basis = [
        "How badly the nerve is hurt is not known, so the range is wide. It runs from about "
        f"{_n(nerve.neurapraxia_low_weeks.value)} week, if the nerve is only bruised or "
        f"squeezed (neurapraxia), to about {_n(math.ceil(high))} weeks, if its fibres must "
        "regrow (axonotmesis). Nerve studies (EMG/NCS) can tell which it is. They often look "
        "normal in the first 1 to 2 weeks, so they are best done after that.",
        *worst.basis,
        "If the nerve is cut through (neurotmesis), it will not recover without surgery.",
    ]
    prognosis: Prognosis = "uncertain"
    if data.lesion_to_muscle_cm is not None:
        found = _distance_prognosis(data.lesion_to_muscle_cm, rec)
        if found is not None:
            prognosis = found[0]
    return _Estimate(nerve.neurapraxia_low_weeks.value, high, prognosis, basis)


def _central(data: OutlookInput, rec: RecoveryCatalog) -> _Estimate:
    stroke = rec.stroke
    basis = [
        "After a stroke, most walking recovery comes early. In the Copenhagen Stroke Study, "
        f"95% of people reached their best walking within {_n(stroke.high_weeks.value)} weeks. "
        f"80% reached their best level in daily tasks by {_n(stroke.low_weeks.value)} weeks "
        "(Jorgensen 1995). Gains are still possible later, with hard, repeated walking "
        "practice (Moore 2010; Hornby 2019; Boyne 2023).",
        "For other illnesses of the brain or spinal cord, such as MS, the course depends on "
        "the illness. Ask your neurologist.",
    ]
    if data.severity != "unknown":
        basis.append(
            "Nerve injury grades are for a hurt nerve in the leg, not the brain. So the grade "
            "was not used."
        )
    if data.lesion_to_muscle_cm is not None:
        basis.append("The distance to the muscle is not used for a brain or spinal cord cause.")
    return _Estimate(stroke.low_weeks.value, stroke.high_weeks.value, "uncertain", basis)


def _course(data: OutlookInput, rec: RecoveryCatalog) -> _Estimate:
    """A relapsing cause's wide window, or ``None`` for a progressive cause (no window)."""
    course = rec.courses[data.cause]  # type: ignore[index]
    basis = [course.expect, "What helps: " + course.helps[0].lower() + course.helps[1:]]
    if data.severity != "unknown" or data.lesion_to_muscle_cm is not None:
        basis.append(
            "The nerve injury grade and the distance to the muscle are for one hurt nerve, "
            "not for this illness, so they were not used."
        )
    if course.window is None:
        return _Estimate(math.nan, math.nan, course.prognosis, basis)
    basis.insert(
        1,
        f"The range is wide on purpose: about {_n(course.window.low.value)} to "
        f"{_n(course.window.high.value)} weeks from onset, if it gets better at all.",
    )
    return _Estimate(course.window.low.value, course.window.high.value, course.prognosis, basis)


def _estimate(data: OutlookInput, rec: RecoveryCatalog) -> _Estimate:
    if data.cause in COURSES:
        return _course(data, rec)
    if data.severity == "neurotmesis" or data.nerve_repair_week is not None:
        return _neurotmesis(data, rec)
    if data.cause in CENTRAL:
        return _central(data, rec)
    if data.severity == "neurapraxia":
        return _neurapraxia(data, rec)
    if data.severity == "axonotmesis":
        return _axonotmesis(data, rec)
    return _unknown_severity(data, rec)


def _surgery(data: OutlookInput, rec: RecoveryCatalog, prognosis: Prognosis) -> str:
    w = data.weeks_since_onset
    if data.nerve_repair_week is not None and data.cause not in COURSES:
        return (
            f"The nerve was repaired at week {_n(data.nerve_repair_week)}. Keep your visits "
            "with the nerve surgeon. If there is no sign of recovery by the end of the range "
            "above, ask about nerve studies (EMG/NCS) and whether a tendon transfer could help."
        )
    if data.severity == "neurotmesis":
        return (
            "Now. A nerve that is cut through does not recover without surgery. Ask for a "
            "referral to a nerve surgeon now. A clean cut is best repaired at once (Ehni 1991). "
            "Results get worse the longer repair waits (Pang 2024)."
        )
    parts: list[str] = []
    if prognosis in ("guarded", "poor"):
        parts.append(
            "Ask now for a referral to a nerve specialist (a nerve doctor or nerve surgeon). "
            "The injury is far from the muscle, so do not wait."
        )
    per = rec.peroneal
    studies, opinion = per.nerve_studies_weeks.value, per.surgical_opinion_weeks.value
    if data.cause == "peroneal":
        parts.append(
            "Is there no sign of recovery 3 months (Ehni 1991) to 4 months (Chiang) after "
            f"onset? That is weeks {_n(studies)} to {_n(opinion)}. Then ask for nerve studies "
            "(EMG/NCS) and a surgical opinion."
        )
        if w >= studies:
            parts.append(f"You are at week {_n(w)}: if there is no recovery yet, ask now.")
        parts.append(
            "If foot drop lasts more than 2 years, moving a tendon may help (Orunoglu 2025)."
        )
    elif data.cause == "lumbar":
        lum = rec.lumbar.surgical_opinion_weeks.value
        parts.append(
            "Ask a spine surgeon for an opinion soon if the leg pain is very bad, the foot is "
            "very weak (grade 3 or less), or the weakness keeps getting worse. Also ask if it "
            f"has not started to get better by about {_n(lum)} weeks. Freeing the nerve early "
            "tends to bring back more strength (Macki 2016; Berger). With milder weakness, "
            "strength at 1 year was about the same with or without surgery (Overdevest 2014). "
            "So pain is often the main reason for surgery. If you get numbness between the "
            "legs, a bladder or bowel change, or weakness in both legs, call 911."
        )
        if w >= lum:
            parts.append(
                f"You are at week {_n(w)}: if the weakness has not started to get better, ask now."
            )
    elif data.cause in COURSES:
        parts.append(
            "Surgery does not treat this illness. A specialist may suggest foot or tendon "
            "surgery only for a stiff or twisted foot. Ask your specialist."
        )
    elif data.cause == "post_operative_sciatic":
        parts.append(
            "Tell your hip surgeon now. Is there no sign of recovery 3 to 4 months after "
            f"surgery (weeks {_n(studies)} to {_n(opinion)}; Ehni 1991, Chiang)? Then ask for "
            "nerve studies (EMG/NCS) and a nerve surgeon's opinion."
        )
        if w >= studies:
            parts.append(f"You are at week {_n(w)}: if there is no recovery yet, ask now.")
    elif data.cause in CENTRAL:
        parts.append(
            "Surgery is not a usual treatment for foot drop after a stroke. Ask about a brace "
            "(AFO) or a small device that stimulates the nerve (FES). Both help walking after "
            "a stroke (ANPT guideline, Johnston 2021). If the cause is not a stroke, ask your "
            "neurologist if you need nerve studies."
        )
    else:
        parts.append(
            "First find the cause. Ask for nerve studies (EMG/NCS). If you have back pain, also "
            "ask for a scan (MRI) of the lower back. Is there no sign of recovery 3 to 4 months "
            f"after onset (weeks {_n(studies)} to {_n(opinion)}; Ehni 1991, Chiang)? Then ask "
            "for a surgical opinion."
        )
        if w >= studies:
            parts.append(f"You are at week {_n(w)}: if there is no recovery yet, ask now.")
    if data.severity == "unknown" and data.cause not in CENTRAL + COURSES:
        parts.append("If the nerve turns out to be cut through, it needs surgery straight away.")
    return " ".join(parts)


def estimate_outlook(data: OutlookInput) -> OutlookOutput:
    """Estimate the recovery timeline (weeks from onset) and explain it."""
    rec = load_recovery()
    est = _estimate(data, rec)
    w = data.weeks_since_onset
    basis = [
        "Weeks are counted from onset (the day the foot drop started), not from today. "
        f"You are now at week {_n(w)}.",
        *est.basis,
    ]
    weeks: ExpectedWeeks | None = None
    if est.prognosis == "progressive":
        basis[0] = (
            f"You are now at week {_n(w)} since the foot drop started. This illness slowly "
            "gets worse, so there is no recovery window to count."
        )
        high = math.inf
    else:
        low = max(0, math.floor(est.low))
        anchor = data.nerve_repair_week if data.nerve_repair_week is not None else 0.0
        stretched = stretch_high(
            est.high, anchor, factor_effects(data.factors, data.age_years, rec), rec
        )
        high = max(low, math.ceil(stretched))
        weeks = ExpectedWeeks(low=low, high=high)
    if w > high:
        if data.cause in CENTRAL and data.severity != "neurotmesis":
            basis.append(
                f"You are past the weeks when most recovery happens (week {_n(w)}). Keep "
                "practising: later gains are still possible."
            )
        else:
            basis.append(
                f"You are already past this range (week {_n(w)}). If the foot has not "
                "recovered, tell your clinician. Ask about nerve studies and a specialist's "
                "opinion. Recovery can still come later, but it is less likely."
            )
    effects = factor_effects(data.factors, data.age_years, rec)
    if effects:
        basis.append(factor_text(effects, rec, stretched=weeks is not None))
    if data.nerve_repair_week is not None and data.nerve_repair_week > w:
        raise InputError(
            f"must not be after weeks_since_onset ({_n(w)}): give the week of the repair, "
            "counted from onset",
            field="nerve_repair_week",
        )
    helping = [f.helps for f in rec.factors if effects.get(f.id) == "helps"]
    hindering = [f.hinders for f in rec.factors if effects.get(f.id) == "hinders"]
    signs = [sign.text for sign in rec.signs_of_healing]
    if data.cause in COURSES:
        signs = list(rec.courses[data.cause].watch_for)
    return OutlookOutput(
        expected_weeks=weeks,
        weeks_counted_from="onset",
        prognosis=est.prognosis,
        basis=" ".join(basis),
        signs_of_healing=signs,
        when_to_discuss_surgery=_surgery(data, rec, est.prognosis),
        factors_helping=helping,
        factors_hindering=hindering,
    )


def render_text(result: OutlookOutput) -> str:
    """The outlook as a patient reads it in a terminal."""
    weeks = result.expected_weeks

    def wrap(text: str, first: str = "  ", rest: str = "  ") -> str:
        return textwrap.fill(text, width=78, initial_indent=first, subsequent_indent=rest)

    if weeks is None:
        headline = "Expected recovery: none expected; this illness slowly gets worse."
    else:
        headline = (
            f"Expected recovery: about {weeks.low} to {weeks.high} weeks after the foot drop "
            "started (counted from onset)."
        )
    watch = {"progressive": "What to watch for:", "uncertain": "Signs to look for:"}.get(
        result.prognosis
    )
    lines = [
        wrap(headline, "", ""),
        f"Outlook: {result.prognosis}.",
        "",
        "What this is based on:",
        wrap(result.basis),
        "",
        "When to talk about surgery:",
        wrap(result.when_to_discuss_surgery),
        "",
        watch or "Signs of healing to look for:",
        *(wrap(sign, "  - ", "    ") for sign in result.signs_of_healing),
    ]
    if result.factors_helping:
        lines += ["", "What helps you:"]
        lines += [wrap(text, "  - ", "    ") for text in result.factors_helping]
    if result.factors_hindering:
        lines += ["", "What may slow you down:"]
        lines += [wrap(text, "  - ", "    ") for text in result.factors_hindering]
    return "\n".join(lines)


__all__ = [
    "Cause",
    "Effect",
    "ExpectedWeeks",
    "OutlookInput",
    "OutlookOutput",
    "Prognosis",
    "Severity",
    "estimate_outlook",
    "render_text",
]
