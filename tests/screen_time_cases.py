"""Issue 17 screening cases (time and cause), shared by the CLI scenarios and the web tests.

Each case: the changes to a stable, evaluated patient with no flags, the level issue 17 asks
for, and the id of the rule whose reason must be shown first. Written from the issue text.
"""

from __future__ import annotations

from typing import Any

Case = tuple[str, dict[str, Any], str, str]

CASES: tuple[Case, ...] = (
    # Sudden onset: 72 h (day 3 inside) unless a physician ruled out a stroke in person.
    (
        "sudden_day_3",
        {"foot_drop_onset": "sudden", "days_since_onset": 3},
        "emergency",
        "sudden_onset_within_72h",
    ),
    (
        "sudden_day_2_pt_only",
        {
            "foot_drop_onset": "sudden",
            "days_since_onset": 2,
            "stroke_ruled_out_by_physician": False,
        },
        "emergency",
        "sudden_onset_within_72h",
    ),
    (
        "sudden_day_2_physician",
        {"foot_drop_onset": "sudden", "days_since_onset": 2, "stroke_ruled_out_by_physician": True},
        "proceed",
        "",
    ),
    (
        "sudden_week_3_pt_only",
        {
            "foot_drop_onset": "sudden",
            "days_since_onset": 21,
            "stroke_ruled_out_by_physician": False,
        },
        "see_clinician",
        "sudden_onset_stroke_not_ruled_out",
    ),
    (
        "sudden_years_ago_never_seen",
        {"foot_drop_onset": "sudden", "days_since_onset": 900, "evaluated_by_clinician": False},
        "see_clinician",
        "sudden_onset_stroke_not_ruled_out",
    ),
    # Stroke signs: new is an emergency; left from a treated stroke is not.
    (
        "old_stroke_signs",
        {"face_droop": True, "speech_difficulty": True, "stroke_signs_long_standing": True},
        "proceed",
        "",
    ),
    (
        "new_stroke_signs",
        {"arm_weakness": True, "stroke_signs_long_standing": False},
        "emergency",
        "stroke_arm_weakness",
    ),
    (
        "old_signs_new_sudden_drop",
        {
            "face_droop": True,
            "stroke_signs_long_standing": True,
            "foot_drop_onset": "sudden",
            "days_since_onset": 0,
        },
        "emergency",
        "sudden_onset_within_72h",
    ),
    (
        "old_everything_saddle",
        {
            "saddle_numbness": True,
            "stroke_signs_long_standing": True,
            "numbness_long_standing": True,
            "weeks_since_injury_or_surgery": 52,
        },
        "emergency",
        "cauda_equina_saddle_numbness",
    ),
    # Fracture, surgery, cast: the time since the event.
    (
        "fracture_this_week",
        {"knee_dislocation_or_leg_fracture": True, "weeks_since_injury_or_surgery": 1},
        "emergency",
        "knee_dislocation_or_leg_fracture",
    ),
    (
        "fracture_3_months_stable",
        {"knee_dislocation_or_leg_fracture": True, "weeks_since_injury_or_surgery": 13},
        "see_clinician",
        "fracture_or_dislocation_nerve_follow_up",
    ),
    (
        "surgery_week_2",
        {"recent_hip_knee_or_spine_surgery": True, "weeks_since_injury_or_surgery": 2},
        "urgent",
        "foot_drop_after_surgery",
    ),
    (
        "hip_replacement_anticoagulated_improving",
        {
            "recent_hip_knee_or_spine_surgery": True,
            "anticoagulated": True,
            "weakness_trend": "improving",
            "weeks_since_injury_or_surgery": 2,
        },
        "urgent",
        "foot_drop_after_surgery",
    ),
    (
        "surgery_anticoagulated_swelling_week_5",
        {
            "recent_hip_knee_or_spine_surgery": True,
            "anticoagulated": True,
            "increasing_leg_pain_or_swelling": True,
            "weeks_since_injury_or_surgery": 5,
        },
        "emergency",
        "surgery_while_anticoagulated",
    ),
    (
        "surgery_anticoagulated_worsening_week_10",
        {
            "recent_hip_knee_or_spine_surgery": True,
            "anticoagulated": True,
            "weakness_trend": "worsening",
            "weeks_since_injury_or_surgery": 10,
        },
        "emergency",
        "surgery_while_anticoagulated",
    ),
    (
        "tight_cast_anticoagulated_week_4",
        {"tight_cast_or_brace": True, "anticoagulated": True, "weeks_since_injury_or_surgery": 4},
        "urgent",
        "tight_cast_or_brace",
    ),
    # Cauda equina, compartment syndrome without injury.
    ("pain_both_legs", {"pain_both_legs": True}, "emergency", "cauda_equina_pain_both_legs"),
    (
        "runner_shin_pain",
        {"severe_leg_pain_without_injury": True},
        "emergency",
        "compartment_syndrome_without_injury",
    ),
    # Acute painful foot drop from the back with grade 3 or below.
    (
        "lumbar_grade_3_week_2",
        {"back_pain_with_weakness": True, "days_since_onset": 14, "dorsiflexion_mmt": "3"},
        "urgent",
        "acute_painful_foot_drop_weak",
    ),
    (
        "lumbar_grade_4_week_2",
        {"back_pain_with_weakness": True, "days_since_onset": 14, "dorsiflexion_mmt": "4"},
        "proceed",
        "",
    ),
    (
        "lumbar_grade_2_month_6",
        {"back_pain_with_weakness": True, "days_since_onset": 180, "dorsiflexion_mmt": "2"},
        "proceed",
        "",
    ),
    # Slowly worsening over months.
    (
        "slowly_worsening",
        {"weakness_trend": "slowly_worsening", "days_since_onset": 200},
        "see_clinician",
        "slowly_worsening_over_months",
    ),
    (
        "slowly_worsening_both_legs",
        {"weakness_trend": "slowly_worsening", "both_legs_weak": True, "days_since_onset": 200},
        "urgent",
        "both_legs_slowly_worsening",
    ),
    # Numbness: long-standing known vs new severe.
    (
        "known_diabetic_numbness",
        {"severe_numbness": True, "numbness_long_standing": True},
        "see_clinician",
        "numbness_known_long_standing",
    ),
    (
        "new_severe_numbness",
        {"severe_numbness": True, "numbness_long_standing": False},
        "urgent",
        "severe_numbness",
    ),
)
