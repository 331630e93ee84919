"""Every exercise picture, drawn as a person would look at it.

Each picture is rendered to SVG and PNG and kept in ``artifacts/pictures/`` for people to look
at. The checks read the drawing itself: valid documents of the right size, not blank, the
moving part really moves, the drawn ankle angle is the one in the data, nothing sinks through
the floor, and each arrow points from the start pose toward the end pose.
"""

from __future__ import annotations

import io
import itertools
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from dorsi.pictures import exercise_scene, render_exercise_animation, render_exercise_picture
from dorsi.pictures.figure import FOOT_SOLE_VERTICES, lowest_point
from dorsi.pictures.pose_file import load_poses
from dorsi.pictures.poses import FLOOR_TOLERANCE_CM, TurnArrow
from dorsi.pictures.scene import HIGHLIGHT, Group
from dorsi.pictures.staging import BED_TOP_CM, keyframe_figures, moved_parts, turn_path
from tests.pictures.conftest import EXERCISE_IDS

SVG = "{http://www.w3.org/2000/svg}"
WIDTH_PX = 560


def _points(text: str) -> list[tuple[float, float]]:
    pairs = (p.split(",") for p in text.split())
    return [(float(x), float(y)) for x, y in pairs]


@pytest.fixture(scope="module", params=EXERCISE_IDS)
def exercise_id(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def svg_root(exercise_id: str, artifacts: Path) -> ET.Element:
    data = render_exercise_picture(exercise_id, "svg", width_px=WIDTH_PX)
    (artifacts / f"{exercise_id}.svg").write_bytes(data)
    return ET.fromstring(data)  # noqa: S314 - our own output


@pytest.fixture(scope="module")
def png_image(exercise_id: str, artifacts: Path) -> Image.Image:
    data = render_exercise_picture(exercise_id, "png", width_px=WIDTH_PX)
    (artifacts / f"{exercise_id}.png").write_bytes(data)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_svg_is_valid_accessible_and_scalable(svg_root: ET.Element, exercise_id: str) -> None:
    from dorsi.catalog.exercises import load_exercises

    assert svg_root.tag == f"{SVG}svg"
    assert svg_root.get("width") == str(WIDTH_PX)
    assert svg_root.get("role") == "img"
    view = [float(v) for v in (svg_root.get("viewBox") or "").split()]
    assert view[:2] == [0.0, 0.0]
    assert view[2] > 0
    assert view[3] > 0
    assert int(svg_root.get("height") or 0) == round(WIDTH_PX * view[3] / view[2])
    title = svg_root.find(f"{SVG}title")
    desc = svg_root.find(f"{SVG}desc")
    assert title is not None
    assert title.text == load_exercises().get(exercise_id).name
    assert desc is not None
    assert desc.text
    assert "start position" in desc.text
    caption = load_poses().pictures[exercise_id].caption
    assert caption.split()[0] in " ".join(t.text or "" for t in svg_root.iter(f"{SVG}text"))


def test_png_opens_has_the_right_size_and_is_not_blank(
    png_image: Image.Image, svg_root: ET.Element
) -> None:
    assert png_image.format == "PNG"
    assert png_image.width == WIDTH_PX
    assert png_image.height == int(svg_root.get("height") or 0)
    grey = png_image.convert("L")
    histogram = grey.histogram()
    dark = sum(histogram[:128]) / (png_image.width * png_image.height)
    assert 0.02 < dark < 0.6, f"{dark:.3f} of the picture is dark"
    # The highlighted (moving) part is drawn in its own colour.
    rgb = tuple(int(HIGHLIGHT[i : i + 2], 16) for i in (1, 3, 5))
    raw = png_image.convert("RGB").tobytes()
    near = sum(
        1
        for i in range(0, len(raw), 3)
        if abs(raw[i] - rgb[0]) + abs(raw[i + 1] - rgb[1]) + abs(raw[i + 2] - rgb[2]) < 30
    )
    assert near > 50


def test_png_prints_in_black_and_white(png_image: Image.Image) -> None:
    """The moving part stays darker than the rest of the body once colour is gone."""
    from dorsi.pictures.scene import BODY, FAR, GHOST_FILL

    def luminance(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    order = [luminance(c) for c in (HIGHLIGHT, BODY, FAR, GHOST_FILL)]
    assert order == sorted(order)
    assert all(b - a > 25 for a, b in itertools.pairwise(order))


def test_the_moving_part_differs_between_start_and_end(exercise_id: str) -> None:
    picture = load_poses().pictures[exercise_id]
    figures = keyframe_figures(picture)
    moved = moved_parts(figures[0], figures[-1])
    assert moved, "nothing moves"
    markers = [a.marker for a in picture.arrows if isinstance(a, TurnArrow)]
    for marker in markers:
        assert math.dist(figures[0].landmarks[marker], figures[-1].landmarks[marker]) >= 1.0


def test_the_start_pose_is_drawn_as_a_dashed_ghost(svg_root: ET.Element) -> None:
    ghosts = [e for e in svg_root.iter() if e.get("class") == "ghost"]
    assert ghosts
    assert any(e.get("stroke-dasharray") for e in ghosts)


def _top_level(svg_root: ET.Element, role: str, part: str) -> ET.Element:
    for element in svg_root:
        if element.get("class") in role.split("|") and element.get("data-part") == part:
            return element
    raise AssertionError(f"no {role} {part} in the picture")


def test_drawn_ankle_angle_matches_the_data(svg_root: ET.Element, exercise_id: str) -> None:
    """Measure the ankle on the drawing itself: shank line against the sole line."""
    pose = load_poses().pictures[exercise_id].poses()[-1]
    for side in ("near", "far"):
        solid = "highlight|body|far"
        shank = _points(_top_level(svg_root, solid, f"{side}_shank").get("points") or "")
        foot = _points(_top_level(svg_root, solid, f"{side}_foot").get("points") or "")
        (kx, ky), (ax, ay) = shank[0], shank[-1]
        (hx, hy), (bx, by) = (foot[i] for i in FOOT_SOLE_VERTICES)
        # Canvas y points down: flip it back before measuring angles.
        shank_deg = math.degrees(math.atan2(-(ay - ky), ax - kx))
        sole_deg = math.degrees(math.atan2(-(by - hy), bx - hx))
        drawn = (sole_deg - shank_deg - 90.0 + 180.0) % 360.0 - 180.0
        expected = (pose.near if side == "near" else pose.far).ankle_deg
        assert drawn == pytest.approx(expected, abs=1.0), side


def test_nothing_sinks_through_the_floor(exercise_id: str) -> None:
    picture = load_poses().pictures[exercise_id]
    floor = BED_TOP_CM if picture.setting == "bed" else 0.0
    for figure in keyframe_figures(picture):
        for name, shapes in figure.parts.items():
            if picture.setting == "bed" and name == "hand":
                continue
            assert lowest_point(shapes) >= floor - FLOOR_TOLERANCE_CM, name


STANDING = [i for i in EXERCISE_IDS if load_poses().pictures[i].setting == "standing"]


@pytest.mark.parametrize("standing_id", STANDING)
def test_standing_feet_touch_the_floor(standing_id: str) -> None:
    picture = load_poses().pictures[standing_id]
    stance = {"both": ("near", "far"), "near": ("near",), "far": ("far",)}[picture.stance]
    for figure in keyframe_figures(picture):
        lows = [lowest_point(figure.parts[f"{s}_foot"] + figure.parts[f"{s}_toes"]) for s in stance]
        assert min(lows) == pytest.approx(0.0, abs=1e-6)
        assert max(lows) < 2.5  # no standing foot hovers


def test_arrows_point_from_start_toward_end(exercise_id: str) -> None:
    picture = load_poses().pictures[exercise_id]
    figures = keyframe_figures(picture)
    for arrow in picture.arrows:
        if not isinstance(arrow, TurnArrow):
            continue
        path = turn_path(picture, arrow)
        start, end = figures[0].landmarks[arrow.marker], figures[-1].landmarks[arrow.marker]
        assert math.dist(path[-1], end) < math.dist(path[-1], start)
        assert math.dist(path[0], start) < math.dist(path[0], end)
        # Set off from the part it follows, so it never hides it.
        assert math.dist(path[-1], end) == pytest.approx(arrow.offset_cm, abs=0.01)


def test_the_scene_is_tidy(exercise_id: str) -> None:
    scene = exercise_scene(exercise_id)
    assert 0.5 < scene.width / scene.height < 3.0
    roles = {item.role for item in scene.items}
    assert {"floor", "caption", "key"} <= roles
    zoom = load_poses().pictures[exercise_id].zoom
    groups = [item for item in scene.items if isinstance(item, Group)]
    assert len(groups) == (0 if zoom is None else 1)
    for group in groups:
        assert any(i.part == "arrow" and i.role == "arrow" for i in group.items)


def test_animation_is_a_valid_looping_svg(exercise_id: str, artifacts: Path) -> None:
    data = render_exercise_animation(exercise_id, width_px=400)
    (artifacts / f"{exercise_id}.animated.svg").write_bytes(data)
    root = ET.fromstring(data)  # noqa: S314 - our own output
    frames = [e for e in root if (e.get("class") or "").startswith("frame")]
    assert len(frames) >= 4
    style = root.find(f"{SVG}style")
    assert style is not None
    assert style.text
    assert "infinite" in style.text
    assert "prefers-reduced-motion" in style.text


_SEATED_LEG = st.fixed_dictionaries(
    {
        "hip_deg": st.floats(70, 110),
        "knee_deg": st.floats(60, 100),
        "ankle_deg": st.floats(-20, 25),
        "toes_deg": st.floats(0, 45),
    }
)


@settings(max_examples=25, deadline=None)
@given(start=_SEATED_LEG, end=_SEATED_LEG, both_ways=st.booleans())
def test_any_valid_seated_pose_makes_a_valid_picture(
    start: dict[str, float], end: dict[str, float], both_ways: bool
) -> None:
    """Any pose data that passes validation draws: the SVG parses and the ankle reads back."""
    from dorsi.pictures.compose import compose
    from dorsi.pictures.poses import Picture
    from dorsi.pictures.staging import check_picture
    from dorsi.pictures.svg import render_svg

    picture = Picture.model_validate(
        {
            "setting": "chair",
            "keyframes": [{"near": start}, {"near": end}],
            "highlight": ["near_foot"],
            "arrows": [
                {
                    "kind": "turn",
                    "marker": "near_toe_tip",
                    "pivot": "near_knee",
                    "both_ways": both_ways,
                }
            ],
            "caption": "A made-up movement.",
        }
    )
    assume(check_picture(picture) is None)
    root = ET.fromstring(render_svg(compose(picture, title="Test"), width_px=300))  # noqa: S314
    shank = _points(_top_level(root, "body|highlight", "near_shank").get("points") or "")
    foot = _points(_top_level(root, "body|highlight", "near_foot").get("points") or "")
    (kx, ky), (ax, ay) = shank[0], shank[-1]
    (hx, hy), (bx, by) = (foot[i] for i in FOOT_SOLE_VERTICES)
    drawn = (
        math.degrees(math.atan2(-(by - hy), bx - hx))
        - math.degrees(math.atan2(-(ay - ky), ax - kx))
        - 90.0
        + 180.0
    ) % 360.0 - 180.0
    assert drawn == pytest.approx(end["ankle_deg"], abs=1.0)
