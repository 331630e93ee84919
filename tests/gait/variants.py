"""A robustness set of real videos made from the Sports2D demo (a test tool).

A clinic's home videos differ from the demo in ways the demo alone never tries: a slow or
limping walk, the other direction, a walker entering and leaving a narrow picture, a walk
there and back, someone else in the room, a portrait phone, 24 or 60 frames a second, 480p
or 4K. Each variant here is made from the demo's own frames with OpenCV (and the FFmpeg of
imageio-ffmpeg for the rotation flag), written into a cache folder the first time it is asked
for (never committed, never downloaded), and carries what the analysis must find in it,
derived from how it was made: the time warp scales the cadence counted by eye, a mirror
exchanges the near and far leg, a limp lengthens one leg's swing.

Used by ``tests/gait/test_video_variants.py`` and ``benchmarks/gait_robustness.py``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from dorsi.errors import InputError
from dorsi.gait.analysis import analyze_track
from dorsi.gait.keypoints import PoseTrack
from dorsi.gait.report import GaitReport, VideoInfo

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT.parent / "shared" / "data" / "sports2d-demo" / "demo.mp4"
DEMO_FPS = 30.0
#: her heel strikes counted by eye from the demo's frames (see docs/gait.md, Accuracy)
EYE_STRIKES = (57, 76, 94, 113, 131, 149, 168, 186)
#: she is in the picture from about frame 40 to 205
WALK_FRAMES = (30, 210)
#: bump when a builder changes, so cached files are made again
BUILD_VERSION = "1"

Frame = NDArray[Any]


def cache_dir() -> Path:
    """Where the variants are written (``DORSI_GAIT_VARIANTS`` or the system's temp dir)."""
    base = os.environ.get("DORSI_GAIT_VARIANTS")
    return Path(base) if base else Path(tempfile.gettempdir()) / "dorsi-gait-variants"


def eye_cadence_spm(strikes: tuple[float, ...], fps: float) -> float:
    """Steps a minute between the first and the last heel strike."""
    return 60.0 * (len(strikes) - 1) / ((strikes[-1] - strikes[0]) / fps)


@dataclass(frozen=True)
class Expected:
    """What the analysis must find in a variant."""

    cadence_spm: float  # the eye's count carried through the variant's time warp
    cadence_tolerance_spm: float
    min_strides: int = 2
    both_sides: bool = False
    #: the side (by which of the eye's heel strikes it makes) whose swing is longer
    longer_swing_strikes: tuple[int, ...] = ()
    #: (start, stop) seconds of each pass that must hold a usable stride
    passes_s: tuple[tuple[float, float], ...] = ()
    someone_else: bool = False
    size: tuple[int, int] | None = None  # width, height as decoded (upright)
    fps: float | None = None


@dataclass(frozen=True)
class Variant:
    name: str
    what: str
    build: Callable[[Path], None]
    expected: Expected
    #: source frame (of the demo) for each output frame, when the variant warps time
    source_frames: tuple[int, ...] = field(default=(), repr=False)


# --- reading and writing ---------------------------------------------------------------------


def _demo_frames(indices: list[int] | None = None) -> Iterator[Frame]:
    """The demo's frames, in order (``indices``: only these, repeats allowed, non-decreasing)."""
    cap = cv2.VideoCapture(str(DEMO))
    try:
        if indices is None:
            while True:
                ok, frame = cap.read()
                if not ok:
                    return
                yield frame
        current, at = None, -1
        for want in indices:
            while at < want:
                ok, current = cap.read()
                if not ok:
                    return
                at += 1
            assert current is not None
            yield current
    finally:
        cap.release()


def _write(path: Path, frames: Iterator[Frame], fps: float) -> None:
    """Write ``frames`` as MPEG-4 (a temporary name first, so a half-written file never counts)."""
    partial = path.with_suffix(".part.mp4")
    writer: cv2.VideoWriter | None = None
    try:
        for frame in frames:
            if writer is None:
                h, w = frame.shape[:2]
                writer = cv2.VideoWriter(str(partial), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
            writer.write(frame)
    finally:
        if writer is not None:
            writer.release()
    partial.replace(path)


def warp_time(rate: Callable[[float], float], frames: int) -> list[int]:
    """Output frame -> nearest source frame when the source is played at ``rate(t)`` (source
    frames per output frame, at source frame ``t``): frames repeated where the walk is slowed."""
    out, t = [], 0.0
    while t <= frames - 1:
        out.append(round(t))
        t += rate(t)
    return out


def warped(strike: float, indices: list[int]) -> float:
    """Where source frame ``strike`` lands in the output (the mean of its output frames)."""
    where = np.flatnonzero(np.asarray(indices) == round(strike))
    return float(where.mean())


# --- the variants ----------------------------------------------------------------------------

SLOW_FACTOR = 2.0
#: the limp: steps ending at the 2nd, 4th, ... strike slowed 2.4 times, the others 1.2 times
LIMP_FACTORS = (2.4, 1.2)
STEP_FRAMES = (EYE_STRIKES[-1] - EYE_STRIKES[0]) / (len(EYE_STRIKES) - 1)


def _limp_rate(t: float) -> float:
    k = int(np.floor((t - EYE_STRIKES[0]) / STEP_FRAMES))
    inside = [i for i in range(len(EYE_STRIKES) - 1) if EYE_STRIKES[i] <= t < EYE_STRIKES[i + 1]]
    if inside:
        k = inside[0]
    return 1.0 / LIMP_FACTORS[k % 2]


def _slowed_indices() -> list[int]:
    lo, hi = WALK_FRAMES
    return [lo + i for i in warp_time(lambda _t: 1.0 / SLOW_FACTOR, hi - lo)]


def _limp_indices() -> list[int]:
    lo, hi = WALK_FRAMES
    return [lo + i for i in warp_time(lambda t: _limp_rate(t + lo), hi - lo)]


def _resampled_indices(fps: float) -> list[int]:
    n = int(230 * fps / DEMO_FPS)
    return [min(229, round(j * DEMO_FPS / fps)) for j in range(n)]


def _build_original(path: Path) -> None:
    _write(path, _demo_frames(), DEMO_FPS)


def _build_mirrored(path: Path) -> None:
    _write(path, (cv2.flip(f, 1) for f in _demo_frames()), DEMO_FPS)


def _build_indices(indices: list[int], fps: float = DEMO_FPS) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        _write(path, _demo_frames(indices), fps)

    return build


def _build_cropped(path: Path) -> None:
    """A narrower picture: she walks in at its right edge and out at its left."""

    def crop(frame: Frame) -> Frame:
        w = frame.shape[1]
        return np.ascontiguousarray(frame[:, int(0.15 * w) : int(0.85 * w)])

    _write(path, (crop(f) for f in _demo_frames()), DEMO_FPS)


def _build_there_and_back(path: Path) -> None:
    """Right to left, then (out of the picture, turned) back left to right: the mirrored walk
    follows, so the other leg is nearest the camera on the way back."""
    lo, hi = WALK_FRAMES
    span = list(range(lo, hi))

    def both() -> Iterator[Frame]:
        yield from _demo_frames(span)
        yield from (cv2.flip(f, 1) for f in _demo_frames(span))

    _write(path, both(), DEMO_FPS)


def _background(every: int = 10) -> Frame:
    frames = [f for i, f in enumerate(_demo_frames()) if i % every == 0]
    median: Frame = np.median(np.stack(frames), axis=0).astype(np.uint8)
    return median


SECOND_SCALE = 0.6
SECOND_FROM = 100  # the second walker appears at this output frame


def _build_second_walker(path: Path) -> None:
    """Someone else walks through the background, the other way, at half her cadence: her own
    mirrored figure (cut out against the median background), slowed 2 times, 0.6 times the
    size, feet on the grass behind her. Only pixels that differ from the background are
    pasted, so the scene stays the demo's."""
    background = cv2.flip(_background(), 1)
    h, w = background.shape[:2]
    kernel = np.ones((5, 5), np.uint8)
    second_src = [40 + (j - SECOND_FROM) // 2 for j in range(SECOND_FROM, 230)]
    sources = _demo_frames(second_src)
    sw, sh = int(w * SECOND_SCALE), int(h * SECOND_SCALE)
    x0, y0 = (w - sw) // 2, int(0.78 * h) - int(0.95 * sh)

    def composed() -> Iterator[Frame]:
        for j, frame in enumerate(_demo_frames()):
            if j >= SECOND_FROM:
                other = cv2.flip(next(sources), 1)
                diff = cv2.absdiff(other, background).max(axis=2)
                mask = (diff > 35).astype(np.uint8)
                mask[: int(0.47 * h)] = 0  # the man on the box stays where he is
                mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
                mask = cv2.dilate(mask, kernel)
                small = cv2.resize(other, (sw, sh), interpolation=cv2.INTER_AREA)
                small_mask = cv2.resize(mask, (sw, sh), interpolation=cv2.INTER_NEAREST) > 0
                region = frame[y0 : y0 + sh, x0 : x0 + sw]
                region[small_mask] = small[small_mask]
            yield frame

    _write(path, composed(), DEMO_FPS)


PORTRAIT_SIZE = (1080, 1920)


def _build_portrait(path: Path) -> None:
    """A phone held upright: the middle 80 % of the scene, with the sky and the grass carried
    on above and below to fill a 9:16 picture, scaled to 1080 x 1920."""
    pw, ph = PORTRAIT_SIZE

    def portrait(frame: Frame) -> Frame:
        w = frame.shape[1]
        middle = frame[:, int(0.1 * w) : int(0.9 * w)]
        mw, mh = middle.shape[1], middle.shape[0]
        tall = round(mw * ph / pw)
        top = (tall - mh) // 2
        padded = cv2.copyMakeBorder(middle, top, tall - mh - top, 0, 0, cv2.BORDER_REPLICATE)
        return cv2.resize(padded, (pw, ph), interpolation=cv2.INTER_AREA)

    _write(path, (portrait(f) for f in _demo_frames()), DEMO_FPS)


def _build_rotated(path: Path) -> None:
    """A phone's upright video as phones store it: the pixels turned a quarter and a rotation
    flag in the file (set with the FFmpeg of imageio-ffmpeg) that turns them back."""
    import imageio_ffmpeg  # type: ignore[import-untyped]

    turned = path.with_suffix(".turned.mp4")
    _write(turned, (cv2.rotate(f, cv2.ROTATE_90_CLOCKWISE) for f in _demo_frames()), DEMO_FPS)
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        *("-y", "-loglevel", "error", "-display_rotation", "90", "-i", str(turned)),
        *("-c", "copy", str(path.with_suffix(".part.mp4"))),
    ]
    subprocess.run(command, check=True, capture_output=True)
    turned.unlink()
    path.with_suffix(".part.mp4").replace(path)


def _build_resized(size: tuple[int, int], frames: list[int]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        interpolation = cv2.INTER_AREA if size[0] < 1768 else cv2.INTER_CUBIC
        _write(
            path,
            (cv2.resize(f, size, interpolation=interpolation) for f in _demo_frames(frames)),
            DEMO_FPS,
        )

    return build


def _eye(indices: list[int] | None = None, fps: float = DEMO_FPS) -> float:
    if indices is None:
        return eye_cadence_spm(EYE_STRIKES, fps)
    return eye_cadence_spm(tuple(warped(s, indices) for s in EYE_STRIKES), fps)


def _variants() -> list[Variant]:
    slowed, limp = _slowed_indices(), _limp_indices()
    fps24, fps60 = _resampled_indices(24.0), _resampled_indices(60.0)
    short = list(range(35, 210))
    one_pass_s = (WALK_FRAMES[1] - WALK_FRAMES[0]) / DEMO_FPS
    tolerance = 5.0  # steps a minute, as for the demo itself (test_robustness)
    return [
        Variant("original", "the demo as it is", _build_original, Expected(_eye(), tolerance)),
        Variant(
            "mirrored",
            "flipped left to right: she walks left to right, the other leg nearest",
            _build_mirrored,
            Expected(_eye(), tolerance),
        ),
        Variant(
            "slowed",
            f"her walk {SLOW_FACTOR:g} times slower (frames repeated): strides of about 2.5 s",
            _build_indices(slowed),
            Expected(_eye(slowed), tolerance / SLOW_FACTOR),
            tuple(slowed),
        ),
        Variant(
            "limp",
            "alternate steps slowed 2.4 and 1.2 times (frames repeated): a limping rhythm, "
            "one leg's swing much longer",
            _build_indices(limp),
            Expected(
                _eye(limp),
                tolerance / 1.8,
                longer_swing_strikes=EYE_STRIKES[1::2],
            ),
            tuple(limp),
        ),
        Variant(
            "cropped",
            "the middle 70 % of the picture: she walks in at one edge and out at the other",
            _build_cropped,
            Expected(_eye(), tolerance),
        ),
        Variant(
            "there_and_back",
            "right to left, then back left to right (the mirrored walk follows)",
            _build_there_and_back,
            Expected(
                _eye(),
                tolerance,
                both_sides=True,
                passes_s=((0.0, one_pass_s), (one_pass_s, 2 * one_pass_s)),
            ),
        ),
        Variant(
            "second_walker",
            "someone else walks the other way behind her, at half her cadence",
            _build_second_walker,
            Expected(_eye(), tolerance, someone_else=True),
        ),
        Variant(
            "portrait",
            "a 9:16 upright picture, 1080 x 1920",
            _build_portrait,
            Expected(_eye(), tolerance, size=PORTRAIT_SIZE),
        ),
        Variant(
            "rotated",
            "pixels stored turned a quarter, with the phone's rotation flag",
            _build_rotated,
            Expected(_eye(), tolerance, size=(1768, 994)),
        ),
        Variant(
            "fps24",
            "re-timed to 24 frames a second (nearest frames)",
            _build_indices(fps24, 24.0),
            Expected(_eye(), tolerance, fps=24.0),
        ),
        Variant(
            "fps60",
            "re-timed to 60 frames a second (each frame shown twice)",
            _build_indices(fps60, 60.0),
            Expected(_eye(), tolerance, fps=60.0),
        ),
        Variant(
            "480p",
            "scaled down to 854 x 480",
            _build_resized((854, 480), list(range(230))),
            Expected(_eye(), tolerance, size=(854, 480)),
        ),
        Variant(
            "4k",
            "scaled up to 3840 x 2160 (the walk only, frames 35-209)",
            _build_resized((3840, 2160), short),
            Expected(_eye(), tolerance, size=(3840, 2160)),
        ),
    ]


VARIANTS: dict[str, Variant] = {v.name: v for v in _variants()}


def variant_path(name: str) -> Path:
    """The variant's video, built into the cache the first time."""
    variant = VARIANTS[name]
    key = hashlib.sha256(f"{BUILD_VERSION}:{name}:{DEMO.stat().st_size}".encode()).hexdigest()
    path = cache_dir() / f"{name}-{key[:10]}.mp4"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        variant.build(path)
    return path


# --- pose tracks, cached -----------------------------------------------------------------------

#: the modules that decide the track handed to ``analyze_track``; a change to any of them
#: makes the cached tracks stale
TRACK_SOURCES = ("pose", "pipeline.py", "person.py", "video.py", "readahead.py")


def _track_key(video: Path, backend: str) -> str:
    gait = ROOT / "src" / "dorsi" / "gait"
    digest = hashlib.sha256(f"{video.name}:{backend}".encode())
    for name in TRACK_SOURCES:
        for file in (
            sorted((gait / name).rglob("*.py")) if (gait / name).is_dir() else [gait / name]
        ):
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Captured:
    """What the pipeline hands to ``analyze_track`` for one video."""

    track: PoseTrack
    info: VideoInfo
    warnings: tuple[str, ...]


def capture(name: str, backend: str = "litert") -> Captured:
    """The variant's pose track, video facts and warnings (the pose run is cached beside the
    video, keyed by the pose, person and video modules' source)."""
    import json
    from unittest import mock

    import dorsi.gait.pipeline as pipeline

    video = variant_path(name)
    key = _track_key(video, backend)
    npz, meta = video.with_suffix(f".{key}.npz"), video.with_suffix(f".{key}.json")
    if npz.exists() and meta.exists():
        data = np.load(npz)
        facts = json.loads(meta.read_text())
        track = PoseTrack(data["xy"], data["visibility"], float(data["fps"]))
        return Captured(track, VideoInfo(**facts["info"]), tuple(facts["warnings"]))
    seen: dict[str, Any] = {}
    real_analyze = analyze_track

    def record(track: PoseTrack, **kwargs: Any) -> Any:
        seen["track"] = track.copy()
        seen["info"] = kwargs["video"].model_dump(mode="json")
        seen["warnings"] = list(kwargs.get("extra_warnings") or [])
        return real_analyze(track, **kwargs)

    with mock.patch.object(pipeline, "analyze_track", record):
        try:
            pipeline.analyze_video(video, backend=backend)
        except InputError:
            if "track" not in seen:
                raise
    track = seen["track"]
    np.savez(npz, xy=track.xy, visibility=track.visibility, fps=track.fps)
    meta.write_text(json.dumps({"info": seen["info"], "warnings": seen["warnings"]}))
    return Captured(track, VideoInfo(**seen["info"]), tuple(seen["warnings"]))


def analyse(name: str, backend: str = "litert") -> GaitReport | InputError:
    """The variant analysed (pose from the cache, the analysis itself always run again)."""
    got = capture(name, backend)
    try:
        return analyze_track(got.track, video=got.info, extra_warnings=list(got.warnings)).report
    except InputError as exc:
        return exc


__all__ = [
    "DEMO",
    "EYE_STRIKES",
    "VARIANTS",
    "Captured",
    "Expected",
    "Variant",
    "analyse",
    "cache_dir",
    "capture",
    "variant_path",
]
