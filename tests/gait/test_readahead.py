"""Decoding a few frames ahead in a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dorsi.gait.readahead import read_ahead


@given(items=st.lists(st.integers()), depth=st.integers(1, 8))
def test_items_come_in_order_and_complete(items: list[int], depth: int) -> None:
    assert list(read_ahead(iter(items), depth=depth)) == items


def test_never_more_than_depth_ahead() -> None:
    made: list[int] = []

    def source() -> Iterator[int]:
        for i in range(100):
            made.append(i)
            yield i

    reader = read_ahead(source(), depth=3)
    assert next(reader) == 0
    time.sleep(0.2)
    # one handed over, three waiting, one made and blocked on the full queue
    assert len(made) <= 1 + 3 + 1
    reader.close()


def test_an_error_in_the_source_is_raised_in_the_reader() -> None:
    def source() -> Iterator[int]:
        yield 1
        raise OSError("disk gone")

    reader = read_ahead(source())
    assert next(reader) == 1
    with pytest.raises(OSError, match="disk gone"):
        next(reader)


def test_closing_early_stops_the_thread_and_closes_the_source() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    before = {t.name for t in threading.enumerate()}
    reader = read_ahead(source(), depth=2)
    assert [next(reader) for _ in range(5)] == [0, 1, 2, 3, 4]
    reader.close()
    assert closed.wait(5.0)
    time.sleep(0.05)
    assert not [t for t in threading.enumerate() if t.name == "dorsi-decode" and t.is_alive()]
    assert "dorsi-decode" not in before


def test_depth_must_be_positive() -> None:
    with pytest.raises(ValueError, match="depth"):
        list(read_ahead(iter([1]), depth=0))
