"""Code systems and codes used in Dorsi's FHIR export, and why each one is used.

Only codes marked verified ("V") in ``shared/clinical/CODES.md`` are used as real codes.
Everything else is a local code in a Dorsi code system under :data:`DORSI_FHIR`, a stable URI
that names Dorsi's own vocabulary (the ids of its catalogs); receiving systems can map them.

- LOINC: only where the measures catalog names one (``Measure.loinc``, filled from CODES.md
  section 1 "V" rows: single-leg stance 66569-5, Timed Up and Go 89423-8).
- ICD-10-CM (CODES.md section 3, "V"): foot drop M21.371 / M21.372 / M21.379 by side; cause
  "peroneal" G57.31 / G57.32 / G57.30 (lesion of lateral popliteal nerve); cause "lumbar"
  M54.16 (radiculopathy, lumbar region). A central cause ("neurological") has no verified
  code, so it is a local code with the words as recorded.
- SNOMED CT (CODES.md section 2, "V"): 229065009 Exercise therapy (care-plan activities),
  91251008 Physical therapy procedure (care-plan category). No verified SNOMED code for foot
  drop exists, so the Condition carries ICD-10-CM plus a local code.
- UCUM units come from the measures catalog (``Measure.ucum``).
- Gait speed: CODES.md finds no verified LOINC for the 10-metre walk test (nor for a
  point-in-time walking speed), so both speeds carry local codes only: ``gait_speed_mps`` (the
  10-metre walk test) and ``gait_speed_video_mps`` (from a phone video). The video's speed
  also carries the method :data:`PHONE_VIDEO` (local), so a receiver never merges the two.
- Active dorsiflexion from the phone camera (``dorsiflexion_arom_camera_deg``) is its own local
  code and carries the method :data:`PHONE_CAMERA`, never the goniometer's measure.
- HL7 v3 ObservationInterpretation, its change group (``_ObservationInterpretationChange``:
  "B" Better, "W" Worse): the latest value of each measure, as the progress review judged it
  against its first, previous and best values. No code there means "no real change", so such a
  value has no interpretation; the review's ClinicalImpression words every measure.
- The outcome measures FGA, 6-minute walk, passive ankle range, ABC and LEFS: CODES.md has
  no verified LOINC for any of them, so their Observations carry the local measure code only.
  The LEFS and ABC item answers are QuestionnaireResponses of Dorsi's own Questionnaire URIs
  (:func:`questionnaire_url`; the items are Dorsi's summaries, not the published wording).
- Goals: Goal.achievementStatus uses HL7's goal-achievement code system (the code system
  bound to that element in FHIR R4; not in CODES.md) beside the local Dorsi status code
  (:data:`CS_GOAL_STATUS`: met, on_track, not_on_track, not_yet_measured), so nothing is
  lost in the mapping.
- Brace (AFO) log: no verified code for an AFO or its wear time (CODES.md section 2), so the
  wear Observation and its skin-check components have local codes; UCUM ``h`` for hours.
  A walk marked with or without the brace carries the local component ``walked-with-brace``.
"""

from __future__ import annotations

from typing import Any

DORSI_FHIR = "https://dorsi.example/fhir"
CS_MEASURE = f"{DORSI_FHIR}/CodeSystem/measure"
CS_MMT_GRADE = f"{DORSI_FHIR}/CodeSystem/mmt-grade"
CS_EXERCISE = f"{DORSI_FHIR}/CodeSystem/exercise"
CS_CONDITION = f"{DORSI_FHIR}/CodeSystem/condition"
CS_DOCUMENT = f"{DORSI_FHIR}/CodeSystem/document"
CS_TRIAGE_LEVEL = f"{DORSI_FHIR}/CodeSystem/triage-level"
CS_OBSERVATION = f"{DORSI_FHIR}/CodeSystem/observation"
CS_METHOD = f"{DORSI_FHIR}/CodeSystem/measurement-method"
Q_SCREENING = f"{DORSI_FHIR}/Questionnaire/red-flag-screening"
CS_GOAL_STATUS = f"{DORSI_FHIR}/CodeSystem/goal-status"
CS_SKIN_FINDING = f"{DORSI_FHIR}/CodeSystem/skin-finding"
Q_CHECKIN = f"{DORSI_FHIR}/Questionnaire/session-checkin"
ID_PATIENT = f"{DORSI_FHIR}/NamingSystem/patient-id"
ID_USER = f"{DORSI_FHIR}/NamingSystem/user-id"
ID_BUNDLE = "urn:ietf:rfc:3986"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
US_CORE_CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
US_CORE_DOCREF_CATEGORY = (
    "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
)
OBSERVATION_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
EXT_ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
EXT_CONDITION_DUE_TO = "http://hl7.org/fhir/StructureDefinition/condition-dueTo"
BCP47 = "urn:ietf:bcp:47"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"

FOOT_DROP_ICD10CM: dict[str | None, tuple[str, str]] = {
    "right": ("M21.371", "Foot drop, right foot"),
    "left": ("M21.372", "Foot drop, left foot"),
    None: ("M21.379", "Foot drop, unspecified foot"),
}

# cause -> (ICD-10-CM by side or None, local display). Only verified codes.
PERONEAL_ICD10CM: dict[str | None, tuple[str, str]] = {
    "right": ("G57.31", "Lesion of lateral popliteal nerve, right lower limb"),
    "left": ("G57.32", "Lesion of lateral popliteal nerve, left lower limb"),
    None: ("G57.30", "Lesion of lateral popliteal nerve, unspecified lower limb"),
}
LUMBAR_ICD10CM = ("M54.16", "Radiculopathy, lumbar region")
CAUSE_TEXT = {
    "peroneal": "Common peroneal (fibular) nerve problem at the knee",
    "lumbar": "Nerve root compression in the lower back (lumbar radiculopathy)",
    "neurological": "Brain or spinal cord cause (for example stroke)",
    "unknown": "Cause not yet known",
    "stroke": "Stroke",
    "multiple_sclerosis": "Multiple sclerosis",
    "motor_neuron_disease": "Motor neuron disease",
    "polyneuropathy": "Peripheral polyneuropathy",
    "hereditary_neuropathy": "Hereditary neuropathy (for example Charcot-Marie-Tooth)",
    "post_operative_sciatic": "Sciatic nerve injury after hip surgery",
}
EXERCISE_THERAPY = (SNOMED, "229065009", "Exercise therapy")
#: Observation.method of values measured from a phone video (local; no standard code found).
PHONE_VIDEO = (CS_METHOD, "phone-video", "Phone video gait analysis (Dorsi)")
PHONE_CAMERA = (
    CS_METHOD,
    "phone-camera-pose",
    "Phone camera pose estimation in the home session (Dorsi; not a goniometer)",
)
#: review status -> (code, display) in :data:`OBSERVATION_INTERPRETATION`
INTERPRETATION_CHANGE = {"improved": ("B", "Better"), "worse": ("W", "Worse")}
#: ClinicalImpression.code of the progress review (local).
PROGRESS_REVIEW = (CS_OBSERVATION, "progress-review", "Progress review of the course of care")
PHYSICAL_THERAPY_PROCEDURE = (SNOMED, "91251008", "Physical therapy procedure")
#: the brace log's Observation and its components (local: no verified code, CODES.md)
BRACE_WEAR = (CS_OBSERVATION, "brace-wear-hours", "Brace (ankle-foot orthosis) wear, hours")
BRACE_SKIN_PROBLEM = (CS_OBSERVATION, "brace-skin-problem", "Skin problem under the brace")
BRACE_SKIN_SEEN = (CS_OBSERVATION, "brace-skin-finding", "Skin finding under the brace")
WALKED_WITH_BRACE = (CS_OBSERVATION, "walked-with-brace", "Walked with the brace (AFO)")
#: Dorsi goal status (and its reason) -> Goal.achievementStatus (HL7 goal-achievement);
#: not_yet_measured has none (nothing to judge yet)
GOAL_ACHIEVEMENT_CODES: dict[str, tuple[str, str]] = {
    "met": ("achieved", "Achieved"),
    "on_track": ("improving", "Improving"),
    "not_on_track/date_passed": ("not-achieved", "Not Achieved"),
    "not_on_track/no_real_trend": ("no-change", "No Change"),
    "not_on_track": ("in-progress", "In Progress"),
}

# Measures a patient reports (survey) rather than a clinician examines (exam).
REPORTED_MEASURES = frozenset({"pain_nrs", "lefs", "abc_pct", "trips_per_week", "falls_past_month"})


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def questionnaire_url(questionnaire_id: str) -> str:
    """The canonical URI of one of Dorsi's questionnaires (``lefs``, ``abc``)."""
    return f"{DORSI_FHIR}/Questionnaire/{questionnaire_id}"


def goal_achievement(status: str, reason: str) -> tuple[str, str] | None:
    """(code, display) in :data:`GOAL_ACHIEVEMENT` of a goal's status, or None."""
    found = GOAL_ACHIEVEMENT_CODES.get(f"{status}/{reason}") or GOAL_ACHIEVEMENT_CODES.get(status)
    return found


def foot_drop_codes(side: str | None) -> list[dict[str, Any]]:
    code, display = FOOT_DROP_ICD10CM.get(side, FOOT_DROP_ICD10CM[None])
    return [coding(ICD10CM, code, display), coding(CS_CONDITION, "foot-drop", "Foot drop")]


def cause_codes(cause: str, side: str | None) -> list[dict[str, Any]] | None:
    """The codes of the recorded cause, or None when the cause is unknown."""
    local = coding(CS_CONDITION, f"cause-{cause}", CAUSE_TEXT.get(cause, cause))
    if cause == "peroneal":
        code, display = PERONEAL_ICD10CM.get(side, PERONEAL_ICD10CM[None])
        return [coding(ICD10CM, code, display), local]
    if cause == "lumbar":
        return [coding(ICD10CM, *LUMBAR_ICD10CM), local]
    if cause == "unknown":
        return None
    # No code verified for the other causes yet: the local code and its text only.
    return [local]


__all__ = [
    "BCP47",
    "BRACE_SKIN_PROBLEM",
    "BRACE_SKIN_SEEN",
    "BRACE_WEAR",
    "CAUSE_TEXT",
    "CONDITION_CATEGORY",
    "CONDITION_CLINICAL",
    "CONDITION_VERIFICATION",
    "CS_CONDITION",
    "CS_DOCUMENT",
    "CS_EXERCISE",
    "CS_GOAL_STATUS",
    "CS_MEASURE",
    "CS_METHOD",
    "CS_MMT_GRADE",
    "CS_OBSERVATION",
    "CS_SKIN_FINDING",
    "CS_TRIAGE_LEVEL",
    "DORSI_FHIR",
    "EXERCISE_THERAPY",
    "EXT_CONDITION_DUE_TO",
    "EXT_ORDINAL_VALUE",
    "FOOT_DROP_ICD10CM",
    "GOAL_ACHIEVEMENT",
    "GOAL_ACHIEVEMENT_CODES",
    "ICD10CM",
    "ID_BUNDLE",
    "ID_PATIENT",
    "ID_USER",
    "LOINC",
    "LUMBAR_ICD10CM",
    "OBSERVATION_CATEGORY",
    "PERONEAL_ICD10CM",
    "PHONE_CAMERA",
    "PHONE_VIDEO",
    "PHYSICAL_THERAPY_PROCEDURE",
    "Q_CHECKIN",
    "Q_SCREENING",
    "REPORTED_MEASURES",
    "SNOMED",
    "UCUM",
    "US_CORE_CAREPLAN_CATEGORY",
    "US_CORE_DOCREF_CATEGORY",
    "WALKED_WITH_BRACE",
    "cause_codes",
    "coding",
    "foot_drop_codes",
    "goal_achievement",
    "questionnaire_url",
]
