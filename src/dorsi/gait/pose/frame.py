"""What every pose backend gives and is: one person's keypoints in a frame, and the three
methods the pipeline calls. A module of its own so the backends and the registry in
:mod:`dorsi.gait.pose` both build on it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from dorsi.gait.keypoints import FloatArray


@dataclass(frozen=True)
class FramePose:
    """One person's keypoints in one frame: ``xy`` (K, 2) pixels, ``visibility`` (K,) 0-1."""

    xy: FloatArray
    visibility: FloatArray


class PoseBackend(Protocol):
    """What the pipeline needs from a pose model."""

    name: str

    def process(self, frame_rgb: NDArray[np.uint8]) -> FramePose | None:
        """The person in this frame (None when nobody is found)."""
        ...

    def reset(self) -> None:
        """Forget the tracked person; the next frame starts a fresh detection."""
        ...

    def close(self) -> None: ...


__all__ = ["FramePose", "PoseBackend"]
