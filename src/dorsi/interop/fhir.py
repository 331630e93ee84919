"""The FHIR R4 export: one ``collection`` Bundle of a patient's whole record.

Why a ``collection`` and not a ``document`` Bundle: a document Bundle is one attested
composition (a signed note) with a Composition first; this export is the patient's data for
another system to import, and it *contains* the notes (DocumentReference with the PDFs).

Deterministic: every id is a UUID version 5 of a namespace (per deployment, from the service)
and the record's own ids, the Bundle's timestamp is the clock argument, and the order of the
entries is fixed. Every reference is an ``urn:uuid:`` that matches an entry's ``fullUrl``.

Resources:

- ``Patient``; a ``Practitioner`` for each clinician who is assigned or wrote part of the record.
- ``Condition``: foot drop (ICD-10-CM by side + local code) and, when known, its recorded
  cause (its own Condition, linked with the ``condition-dueTo`` extension).
- ``Observation`` for every measurement (LOINC when the catalog has a verified code, always the
  local measure code, UCUM units from the catalog; MMT grades as a coded ordinal value; each
  measure's latest value with the progress review's ``interpretation``), and one for each
  screening's triage level (``derivedFrom`` its QuestionnaireResponse).
- ``ClinicalImpression``: the progress review as of the export day, the same review the app's
  pages and the progress note show (:mod:`dorsi.interop.fhir_review`).
- ``QuestionnaireResponse`` for each red-flag screening and each session check-in, and
  (:mod:`dorsi.interop.fhir_outcomes`) each LEFS or ABC the patient filled in (its score's
  Observation is ``derivedFrom`` it).
- ``Goal`` for each goal the clinician set, with its status as of the export day; an
  ``Observation`` for each brace-log day (wear hours, the skin check as components); a walk
  marked with or without the brace carries that as a component
  (:mod:`dorsi.interop.fhir_outcomes`).
- ``CarePlan`` for each assigned program version (the exercises as activities; older versions
  ``revoked`` and replaced by the next).
- ``DocumentReference`` for each generated PDF given (the PDF inline, with size and SHA-1).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dorsi.catalog.brace import load_brace_rules
from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.measures import load_measures
from dorsi.catalog.mmt import GRADES, numeric
from dorsi.catalog.questionnaires import load_questionnaires
from dorsi.catalog.red_flags import load_red_flags
from dorsi.clinical.goal_contract import RecordedGoal
from dorsi.clinical.goal_words import goal_words, status_words, why_words
from dorsi.clinical.goals import report
from dorsi.interop import codes as c
from dorsi.interop import fhir_outcomes as outcomes
from dorsi.interop.fhir_review import clinical_impression, interpretation, latest_rows
from dorsi.interop.record import (
    MeasurementRow,
    PatientRecord,
    ProgramVersion,
    ScreeningRow,
    StoredCheckin,
)
from dorsi.interop.review import review_record

FHIR_VERSION = "4.0.1"
MEDIA_TYPE = "application/fhir+json"


@dataclass(frozen=True)
class GeneratedDocument:
    """A PDF Dorsi generated, to be carried in a DocumentReference."""

    kind: str  # "progress-note" | "handout"
    title: str
    data: bytes
    created: dt.datetime
    period_start: dt.date | None = None
    period_end: dt.date | None = None


DOCUMENT_KINDS = {
    "progress-note": "Physical therapy progress note",
    "handout": "Home exercise program handout",
}

CHECKIN_QUESTIONS: dict[str, str] = {
    "date": "Day of the session",
    "completed": "Did you finish the session?",
    "sets_done": "How many sets did you do?",
    "pain_nrs": "Pain after the session (0 = none, 10 = worst)",
    "difficulty": "How hard was it? (easy, ok, hard)",
    "trips_since_last": "Trips since the last session",
    "weakness_worse": "Is the weakness in your foot or leg worse?",
    "balance_worse": "Is your balance worse?",
    "notes": "Notes",
}


def instant(value: dt.datetime) -> str:
    """A FHIR instant in UTC (``...Z``); naive datetimes are refused."""
    if value.tzinfo is None:
        raise ValueError("FHIR instants need a timezone-aware datetime")
    text = value.astimezone(dt.UTC).isoformat(timespec="seconds")
    return text.replace("+00:00", "Z")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


class _Builder:
    def __init__(self, record: PatientRecord, namespace: uuid.UUID, today: dt.date) -> None:
        self.record = record
        self.namespace = namespace
        self.measures = load_measures()
        self.entries: list[dict[str, Any]] = []
        self.today = today
        self.review = review_record(record, today)
        #: measurement id -> measure, for each reviewed measure's latest value
        self.latest = latest_rows(record, self.review)
        #: measure -> reference of the Observation of its latest value
        self.latest_refs: dict[str, str] = {}
        #: measurement id -> the questionnaire response its score came from
        self.answered = {q.measurement_id: q.id for q in record.questionnaires}

    def ref(self, kind: str, key: object) -> str:
        return f"urn:uuid:{uuid.uuid5(self.namespace, f'{kind}/{key}')}"

    def add(self, kind: str, key: object, resource: dict[str, Any]) -> str:
        full_url = self.ref(kind, key)
        body = {"resourceType": kind, "id": full_url.removeprefix("urn:uuid:"), **resource}
        self.entries.append({"fullUrl": full_url, "resource": body})
        return full_url

    # --- who ------------------------------------------------------------------------------

    @property
    def patient_ref(self) -> dict[str, str]:
        return {"reference": self.ref("Patient", self.record.patient.id)}

    def who(self, user_id: int | None) -> dict[str, str] | None:
        """A reference to the person behind ``user_id``: a Practitioner or the Patient."""
        if user_id is None:
            return None
        if user_id == self.record.patient.user_id:
            return self.patient_ref
        if self.record.clinician(user_id) is not None:
            return {"reference": self.ref("Practitioner", user_id)}
        return None

    def patient(self) -> None:
        p = self.record.patient
        resource: dict[str, Any] = {
            "identifier": [{"system": c.ID_PATIENT, "value": str(p.id)}],
            "active": True,
            "name": [{"text": p.display_name}],
            "communication": [
                {
                    "language": {
                        "coding": [c.coding(c.BCP47, p.preferred_language)],
                        "text": p.preferred_language,
                    },
                    "preferred": True,
                }
            ],
        }
        assigned = [
            {"reference": self.ref("Practitioner", x.id)}
            for x in self.record.clinicians
            if x.assigned
        ]
        if assigned:
            resource["generalPractitioner"] = assigned
        self.add("Patient", p.id, resource)

    def practitioners(self) -> None:
        for person in self.record.clinicians:
            self.add(
                "Practitioner",
                person.id,
                {
                    "identifier": [{"system": c.ID_USER, "value": str(person.id)}],
                    "active": True,
                    "name": [{"text": person.display_name}],
                },
            )

    # --- conditions -----------------------------------------------------------------------

    def conditions(self) -> str:
        p = self.record.patient
        side_text = {"left": "Left foot", "right": "Right foot"}.get(p.side, "Foot")
        common: dict[str, Any] = {
            "clinicalStatus": {"coding": [c.coding(c.CONDITION_CLINICAL, "active", "Active")]},
            "verificationStatus": {
                "coding": [c.coding(c.CONDITION_VERIFICATION, "confirmed", "Confirmed")]
            },
            "category": [
                {
                    "coding": [
                        c.coding(c.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")
                    ]
                }
            ],
            "subject": self.patient_ref,
            "recordedDate": instant(p.created_at),
        }
        cause_codes = c.cause_codes(p.cause, p.side)
        cause_ref: str | None = None
        if cause_codes is not None:
            cause_ref = self.add(
                "Condition",
                f"{p.id}/cause",
                {
                    **common,
                    "code": {"coding": cause_codes, "text": c.CAUSE_TEXT[p.cause]},
                },
            )
        foot_drop: dict[str, Any] = {
            **common,
            "code": {
                "coding": c.foot_drop_codes(p.side),
                "text": f"Foot drop, {p.side} foot" if p.side in ("left", "right") else "Foot drop",
            },
            "bodySite": [{"text": side_text}],
            "note": [{"text": f"Cause as recorded: {c.CAUSE_TEXT.get(p.cause, p.cause)}."}],
        }
        if cause_ref is not None:
            foot_drop = {
                "extension": [
                    {"url": c.EXT_CONDITION_DUE_TO, "valueReference": {"reference": cause_ref}}
                ],
                **foot_drop,
            }
        onset = self._onset_text()
        if onset:
            foot_drop["onsetString"] = onset
        return self.add("Condition", f"{p.id}/foot-drop", foot_drop)

    def _onset_text(self) -> str | None:
        for evaluation in self.record.evaluations:
            weeks = evaluation.answers.get("weeks_since_onset")
            if isinstance(weeks, int | float) and not isinstance(weeks, bool):
                return f"About {_number(round(weeks, 1))} weeks before {evaluation.date}"
        return None

    # --- observations ---------------------------------------------------------------------

    def measurement(self, m: MeasurementRow) -> None:
        measure = self.measures.get(m.measure)
        coding = []
        if measure.loinc:
            coding.append(c.coding(c.LOINC, measure.loinc, measure.name))
        coding.append(c.coding(c.CS_MEASURE, measure.id, measure.name))
        category = "survey" if measure.id in c.REPORTED_MEASURES else "exam"
        method = {
            "evaluation": "Measured at a clinician's evaluation",
            "self": "Reported by the patient",
            "gait": "Phone video gait analysis (Dorsi)",
            "camera": "Phone camera in the home session (Dorsi; trend only, not a goniometer)",
        }.get(m.source, m.source)
        resource: dict[str, Any] = {
            "identifier": [
                {"system": f"{c.DORSI_FHIR}/NamingSystem/measurement-id", "value": str(m.id)}
            ],
            "status": "final",
            "category": [
                {"coding": [c.coding(c.OBSERVATION_CATEGORY, category, category.title())]}
            ],
            "code": {"coding": coding, "text": measure.name},
            "subject": self.patient_ref,
            "effectiveDateTime": m.date.isoformat(),
            "issued": instant(m.created_at),
        }
        performer = self.who(m.created_by_id)
        if performer is not None:
            resource["performer"] = [performer]
        if isinstance(m.value, str):
            grade = next(g for g in GRADES if g == m.value)
            resource["valueCodeableConcept"] = {
                "coding": [
                    {
                        "extension": [
                            {"url": c.EXT_ORDINAL_VALUE, "valueDecimal": round(numeric(grade), 2)}
                        ],
                        **c.coding(c.CS_MMT_GRADE, grade, f"{grade}/5"),
                    }
                ],
                "text": f"{grade}/5",
            }
        else:
            resource["valueQuantity"] = {
                "value": _number(m.value),
                "unit": measure.unit,
                "system": c.UCUM,
                "code": measure.ucum,
            }
        resource["method"] = {"text": method}
        if m.source == "gait":  # a phone video: coded, so it is never read as a clinic test
            resource["method"]["coding"] = [c.coding(*c.PHONE_VIDEO)]
        if m.source == "camera":  # the home session's camera: coded, never a goniometer value
            resource["method"]["coding"] = [c.coding(*c.PHONE_CAMERA)]
        if m.measure.startswith("dorsiflexion_"):
            resource["bodySite"] = {"text": f"{self.record.patient.side.title()} ankle"}
        response = self.answered.get(m.id)
        if response is not None:
            resource["derivedFrom"] = [
                {"reference": self.ref("QuestionnaireResponse", f"questionnaire/{response}")}
            ]
        if m.with_brace is not None:
            resource["component"] = [outcomes.with_brace_component(m.with_brace)]
        reviewed = self.latest.get(m.id)
        if reviewed is not None:
            judged = interpretation(self.review.measures[reviewed], measure)
            if judged is not None:
                resource["interpretation"] = judged
        ref = self.add("Observation", f"measurement/{m.id}", resource)
        if reviewed is not None:
            self.latest_refs[reviewed] = ref

    # --- the progress review --------------------------------------------------------------

    def progress_review(self, condition_ref: str, now: dt.datetime) -> None:
        resource = clinical_impression(
            self.record,
            self.review,
            self.today,
            subject=self.patient_ref,
            problem=condition_ref,
            observations=self.latest_refs,
            issued=instant(now),
        )
        self.add("ClinicalImpression", f"{self.record.patient.id}/progress-review", resource)

    # --- questionnaire responses ----------------------------------------------------------

    def screening(self, s: ScreeningRow) -> None:
        flags = load_red_flags()
        items = []
        for key, value in s.answers.items():
            answers = _answers(value)
            if not answers:
                continue
            try:
                text = flags.question(key).question
            except KeyError:
                text = key.replace("_", " ")
            items.append({"linkId": key, "text": text, "answer": answers})
        resource: dict[str, Any] = {
            "identifier": {
                "system": f"{c.DORSI_FHIR}/NamingSystem/screening-id",
                "value": str(s.id),
            },
            "questionnaire": c.Q_SCREENING,
            "status": "completed",
            "subject": self.patient_ref,
            "authored": instant(s.created_at),
        }
        author = self.who(s.created_by_id)
        if author is not None:
            resource["author"] = author
        resource["item"] = items
        response_ref = self.add("QuestionnaireResponse", f"screening/{s.id}", resource)
        title = flags.level_info(s.level).title  # type: ignore[arg-type]
        self.add(
            "Observation",
            f"screening/{s.id}/level",
            {
                "status": "final",
                "category": [{"coding": [c.coding(c.OBSERVATION_CATEGORY, "survey", "Survey")]}],
                "code": {
                    "coding": [c.coding(c.CS_OBSERVATION, "triage-level", "Red-flag triage level")],
                    "text": "Red-flag triage level",
                },
                "subject": self.patient_ref,
                "effectiveDateTime": instant(s.created_at),
                "valueCodeableConcept": {
                    "coding": [c.coding(c.CS_TRIAGE_LEVEL, s.level, title)],
                    "text": title,
                },
                "note": [{"text": reason} for reason in s.reasons],
                "derivedFrom": [{"reference": response_ref}],
            },
        )

    def checkin(self, s: StoredCheckin) -> None:
        values: dict[str, Any] = {
            "date": s.date,
            "completed": s.completed,
            "sets_done": s.sets_done,
            "pain_nrs": s.pain_nrs,
            "difficulty": s.difficulty,
            "trips_since_last": s.trips_since_last,
            "weakness_worse": s.weakness_worse,
            "balance_worse": s.balance_worse,
            "notes": s.notes or None,
        }
        items = [
            {"linkId": key, "text": CHECKIN_QUESTIONS[key], "answer": _answers(value)}
            for key, value in values.items()
            if _answers(value)
        ]
        resource: dict[str, Any] = {
            "identifier": {"system": f"{c.DORSI_FHIR}/NamingSystem/checkin-id", "value": str(s.id)},
            "questionnaire": c.Q_CHECKIN,
            "status": "completed",
            "subject": self.patient_ref,
            "authored": instant(s.created_at),
        }
        author = self.who(s.created_by_id)
        if author is not None:
            resource["author"] = author
        resource["item"] = items
        self.add("QuestionnaireResponse", f"checkin/{s.id}", resource)

    def questionnaires(self) -> None:
        forms = load_questionnaires()
        for q in self.record.questionnaires:
            items = tuple(text.en for text in forms.get(q.questionnaire).items)
            resource = outcomes.questionnaire_response(
                q, items=items, subject=self.patient_ref, author=self.who(q.created_by_id)
            )
            self.add("QuestionnaireResponse", f"questionnaire/{q.id}", resource)

    # --- goals and the brace log ----------------------------------------------------------

    def goals(self, condition_ref: str) -> None:
        for row in self.record.goals:
            goal = RecordedGoal.model_construct(
                measure=row.measure, target=row.target, by=row.by, text=row.text, met_on=row.met_on
            )
            item = report(goal, self.record.measurements, today=self.today)
            resource = outcomes.goal(
                row,
                item,
                words=(goal_words(item), status_words(item.status), why_words(item)),
                measures=self.measures,
                subject=self.patient_ref,
                expressed_by=self.who(row.created_by_id),
                addresses=condition_ref,
            )
            self.add("Goal", row.id, resource)

    def brace_logs(self) -> None:
        words: dict[str, str] = {k: f.clinical.en for k, f in load_brace_rules().seen.items()}
        for row in self.record.brace_logs:
            resource = outcomes.brace_log(
                row,
                finding_words=words,
                subject=self.patient_ref,
                performer=self.who(row.created_by_id),
            )
            self.add("Observation", f"brace-log/{row.id}", resource)

    # --- care plans -----------------------------------------------------------------------

    def care_plans(self, condition_ref: str) -> None:
        catalog = load_exercises()
        assigned = sorted(self.record.assigned_programs, key=lambda p: p.version)
        for index, program in enumerate(assigned):
            newer = assigned[index + 1] if index + 1 < len(assigned) else None
            current = newer is None
            paused = current and self.record.patient.program_paused
            status = "on-hold" if paused else "active" if current else "revoked"
            activity_status = "on-hold" if paused else "in-progress" if current else "stopped"
            period: dict[str, str] = {}
            if program.assigned_at is not None:
                period["start"] = instant(program.assigned_at)
            if newer is not None and newer.assigned_at is not None:
                period["end"] = instant(newer.assigned_at)
            resource: dict[str, Any] = {
                "identifier": [
                    {"system": f"{c.DORSI_FHIR}/NamingSystem/program-id", "value": str(program.id)}
                ],
                "status": status,
                "intent": "plan",
                "category": [
                    {
                        "coding": [
                            c.coding(
                                c.US_CORE_CAREPLAN_CATEGORY,
                                "assess-plan",
                                "Assessment and Plan of Treatment",
                            )
                        ]
                    },
                    {"coding": [c.coding(*c.PHYSICAL_THERAPY_PROCEDURE)]},
                ],
                "title": f"Home exercise program, version {program.version}",
                "description": f"Phase {program.phase}: {program.phase_name}",
                "subject": self.patient_ref,
            }
            if period:
                resource["period"] = period
            resource["created"] = instant(program.created_at)
            author = self.who(program.created_by_id)
            if author is not None:
                resource["author"] = author
            resource["addresses"] = [{"reference": condition_ref}]
            if index > 0:
                resource["replaces"] = [{"reference": self.ref("CarePlan", assigned[index - 1].id)}]
            resource["activity"] = [
                {
                    "detail": {
                        "code": {
                            "coding": [
                                c.coding(*c.EXERCISE_THERAPY),
                                c.coding(
                                    c.CS_EXERCISE, e.exercise_id, catalog.get(e.exercise_id).name
                                ),
                            ],
                            "text": catalog.get(e.exercise_id).name,
                        },
                        "status": activity_status,
                        "scheduledTiming": {
                            "repeat": {
                                "frequency": e.days_per_week,
                                "period": 1,
                                "periodUnit": "wk",
                            }
                        },
                        "description": dose_text(
                            e.sets, e.reps, e.hold_s, e.rest_s, e.support, e.cues
                        ),
                    }
                }
                for e in program.exercises
            ]
            notes = _program_notes(program)
            if notes:
                resource["note"] = [{"text": text} for text in notes]
            self.add("CarePlan", program.id, resource)

    # --- documents ------------------------------------------------------------------------

    def document(self, index: int, doc: GeneratedDocument) -> None:
        kind_display = DOCUMENT_KINDS.get(doc.kind, doc.kind)
        resource: dict[str, Any] = {
            "status": "current",
            "docStatus": "final",
            "type": {
                "coding": [c.coding(c.CS_DOCUMENT, doc.kind, kind_display)],
                "text": kind_display,
            },
        }
        if doc.kind == "progress-note":
            resource["category"] = [
                {"coding": [c.coding(c.US_CORE_DOCREF_CATEGORY, "clinical-note", "Clinical Note")]}
            ]
        resource["subject"] = self.patient_ref
        resource["date"] = instant(doc.created)
        authors = [
            {"reference": self.ref("Practitioner", x.id)}
            for x in self.record.clinicians
            if x.assigned
        ]
        if authors:
            resource["author"] = authors
        resource["description"] = doc.title
        resource["content"] = [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "language": self.record.patient.preferred_language,
                    "data": base64.b64encode(doc.data).decode("ascii"),
                    "size": len(doc.data),
                    "hash": base64.b64encode(hashlib.sha1(doc.data).digest()).decode("ascii"),  # noqa: S324 - FHIR Attachment.hash is SHA-1 by definition
                    "title": doc.title,
                    "creation": instant(doc.created),
                }
            }
        ]
        if doc.period_start or doc.period_end:
            period: dict[str, str] = {}
            if doc.period_start:
                period["start"] = doc.period_start.isoformat()
            if doc.period_end:
                period["end"] = doc.period_end.isoformat()
            resource["context"] = {"period": period}
        self.add("DocumentReference", f"{doc.kind}/{index}", resource)


def _answers(value: Any) -> list[dict[str, Any]]:
    """FHIR answers for one stored answer (None and empty lists give none)."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [a for item in value for a in _answers(item)]
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    if isinstance(value, float):
        return [
            {"valueDecimal": _number(value)}
            if not value.is_integer()
            else {"valueInteger": int(value)}
        ]
    if isinstance(value, dt.date):
        return [{"valueDate": value.isoformat()}]
    return [{"valueString": str(value)}]


def dose_text(
    sets: int, reps: int | None, hold_s: int | None, rest_s: int, support: str, cues: Sequence[str]
) -> str:
    """The dose in plain words: "2 sets of 12. Rest 60 s between sets. Support: none."."""
    amount = f"{reps} times" if reps is not None else f"hold {hold_s} s"
    kind = support.replace("_", " ")
    text = f"{sets} sets, {amount}. Rest {rest_s} s between sets. Support: {kind}."
    if cues:
        text += " Cues: " + " ".join(cues)
    return text


def _program_notes(program: ProgramVersion) -> list[str]:
    notes = []
    if program.gait_training:
        notes.append("Gait training: " + " ".join(program.gait_training))
    if program.bracing:
        notes.append("Bracing: " + program.bracing)
    if program.notes:
        notes.append("Clinician's notes: " + program.notes)
    return notes


def build_bundle(
    record: PatientRecord,
    *,
    now: dt.datetime,
    namespace: uuid.UUID,
    documents: Sequence[GeneratedDocument] = (),
) -> dict[str, Any]:
    """The patient's record as a FHIR R4 ``collection`` Bundle (a JSON-ready dict).

    Parameters
    ----------
    record:
        The stored record (see :mod:`dorsi.interop.record`).
    now:
        The export time (the Bundle's ``timestamp``); timezone-aware.
    namespace:
        The UUID namespace of this deployment: ids are UUIDv5 of it and the record's ids, so
        the same record always gets the same ids, and two deployments never share them.
    documents:
        Generated PDFs to include as DocumentReference resources.
    """
    builder = _Builder(record, namespace, now.date())
    builder.patient()
    builder.practitioners()
    condition = builder.conditions()
    for m in record.measurements:
        builder.measurement(m)
    for s in record.screenings:
        builder.screening(s)
    for checkin in record.checkins:
        builder.checkin(checkin)
    builder.questionnaires()
    builder.brace_logs()
    builder.care_plans(condition)
    builder.goals(condition)
    builder.progress_review(condition, now)
    for index, doc in enumerate(documents):
        builder.document(index, doc)
    bundle_id = uuid.uuid5(namespace, f"Bundle/{record.patient.id}/{instant(now)}")
    return {
        "resourceType": "Bundle",
        "id": str(bundle_id),
        "meta": {"lastUpdated": instant(now)},
        "identifier": {"system": c.ID_BUNDLE, "value": f"urn:uuid:{bundle_id}"},
        "type": "collection",
        "timestamp": instant(now),
        "entry": builder.entries,
    }


__all__ = [
    "CHECKIN_QUESTIONS",
    "DOCUMENT_KINDS",
    "FHIR_VERSION",
    "MEDIA_TYPE",
    "GeneratedDocument",
    "build_bundle",
    "dose_text",
    "instant",
]
