"""The FHIR export carries the outcome measures of issue 20 and still validates
(fhir.resources R4B): local Dorsi codes (no LOINC code is verified for them in CODES.md),
UCUM units from the catalog, and the ABC score as a patient-reported survey; goals as Goal
resources, questionnaire answers as QuestionnaireResponses, the brace log as Observations."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from dorsi.catalog.measures import load_measures
from dorsi.interop import codes
from dorsi.interop.fhir import build_bundle
from dorsi.interop.record import (
    BraceLogRow,
    GoalRow,
    MeasurementRow,
    PatientRecord,
    QuestionnaireRow,
)
from tests.interop.test_fhir import _by_type, _check, _documents
from tests.reports.demo import NAMESPACE, NOW

NEW = {"fga_score": 19.0, "six_minute_walk_m": 310.5, "ankle_df_passive_deg": -4.0, "abc_pct": 62.5}


def test_new_measures_export_as_valid_observations(records: dict[str, PatientRecord]) -> None:
    record = records["rosa"]
    day = record.measurements[-1].date
    rows = tuple(
        MeasurementRow(
            9000 + i,
            measure,
            value,
            day,
            "self" if measure == "abc_pct" else "evaluation",
            None,
            NOW,
            None,
        )
        for i, (measure, value) in enumerate(NEW.items())
    )
    record = dataclasses.replace(record, measurements=(*record.measurements, *rows))
    bundle = build_bundle(record, now=NOW, namespace=NAMESPACE, documents=_documents(record))
    _check(bundle)  # parses with fhir.resources, every reference resolves
    catalog = load_measures()
    found: dict[str, dict[str, Any]] = {}
    for obs in _by_type(bundle, "Observation"):
        local = obs["code"]["coding"][-1]
        if local["system"] == codes.CS_MEASURE and local["code"] in NEW:
            found[local["code"]] = obs
    assert set(found) == set(NEW)
    for measure_id, obs in found.items():
        measure = catalog.get(measure_id)
        assert [c["system"] for c in obs["code"]["coding"]] == [codes.CS_MEASURE]  # no LOINC
        assert obs["valueQuantity"]["value"] == NEW[measure_id]
        assert obs["valueQuantity"]["code"] == measure.ucum
        category = obs["category"][0]["coding"][0]["code"]
        assert category == ("survey" if measure_id == "abc_pct" else "exam"), measure_id


def _local(obs: dict[str, Any]) -> str:
    return str(obs["code"]["coding"][-1]["code"])


def test_goals_questionnaires_and_the_brace_log_export_as_valid_resources(
    records: dict[str, PatientRecord],
) -> None:
    record = records["rosa"]
    day = record.measurements[-1].date
    later = day + dt.timedelta(days=60)
    abc = MeasurementRow(9100, "abc_pct", 65.0, day, "self", None, NOW, None)
    walk = MeasurementRow(9101, "gait_speed_mps", 0.9, day, "evaluation", None, NOW, None, True)
    answers = (100, 90, 80, 90, 50, 30, 80, 90, 80, 70, 70, 50, 40, 60, 40, 20)
    record = dataclasses.replace(
        record,
        measurements=(*record.measurements, abc, walk),
        questionnaires=(QuestionnaireRow(7, "abc", answers, 65.0, day, abc.id, NOW, None),),
        brace_logs=(
            BraceLogRow(1, day, 7.5, False, (), "", NOW, None),
            BraceLogRow(2, day, 3.0, True, ("blister",), "rubs at the ankle", NOW, None),
        ),
        goals=(
            GoalRow(1, day, None, "six_minute_walk_m", 400.0, later, None),
            GoalRow(2, day, None, None, None, None, "Walk to the market", met_on=day),
            GoalRow(3, day, None, "dorsiflexion_mmt", "4", later, None),
            GoalRow(4, day, None, None, None, None, "Dance", stopped_on=day),
        ),
    )
    bundle = build_bundle(record, now=NOW, namespace=NAMESPACE, documents=_documents(record))
    _check(bundle)
    goals = {g["identifier"][0]["value"]: g for g in _by_type(bundle, "Goal")}
    assert {k: g["lifecycleStatus"] for k, g in goals.items()} == {
        "1": "active",
        "2": "completed",
        "3": "active",
        "4": "cancelled",
    }
    six = goals["1"]["target"][0]
    # no LOINC is verified for the 6-minute walk: the local measure code only
    assert [(c["system"], c["code"]) for c in six["measure"]["coding"]] == [
        (codes.CS_MEASURE, "six_minute_walk_m")
    ]
    assert (six["detailQuantity"]["value"], six["detailQuantity"]["code"]) == (400, "m")
    assert six["dueDate"] == later.isoformat()
    status = goals["1"]["achievementStatus"]["coding"]
    assert status[-1] == {
        "system": codes.CS_GOAL_STATUS,
        "code": "not_yet_measured",
        "display": "not yet measured",
    }
    met = goals["2"]
    assert [c["code"] for c in met["achievementStatus"]["coding"]] == ["achieved", "met"]
    assert met["statusDate"] == day.isoformat()
    assert goals["3"]["target"][0]["detailCodeableConcept"]["coding"][0]["code"] == "4"
    assert "achievementStatus" not in goals["4"]
    responses = [
        r for r in _by_type(bundle, "QuestionnaireResponse") if "abc" in r["questionnaire"]
    ]
    assert len(responses) == 1
    assert [i["answer"][0]["valueInteger"] for i in responses[0]["item"]] == list(answers)
    score = next(
        o
        for o in _by_type(bundle, "Observation")
        if o.get("identifier", [{}])[0].get("value") == "9100"
    )
    assert score["derivedFrom"] == [{"reference": f"urn:uuid:{responses[0]['id']}"}]
    braces = [o for o in _by_type(bundle, "Observation") if _local(o) == "brace-wear-hours"]
    assert [o["valueQuantity"]["value"] for o in braces] == [7.5, 3]
    assert braces[1]["component"][0]["valueBoolean"] is True
    assert braces[1]["component"][1]["valueCodeableConcept"]["coding"][0]["code"] == "blister"
    marked = next(
        o
        for o in _by_type(bundle, "Observation")
        if o.get("identifier", [{}])[0].get("value") == "9101"
    )
    assert marked["component"] == [
        {
            "code": {
                "coding": [codes.coding(*codes.WALKED_WITH_BRACE)],
                "text": codes.WALKED_WITH_BRACE[2],
            },
            "valueBoolean": True,
        }
    ]
