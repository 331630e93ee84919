"""A signed-in patient reads their own recovery outlook on the Learn recovery page, in their
language: the same estimate as the clinic's, every word of it in Spanish for a Spanish reader."""

from __future__ import annotations

import re

import pytest

from dorsi.catalog.recovery import load_recovery
from dorsi.catalog.words import load_words
from dorsi.store.db import Database
from dorsi.store.models import Patient
from tests.web.conftest import Clinic, TestClient, page_login


def _set(db: Database, patient_id: int, cause: str, lang: str) -> None:
    with db.transaction() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        patient.cause, patient.preferred_language = cause, lang


def _outlook_section(html: str) -> str:
    text = html.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    found = re.search(
        r'<section class="notice info" aria-labelledby="your-outlook">(.*?)</section>', text, re.S
    )
    assert found is not None, "no outlook section"
    return found.group(1)


def _english_outlook_texts() -> list[str]:
    rec = load_recovery()
    texts = [t for c in rec.courses.values() for t in (c.expect, *c.watch_for)]
    texts += [sign.text for sign in rec.signs_of_healing]
    for message in load_words("outlook").messages.values():
        texts += [part.strip() for part in re.split(r"\{\w+\}", message.en)]
    texts += [label.en for label in load_words("outlook").cli.values() if "{" not in label.en]
    return [text for text in texts if len(text) >= 20]


def test_a_progressive_cause_reads_its_outlook_in_spanish(
    client: TestClient, with_program: Clinic, db: Database
) -> None:
    _set(db, with_program.patient_a, "motor_neuron_disease", "es")
    page_login(client, "ann")
    page = client.get("/learn/recovery")
    assert page.status_code == 200
    section = _outlook_section(page.text)
    words = load_words("outlook")
    course = load_recovery().courses["motor_neuron_disease"]
    assert words.label("page_title", "es") in section
    assert words.label("headline_none", "es") in section
    assert words.label("watch_progressive", "es") in section
    assert course.es.expect.split(".")[0] in section
    for item in course.es.watch_for:
        assert item in section
    leaked = [text for text in _english_outlook_texts() if text in section]
    assert leaked == [], leaked


@pytest.mark.parametrize(
    ("lang", "said"),
    [("es", "Las semanas se cuentan desde el inicio"), ("en", "Weeks are counted from onset")],
)
def test_a_nerve_injury_reads_its_weeks_in_the_patients_language(
    client: TestClient, with_program: Clinic, db: Database, lang: str, said: str
) -> None:
    _set(db, with_program.patient_a, "peroneal", lang)
    page_login(client, "ann")
    section = _outlook_section(client.get("/learn/recovery").text)
    assert said in section
    assert load_recovery().signs_of_healing[0].say(lang) in section  # type: ignore[arg-type]


def test_a_visitor_sees_no_personal_outlook(client: TestClient) -> None:
    page = client.get("/learn/recovery", headers={"accept-language": "es"})
    assert page.status_code == 200
    assert 'aria-labelledby="your-outlook"' not in page.text
