"""The files a check-in runs are the ones docs/architecture.md names.

The architecture document draws a check-in top to bottom and lists, step by step, every
project file whose code runs for one. This test traces a real check-in through the app (every
thread, after a warm-up, sign-in excluded) and holds the document to it: a new hop on the
path fails here until the document says where it goes.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from fastapi import FastAPI

import dorsi
from tests.web.conftest import CHECKIN, Clinic, TestClient, token_for

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(dorsi.__file__).resolve().parent
#: the check-in's section of the document, up to the next paragraph after its table
SECTION = "**Six files to read, more that run.**"
STOP_ONLY = {"catalog/words.py", "i18n.py"}


def documented_files() -> set[str]:
    """The files of the document's table (paths relative to ``src/dorsi``)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    table = [line for line in section.splitlines() if line.startswith("|")]
    return {name for row in table for name in re.findall(r"`([\w/]+\.py)`", row)}


@contextmanager
def traced() -> Iterator[set[str]]:
    """The project files whose functions are called while the block runs, in any thread
    started after it begins (the test client's threads are)."""
    seen: set[str] = set()

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call":
            path = frame.f_code.co_filename
            if path.startswith(str(PACKAGE)):
                seen.add(Path(path).resolve().relative_to(PACKAGE).as_posix())

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        yield seen
    finally:
        sys.setprofile(None)
        threading.setprofile(None)


def check_in(client: TestClient, url: str, headers: dict[str, str], **changes: object) -> None:
    answer = client.post(url, headers=headers, json={**CHECKIN, **changes})
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("stop", [False, True], ids=["ok", "stop"])
def test_a_check_in_runs_the_files_the_architecture_names(
    app: FastAPI, clinic: Clinic, stop: bool
) -> None:
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    with traced() as seen, TestClient(app, raise_server_exceptions=False) as client:
        headers = token_for(client, "ann")
        check_in(client, url, headers, weakness_worse=stop)  # warm-up: lazy imports, caches
        seen.clear()
        check_in(client, url, headers, weakness_worse=stop)
        ran = set(seen)
    documented = documented_files()
    expected = documented if stop else documented - STOP_ONLY
    assert ran == expected, (
        f"ran but not in the document: {sorted(ran - expected)}; "
        f"in the document but did not run: {sorted(expected - ran)}"
    )
