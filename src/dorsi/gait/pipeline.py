"""The whole path: video file -> frames -> pose -> person -> :func:`analyze_track`.

Frames are streamed (decoded, posed, dropped), so memory does not grow with the video's
length; only the twelve keypoints per frame are kept. A second pass over the video runs only
when a non-walking person was tracked somewhere (see :mod:`dorsi.gait.person`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from dorsi.errors import InputError
from dorsi.gait._extra import cv2
from dorsi.gait.analysis import GaitAnalysis, VideoDiagnostics, analyze_track
from dorsi.gait.keypoints import KEYPOINTS, PoseTrack, Side
from dorsi.gait.person import Identity, choose_walker, mask_box, person_box, split_identities
from dorsi.gait.pose import PoseBackend, make_backend
from dorsi.gait.readahead import read_ahead
from dorsi.gait.report import GaitReport, VideoInfo
from dorsi.gait.thresholds import MIN_WALK_TRAVEL_SCALES
from dorsi.gait.video import VideoMeta, iter_frames, open_frames

LUMA_EVERY = 10  # sample the brightness every this many frames


@dataclass
class PoseRun:
    """Keypoints found in one pass over the video."""

    xy: NDArray[np.float64]
    visibility: NDArray[np.float64]
    present: NDArray[np.bool_]
    luma: list[float]


@dataclass
class VideoAnalysis:
    path: Path
    meta: VideoMeta
    analysis: GaitAnalysis

    @property
    def report(self) -> GaitReport:
        return self.analysis.report


def _to_rgb(frame: NDArray[np.uint8]) -> NDArray[np.uint8]:
    cv = cv2()
    return np.asarray(cv.cvtColor(frame, cv.COLOR_BGR2RGB), dtype=np.uint8)


def _run_stream(
    path: Path, frames: Iterator[NDArray[np.uint8]], backend: object, fps: float
) -> PoseRun:
    """One pass with a backend that follows the walker itself (``track``, e.g. LiteRT)."""
    luma: list[float] = []

    def sampled() -> Iterator[NDArray[np.uint8]]:
        for i, frame in enumerate(frames):
            if i % LUMA_EVERY == 0:
                luma.append(float(frame[::8, ::8].mean()))
            yield frame

    poses = list(backend.track(sampled(), fps=fps))  # type: ignore[attr-defined]
    if not poses:
        raise InputError(f"'{path}' holds no video frame that can be decoded", field="VIDEO")
    k = len(KEYPOINTS)
    xy = np.stack([np.full((k, 2), np.nan) if p is None else p.xy for p in poses])
    vis = np.stack([np.zeros(k) if p is None else p.visibility for p in poses])
    return PoseRun(xy, vis, np.array([p is not None for p in poses]), luma)


def _run_pose(
    path: Path,
    backend: PoseBackend,
    *,
    fps: float = 30.0,
    only: NDArray[np.bool_] | None = None,
    masks: dict[int, tuple[int, int, int, int]] | None = None,
    source: Iterator[NDArray[np.uint8]] | None = None,
) -> PoseRun:
    """One pass: pose on every frame (or only where ``only`` is True, masking ``masks``) of
    ``source`` (default: the video read again). Frames decode in a background thread
    (:func:`~dorsi.gait.readahead.read_ahead`)."""
    frames = read_ahead(source if source is not None else iter_frames(path))
    if hasattr(backend, "track") and only is None and not masks:
        return _run_stream(path, frames, backend, fps)
    xy_rows: list[NDArray[np.float64]] = []
    vis_rows: list[NDArray[np.float64]] = []
    present: list[bool] = []
    luma: list[float] = []
    k = len(KEYPOINTS)
    was_on = False
    for i, frame in enumerate(frames):
        if only is not None and (i >= only.size or not only[i]):
            if was_on:
                backend.reset()
            was_on = False
            xy_rows.append(np.full((k, 2), np.nan))
            vis_rows.append(np.zeros(k))
            present.append(False)
            continue
        was_on = True
        if i % LUMA_EVERY == 0:
            luma.append(float(frame[::8, ::8].mean()))
        if masks and i in masks:
            frame = mask_box(frame, masks[i])
        pose = backend.process(_to_rgb(frame))
        if pose is None:
            xy_rows.append(np.full((k, 2), np.nan))
            vis_rows.append(np.zeros(k))
            present.append(False)
        else:
            xy_rows.append(pose.xy)
            vis_rows.append(pose.visibility)
            present.append(True)
    if not xy_rows:
        raise InputError(f"'{path}' holds no video frame that can be decoded", field="VIDEO")
    return PoseRun(np.stack(xy_rows), np.stack(vis_rows), np.array(present), luma)


def _track_from(
    runs: dict[int, PoseRun], chosen: list[Identity], frames: int, fps: float
) -> PoseTrack:
    track = PoseTrack.empty(frames, fps)
    for ident in chosen:
        run = runs[ident.pass_no]
        seg = slice(ident.start, ident.stop)
        ok = run.present[seg]
        idx = np.arange(ident.start, ident.stop)[ok]
        track.xy[idx] = run.xy[idx]
        track.visibility[idx] = run.visibility[idx]
    return track


def analyze_video(
    path: str | Path,
    *,
    affected_side: Side | None = None,
    cutoff_hz: float = 6.0,
    backend: str | None = None,
    search_bystanders: bool = True,
) -> VideoAnalysis:
    """Decode, pose, choose the walker, clean, find events and measure (see module docs).

    Raises
    ------
    InputError
        (field ``VIDEO``) for a missing or unreadable file, or a video with no usable stride,
        saying why.
    """
    if cutoff_hz <= 0:
        raise InputError(f"must be a positive number of Hz (got {cutoff_hz:g})", field="cutoff_hz")
    video_path = Path(path)
    meta, source = open_frames(video_path)
    pose = make_backend(backend)
    try:
        first = _run_pose(video_path, pose, fps=meta.fps, source=source)
        frames = first.present.size
        runs = {1: first}
        identities = split_identities(first.xy, first.present, pass_no=1)
        min_travel = MIN_WALK_TRAVEL_SCALES.value
        bystanders = [i for i in identities if i.travel_scales < min_travel]
        warnings: list[str] = []
        # a backend that chose the walker itself has looked behind bystanders already
        if search_bystanders and bystanders and not getattr(pose, "finds_walker", False):
            recheck = np.zeros(frames, dtype=bool)
            masks: dict[int, tuple[int, int, int, int]] = {}
            for ident in bystanders:
                for f in range(ident.start, ident.stop):
                    if first.present[f]:
                        box = person_box(first.xy[f], meta.width, meta.height)
                        if box is not None:
                            recheck[f] = True
                            masks[f] = box
            pose.reset()
            second = _run_pose(video_path, pose, only=recheck, masks=masks)
            runs[2] = second
            found = split_identities(second.xy, second.present, pass_no=2)
            identities += found
        chosen = choose_walker(identities, min_travel_scales=min_travel, fps=meta.fps)
        if any(c.pass_no == 2 for c in chosen) or getattr(pose, "others_seen", False):
            warnings.append(
                "someone else was in the picture; the person walking across it was measured"
            )
    finally:
        pose.close()
    fps = meta.fps
    track = _track_from(runs, chosen, frames, fps)
    info = VideoInfo(
        fps=round(fps, 3),
        frames=frames,
        duration_s=round(frames / fps, 3),
        width=meta.width,
        height=meta.height,
    )
    tracked = np.any(track.visibility > 0, axis=1)
    diagnostics = VideoDiagnostics(
        mean_luma=float(np.mean(first.luma)) if first.luma else None, tracked=tracked
    )
    analysis = analyze_track(
        track,
        video=info,
        affected_side=affected_side,
        cutoff_hz=cutoff_hz,
        diagnostics=diagnostics,
        extra_warnings=warnings,
    )
    return VideoAnalysis(video_path, meta, analysis)
