"""The exercise pain rule is one value in data, used by the stop rule and the Learn text."""

from __future__ import annotations

from dorsi.catalog.exercises import load_exercises
from dorsi.education import load_topics


def test_stop_rule_states_the_catalog_value_in_both_languages() -> None:
    for lang, word in (("en", "out of 10"), ("es", "de 10")):
        catalog = load_exercises(lang)
        stop = int(catalog.exercise_pain.stop_above_nrs.value)
        rules = " ".join(catalog.common_stop_rules)
        assert f"{stop} {word}" in rules
        assert "{" not in rules


def test_learn_page_uses_the_same_threshold() -> None:
    stop = load_exercises().exercise_pain.stop_above_nrs.value
    topic = load_topics().get("exercising_at_home")
    assert topic.facts["pain_too_much_above"].value == stop
    assert topic.facts["pain_ok_max"].value == stop
