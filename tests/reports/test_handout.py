"""The home-exercise handout: page 1 safety, one block per exercise, print-ready."""

from __future__ import annotations

import dataclasses
import statistics

import pytest

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.words import load_words
from dorsi.errors import ConflictError
from dorsi.interop.record import PatientRecord
from dorsi.reports import handout_view, render_handout
from dorsi.reports.handout import LOG_WEEKS
from tests.reports.conftest import ARTEFACTS, GOLDEN
from tests.reports.demo import NOW
from tests.reports.pdf import (
    compare_golden,
    font_sizes,
    grey_only,
    page_sizes,
    pages_text,
    render_pages,
)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def rosa_letter(records: dict[str, PatientRecord]) -> bytes:
    return render_handout(handout_view(records["rosa"], created=NOW), paper="letter")


def test_first_page_has_stop_rules_and_red_flags(
    rosa_letter: bytes, records: dict[str, PatientRecord]
) -> None:
    first = _flat(pages_text(rosa_letter)[0])
    assert "Your home exercises, Rosa Demo" in first
    assert "Stop and tell your clinician" in first
    for rule in load_exercises().common_stop_rules:
        assert _flat(rule) in first
    assert "Call 911 now" in first
    assert "One side of your face droops" in first


def test_one_block_per_exercise_with_steps_dose_and_log(
    rosa_letter: bytes, records: dict[str, PatientRecord]
) -> None:
    program = records["rosa"].current_program
    assert program is not None
    catalog = load_exercises()
    pages = [_flat(t) for t in pages_text(rosa_letter)]
    text = " ".join(pages)
    for number, item in enumerate(program.exercises, start=1):
        exercise = catalog.get(item.exercise_id)
        heading = f"{number}. {exercise.name}"
        start = next(i for i, page in enumerate(pages) if heading in page)
        block = " ".join(pages[start : start + 2])
        assert _flat(exercise.steps[0]) in block
        dose = (
            f"Do {item.sets} sets of {item.reps}."
            if item.reps
            else f"Hold each one for {item.hold_s} seconds."
        )
        assert dose in block
    # One log for the program: a table per week, a row per exercise.
    log = text[text.index("Tick a box each day you do it") :]
    assert log.count("Week of") == LOG_WEEKS
    for number, item in enumerate(program.exercises, start=1):
        assert log.count(f"{number}. {catalog.get(item.exercise_id).name}") == LOG_WEEKS


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("name", ["rosa", "omar", "grace"])
def test_five_exercises_fit_in_six_pages_with_no_tip_twice(
    records: dict[str, PatientRecord], name: str, lang: str, paper: str
) -> None:
    """Every demo patient's five exercises, in both languages, on both papers: at most six
    pages, the exercises two to a page (on at most three pages), each tip said once."""
    view = handout_view(records[name], created=NOW, lang=lang)
    assert len(view.exercises) == 5
    data = render_handout(view, paper=paper)  # type: ignore[arg-type]
    pages = [_flat(t) for t in pages_text(data)]
    assert len(page_sizes(data)) == len(pages) <= 6, len(pages)
    tick = load_words("handout").say("tick", view.lang)
    log_page = next(i for i, page in enumerate(pages) if tick in page)
    headings = [f"{n}. {e.name}" for n, e in enumerate(view.exercises, start=1)]
    holding = {
        i
        for i, page in enumerate(pages[: log_page + 1])
        for h in headings
        if h in page.split(tick)[0]
    }
    assert len(holding) <= 3, holding
    for exercise in view.exercises:
        assert len(set(exercise.tips)) == len(exercise.tips), exercise.id
        assert not set(exercise.tips) & set(exercise.clinician_tips)


def test_two_exercises_share_a_page(rosa_letter: bytes, records: dict[str, PatientRecord]) -> None:
    """Each exercise takes half a page or less: five exercises are on at most three pages."""
    program = records["rosa"].current_program
    assert program is not None
    catalog = load_exercises()
    headings = [
        f"{n}. {catalog.get(item.exercise_id).name}"
        for n, item in enumerate(program.exercises, start=1)
    ]
    pages = [_flat(t) for t in pages_text(rosa_letter)]
    log_page = next(i for i, page in enumerate(pages) if "Tick a box each day" in page)
    # Page 1's exercise table lists the names too; blocks start after it.
    holding = {i for i, page in enumerate(pages[1:log_page], 1) for h in headings if h in page}
    holding |= (
        {log_page} if any(h in pages[log_page].split("Tick a box")[0] for h in headings) else set()
    )
    assert len(holding) <= 3, holding


def test_large_type(rosa_letter: bytes) -> None:
    sizes = font_sizes(rosa_letter, 0)
    assert statistics.median(sizes) >= 14
    assert min(sizes) >= 10  # only the footer is smaller than body text


@pytest.mark.parametrize(("paper", "size"), [("letter", (612.0, 792.0)), ("a4", (595.3, 841.9))])
def test_prints_on_a4_and_letter_in_grey(
    records: dict[str, PatientRecord], paper: str, size: tuple[float, float]
) -> None:
    data = render_handout(handout_view(records["rosa"], created=NOW), paper=paper)  # type: ignore[arg-type]
    assert set(page_sizes(data)) == {size}
    pages = render_pages(data)
    for index, image in enumerate(pages[:3]):
        assert grey_only(image), f"page {index + 1} uses colour"
        compare_golden(
            image, GOLDEN / f"handout-rosa-{paper}-p{index + 1}.png", ARTEFACTS, tolerance=0.004
        )


def test_paused_program_says_so_first(records: dict[str, PatientRecord]) -> None:
    data = render_handout(handout_view(records["grace"], created=NOW))
    first = _flat(pages_text(data)[0])
    assert "Your program is on hold. Do not do these exercises" in first


def test_no_program_is_a_clear_error(records: dict[str, PatientRecord]) -> None:
    record = dataclasses.replace(records["rosa"], programs=())
    with pytest.raises(ConflictError, match="no assigned program yet"):
        handout_view(record, created=NOW)


def test_deterministic(records: dict[str, PatientRecord], rosa_letter: bytes) -> None:
    assert render_handout(handout_view(records["rosa"], created=NOW)) == rosa_letter
