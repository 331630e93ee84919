"""Pictures of an analysis: a plot PNG of both ankle angles, and an annotated video.

The plot shows both ankles' angle over time (dorsiflexion up) with swing shaded per side and
a marker at each heel strike (|) and toe off (x) of the usable strides. The annotated video
draws the tracked skeleton, each ankle's angle, and the events as they happen.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dorsi.gait._extra import cv2, pyplot
from dorsi.gait.analysis import GaitAnalysis
from dorsi.gait.keypoints import INDEX, SIDES, Side
from dorsi.gait.video import iter_frames

COLOURS: dict[Side, str] = {"left": "#1f77b4", "right": "#d62728"}
_BGR: dict[Side, tuple[int, int, int]] = {"left": (180, 119, 31), "right": (40, 39, 214)}
_BONES = (
    ("left_shoulder", "right_shoulder"),
    ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"),
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("left_ankle", "left_heel"),
    ("left_heel", "left_toe"),
    ("left_ankle", "left_toe"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
    ("right_ankle", "right_heel"),
    ("right_heel", "right_toe"),
    ("right_ankle", "right_toe"),
)


def write_plot(analysis: GaitAnalysis, path: Path) -> Path:
    """Save the ankle-angle plot as a PNG at ``path``."""
    plt = pyplot()
    fps = analysis.cleaned.track.fps
    t = np.arange(analysis.cleaned.track.frames) / fps
    fig, axes = plt.subplots(2, 1, figsize=(10, 6), sharex=True, constrained_layout=True)
    for ax, side in zip(axes, SIDES, strict=True):
        colour = COLOURS[side]
        ax.plot(t, analysis.ankle_deg[side], color=colour, lw=1.6, label=f"{side} ankle")
        ax.axhline(0, color="0.5", lw=0.8, ls="--")
        for w in analysis.windows:
            if w.side != side or w.toe_off is None:
                continue
            usable = w.stride is not None
            ax.axvspan(
                w.heel_strike / fps, w.toe_off / fps, color="0.85" if usable else "0.95", lw=0
            )
            ax.axvspan(
                w.toe_off / fps,
                w.next_heel_strike / fps,
                color=colour if usable else "0.9",
                alpha=0.18 if usable else 0.5,
                lw=0,
            )
            for pos, marker in ((w.heel_strike, "|"), (w.toe_off, "x"), (w.next_heel_strike, "|")):
                y = float(np.interp(pos / fps, t, analysis.ankle_deg[side]))
                ax.plot(pos / fps, y, marker=marker, color="k", ms=10 if marker == "|" else 6)
        ax.set_ylabel(f"{side} ankle (deg)\ndorsiflexion +")
        ax.grid(alpha=0.3)
        ax.set_title(
            f"{side}: grey = stance, colour = swing, | heel strike, x toe off",
            fontsize=9,
            loc="left",
        )
    axes[-1].set_xlabel("time (s)")
    fig.suptitle("Ankle angle while walking (0 deg = foot at 90 deg to the shank)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_annotated_video(analysis: GaitAnalysis, video_path: Path, path: Path) -> Path:
    """Save the video with skeleton, ankle angles and events drawn in, as mp4 at ``path``."""
    cv = cv2()
    track = analysis.cleaned.track
    fps = track.fps
    events: dict[int, list[str]] = {}
    for w in analysis.windows:
        if w.stride is None or w.toe_off is None:
            continue
        for pos, label in ((w.heel_strike, "heel strike"), (w.toe_off, "toe off")):
            for f in range(round(pos), round(pos) + int(fps // 3)):
                events.setdefault(f, []).append(f"{w.side} {label}")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    try:
        for i, frame in enumerate(iter_frames(video_path)):
            if writer is None:
                h, w_px = frame.shape[:2]
                fourcc = cv.VideoWriter.fourcc(*"mp4v")
                writer = cv.VideoWriter(str(path), fourcc, fps, (w_px, h))
            scale = max(frame.shape[:2]) / 1000.0
            thick = max(1, round(2 * scale))
            if i < track.frames:
                xy = track.xy[i]
                for a, b in _BONES:
                    pa, pb = xy[INDEX[a]], xy[INDEX[b]]
                    if np.all(np.isfinite(pa)) and np.all(np.isfinite(pb)):
                        side: Side = "left" if a.startswith("left") else "right"
                        cv.line(
                            frame,
                            (int(pa[0]), int(pa[1])),
                            (int(pb[0]), int(pb[1])),
                            _BGR[side],
                            thick,
                            cv.LINE_AA,
                        )
                for row, side in enumerate(SIDES):
                    angle = analysis.ankle_deg[side][i]
                    text = f"{side} ankle {angle:+.0f} deg" if np.isfinite(angle) else f"{side} -"
                    cv.putText(
                        frame,
                        text,
                        (int(20 * scale), int((40 + 40 * row) * scale)),
                        cv.FONT_HERSHEY_SIMPLEX,
                        1.0 * scale,
                        _BGR[side],
                        thick,
                        cv.LINE_AA,
                    )
                for row, label in enumerate(events.get(i, [])):
                    cv.putText(
                        frame,
                        label,
                        (int(20 * scale), int((140 + 40 * row) * scale)),
                        cv.FONT_HERSHEY_SIMPLEX,
                        1.0 * scale,
                        (0, 200, 255),
                        thick,
                        cv.LINE_AA,
                    )
            writer.write(frame)
    finally:
        if writer is not None:
            writer.release()
    return path
