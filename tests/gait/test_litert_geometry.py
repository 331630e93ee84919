"""The pure maths around the BlazePose models (no model, no video)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.gait.pose.litert_geometry import (
    DETECTOR_INPUT_PX,
    LANDMARK_COUNT,
    LANDMARK_INPUT_PX,
    ROI_SCALE,
    Detection,
    Letterbox,
    Roi,
    crop_to_image,
    decode_detections,
    decode_landmarks,
    detector_tiles,
    merge_detections,
    refine_with_heatmap,
    roi_from_points,
    roi_matrix,
    ssd_anchors,
)

LOGIT_SURE = 10.0  # sigmoid ~ 1
LOGIT_NO = -30.0


def test_anchors_match_the_detector_output() -> None:
    anchors = ssd_anchors()
    assert anchors.shape == (2254, 2)  # 28*28*2 + 14*14*2 + 7*7*6
    assert np.all((anchors > 0) & (anchors < 1))
    np.testing.assert_allclose(anchors[0], [0.5 / 28, 0.5 / 28])
    np.testing.assert_allclose(anchors[1], anchors[0])  # two anchors per cell
    np.testing.assert_allclose(anchors[-1], [6.5 / 7, 6.5 / 7])
    # the 7x7 map carries six anchors per cell
    np.testing.assert_allclose(anchors[-6:], np.repeat([[6.5 / 7, 6.5 / 7]], 6, axis=0))


@given(
    width=st.integers(16, 4000),
    height=st.integers(16, 4000),
    x=st.floats(0, 1),
    y=st.floats(0, 1),
)
def test_letterbox_maps_back_to_the_image(width: int, height: int, x: float, y: float) -> None:
    box = Letterbox.fit(width, height)
    point = np.array([x * width, y * height])
    matrix = box.matrix()
    into = matrix[:, :2] @ point + matrix[:, 2]
    assert np.all(into >= -1e-6)
    assert np.all(into <= DETECTOR_INPUT_PX + 1e-6)
    np.testing.assert_allclose(box.to_image(into), point, atol=1e-6 * max(width, height))


def _raw(
    entries: dict[int, tuple[float, list[float]]],
) -> tuple[np.ndarray, np.ndarray]:
    """Detector outputs with ``anchor -> (logit, 12 offsets)`` set, every other anchor empty."""
    boxes = np.zeros((1, 2254, 12), np.float32)
    scores = np.full((1, 2254, 1), LOGIT_NO, np.float32)
    for anchor, (logit, values) in entries.items():
        boxes[0, anchor] = values
        scores[0, anchor, 0] = logit
    return boxes, scores


def test_one_detection_decodes_to_pixels() -> None:
    anchors = ssd_anchors()
    box = Letterbox.fit(448, 224)  # landscape: scale 0.5, padded 56 above and below
    # anchor 0 is centred at input pixel (4, 4); the box 20 px wide and 10 high, shifted (+6, +2)
    offsets: list[float] = [6, 2, 20, 10, 6, 2, 6, -38, 6, 22, 6, 12]
    detections = decode_detections(*_raw({0: (LOGIT_SURE, offsets)}), anchors, box)
    assert len(detections) == 1
    found = detections[0]
    assert found.score == pytest.approx(1.0, abs=1e-4)
    # input (10, 6) -> image ((10 - 0) / 0.5, (6 - 56) / 0.5) = (20, -100)
    assert found.hip_px == pytest.approx((20.0, -100.0))
    np.testing.assert_allclose(found.keypoints[1], [20.0, -180.0])
    assert found.box == pytest.approx((0.0, -110.0, 40.0, -90.0))


def test_weak_detections_are_dropped() -> None:
    anchors = ssd_anchors()
    raw = _raw({5: (-1.0, [0.0, 0.0, 10.0, 10.0] + [0.0] * 8)})  # sigmoid(-1) = 0.27
    assert decode_detections(*raw, anchors, Letterbox.fit(224, 224)) == []
    assert len(decode_detections(*raw, anchors, Letterbox.fit(224, 224), min_score=0.2)) == 1


def test_an_empty_box_still_decodes() -> None:
    """A zero-sized box overlaps nothing, not even itself; it must not stall the suppression."""
    raw = _raw({5: (LOGIT_SURE, [0.0] * 12), 6: (LOGIT_SURE, [0.0] * 12)})
    found = decode_detections(*raw, ssd_anchors(), Letterbox.fit(224, 224))
    assert len(found) == 2


def test_overlapping_detections_are_averaged_by_score() -> None:
    """Weighted non-maximum suppression: the best box absorbs the boxes that overlap it."""
    anchors = ssd_anchors()
    same_cell = [0.0, 0.0, 40.0, 40.0] + [0.0] * 8
    shifted = [4.0, 0.0, 40.0, 40.0] + [4.0, 0.0] * 4
    raw = _raw({600: (LOGIT_SURE, same_cell), 601: (0.0, shifted)})  # scores 1.0 and 0.5
    (found,) = decode_detections(*raw, anchors, Letterbox.fit(224, 224))
    centre = anchors[600] * DETECTOR_INPUT_PX
    weight = 0.5 / 1.5
    assert found.score == pytest.approx(1.0, abs=1e-4)
    assert found.hip_px[0] == pytest.approx(centre[0] + 4.0 * weight, abs=1e-3)
    assert found.hip_px[1] == pytest.approx(centre[1], abs=1e-3)


def test_separate_people_are_kept_best_first() -> None:
    anchors = ssd_anchors()
    body = [0.0, 0.0, 20.0, 20.0] + [0.0] * 8
    raw = _raw({10: (1.0, body), 1500: (3.0, body)})  # far apart
    found = decode_detections(*raw, anchors, Letterbox.fit(224, 224))
    assert [round(d.score, 3) for d in found] == [
        round(1 / (1 + math.exp(-3.0)), 3),
        round(1 / (1 + math.exp(-1.0)), 3),
    ]


@settings(max_examples=50, deadline=None)
@given(st.integers(240, 2160), st.floats(1.25, 3.0))
def test_tiles_of_a_tall_picture_cover_it_and_overlap(width: int, aspect: float) -> None:
    """Square tiles as wide as the picture, from its top to its bottom, each overlapping the
    next by at least a third (a person cut by one tile's edge is whole in the next)."""
    height = round(width * aspect)
    tiles = detector_tiles(width, height)
    assert len(tiles) >= 2
    tops = []
    for tile in tiles:
        corner = tile.to_image(np.array([[0.0, 0.0], [DETECTOR_INPUT_PX, DETECTOR_INPUT_PX]]))
        assert corner[0] == pytest.approx([0.0, corner[0, 1]])
        assert corner[1, 0] - corner[0, 0] == pytest.approx(width)
        assert corner[1, 1] - corner[0, 1] == pytest.approx(width)
        tops.append(corner[0, 1])
    assert tops[0] == pytest.approx(0.0)
    assert tops[-1] + width == pytest.approx(height, abs=1.0)
    assert all(b - a <= (2 / 3) * width + 1.0 for a, b in itertools.pairwise(tops))


def test_a_picture_that_is_not_tall_has_no_tiles() -> None:
    assert detector_tiles(1920, 1080) == []
    assert detector_tiles(1080, 1080) == []
    assert detector_tiles(1080, 1250) == []


def test_a_person_seen_in_two_views_is_counted_once_best_first() -> None:
    def person(score: float, x: float) -> Detection:
        return Detection(score, (x, 100.0, x + 50.0, 150.0), np.zeros((4, 2)))

    whole = [person(0.6, 100.0)]
    tile_a = [person(0.9, 104.0), person(0.7, 600.0)]
    tile_b = [person(0.8, 98.0)]
    merged = merge_detections([whole, tile_a, tile_b])
    assert [(d.score, d.box[0]) for d in merged] == [(0.9, 104.0), (0.7, 600.0)]


def test_region_of_an_upright_body() -> None:
    roi = roi_from_points(np.array([100.0, 200.0]), np.array([100.0, 120.0]))
    assert roi.rotation_rad == pytest.approx(0.0)
    assert roi.size_px == pytest.approx(2 * 80 * ROI_SCALE)
    assert (roi.x_px, roi.y_px) == (100.0, 200.0)


def test_region_of_a_body_lying_head_right_is_turned_a_quarter() -> None:
    roi = roi_from_points(np.array([100.0, 200.0]), np.array([180.0, 200.0]))
    assert roi.rotation_rad == pytest.approx(math.pi / 2)
    upside_down = roi_from_points(np.array([100.0, 200.0]), np.array([100.0, 280.0]))
    assert abs(upside_down.rotation_rad) == pytest.approx(math.pi)


@given(
    x=st.floats(-500, 2500),
    y=st.floats(-500, 2500),
    size=st.floats(20, 3000),
    rotation=st.floats(-math.pi, math.pi),
    points=st.lists(st.tuples(st.floats(-0.5, 1.5), st.floats(-0.5, 1.5)), min_size=1, max_size=8),
)
def test_crop_matrix_and_crop_to_image_are_inverse(
    x: float, y: float, size: float, rotation: float, points: list[tuple[float, float]]
) -> None:
    roi = Roi(x, y, size, rotation)
    crop01 = np.array(points, np.float64)
    image = crop_to_image(crop01, roi)
    matrix = roi_matrix(roi)
    back = (image @ matrix[:, :2].T + matrix[:, 2]) / LANDMARK_INPUT_PX
    np.testing.assert_allclose(back, crop01, atol=1e-6)


def test_crop_centre_and_corner() -> None:
    roi = Roi(50.0, 60.0, 100.0, math.pi / 2)
    np.testing.assert_allclose(crop_to_image(np.array([[0.5, 0.5]]), roi), [[50.0, 60.0]])
    # turned a quarter clockwise: the crop's "up" (y = 0) is the image's right (+x)
    np.testing.assert_allclose(crop_to_image(np.array([[0.5, 0.0]]), roi), [[100.0, 60.0]])


def _heatmap_with_peak(row: int, col: int, channel: int, channels: int = 39) -> np.ndarray:
    heat = np.full((64, 64, channels), LOGIT_NO, np.float32)
    heat[row, col, channel] = LOGIT_SURE
    return heat


def test_refine_moves_a_landmark_to_its_heatmap_peak() -> None:
    xy = np.full((39, 2), 0.5)
    heat = _heatmap_with_peak(30, 34, channel=3)
    out = refine_with_heatmap(xy, heat)
    np.testing.assert_allclose(out[3], [34 / 64, 30 / 64], atol=1e-6)
    np.testing.assert_allclose(np.delete(out, 3, axis=0), np.delete(xy, 3, axis=0))


def test_refine_leaves_unsure_distant_and_outside_points() -> None:
    xy = np.full((39, 2), 0.5)
    xy[4] = [1.2, 0.5]  # outside the crop
    heat = np.full((64, 64, 39), LOGIT_NO, np.float32)
    heat[32, 33, 0] = 0.0  # confidence 0.5 at best: refined (>= 0.5)
    heat[32, 33, 1] = -0.5  # 0.38: not refined
    heat[10, 10, 2] = LOGIT_SURE  # outside the 7x7 window
    heat[32, 32, 4] = LOGIT_SURE
    out = refine_with_heatmap(xy, heat)
    assert out[0, 0] == pytest.approx(33 / 64, abs=1e-3)
    np.testing.assert_allclose(out[1:5], xy[1:5])


def test_refine_only_the_chosen_landmarks() -> None:
    xy = np.full((39, 2), 0.5)
    heat = _heatmap_with_peak(30, 34, channel=3)
    heat[30, 34, 5] = LOGIT_SURE
    out = refine_with_heatmap(xy, heat, which=np.array([5]))
    np.testing.assert_allclose(out[3], xy[3])
    np.testing.assert_allclose(out[5], [34 / 64, 30 / 64], atol=1e-6)


def test_refine_window_is_cut_at_the_map_edge() -> None:
    xy = np.zeros((39, 2))  # the top-left cell
    heat = np.full((64, 64, 39), LOGIT_NO, np.float32)
    heat[0, 0, 0] = LOGIT_SURE
    heat[2, 2, 0] = LOGIT_SURE
    out = refine_with_heatmap(xy, heat)
    np.testing.assert_allclose(out[0], [1 / 64, 1 / 64], atol=1e-6)


def test_decode_landmarks_to_pixels_with_visibility() -> None:
    raw = np.zeros((1, LANDMARK_COUNT * 5), np.float32)
    values = raw.reshape(LANDMARK_COUNT, 5)
    values[:, 0] = 128.0  # crop centre
    values[:, 1] = 64.0  # a quarter from the top
    values[:, 3] = 0.0  # visibility logit 0 -> 0.5
    values[0, 3] = LOGIT_SURE
    heat = np.full((1, 64, 64, LANDMARK_COUNT), LOGIT_NO, np.float32)
    roi = Roi(300.0, 400.0, 200.0, 0.0)
    marks = decode_landmarks(raw, 0.9, heat, roi)
    np.testing.assert_allclose(marks.xy[5], [300.0, 350.0])
    assert marks.visibility[0] == pytest.approx(1.0, abs=1e-4)
    assert marks.visibility[5] == pytest.approx(0.5)
    assert marks.presence == 0.9
    nxt = marks.next_roi()  # hip centre and size point coincide here: a point-sized region
    assert (nxt.x_px, nxt.y_px) == pytest.approx((300.0, 350.0))


@settings(max_examples=50)
@given(
    seed=st.integers(0, 2**32 - 1),
    which=st.lists(st.integers(0, 38), min_size=1, max_size=39, unique=True),
)
def test_refine_stays_within_its_window(seed: int, which: list[int]) -> None:
    """Wherever the heat is, a refined point moves at most half the 7-cell window."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, 1.0, (39, 2))
    heat = rng.normal(0.0, 3.0, (64, 64, 39)).astype(np.float32)
    out = refine_with_heatmap(xy, heat, which=np.array(which))
    moved = np.abs(out - xy) * 64
    assert np.all(moved <= 4.0 + 1e-9)
    untouched = np.setdiff1d(np.arange(39), which)
    np.testing.assert_array_equal(out[untouched], xy[untouched])


@given(
    x=st.floats(-300, 2300),
    y=st.floats(-300, 1400),
    size=st.floats(20, 1500),
    rotation=st.floats(-math.pi, math.pi),
)
def test_crop_bounds_hold_every_pixel_the_crop_reads(
    x: float, y: float, size: float, rotation: float
) -> None:
    from dorsi.gait.pose.litert_geometry import roi_bounds

    width, height = 1920, 1080
    roi = Roi(x, y, size, rotation)
    corners = crop_to_image(np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float64), roi)
    bounds = roi_bounds(roi, width, height)
    clipped = np.clip(corners, [0, 0], [width - 1, height - 1])
    outside = np.all(corners[:, 0] < 0) or np.all(corners[:, 0] >= width)
    outside = outside or np.all(corners[:, 1] < 0) or np.all(corners[:, 1] >= height)
    if bounds is None:
        assert outside
        return
    x0, y0, x1, y1 = bounds
    assert 0 <= x0 < x1 <= width
    assert 0 <= y0 < y1 <= height
    if not outside:
        assert np.all(clipped[:, 0] >= x0 - 1e-9)
        assert np.all(clipped[:, 0] <= x1 - 1 + 1e-9)
        assert np.all(clipped[:, 1] >= y0 - 1e-9)
        assert np.all(clipped[:, 1] <= y1 - 1 + 1e-9)
