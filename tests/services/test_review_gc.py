"""The clinic-wide review pauses Python's cyclic garbage collector (services.review.gc_paused):
it always restores the state it found, whatever nests, fails or runs in other threads."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from dorsi.services.review import gc_paused


@pytest.fixture(autouse=True)
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_enabled_after() -> None:
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_resume_only_when_the_outer_one_ends() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_resumes_collection() -> None:
    def failing() -> None:
        with gc_paused():
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        failing()
    assert gc.isenabled()


def test_collection_disabled_before_stays_disabled() -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_threads_overlapping_pauses_leave_it_enabled() -> None:
    inside = threading.Barrier(4)
    leave = threading.Event()
    seen: list[bool] = []

    def reviewer() -> None:
        with gc_paused():
            inside.wait()
            seen.append(gc.isenabled())
            leave.wait(10)

    threads = [threading.Thread(target=reviewer) for _ in range(3)]
    for t in threads:
        t.start()
    inside.wait()
    leave.set()
    for t in threads:
        t.join(10)
    assert seen == [False, False, False]
    assert gc.isenabled()
