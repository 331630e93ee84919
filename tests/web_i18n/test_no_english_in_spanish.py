"""Every page a Spanish-reading patient sees is in Spanish: walked with the test client, the
visible text holds no English word of the catalog (SQLite, PostgreSQL).

The English words are taken from the catalog's own English texts (every ``{en, es}`` pair of
the data files), minus any word its Spanish texts or the pages' Spanish translations also use
(``normal``, ``total``, ``video``) and minus capitalised words (names). Text marked
``lang="en"`` (a source's title, quoted as published) is English on purpose and left out.
The clinician's and admin's pages are English by design (``docs/i18n.md``), so they are not
walked here.
"""

from __future__ import annotations

import re
from functools import cache
from html import unescape
from pathlib import Path

from babel.messages.pofile import read_po

import dorsi
from dorsi.catalog.load import read_yaml
from dorsi.catalog.questionnaires import QUESTIONNAIRE_IDS
from dorsi.catalog.stored_text import _data_files, _pairs
from dorsi.education.topics import load_topics
from dorsi.store.db import Database
from dorsi.store.models import Patient
from tests.web.conftest import CHECKIN, PLAN, Clinic, TestClient, page_login, token_for

SPANISH_PO = Path(dorsi.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "dorsi.po"
WORD = re.compile(r"[A-Za-záéíóúñü']+")
HIDDEN = re.compile(r"<(script|style|title|desc)\b.*?</\1>", re.S | re.I)
#: text marked as English on purpose: a source's title, quoted as it was published
MARKED_ENGLISH = re.compile(r"<(\w+)\b[^>]*\blang=\"en\"[^>]*>.*?</\1>", re.S)


@cache
def english_words() -> frozenset[str]:
    english: set[str] = set()
    spanish: set[str] = set()
    for name in _data_files():
        for pair in _pairs(read_yaml(name)):
            english |= {w for w in WORD.findall(pair["en"]) if w.islower() and len(w) >= 4}
            spanish |= {w.lower() for w in WORD.findall(pair["es"])}
    with SPANISH_PO.open("rb") as po:
        for message in read_po(po):
            found = message.string
            for text in found if isinstance(found, list | tuple) else [found]:
                spanish |= {w.lower() for w in WORD.findall(str(text or ""))}
    return frozenset(english - spanish)


def visible_words(html: str) -> set[str]:
    body = MARKED_ENGLISH.sub(" ", HIDDEN.sub(" ", html).split("</head>", 1)[-1])
    text = unescape(re.sub(r"<[^>]+>", " ", body))
    return set(WORD.findall(text))


def _spanish_patient(client: TestClient, clinic: Clinic, db: Database) -> None:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    plan = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    assert client.put(f"{url}/program", headers=headers, json={"exercises": plan["exercises"]})
    # The check can fail: the same page in English is full of the list's words.
    page_login(client, "ann")
    assert len(visible_words(client.get("/me").text) & english_words()) > 20
    client.cookies.clear()
    with db.transaction() as session:
        patient = session.get(Patient, clinic.patient_a)
        assert patient is not None
        patient.preferred_language = "es"


def test_the_word_list_is_real() -> None:
    words = english_words()
    assert {"heel", "floor", "slowly"} <= words
    assert len(words) > 500
    assert "dolor" not in words


def test_every_patient_page_in_spanish_has_no_english_word(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _spanish_patient(client, clinic, db)
    csrf = page_login(client, "ann")
    today = client.get("/me")
    steps = len(re.findall(r'class="exercise-card"', today.text))
    assert steps >= 3
    pages = {"/me": today}
    for path in [
        *(f"/me/session?step={n}" for n in range(steps + 1)),
        "/me/progress",
        "/account",
        "/urgent",
        "/cost",
        "/learn",
        *(f"/learn/{topic}" for topic in load_topics().ids),
        "/me/messages",
        "/me/brace",
        "/me/reminders",
        "/me/gait-videos",
        *(f"/me/questionnaires/{q}" for q in QUESTIONNAIRE_IDS),
    ]:
        pages[path] = client.get(path)
    form = {
        k: ("yes" if v else "no") if isinstance(v, bool) else str(v) for k, v in CHECKIN.items()
    }
    pages["check-in errors"] = client.post(
        "/me/session", data={**form, "pain_nrs": "99", "csrf_token": csrf}
    )
    pages["check-in sent"] = client.post("/me/session", data={**form, "csrf_token": csrf})
    pages["progress after"] = client.get("/me/progress")
    words = english_words()
    found = {}
    for path, page in pages.items():
        assert page.status_code in (200, 422), (path, page.status_code)
        assert '<html lang="es">' in page.text, path
        english = sorted(visible_words(page.text) & words)
        if english:
            found[path] = english
    assert found == {}, {path: words[:12] for path, words in found.items()}
