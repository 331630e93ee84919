"""The outcome-measures catalog and the progress-review thresholds: content and validation."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dorsi.catalog.load import read_yaml, validate_data
from dorsi.catalog.measures import (
    REQUIRED_IDS,
    MeasureCatalog,
    ProgressRules,
    load_measures,
    load_progress_rules,
)
from dorsi.errors import CatalogError, NotFoundError

# LOINC codes marked verified ("V") in shared/clinical/CODES.md section 1.
VERIFIED_LOINC = {"89423-8", "89422-0", "83172-7", "66569-5", "75856-5", "41950-7"}


def _raw() -> dict[str, Any]:
    data = read_yaml("measures.yaml")
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def _entry(data: dict[str, Any], measure_id: str) -> dict[str, Any]:
    for entry in data["measures"]:
        if entry["id"] == measure_id:
            assert isinstance(entry, dict)
            return entry
    raise AssertionError(measure_id)


def _invalid(data: dict[str, Any]) -> str:
    with pytest.raises(CatalogError) as info:
        validate_data("measures.yaml", data, MeasureCatalog)
    return info.value.message


def test_catalog_has_every_required_measure_in_order() -> None:
    catalog = load_measures()
    assert set(REQUIRED_IDS) <= set(catalog.ids)
    assert catalog.ids[: len(REQUIRED_IDS)] == REQUIRED_IDS


def test_load_is_cached() -> None:
    assert load_measures() is load_measures()
    assert load_progress_rules() is load_progress_rules()


@pytest.mark.parametrize("measure_id", REQUIRED_IDS)
def test_every_measure_is_complete_and_sourced(measure_id: str) -> None:
    measure = load_measures().get(measure_id)
    assert measure.min < measure.max
    assert measure.ucum
    assert measure.unit
    assert len(measure.how_to_measure) > 40
    if measure.trend_only:  # no published MDC: it says so, and nothing pretends one
        assert "trend only" in measure.mdc_rule
        assert measure.mcid is None
        with pytest.raises(ValueError, match="trend only"):
            measure.mdc_at(measure.min)
        return
    mdcs = [measure.mdc] if measure.mdc else [s.mdc for s in measure.mdc_strata]
    for mdc in mdcs:
        assert mdc is not None
        assert mdc.value > 0
        assert mdc.source
    assert measure.mdc_at(measure.min) > 0
    for norm in measure.norms:
        assert norm.source
        assert norm.evidence


@pytest.mark.parametrize(
    ("measure_id", "ucum", "direction"),
    [
        ("gait_speed_mps", "m/s", "higher"),
        ("gait_speed_video_mps", "m/s", "higher"),
        ("tug_s", "s", "lower"),
        ("single_leg_stance_s", "s", "higher"),
        ("dorsiflexion_arom_deg", "deg", "higher"),
        ("trips_per_week", "/wk", "lower"),
        ("pain_nrs", "{score}", "lower"),
        ("lefs", "{score}", "higher"),
        ("stance_time_asymmetry_pct", "%", "lower"),
        ("toe_clearance_ratio", "1", "higher"),
        ("ankle_df_passive_deg", "deg", "higher"),
        ("fga_score", "{score}", "higher"),
        ("six_minute_walk_m", "m", "higher"),
        ("abc_pct", "%", "higher"),
    ],
)
def test_units_and_direction(measure_id: str, ucum: str, direction: str) -> None:
    measure = load_measures().get(measure_id)
    assert measure.ucum == ucum
    assert measure.direction == direction


def test_loinc_only_where_verified() -> None:
    catalog = load_measures()
    for measure in catalog.measures:
        assert measure.loinc is None or measure.loinc in VERIFIED_LOINC, measure.id
    assert catalog.get("tug_s").loinc == "89423-8"
    # Codes that are only V2 or UNVERIFIED stay out.
    assert catalog.get("pain_nrs").loinc is None
    assert catalog.get("gait_speed_mps").loinc is None


def test_mmt_is_a_grade_measure_with_one_full_grade_mdc() -> None:
    measure = load_measures().get("dorsiflexion_mmt")
    assert measure.value_kind == "mmt_grade"
    assert (measure.min, measure.max) == (0, 5)
    assert measure.mdc_at(3.0) == 1.0


@pytest.mark.parametrize(
    ("baseline_mps", "mdc"),
    [(0.0, 0.05), (0.39, 0.05), (0.4, 0.11), (0.6, 0.11), (0.8, 0.11), (0.81, 0.21), (3.0, 0.21)],
)
def test_gait_speed_mdc_is_stratified_by_baseline(baseline_mps: float, mdc: float) -> None:
    measure = load_measures().get("gait_speed_mps")
    assert measure.mdc_at(baseline_mps) == mdc
    assert all(s.mdc.evidence == "primary" for s in measure.mdc_strata)
    assert all("Hosoi" in s.mdc.source for s in measure.mdc_strata)


@pytest.mark.parametrize(
    ("baseline_s", "mdc"),
    [(0.0, 2.0), (1.0, 2.0), (4.0, 2.0), (10.0, 5.0), (30.0, 15.0), (48.2, 24.1), (120.0, 24.1)],
)
def test_single_leg_stance_mdc_rule(baseline_s: float, mdc: float) -> None:
    measure = load_measures().get("single_leg_stance_s")
    assert measure.mdc_at(baseline_s) == pytest.approx(mdc)
    assert measure.mdc is not None
    assert measure.mdc.value == 24.1
    assert "Goldberg" in measure.mdc.source
    assert measure.relative_mdc is not None
    assert measure.relative_mdc.fraction.evidence == "clinician_default"
    assert "half the starting time" in measure.mdc_rule


@pytest.mark.parametrize(
    "measure_id",
    ["trips_per_week", "falls_past_month", "toe_clearance_ratio", "stance_time_asymmetry_pct"],
)
def test_values_without_evidence_are_clinician_defaults(measure_id: str) -> None:
    measure = load_measures().get(measure_id)
    assert measure.mdc is not None
    assert measure.mdc.evidence == "clinician_default"
    assert len(measure.mdc.source) > 30  # the reason is written down


def test_tug_mcid_is_a_clinician_default_and_published_values_are_primary() -> None:
    catalog = load_measures()
    tug = catalog.get("tug_s")
    assert tug.mcid is not None
    assert tug.mcid.evidence == "clinician_default"
    lefs = catalog.get("lefs")
    assert lefs.mdc is not None
    assert lefs.mdc.value == 9
    assert lefs.mdc.evidence == "primary"


def test_get_unknown_lists_valid_ids() -> None:
    with pytest.raises(NotFoundError) as info:
        load_measures().get("grip_strength")
    assert "grip_strength" in info.value.message
    assert "gait_speed_mps" in info.value.message


def test_shipped_data_validates() -> None:
    validate_data("measures.yaml", _raw(), MeasureCatalog)


def test_min_not_below_max_fails_naming_file_and_field() -> None:
    data = _raw()
    _entry(data, "tug_s")["min"] = 400
    message = _invalid(data)
    assert "measures.yaml" in message
    assert "measures.7" in message  # tug_s, the eighth measure
    assert "min" in message


def test_nonpositive_mdc_fails() -> None:
    data = _raw()
    _entry(data, "lefs")["mdc"]["value"] = 0
    assert "MDC" in _invalid(data)


def test_strata_with_a_gap_fail() -> None:
    data = _raw()
    _entry(data, "gait_speed_mps")["mdc_strata"][1]["min"] = 0.45
    assert "gap" in _invalid(data)


def test_strata_not_covering_the_range_fail() -> None:
    data = _raw()
    _entry(data, "gait_speed_mps")["mdc_strata"][-1]["max"] = 2
    assert "max" in _invalid(data)


def test_both_mdc_and_strata_fail() -> None:
    data = _raw()
    _entry(data, "gait_speed_mps")["mdc"] = {"value": 0.1, "source": "x" * 5, "evidence": "low"}
    assert "at most one" in _invalid(data)


def test_only_the_phone_measures_are_trend_only() -> None:
    """Walking speed from a phone video has no published MDC and is its own measure, apart
    from the 10-metre walk test (whose MDC strata do not apply to another protocol); so is
    active dorsiflexion from the phone camera, apart from the goniometer's."""
    catalog = load_measures()
    assert [m.id for m in catalog.measures if m.trend_only] == [
        "dorsiflexion_arom_camera_deg",
        "gait_speed_video_mps",
    ]
    camera = catalog.get("dorsiflexion_arom_camera_deg")
    goniometer = catalog.get("dorsiflexion_arom_deg")
    assert camera.mdc is None
    assert camera.unit == goniometer.unit == "degrees"
    assert (camera.min, camera.max) == (goniometer.min, goniometer.max)
    assert "goniometer" not in camera.name
    video = catalog.get("gait_speed_video_mps")
    assert video.mdc is None
    assert not video.mdc_strata
    assert video.unit == catalog.get("gait_speed_mps").unit == "m/s"
    assert video.loinc is None
    assert "10-metre" not in video.name


def test_missing_required_measure_fails() -> None:
    data = _raw()
    data["measures"] = [e for e in data["measures"] if e["id"] != "lefs"]
    assert "lefs" in _invalid(data)


def test_duplicate_ids_fail() -> None:
    data = _raw()
    data["measures"].append(copy.deepcopy(_entry(data, "lefs")))
    assert "duplicate" in _invalid(data)


def test_bad_loinc_and_norm_out_of_range_fail() -> None:
    data = _raw()
    _entry(data, "tug_s")["loinc"] = "TUG"
    assert "loinc" in _invalid(data)
    data = _raw()
    _entry(data, "lefs")["norms"][0]["value"] = 99
    assert "norm" in _invalid(data)


def test_unknown_key_and_bad_evidence_fail() -> None:
    data = _raw()
    _entry(data, "lefs")["colour"] = "blue"
    assert "colour" in _invalid(data)
    data = _raw()
    _entry(data, "lefs")["mdc"]["evidence"] = "folklore"
    assert "evidence" in _invalid(data)


def test_relative_mdc_needs_a_cap() -> None:
    data = _raw()
    _entry(data, "single_leg_stance_s")["mdc"] = None
    _entry(data, "single_leg_stance_s")["mdc_strata"] = [
        {
            "min": 0,
            "max": 180,
            "max_inclusive": True,
            "mdc": {"value": 1, "source": "abc", "evidence": "low"},
        }
    ]
    assert "relative_mdc" in _invalid(data)


def test_progress_rules_are_sourced_and_sane() -> None:
    rules = load_progress_rules()
    assert rules.reassessment_interval_days.value == 28
    assert rules.plateau_window_days.value >= 28  # issue 2: four weeks or more
    assert rules.pain_acceptable_max_nrs.value == 5  # REFERENCE 3.4
    assert rules.pain_acceptable_max_nrs.evidence == "primary"
    assert 0 < rules.adherence_adequate_pct.value <= 100
    for name in ProgressRules.model_fields:
        if name == "phase_entry":
            continue  # criteria, each sourced below
        assert len(getattr(rules, name).source) > 20, name
    assert rules.phase_entry
    for entry in rules.phase_entry:
        for criterion in entry.criteria:
            assert len(criterion.source) > 20, (entry.phase, criterion)


def test_progress_rules_validation() -> None:
    raw = read_yaml("progress_rules.yaml")
    bad = copy.deepcopy(raw)
    bad["pain_safe_max_nrs"]["value"] = 7
    with pytest.raises(CatalogError, match="pain"):
        validate_data("progress_rules.yaml", bad, ProgressRules)
    bad = copy.deepcopy(raw)
    bad["default_days_per_week"]["value"] = 8
    with pytest.raises(CatalogError, match="default_days_per_week"):
        validate_data("progress_rules.yaml", bad, ProgressRules)
    bad = copy.deepcopy(raw)
    bad["adherence_adequate_pct"]["value"] = 0
    with pytest.raises(CatalogError, match="adherence"):
        validate_data("progress_rules.yaml", bad, ProgressRules)
