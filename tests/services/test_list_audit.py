"""A list read is audited as a few entries that name every listed patient exactly once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dorsi.services.context import Ctx
from dorsi.services.list_audit import DETAIL_MAX, details, listed_patients, note_list
from dorsi.settings import load_settings

IDS = st.sets(st.integers(min_value=1, max_value=2**31 - 1), max_size=400)


@given(IDS)
def test_details_name_every_id_once_within_the_column(ids: set[int]) -> None:
    texts = details(ids)
    assert all(len(text) <= DETAIL_MAX for text in texts)
    named = [listed_patients(text) for text in texts]
    assert set().union(*named) == ids
    assert sum(len(n) for n in named) == len(ids)  # no id in two entries


def test_contiguous_ids_fit_in_one_range() -> None:
    assert details(range(1, 10_001)) == ["patients 1-10000"]
    assert details([5, 1, 2, 3, 9]) == ["patients 1-3,5,9"]
    assert details([]) == []


def test_other_details_name_no_patients() -> None:
    assert listed_patients("dashboard") == frozenset()
    assert listed_patients("patients 1-x") == frozenset()
    assert listed_patients("patients 4") == {4}


def _ctx(tmp_path: Path) -> Ctx:
    settings = load_settings(data_dir=tmp_path, secret_key="s" * 32)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    return Ctx(db=None, now=now, settings=settings, secret=b"s" * 32)  # type: ignore[arg-type]


def test_one_patient_is_an_ordinary_entry(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    note_list(ctx, "patient.list", [7])
    assert [(a.action, a.patient_id, a.detail) for a in ctx.audit] == [("patient.list", 7, "")]


def test_many_patients_few_entries(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    scattered = list(range(1, 20_000, 2))  # 10,000 ids, no two adjacent
    note_list(ctx, "patient.list", scattered)
    assert 1 < len(ctx.audit) < len(scattered) // 10
    assert {a.patient_id for a in ctx.audit} == {None}
    assert set().union(*(listed_patients(a.detail) for a in ctx.audit)) == set(scattered)


def test_nothing_listed_nothing_noted(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    note_list(ctx, "patient.list", [])
    assert ctx.audit == []
