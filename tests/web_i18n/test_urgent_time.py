"""The "Is this urgent?" page asks the issue 17 questions and decides like `dorsi screen`."""

from __future__ import annotations

from typing import Any

import pytest

from dorsi.catalog.red_flags import load_red_flags
from tests.screen_time_cases import CASES
from tests.web.conftest import SCREEN_OK, TestClient, csrf_from

ES = {"accept-language": "es-MX,es;q=0.9,en;q=0.5"}
EN = {"accept-language": "en"}
NEW_FIELDS = (
    "stroke_ruled_out_by_physician",
    "stroke_signs_long_standing",
    "weeks_since_injury_or_surgery",
    "pain_both_legs",
    "severe_leg_pain_without_injury",
    "dorsiflexion_mmt",
    "numbness_long_standing",
)
# A few cases per bullet keep the page tests short; the CLI scenarios run them all.
WEB_CASES = {
    "sudden_day_3",
    "sudden_week_3_pt_only",
    "old_stroke_signs",
    "old_signs_new_sudden_drop",
    "fracture_3_months_stable",
    "surgery_anticoagulated_swelling_week_5",
    "pain_both_legs",
    "runner_shin_pain",
    "lumbar_grade_3_week_2",
    "slowly_worsening_both_legs",
    "known_diabetic_numbness",
}


def _form(values: dict[str, Any]) -> dict[str, str]:
    return {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in values.items()}


def _post(client: TestClient, headers: dict[str, str], answers: dict[str, Any]) -> str:
    client.cookies.clear()
    csrf = csrf_from(client.get("/urgent", headers=headers).text)
    response = client.post("/urgent", data={**_form(answers), "csrf_token": csrf}, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.text)


@pytest.mark.parametrize(("lang", "headers"), [("en", EN), ("es", ES)])
def test_the_form_asks_the_new_questions_as_optional(
    client: TestClient, lang: str, headers: dict[str, str]
) -> None:
    page = client.get("/urgent", headers=headers).text
    catalog = load_red_flags(lang)
    for field in NEW_FIELDS:
        question = catalog.question(field)
        assert f'name="{field}"' in page
        assert question.question.replace("'", "&#39;") in page
    assert 'step="any"' in page, "weeks may be a fraction"
    assert 'value="3-"' in page, "the muscle grades are offered"
    required = [line for line in page.splitlines() if "required" in line]
    assert not any(f'name="{field}"' in line for field in NEW_FIELDS for line in required)


@pytest.mark.parametrize(("lang", "headers"), [("en", EN), ("es", ES)])
@pytest.mark.parametrize(
    ("changes", "level", "rule_id"),
    [c[1:] for c in CASES if c[0] in WEB_CASES],
    ids=[c[0] for c in CASES if c[0] in WEB_CASES],
)
def test_the_page_decides_each_issue_17_case(
    client: TestClient,
    lang: str,
    headers: dict[str, str],
    changes: dict[str, Any],
    level: str,
    rule_id: str,
) -> None:
    page = _post(client, headers, {**SCREEN_OK, **changes})
    catalog = load_red_flags(lang)
    info = catalog.level_info(level)  # type: ignore[arg-type]
    assert info.advice.replace("'", "&#39;") in page
    if rule_id:
        reason = next(r for r in catalog.rules if r.id == rule_id).reason
        assert reason.replace("'", "&#39;") in page
