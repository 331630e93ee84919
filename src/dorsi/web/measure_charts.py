"""The progress charts of a patient's measures, in the reader's language and the measure's words.

One chart per measure (see :mod:`dorsi.web.charts`), with beside it a plain sentence saying
whether the measure is better, the same or worse (read from the progress review, which judges
a change against the measure's smallest real change), and one line saying what the shaded
band means. The clinician's patient page and the patient's "My progress" show the same
charts; only the patient is asked to tell their therapist about a worse value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from babel.dates import format_date

from dorsi.catalog.measures import Measure, load_measures
from dorsi.catalog.mmt import GRADES, numeric
from dorsi.i18n import format_number, gettext_for, normalize_language
from dorsi.interop.fhir_review import statement
from dorsi.web.charts import Axis, Point, line_chart

Reader = Literal["patient", "clinician"]
#: the review's status as the reader is told it (a CSS class too)
VERDICTS = {
    "improved": "better",
    "no_real_change": "same",
    "worse": "worse",
    "insufficient_data": "once",
}


@dataclass(frozen=True)
class MeasureChart:
    id: str
    name: str
    unit: str
    svg: str
    values: list[tuple[dt.date, str, str]]
    review: Any
    mdc_rule: str
    #: no published MDC (walking speed from a phone video): values only, never judged
    trend_only: bool = False
    #: the review in clinical words, as the progress note and the FHIR export word it
    statement: str = ""
    #: an MMT grade (said "grade 4" to the patient), not a number with a unit
    is_grade: bool = False
    #: better / same / worse / once, and the plain sentence that says it
    verdict: str = ""
    sentence: str = ""
    #: what the shaded band means, in one line (empty when there is no band)
    band_note: str = ""


def grade_of(value: float) -> str:
    """The MMT grade whose chart number is ``value`` ("2+" for 2.33)."""
    return min(GRADES, key=lambda g: abs(numeric(g) - value))


class Words:
    """How one reader's language writes the values of one measure."""

    def __init__(self, measure: Measure | None, lang: str) -> None:
        self.lang = normalize_language(lang)
        self.gettext = gettext_for(self.lang).gettext
        self.measure = measure
        self.is_grade = measure is not None and measure.value_kind == "mmt_grade"
        self.unit = self.gettext(measure.unit) if measure is not None else ""

    def number(self, value: float) -> str:
        return format_number(value, self.lang)

    def value(self, value: float | str) -> str:
        """A value with its unit: "grade 2+", "0.85 m/s", "0 falls in the past month"."""
        if self.is_grade:
            grade = value if isinstance(value, str) else grade_of(value)
            return self.gettext("grade %(grade)s") % {"grade": grade}
        return f"{self.number(float(value))} {self.unit}"

    def change(self, amount: float) -> str:
        """A size of change: "1 full grade", "0.1 m/s"."""
        if self.is_grade:
            whole = round(amount)
            if whole == 1:
                return self.gettext("1 full grade")
            return self.gettext("%(num)d full grades") % {"num": whole}
        return f"{self.number(amount)} {self.unit}"

    def day(self, day: dt.date) -> str:
        return format_date(day, format="medium", locale=self.lang)

    def axis(self) -> Axis:
        m = self.measure
        if self.is_grade:
            return Axis(lowest=0, highest=5, whole=True, label=grade_of, ticks=(0, 1, 2, 3, 4, 5))
        if m is None:
            return Axis()
        return Axis(lowest=m.min, highest=m.max, whole=counts_events(m), label=self.number)


def counts_events(measure: Measure) -> bool:
    """Falls and trips are counted: whole numbers only (their UCUM unit is a rate, ``/wk``)."""
    return measure.ucum.startswith("/")


def sentence(review: Any, words: Words, reader: Reader) -> str:
    """Better, the same or worse, in plain words (the review's status against the MDC)."""
    _ = words.gettext
    now = words.value(review.latest)
    if review.status == "insufficient_data":
        return _("Measured once so far: %(now)s.") % {"now": now}
    if review.status == "improved":
        return _("Better: from %(before)s to %(now)s. That is a real improvement.") % {
            "before": words.value(review.baseline),
            "now": now,
        }
    if review.status == "no_real_change":
        if review.baseline == review.latest or abs(review.change) < 1e-9:
            return _("The same: %(now)s, as at the start.") % {"now": now}
        return _(
            "About the same: from %(before)s to %(now)s. The change is too small to be sure "
            "it is real."
        ) % {"before": words.value(review.baseline), "now": now}
    if "best" in review.worse_than and review.best is not None and review.best_date:
        text = _("Worse: %(now)s now, against the best of %(best)s on %(when)s.") % {
            "now": now,
            "best": words.value(review.best),
            "when": words.day(review.best_date),
        }
    elif "previous" in review.worse_than and review.previous is not None and review.previous_date:
        text = _("Worse: %(now)s now, against %(before)s on %(when)s, the time before.") % {
            "now": now,
            "before": words.value(review.previous),
            "when": words.day(review.previous_date),
        }
    else:
        text = _("Worse: %(now)s now, against %(before)s at the start.") % {
            "now": now,
            "before": words.value(review.baseline),
        }
    if reader == "patient":
        text += " " + _("Please tell your therapist.")
    return text


def measure_charts(
    dashboard: Any, lang: str = "en", reader: Reader = "clinician"
) -> list[MeasureChart]:
    """One chart per measure, with the band of no real change (baseline +/- MDC)."""
    catalog = load_measures()
    left_out = {item.measurement_id for item in dashboard.set_aside}  # the review leaves them out
    by_id: dict[str, list[Any]] = {}
    for m in dashboard.measurements:
        if m.id not in left_out:
            by_id.setdefault(m.measure_id, []).append(m)
    charts = []
    for measure in catalog.measures:
        items = by_id.get(measure.id)
        if not items:
            continue
        words = Words(measure, lang)
        _ = words.gettext
        review = dashboard.progress.measures.get(measure.id)
        points = [
            Point(
                m.measured_on,
                numeric(m.value_grade) if m.value_grade is not None else float(m.value_num),
            )
            for m in items
        ]
        band = None
        band_note = ""
        if review is not None and len(points) > 1:
            base = points[0].value
            band = (base - review.mdc, base + review.mdc)
            band_note = _(
                "Shaded band: a change of less than %(mdc)s from the first value is too small "
                "to be sure it is real."
            ) % {"mdc": words.change(review.mdc)}
        name = _(measure.name)
        charts.append(
            MeasureChart(
                id=measure.id,
                name=measure.name,
                unit=measure.unit,
                svg=line_chart(
                    points,
                    title=_("%(measure)s over time") % {"measure": name},
                    unit=words.unit,
                    band=band,
                    axis=words.axis(),
                    y_title=words.unit,
                    x_title=_("Date"),
                    day_text=words.day,
                    one_value=one_value(words),
                ),
                values=[
                    (
                        m.measured_on,
                        m.value_grade if m.value_grade is not None else f"{m.value_num:g}",
                        m.source,
                    )
                    for m in items
                ],
                review=review,
                mdc_rule=measure.mdc_rule,
                trend_only=measure.trend_only,
                statement=statement(review, measure) if review is not None else "",
                is_grade=words.is_grade,
                verdict=VERDICTS.get(review.status, "") if review is not None else "",
                sentence=sentence(review, words, reader) if review is not None else "",
                band_note=band_note,
            )
        )
    return charts


def one_value(words: Words) -> str:
    """How a chart of one value words it (``{value}``, ``{unit}``, ``{day}`` kept for the chart)."""
    value = (
        words.gettext("grade %(grade)s") % {"grade": "{value}"}
        if words.is_grade
        else "{value} {unit}"
    )
    return words.gettext("%(value)s on %(day)s") % {"value": value, "day": "{day}"}


def pain_chart(sessions: list[Any], lang: str = "en") -> str:
    """Pain after each session, 0 to 10."""
    words = Words(None, lang)
    _ = words.gettext
    points = sorted(
        (Point(s.session_date, float(s.pain_nrs)) for s in sessions), key=lambda p: p.day
    )
    return line_chart(
        points,
        title=_("Pain after sessions (0-10)"),
        unit=_("out of 10"),
        axis=Axis(lowest=0, highest=10, whole=True, ticks=(0, 2, 4, 6, 8, 10)),
        y_title=_("pain (0-10)"),
        x_title=_("Date"),
        day_text=words.day,
        one_value=_("%(value)s on %(day)s") % {"value": "{value} {unit}", "day": "{day}"},
    )


__all__ = ["MeasureChart", "measure_charts", "pain_chart", "sentence"]
