"""`dorsi learn` as a user meets it."""

from __future__ import annotations

import json

from dorsi.education import load_topics, render_topic
from tests.conftest import run_dorsi


def test_list_shows_every_topic() -> None:
    result = run_dorsi("learn")
    assert result.code == 0
    for topic in load_topics().topics:
        assert topic.id in result.stdout
        assert topic.title.en in result.stdout
    assert "dorsi learn TOPIC" in result.stdout


def test_list_in_spanish_and_as_json() -> None:
    spanish = run_dorsi("learn", "--lang", "es")
    assert spanish.code == 0
    assert "Aprenda sobre el pie caído" in spanish.stdout
    assert "Cuándo pedir ayuda" in spanish.stdout
    listed = run_dorsi("learn", "--json", "--lang", "es-MX").json()
    assert listed["lang"] == "es"
    assert [t["id"] for t in listed["topics"]] == list(load_topics().ids)


def test_one_topic_in_spanish_reads_in_a_terminal() -> None:
    result = run_dorsi("learn", "when_to_get_help", "--lang", "es")
    assert result.code == 0
    assert result.stderr == ""
    assert "Llame al 911" in result.stdout
    assert "Abrir la autoevaluación: dorsi screen" in result.stdout
    assert "De dónde sale esta información" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 78


def test_one_topic_json_is_exactly_the_rendered_page() -> None:
    result = run_dorsi("learn", "recovery", "--json")
    assert result.code == 0
    expected = render_topic(load_topics().get("recovery"), "en").model_dump(mode="json")
    assert result.json() == expected


def test_unknown_topic_is_one_line_exit_2_listing_topics() -> None:
    result = run_dorsi("learn", "tarot")
    assert result.code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "when_to_get_help" in result.stderr


def test_unsupported_language_is_one_line_exit_2_naming_the_option() -> None:
    result = run_dorsi("learn", "causes", "--lang", "fr")
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--lang" in result.stderr
    assert "es (Español)" in result.stderr


def test_personal_view_from_stdin() -> None:
    patient = {"cause": "peroneal", "phase": 2, "uses_brace": False, "lang": "es"}
    result = run_dorsi("learn", "--for", "-", stdin=json.dumps(patient))
    assert result.code == 0
    assert "Sus temas" in result.stdout
    assert "no cruce las piernas" in result.stdout
    data = run_dorsi("learn", "--for", "-", "--json", "--lang", "en", stdin=json.dumps(patient))
    out = data.json()
    assert out["lang"] == "en"
    assert "peroneal_protect_knee" in [note["id"] for note in out["notes"]]


def test_personal_view_bad_input_names_the_field() -> None:
    result = run_dorsi("learn", "--for", "-", stdin='{"phase": 9}')
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "phase" in result.stderr


def test_topic_and_for_together_are_refused() -> None:
    result = run_dorsi("learn", "causes", "--for", "-", stdin="{}")
    assert result.code == 2
    assert "--for" in result.stderr
