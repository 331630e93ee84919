"""The home session's camera measure (docs/camera.md): angle error, repetition counting, and
the pose model's milliseconds per frame in chromium.

1. ``clips``: the synthetic seated clips (tests/gait/camera_clips.py: landmark sequences with
   known angles, pixel jitter, poorly seen lifts and dropped frames) through the reference
   maths (:mod:`dorsi.gait.camera_rom`; the browser's JS gives the same answers, a test checks).
   Per clip: lifts made / counted, measured peaks' error against the known peaks (mean absolute,
   bias, worst). Targets: every lift counted, no extra one; every peak within 2.5 deg.
2. ``chromium``: the page's own PoseLandmarker (``@mediapipe/tasks-vision`` WASM, SIMD, CPU,
   the BlazePose full bundle Dorsi builds), in headless ``/usr/bin/chromium`` under Dorsi's CSP,
   served from loopback only, on frames of a real side-on video
   (``shared/data/sports2d-demo/demo.mp4``, 640x360): milliseconds per frame (median and 90th
   percentile after a warm-up), and any request that left the server (must be none).
3. ``agree``: on the same frames, the ankle angle from the browser's landmarks against the one
   from Dorsi's server-side LiteRT BlazePose (the gait analysis' backend), where both see the
   leg well: the median absolute difference in degrees. Same networks, different runtimes and
   crops: a check of the browser pipeline, not of BlazePose against a goniometer.

Usage: ``.venv/bin/python benchmarks/camera.py [--frames N] [--skip-browser]``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.gait.camera_clips import HEIGHT_PX, WIDTH_PX, clips  # noqa: E402

from dorsi.gait import camera_rom  # noqa: E402
from dorsi.web.middleware import CSP  # noqa: E402

STATIC = ROOT / "src" / "dorsi" / "web" / "static"
DEMO = ROOT.parent / "shared" / "data" / "sports2d-demo" / "demo.mp4"
PEAK_TARGET_DEG = 2.5
WARM_UP = 5

BENCH_JS = """
import {FilesetResolver, PoseLandmarker} from "/static/vendor/mediapipe/vision_bundle.mjs";
const out = {ms: [], frames: [], error: null};
try {
  const fs = await FilesetResolver.forVisionTasks("/static/vendor/mediapipe/wasm");
  const lm = await PoseLandmarker.createFromOptions(fs, {
    baseOptions: {modelAssetPath: "/static/vendor/pose_landmarker.task", delegate: "CPU"},
    runningMode: "VIDEO", numPoses: 1});
  const names = await (await fetch("/frames/list.json")).json();
  const img = new Image();
  let t = 0;
  for (const name of names) {
    img.src = "/frames/" + name;
    await img.decode();
    t += 33.3;
    const t0 = performance.now();
    const r = lm.detectForVideo(img, t);
    out.ms.push(performance.now() - t0);
    const p = r.landmarks[0];
    out.frames.push(p ? [25, 26, 27, 28, 29, 30, 31, 32].map(
      (i) => [p[i].x, p[i].y, p[i].visibility]) : null);
  }
} catch (e) { out.error = String(e); }
window.benchResult = out;
"""


def bench_clips() -> bool:
    print("== clips (synthetic seated lifts, known angles; reference maths)")
    heads = ("lifts", "counted", "measured", "MAE", "bias", "worst")
    print(f"{'clip':<18} " + " ".join(f"{h:>{max(5, len(h))}}" for h in heads))
    ok = True
    errors_all: list[float] = []
    made = counted = 0
    for clip in clips():
        frames = [(t, [camera_rom.Point(**p) for p in pts]) for t, pts in clip.frames]
        reps = camera_rom.run(frames, WIDTH_PX, HEIGHT_PX)
        made += len(clip.peaks_deg)
        counted += len(reps)
        errors = [
            r.peak_deg - truth
            for r, truth in zip(reps, clip.peaks_deg, strict=False)
            if r.peak_deg is not None
        ]
        errors_all += errors
        mae = statistics.fmean(abs(e) for e in errors) if errors else float("nan")
        bias = statistics.fmean(errors) if errors else float("nan")
        worst = max((abs(e) for e in errors), default=float("nan"))
        measured = sum(r.peak_deg is not None for r in reps)
        print(
            f"{clip.name:<18} {len(clip.peaks_deg):>5} {len(reps):>7} {measured:>8} "
            f"{mae:>5.2f} {bias:>+5.2f} {worst:>5.2f}"
        )
        if len(reps) != len(clip.peaks_deg) or worst > PEAK_TARGET_DEG:
            ok = False
    print(
        f"counting: {counted}/{made} lifts ({100 * counted / made:.0f}%); peaks: MAE "
        f"{statistics.fmean(abs(e) for e in errors_all):.2f} deg, bias "
        f"{statistics.fmean(errors_all):+.2f} deg, worst {max(abs(e) for e in errors_all):.2f} "
        f"deg (target {PEAK_TARGET_DEG})"
    )
    return ok


def _write_frames(folder: Path, count: int) -> list[Any]:
    import cv2

    capture = cv2.VideoCapture(str(DEMO))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 40)
    names, rgb = [], []
    for n in range(count):
        ok, frame = capture.read()
        if not ok:
            break
        small = cv2.resize(frame, (640, 360), interpolation=cv2.INTER_AREA)
        name = f"{n:04d}.png"  # lossless: both pipelines see the same pixels
        cv2.imwrite(str(folder / name), small)
        names.append(name)
        rgb.append(cv2.cvtColor(small, cv2.COLOR_BGR2RGB))
    capture.release()
    (folder / "list.json").write_text(json.dumps(names))
    return rgb


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if path.startswith("/static/"):
            return str(STATIC / path.removeprefix("/static/"))
        return str(Path(self.directory) / path.removeprefix("/frames/").lstrip("/"))

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def bench_chromium(count: int) -> tuple[bool, list[Any] | None, list[Any]]:
    from playwright.sync_api import sync_playwright

    print("== chromium (PoseLandmarker in the page, CPU, WASM SIMD; loopback only, Dorsi's CSP)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rgb = _write_frames(folder, count)
        (folder / "bench.js").write_text(BENCH_JS)
        (folder / "index.html").write_text(
            '<!doctype html><title>camera bench</title><script type="module" src="/bench.js">'
            "</script>"
        )
        handler = functools.partial(_Handler, directory=tmp)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        outside: list[str] = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                page = browser.new_page()
                page.on(
                    "request",
                    lambda r: outside.append(r.url) if not r.url.startswith(base) else None,
                )
                page.goto(base + "/index.html")
                end = time.monotonic() + 600
                result = None
                while time.monotonic() < end:
                    result = page.evaluate("window.benchResult")
                    if result:
                        break
                    time.sleep(0.5)
                browser.close()
        finally:
            server.shutdown()
    if not result or result.get("error"):
        print(f"failed: {result and result.get('error')}")
        return False, None, rgb
    ms = result["ms"][WARM_UP:]
    ms_sorted = sorted(ms)
    p90 = ms_sorted[int(0.9 * (len(ms_sorted) - 1))]
    print(
        f"{len(ms)} frames after {WARM_UP} warm-up: median {statistics.median(ms):.1f} ms, "
        f"p90 {p90:.1f} ms a frame ({1000 / statistics.median(ms):.0f} fps); "
        f"requests outside the server: {len(outside)}"
    )
    load = os.getloadavg()[0]
    print(f"(load average {load:.1f} on {os.cpu_count()} cores: a shared machine is slower)")
    return not outside, result["frames"], rgb


def _angle(points: list[tuple[float, float, float]], side: int) -> float | None:
    """Ankle angle of one side (0 left, 1 right) from [knee L, knee R, ankle L, ...] in pixels."""
    knee, ankle, heel, toe = (points[2 * k + side] for k in range(4))
    if min(knee[2], ankle[2], heel[2], toe[2]) < camera_rom.MEASURE_VISIBILITY:
        return None
    full = [camera_rom.Point(0, 0, 0)] * 33
    for i, (x, y, v) in zip((25, 27, 29, 31), (knee, ankle, heel, toe), strict=True):
        full[i] = camera_rom.Point(x, y, v)
    return camera_rom.frame_angle(full, 640, 360, side="left").angle_deg


def bench_agreement(browser_frames: list[Any], rgb: list[Any]) -> None:
    from dorsi.gait.pose.litert_backend import LiteRTPose

    print("== agree (browser's ankle angle vs Dorsi's server-side LiteRT BlazePose, same frames)")
    pose = LiteRTPose()
    diffs: list[float] = []
    try:
        for marks, frame in zip(browser_frames, rgb, strict=True):
            server = pose.process(frame)
            if marks is None or server is None:
                continue
            # server keypoints: knees 4,5 ankles 6,7 heels 8,9 toes 10,11, pixels
            srv = [
                (
                    float(server.xy[i][0]) / 640,
                    float(server.xy[i][1]) / 360,
                    float(server.visibility[i]),
                )
                for i in range(4, 12)
            ]
            for side in (0, 1):
                a, b = _angle(marks, side), _angle(srv, side)
                if a is not None and b is not None:
                    diffs.append(abs(a - b))
    finally:
        pose.close()
    if not diffs:
        print("no frame where both saw a leg well")
        return
    diffs.sort()
    print(
        f"{len(diffs)} leg-frames: median |difference| {statistics.median(diffs):.1f} deg, "
        f"p90 {diffs[int(0.9 * (len(diffs) - 1))]:.1f} deg"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=90)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    ok = bench_clips()
    if not args.skip_browser:
        if not (STATIC / "vendor" / "pose_landmarker.task").exists():
            print("the camera assets are not built: run scripts/build-camera-assets")
            return 1
        browser_ok, frames, rgb = bench_chromium(args.frames)
        ok = ok and browser_ok
        if frames is not None:
            bench_agreement(frames, rgb)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
