"""Reading a phone video frame by frame (OpenCV), never holding the whole video.

Rotation metadata is honoured: OpenCV's FFmpeg backend turns frames upright when
``CAP_PROP_ORIENTATION_AUTO`` is on (set explicitly here), so a portrait phone video comes out
portrait. Width and height are those of the upright frames.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from dorsi.errors import InputError

# FFmpeg and OpenCV write to the process's stderr directly; keep them quiet (errors are ours)
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")


@dataclass(frozen=True)
class VideoMeta:
    fps: float
    frames: int  # as declared by the container (may be approximate)
    width: int
    height: int
    rotation_deg: int


def _open(path: Path) -> object:
    import cv2

    if not path.exists():
        raise InputError(f"file '{path}' does not exist", field="VIDEO")
    if path.is_dir():
        raise InputError(f"'{path}' is a folder, not a video file", field="VIDEO")
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise InputError(
            f"cannot read '{path}' as a video (use an mp4 or mov file from a phone)", field="VIDEO"
        )
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap


def _meta(cap: object, path: Path) -> tuple[VideoMeta, NDArray[np.uint8]]:
    """The video's metadata from an open capture, and its first (upright) frame."""
    import cv2

    fps = float(cap.get(cv2.CAP_PROP_FPS))  # type: ignore[attr-defined]
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))  # type: ignore[attr-defined]
    rotation = int(cap.get(cv2.CAP_PROP_ORIENTATION_META))  # type: ignore[attr-defined]
    ok, frame = cap.read()  # type: ignore[attr-defined]
    if not ok or frame is None:
        raise InputError(f"'{path}' holds no video frame that can be decoded", field="VIDEO")
    if not np.isfinite(fps) or fps <= 1.0 or fps > 1000.0:
        raise InputError(f"'{path}' has no usable frame rate (got {fps:g})", field="VIDEO")
    height, width = frame.shape[:2]
    return VideoMeta(fps, max(count, 0), int(width), int(height), rotation), frame


def probe(path: str | Path) -> VideoMeta:
    """Frame rate, frame count, upright size and rotation of a video."""
    cap = _open(Path(path))
    try:
        return _meta(cap, Path(path))[0]
    finally:
        cap.release()  # type: ignore[attr-defined]


def open_frames(path: str | Path) -> tuple[VideoMeta, Iterator[NDArray[np.uint8]]]:
    """:func:`probe` and :func:`iter_frames` with one opening of the file (the first frame,
    decoded to learn the upright size, is the first one yielded)."""
    cap = _open(Path(path))
    try:
        meta, first = _meta(cap, Path(path))
    except BaseException:
        cap.release()  # type: ignore[attr-defined]
        raise

    def frames() -> Iterator[NDArray[np.uint8]]:
        try:
            yield first
            yield from _read_all(cap)
        finally:
            cap.release()  # type: ignore[attr-defined]

    return meta, frames()


def _read_all(cap: object) -> Iterator[NDArray[np.uint8]]:
    while True:
        ok, frame = cap.read()  # type: ignore[attr-defined]
        if not ok or frame is None:
            return
        yield frame


def iter_frames(path: str | Path) -> Iterator[NDArray[np.uint8]]:
    """Upright BGR frames, one at a time."""
    cap = _open(Path(path))
    try:
        yield from _read_all(cap)
    finally:
        cap.release()  # type: ignore[attr-defined]
