"""The home-exercise handout in Spanish (issue 7): text content, nothing left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.stored_text import in_language
from dorsi.catalog.words import load_words
from dorsi.education import load_topics, render_topic
from dorsi.errors import InputError
from dorsi.interop.record import PatientRecord
from dorsi.reports import handout_view, render_handout
from tests.conftest import run_dorsi
from tests.education.readability import MIN_WORDS, fernandez_huerta, word_count
from tests.interop.test_cli_documents import clinic_db, env
from tests.reports.demo import NOW
from tests.reports.pdf import pages_text

__all__ = ["clinic_db", "env"]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def rosa_es(records: dict[str, PatientRecord]) -> bytes:
    return render_handout(handout_view(records["rosa"], created=NOW, lang="es"), paper="letter")


def test_first_page_in_spanish(rosa_es: bytes) -> None:
    first = _flat(pages_text(rosa_es)[0])
    assert "Sus ejercicios en casa, Rosa Demo" in first
    assert "Pare y avise a su terapeuta" in first
    for rule in load_exercises("es").common_stop_rules:
        assert _flat(rule) in first
    help_page = render_topic(load_topics().get("when_to_get_help"), "es")
    assert _flat(help_page.sections[0].heading) in first
    assert _flat(help_page.sections[0].bullets[0]) in first
    assert "Stop and tell your clinician" not in first
    assert "Your exercises" not in first


def test_each_exercise_block_in_spanish(rosa_es: bytes, records: dict[str, PatientRecord]) -> None:
    program = records["rosa"].current_program
    assert program is not None
    catalog = load_exercises("es")
    pages = [_flat(t) for t in pages_text(rosa_es)]
    text = " ".join(pages)
    for number, item in enumerate(program.exercises, start=1):
        exercise = catalog.get(item.exercise_id)
        heading = f"{number}. {exercise.name}"
        start = next(i for i, page in enumerate(pages) if heading in page)
        block = " ".join(pages[start : start + 2])
        assert _flat(exercise.steps[0]) in block
        assert _flat(exercise.form_cues[0]) in block
        assert f"Haga {item.sets} series" in block
        assert f"Hágalo {item.days_per_week} días cada semana." in block
    for label in ("Cómo empezar", "Pasos", "Consejos", "Marque una casilla", "Lun", "Dom"):
        assert label in text
    for english in ("How to start", "Tick a box", "Steps", "Week of"):
        assert english not in text


def test_nothing_of_the_program_is_left_out(records: dict[str, PatientRecord]) -> None:
    """The stored (English) advice is shown in Spanish from the catalog, or as written when
    the catalog does not hold it: every piece is there once, none in English words."""
    for name in ("rosa", "omar", "grace"):
        record = records[name]
        program = record.current_program
        assert program is not None
        view = handout_view(record, created=NOW, lang="es")
        for rule in program.precautions:
            said = in_language(rule, "es")
            assert said in view.stop_rules if said else rule in view.more_stop_rules
        assert len(view.walking_tips) == len(program.gait_training)
        for tip in program.gait_training:
            assert (in_language(tip, "es") or tip) in view.walking_tips
        for exercise, item in zip(view.exercises, program.exercises, strict=True):
            for cue in item.cues:
                said = in_language(cue, "es")
                assert said in exercise.tips if said else cue in exercise.clinician_tips
        assert [e.id for e in view.exercises] == [i.exercise_id for i in program.exercises]
        text = _flat(" ".join(pages_text(render_handout(view))))
        for who in view.clinicians:  # a person's name is printed as written
            text = text.replace(who, "")
        assert "en inglés" not in text
        assert "physical therapist" not in text
        if record.patient.program_paused:
            assert view.paused
            assert "Su programa está en pausa" in text


def test_english_view_is_unchanged_by_the_language_option(
    records: dict[str, PatientRecord],
) -> None:
    record = records["rosa"]
    assert handout_view(record, created=NOW) == handout_view(record, created=NOW, lang="en")


def test_unsupported_language_is_refused(records: dict[str, PatientRecord]) -> None:
    with pytest.raises(InputError, match="lang"):
        handout_view(records["rosa"], created=NOW, lang="fr")


def test_handout_words_are_complete_and_easy_enough() -> None:
    words = load_words("handout")
    hard = [
        t.es
        for t in words.messages.values()
        if word_count(t.es) >= MIN_WORDS and fernandez_huerta(t.es) < 60
    ]
    assert hard == []
    assert len(words.say("days", "es").split()) == 7


def test_cli_handout_in_spanish(env: Path, tmp_path: Path) -> None:
    out = tmp_path / "es.pdf"
    result = run_dorsi("handout", "rosa", "--lang", "es", "--out", str(out))
    assert result.code == 0, result.stderr
    assert "Sus ejercicios en casa" in _flat(pages_text(out.read_bytes())[0])
    default = tmp_path / "en.pdf"
    assert run_dorsi("handout", "rosa", "--out", str(default)).code == 0
    assert "Your home exercises" in _flat(pages_text(default.read_bytes())[0])
    bad = run_dorsi("handout", "rosa", "--lang", "fr")
    assert bad.code == 2
    assert bad.stderr.count("\n") == 1
    assert "--lang" in bad.stderr


def test_cli_handout_defaults_to_the_patients_language(
    env: Path, clinic_db: tuple[Path, str], tmp_path: Path
) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from dorsi.store.db import Database
    from dorsi.store.models import Patient, User

    database = Database.from_url(clinic_db[1])
    try:
        with Session(database.engine) as session:
            user = session.scalars(select(User).where(User.username == "omar")).one()
            patient = session.get(Patient, user.patient_id)
            assert patient is not None
            patient.preferred_language = "es"
            session.commit()
    finally:
        database.dispose()
    out = tmp_path / "omar.pdf"
    assert run_dorsi("handout", "omar", "--out", str(out)).code == 0
    assert "Sus ejercicios en casa" in _flat(pages_text(out.read_bytes())[0])
    english = tmp_path / "omar-en.pdf"
    assert run_dorsi("handout", "omar", "--lang", "en", "--out", str(english)).code == 0
    assert "Your home exercises" in _flat(pages_text(english.read_bytes())[0])
