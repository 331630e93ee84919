"""The public cost page (issue 17): a coinsurance fraction is refused next to its field, and a
Medicare year adds when the course passes the KX threshold, in English and Spanish."""

from __future__ import annotations

from tests.web.conftest import TestClient, csrf_from

ES = {"accept-language": "es-MX,es;q=0.9"}


def _data(client: TestClient, **changes: str) -> dict[str, str]:
    form = client.get("/cost")
    base = {
        "visits": "30",
        "allowed_per_visit": "100",
        "deductible_remaining": "0",
        "copay_per_visit": "0",
        "coinsurance_pct": "20",
        "csrf_token": csrf_from(form.text),
    }
    return {**base, **changes}


def test_the_page_offers_the_medicare_fields(client: TestClient) -> None:
    page = client.get("/cost")
    assert 'name="medicare_year"' in page.text
    assert 'name="therapy_spent_this_year"' in page.text
    assert "not 0.2" in page.text


def test_a_fraction_is_refused_next_to_the_coinsurance_field(client: TestClient) -> None:
    bad = client.post("/cost", data=_data(client, coinsurance_pct="0.2"))
    assert bad.status_code == 422
    assert 'id="coinsurance_pct-error"' in bad.text
    assert "percent" in bad.text


def test_a_medicare_year_names_the_threshold_and_its_meaning(client: TestClient) -> None:
    result = client.post("/cost", data=_data(client, medicare_year="2026"))
    assert result.status_code == 200, result.text
    assert "$2,480.00" in result.text
    assert "KX" in result.text
    assert "not a limit" in result.text


def test_an_unknown_medicare_year_is_shown_next_to_its_field(client: TestClient) -> None:
    bad = client.post("/cost", data=_data(client, medicare_year="1999"))
    assert bad.status_code == 422
    assert 'id="medicare_year-error"' in bad.text


def test_the_threshold_in_spanish(client: TestClient) -> None:
    data = _data(client, medicare_year="2026", therapy_spent_this_year="2000")
    result = client.post("/cost", data=data, headers=ES)
    assert result.status_code == 200, result.text
    assert "umbral" in result.text
    assert "No es un límite" in result.text
    assert "Medicare: año de las visitas" in result.text
