"""The Learn topics as validated data: every text in both languages, every number sourced."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from dorsi.catalog.load import read_yaml
from dorsi.education import topics as topics_module
from dorsi.education.topics import build_catalog, load_topics, render_topic
from dorsi.errors import CatalogError, NotFoundError
from dorsi.i18n import SUPPORTED_LANGUAGES, iter_translated

ISSUE_7_TOPICS = (
    "what_is_foot_drop",
    "causes",
    "can_therapy_help",
    "when_to_get_help",
    "how_the_program_works",
    "exercising_at_home",
    "machines_and_massage",
    "recovery",
    "insurance",
)


def _minimal() -> dict[str, Any]:
    return {
        "id": "sample",
        "title": {"en": "A title", "es": "Un título"},
        "summary": {"en": "A summary.", "es": "Un resumen."},
        "sections": [
            {
                "heading": {"en": "Heading", "es": "Encabezado"},
                "paragraphs": [
                    {"en": "Nerves grow {rate_mm} mm a day.", "es": "Crecen {rate_mm} mm al día."}
                ],
            }
        ],
        "facts": {"rate_mm": {"value": 1.5, "source": "a paper", "evidence": "secondary"}},
        "sources": ["a paper"],
    }


def _build(raw: dict[str, Any]) -> None:
    build_catalog(["sample"], {"sample": raw})


def test_the_catalog_has_the_issue_7_topics_in_order_and_is_cached() -> None:
    catalog = load_topics()
    assert catalog.ids == ISSUE_7_TOPICS
    assert load_topics() is catalog


def test_get_unknown_topic_lists_the_valid_ids() -> None:
    with pytest.raises(NotFoundError) as caught:
        load_topics().get("nope")
    assert "when_to_get_help" in caught.value.message


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("topic_id", ISSUE_7_TOPICS)
def test_every_topic_renders_completely(topic_id: str, lang: str) -> None:
    topic = load_topics().get(topic_id)
    page = render_topic(topic, lang)  # type: ignore[arg-type]
    dumped = page.model_dump(mode="json")
    text = repr(dumped)
    assert "{" not in "".join(
        [page.title, page.summary, *(p for s in page.sections for p in s.paragraphs)]
    )
    assert page.lang == lang
    assert page.sections
    assert page.sources
    assert text  # dumps to JSON-compatible data
    for fact in page.facts:
        assert fact.source
        assert fact.evidence in ("primary", "secondary", "low", "clinician_default")


@pytest.mark.parametrize("topic_id", ISSUE_7_TOPICS)
def test_every_digit_a_patient_reads_comes_from_a_sourced_fact(topic_id: str) -> None:
    topic = load_topics().get(topic_id)
    for lang in SUPPORTED_LANGUAGES:
        page = render_topic(topic, lang)
        allowed = {fact.shown for fact in page.facts}
        texts = [page.title, page.summary]
        for section in page.sections:
            texts += [section.heading, *section.paragraphs, *section.bullets]
        texts += [t.word + " " + t.meaning for t in page.terms]
        texts += [link.label for link in page.links]
        if page.diagram:
            texts += [page.diagram.alt, *page.diagram.steps]
        for text in texts:
            for number in re.findall(r"\d[\d.,]*\d|\d", text):
                assert number in allowed, f"{topic_id}/{lang}: {number!r} in {text!r}"


def test_spanish_is_not_a_copy_of_english() -> None:
    for topic in load_topics().topics:
        for path, text in iter_translated(topic):
            if len(text.en.split()) >= 4:
                assert text.es != text.en, f"{topic.id}.{path} is not translated"


def test_numbers_are_written_the_spanish_way() -> None:
    page = build_catalog(["sample"], {"sample": _minimal()}).topics[0]
    assert render_topic(page, "es").sections[0].paragraphs[0] == "Crecen 1,5 mm al día."
    assert render_topic(page, "en").sections[0].paragraphs[0] == "Nerves grow 1.5 mm a day."


def test_issue_7_content_is_covered() -> None:
    """The points issue 7 lists for each topic are present in the English text."""
    catalog = load_topics()

    def text(topic_id: str) -> str:
        page = render_topic(catalog.get(topic_id), "en")
        parts = [page.title, page.summary]
        for s in page.sections:
            parts += [s.heading, *s.paragraphs, *s.bullets]
        return " ".join(parts).lower()

    expectations = {
        "what_is_foot_drop": ["not a diagnosis", "front of your foot", "toes"],
        "causes": ["outside of your leg", "low back", "stroke", "diagnosis"],
        "can_therapy_help": ["trip", "steps", "limits", "cured"],
        "when_to_get_help": ["call 911", "self-check", "within a few days"],
        "how_the_program_works": [
            "goals",
            "sitting",
            "standing",
            "stepping",
            "gait training",
            "brace",
            "manual therapy",
            "plan should change",
        ],
        "exercising_at_home": ["most days", "control", "pain", "stop"],
        "machines_and_massage": ["stationary bike", "hide poor control", "massage", "knee"],
        "recovery": ["signs of healing", "surgery", "weeks", "months"],
        "insurance": ["deductible", "copay", "coinsurance", "network", "cost estimator"],
    }
    for topic_id, phrases in expectations.items():
        body = text(topic_id)
        for phrase in phrases:
            assert phrase in body, f"{topic_id} lacks {phrase!r}"


def test_recovery_lists_the_ten_factors() -> None:
    recovery = load_topics().get("recovery")
    factors = next(s for s in recovery.sections if s.heading.en == "What affects recovery")
    assert len(factors.bullets) == 10


def test_links_reach_the_self_check_and_the_cost_estimator() -> None:
    catalog = load_topics()
    assert "self_check" in {link.to for link in catalog.get("when_to_get_help").links}
    assert "cost_estimator" in {link.to for link in catalog.get("insurance").links}


def test_safety_topic_applies_to_everyone() -> None:
    assert load_topics().get("when_to_get_help").applies_when.always


# --- invalid data fails loudly, naming file and field --------------------------------------


def test_minimal_topic_is_valid() -> None:
    _build(_minimal())


def test_missing_spanish_names_file_and_field() -> None:
    raw = _minimal()
    del raw["sections"][0]["heading"]["es"]
    with pytest.raises(CatalogError) as caught:
        _build(raw)
    assert "learn/sample.yaml" in caught.value.message
    assert "sections.0.heading.es" in caught.value.message


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("title", "en"), "Walk 10 steps", "bare number"),
        (("title", "es"), "Camine {steps} pasos", "unknown facts"),
        (("summary", "en"), "A {rate_mm} summary", "different facts"),
        (("summary", "es"), "Un resumen } raro", "stray brace"),
    ],
)
def test_text_rules(path: tuple[str, str], value: str, message: str) -> None:
    raw = _minimal()
    raw[path[0]][path[1]] = value
    with pytest.raises(CatalogError, match=message):
        _build(raw)


def test_unused_fact_is_refused() -> None:
    raw = _minimal()
    raw["facts"]["spare"] = {"value": 2, "source": "a paper", "evidence": "low"}
    with pytest.raises(CatalogError, match="used by no text: spare"):
        _build(raw)


def test_fact_without_source_is_refused() -> None:
    raw = _minimal()
    del raw["facts"]["rate_mm"]["source"]
    with pytest.raises(CatalogError, match=r"facts\.rate_mm\.source"):
        _build(raw)


def test_empty_section_and_wrong_id_are_refused() -> None:
    raw = _minimal()
    raw["sections"][0]["paragraphs"] = []
    with pytest.raises(CatalogError, match="at least one paragraph"):
        _build(raw)
    raw = _minimal()
    raw["id"] = "other"
    with pytest.raises(CatalogError, match="must be 'sample'"):
        _build(raw)


def test_unknown_key_is_refused() -> None:
    raw = _minimal()
    raw["colour"] = "red"
    with pytest.raises(CatalogError, match="colour"):
        _build(raw)


def _patched_loader(
    monkeypatch: pytest.MonkeyPatch, order: list[str], files: set[str]
) -> dict[str, Any]:
    real = {tid: read_yaml(f"learn/{tid}.yaml") for tid in ISSUE_7_TOPICS}

    def fake_read(filename: str) -> Any:
        if filename == "learn/topics.yaml":
            return {"order": order}
        return copy.deepcopy(real[filename.removeprefix("learn/").removesuffix(".yaml")])

    monkeypatch.setattr(topics_module, "read_yaml", fake_read)
    monkeypatch.setattr(topics_module, "_topic_files", lambda: files)
    topics_module.load_topics.cache_clear()
    return real


def test_a_topic_file_missing_from_the_order_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    _patched_loader(monkeypatch, list(ISSUE_7_TOPICS[:-1]), set(ISSUE_7_TOPICS))
    try:
        with pytest.raises(CatalogError, match="missing insurance"):
            topics_module.load_topics()
    finally:
        monkeypatch.undo()
        topics_module.load_topics.cache_clear()


def test_a_topic_listed_twice_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    _patched_loader(monkeypatch, [*ISSUE_7_TOPICS, "causes"], set(ISSUE_7_TOPICS))
    try:
        with pytest.raises(CatalogError, match="listed twice"):
            topics_module.load_topics()
    finally:
        monkeypatch.undo()
        topics_module.load_topics.cache_clear()
