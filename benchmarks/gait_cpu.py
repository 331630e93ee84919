"""Where the processor time of ``dorsi gait analyze`` goes, per frame, on a shared machine.

Frames per second on a two-core machine shared with other jobs follow the other jobs; the
processor time each thread spends on a frame barely moves. This prints, in milliseconds per
frame of the video:

- per thread of Dorsi's whole analysis (read from ``/proc/self/task``, Linux only): the main
  thread (pose networks, crops, tracking, the analysis after pose), the networks' worker
  threads, FFmpeg's decoder threads, and the read-ahead thread (OpenCV's conversion of each
  decoded frame to BGR, and the hand-over);
- per stage of the pose pass, in the main thread (``time.thread_time``): the crops (affine
  warps), filling the networks' inputs, the two networks, decoding their outputs, and the
  rest (tracking);
- the analysis after pose (:func:`~dorsi.gait.analysis.analyze_track`);
- MediaPipe's legacy pipeline (the reference of ``benchmarks/gait.py``), all threads.

Usage: ``.venv/bin/python benchmarks/gait_cpu.py [VIDEO] [--threads N]``.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT.parent / "shared" / "data" / "sports2d-demo" / "demo.mp4"
SAMPLE_S = 0.02


def _thread_cpu_s() -> dict[int, tuple[str, float]]:
    """Every live thread of this process: its name and processor time so far (seconds)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[str, float]] = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            stat = Path(f"/proc/self/task/{tid}/stat").read_text()
        except OSError:
            continue  # ended meanwhile
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        out[int(tid)] = (comm, (int(fields[11]) + int(fields[12])) / tick)
    return out


def per_thread(run: Callable[[], Any]) -> tuple[float, dict[str, float]]:
    """Processor time (seconds) of ``run()`` per kind of thread, sampled while it runs (so
    threads that end before it returns are counted), and the wall time."""
    seen: dict[int, tuple[str, float]] = {}
    before = _thread_cpu_s()
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            named = {t.native_id: t.name for t in threading.enumerate()}
            for tid, (comm, cpu) in _thread_cpu_s().items():
                seen[tid] = (named.get(tid, seen.get(tid, (comm, 0.0))[0]), cpu)
            time.sleep(SAMPLE_S)

    sampler = threading.Thread(target=sample, name="cpu-sampler")
    sampler.start()
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    for tid, (_, cpu) in _thread_cpu_s().items():
        seen[tid] = (seen.get(tid, ("?", 0.0))[0], cpu)
    main = threading.main_thread().native_id
    kinds: dict[str, float] = collections.defaultdict(float)
    for tid, (name, cpu) in seen.items():
        if name == "cpu-sampler":
            continue
        if tid == main:
            kind = "main (networks, crops, tracking, analysis)"
        elif name == "dorsi-decode":
            kind = "read-ahead (BGR conversion, hand-over)"
        elif name.startswith("av:"):
            kind = "FFmpeg decoder threads"
        else:
            kind = "other native threads (network workers, OpenCV)"
        kinds[kind] += cpu - before.get(tid, (name, 0.0))[1]
    return wall, kinds


class _Stages:
    """Main-thread processor time per stage of the pose pass (wrapping the networks' calls)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = collections.defaultdict(float)

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] += time.thread_time() - start

        return timed


def pose_stages(path: Path) -> tuple[int, dict[str, float]]:
    """The pose pass alone (frames decoded beforehand in chunks, not counted), per stage."""
    from dorsi.gait.pose import litert_models
    from dorsi.gait.pose.litert_backend import LiteRTPose
    from dorsi.gait.video import iter_frames, probe

    stages = _Stages()
    pose = LiteRTPose()
    nets = pose._nets
    real_cv2 = nets._cv2

    class _Cv2:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_cv2, name)

        warpAffine = staticmethod(stages.wrap("crops (affine warps)", real_cv2.warpAffine))

    class _Net:
        def __init__(self, net: Any, stage: str) -> None:
            self._net = net
            self.invoke = stages.wrap(stage, net.invoke)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._net, name)

    wrappers: dict[str, Any] = {
        "_cv2": _Cv2(),
        "_detector": _Net(nets._detector, "detector network"),
        "_landmarker": _Net(nets._landmarker, "landmark network"),
    }
    for attr, wrapper in wrappers.items():
        setattr(nets, attr, wrapper)
    stage_of = {
        "_fill_input": "network inputs",
        "decode_landmarks": "network outputs",
        "decode_detections": "network outputs",
    }
    originals = {name: getattr(litert_models, name) for name in stage_of}
    for name, stage in stage_of.items():
        setattr(litert_models, name, stages.wrap(stage, originals[name]))
    paused_s = 0.0

    def chunks() -> Iterator[Any]:
        """Frames decoded 32 at a time while the main thread's clock is subtracted."""
        nonlocal paused_s
        source = iter_frames(path)
        while True:
            start = time.thread_time()
            chunk = list(itertools.islice(source, 32))
            paused_s += time.thread_time() - start
            if not chunk:
                return
            yield from chunk

    try:
        start = time.thread_time()
        count = sum(1 for _ in pose.track(chunks(), fps=probe(path).fps))
        total = time.thread_time() - start - paused_s
    finally:
        for name, original in originals.items():
            setattr(litert_models, name, original)
        pose.close()
    stages.seconds["rest (tracking)"] = total - sum(stages.seconds.values())
    return count, dict(stages.seconds)


def reference_cpu_ms(path: Path) -> float:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gait import reference_run

    start = time.process_time()
    _, marks = reference_run(path)
    return 1000 * (time.process_time() - start) / len(marks)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("video", nargs="?", type=Path, default=DEMO)
    parser.add_argument("--threads", type=int, default=None, help="LiteRT threads per network")
    args = parser.parse_args()
    if args.threads is not None:
        os.environ["DORSI_POSE_THREADS"] = str(args.threads)
    from dorsi.gait import pipeline
    from dorsi.gait._quiet import quiet_native_stderr
    from dorsi.gait.video import probe

    frames = probe(args.video).frames
    after_pose: list[float] = []
    name = "analyze_track"
    analyze_track = getattr(pipeline, name)

    def timed_analysis(*a: Any, **k: Any) -> Any:
        start = time.process_time()
        try:
            return analyze_track(*a, **k)
        finally:
            after_pose.append(time.process_time() - start)

    setattr(pipeline, name, timed_analysis)
    with quiet_native_stderr():
        pipeline.analyze_video(args.video)  # warm: imports, the pruned model's bytes
        wall, kinds = per_thread(lambda: pipeline.analyze_video(args.video))
        counted, stages = pose_stages(args.video)
        ref = reference_cpu_ms(args.video)
    ms = 1000 / frames
    whole = sum(kinds.values()) * ms
    print(f"{args.video.name}: {frames} frames; load average {os.getloadavg()[0]:.2f}")
    print(f"Dorsi whole analysis: {whole:.2f} ms of processor time a frame ({wall * ms:.2f} wall)")
    for kind, cpu in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:<48}{cpu * ms:>7.2f}")
    print(f"  {'of which the analysis after pose':<48}{after_pose[-1] * ms:>7.2f}")
    print(f"pose pass alone, main thread, per stage ({counted} frames):")
    for stage, cpu in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<48}{1000 * cpu / counted:>7.2f}")
    print(f"MediaPipe's legacy pipeline (the reference): {ref:.2f} ms a frame, all threads")
    print(f"processor time, reference / Dorsi: {ref / whole:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
