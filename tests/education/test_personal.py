"""Personal Learn pages: what applies to the patient first, and their notes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dorsi.clinical.contract import parse
from dorsi.education.personal import (
    NoteBook,
    PersonalInput,
    check_notes,
    load_notes,
    personalize,
)
from dorsi.education.topics import CAUSES, load_topics
from dorsi.errors import CatalogError, InputError


def _run(**fields: Any) -> Any:
    return personalize(parse(PersonalInput, fields))


def _note_ids(result: Any) -> list[str]:
    return [note.id for note in result.notes]


def test_defaults_give_every_topic_safety_first_and_cause_notes() -> None:
    result = _run()
    ids = [ref.id for ref in result.topics]
    assert sorted(ids) == sorted(load_topics().ids)
    assert ids[0] == "causes"  # unknown cause: finding it matters
    assert "when_to_get_help" in ids[:2]
    assert _note_ids(result) == ["unknown_cause", "no_brace_trips"]


def test_peroneal_patient_gets_knee_protection_first() -> None:
    result = _run(cause="peroneal", phase=1, uses_brace=True)
    notes = {note.id: note for note in result.notes}
    assert "peroneal_protect_knee" in notes
    assert "cross your legs" in notes["peroneal_protect_knee"].text
    assert "peroneal_massage" in notes
    assert "phase_seated" in notes
    assert "brace_use" in notes
    assert "no_brace_trips" not in notes
    by_id = {ref.id: ref for ref in result.topics}
    assert by_id["machines_and_massage"].reasons == ["cause"]
    assert by_id["how_the_program_works"].reasons == ["phase", "brace"]
    assert by_id["when_to_get_help"].reasons == ["safety"]
    assert not by_id["insurance"].applies
    assert result.topics[-1].id == "insurance"


@pytest.mark.parametrize(
    ("cause", "note"),
    [
        ("peroneal", "peroneal_protect_knee"),
        ("lumbar", "lumbar_warning_signs"),
        ("neurological", "neurological_new_signs"),
        ("unknown", "unknown_cause"),
    ],
)
def test_each_cause_has_its_own_note(cause: str, note: str) -> None:
    ids = _note_ids(_run(cause=cause))
    assert note in ids
    others = {"peroneal", "lumbar", "neurological", "unknown"} - {cause}
    assert not any(i.startswith(other) for other in others for i in ids)


@pytest.mark.parametrize(
    ("phase", "note"), [(1, "phase_seated"), (2, "phase_standing"), (3, "phase_stepping")]
)
def test_exactly_one_phase_note(phase: int, note: str) -> None:
    ids = _note_ids(_run(phase=phase))
    assert [i for i in ids if i.startswith("phase_")] == [note]


def test_no_phase_no_phase_note() -> None:
    assert not [i for i in _note_ids(_run()) if i.startswith("phase_")]


def test_outlook_note_fills_in_the_patients_weeks_in_each_language() -> None:
    outlook = {"expected_weeks": {"low": 12, "high": 26}}
    english = _run(outlook=outlook)
    spanish = _run(outlook=outlook, lang="es")
    note_en = next(n for n in english.notes if n.id == "outlook_estimate")
    note_es = next(n for n in spanish.notes if n.id == "outlook_estimate")
    assert "12 to 26 weeks" in note_en.text
    assert "de 12 a 26 semanas" in note_es.text
    assert next(r for r in english.topics if r.id == "recovery").reasons == ["outlook"]


def test_spanish_output_uses_spanish_titles() -> None:
    result = _run(lang="es")
    assert result.lang == "es"
    assert "Cuándo pedir ayuda" in [ref.title for ref in result.topics]
    assert all(note.text for note in result.notes)


def test_read_this_week_comes_first_in_the_given_order_without_duplicates() -> None:
    result = _run(read_this_week=["insurance", "recovery", "insurance"])
    assert [ref.id for ref in result.topics[:2]] == ["insurance", "recovery"]
    assert result.topics[0].reasons == ["read_this_week"]
    assert [ref.id for ref in result.topics].count("insurance") == 1


def test_unknown_read_this_week_topic_names_the_field() -> None:
    with pytest.raises(InputError) as caught:
        _run(read_this_week=["causes", "tarot"])
    assert caught.value.field == "read_this_week.1"
    assert "when_to_get_help" in caught.value.message


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cause": "knee"}, "cause"),
        ({"phase": 4}, "phase"),
        ({"phase": 0}, "phase"),
        ({"phase": "1"}, "phase"),
        ({"uses_brace": "yes"}, "uses_brace"),
        ({"lang": "fr"}, "lang"),
        ({"outlook": {"expected_weeks": {"low": 10, "high": 5}}}, "outlook.expected_weeks"),
        ({"outlook": {"expected_weeks": {"low": -1, "high": 5}}}, "outlook.expected_weeks.low"),
        ({"outlook": {}}, "outlook.expected_weeks"),
        ({"read_this_week": "causes"}, "read_this_week"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(PersonalInput, fields)
    assert caught.value.field == field


# --- invariants --------------------------------------------------------------------------

profiles = st.fixed_dictionaries(
    {},
    optional={
        "cause": st.sampled_from(CAUSES),
        "phase": st.one_of(st.none(), st.integers(1, 3)),
        "uses_brace": st.booleans(),
        "outlook": st.one_of(
            st.none(),
            st.integers(0, 260).flatmap(
                lambda low: st.integers(low, 520).map(
                    lambda high: {"expected_weeks": {"low": low, "high": high}}
                )
            ),
        ),
        "read_this_week": st.lists(st.sampled_from(load_topics().ids), max_size=4),
        "lang": st.sampled_from(["en", "es"]),
    },
)


@given(profiles)
def test_order_is_a_permutation_with_marked_then_applying_then_rest(fields: dict[str, Any]) -> None:
    data = parse(PersonalInput, fields)
    result = personalize(data)
    ids = [ref.id for ref in result.topics]
    assert sorted(ids) == sorted(load_topics().ids)
    marked = list(dict.fromkeys(data.read_this_week))
    assert ids[: len(marked)] == marked
    rest = result.topics[len(marked) :]
    flags = [ref.applies for ref in rest]
    assert flags == sorted(flags, reverse=True)  # every applying topic before the others
    for ref in result.topics:
        assert ref.applies == bool(ref.reasons)
    safety = next(ref for ref in result.topics if ref.id == "when_to_get_help")
    assert "safety" in safety.reasons


@given(profiles)
def test_notes_match_the_patient_and_have_no_placeholders(fields: dict[str, Any]) -> None:
    data = parse(PersonalInput, fields)
    result = personalize(data)
    ids = _note_ids(result)
    assert len(ids) == len(set(ids))
    assert ("brace_use" in ids) == data.uses_brace
    assert ("no_brace_trips" in ids) == (not data.uses_brace)
    assert ("outlook_estimate" in ids) == (data.outlook is not None)
    assert sum(i.startswith("phase_") for i in ids) == (data.phase is not None)
    for note in result.notes:
        assert "{" not in note.text
        assert note.topic in load_topics().ids


# --- the notes data ---------------------------------------------------------------------


def _book(**note: Any) -> NoteBook:
    base = {
        "id": "x_note",
        "topic": "causes",
        "applies_when": {"causes": ["peroneal"]},
        "text": {"en": "Be careful.", "es": "Tenga cuidado."},
        "source": "a source",
    }
    return NoteBook.model_validate({"notes": [{**base, **note}]})


def test_notes_load_and_each_cause_phase_and_brace_is_covered() -> None:
    book = load_notes()
    rules = [note.applies_when for note in book.notes]
    for cause in CAUSES:
        assert any(cause in rule.causes for rule in rules)
    for phase in (1, 2, 3):
        assert any(phase in rule.phases for rule in rules)
    assert {rule.brace for rule in rules} >= {True, False}


def test_only_an_outlook_note_may_use_weeks() -> None:
    with pytest.raises(ValueError, match="outlook"):
        _book(text={"en": "About {weeks_low} weeks.", "es": "Unas {weeks_low} semanas."})


def test_notes_may_not_hold_bare_numbers() -> None:
    with pytest.raises(ValueError, match="bare number"):
        _book(text={"en": "Rest 2 days.", "es": "Descanse 2 días."})


def test_note_for_an_unknown_topic_or_a_repeated_id_is_refused() -> None:
    with pytest.raises(CatalogError, match="no topic 'tarot'"):
        check_notes(_book(topic="tarot"), load_topics(), "learn/personal.yaml")
    book = _book()
    twice = NoteBook(notes=(book.notes[0], book.notes[0]))
    with pytest.raises(CatalogError, match="repeated"):
        check_notes(twice, load_topics(), "learn/personal.yaml")
