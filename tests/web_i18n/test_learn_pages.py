"""The Learn pages, the personal order and the clinician's "read this week" marks."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dorsi.education import load_topics, render_topic
from dorsi.services.learn import MARK_DAYS
from dorsi.store.db import Database
from dorsi.store.models import LearnMark
from tests.web.conftest import Clinic, Clock, TestClient, csrf_from, page_login
from tests.web_i18n.test_language import ES, choose, sign_in

TOPICS = load_topics().ids


def topic_order(html: str) -> list[str]:
    return re.findall(r'<h2 class="topic-title"><a href="/learn/([a-z_]+)">', html)


def mark(client: TestClient, patient_id: int, topics: list[str]) -> int:
    page = client.get(f"/clinic/patients/{patient_id}/learn")
    assert page.status_code == 200, page.text
    response = client.post(
        f"/clinic/patients/{patient_id}/learn",
        data={"topics": topics, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    return int(response.status_code)


def test_index_lists_every_topic_in_catalog_order_for_visitors(client: TestClient) -> None:
    for headers in ({}, ES):
        page = client.get("/learn", headers=headers)
        assert page.status_code == 200
        assert topic_order(page.text) == list(TOPICS)
        assert "Notes for you" not in page.text
        assert "Notas para usted" not in page.text


@pytest.mark.parametrize("topic_id", TOPICS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_topic_page_in_both_languages(client: TestClient, topic_id: str, lang: str) -> None:
    page = client.get(f"/learn/{topic_id}", headers={"accept-language": lang})
    assert page.status_code == 200
    shown = render_topic(load_topics().get(topic_id), lang)  # type: ignore[arg-type]
    text = page.text.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    assert f"<title>{shown.title} · Dorsi</title>" in text
    for section in shown.sections:
        assert section.heading in text
        for paragraph in section.paragraphs:
            assert paragraph in text
    for term in shown.terms:
        assert term.meaning in text
    if shown.diagram is not None:
        assert shown.diagram.alt in text
    for link in shown.links:
        assert link.label in text


def test_topic_links_lead_to_the_web_pages(client: TestClient) -> None:
    page = client.get("/learn/when_to_get_help").text
    assert 'href="/urgent"' in page
    assert 'href="/cost"' in client.get("/learn/insurance").text


def test_unknown_topic_is_404_listing_nothing_secret(client: TestClient) -> None:
    response = client.get("/learn/no_such_topic")
    assert response.status_code == 404
    assert "causes" in response.text


def test_patient_sees_what_applies_first_with_notes(
    client: TestClient, with_program: Clinic
) -> None:
    page_login(client, "ann")  # peroneal, phase from the program, not using a brace
    page = client.get("/learn")
    order = topic_order(page.text)
    assert sorted(order) == sorted(TOPICS)  # nothing hidden
    assert order.index("causes") < order.index("insurance")
    assert order.index("when_to_get_help") < order.index("insurance")
    assert "Notes for you" in page.text
    assert "cross" in page.text  # the peroneal note: do not cross the legs


def test_clinician_marks_reach_the_patient_today_and_learn(
    client: TestClient, with_program: Clinic, db: Database
) -> None:
    sign_in(client, "alice")
    assert mark(client, with_program.patient_a, ["insurance", "recovery"]) == 303
    form = client.get(f"/clinic/patients/{with_program.patient_a}/learn").text
    assert 'value="insurance" checked' in form
    assert 'value="causes" checked' not in form
    client.cookies.clear()
    page_login(client, "ann")
    today = client.get("/me").text
    assert "To read this week" in today
    assert 'href="/learn/insurance"' in today
    assert 'href="/learn/recovery"' in today
    order = topic_order(client.get("/learn").text)
    assert order[:2] == ["insurance", "recovery"]
    choose(client, "es", "/me", page="/me")
    spanish = client.get("/me").text
    assert "Para leer esta semana" in spanish
    assert load_topics().get("insurance").title.es in spanish


def test_unmarking_clears_and_keeping_does_not_restart_the_week(
    client: TestClient, with_program: Clinic, db: Database, clock: Clock
) -> None:
    sign_in(client, "alice")
    assert mark(client, with_program.patient_a, ["insurance", "recovery"]) == 303
    clock.advance(days=3)
    client.cookies.clear()  # the session has idled out
    sign_in(client, "alice")
    assert mark(client, with_program.patient_a, ["recovery", "causes"]) == 303
    with db.transaction() as session:
        rows = session.scalars(select(LearnMark).order_by(LearnMark.id)).all()
        state = [(r.topic_id, r.cleared_at is not None, r.marked_on.isoformat()) for r in rows]
    assert state == [
        ("insurance", True, "2026-03-02"),
        ("recovery", False, "2026-03-02"),
        ("causes", False, "2026-03-05"),
    ]


def test_marks_end_after_their_week(client: TestClient, with_program: Clinic, clock: Clock) -> None:
    sign_in(client, "alice")
    assert mark(client, with_program.patient_a, ["insurance"]) == 303
    clock.advance(days=MARK_DAYS - 1)
    client.cookies.clear()
    page_login(client, "ann")
    this_week = client.get("/me").text.split('aria-labelledby="this-week-title"')[1]
    assert 'href="/learn/insurance"' in this_week.split("</section>")[0]
    clock.advance(days=1)
    client.cookies.clear()
    page_login(client, "ann")
    assert "To read this week" not in client.get("/me").text


def test_unknown_topic_mark_is_refused_naming_the_field(
    client: TestClient, with_program: Clinic
) -> None:
    sign_in(client, "alice")
    page = client.get(f"/clinic/patients/{with_program.patient_a}/learn")
    response = client.post(
        f"/clinic/patients/{with_program.patient_a}/learn",
        data={"topics": ["causes", "moon"], "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 422
    assert 'id="topics-error"' in response.text
    assert "moon" in response.text


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("ann", 403), ("root", 404)])
def test_only_the_assigned_clinician_marks(
    client: TestClient, with_program: Clinic, who: str, status: int
) -> None:
    sign_in(client, who)
    response = client.get(f"/clinic/patients/{with_program.patient_a}/learn")
    assert response.status_code == status
