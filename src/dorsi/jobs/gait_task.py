"""The analysis a gait job runs: video -> report, walking time, plot PNG, browser video.

Run as ``python -m dorsi.jobs.gait_task --video V --out DIR --affected-side S --answer FILE``
(by :func:`dorsi.jobs.isolate.run_child`); the answer is one JSON object written to FILE:

- ``{"ok": true, "report": <GaitReport JSON>, "walking_time_s": float | null, "notes": [...]}``
  with ``DIR/plot.png`` and ``DIR/annotated.mp4`` written;
- ``{"ok": false, "reason": "..."}`` when the video has no usable stride (the pipeline's own
  plain reason) or cannot be read.

**Walking time** (for gait speed = walked distance / walking time): the number of frames in
which the walker moves clearly across the picture, divided by the frame rate. "Clearly" is the
pipeline's own walking-direction test (:func:`dorsi.gait.events.walking_direction`: the pelvis
moving at 0.15 hip-to-ankle lengths per second or more, averaged over 0.5 s), so standing
still, the turn of a past-and-back walk and frames without the walker do not count.

The annotated video is re-encoded as H.264 in mp4 (at most 960 pixels wide, ``faststart``) by
the FFmpeg binary that the ``imageio-ffmpeg`` wheel ships: browsers, phones included, cannot play
the MPEG-4 Part 2 stream OpenCV writes, and OpenCV's wheels cannot encode H.264 (their VP8
encoder is too slow for a result someone waits for). Without ``imageio-ffmpeg`` the
OpenCV file is kept as it is (it downloads and plays in desktop players) and a note says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from dorsi.errors import DorsiError, InputError
from dorsi.gait._extra import require_gait_extra
from dorsi.gait._quiet import quiet_native_stderr
from dorsi.jobs.lifeline import die_with_parent

WEB_VIDEO_MAX_WIDTH = 960
NO_FFMPEG = (
    "The annotated video could not be made playable in a browser (imageio-ffmpeg is not "
    "installed); download it to watch it."
)


def walking_time_s(direction: Any, fps: float) -> float | None:
    """Seconds in which the walker moved clearly across the picture (see the module docs)."""
    import numpy as np

    frames = int(np.count_nonzero(np.asarray(direction) != 0))
    if frames == 0 or fps <= 0:
        return None
    return round(frames / fps, 3)


def to_web_video(source: Path, target: Path) -> bool:
    """Re-encode ``source`` as H.264 mp4 at most :data:`WEB_VIDEO_MAX_WIDTH` wide (True), or
    keep it as it is when no FFmpeg is installed (False)."""
    try:
        import imageio_ffmpeg  # type: ignore[import-untyped]
    except ImportError:
        os.replace(source, target)
        return False
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(source),
        "-an",
        "-vf",
        f"scale='min({WEB_VIDEO_MAX_WIDTH},iw)':-2",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "26",
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        str(target),
    ]
    done = subprocess.run(command, check=False, capture_output=True, timeout=600)  # noqa: S603
    if done.returncode != 0 or not target.exists():
        os.replace(source, target)
        return False
    source.unlink(missing_ok=True)
    return True


def analyse(video: Path, out_dir: Path, affected_side: str) -> dict[str, Any]:
    """Analyse ``video``, write the pictures into ``out_dir``; the answer (module docs)."""
    try:
        require_gait_extra()
        from dorsi.gait.pipeline import analyze_video
        from dorsi.gait.render import write_annotated_video, write_plot

        side = affected_side if affected_side in ("left", "right") else None
        result = analyze_video(video, affected_side=side)  # type: ignore[arg-type]
    except InputError as exc:
        return {"ok": False, "reason": exc.detail}
    except DorsiError as exc:
        return {"ok": False, "reason": exc.message}
    analysis = result.analysis
    fps = analysis.report.video.fps
    out_dir.mkdir(parents=True, exist_ok=True)
    write_plot(analysis, out_dir / "plot.png")
    raw = out_dir / "annotated-mp4v.mp4"
    write_annotated_video(analysis, video, raw)
    try:
        playable = to_web_video(raw, out_dir / "annotated.mp4")
    finally:
        raw.unlink(missing_ok=True)
    notes = [] if playable else [NO_FFMPEG]
    return {
        "ok": True,
        "report": analysis.report.model_dump(mode="json"),
        "walking_time_s": walking_time_s(analysis.direction, fps),
        "notes": notes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dorsi.jobs.gait_task")
    parser.add_argument("--video", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--affected-side", default="")
    parser.add_argument("--answer", required=True)
    parser.add_argument("--parent-pid", type=int, default=None)
    args = parser.parse_args(argv)
    if args.parent_pid is not None:
        die_with_parent(args.parent_pid)  # a killed worker leaves no analysis running
    answer = analyse(Path(args.video), Path(args.out), args.affected_side)
    target = Path(args.answer)
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(answer), encoding="utf-8")
    os.replace(partial, target)  # the answer appears whole or not at all
    return 0


if __name__ == "__main__":
    with quiet_native_stderr():
        code = main()
    sys.exit(code)
