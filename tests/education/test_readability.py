"""Reading level: every English Learn string at or below US grade 8 (Flesch-Kincaid).

Measured per paragraph; short strings (titles, headings, bullets) pooled per topic. See
``tests.education.readability`` and docs/i18n.md.
"""

from __future__ import annotations

import sys

import pytest

from dorsi.education import english_texts, load_notes, load_topics, render_topic
from dorsi.education.topics import Topic, fill
from dorsi.errors import MissingExtraError
from dorsi.i18n import format_number, iter_translated
from tests.education import readability as readability_module
from tests.education.readability import (
    MAX_GRADE,
    MIN_WORDS,
    fernandez_huerta,
    fk_grade,
    jargon_in,
    score_texts,
    too_hard,
)

TOPIC_IDS = load_topics().ids


def zip_paths(topic: Topic) -> list[tuple[str, str]]:
    """Each English string of ``topic`` (numbers filled in) with its path in the data."""
    paths = [path for path, _ in iter_translated(topic)]
    return list(zip(paths, english_texts(topic), strict=True))


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_every_english_string_of_the_topic_is_grade_8_or_lower(topic_id: str) -> None:
    topic = load_topics().get(topic_id)
    scores = score_texts(
        [(f"{topic_id}.{path}", text) for path, text in zip_paths(topic)],
        group=f"{topic_id}: titles, headings, bullets",
    )
    assert len(scores) >= 2
    hard = [(s.label, round(s.grade, 1), s.text) for s in too_hard(scores)]
    assert hard == []


def test_every_personal_note_is_grade_8_or_lower() -> None:
    notes = [(note.id, note.text.en) for note in load_notes().notes]
    assert too_hard(score_texts(notes, group="short notes")) == []


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_spanish_reads_as_easily(topic_id: str) -> None:
    """Fernández-Huerta (Spanish reading ease): 80+ is 'easy', about US grade 6; 60-70 is
    'standard', about grade 8-9. Each topic as a whole must be easy, each paragraph standard."""
    topic = load_topics().get(topic_id)
    shown = {fact_id: format_number(f.value, "es") for fact_id, f in topic.facts.items()}
    texts = [fill(text.es, shown) for _, text in iter_translated(topic)]
    assert fernandez_huerta(" ".join(texts)) >= 80
    for text in texts:
        if len(text.split()) >= MIN_WORDS:
            assert fernandez_huerta(text) >= 60, text


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_jargon_is_explained_in_the_topic(topic_id: str) -> None:
    topic = load_topics().get(topic_id)
    page = render_topic(topic, "en")
    body = [page.title, page.summary]
    for section in page.sections:
        body += [section.heading, *section.paragraphs, *section.bullets]
    used = jargon_in(" ".join(body))
    explained = jargon_in(" ".join(term.word for term in page.terms))
    assert used <= explained, f"explain in 'terms': {sorted(used - explained)}"


# --- the helper itself ------------------------------------------------------------------


def test_grade_rises_with_long_words_and_sentences() -> None:
    easy = "The cat sat on the mat. It was warm. The sun was out."
    hard = (
        "Comprehensive neuromuscular rehabilitation necessitates individualized, "
        "evidence-based progression of therapeutic interventions throughout recovery."
    )
    assert fk_grade(easy) < 3 < MAX_GRADE < fk_grade(hard)


def test_short_strings_are_pooled_and_long_ones_scored_alone() -> None:
    long_text = "You walk a bit each day and you rest when you feel tired or sore."
    scores = score_texts(["Heading", "Another short one", long_text, ("named", long_text), "  "])
    assert [s.label for s in scores] == ["#2", "named", "short strings"]
    assert scores[-1].text == "Heading. Another short one."


def test_score_texts_of_nothing_is_empty() -> None:
    assert score_texts([]) == []


def test_too_hard_filters_by_grade() -> None:
    scores = score_texts(
        [
            "The cat sat on the mat and the dog sat on the rug by the door.",
            "Comprehensive neuromuscular rehabilitation necessitates individualized "
            "evidence-based progression of therapeutic interventions throughout recovery.",
        ]
    )
    assert [s.label for s in too_hard(scores)] == ["#1"]
    assert too_hard(scores, max_grade=100) == []


def test_jargon_matches_whole_words_only() -> None:
    assert jargon_in("Wear your brace. Gait means walking.") == {"brace", "gait"}
    assert jargon_in("Embrace the gaiters") == set()


def test_without_textstat_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    readability_module._textstat.cache_clear()
    monkeypatch.setitem(sys.modules, "textstat", None)  # makes `import textstat` fail
    try:
        with pytest.raises(MissingExtraError, match=r"\.\[dev\]"):
            fk_grade("Some words here.")
    finally:
        monkeypatch.undo()
        readability_module._textstat.cache_clear()
