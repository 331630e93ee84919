"""The password rule on the pages and the API: the same reasons, in the reader's language,
and never the password itself."""

from __future__ import annotations

import pytest

from dorsi.i18n import gettext_for
from dorsi.services.passwords import password_problem
from dorsi.web.i18n import LANG_COOKIE
from tests.web.conftest import PASSWORD, Clinic, TestClient, csrf_from, page_login, token_for


def _change(client: TestClient, new: str, lang: str = "en") -> str:
    page_login(client, "ann")
    client.cookies.set(LANG_COOKIE, lang)  # the patient's choice of language
    headers = {"accept-language": lang}
    csrf = csrf_from(client.get("/account", headers=headers).text)
    response = client.post(
        "/account/password",
        headers=headers,
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new,
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 422, response.text
    return str(response.text)


@pytest.mark.parametrize("new", ["aaaaaaaa", " " * 8, "letmein!", "clinic2026"])
def test_the_account_page_gives_the_rules_reason_in_spanish(
    client: TestClient, clinic: Clinic, new: str
) -> None:
    problem = password_problem(new, role="patient", username="ann")
    assert problem is not None
    spanish = problem.text(gettext_for("es").gettext)
    assert spanish != problem.text()
    html = _change(client, new, "es")
    assert spanish in html
    assert f'value="{new}"' not in html


def test_the_account_page_gives_the_rules_reason_in_english(
    client: TestClient, clinic: Clinic
) -> None:
    assert "is a common or leaked password" in _change(client, "letmein!")


def test_the_api_never_echoes_a_refused_password(client: TestClient, clinic: Clinic) -> None:
    secret = "Zq-" + "marble-" * 200  # over every limit, the schema's too
    for body in (
        {"username": "newcomer", "role": "clinician", "display_name": "N", "password": secret},
        {"username": "newcomer", "role": "clinician", "display_name": "N", "password": 12345678},
    ):
        response = client.post("/api/v1/users", headers=token_for(client, "root"), json=body)
        assert response.status_code == 422, response.text
        assert response.json()["detail"].startswith("password: ")
        assert "marble" not in response.text
        assert "12345678" not in response.text
