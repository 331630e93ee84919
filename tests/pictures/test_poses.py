"""The pose file: it loads, covers the catalog, and bad data fails loudly with file + field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dorsi.catalog.load import read_yaml
from dorsi.errors import CatalogError
from dorsi.pictures.pose_file import build_poses, load_poses
from dorsi.pictures.poses import FILENAME
from tests.pictures.conftest import EXERCISE_IDS


def _raw() -> dict[str, Any]:
    data = read_yaml(FILENAME)
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def _fails(data: Any, *fragments: str) -> str:
    with pytest.raises(CatalogError) as caught:
        build_poses(data, known_ids=EXERCISE_IDS)
    message = caught.value.message
    assert f"data/{FILENAME}" in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_every_catalog_exercise_has_exactly_one_picture() -> None:
    assert sorted(load_poses().pictures) == sorted(EXERCISE_IDS)


def test_the_shipped_file_says_where_its_numbers_come_from() -> None:
    poses = load_poses()
    assert poses.evidence == "clinician_default"
    assert "exercises.yaml" in poses.source


def test_unknown_exercise_id_is_rejected_naming_it() -> None:
    data = _raw()
    data["pictures"]["moon_walk"] = data["pictures"]["seated_dorsiflexion"]
    _fails(data, "pictures.moon_walk", "not an exercise of the catalog", "seated_dorsiflexion")


def test_missing_picture_is_rejected_naming_the_exercise() -> None:
    data = _raw()
    del data["pictures"]["heel_walking"]
    _fails(data, "field 'pictures'", "heel_walking")


@pytest.mark.parametrize(
    ("leg_field", "value"),
    [
        ("knee_deg", -10),  # a knee bending backwards
        ("knee_deg", 170),
        ("ankle_deg", 40),  # past any normal dorsiflexion
        ("ankle_deg", -70),
        ("hip_deg", 150),
        ("toe_curl_deg", -5),
    ],
)
def test_angles_outside_anatomical_ranges_are_rejected(leg_field: str, value: float) -> None:
    data = _raw()
    data["pictures"]["seated_dorsiflexion"]["keyframes"][1]["near"][leg_field] = value
    _fails(data, f"pictures.seated_dorsiflexion.keyframes.1.near.{leg_field}")


def test_elbow_bending_backwards_is_rejected() -> None:
    data = _raw()
    data["pictures"]["step_taps"]["keyframes"][0]["arm"]["elbow_deg"] = -20
    _fails(data, "pictures.step_taps.keyframes.0.arm.elbow_deg")


def test_unknown_keys_are_rejected() -> None:
    data = _raw()
    data["pictures"]["step_taps"]["keyframes"][0]["near"]["wiggle_deg"] = 3
    _fails(data, "pictures.step_taps.keyframes.0.near.wiggle_deg")


def test_a_foot_through_the_floor_is_rejected() -> None:
    data = _raw()
    # Standing on the far foot while the near leg reaches down past it.
    data["pictures"]["step_taps"]["keyframes"][1]["near"] = {
        "hip_deg": 0,
        "knee_deg": 0,
        "ankle_deg": -45,
    }
    _fails(data, "pictures.step_taps.keyframes.1", "through the floor")


def test_a_seated_leg_reaching_below_the_floor_is_rejected() -> None:
    data = _raw()
    pictures = data["pictures"]
    pictures["ankle_alphabet"]["keyframes"][1]["near"] = {"knee_deg": 0, "hip_deg": 50}
    _fails(data, "pictures.ankle_alphabet.keyframes.1", "through the floor")


def test_nothing_moving_is_rejected() -> None:
    data = _raw()
    data["pictures"]["seated_dorsiflexion"]["keyframes"][1] = {"near": {"ankle_deg": 0}}
    _fails(data, "pictures.seated_dorsiflexion.keyframes", "nothing moves")


def test_an_arrow_on_a_part_that_does_not_move_is_rejected() -> None:
    data = _raw()
    data["pictures"]["seated_dorsiflexion"]["arrows"][0]["marker"] = "far_toe_tip"
    _fails(data, "pictures.seated_dorsiflexion.arrows.0.marker", "does not move")


def test_an_unknown_landmark_is_rejected() -> None:
    data = _raw()
    data["pictures"]["seated_dorsiflexion"]["arrows"][0]["pivot"] = "elbow_tip"
    _fails(data, "pictures.seated_dorsiflexion.arrows.0.turn.pivot")


def test_a_zoom_arrow_needs_a_zoom() -> None:
    data = _raw()
    del data["pictures"]["yoga_toe_lifts"]["zoom"]
    _fails(data, "pictures.yoga_toe_lifts", "in_zoom")


def test_one_keyframe_is_not_a_movement() -> None:
    data = _raw()
    data["pictures"]["yoga_toe_lifts"]["keyframes"] = data["pictures"]["yoga_toe_lifts"][
        "keyframes"
    ][:1]
    _fails(data, "pictures.yoga_toe_lifts.keyframes")


def test_a_prop_listed_twice_is_rejected() -> None:
    data = _raw()
    data["pictures"]["band_dorsiflexion"]["props"] = ["band", "band", "table"]
    _fails(data, "pictures.band_dorsiflexion", "twice")


def test_unknown_prop_and_setting_are_rejected() -> None:
    data = _raw()
    data["pictures"]["band_dorsiflexion"]["props"] = ["trampoline"]
    _fails(data, "pictures.band_dorsiflexion.props.0")
    data = _raw()
    data["pictures"]["band_dorsiflexion"]["setting"] = "sofa"
    _fails(data, "pictures.band_dorsiflexion.setting")


def test_a_new_exercise_needs_only_a_pose_entry() -> None:
    """Data alone makes a picture: a made-up exercise renders once its id is known."""
    from dorsi.pictures.compose import compose
    from dorsi.pictures.svg import render_svg

    data = _raw()
    data["pictures"]["seated_knee_lifts"] = {
        "setting": "chair",
        "keyframes": [
            {"near": {"hip_deg": 90, "knee_deg": 90}},
            {"near": {"hip_deg": 110, "knee_deg": 100}},
        ],
        "highlight": ["near_thigh", "near_shank"],
        "arrows": [{"kind": "turn", "marker": "near_ankle", "pivot": "near_hip"}],
        "caption": {"en": "Lift your knee.", "es": "Levante la rodilla."},
    }
    poses = build_poses(data, known_ids=(*EXERCISE_IDS, "seated_knee_lifts"))
    svg = render_svg(compose(poses.pictures["seated_knee_lifts"], title="Knee lifts"), width_px=300)
    assert "Knee lifts" in svg
    assert 'data-part="near_thigh"' in svg
