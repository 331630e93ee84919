"""Pose backends: a frame in, the :data:`~dorsi.gait.keypoints.KEYPOINTS` of one person out.

A backend is a small object with three methods (see :class:`PoseBackend`). It sees RGB frames
in order and may track between them; :meth:`reset` forgets the tracked person. New backends
(for example LiteRT running the BlazePose ``.tflite`` models directly, for speed) register in
:data:`BACKENDS` and are chosen by name; everything downstream sees only :class:`FramePose`.
"""

from __future__ import annotations

from collections.abc import Callable

from dorsi.errors import InputError
from dorsi.gait.pose.frame import FramePose, PoseBackend


def _mediapipe() -> PoseBackend:
    from dorsi.gait.pose.mediapipe_backend import MediaPipePose

    return MediaPipePose()


def _litert() -> PoseBackend:
    from dorsi.gait.pose.litert_backend import LiteRTPose

    return LiteRTPose()


BACKENDS: dict[str, Callable[[], PoseBackend]] = {"mediapipe": _mediapipe, "litert": _litert}
#: the backend used unless one is named: LiteRT, shown to agree with MediaPipe (docs/gait.md)
DEFAULT_BACKEND = "litert"


def make_backend(name: str | None = None) -> PoseBackend:
    """A new backend instance by name (``None``: :data:`DEFAULT_BACKEND`)."""
    name = DEFAULT_BACKEND if name is None else name
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise InputError(
            f"unknown pose backend '{name}'; choose from: {', '.join(BACKENDS)}", field="backend"
        ) from None
    return factory()


__all__ = ["BACKENDS", "DEFAULT_BACKEND", "FramePose", "PoseBackend", "make_backend"]
