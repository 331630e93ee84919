"""A goal report in plain words, in the reader's language (``data/words/progress.yaml``).

One wording for every place that shows goals (``dorsi progress``, the patient's and the
clinician's pages, the progress note), so they never disagree about what a status means.
"""

from __future__ import annotations

import datetime as dt

from dorsi.catalog.goal_rules import load_goal_rules
from dorsi.catalog.measures import Measure, load_measures
from dorsi.catalog.words import decimal_number, load_words
from dorsi.clinical.goal_contract import GoalReport, GoalStatus
from dorsi.clinical.progress_alerts import fmt_number
from dorsi.errors import NotFoundError
from dorsi.i18n import Language


def status_words(status: GoalStatus, lang: Language = "en") -> str:
    """``met`` -> "met" / "cumplida", and so on."""
    return load_words("progress").say(f"goal_{status}", lang)


def _value(measure: Measure, value: float | str, lang: Language) -> str:
    words = load_words("progress")
    if isinstance(value, str):
        return words.say("grade", lang, value=value)
    unit = measure.unit if lang == "en" else words.measures_es[measure.id].unit
    return f"{decimal_number(fmt_number(value), lang)} {unit}"


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def goal_words(item: GoalReport, lang: Language = "en") -> str:
    """What the goal is: its plain words, or "<measure>: <target> by <date>" (both when the
    goal has both)."""
    words = load_words("progress")
    parts: list[str] = []
    if item.measure is not None and item.target is not None:
        try:
            measure = load_measures().get(item.measure)
        except NotFoundError:
            parts.append(f"{item.measure}: {item.target} ({_day(item.by)})")
        else:
            name = measure.name if lang == "en" else words.measures_es[measure.id].name
            target = _value(measure, item.target, lang)
            by = _day(item.by)
            parts.append(words.say("goal_measure", lang, name=name, target=target, by=by))
    if item.text:
        parts.append(item.text)
    return " — ".join(parts)


def why_words(item: GoalReport, lang: Language = "en") -> str:
    """What the status rests on, in a sentence."""
    words = load_words("progress")
    rules = load_goal_rules()
    values: dict[str, object] = {
        "date": _day(item.latest_date),
        "by": _day(item.by),
        "values": int(rules.min_values.value),
        "days": int(rules.min_span_days.value),
        "latest": "",
        "projected": "",
        "met": _day(item.met_on),
    }
    if item.measure is not None:
        try:
            measure = load_measures().get(item.measure)
        except NotFoundError:
            measure = None
        if measure is not None and item.latest is not None:
            values["latest"] = _value(measure, item.latest, lang)
        if measure is not None and item.projected is not None:
            values["projected"] = _value(measure, item.projected, lang)
    return words.say(f"goal_why_{item.reason}", lang, **values)


__all__ = ["goal_words", "status_words", "why_words"]
