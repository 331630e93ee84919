"""``dorsi gait analyze VIDEO``: gait numbers from a side-on phone video of walking."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dorsi.errors import InputError


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    analyze = sub.add_parser(
        "analyze",
        help="measure ankle angle in swing, toe clearance and gait events from a video",
        description=(
            "Measure a side-on walking video: ankle angle in swing, toe clearance, heel "
            "strike and toe off, and the two sides compared. Angles: 0 deg = foot at 90 deg "
            "to the shank, dorsiflexion positive. Record with the phone at hip height, "
            "side-on, 3-4 m away; walk past and back in good light."
        ),
    )
    analyze.add_argument("video", metavar="VIDEO", help="an mp4 or mov file from a phone")
    analyze.add_argument(
        "--affected-side", choices=("left", "right"), default=None, help="the side with foot drop"
    )
    analyze.add_argument("--json", action="store_true", help="print exactly the report as JSON")
    analyze.add_argument(
        "--out", metavar="DIR", default=None, help="also write an annotated video and a plot here"
    )
    analyze.add_argument(
        "--cutoff-hz", type=float, default=6.0, help="low-pass filter cutoff in Hz (default 6)"
    )
    analyze.add_argument(
        "--pose-backend",
        choices=("litert", "mediapipe"),
        default=None,
        help="pose model runner: litert (default, faster) or mediapipe (MediaPipe's own pipeline)",
    )


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def render_text(report: object) -> str:
    from dorsi.gait.report import GaitReport

    assert isinstance(report, GaitReport)  # noqa: S101 - narrow the type for mypy
    v, s, q = report.video, report.summary, report.quality
    lines = [
        f"Video: {v.width}x{v.height}, {v.fps:g} fps, {v.duration_s:.1f} s",
        f"Usable strides: {q.usable_strides} (person followed in "
        f"{100 * q.person_tracked_fraction:.0f}% of the video)",
        "",
        f"{'':32}{'left':>10}{'right':>10}",
    ]
    rows = (
        ("strides", "strides", "", 0),
        ("peak ankle lift in swing (deg)", "peak_swing_dorsiflexion_deg", "", 1),
        ("ankle at heel strike (deg)", "ankle_at_initial_contact_deg", "", 1),
        ("first contact", "initial_contact", "", 0),
        ("toe clearance / shank", "toe_clearance_ratio", "", 3),
        ("stance time (s)", "stance_time_s", "", 2),
        ("swing time (s)", "swing_time_s", "", 2),
    )
    for label, key, unit, digits in rows:
        cells: list[str] = []
        for summary in (s.left, s.right):
            value = None if summary is None else getattr(summary, key)
            cells.append(value if isinstance(value, str) else _fmt(value, unit, digits))
        lines.append(f"{label:32}{cells[0]:>10}{cells[1]:>10}")
    lines += [
        "",
        f"Cadence: {_fmt(s.cadence_spm, ' steps/min')}",
        f"Stance time asymmetry: {_fmt(s.stance_time_asymmetry_pct, '%')}",
        f"Swing ankle lift difference: {_fmt(s.swing_dorsiflexion_difference_deg, ' deg')}",
        "",
        "Signs of foot drop:",
    ]
    for side, signs in (("left", s.foot_drop_signs.left), ("right", s.foot_drop_signs.right)):
        lines.append(f"  {side}: {'; '.join(signs) if signs else 'none seen'}")
    if q.warnings:
        lines += ["", "Notes:"] + [f"  - {w}" for w in q.warnings]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from dorsi.gait._extra import require_gait_extra

    require_gait_extra()
    from dorsi.cli._io import emit_json
    from dorsi.gait.pipeline import analyze_video

    if args.cutoff_hz <= 0:
        raise InputError(f"must be above 0 (got {args.cutoff_hz:g})", field="--cutoff-hz")
    out_dir = Path(args.out) if args.out else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"'{out_dir}' exists and is not a folder", field="--out")
    from dorsi.gait._quiet import quiet_native_stderr

    with quiet_native_stderr():
        result = analyze_video(
            args.video,
            affected_side=args.affected_side,
            cutoff_hz=args.cutoff_hz,
            backend=args.pose_backend,
        )
        if out_dir is not None:
            from dorsi.gait.render import write_annotated_video, write_plot

            stem = Path(args.video).stem
            write_plot(result.analysis, out_dir / f"{stem}-ankle.png")
            write_annotated_video(result.analysis, result.path, out_dir / f"{stem}-annotated.mp4")
    if args.json:
        emit_json(result.report.model_dump(mode="json"))
    else:
        sys.stdout.write(render_text(result.report) + "\n")
        if out_dir is not None:
            sys.stdout.write(f"\nPlot and annotated video written to {out_dir}\n")
    return 0
