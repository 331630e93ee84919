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
from dorsi.catalog.words import decimal_number, load_words
from dorsi.clinical.contract import Contract, Output
from dorsi.clinical.outlook_factors import Effect, factor_effects, factor_text, stretch_high
from dorsi.clinical.program_rules import Cause
from dorsi.errors import InputError
from dorsi.i18n import Language

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


class _Say:
    """The outlook's sentences in one language, numbers written the way that language does."""

    def __init__(self, lang: Language) -> None:
        self.lang: Language = lang
        self._words = load_words("outlook")

    def __call__(self, key: str, /, **values: object) -> str:
        shown = {
            name: decimal_number(_n(value), self.lang)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else value
            for name, value in values.items()
        }
        return self._words.say(key, self.lang, **shown)

    def label(self, key: str, /, **values: object) -> str:
        return self._words.label(key, self.lang, **values)


def _distances(data: OutlookInput, rec: RecoveryCatalog, say: _Say) -> tuple[float, float, str]:
    """Lesion-to-muscle distance range in cm, and how to describe it."""
    if data.lesion_to_muscle_cm is not None:
        d = data.lesion_to_muscle_cm
        return d, d, say("distance_given", d=d)
    known = ("peroneal", "lumbar", "post_operative_sciatic")
    key = data.cause if data.cause in known else "unknown"
    rng = getattr(rec.default_distance_cm, key)
    lo, hi = rng.low.value, rng.high.value
    return lo, hi, say("distance_assumed", low=lo, high=hi, what=say(f"where_{key}"))


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


def _regrowth_text(rec: RecoveryCatalog, where: str, say: _Say) -> str:
    nerve = rec.nerve
    return say(
        "regrowth",
        rate=nerve.regrowth_mm_per_day.value,
        fast=nerve.regrowth_fast_mm_per_day.value,
        where=where,
        delay=nerve.regrowth_start_delay_weeks.value,
        muscle=nerve.muscle_recovery_weeks.value,
    )


def _distance_prognosis(d: float, rec: RecoveryCatalog, say: _Say) -> tuple[Prognosis, str] | None:
    nerve = rec.nerve
    if d >= nerve.poor_distance_cm.value:
        text = say(
            "distance_poor",
            d=d,
            poor=nerve.poor_distance_cm.value,
            window=nerve.regeneration_window_weeks.value,
        )
        return "poor", text
    if d >= nerve.guarded_distance_cm.value:
        return "guarded", say("distance_guarded", d=d)
    return None


def _neurapraxia(data: OutlookInput, rec: RecoveryCatalog, say: _Say) -> _Estimate:
    nerve = rec.nerve
    basis = [say("neurapraxia", high=nerve.neurapraxia_high_weeks.value)]
    if data.lesion_to_muscle_cm is not None:
        basis.append(say("neurapraxia_no_distance"))
    return _Estimate(
        nerve.neurapraxia_low_weeks.value, nerve.neurapraxia_high_weeks.value, "good", basis
    )


def _axonotmesis(data: OutlookInput, rec: RecoveryCatalog, say: _Say) -> _Estimate:
    if data.cause == "lumbar" and data.lesion_to_muscle_cm is None:
        lum = rec.lumbar
        basis = [
            say(
                "lumbar",
                low=lum.low_weeks.value,
                plateau=lum.plateau_weeks.value,
                full=lum.full_recovery_weeks.value,
            )
        ]
        return _Estimate(lum.low_weeks.value, lum.high_weeks.value, "fair", basis)
    d_low, d_high, where = _distances(data, rec, say)
    low, high = _regrowth_weeks(d_low, d_high, rec)
    basis = [
        say("axonotmesis") + " " + _regrowth_text(rec, where, say),
        say("partial_sooner"),
    ]
    prognosis: Prognosis = "fair" if data.cause == "peroneal" else "good"
    if data.cause == "unknown" and data.lesion_to_muscle_cm is None:
        prognosis = "uncertain"
    found = None
    if data.lesion_to_muscle_cm is not None:
        found = _distance_prognosis(data.lesion_to_muscle_cm, rec, say)
    if data.cause == "peroneal":
        basis.append(say("peroneal_less" if found else "peroneal_less_fair"))
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


def _neurotmesis(data: OutlookInput, rec: RecoveryCatalog, say: _Say) -> _Estimate:
    d_low, d_high, where = _distances(data, rec, say)
    w = data.weeks_since_onset
    repaired = data.nerve_repair_week
    r = w if repaired is None else repaired
    low, high = complete_lesion_weeks(r, d_low, d_high, rec)
    regrowth = _regrowth_text(rec, where, say)
    when = say("repaired_at" if repaired is not None else "cut_repair_now", week=r)
    basis = [when + " " + regrowth[0].lower() + regrowth[1:], say("repair_results")]
    if data.cause in CENTRAL:
        basis.append(say("cut_and_central"))
    return _Estimate(low, high, "poor", basis)


def _unknown_severity(data: OutlookInput, rec: RecoveryCatalog, say: _Say) -> _Estimate:
    nerve = rec.nerve
    worst = _axonotmesis(data, rec, say)
    high = max(nerve.neurapraxia_high_weeks.value, worst.high)
    if data.lesion_to_muscle_cm is None and data.cause == "unknown":
        high = max(high, rec.unknown.high_weeks.value)
    basis = [
        say("unknown_severity", low=nerve.neurapraxia_low_weeks.value, high=math.ceil(high)),
        *worst.basis,
        say("unknown_cut"),
    ]
    prognosis: Prognosis = "uncertain"
    if data.lesion_to_muscle_cm is not None:
        found = _distance_prognosis(data.lesion_to_muscle_cm, rec, say)
        if found is not None:
            prognosis = found[0]
    return _Estimate(nerve.neurapraxia_low_weeks.value, high, prognosis, basis)


def _central(data: OutlookInput, rec: RecoveryCatalog, say: _Say) -> _Estimate:
    stroke = rec.stroke
    basis = [
        say("stroke", high=stroke.high_weeks.value, low=stroke.low_weeks.value),
        say("central_other"),
    ]
    if data.severity != "unknown":
        basis.append(say("central_no_grade"))
    if data.lesion_to_muscle_cm is not None:
        basis.append(say("central_no_distance"))
    return _Estimate(stroke.low_weeks.value, stroke.high_weeks.value, "uncertain", basis)


def _course(data: OutlookInput, rec: RecoveryCatalog, say: _Say) -> _Estimate:
    """A relapsing cause's wide window, or no window (NaN) for a progressive cause."""
    course = rec.courses[data.cause]  # type: ignore[index]
    words = course.words(say.lang)
    helps = words.helps[0].lower() + words.helps[1:]
    basis = [words.expect, say("course_helps", helps=helps)]
    if data.severity != "unknown" or data.lesion_to_muscle_cm is not None:
        basis.append(say("course_not_used"))
    if course.window is None:
        return _Estimate(math.nan, math.nan, course.prognosis, basis)
    window = course.window
    basis.insert(1, say("course_window", low=window.low.value, high=window.high.value))
    return _Estimate(window.low.value, window.high.value, course.prognosis, basis)


def _estimate(data: OutlookInput, rec: RecoveryCatalog, say: _Say) -> _Estimate:
    if data.cause in COURSES:
        return _course(data, rec, say)
    if data.severity == "neurotmesis" or data.nerve_repair_week is not None:
        return _neurotmesis(data, rec, say)
    if data.cause in CENTRAL:
        return _central(data, rec, say)
    if data.severity == "neurapraxia":
        return _neurapraxia(data, rec, say)
    if data.severity == "axonotmesis":
        return _axonotmesis(data, rec, say)
    return _unknown_severity(data, rec, say)


def _surgery(data: OutlookInput, rec: RecoveryCatalog, prognosis: Prognosis, say: _Say) -> str:
    w = data.weeks_since_onset
    if data.nerve_repair_week is not None and data.cause not in COURSES:
        return say("surgery_repaired", week=data.nerve_repair_week)
    if data.severity == "neurotmesis":
        return say("surgery_cut")
    parts: list[str] = []
    if prognosis in ("guarded", "poor"):
        parts.append(say("surgery_far"))
    per = rec.peroneal
    studies, opinion = per.nerve_studies_weeks.value, per.surgical_opinion_weeks.value
    if data.cause == "peroneal":
        parts.append(say("surgery_peroneal", studies=studies, opinion=opinion))
        if w >= studies:
            parts.append(say("ask_now", week=w))
        parts.append(say("tendon_transfer"))
    elif data.cause == "lumbar":
        lum = rec.lumbar.surgical_opinion_weeks.value
        parts.append(say("surgery_lumbar", weeks=lum))
        if w >= lum:
            parts.append(say("lumbar_ask_now", week=w))
    elif data.cause in COURSES:
        parts.append(say("surgery_course"))
    elif data.cause == "post_operative_sciatic":
        parts.append(say("surgery_sciatic", studies=studies, opinion=opinion))
        if w >= studies:
            parts.append(say("ask_now", week=w))
    elif data.cause in CENTRAL:
        parts.append(say("surgery_central"))
    else:
        parts.append(say("surgery_unknown", studies=studies, opinion=opinion))
        if w >= studies:
            parts.append(say("ask_now", week=w))
    if data.severity == "unknown" and data.cause not in CENTRAL + COURSES:
        parts.append(say("surgery_if_cut"))
    return " ".join(parts)


def estimate_outlook(data: OutlookInput, lang: Language = "en") -> OutlookOutput:
    """Estimate the recovery timeline (weeks from onset) and explain it in ``lang`` (only the
    words change with the language; the weeks and the prognosis do not)."""
    rec = load_recovery()
    say = _Say(lang)
    est = _estimate(data, rec, say)
    w = data.weeks_since_onset
    basis = [say("counted_from", week=w), *est.basis]
    weeks: ExpectedWeeks | None = None
    if est.prognosis == "progressive":
        basis[0] = say("progressive_now", week=w)
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
        central = data.cause in CENTRAL and data.severity != "neurotmesis"
        basis.append(say("past_central" if central else "past_range", week=w))
    effects = factor_effects(data.factors, data.age_years, rec)
    if effects:
        basis.append(factor_text(effects, rec, stretched=weeks is not None, lang=lang))
    if data.nerve_repair_week is not None and data.nerve_repair_week > w:
        raise InputError(
            f"must not be after weeks_since_onset ({_n(w)}): give the week of the repair, "
            "counted from onset",
            field="nerve_repair_week",
        )
    helping = [f.words(lang).helps for f in rec.factors if effects.get(f.id) == "helps"]
    hindering = [f.words(lang).hinders for f in rec.factors if effects.get(f.id) == "hinders"]
    signs = [sign.say(lang) for sign in rec.signs_of_healing]
    if data.cause in COURSES:
        signs = list(rec.courses[data.cause].words(lang).watch_for)
    return OutlookOutput(
        expected_weeks=weeks,
        weeks_counted_from="onset",
        prognosis=est.prognosis,
        basis=" ".join(basis),
        signs_of_healing=signs,
        when_to_discuss_surgery=_surgery(data, rec, est.prognosis, say),
        factors_helping=helping,
        factors_hindering=hindering,
    )


def render_text(result: OutlookOutput, lang: Language = "en") -> str:
    """The outlook as a patient reads it in a terminal (``result`` built in ``lang``)."""
    weeks = result.expected_weeks
    say = _Say(lang)

    def wrap(text: str, first: str = "  ", rest: str = "  ") -> str:
        return textwrap.fill(text, width=78, initial_indent=first, subsequent_indent=rest)

    if weeks is None:
        headline = say.label("headline_none")
    else:
        headline = say.label("headline", low=weeks.low, high=weeks.high)
    watch = {"progressive": "watch_progressive", "uncertain": "watch_uncertain"}.get(
        result.prognosis, "signs_of_healing"
    )
    lines = [
        wrap(headline, "", ""),
        say.label("outlook", prognosis=say.label(f"prognosis_{result.prognosis}")),
        "",
        say.label("based_on"),
        wrap(result.basis),
        "",
        say.label("surgery"),
        wrap(result.when_to_discuss_surgery),
        "",
        say.label(watch),
        *(wrap(sign, "  - ", "    ") for sign in result.signs_of_healing),
    ]
    if result.factors_helping:
        lines += ["", say.label("helping")]
        lines += [wrap(text, "  - ", "    ") for text in result.factors_helping]
    if result.factors_hindering:
        lines += ["", say.label("hindering")]
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
