"""The cost page's explanation and the patient's progress alerts in the reader's language."""

from __future__ import annotations

import datetime as dt
import html

from dorsi.clinical.contract import parse
from dorsi.clinical.cost import CostInput, estimate_cost
from dorsi.clinical.progress import Checkin
from dorsi.services.history import History
from tests.web.conftest import TestClient, csrf_from
from tests.web_i18n.test_language import ES

COST = {
    "visits": "4",
    "allowed_per_visit": "100",
    "deductible_remaining": "50",
    "copay_per_visit": "20",
    "coinsurance_pct": "10",
}


def test_cost_page_explains_in_the_visitors_language(client: TestClient) -> None:
    form = client.get("/cost", headers=ES)
    result = client.post("/cost", data={**COST, "csrf_token": csrf_from(form.text)}, headers=ES)
    assert result.status_code == 200, result.text
    numbers = {k: int(v) for k, v in COST.items()}
    spanish = estimate_cost(parse(CostInput, numbers), lang="es").explanation
    assert html.escape(spanish, quote=False) in result.text or spanish in html.unescape(result.text)
    english = client.post(
        "/cost",
        data={**COST, "csrf_token": csrf_from(client.get("/cost").text)},
        headers={"accept-language": "en"},
    )
    assert "What the words mean" in english.text


def test_stored_history_is_reviewed_in_the_patients_language() -> None:
    history = History(
        sessions=[
            Checkin(
                date=dt.date(2026, 2, 28),
                completed=True,
                pain_nrs=8,
                difficulty="hard",
                weakness_worse=False,
                balance_worse=True,
            )
        ]
    )
    english = history.review(dt.date(2026, 3, 1))
    spanish = history.review(dt.date(2026, 3, 1), lang="es")
    assert [a.kind for a in spanish.alerts] == [a.kind for a in english.alerts]
    assert spanish.adherence == english.adherence
    assert "tenía peor equilibrio" in spanish.alerts[0].message
    assert "your balance was worse" in english.alerts[0].message
