"""Speed of ``dorsi gait analyze`` against MediaPipe's own pipeline (issues 4 and 9).

For the Sports2D demo video and a 720p/30 fps clip made from it, prints frames per second of

- ``decode``: OpenCV decoding alone;
- ``pose``: Dorsi's pose backend alone (LiteRT by default), frames handed over already decoded;
- ``dorsi``: Dorsi's whole analysis (decode, pose, person choice, cleaning, events, metrics; no
  annotated video), and that as a multiple of real time;
- ``mp ref``: MediaPipe's legacy ``solutions.pose`` pipeline (full model, tracking on, OpenCV
  decoding), the reference, and ``dorsi/ref``;
- ``overhead``: the analysis' time per frame beyond decoding and pose inference, as a share of
  pose inference (``strict``: beyond pose inference only, decoding counted as overhead);
- ``ref cpu`` and ``dorsi cpu``: processor time per frame (milliseconds, every thread of the
  process, best run) of the reference and of Dorsi's whole analysis, and ``cpu x`` their ratio:
  what each costs whatever else the machine runs (on a shared machine the frames per second
  follow the other jobs; the processor time barely moves);
- ``agree``: the median over frames of the median distance between Dorsi's twelve keypoints
  and the reference's, in torso lengths (mid-shoulder to mid-hip), on the frames where both
  follow the same person (``same``: how many frames that is).

Then the peak resident memory of ``dorsi gait analyze`` on a 60 s 1080p video generated here.
The runs alternate and each figure is the best of ``--repeat`` runs, in this one process, so the
ratios hold on a busy machine even when absolute times drift.

Targets (issue 9): ``dorsi/ref`` >= 2, ``overhead`` < 10 %, ``agree`` <= 0.05, peak memory
< 1 GiB. Exits 1 when one is missed.

Usage: ``.venv/bin/python benchmarks/gait.py [--repeat N] [--backend NAME] [--skip-memory]``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT.parent / "shared" / "data" / "sports2d-demo" / "demo.mp4"
MIN_RATIO = 2.0
MAX_OVERHEAD = 0.10
MAX_DISAGREEMENT_TORSO = 0.05
MAX_RSS_MIB = 1024.0
MEMORY_VIDEO_S = 60


def make_clip(source: Path, target: Path, size: tuple[int, int], *, seconds: float = 0) -> Path:
    """``source`` resized to ``size``; looped to ``seconds`` when given (mp4v)."""
    import cv2

    from dorsi.gait.video import iter_frames, probe

    fps = probe(source).fps
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
    wanted = round(seconds * fps) if seconds else None
    written = 0
    while wanted is None or written < wanted:
        for frame in iter_frames(source):
            writer.write(cv2.resize(frame, size, interpolation=cv2.INTER_AREA))
            written += 1
            if wanted is not None and written >= wanted:
                break
        if wanted is None:
            break
    writer.release()
    return target


def decode_fps(path: Path) -> float:
    from dorsi.gait.video import iter_frames

    start = time.perf_counter()
    n = sum(1 for _ in iter_frames(path))
    return n / (time.perf_counter() - start)


def pose_run(path: Path, backend_name: str, fps: float) -> tuple[float, list[Any]]:
    """Pose inference alone: frames are decoded in chunks while the clock is stopped."""
    from dorsi.gait.pipeline import _to_rgb
    from dorsi.gait.pose import make_backend
    from dorsi.gait.video import iter_frames

    backend = make_backend(backend_name)
    paused = 0.0

    def chunks() -> Iterator[Any]:
        nonlocal paused
        source = iter_frames(path)
        while True:
            start = time.perf_counter()
            chunk = list(itertools.islice(source, 16))
            paused += time.perf_counter() - start
            if not chunk:
                return
            yield from chunk

    start = time.perf_counter()
    try:
        track = getattr(backend, "track", None)
        if track is not None:
            poses = list(track(chunks(), fps=fps))
        else:
            poses = [backend.process(_to_rgb(frame)) for frame in chunks()]
    finally:
        backend.close()
    spent = time.perf_counter() - start - paused
    return len(poses) / spent, poses


def reference_run(path: Path) -> tuple[float, list[Any]]:
    """MediaPipe's legacy pipeline as its docs show it: full model, tracking, OpenCV decode."""
    import cv2
    import mediapipe as mp

    start = time.perf_counter()
    cap = cv2.VideoCapture(str(path))
    found: list[Any] = []
    with mp.solutions.pose.Pose(model_complexity=1) as pose:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            found.append(pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)).pose_landmarks)
            height, width = frame.shape[:2]
    cap.release()
    spent = time.perf_counter() - start
    from dorsi.gait.pose.mediapipe_backend import _ORDER

    marks = [
        None
        if m is None
        else np.array([(p.x * width, p.y * height) for p in m.landmark], np.float64)[_ORDER]
        for m in found
    ]
    return len(found) / spent, marks


def cpu_ms(run: Any, *args: Any) -> tuple[Any, float]:
    """``run(*args)`` and the processor time it took, all threads, in milliseconds."""
    start = time.process_time()
    result = run(*args)
    return result, 1000 * (time.process_time() - start)


def whole_run(path: Path, backend_name: str) -> tuple[float, float]:
    from dorsi.errors import InputError
    from dorsi.gait.pipeline import analyze_video
    from dorsi.gait.video import probe

    start = time.perf_counter()
    with contextlib.suppress(InputError):  # still timed: the work was done
        analyze_video(path, backend=backend_name)
    spent = time.perf_counter() - start
    meta = probe(path)
    return meta.frames / spent, meta.frames / meta.fps / spent


def agreement(dorsi: list[Any], reference: list[Any]) -> tuple[float, int]:
    """Median over same-person frames of the median keypoint distance / torso length."""
    from dorsi.gait.keypoints import INDEX

    per_frame: list[float] = []
    for pose, ref in zip(dorsi, reference, strict=False):
        if pose is None or ref is None:
            continue
        shoulders = (ref[INDEX["left_shoulder"]] + ref[INDEX["right_shoulder"]]) / 2
        hips = (ref[INDEX["left_hip"]] + ref[INDEX["right_hip"]]) / 2
        torso = float(np.linalg.norm(shoulders - hips))
        ours = (pose.xy[INDEX["left_hip"]] + pose.xy[INDEX["right_hip"]]) / 2
        if torso <= 0 or float(np.linalg.norm(ours - hips)) > torso:
            continue  # following different people
        per_frame.append(float(np.median(np.linalg.norm(pose.xy - ref, axis=1))) / torso)
    return (float(np.median(per_frame)) if per_frame else float("nan")), len(per_frame)


@dataclass
class Row:
    label: str
    frames: int
    best: dict[str, float] = field(default_factory=dict)
    realtime: float = 0.0
    agree: float = float("nan")
    same: int = 0

    cpu_ms: dict[str, float] = field(default_factory=dict)  # per frame, lowest run

    def keep(self, key: str, value: float) -> None:
        self.best[key] = max(self.best.get(key, 0.0), value)

    def keep_cpu(self, key: str, total_ms: float) -> None:
        self.cpu_ms[key] = min(self.cpu_ms.get(key, float("inf")), total_ms / self.frames)


def measure(label: str, path: Path, backend: str, repeat: int) -> Row:
    from dorsi.gait.video import probe

    meta = probe(path)
    row = Row(label, meta.frames)
    for _ in range(repeat):
        row.keep("decode", decode_fps(path))
        (ref_fps, ref_marks), spent = cpu_ms(reference_run, path)
        row.keep("ref", ref_fps)
        row.keep_cpu("ref", spent)
        (fps, realtime), spent = cpu_ms(whole_run, path, backend)
        row.keep_cpu("dorsi", spent)
        if fps > row.best.get("dorsi", 0.0):
            row.realtime = realtime
        row.keep("dorsi", fps)
        pose_fps, poses = pose_run(path, backend, meta.fps)
        row.keep("pose", pose_fps)
    row.agree, row.same = agreement(poses, ref_marks)
    return row


def peak_memory_mib(video: Path) -> tuple[float, int]:
    """Peak RSS of ``dorsi gait analyze VIDEO --json`` in a child process, and its exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dorsi"), "gait", "analyze", str(video), "--json"],
        capture_output=True,
        check=False,
        timeout=1800,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(peak, before) / 1024, result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, best kept")
    parser.add_argument("--backend", default=None, help="Dorsi's pose backend (default: Dorsi's)")
    parser.add_argument("--skip-memory", action="store_true", help="no 60 s 1080p memory run")
    args = parser.parse_args()
    from dorsi.gait._quiet import quiet_native_stderr
    from dorsi.gait.pose import DEFAULT_BACKEND

    backend = args.backend or DEFAULT_BACKEND
    missed: list[str] = []
    rows: list[Row] = []
    memory: tuple[float, int] | None = None
    with tempfile.TemporaryDirectory() as tmp, quiet_native_stderr():
        clip = make_clip(DEMO, Path(tmp) / "demo-720p.mp4", (1280, 720))
        for label, path in (("demo 1768x994", DEMO), ("720p clip", clip)):
            rows.append(measure(label, path, backend, max(1, args.repeat)))
        if not args.skip_memory:
            long_video = make_clip(
                DEMO, Path(tmp) / "long-1080p.mp4", (1920, 1080), seconds=MEMORY_VIDEO_S
            )
            memory = peak_memory_mib(long_video)
    head = (
        f"{'video':<15}{'frames':>7}{'decode':>8}{'pose':>7}{'dorsi':>7}{'x real':>8}"
        f"{'mp ref':>8}{'dorsi/ref':>10}{'overhead':>9}{'strict':>8}{'agree':>7}{'same':>6}"
        f"{'ref cpu':>9}{'dorsi cpu':>10}{'cpu x':>7}"
    )
    print(f"pose backend: {backend}; threads per network: {_threads()}; cores: {os.cpu_count()}")
    print(head)
    print("-" * len(head))
    for row in rows:
        b = row.best
        ratio = b["dorsi"] / b["ref"]
        overhead = (1 / b["dorsi"] - 1 / b["decode"] - 1 / b["pose"]) * b["pose"]
        strict = (1 / b["dorsi"] - 1 / b["pose"]) * b["pose"]
        print(
            f"{row.label:<15}{row.frames:>7}{b['decode']:>8.0f}{b['pose']:>7.1f}{b['dorsi']:>7.1f}"
            f"{row.realtime:>7.2f}x{b['ref']:>8.1f}{ratio:>9.2f}x{overhead:>9.0%}{strict:>8.0%}"
            f"{row.agree:>7.3f}{row.same:>6}"
            f"{row.cpu_ms['ref']:>9.1f}{row.cpu_ms['dorsi']:>10.1f}"
            f"{row.cpu_ms['ref'] / row.cpu_ms['dorsi']:>6.2f}x"
        )
        if ratio < MIN_RATIO:
            missed.append(f"{row.label}: whole analysis {ratio:.2f}x the reference (target 2x)")
        if overhead >= MAX_OVERHEAD:
            missed.append(f"{row.label}: overhead above pose {overhead:.0%} (target < 10 %)")
        if not row.agree <= MAX_DISAGREEMENT_TORSO:
            missed.append(
                f"{row.label}: keypoints {row.agree:.3f} torso lengths from the reference "
                "(target <= 0.05)"
            )
    print("(frames per second; 'x real' = seconds of video analysed per second; agree in torso")
    print(" lengths, median frame, over the 'same' frames where both follow the same person;")
    print(" cpu: processor time per frame in ms, all threads; load average at the end:")
    print(f" {' '.join(f'{v:.2f}' for v in os.getloadavg())})")
    if memory is not None:
        peak, code = memory
        print(
            f"peak resident memory, dorsi gait analyze on a {MEMORY_VIDEO_S} s 1920x1080 video: "
            f"{peak:.0f} MiB (exit code {code})"
        )
        if peak >= MAX_RSS_MIB:
            missed.append(f"peak memory {peak:.0f} MiB (target < 1024 MiB)")
    if missed:
        print("issue 9 targets missed:\n  " + "\n  ".join(missed))
        return 1
    print("issue 9 targets met")
    return 0


def _threads() -> int:
    from dorsi.gait.pose.litert_models import threads_setting

    return threads_setting()


if __name__ == "__main__":
    sys.exit(main())
