"""The clinician's evaluation form starts from what is known (SQLite, PostgreSQL): the lasting
facts filled in (side, cause, brace, equipment, weeks since onset counted to today), each
measure left empty with its last value and date beside it, so last visit's number is never
saved again as today's by accident."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dorsi.catalog.exercises import EQUIPMENT
from dorsi.catalog.measures import load_measures
from dorsi.i18n import gettext_for
from tests.web.conftest import PLAN, Clinic, Clock, TestClient, csrf_from, page_login, token_for

FIRST_DAY, SECOND_DAY = dt.date(2026, 2, 20), dt.date(2026, 3, 1)
KEPT = [e for e in EQUIPMENT][:2]  # the equipment at home: not all of it


def _evaluate(client: TestClient, clinic: Clinic, body: dict[str, Any]) -> None:
    made = client.post(
        f"/api/v1/patients/{clinic.patient_a}/evaluations",
        headers=token_for(client, "alice"),
        json=body,
    )
    assert made.status_code == 201, made.text


def _input(page: str, name: str) -> str:
    match = re.search(rf'<(?:input|select) id="{name}"[^>]*>', page)
    assert match, name
    return match.group(0)


def _last(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="help last-value" id="{name}-last">([^<]*)</p>', page)
    return match.group(1) if match else None


def _two_visits(client: TestClient, clinic: Clinic, clock: Clock) -> None:
    first = {
        **PLAN,
        "side": "right",
        "cause": "lumbar",
        "date": FIRST_DAY.isoformat(),
        "uses_afo": True,
        "equipment": KEPT,
        "age_years": 61,
        "sensation": "reduced",
        "ankle_df_passive_deg": 5,
        "brace_wear_target_hours": 10,
        "measures": [{"measure": "tug_s", "value": 14.5}],
    }
    _evaluate(client, clinic, first)
    second = {**first, "date": SECOND_DAY.isoformat(), "dorsiflexion_mmt": "3+"}
    for gone in ("age_years", "measures", "brace_wear_target_hours", "ankle_df_passive_deg"):
        second.pop(gone)
    _evaluate(client, clinic, second)
    clock.advance(days=14)


def test_lasting_facts_are_filled_in_and_last_values_shown_beside_empty_measures(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    _two_visits(client, clinic, clock)
    page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}/evaluation").text
    # lasting facts: the patient record's side and cause, the newest brace and equipment answers
    assert '<option value="right" selected>' in page
    assert '<option value="lumbar" selected>' in page
    assert re.search(r'name="uses_afo" value="yes" required checked', page)
    for e in EQUIPMENT:
        ticked = bool(re.search(rf'name="equipment" value="{e}" checked', page))
        assert ticked == (e in KEPT), e
    # weeks since onset: counted to today from the onset the first visit gave
    onset = FIRST_DAY - dt.timedelta(weeks=PLAN["weeks_since_onset"])
    weeks = (clock.now.date() - onset).days // 7
    assert weeks > PLAN["weeks_since_onset"]
    assert f'value="{weeks}"' in _input(page, "weeks_since_onset")
    assert onset.isoformat() in page
    # measures: empty, the newest value of each and its day beside the input
    assert _last(page, "dorsiflexion_mmt") == f"Last: 3+ on {SECOND_DAY}"
    assert (
        _last(page, "single_leg_stance_s") == f"Last: {PLAN['single_leg_stance_s']} on {SECOND_DAY}"
    )
    assert _last(page, "tug_s") == f"Last: 14.5 on {FIRST_DAY}"
    assert _last(page, "ankle_df_passive_deg") == f"Last: 5 on {FIRST_DAY}"
    assert _last(page, "age_years") == f"Last: 61 on {FIRST_DAY}"  # the newest that gave it
    assert _last(page, "sensation") == f"Last: reduced on {SECOND_DAY}"
    assert _last(page, "brace_wear_target_hours") == f"Last: 10 on {FIRST_DAY}"
    grade = re.search(r'<select id="dorsiflexion_mmt".*?</select>', page, re.S)
    assert grade
    assert " selected" not in grade.group(0)
    for name in ("single_leg_stance_s", "tug_s", "ankle_df_passive_deg", "age_years"):
        field = _input(page, name)
        assert 'value=""' in field, name
        assert f"{name}-last" in field  # read out with the input
    assert _last(page, "gait_speed_mps") is None  # never measured: nothing beside it
    shown = {m.id for m in load_measures().measures if _last(page, m.id)}
    assert shown == {
        "dorsiflexion_mmt",
        "single_leg_stance_s",
        "falls_past_month",
        "pain_nrs",
        "tug_s",
        "ankle_df_passive_deg",
    } & {m.id for m in load_measures().measures}


def test_saving_the_form_as_it_comes_asks_for_todays_measures(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    _two_visits(client, clinic, clock)
    page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}/evaluation"
    page = client.get(url).text
    form = {"csrf_token": csrf_from(page), "side": "right", "cause": "lumbar", "uses_afo": "yes"}
    form["weeks_since_onset"] = re.findall(r'value="(\d+)"', _input(page, "weeks_since_onset"))[0]
    refused = client.post(url, data={**form, "equipment": KEPT})
    assert refused.status_code == 422  # nothing saved: today's strength was not given
    assert 'id="dorsiflexion_mmt-error"' in refused.text
    assert _last(refused.text, "dorsiflexion_mmt") == f"Last: 3+ on {SECOND_DAY}"
    history = client.get(
        f"/api/v1/patients/{clinic.patient_a}/evaluations", headers=token_for(client, "alice")
    ).json()
    assert len(history) == 2


def test_a_first_evaluation_has_nothing_filled_in_but_the_record(
    client: TestClient, clinic: Clinic
) -> None:
    page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}/evaluation").text
    assert 'value=""' in _input(page, "weeks_since_onset")
    assert "last-value" not in page
    assert "Last:" not in page
    for e in EQUIPMENT:  # all at hand until an evaluation says otherwise
        assert re.search(rf'name="equipment" value="{e}" checked', page), e


def test_the_last_value_is_worded_in_spanish_too() -> None:
    words = gettext_for("es").gettext("Last: %(value)s on %(day)s")
    assert words != "Last: %(value)s on %(day)s"
    assert words % {"value": "3+", "day": "2026-03-01"} == "Último: 3+ el 2026-03-01"
