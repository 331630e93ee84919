"""The FHIR R4 export: parses with fhir.resources, round-trips, references resolve, codes."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dorsi.catalog.measures import load_measures
from dorsi.catalog.mmt import GRADES
from dorsi.interop import codes
from dorsi.interop.fhir import GeneratedDocument, build_bundle, instant
from dorsi.interop.record import MeasurementRow, PatientRecord, StoredCheckin
from dorsi.reports import handout_view, progress_note_view, render_handout, render_progress_note
from dorsi.reports.progress_view import default_period
from tests.reports.demo import NAMESPACE, NOW

GOLDEN = Path(__file__).resolve().parents[1] / "reports" / "golden" / "fhir-bundle-rosa.json"


def _documents(record: PatientRecord) -> list[GeneratedDocument]:
    start, end = default_period(record, NOW.date())
    note = render_progress_note(progress_note_view(record, start=start, end=end, created=NOW))
    sheet = render_handout(handout_view(record, created=NOW))
    return [
        GeneratedDocument("progress-note", "Progress note", note, NOW, start, end),
        GeneratedDocument("handout", "Home exercise handout", sheet, NOW),
    ]


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _check(bundle: dict[str, Any]) -> Bundle:
    """Parses (R4B models), round-trips, every reference resolves, ids are unique."""
    model = Bundle.model_validate(bundle)
    again = Bundle.model_validate_json(model.model_dump_json())
    assert again.model_dump() == model.model_dump()
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(full_urls) == len(set(full_urls))
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    references = [v for k, v in _walk(bundle["entry"]) if k == "reference"]
    assert references
    missing = [r for r in references if r not in full_urls]
    assert missing == []
    return model


def _by_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.fixture(scope="module")
def rosa_bundle(records: dict[str, PatientRecord]) -> dict[str, Any]:
    record = records["rosa"]
    return build_bundle(record, now=NOW, namespace=NAMESPACE, documents=_documents(record))


@pytest.mark.parametrize("name", ["rosa", "omar", "grace"])
def test_demo_bundles_are_valid(records: dict[str, PatientRecord], name: str) -> None:
    record = records[name]
    bundle = build_bundle(record, now=NOW, namespace=NAMESPACE, documents=_documents(record))
    _check(bundle)
    assert bundle["type"] == "collection"
    assert bundle["timestamp"] == "2026-03-02T09:00:00Z"
    observations = [
        o
        for o in _by_type(bundle, "Observation")
        if o["code"]["coding"][-1]["system"] == codes.CS_MEASURE
    ]
    assert len(observations) == len(record.measurements)
    responses = _by_type(bundle, "QuestionnaireResponse")
    assert len(responses) == len(record.screenings) + len(record.checkins)
    plans = _by_type(bundle, "CarePlan")
    assert len(plans) == len(record.assigned_programs)
    current = next(p for p in plans if p["status"] in ("active", "on-hold"))
    program = record.current_program
    assert program is not None
    assert len(current["activity"]) == len(program.exercises)
    assert (current["status"] == "on-hold") == record.patient.program_paused
    assert len(_by_type(bundle, "DocumentReference")) == 2


def test_condition_codes_by_side_and_cause(rosa_bundle: dict[str, Any]) -> None:
    conditions = _by_type(rosa_bundle, "Condition")
    foot = next(c for c in conditions if "extension" in c)
    icd = foot["code"]["coding"][0]
    assert (icd["system"], icd["code"]) == (codes.ICD10CM, "M21.371")  # Rosa: right foot
    cause_url = foot["extension"][0]["valueReference"]["reference"]
    cause = next(c for c in conditions if f"urn:uuid:{c['id']}" == cause_url)
    assert cause["code"]["coding"][0]["code"] == "G57.31"  # peroneal, right


@pytest.mark.parametrize(
    ("cause", "side", "icd"),
    [
        ("peroneal", "left", "G57.32"),
        ("lumbar", "right", "M54.16"),
        ("neurological", "left", None),
        ("unknown", "left", None),
    ],
)
def test_cause_codes_only_verified(
    records: dict[str, PatientRecord], cause: str, side: str, icd: str | None
) -> None:
    record = records["omar"]
    patient = dataclasses.replace(record.patient, cause=cause, side=side)
    bundle = build_bundle(
        dataclasses.replace(record, patient=patient), now=NOW, namespace=NAMESPACE
    )
    _check(bundle)
    conditions = _by_type(bundle, "Condition")
    assert len(conditions) == (1 if cause == "unknown" else 2)
    icd_codes = {
        c["code"] for r in conditions for c in r["code"]["coding"] if c["system"] == codes.ICD10CM
    }
    expected = {"M21.372" if side == "left" else "M21.371"} | ({icd} if icd else set())
    assert icd_codes == expected


def test_observations_codes_units_and_grades(rosa_bundle: dict[str, Any]) -> None:
    catalog = load_measures()
    seen_loinc = set()
    for obs in _by_type(rosa_bundle, "Observation"):
        local = obs["code"]["coding"][-1]
        if local["system"] != codes.CS_MEASURE:
            continue
        measure = catalog.get(local["code"])
        if measure.loinc:
            assert obs["code"]["coding"][0] == {
                "system": codes.LOINC,
                "code": measure.loinc,
                "display": measure.name,
            }
            seen_loinc.add(measure.loinc)
        if measure.value_kind == "mmt_grade":
            grade = obs["valueCodeableConcept"]["coding"][0]
            assert grade["system"] == codes.CS_MMT_GRADE
            assert grade["code"] in GRADES
            assert grade["extension"][0]["url"] == codes.EXT_ORDINAL_VALUE
        else:
            quantity = obs["valueQuantity"]
            assert quantity["system"] == codes.UCUM
            assert quantity["code"] == measure.ucum
    assert "66569-5" in seen_loinc  # single-leg stance, verified LOINC


def test_documents_carry_the_pdfs(rosa_bundle: dict[str, Any]) -> None:
    docs = _by_type(rosa_bundle, "DocumentReference")
    for doc in docs:
        attachment = doc["content"][0]["attachment"]
        data = base64.b64decode(attachment["data"])
        assert data.startswith(b"%PDF-")
        assert attachment["size"] == len(data)
        digest = base64.b64encode(hashlib.sha1(data).digest()).decode()  # noqa: S324
        assert attachment["hash"] == digest
    kinds = {d["type"]["coding"][0]["code"] for d in docs}
    assert kinds == {"progress-note", "handout"}


def _normalised(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle with PDF bytes, sizes and hashes replaced (they depend on the PDF library
    and the picture renderer; test_documents_carry_the_pdfs checks them)."""
    copy: dict[str, Any] = json.loads(json.dumps(bundle))
    for entry in copy["entry"]:
        for content in entry["resource"].get("content", []):
            attachment = content["attachment"]
            for key in ("data", "size", "hash"):
                attachment[key] = f"<{key}>"
    return copy


def test_golden_bundle_for_the_demo_patient(rosa_bundle: dict[str, Any]) -> None:
    got = _normalised(rosa_bundle)
    if os.environ.get("DORSI_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert GOLDEN.exists(), "no golden bundle; run with DORSI_UPDATE_GOLDEN=1"
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_same_record_same_bundle(records: dict[str, PatientRecord]) -> None:
    one = build_bundle(records["omar"], now=NOW, namespace=NAMESPACE)
    two = build_bundle(records["omar"], now=NOW, namespace=NAMESPACE)
    assert one == two
    other = build_bundle(records["omar"], now=NOW, namespace=NAMESPACE.__class__(int=1))
    assert other["entry"][0]["fullUrl"] != one["entry"][0]["fullUrl"]


def test_instants_need_a_timezone() -> None:
    assert instant(dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)) == "2026-01-02T03:04:05Z"
    with pytest.raises(ValueError, match="timezone"):
        instant(dt.datetime(2026, 1, 2))  # noqa: DTZ001


_MEASURES = load_measures().measures


@st.composite
def _measurement(draw: st.DrawFn, index: int) -> MeasurementRow:
    measure = draw(st.sampled_from(_MEASURES))
    if measure.value_kind == "mmt_grade":
        value: float | str = draw(st.sampled_from(GRADES))
    else:
        value = draw(
            st.floats(measure.min, measure.max, allow_nan=False).map(lambda v: round(v, 2))
        )
    day = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 59)))
    source = draw(st.sampled_from(("evaluation", "self", "gait")))
    return MeasurementRow(
        index, measure.id, value, day, source, None, NOW, draw(st.sampled_from((None, 1, 2)))
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_record_gives_a_valid_bundle(
    records: dict[str, PatientRecord], data: st.DataObject
) -> None:
    base = records["grace"]
    count = data.draw(st.integers(0, 8))
    measurements = tuple(data.draw(_measurement(i)) for i in range(count))
    checkins = tuple(
        StoredCheckin(
            id=i,
            date=dt.date(2026, 2, 1) + dt.timedelta(days=i),
            created_at=NOW,
            created_by_id=data.draw(st.sampled_from((None, 1, 4))),
            completed=data.draw(st.booleans()),
            sets_done=data.draw(st.one_of(st.none(), st.integers(0, 100))),
            pain_nrs=data.draw(st.integers(0, 10)),
            difficulty=data.draw(st.sampled_from(("easy", "ok", "hard"))),
            trips_since_last=data.draw(st.one_of(st.none(), st.integers(0, 1000))),
            weakness_worse=data.draw(st.booleans()),
            balance_worse=data.draw(st.booleans()),
            notes=data.draw(st.text(max_size=20)),
        )
        for i in range(data.draw(st.integers(0, 4)))
    )
    side = data.draw(st.sampled_from(("left", "right")))
    cause = data.draw(st.sampled_from(("peroneal", "lumbar", "neurological", "unknown")))
    patient = dataclasses.replace(base.patient, side=side, cause=cause)
    record = dataclasses.replace(
        base, patient=patient, measurements=measurements, checkins=checkins
    )
    bundle = build_bundle(record, now=NOW, namespace=NAMESPACE)
    _check(bundle)


def _peak_then_decline(record: PatientRecord) -> PatientRecord:
    """Grade 2 -> 4 -> 3 and 0.50 -> 0.90 -> 0.62 m/s, four weeks apart, ending the day
    before the export."""
    end = NOW.date() - dt.timedelta(days=1)
    days = [end - dt.timedelta(days=offset) for offset in (56, 28, 0)]
    rows: list[MeasurementRow] = []
    courses: tuple[tuple[str, tuple[float | str, ...]], ...] = (
        ("dorsiflexion_mmt", ("2", "4", "3")),
        ("gait_speed_mps", (0.5, 0.9, 0.62)),
    )
    for measure, values in courses:
        for day, value in zip(days, values, strict=True):
            rows.append(
                MeasurementRow(len(rows) + 1, measure, value, day, "evaluation", None, NOW, None)
            )
    return dataclasses.replace(record, measurements=tuple(rows))


def test_the_latest_values_carry_the_review_and_a_clinical_impression_sums_it_up(
    records: dict[str, PatientRecord],
) -> None:
    record = _peak_then_decline(records["rosa"])
    bundle = build_bundle(record, now=NOW, namespace=NAMESPACE)
    _check(bundle)
    best_day = (NOW.date() - dt.timedelta(days=29)).isoformat()
    observations = {
        int(o["identifier"][0]["value"]): o
        for o in _by_type(bundle, "Observation")
        if o["code"]["coding"][-1]["system"] == codes.CS_MEASURE
    }
    latest = {3: "3/5", 6: "0.62 m/s"}
    for row_id, obs in observations.items():
        if row_id not in latest:
            assert "interpretation" not in obs  # only the latest value is judged
            continue
        (judged,) = obs["interpretation"]
        assert judged["coding"] == [
            {"system": codes.OBSERVATION_INTERPRETATION, "code": "W", "display": "Worse"}
        ]
        assert (
            f"worse than its best of {'4/5' if row_id == 3 else '0.9 m/s'} on {best_day}"
            in (judged["text"])
        )
        assert f"latest {latest[row_id]}" in judged["text"]
    (impression,) = _by_type(bundle, "ClinicalImpression")
    assert impression["status"] == "completed"
    assert impression["effectiveDateTime"] == NOW.date().isoformat()
    assert impression["subject"]["reference"] == bundle["entry"][0]["fullUrl"]
    refs = {f["itemReference"]["reference"] for f in impression["finding"]}
    urls = {o["id"]: e["fullUrl"] for e in bundle["entry"] for o in [e["resource"]]}
    assert refs == {urls[observations[3]["id"]], urls[observations[6]["id"]]}
    assert f"worse than its best of 4/5 on {best_day}" in impression["summary"]
    assert "planned days" in impression["summary"]
    notes = " ".join(n["text"] for n in impression["note"])
    assert "Worsening:" in notes
    assert "Ready to progress" not in notes


def test_an_improving_value_is_better_and_no_real_change_has_no_interpretation(
    rosa_bundle: dict[str, Any],
) -> None:
    judged = {
        o["code"]["text"]: [c["code"] for i in o.get("interpretation", []) for c in i["coding"]]
        for o in _by_type(rosa_bundle, "Observation")
        if "interpretation" in o
    }
    # Rosa improved on strength, balance and walking speed; her pain and falls did not change.
    assert len(judged) == 3
    assert set(map(tuple, judged.values())) == {("B",)}
    names = " ".join(judged)
    assert "Pain" not in names
    assert "Falls" not in names
