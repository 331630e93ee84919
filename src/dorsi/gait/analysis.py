"""From a keypoint track to a :class:`~dorsi.gait.report.GaitReport` (pure maths, no video).

Steps: clean (:mod:`dorsi.gait.clean`), walking direction and events
(:mod:`dorsi.gait.events`), strides with plausibility gates and a quality score, floor line and
toe clearance (:mod:`dorsi.gait.floor`), per-stride angles (:mod:`dorsi.gait.angles`), and the
summary (:mod:`dorsi.gait.metrics`). When no stride is usable, :class:`InputError` (field
``VIDEO``) says why in plain words.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from dorsi.errors import InputError
from dorsi.gait.angles import ankle_angle_deg, segment_length
from dorsi.gait.clean import CleaningResult, body_scale_px, clean_track, fix_leg_swaps
from dorsi.gait.events import SideEvents, pelvis_xy, walking_direction, zeni_events
from dorsi.gait.floor import FloorLine, fit_floor_line
from dorsi.gait.keypoints import INDEX, SIDES, FloatArray, PoseTrack, Side, idx, leg_indices
from dorsi.gait.metrics import summarize
from dorsi.gait.plausible import Repaired, frames_at, repair_out_of_range
from dorsi.gait.report import (
    ExcludedStride,
    GaitReport,
    InitialContact,
    Quality,
    Stride,
    VideoInfo,
)
from dorsi.gait.smooth import replace_bursts
from dorsi.gait.steps import StepRhythm, find_rhythm, relabel
from dorsi.gait.thresholds import (
    ANGLE_SPAN_STRIDES,
    ANKLE_MAX_DEG,
    ANKLE_MIN_DEG,
    CONTACT_PITCH_DEG,
    DARK_MEAN_LUMA,
    FALLBACK_STRIDE_S,
    FLOOR_NOISE_RATIO,
    FRONTAL_HIP_RATIO,
    MAX_REPAIR_S,
    MIN_PERSON_SCALE_PX,
    MIN_STRIDE_QUALITY,
    MIN_WALK_TRAVEL_SCALES,
    OTHER_STRIKE_FRACTION,
    STANCE_FRACTION_MAX,
    STANCE_FRACTION_MIN,
    STRIDE_CONSISTENCY,
    STRIDE_MAX_S,
    STRIDE_MIN_S,
    SWING_MAX_S,
    SWING_MIN_S,
)

MIN_DURATION_S = 1.5
MID_SWING = (0.25, 0.75)  # fraction of swing searched for the minimum toe clearance
# fraction of swing searched for the peak dorsiflexion: initial swing is left out, the ankle is
# still coming out of push-off there and a toe-off timing error would leak into the peak
PEAK_SWING = (0.25, 1.0)
FAR_LEG_VISIBILITY = 0.7  # below this mean visibility a leg was mostly hidden (far side)
FLAT_STANCE = (0.3, 0.6)  # fraction of stance where the foot is flat (pitch reference)
TOE_STANCE = (0.2, 0.95)  # fraction of stance where the toe rests on the floor


@dataclass(frozen=True)
class StrideWindow:
    """A candidate stride in frame positions (fractional), usable or excluded."""

    side: Side
    heel_strike: float
    toe_off: float | None
    next_heel_strike: float
    excluded: str | None = None
    stride: Stride | None = None


@dataclass
class GaitAnalysis:
    """The report plus the series behind it (for plots and the annotated video)."""

    report: GaitReport
    cleaned: CleaningResult
    ankle_deg: dict[Side, FloatArray]
    direction: NDArray[np.int_]
    windows: list[StrideWindow] = field(default_factory=list)
    events: dict[Side, SideEvents] = field(default_factory=dict)
    rhythm: StepRhythm | None = None


@dataclass(frozen=True)
class VideoDiagnostics:
    """Facts about the video used to explain an unusable one."""

    mean_luma: float | None = None
    tracked: NDArray[np.bool_] | None = None


def _at(series: FloatArray, pos: float) -> float:
    """Linear interpolation of a 1-D series at a fractional frame position."""
    n = series.size
    i = int(np.clip(np.floor(pos), 0, n - 1))
    j = min(i + 1, n - 1)
    w = pos - i
    return float(series[i] * (1 - w) + series[j] * w)


def _frames(start: float, stop: float, lo: float = 0.0, hi: float = 1.0) -> NDArray[np.int_]:
    a = start + lo * (stop - start)
    b = start + hi * (stop - start)
    return np.arange(int(np.ceil(a)), int(np.floor(b)) + 1)


def _bouts(direction: NDArray[np.int_]) -> NDArray[np.int_]:
    """Label contiguous runs of one walking direction (0 frames get label -1)."""
    labels = np.full(direction.size, -1, dtype=np.int_)
    current, label = 0, -1
    for i, d in enumerate(direction):
        if d == 0:
            current = 0
            continue
        if d != current:
            label += 1
            current = int(d)
        labels[i] = label
    return labels


def _alternation_problem(
    h0: float, h1: float, other: SideEvents | None, other_seen: NDArray[np.bool_]
) -> str | None:
    """Why the other foot's heel strikes do not fit inside stride ``h0 -> h1`` (None: they do).

    Heel strikes alternate: exactly one of the other foot's falls inside a stride, near its
    middle (:data:`OTHER_STRIKE_FRACTION`). Not judged where the other foot was not seen.
    """
    lo, hi = OTHER_STRIKE_FRACTION
    middle = _frames(h0, h1, lo.value, hi.value)
    if other is None or middle.size == 0 or not np.all(other_seen[middle]):
        return None
    inside = other.heel_strikes[(other.heel_strikes > h0) & (other.heel_strikes < h1)]
    if inside.size == 1:
        at = (float(inside[0]) - h0) / (h1 - h0)
        if lo.value <= at <= hi.value:
            return None
        return (
            f"the other foot strikes at {100 * at:.0f}% of the stride, not near the middle "
            "(heel strikes must alternate; an event is wrong)"
        )
    found = "no" if inside.size == 0 else f"{inside.size}"
    return (
        f"{found} heel strikes of the other foot inside it (heel strikes must alternate; "
        "an event was missed or doubled)"
    )


def _candidate_windows(
    events: SideEvents,
    side: Side,
    direction: NDArray[np.int_],
    fps: float,
    other: SideEvents | None = None,
    other_seen: NDArray[np.bool_] | None = None,
) -> list[StrideWindow]:
    windows = []
    hs = np.sort(events.heel_strikes)
    seen = other_seen if other_seen is not None else np.zeros(direction.size, dtype=bool)
    for h0, h1 in itertools.pairwise(hs):
        tos = events.toe_offs[(events.toe_offs > h0) & (events.toe_offs < h1)]
        at = f"{side} stride at {h0 / fps:.2f} s"
        stride_s = (h1 - h0) / fps
        if stride_s > STRIDE_MAX_S.value:
            continue  # a pause or a gap between walking bouts, not a stride
        span = direction[int(np.floor(h0)) : int(np.ceil(h1)) + 1]
        if span.size == 0 or np.any(span != span[0]) or span[0] == 0:
            windows.append(StrideWindow(side, h0, None, h1, f"{at} excluded: turning or pausing"))
            continue
        if tos.size != 1:
            found = "no" if tos.size == 0 else "more than one"
            windows.append(StrideWindow(side, h0, None, h1, f"{at} excluded: {found} toe off"))
            continue
        to = float(tos[0])
        stance_s, swing_s = (to - h0) / fps, (h1 - to) / fps
        reason: str | None = None
        if stride_s < STRIDE_MIN_S.value:
            reason = f"stride {stride_s:.2f} s is shorter than {STRIDE_MIN_S.value:g} s"
        elif not SWING_MIN_S.value <= swing_s <= SWING_MAX_S.value:
            reason = (
                f"swing {swing_s:.2f} s is outside {SWING_MIN_S.value:g}-{SWING_MAX_S.value:g} s"
            )
        elif not STANCE_FRACTION_MIN.value <= stance_s / stride_s <= STANCE_FRACTION_MAX.value:
            reason = (
                f"stance is {100 * stance_s / stride_s:.0f}% of the stride, outside "
                f"{100 * STANCE_FRACTION_MIN.value:.0f}-{100 * STANCE_FRACTION_MAX.value:.0f}%"
            )
        else:
            reason = _alternation_problem(h0, h1, other, seen)
        windows.append(
            StrideWindow(side, h0, to, h1, f"{at} excluded: {reason}" if reason else None)
        )
    return windows


def _gate_consistency(
    windows: list[StrideWindow], fps: float, stride_period_s: float | None = None
) -> list[StrideWindow]:
    """Exclude strides whose duration is far from the walk's stride period (a missed or an
    extra event, usually on the far leg).

    The period is twice the step period found by autocorrelation (:mod:`dorsi.gait.steps`),
    which does not depend on which strides passed the other gates; without it, the median of
    three or more gated strides.
    """
    ok = [w.next_heel_strike - w.heel_strike for w in windows if w.excluded is None]
    if stride_period_s is not None:
        typical = stride_period_s * fps
        what = "the walk's stride period"
    elif len(ok) >= 3:
        typical = float(np.median(ok))
        what = "the typical stride"
    else:
        return windows
    limit = STRIDE_CONSISTENCY.value * typical
    out = []
    for w in windows:
        length = w.next_heel_strike - w.heel_strike
        if w.excluded is None and abs(length - typical) > limit:
            reason = (
                f"{w.side} stride at {w.heel_strike / fps:.2f} s excluded: it lasts "
                f"{length / fps:.2f} s, far from {what} of {typical / fps:.2f} s "
                "(an event was missed or doubled)"
            )
            w = StrideWindow(w.side, w.heel_strike, w.toe_off, w.next_heel_strike, reason)
        out.append(w)
    return out


def _floor_lines(
    track: PoseTrack, windows: list[StrideWindow], bouts: NDArray[np.int_]
) -> dict[tuple[Side, int], FloorLine]:
    """One floor line per side and walking bout, from the toe in stance (fallback: per side)."""
    points: dict[tuple[Side, int], list[FloatArray]] = {}
    for w in windows:
        if w.toe_off is None:
            continue
        frames = _frames(w.heel_strike, w.toe_off, *TOE_STANCE)
        if frames.size == 0:
            continue
        bout = int(bouts[frames[0]])
        toe = track.xy[frames, idx(w.side, "toe")]
        points.setdefault((w.side, bout), []).append(toe)
        points.setdefault((w.side, -2), []).append(toe)
    lines: dict[tuple[Side, int], FloorLine] = {}
    for key, chunks in points.items():
        pts = np.concatenate(chunks)
        stances = len(chunks)
        if key[1] != -2 and stances < 2:
            continue
        line = fit_floor_line(pts)
        if line is not None:
            lines[key] = line
    return lines


def _near_camera(w: StrideWindow, raw: PoseTrack) -> bool:
    """Whether the stride's leg was the one nearest the camera: its knee, ankle, heel and toe
    seen at least as surely (mean visibility over the stride) as the other leg's."""
    frames = _frames(w.heel_strike, w.next_heel_strike)
    frames = frames[frames < raw.frames]
    other: Side = "right" if w.side == "left" else "left"
    own = np.clip(raw.visibility[frames][:, leg_indices(w.side)], 0, 1)
    theirs = np.clip(raw.visibility[frames][:, leg_indices(other)], 0, 1)
    return bool(frames.size == 0 or float(np.mean(own)) >= float(np.mean(theirs)))


def _far_leg_lines(windows: list[StrideWindow], raw: PoseTrack) -> list[StrideWindow]:
    """Say, per stride, when the far leg's stride was used or left out.

    The far leg's strides pass the same gates as the near leg's (events, timing, alternation,
    quality, plausible values); its landmarks are less sure, so a far-leg stride left out
    says so beside its reason, and a used one is flagged (see docs/gait.md, Far leg).
    """
    out = []
    for w in windows:
        if w.excluded is not None and not _near_camera(w, raw):
            w = _left_out(w, f"{w.excluded} (the far leg from the camera, seen less well)")
        out.append(w)
    return out


def _left_out(w: StrideWindow, reason: str) -> StrideWindow:
    return StrideWindow(w.side, w.heel_strike, w.toe_off, w.next_heel_strike, reason)


def _measure(
    w: StrideWindow,
    track: PoseTrack,
    raw: PoseTrack,
    cleaned: CleaningResult,
    ankle_fix: Repaired,
    floor: FloorLine | None,
    flat_pitch_deg: float,
    direction: int,
) -> StrideWindow:
    if w.toe_off is None:  # pragma: no cover - callers pass gated windows only
        return w
    fps = track.fps
    side = w.side
    at = f"{side} stride at {w.heel_strike / fps:.2f} s"
    frames = _frames(w.heel_strike, w.next_heel_strike)
    legs = leg_indices(side)
    if not np.all(np.isfinite(track.xy[frames][:, legs])):
        return StrideWindow(
            side,
            w.heel_strike,
            w.toe_off,
            w.next_heel_strike,
            f"{at} excluded: the foot was lost for too long",
        )
    if floor is None:
        return StrideWindow(
            side,
            w.heel_strike,
            w.toe_off,
            w.next_heel_strike,
            f"{at} excluded: no floor line could be fitted",
        )
    visibility = float(np.mean(np.clip(raw.visibility[frames][:, legs], 0, 1)))
    filled = float(np.mean(cleaned.filled[frames][:, legs]))
    quality = round(visibility * (1.0 - filled), 3)
    if quality < MIN_STRIDE_QUALITY.value:
        return StrideWindow(
            side,
            w.heel_strike,
            w.toe_off,
            w.next_heel_strike,
            f"{at} excluded: landmarks unsure (quality {quality:.2f})",
        )
    swing = _frames(w.toe_off, w.next_heel_strike)
    mid = _frames(w.toe_off, w.next_heel_strike, *MID_SWING)
    mid = mid if mid.size else swing
    peak = _frames(w.toe_off, w.next_heel_strike, *PEAK_SWING)
    peak = peak if peak.size else swing
    ankle = ankle_fix.values
    contact_frames = np.array([int(np.floor(w.heel_strike)), int(np.ceil(w.heel_strike))])
    used = np.concatenate([peak, np.clip(contact_frames, 0, ankle.size - 1)])
    if not np.all(np.isfinite(ankle[used])):
        mask = np.zeros(ankle.size, dtype=bool)
        mask[used] = ~np.isfinite(ankle[used])
        return _left_out(
            w,
            f"{at} excluded: the ankle angle at {frames_at(mask, fps)} is outside what an ankle "
            f"can do ({ANKLE_MIN_DEG.value:g} to {ANKLE_MAX_DEG.value:g} deg); the foot was "
            "mis-tracked",
        )
    shank = float(
        np.median(
            segment_length(
                track.xy[frames, idx(side, "knee")], track.xy[frames, idx(side, "ankle")]
            )
        )
    )
    if not shank > 0:
        return _left_out(w, f"{at} excluded: the shank could not be measured")
    # repaired over the whole swing, so a run at the edge of mid-swing has its neighbours
    height = floor.height_px(track.xy[swing, idx(side, "toe")]) / shank
    max_run = max(1, round(MAX_REPAIR_S.value * fps))
    whole = repair_out_of_range(
        height, 0.0, np.inf, max_run=max_run, below_ok=FLOOR_NOISE_RATIO.value
    )
    inside = np.isin(swing, mid)
    toe_fix = Repaired(whole.values[inside], whole.flagged[inside], whole.repaired[inside])
    if not np.all(np.isfinite(toe_fix.values)):
        mask = np.zeros(track.frames, dtype=bool)
        mask[mid[~np.isfinite(toe_fix.values)]] = True
        return _left_out(
            w,
            f"{at} excluded: the toe was tracked below the floor line at {frames_at(mask, fps)} "
            "in mid-swing (the toe or the floor was mis-tracked)",
        )
    clearance = float(np.min(toe_fix.values))
    flags = []
    if toe_fix.flagged.any():
        mask = np.zeros(track.frames, dtype=bool)
        mask[mid[toe_fix.flagged]] = True
        flags.append(
            f"toe below the floor line at {frames_at(mask, fps)}: taken as on the floor or "
            "filled in from the frames around it"
        )
    angle_flags = np.zeros(track.frames, dtype=bool)
    angle_flags[frames] = ankle_fix.repaired[frames]
    if angle_flags.any():
        flags.append(
            f"ankle angle impossible at {frames_at(angle_flags, fps)}: filled in from the "
            "frames around it"
        )
    heel_pos = np.array([_at(track.xy[:, idx(side, "heel"), d], w.heel_strike) for d in (0, 1)])
    toe_pos = np.array([_at(track.xy[:, idx(side, "toe"), d], w.heel_strike) for d in (0, 1)])
    pitch = float(floor.pitch_deg(heel_pos, toe_pos, np.array(float(direction)))) - flat_pitch_deg
    contact: InitialContact = "flat"
    if pitch >= CONTACT_PITCH_DEG.value:
        contact = "heel"
    elif pitch <= -CONTACT_PITCH_DEG.value:
        contact = "toe"
    stride = Stride(
        side=side,
        heel_strike_s=round(w.heel_strike / fps, 3),
        toe_off_s=round(w.toe_off / fps, 3),
        next_heel_strike_s=round(w.next_heel_strike / fps, 3),
        stance_time_s=round((w.toe_off - w.heel_strike) / fps, 3),
        swing_time_s=round((w.next_heel_strike - w.toe_off) / fps, 3),
        peak_swing_dorsiflexion_deg=round(float(np.max(ankle[peak])), 1),
        ankle_at_initial_contact_deg=round(_at(ankle, w.heel_strike), 1),
        initial_contact=contact,
        toe_clearance_ratio=round(clearance, 4),
        quality=min(1.0, max(0.0, quality)),
        flags=flags,
        near_camera=_near_camera(w, raw),
    )
    return StrideWindow(side, w.heel_strike, w.toe_off, w.next_heel_strike, None, stride)


def _flat_pitch(
    track: PoseTrack,
    windows: list[StrideWindow],
    lines: dict[tuple[Side, int], FloorLine],
    direction: NDArray[np.int_],
    side: Side,
) -> float:
    """Median foot pitch in mid-stance of ``side``: the landmarks' own 'flat foot'."""
    values = []
    for w in windows:
        if w.side != side or w.toe_off is None:
            continue
        line = lines.get((side, -2))
        frames = _frames(w.heel_strike, w.toe_off, *FLAT_STANCE)
        if line is None or frames.size == 0:
            continue
        pitch = line.pitch_deg(
            track.xy[frames, idx(side, "heel")],
            track.xy[frames, idx(side, "toe")],
            direction[frames].astype(np.float64),
        )
        values.append(pitch)
    if not values:
        return 0.0
    joined = np.concatenate(values)
    joined = joined[np.isfinite(joined)]
    return float(np.median(joined)) if joined.size else 0.0


def _too_small(scale_px: float) -> bool:
    return not np.isfinite(scale_px) or scale_px < MIN_PERSON_SCALE_PX.value


TOO_SMALL = (
    "the person is too small in the picture; stand the phone 3-4 m away "
    "so the body fills about half the frame height"
)


def explain_unusable(
    raw: PoseTrack, video: VideoInfo, diagnostics: VideoDiagnostics, windows: list[StrideWindow]
) -> str:
    """The most likely reason, in plain words, why no stride could be measured."""
    tracked = np.any(raw.visibility > 0, axis=1)
    dark = diagnostics.mean_luma is not None and diagnostics.mean_luma < DARK_MEAN_LUMA.value
    if video.duration_s < MIN_DURATION_S:
        return (
            f"the video is too short ({video.duration_s:.1f} s); record at least "
            "5 seconds of walking, past the camera and back"
        )
    if not tracked.any():
        if dark:
            return "the video is too dark to find a person; record in good light"
        return "no person was found in the video; keep the whole body in the picture"
    scale = body_scale_px(raw)
    if _too_small(scale):
        return TOO_SMALL
    if dark:
        return "the video is too dark to follow the feet; record in good light"
    hips = raw.xy[:, INDEX["left_hip"]] - raw.xy[:, INDEX["right_hip"]]
    trunk = (
        pelvis_xy(raw)
        - (raw.xy[:, INDEX["left_shoulder"]] + raw.xy[:, INDEX["right_shoulder"]]) / 2
    )
    ratio = np.abs(hips[:, 0]) / np.linalg.norm(trunk, axis=1)
    ratio = ratio[np.isfinite(ratio)]
    pelvis_x = pelvis_xy(raw)[:, 0]
    travel = float(np.nanmax(pelvis_x) - np.nanmin(pelvis_x)) / scale
    if (ratio.size and float(np.median(ratio)) > FRONTAL_HIP_RATIO.value) or (
        travel < MIN_WALK_TRAVEL_SCALES.value
    ):
        return (
            "the person is not filmed side-on while walking; film from the side "
            "and walk across the picture, past the camera and back"
        )
    if float(tracked.mean()) * video.duration_s < 2.0 * STRIDE_MIN_S.value + 1.0:
        return (
            "the walk in the video is too short to find a whole stride; "
            "walk at least 5 steps across the picture"
        )
    reasons = sorted({w.excluded.split(" excluded: ")[-1] for w in windows if w.excluded})
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    return "no complete stride passed the checks" + detail + "; record a longer, steadier walk"


def _runs(mask: NDArray[np.bool_], fps: float) -> str:
    """``mask``'s runs of True as 'a-b s' times, comma separated."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return ", ".join(
        f"{a / fps:.1f}-{b / fps:.1f} s" for a, b in zip(edges[::2], edges[1::2], strict=True)
    )


def _rhythm_warnings(rhythm: StepRhythm, events: dict[Side, SideEvents], fps: float) -> list[str]:
    """Plain sentences on what the step rhythm corrected and which events were doubled."""
    out: list[str] = []
    if rhythm.swapped.any():
        out.append(
            "the pose model mixed up the left and right leg at "
            f"{_runs(rhythm.swapped, fps)}; the labels were corrected from the order of the "
            "steps (heel strikes alternate)"
        )
    for side, mask in rhythm.unseen.items():
        if mask.any():
            out.append(
                f"the {side} leg was not seen at {_runs(mask, fps)} (both leg labels were on "
                "the other leg); strides there are left out"
            )
    for side, ev in events.items():
        for kind, pairs in (
            ("heel strike", ev.doubled_heel_strikes),
            ("toe off", ev.doubled_toe_offs),
        ):
            for dropped, kept in pairs:
                out.append(
                    f"{side} {kind} at {dropped / fps:.2f} s ignored: only "
                    f"{abs(dropped - kept) / fps:.2f} s from the one at {kept / fps:.2f} s, "
                    "too close for one foot in this walk (doubled event)"
                )
    return out


def analyze_track(
    raw: PoseTrack,
    *,
    video: VideoInfo,
    affected_side: Side | None = None,
    cutoff_hz: float = 6.0,
    diagnostics: VideoDiagnostics | None = None,
    extra_warnings: list[str] | None = None,
) -> GaitAnalysis:
    """Measure the strides in ``raw`` (one person's keypoints, pixels) and summarize them.

    Raises
    ------
    InputError
        (field ``VIDEO``) when no stride is usable, with the reason in plain words.
    """
    diagnostics = diagnostics or VideoDiagnostics()
    first = clean_track(raw, cutoff_hz=cutoff_hz)
    scale = body_scale_px(first.track)
    if np.isfinite(scale) and _too_small(scale):
        raise InputError(TOO_SMALL, field="VIDEO")
    direction = walking_direction(pelvis_xy(first.track)[:, 0], fps=raw.fps, scale_px=scale)
    # leg labels made consistent with the alternation of steps, then cleaned again so the
    # low-pass filter never runs across a label change (see dorsi.gait.steps)
    rhythm = find_rhythm(first.track, direction)
    labelled, _ = fix_leg_swaps(raw)
    labelled = relabel(labelled, rhythm)
    cleaned = clean_track(labelled, cutoff_hz=cutoff_hz, fix_swaps=False)
    cleaned = CleaningResult(
        cleaned.track, cleaned.filled, first.swapped_frames, cleaned.outliers_removed
    )
    track = cleaned.track
    bouts = _bouts(direction)
    # the angle from the 6 Hz keypoints still carries bursts of a slipped foot point: frames
    # far from a robust local fit over about a swing phase are replaced by it (dorsi.gait.smooth)
    stride_s = rhythm.stride_period_s or FALLBACK_STRIDE_S.value
    span = round(ANGLE_SPAN_STRIDES.value * stride_s * raw.fps)
    ankle = {
        side: replace_bursts(
            ankle_angle_deg(*(track.xy[:, idx(side, p)] for p in ("knee", "ankle", "heel", "toe"))),
            span_frames=span,
        )[0]
        for side in SIDES
    }
    # an impossible angle is a mis-tracked foot: repaired from its neighbours or left out
    ankle_fix = {
        side: repair_out_of_range(
            ankle[side],
            ANKLE_MIN_DEG.value,
            ANKLE_MAX_DEG.value,
            max_run=max(1, round(MAX_REPAIR_S.value * raw.fps)),
        )
        for side in SIDES
    }
    ankle = {side: ankle_fix[side].values for side in SIDES}
    events: dict[Side, SideEvents] = {}
    candidates: list[StrideWindow] = []
    if np.isfinite(scale):
        for side in SIDES:
            events[side] = zeni_events(
                track, side, direction, scale_px=scale, stride_period_s=rhythm.stride_period_s
            )
        for side in SIDES:
            other: Side = "right" if side == "left" else "left"
            other_seen = np.isfinite(track.xy[:, idx(other, "heel"), 0])
            candidates += _candidate_windows(
                events[side], side, direction, track.fps, events[other], other_seen
            )
    lines = _floor_lines(track, candidates, bouts)
    flat = {side: _flat_pitch(track, candidates, lines, direction, side) for side in SIDES}
    candidates = _gate_consistency(candidates, track.fps, rhythm.stride_period_s)
    windows: list[StrideWindow] = []
    for w in candidates:
        if w.excluded is not None:
            windows.append(w)
            continue
        d = int(direction[round(w.heel_strike)])
        bout = int(bouts[round(w.heel_strike)])
        line = lines.get((w.side, bout), lines.get((w.side, -2)))
        windows.append(
            _measure(w, track, labelled, cleaned, ankle_fix[w.side], line, flat[w.side], d)
        )
    windows = _far_leg_lines(windows, labelled)
    strides = sorted((w.stride for w in windows if w.stride), key=lambda s: s.heel_strike_s)
    if not strides:
        raise InputError(explain_unusable(raw, video, diagnostics, windows), field="VIDEO")
    tracked = np.any(raw.visibility > 0, axis=1)
    warnings = list(extra_warnings or [])
    for side in SIDES:
        n = sum(1 for s in strides if s.side == side)
        if n == 0:
            warnings.append(f"no usable {side} stride: the {side} side is not measured")
        elif n < 2:
            warnings.append(f"only one usable {side} stride: treat the {side} numbers with care")
    for side in SIDES:
        vis = raw.visibility[tracked][:, leg_indices(side)]
        if vis.size and float(vis.mean()) < FAR_LEG_VISIBILITY:
            warnings.append(
                f"the {side} leg was mostly the far leg from the camera, so its numbers are less "
                "sure; walk past and back so each leg is nearest the camera once"
            )
    if affected_side and not any(s.side == affected_side for s in strides):
        warnings.append(f"the affected ({affected_side}) side has no usable stride")
    warnings += _rhythm_warnings(rhythm, events, track.fps)
    warnings += [w.excluded for w in sorted(windows, key=lambda w: w.heel_strike) if w.excluded]
    warnings += [
        f"{s.side} stride at {s.heel_strike_s:.2f} s: {flag}" for s in strides for flag in s.flags
    ]
    warnings += [
        f"{s.side} stride at {s.heel_strike_s:.2f} s: the far leg from the camera, used: it "
        f"passed every check (quality {s.quality:.2f})"
        for s in strides
        if not s.near_camera
    ]
    report = GaitReport(
        video=video,
        strides=strides,
        summary=summarize(strides, affected_side=affected_side),
        quality=Quality(
            person_tracked_fraction=round(float(tracked.mean()), 3) if tracked.size else 0.0,
            usable_strides=len(strides),
            warnings=warnings,
            excluded_strides=[
                ExcludedStride(
                    side=w.side,
                    heel_strike_s=round(w.heel_strike / track.fps, 3),
                    next_heel_strike_s=round(w.next_heel_strike / track.fps, 3),
                    reason=w.excluded.split(" excluded: ")[-1],
                )
                for w in sorted(windows, key=lambda w: w.heel_strike)
                if w.excluded
            ],
        ),
    )
    return GaitAnalysis(report, cleaned, ankle, direction, windows, events, rhythm)
