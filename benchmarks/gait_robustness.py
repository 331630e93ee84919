"""How much the demo's gait numbers move under changes nobody can see (issue 4 quality).

The Sports2D demo video is run through each pose backend once; the landmark track handed to
the analysis is cached (``--cache``, default a folder in the system's temp dir). Then it is
analysed again after perturbing the *track*:

- ``jitter N px``: Gaussian noise of N pixels on every landmark of every frame;
- ``drop 5%``: 5 % of the tracked frames lost;
- ``frames +/-1``: the video's frames with +/-1 grey level of random noise, pose run again (the
  case that used to flip MediaPipe between 5 strides at cadence 98 and 3 at 137).

For each backend and perturbation it prints the spread (lowest-highest over the seeds) of the
usable strides per side, cadence, stance and swing time, peak swing dorsiflexion and toe
clearance per side.

Targets: usable strides within +/-1 and cadence within +/-5 steps/min of the unperturbed run
for every perturbed run, and the unperturbed cadence within +/-5 steps/min of the cadence
counted by eye from the video's frames (heel strikes at frames 57, 76, 94, 113, 131, 149, 168
and 186 at 30 fps: 7 steps in 4.30 s, 97.7 steps/min). Exits 1 when one is missed.

To compare with another version of the analysis, run this script with that version's ``src``
first on ``PYTHONPATH`` (the cached tracks come from the pose backends, which it does not touch).

Then the **robustness set** (``tests/gait/variants.py``): real videos made from the demo
(slowed, limping, mirrored, cropped to enter and leave, there and back, a second walker,
portrait, a rotation flag, 24 and 60 fps, 480p, 4K), built into a cache folder
(``DORSI_GAIT_VARIANTS``, default the system's temp dir) and run through the default backend.
For each: whether it met its expected outcome (usable strides, the eye's cadence carried
through its time warp), strides per side, cadence and peak swing dorsiflexion; then the
success rate (target 100 %), the median usable strides per clip and the spread of each side's
median peak swing dorsiflexion over the clips that keep the demo's timing.

Usage: ``.venv/bin/python benchmarks/gait_robustness.py [--seeds 5] [--frame-seeds 3]
[--backends litert,mediapipe] [--cache DIR] [--variants all|none|NAME,...]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the robustness measures are a test helper (tests/gait)
DEMO = ROOT.parent / "shared" / "data" / "sports2d-demo" / "demo.mp4"
EYE_STRIKES = (57, 76, 94, 113, 131, 149, 168, 186)
EYE_CADENCE_SPM = 60.0 * (len(EYE_STRIKES) - 1) / ((EYE_STRIKES[-1] - EYE_STRIKES[0]) / 30.0)
MAX_CADENCE_CHANGE_SPM = 5.0
MAX_STRIDE_CHANGE = 1


def capture(backend: str, *, noise_seed: int | None, cache: Path) -> dict[str, Any]:
    """The track, video facts and warnings the pipeline hands to ``analyze_track`` (cached)."""
    import dorsi.gait.pipeline as pipeline
    from dorsi.gait.keypoints import PoseTrack

    name = f"{backend}-{'clean' if noise_seed is None else f'noise{noise_seed}'}"
    npz, meta = cache / f"{name}.npz", cache / f"{name}.json"
    if npz.exists() and meta.exists():
        data = np.load(npz)
        facts = json.loads(meta.read_text())
        track = PoseTrack(data["xy"], data["visibility"], float(data["fps"]))
        return {"track": track, **facts}
    seen: dict[str, Any] = {}
    real_analyze = pipeline.analyze_track
    real_frames = pipeline.iter_frames

    def record(track: PoseTrack, **kwargs: Any) -> Any:
        seen["track"] = track.copy()
        seen["info"] = kwargs["video"].model_dump(mode="json")
        seen["warnings"] = list(kwargs.get("extra_warnings") or [])
        return real_analyze(track, **kwargs)

    def noisy(path: Path) -> Iterator[np.ndarray]:
        rng = np.random.default_rng(noise_seed)
        for frame in real_frames(path):
            step = rng.integers(-1, 2, size=frame.shape, dtype=np.int16)
            yield np.clip(frame.astype(np.int16) + step, 0, 255).astype(np.uint8)

    with (
        mock.patch.object(pipeline, "analyze_track", record),
        mock.patch.object(
            pipeline, "iter_frames", noisy if noise_seed is not None else real_frames
        ),
    ):
        try:
            pipeline.analyze_video(DEMO, backend=backend)
        except Exception as exc:  # the analysis may refuse; the track was still recorded
            if "track" not in seen:
                raise
            print(f"  ({name}: {exc})", file=sys.stderr)
    track = seen["track"]
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(npz, xy=track.xy, visibility=track.visibility, fps=track.fps)
    meta.write_text(json.dumps({"info": seen["info"], "warnings": seen["warnings"]}))
    return {"track": track, "info": seen["info"], "warnings": seen["warnings"]}


def analyse(run: dict[str, Any], track: Any = None) -> Any:
    from tests.gait.robustness import outcome

    from dorsi.errors import InputError
    from dorsi.gait.analysis import analyze_track
    from dorsi.gait.report import VideoInfo

    try:
        report = analyze_track(
            run["track"] if track is None else track,
            video=VideoInfo(**run["info"]),
            extra_warnings=run["warnings"],
        ).report
    except InputError:
        report = None
    return outcome(report)


def main(argv: list[str] | None = None) -> int:
    from tests.gait.robustness import Outcome, drop_frames, jitter, spreads

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per track perturbation")
    parser.add_argument("--frame-seeds", type=int, default=3, help="noisy-frame pose runs")
    parser.add_argument("--backends", default="litert,mediapipe")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dorsi-gait")
    parser.add_argument("--variants", default="all", help="robustness-set clips (all, none)")
    parser.add_argument(
        "--tile-cost", action="store_true", help="only time the portrait clip, tiles or not"
    )
    args = parser.parse_args(argv)
    if args.tile_cost:
        tile_cost()
        return 0
    if not DEMO.exists():
        print(f"missing {DEMO}", file=sys.stderr)
        return 2
    print(f"cadence counted by eye: {EYE_CADENCE_SPM:.1f} steps/min")
    header = (
        "| backend | perturbation | runs | usable | L / R strides | cadence | stance L / R s "
        "| swing L / R s | peak DF L / R deg | clearance L / R |"
    )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    misses: list[str] = []
    for backend in args.backends.split(","):
        base_run = capture(backend, noise_seed=None, cache=args.cache)
        base = analyse(base_run)
        cases: dict[str, list[Outcome]] = {"none": [base]}
        for sigma in (1.0, 2.0, 3.0):
            cases[f"jitter {sigma:g} px"] = [
                analyse(base_run, jitter(base_run["track"], sigma_px=sigma, seed=s))
                for s in range(args.seeds)
            ]
        cases["drop 5%"] = [
            analyse(base_run, drop_frames(base_run["track"], fraction=0.05, seed=s))
            for s in range(args.seeds)
        ]
        if args.frame_seeds:
            cases["frames +/-1"] = [
                analyse(capture(backend, noise_seed=s, cache=args.cache))
                for s in range(args.frame_seeds)
            ]
        if base.cadence_spm is None or abs(base.cadence_spm - EYE_CADENCE_SPM) > 5.0:
            misses.append(f"{backend}: cadence {base.cadence_spm} is not within 5 of the eye's")
        for name, outcomes in cases.items():
            sp = spreads(outcomes)

            def pair(key: str, digits: int, sp: Any = sp) -> str:
                return f"{sp[key + '_left'].text(digits)} / {sp[key + '_right'].text(digits)}"

            print(
                f"| {backend} | {name} | {len(outcomes)} | {sp['usable_strides'].text(0)} "
                f"| {pair('strides', 0)} | {sp['cadence_spm'].text(1)} "
                f"| {pair('stance_time_s', 2)} | {pair('swing_time_s', 2)} "
                f"| {pair('peak_swing_dorsiflexion_deg', 1)} | {pair('toe_clearance_ratio', 3)} |"
            )
            for o in outcomes:
                if abs(o.usable_strides - base.usable_strides) > MAX_STRIDE_CHANGE:
                    misses.append(f"{backend} {name}: {o.usable_strides} usable strides")
                if (
                    o.cadence_spm is None
                    or base.cadence_spm is None
                    or abs(o.cadence_spm - base.cadence_spm) > MAX_CADENCE_CHANGE_SPM
                ):
                    misses.append(f"{backend} {name}: cadence {o.cadence_spm}")
    if args.variants != "none":
        misses += robustness_set(args.variants)
    for miss in misses:
        print("MISSED:", miss)
    return 1 if misses else 0


def robustness_set(which: str) -> list[str]:
    """Run the robustness set; print one row per clip and the totals; return the misses."""
    from statistics import median

    from tests.gait.variants import VARIANTS, analyse

    from dorsi.errors import InputError

    names = list(VARIANTS) if which == "all" else which.split(",")
    print()
    header = (
        "| clip | what | met | L / R strides | cadence (expected) | peak DF L / R deg "
        "| confidence L / R |"
    )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    misses: list[str] = []
    strides: list[int] = []
    peaks: dict[str, list[float]] = {"left": [], "right": []}
    for name in names:
        variant = VARIANTS[name]
        expected = variant.expected
        got = analyse(name)
        if isinstance(got, InputError):
            misses.append(f"{name}: {got}")
            print(f"| {name} | {variant.what} | no: {got} | 0 / 0 | none | none | |")
            strides.append(0)
            continue
        n = {s: sum(1 for x in got.strides if x.side == s) for s in ("left", "right")}
        cadence = got.summary.cadence_spm
        met = (
            got.quality.usable_strides >= expected.min_strides
            and cadence is not None
            and abs(cadence - expected.cadence_spm) <= expected.cadence_tolerance_spm
        )
        if not met:
            misses.append(f"{name}: {got.quality.usable_strides} strides, cadence {cadence}")
        strides.append(got.quality.usable_strides)
        sides = {s: getattr(got.summary, s) for s in ("left", "right")}
        if not variant.source_frames:  # the demo's own timing: angles comparable
            for s, summary in sides.items():
                if summary is not None:
                    peaks[s].append(summary.peak_swing_dorsiflexion_deg)

        def peak(s: str, sides: dict[str, Any] = sides) -> str:
            return "none" if sides[s] is None else f"{sides[s].peak_swing_dorsiflexion_deg:.1f}"

        def conf(s: str, sides: dict[str, Any] = sides) -> str:
            if sides[s] is None:
                return "none"
            sd = sides[s].peak_swing_dorsiflexion_sd_deg
            return sides[s].confidence + ("" if sd is None else f" (SD {sd:.1f})")

        print(
            f"| {name} | {variant.what} | {'yes' if met else 'NO'} | {n['left']} / {n['right']} "
            f"| {cadence} ({expected.cadence_spm:.1f} +/- {expected.cadence_tolerance_spm:.1f}) "
            f"| {peak('left')} / {peak('right')} | {conf('left')} / {conf('right')} |"
        )
    ok = len(names) - len({m.split(":")[0] for m in misses})
    print(f"success rate: {100.0 * ok / len(names):.0f} % ({ok} of {len(names)} clips)")
    print(
        f"median usable strides per clip: {median(strides):g} (range {min(strides)}-{max(strides)})"
    )
    for s, values in peaks.items():
        if values:
            print(
                f"{s} median peak swing dorsiflexion over the clips at the demo's timing: "
                f"{min(values):.1f}-{max(values):.1f} deg (spread {max(values) - min(values):.1f})"
            )
    return misses


def tile_cost(repeat: int = 2) -> None:
    """The portrait clip's pose pass (decoding included) with the tall picture searched in
    tiles and without (the whole picture only), alternating in one process, best of
    ``repeat``: what the tiles cost, and how many frames each finds the walker in."""
    import time

    from tests.gait.variants import variant_path

    import dorsi.gait.pose.litert_models as models
    from dorsi.gait.pose.litert_backend import LiteRTPose
    from dorsi.gait.readahead import read_ahead
    from dorsi.gait.video import iter_frames, probe

    path = variant_path("portrait")
    fps = probe(path).fps
    real_tiles = models.detector_tiles
    best: dict[str, float] = {}
    facts: dict[str, tuple[int, int, int]] = {}
    for _ in range(repeat):
        for mode in ("whole picture", "tiles"):
            tiles = real_tiles if mode == "tiles" else (lambda _w, _h: [])
            with mock.patch.object(models, "detector_tiles", tiles):
                pose = LiteRTPose()
                start = time.perf_counter()
                poses = pose.track(read_ahead(iter_frames(path)), fps=fps)
                found = sum(p is not None for p in poses)
                took = time.perf_counter() - start
                assert pose.tracker is not None
                facts[mode] = (found, pose.tracker.detector_runs, pose.tracker.landmark_runs)
                pose.close()
            best[mode] = min(best.get(mode, took), took)
    for mode, took in best.items():
        found, det, lm = facts[mode]
        print(
            f"portrait, {mode}: {took:.2f} s for the pose pass, someone followed in {found} "
            "frames, "
            f"{det} detector runs, {lm} landmark runs"
        )
    print(f"tiles cost: {100.0 * (best['tiles'] / best['whole picture'] - 1.0):+.0f} %")


if __name__ == "__main__":
    sys.exit(main())
