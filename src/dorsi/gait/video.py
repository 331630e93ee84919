"""Reading a phone video frame by frame (OpenCV), never holding the whole video.

Rotation metadata is honoured: OpenCV's FFmpeg backend turns frames upright when
``CAP_PROP_ORIENTATION_AUTO`` is on (set explicitly here), so a portrait phone video comes out
portrait. Width and height are those of the upright frames.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dorsi.errors import InputError, PayloadTooLargeError
from dorsi.gait._extra import cv2


@dataclass(frozen=True)
class VideoMeta:
    fps: float
    frames: int  # as declared by the container (may be approximate)
    width: int
    height: int
    rotation_deg: int

    @property
    def duration_s(self) -> float:
        """Length as the container declares it (frame count / frame rate); 0 when unknown."""
        return self.frames / self.fps if self.fps > 0 else 0.0


def _open(path: Path) -> Any:
    if not path.exists():
        raise InputError(f"file '{path}' does not exist", field="VIDEO")
    if path.is_dir():
        raise InputError(f"'{path}' is a folder, not a video file", field="VIDEO")
    cap = cv2().VideoCapture(str(path))
    if not cap.isOpened():
        raise InputError(
            f"cannot read '{path}' as a video (use an mp4 or mov file from a phone)", field="VIDEO"
        )
    cap.set(cv2().CAP_PROP_ORIENTATION_AUTO, 1)
    return cap


def format_duration(seconds: float) -> str:
    """``10 min 3 s``, ``2 min``, ``45 s``: a length people read at a glance."""
    whole = max(0, round(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} min" if minutes else f"{rest} s"


def _meta(
    cap: Any, path: Path, max_duration_s: float | None = None
) -> tuple[VideoMeta, NDArray[np.uint8]]:
    """The video's metadata from an open capture, and its first (upright) frame.

    With ``max_duration_s``, a video the container declares longer is refused before any frame
    is decoded (a long video would keep a worker busy for minutes).
    """
    cv = cv2()
    fps = float(cap.get(cv.CAP_PROP_FPS))
    count = int(cap.get(cv.CAP_PROP_FRAME_COUNT))
    rotation = int(cap.get(cv.CAP_PROP_ORIENTATION_META))
    if max_duration_s is not None and np.isfinite(fps) and fps > 1.0 and count > 0:
        _check_duration(count / fps, max_duration_s)
    ok, frame = cap.read()
    if not ok or frame is None:
        raise InputError(f"'{path}' holds no video frame that can be decoded", field="VIDEO")
    if not np.isfinite(fps) or fps <= 1.0 or fps > 1000.0:
        raise InputError(f"'{path}' has no usable frame rate (got {fps:g})", field="VIDEO")
    height, width = frame.shape[:2]
    return VideoMeta(fps, max(count, 0), int(width), int(height), rotation), frame


def _check_duration(duration_s: float, max_duration_s: float) -> None:
    if duration_s > max_duration_s:
        raise PayloadTooLargeError(
            f"video: {format_duration(duration_s)} is longer than the "
            f"{format_duration(max_duration_s)} allowed; record a shorter walk"
        )


def probe(path: str | Path, *, max_duration_s: float | None = None) -> VideoMeta:
    """Frame rate, frame count, upright size and rotation of a video; with ``max_duration_s``,
    :class:`PayloadTooLargeError` (413) for a longer one (judged from the container, before
    any frame is decoded)."""
    cap = _open(Path(path))
    try:
        return _meta(cap, Path(path), max_duration_s)[0]
    finally:
        cap.release()


def open_frames(path: str | Path) -> tuple[VideoMeta, Iterator[NDArray[np.uint8]]]:
    """:func:`probe` and :func:`iter_frames` with one opening of the file (the first frame,
    decoded to learn the upright size, is the first one yielded)."""
    cap = _open(Path(path))
    try:
        meta, first = _meta(cap, Path(path))
    except BaseException:
        cap.release()
        raise

    def frames() -> Iterator[NDArray[np.uint8]]:
        try:
            yield first
            yield from _read_all(cap)
        finally:
            cap.release()

    return meta, frames()


def _read_all(cap: Any) -> Iterator[NDArray[np.uint8]]:
    while True:
        ok, frame = cap.read()
        if not ok or frame is None:
            return
        yield frame


def iter_frames(path: str | Path) -> Iterator[NDArray[np.uint8]]:
    """Upright BGR frames, one at a time."""
    cap = _open(Path(path))
    try:
        yield from _read_all(cap)
    finally:
        cap.release()
