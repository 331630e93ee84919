"""Speed of ``dorsi gait analyze`` against MediaPipe's own pipeline (issues 4 and 9).

For the Sports2D demo video and a 720p/30 fps clip made from it, prints frames per second of
decoding alone, pose inference alone, Dorsi's whole analysis (decode, pose, person selection,
cleaning, events, metrics; no annotated video), that analysis as a multiple of real time, and
MediaPipe's legacy ``solutions.pose`` pipeline (full model, tracking on, OpenCV decoding) as
the reference, with Dorsi / reference. All runs happen in this one process, so the ratios hold
on a busy machine even when absolute times drift.

Usage: ``.venv/bin/python benchmarks/gait.py [--check]``. With ``--check`` it exits 1 when
issue 9's targets are missed (whole analysis >= 2x the reference; overhead above pose < 10 %);
those targets belong to a later step, so by default it only reports.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT.parent / "shared" / "data" / "sports2d-demo" / "demo.mp4"


def make_720p(source: Path, target: Path) -> Path:
    import cv2

    from dorsi.gait.video import iter_frames, probe

    fps = probe(source).fps
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), fps, (1280, 720))
    for frame in iter_frames(source):
        writer.write(cv2.resize(frame, (1280, 720), interpolation=cv2.INTER_AREA))
    writer.release()
    return target


def decode_fps(path: Path) -> tuple[float, int]:
    from dorsi.gait.video import iter_frames

    start = time.perf_counter()
    n = sum(1 for _ in iter_frames(path))
    return n / (time.perf_counter() - start), n


def pose_fps(path: Path) -> float:
    """Pose inference alone: only the backend's ``process`` calls are timed."""
    import cv2

    from dorsi.gait.pose import make_backend
    from dorsi.gait.video import iter_frames

    backend = make_backend("mediapipe")
    spent, n = 0.0, 0
    try:
        for frame in iter_frames(path):
            rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
            start = time.perf_counter()
            backend.process(rgb)
            spent += time.perf_counter() - start
            n += 1
    finally:
        backend.close()
    return n / spent


def reference_fps(path: Path) -> float:
    """MediaPipe's legacy pipeline as its docs show it: full model, tracking, OpenCV decode."""
    import cv2
    import mediapipe as mp

    start = time.perf_counter()
    cap = cv2.VideoCapture(str(path))
    n = 0
    with mp.solutions.pose.Pose(model_complexity=1) as pose:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            n += 1
    cap.release()
    return n / (time.perf_counter() - start)


def whole(path: Path) -> tuple[float, float, int]:
    from dorsi.errors import InputError
    from dorsi.gait.pipeline import analyze_video

    start = time.perf_counter()
    try:
        result = analyze_video(path)
        frames, duration = result.report.video.frames, result.report.video.duration_s
    except InputError:  # still timed: the work was done
        from dorsi.gait.video import probe

        meta = probe(path)
        frames, duration = meta.frames, meta.frames / meta.fps
    spent = time.perf_counter() - start
    return frames / spent, duration / spent, frames


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    from dorsi.gait._quiet import quiet_native_stderr

    missed = []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_720p(DEMO, Path(tmp) / "demo-720p.mp4")
        for label, path in (("demo 1768x994", DEMO), ("720p clip", clip)):
            with quiet_native_stderr():
                dec, frames = decode_fps(path)
                pose = pose_fps(path)
                ref = reference_fps(path)
                fps, realtime, _ = whole(path)
            # time per frame of the analysis beyond decoding and pose inference
            overhead = (1 / fps - 1 / dec - 1 / pose) / (1 / pose)
            ratio = fps / ref
            rows.append((label, frames, dec, pose, fps, realtime, ref, ratio, overhead))
            if ratio < 2.0:
                missed.append(f"{label}: whole analysis {ratio:.2f}x the reference (target 2x)")
            if overhead > 0.10:
                missed.append(f"{label}: overhead above pose {overhead:.0%} (target < 10 %)")
    head = (
        f"{'video':<15}{'frames':>7}{'decode':>9}{'pose':>8}{'dorsi':>8}{'x real':>8}"
        f"{'mp ref':>8}{'dorsi/ref':>10}{'overhead':>10}"
    )
    print(head)
    print("-" * len(head))
    for label, frames, dec, pose, fps, realtime, ref, ratio, overhead in rows:
        print(
            f"{label:<15}{frames:>7}{dec:>9.1f}{pose:>8.1f}{fps:>8.1f}{realtime:>7.2f}x"
            f"{ref:>8.1f}{ratio:>9.2f}x{overhead:>10.0%}"
        )
    print("(frames per second; 'x real' = seconds of video analysed per second)")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak_mib:.0f} MiB")
    if missed:
        print("issue 9 targets not met yet:\n  " + "\n  ".join(missed))
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
