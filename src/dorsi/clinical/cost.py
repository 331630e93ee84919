"""Out-of-pocket estimate for a course of visits (``dorsi cost``), in exact decimal cents.

Rule, per visit in order (REFERENCE 7.1 and 7.3):

1. Visits beyond ``covered_visits_remaining`` are not covered: the patient pays the whole
   visit (the allowed amount in network, the billed amount out of network). It does not count
   toward the deductible or the out-of-pocket maximum.
2. Otherwise the patient first pays toward the remaining deductible, up to the allowed amount.
3. On what remains of the allowed amount the copay applies (never more than what remains),
   then coinsurance on what remains after the copay.
4. The patient's share from steps 2-3 stops at ``oop_max_remaining`` (null = no cap); the
   insurer pays the rest of the allowed amount.
5. Out of network (``in_network`` false): steps 2-3 use the ``out_of_network`` deductible and
   coinsurance, and NO copay (copays are an in-network feature of most plans; out-of-network
   benefits are usually deductible plus coinsurance). The patient also owes balance billing,
   the billed amount above the allowed amount, which never counts toward the maximum. The one
   ``oop_max_remaining`` given is applied to the out-of-network share; the explanation warns
   that many plans have a separate, higher out-of-network maximum or none.

Money: inputs are rounded to cents (ROUND_HALF_UP); coinsurance is rounded to cents
(ROUND_HALF_UP) for each visit; every other step is a sum, difference or minimum of cent
amounts, so stays exact. When billed is below allowed, the plan works from the billed amount.
Invariants: patient + insurer = the visit's total cost; totals are the sums of the visits.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, field_validator, model_validator
from pydantic_core import PydanticCustomError

from dorsi.catalog.thresholds import load_thresholds
from dorsi.catalog.words import load_words
from dorsi.clinical.contract import Contract, Output
from dorsi.errors import InputError
from dorsi.i18n import Language, normalize_language

CENT = Decimal("0.01")
MAX_VISITS = 1000
MAX_MONEY = Decimal("10000000")

Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to whole cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _money(value: object) -> Decimal:
    """A JSON number or numeric string >= 0, as exact cents."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("money", "must be an amount of money such as 120 or 120.50")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("money", "must be a finite amount of money")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise PydanticCustomError(
            "money", "must be an amount of money such as 120 or 120.50"
        ) from None
    if not amount.is_finite():
        raise PydanticCustomError("money", "must be a finite amount of money")
    if amount < 0:
        raise PydanticCustomError("money", "must be 0 or more")
    if amount > MAX_MONEY:
        raise PydanticCustomError("money", "must be at most 10000000")
    return cents(amount)


def _percent(value: object) -> Decimal:
    """A percent from 0 to 100. A value between 0 and 1 (0.2) is refused: it is almost always a
    fraction meant as 20%, and reading it as 0.2% would hide the mistake in a tiny estimate."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("percent", "must be a percent from 0 to 100")
    try:
        pct = Decimal(str(value).strip())
    except InvalidOperation:
        raise PydanticCustomError("percent", "must be a percent from 0 to 100") from None
    if not pct.is_finite() or not 0 <= pct <= 100:
        raise PydanticCustomError("percent", "must be a percent from 0 to 100")
    if 0 < pct < 1:
        raise PydanticCustomError(
            "percent",
            "looks like a fraction ({given}); give coinsurance as a percent: {as_pct} for "
            "{as_pct}%",
            {"given": f"{pct:g}", "as_pct": format((pct * 100).normalize(), "f")},
        )
    return pct


class TherapyThreshold(Contract):
    """A yearly therapy threshold: Medicare's KX threshold for ``year`` (``kind:
    "medicare_kx"``) or a plan's own ``amount``; ``spent_this_year`` is the therapy cost (the
    allowed amounts) already counted this year."""

    kind: Literal["medicare_kx", "plan"]
    year: int | None = Field(default=None, ge=1900, le=2200)
    amount: Decimal | None = None
    spent_this_year: Decimal = Decimal(0)

    @field_validator("amount", mode="plain")
    @classmethod
    def _amount(cls, value: object) -> Decimal | None:
        return None if value is None else _money(value)

    @field_validator("spent_this_year", mode="plain")
    @classmethod
    def _spent(cls, value: object) -> Decimal:
        return _money(value)

    @model_validator(mode="after")
    def _complete(self) -> TherapyThreshold:
        if self.kind == "plan" and self.amount is None:
            raise InputError(
                "is required when kind is 'plan' (the plan's yearly therapy threshold)",
                field="therapy_threshold.amount",
            )
        if self.kind == "medicare_kx":
            years = load_thresholds().medicare_kx.years
            if self.year is None or self.year not in years:
                known = ", ".join(str(y) for y in years)
                raise InputError(
                    f"must be a year with a known Medicare KX threshold ({known})",
                    field="therapy_threshold.year",
                )
        return self

    def limit(self) -> Decimal:
        if self.kind == "plan":
            return self.amount if self.amount is not None else Decimal(0)
        kx = load_thresholds().medicare_kx
        return cents(Decimal(str(kx.by_year[self.year or 0].value)))


class OutOfNetwork(Contract):
    """Out-of-network terms: the provider's charge and the plan's out-of-network cost sharing."""

    billed_per_visit: Decimal
    deductible_remaining: Decimal
    coinsurance_pct: Decimal

    @field_validator("billed_per_visit", "deductible_remaining", mode="plain")
    @classmethod
    def _money(cls, value: object) -> Decimal:
        return _money(value)

    @field_validator("coinsurance_pct", mode="plain")
    @classmethod
    def _pct(cls, value: object) -> Decimal:
        return _percent(value)


class CostInput(Contract):
    """Input of ``dorsi cost``. Money as JSON numbers or numeric strings, >= 0."""

    visits: int = Field(ge=0, le=MAX_VISITS)
    allowed_per_visit: Decimal
    deductible_remaining: Decimal
    copay_per_visit: Decimal
    coinsurance_pct: Decimal
    oop_max_remaining: Decimal | None = None
    covered_visits_remaining: int | None = Field(default=None, ge=0)
    in_network: bool = True
    out_of_network: OutOfNetwork | None = None
    therapy_threshold: TherapyThreshold | None = None

    @field_validator("allowed_per_visit", "deductible_remaining", "copay_per_visit", mode="plain")
    @classmethod
    def _money(cls, value: object) -> Decimal:
        return _money(value)

    @field_validator("coinsurance_pct", mode="plain")
    @classmethod
    def _pct(cls, value: object) -> Decimal:
        return _percent(value)

    @field_validator("oop_max_remaining", mode="plain")
    @classmethod
    def _cap(cls, value: object) -> Decimal | None:
        return None if value is None else _money(value)

    @model_validator(mode="after")
    def _oon_needed(self) -> CostInput:
        if not self.in_network and self.out_of_network is None:
            raise InputError(
                "is required when in_network is false (give billed_per_visit, "
                "deductible_remaining and coinsurance_pct)",
                field="out_of_network",
            )
        return self


class VisitCost(Output):
    visit: int
    patient: Money
    insurer: Money


class CostOutput(Output):
    per_visit: tuple[VisitCost, ...]
    total_patient: Money
    total_insurer: Money
    explanation: str


def _dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def estimate_cost(data: CostInput, *, lang: str = "en") -> CostOutput:
    """Per-visit patient and insurer amounts and totals (see the module docstring).

    ``lang`` (en | es) only chooses the language of ``explanation``: every amount is the same.
    """
    language = normalize_language(lang)
    oon = None if data.in_network else data.out_of_network
    allowed = data.allowed_per_visit
    billed = oon.billed_per_visit if oon is not None else allowed
    plan_amount = min(allowed, billed)  # what the plan works from
    balance = billed - plan_amount  # owed on top out of network; not toward the maximum
    deductible = oon.deductible_remaining if oon is not None else data.deductible_remaining
    copay = Decimal(0) if oon is not None else data.copay_per_visit
    pct = oon.coinsurance_pct if oon is not None else data.coinsurance_pct
    cap = data.oop_max_remaining
    covered = data.covered_visits_remaining

    visits: list[VisitCost] = []
    cap_reached_at: int | None = None
    counted = data.therapy_threshold.spent_this_year if data.therapy_threshold else Decimal(0)
    passes: dict[str, int] = {}
    for number in range(1, data.visits + 1):
        if covered is not None and number > covered:
            visits.append(VisitCost(visit=number, patient=billed, insurer=Decimal(0)))
            continue
        counted += plan_amount
        if data.therapy_threshold is not None:
            for name, limit in _limits(data.therapy_threshold).items():
                if counted > limit and name not in passes:
                    passes[name] = number
        toward_deductible = min(deductible, plan_amount)
        deductible -= toward_deductible
        rest = plan_amount - toward_deductible
        copay_paid = min(copay, rest)
        coinsurance = cents((rest - copay_paid) * pct / 100)
        share = toward_deductible + copay_paid + coinsurance
        if cap is not None:
            if share >= cap and cap_reached_at is None and share > 0:
                cap_reached_at = number
            share = min(share, cap)
            cap -= share
        visits.append(VisitCost(visit=number, patient=share + balance, insurer=plan_amount - share))

    total_patient = sum((v.patient for v in visits), Decimal(0))
    total_insurer = sum((v.insurer for v in visits), Decimal(0))
    return CostOutput(
        per_visit=tuple(visits),
        total_patient=total_patient,
        total_insurer=total_insurer,
        explanation=_explain(
            data, balance, cap_reached_at, language, _threshold_text(data, passes, language)
        ),
    )


def _limits(threshold: TherapyThreshold) -> dict[str, Decimal]:
    """The threshold, and for Medicare the targeted review amount above it."""
    out = {"threshold": threshold.limit()}
    if threshold.kind == "medicare_kx":
        review = load_thresholds().medicare_kx.review.value
        out["review"] = cents(Decimal(str(review)))
    return out


def _threshold_text(data: CostInput, passes: dict[str, int], lang: Language) -> str:
    """Whether and when the course passes the yearly therapy threshold, and what that means."""
    threshold = data.therapy_threshold
    if threshold is None:
        return ""
    words = load_words("cost")
    limit = threshold.limit()
    if threshold.kind == "medicare_kx":
        name = load_thresholds().medicare_kx.name.get(lang)
        where = words.say("threshold_medicare", lang, name=name, year=threshold.year)
    else:
        where = words.say("threshold_plan", lang)
    values = {
        "where": where,
        "amount": _dollars(limit),
        "spent": _dollars(threshold.spent_this_year),
    }
    if "threshold" not in passes:
        return words.say("threshold_not_passed", lang, **values)
    meaning = (
        "threshold_meaning_medicare"
        if threshold.kind == "medicare_kx"
        else ("threshold_meaning_plan")
    )
    parts = [
        words.say("threshold_passed", lang, visit=passes["threshold"], **values),
        words.say(meaning, lang),
    ]
    if "review" in passes:
        review = cents(Decimal(str(load_thresholds().medicare_kx.review.value)))
        parts.append(
            words.say("threshold_review", lang, review=_dollars(review), visit=passes["review"])
        )
    return " ".join(parts)


def _explain(
    data: CostInput,
    balance: Decimal,
    cap_reached_at: int | None,
    lang: Language,
    threshold: str = "",
) -> str:
    words = load_words("cost")

    def say(key: str, /, **values: object) -> str:
        return words.say(key, lang, **values)

    oon = None if data.in_network else data.out_of_network
    parts = [say("terms")]
    if data.visits == 0:
        parts.append(say("no_visits"))
    elif oon is None:
        parts.append(
            say(
                "in_network",
                allowed=_dollars(data.allowed_per_visit),
                deductible=_dollars(data.deductible_remaining),
                copay=_dollars(data.copay_per_visit),
                pct=f"{data.coinsurance_pct:g}",
            )
        )
    else:
        parts.append(
            say(
                "out_of_network",
                billed=_dollars(oon.billed_per_visit),
                allowed=_dollars(min(data.allowed_per_visit, oon.billed_per_visit)),
                deductible=_dollars(oon.deductible_remaining),
                pct=f"{oon.coinsurance_pct:g}",
            )
        )
        if balance > 0:
            parts.append(say("balance", balance=_dollars(balance)))
    if data.visits and oon is None:
        parts.append(say("order"))
    if data.oop_max_remaining is None:
        parts.append(say("no_cap"))
    else:
        reached = (
            say("cap_reached", visit=cap_reached_at)
            if cap_reached_at is not None
            else say("cap_not_reached")
        )
        parts.append(say("cap", cap=_dollars(data.oop_max_remaining)) + " " + reached)
        if oon is not None:
            parts.append(say("cap_out_of_network"))
    covered = data.covered_visits_remaining
    if covered is not None and data.visits > covered:
        after = data.visits - covered
        parts.append(
            say(
                "covered",
                covered=covered,
                s="s" if covered != 1 else "",
                after=after,
                s_after="s" if after != 1 else "",
            )
        )
    if threshold:
        parts.append(threshold)
    parts.append(say("estimate"))
    return " ".join(parts)


__all__ = [
    "CostInput",
    "CostOutput",
    "OutOfNetwork",
    "TherapyThreshold",
    "VisitCost",
    "cents",
    "estimate_cost",
]
