"""The pure maths around the BlazePose models: anchors, detections, regions, crops, landmarks.

No model and no video here: numpy in, numpy out, so every step is unit-tested on its own.
The steps reproduce MediaPipe's legacy pose graph (``pose_detection_cpu``,
``pose_detection_to_roi``, ``pose_landmark_by_roi_cpu``, ``pose_landmarks_to_roi`` in
MediaPipe 0.10): the models were trained on crops made exactly this way, so doing it
differently would cost accuracy.

Conventions: image points are pixels (x right, y down). A region of interest (:class:`Roi`) is
a square of side ``size_px`` centred on ``(x_px, y_px)`` and turned by ``rotation_rad``
(clockwise on screen); the model sees it upright.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

DETECTOR_INPUT_PX = 224
LANDMARK_INPUT_PX = 256
LANDMARK_COUNT = 39  # 33 body landmarks + 6 auxiliary (33: hip centre, 34: size/rotation point)
HEATMAP_KERNEL = 7
ROI_SCALE = 1.25  # margin around the body the landmark model was trained with
NMS_MIN_IOU = 0.3


@dataclass(frozen=True)
class Roi:
    """A square region of the image, turned by ``rotation_rad`` (see the module docs)."""

    x_px: float
    y_px: float
    size_px: float
    rotation_rad: float


@dataclass(frozen=True)
class Detection:
    """One person found by the detector, in image pixels.

    ``keypoints`` is ``(4, 2)``: hip centre, a point fixing the full body's size and
    rotation, shoulder centre, and the same for the upper body.
    """

    score: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 (the face box)
    keypoints: FloatArray

    @property
    def hip_px(self) -> tuple[float, float]:
        return float(self.keypoints[0, 0]), float(self.keypoints[0, 1])

    def roi(self) -> Roi:
        """The landmark model's region for this person."""
        return roi_from_points(self.keypoints[0], self.keypoints[1])


def ssd_anchors() -> FloatArray:
    """The detector's 2254 anchor centres ``(N, 2)`` in 0-1 (MediaPipe ``SsdAnchorsCalculator``
    with strides 8, 16, 32, 32, 32, one aspect ratio plus the interpolated one, fixed size)."""
    strides = (8, 16, 32, 32, 32)
    centres: list[FloatArray] = []
    layer = 0
    while layer < len(strides):
        # consecutive layers with the same stride share one feature map
        last = layer
        while last + 1 < len(strides) and strides[last + 1] == strides[layer]:
            last += 1
        per_cell = 2 * (last - layer + 1)
        side = math.ceil(DETECTOR_INPUT_PX / strides[layer])
        ys, xs = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
        cells = np.stack([(xs + 0.5) / side, (ys + 0.5) / side], axis=-1).reshape(-1, 2)
        centres.append(np.repeat(cells, per_cell, axis=0))
        layer = last + 1
    return np.concatenate(centres).astype(np.float64)


@dataclass(frozen=True)
class Letterbox:
    """How a whole frame was fitted, aspect kept, into the detector's square input."""

    scale: float  # input pixels per image pixel
    offset_x: float
    offset_y: float

    @classmethod
    def fit(cls, width: int, height: int, side_px: int = DETECTOR_INPUT_PX) -> Letterbox:
        scale = side_px / max(width, height)
        return cls(scale, (side_px - width * scale) / 2, (side_px - height * scale) / 2)

    def matrix(self) -> FloatArray:
        """2x3 affine matrix from image pixels to input pixels (for ``cv2.warpAffine``)."""
        return np.array(
            [[self.scale, 0.0, self.offset_x], [0.0, self.scale, self.offset_y]], np.float64
        )

    def to_image(self, points: FloatArray) -> FloatArray:
        """Input pixels -> image pixels (any shape ending in 2)."""
        offset = np.array([self.offset_x, self.offset_y])
        return np.asarray((points - offset) / self.scale, np.float64)


#: a picture taller than wide by more than this is also searched in square tiles
TILE_MIN_ASPECT = 1.2
#: neighbouring tiles overlap by at least this share of a tile, so a person cut by one
#: tile's edge is whole in the next
TILE_MIN_OVERLAP = 1.0 / 3.0


def detector_tiles(width: int, height: int, side_px: int = DETECTOR_INPUT_PX) -> list[Letterbox]:
    """Square tiles of a tall picture (the picture's width, stepping down its height), each
    mapped onto the detector's input; none for a picture that is not tall.

    Why: the detector sees the whole picture fitted into 224 x 224 pixels. A portrait phone
    video puts its long side there, so a walker filmed whole at 3-4 m is about 35-45 pixels
    tall at the detector's input (a landscape picture of the same scene gives her about 50)
    and is missed in most frames. A tile as wide as the picture gives her 1.8 times the
    pixels. (A wide picture is not tiled: its letterbox already fills the input's width, and
    the demo's walker is found there.)
    """
    if height <= TILE_MIN_ASPECT * width:
        return []
    step_max = (1.0 - TILE_MIN_OVERLAP) * width
    count = math.ceil((height - width) / step_max) + 1
    step = (height - width) / (count - 1)
    scale = side_px / width
    return [Letterbox(scale, 0.0, -round(k * step) * scale) for k in range(count)]


def merge_detections(found: list[list[Detection]]) -> list[Detection]:
    """Detections from several views of one picture (in image pixels), best first, a person
    seen in two views counted once (face boxes overlapping by more than ``NMS_MIN_IOU``)."""
    ranked = sorted((d for ds in found for d in ds), key=lambda d: -d.score)
    kept: list[Detection] = []
    for det in ranked:
        box = np.asarray(det.box, np.float64)
        if kept and (_iou(box, np.asarray([k.box for k in kept], np.float64)) > NMS_MIN_IOU).any():
            continue
        kept.append(det)
    return kept


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -100.0, 100.0))), np.float64)


def decode_detections(
    raw_boxes: NDArray[np.float32],
    raw_scores: NDArray[np.float32],
    anchors: FloatArray,
    letterbox: Letterbox,
    *,
    min_score: float = 0.5,
) -> list[Detection]:
    """The detector's raw output -> people in image pixels, best first, after weighted
    non-maximum suppression (overlapping boxes are averaged, weighted by score)."""
    scores = _sigmoid(raw_scores.reshape(-1).astype(np.float64))
    keep = np.flatnonzero(scores >= min_score)
    if keep.size == 0:
        return []
    side = float(DETECTOR_INPUT_PX)
    raw = raw_boxes.reshape(-1, 12)[keep].astype(np.float64)
    centre = anchors[keep]
    # boxes and keypoints are offsets from the anchor centre, in input pixels (x, y order)
    xy = raw[:, 0:2] / side + centre
    wh = raw[:, 2:4] / side
    boxes = np.concatenate([xy - wh / 2, xy + wh / 2], axis=1) * side
    kps = (raw[:, 4:12].reshape(-1, 4, 2) / side + centre[:, None, :]) * side
    return [
        Detection(
            score=score,
            box=tuple(float(v) for v in letterbox.to_image(box.reshape(2, 2)).reshape(4)),  # type: ignore[arg-type]
            keypoints=letterbox.to_image(kp),
        )
        for score, box, kp in _weighted_nms(scores[keep], boxes, kps)
    ]


def _iou(box: FloatArray, boxes: FloatArray) -> FloatArray:
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[2], boxes[:, 2])
    y1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    return np.asarray(np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0), np.float64)


def _weighted_nms(
    scores: FloatArray, boxes: FloatArray, kps: FloatArray
) -> list[tuple[float, FloatArray, FloatArray]]:
    """MediaPipe's weighted NMS: the best box absorbs every box overlapping it by more than
    ``NMS_MIN_IOU`` (itself included); their coordinates are averaged, weighted by score."""
    order = np.argsort(-scores, kind="stable")
    out: list[tuple[float, FloatArray, FloatArray]] = []
    while order.size:
        top = order[0]
        overlap = _iou(boxes[top], boxes[order]) > NMS_MIN_IOU
        overlap[0] = True  # the best box is in its own group (even an empty box)
        group = order[overlap]
        weights = scores[group][:, None]
        total = float(weights.sum())
        box = (boxes[group] * weights).sum(axis=0) / total
        kp = (kps[group] * weights[:, :, None]).sum(axis=0) / total
        out.append((float(scores[top]), box, kp))
        order = order[~overlap]
    return out


def roi_from_points(centre: FloatArray, scale_point: FloatArray) -> Roi:
    """Region from a centre and a point whose distance fixes the size and whose direction the
    model wants straight up (``AlignmentPointsRectsCalculator`` with a 90 deg target, then
    ``RectTransformationCalculator`` scaling by :data:`ROI_SCALE`, square)."""
    dx = float(scale_point[0] - centre[0])
    dy = float(scale_point[1] - centre[1])
    size = 2.0 * math.hypot(dx, dy) * ROI_SCALE
    rotation = math.pi / 2 - math.atan2(-dy, dx)
    rotation = (rotation + math.pi) % (2 * math.pi) - math.pi
    return Roi(float(centre[0]), float(centre[1]), size, rotation)


def roi_matrix(roi: Roi, side_px: int = LANDMARK_INPUT_PX) -> FloatArray:
    """2x3 affine matrix from image pixels to the model's upright ``side_px`` crop of ``roi``."""
    k = side_px / roi.size_px
    c, s = math.cos(roi.rotation_rad), math.sin(roi.rotation_rad)
    # crop = k * R(-rotation) (image - centre) + side / 2
    return np.array(
        [
            [k * c, k * s, side_px / 2 - k * (c * roi.x_px + s * roi.y_px)],
            [-k * s, k * c, side_px / 2 - k * (-s * roi.x_px + c * roi.y_px)],
        ],
        np.float64,
    )


def roi_bounds(roi: Roi, width: int, height: int) -> tuple[int, int, int, int] | None:
    """The image pixels ``(x0, y0, x1, y1)`` (end exclusive) that a crop of ``roi`` can read,
    clipped to the image; None when the region lies wholly outside it."""
    reach = roi.size_px * (abs(math.cos(roi.rotation_rad)) + abs(math.sin(roi.rotation_rad))) / 2
    reach += 2.0  # bilinear neighbours
    x0 = max(0, math.floor(roi.x_px - reach))
    y0 = max(0, math.floor(roi.y_px - reach))
    x1 = min(width, math.ceil(roi.x_px + reach) + 1)
    y1 = min(height, math.ceil(roi.y_px + reach) + 1)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def refine_with_heatmap(
    xy01: FloatArray,
    heatmap: NDArray[np.float32],
    *,
    which: NDArray[np.intp] | None = None,
    min_confidence: float = 0.5,
) -> FloatArray:
    """Landmarks ``(K, 2)`` in 0-1 of the crop, moved to the confidence-weighted centre of
    their heatmap in a 7x7 window (MediaPipe ``RefineLandmarksFromHeatmapCalculator``) when
    the window's best confidence reaches ``min_confidence``; others stay. ``which`` limits the
    work to the landmarks that are used (default: all that have a heatmap channel)."""
    rows, cols, channels = heatmap.shape
    out = xy01.copy()
    idx = np.arange(min(channels, xy01.shape[0])) if which is None else np.asarray(which)
    half = (HEATMAP_KERNEL - 1) // 2
    col = np.floor(xy01[idx, 0] * cols).astype(np.intp)
    row = np.floor(xy01[idx, 1] * rows).astype(np.intp)
    inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
    idx, col, row = idx[inside], col[inside], row[inside]
    if idx.size == 0:
        return out
    offsets = np.arange(HEATMAP_KERNEL) - half
    win_rows = row[:, None] + offsets[None, :]
    win_cols = col[:, None] + offsets[None, :]
    # a window reaching past the map's edge is cut there
    valid = ((win_rows >= 0) & (win_rows < rows))[:, :, None] & (
        (win_cols >= 0) & (win_cols < cols)
    )[:, None, :]
    heat = heatmap[
        np.clip(win_rows, 0, rows - 1)[:, :, None],
        np.clip(win_cols, 0, cols - 1)[:, None, :],
        idx[:, None, None],
    ]
    conf = np.where(valid, _sigmoid(heat.astype(np.float64)), 0.0)
    total = conf.sum(axis=(1, 2))
    best = conf.max(axis=(1, 2))
    mean_row = (conf.sum(axis=2) * win_rows).sum(axis=1) / np.maximum(total, 1e-12)
    mean_col = (conf.sum(axis=1) * win_cols).sum(axis=1) / np.maximum(total, 1e-12)
    ok = (best >= min_confidence) & (total > 0)
    out[idx[ok], 0] = mean_col[ok] / cols
    out[idx[ok], 1] = mean_row[ok] / rows
    return out


def crop_to_image(xy01: FloatArray, roi: Roi) -> FloatArray:
    """Points in 0-1 of the upright crop -> image pixels."""
    c, s = math.cos(roi.rotation_rad), math.sin(roi.rotation_rad)
    local = (xy01 - 0.5) * roi.size_px
    x = c * local[:, 0] - s * local[:, 1] + roi.x_px
    y = s * local[:, 0] + c * local[:, 1] + roi.y_px
    return np.stack([x, y], axis=1)


@dataclass(frozen=True)
class Landmarks:
    """The landmark model's answer for one region: ``xy`` ``(39, 2)`` image pixels,
    ``visibility`` ``(39,)`` 0-1, and ``presence`` 0-1 (is a person in the region at all)."""

    xy: FloatArray
    visibility: FloatArray
    presence: float

    def next_roi(self) -> Roi:
        """The region for the next frame, from the auxiliary hip-centre and size points."""
        return roi_from_points(self.xy[33], self.xy[34])


def decode_landmarks(
    raw: NDArray[np.float32],
    presence: float,
    heatmap: NDArray[np.float32],
    roi: Roi,
    *,
    refine: NDArray[np.intp] | None = None,
) -> Landmarks:
    """The landmark model's outputs for ``roi`` -> :class:`Landmarks` in image pixels
    (``refine``: the landmarks to refine with the heatmap; default all)."""
    values = raw.reshape(LANDMARK_COUNT, 5).astype(np.float64)
    xy01 = values[:, :2] / LANDMARK_INPUT_PX
    xy01 = refine_with_heatmap(xy01, heatmap.reshape(heatmap.shape[-3:]), which=refine)
    return Landmarks(crop_to_image(xy01, roi), _sigmoid(values[:, 3]), float(presence))
