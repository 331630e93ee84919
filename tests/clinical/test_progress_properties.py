"""Invariants of the progress review (hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.catalog.measures import load_measures
from dorsi.catalog.mmt import GRADES, MmtGrade, numeric
from dorsi.clinical.contract import parse
from dorsi.clinical.progress import ProgressInput, review
from tests.clinical.test_progress import TODAY, kinds, m, run, s

NUMERIC = [x for x in load_measures().measures if x.value_kind == "number" and not x.trend_only]

FAST = settings(max_examples=150, deadline=None)


@st.composite
def series(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Two or more values of one measure on days within the last year."""
    measure = draw(st.sampled_from([*NUMERIC, load_measures().get("dorsiflexion_mmt")]))
    count = draw(st.integers(min_value=1, max_value=5))
    days = draw(st.lists(st.integers(0, 365), min_size=count, max_size=count))
    if measure.value_kind == "mmt_grade":
        values: list[Any] = draw(st.lists(st.sampled_from(GRADES), min_size=count, max_size=count))
    else:
        values = draw(
            st.lists(
                st.floats(measure.min, measure.max, allow_nan=False).map(lambda v: round(v, 3)),
                min_size=count,
                max_size=count,
            )
        )
    return [m(measure.id, v, d) for v, d in zip(values, days, strict=True)]


@st.composite
def sessions(draw: st.DrawFn) -> list[dict[str, Any]]:
    return draw(
        st.lists(
            st.builds(
                s,
                st.integers(0, 120),
                completed=st.booleans(),
                pain=st.integers(0, 10),
                difficulty=st.sampled_from(["easy", "ok", "hard"]),
                weakness_worse=st.booleans(),
                balance_worse=st.booleans(),
            ),
            max_size=40,
        )
    )


@FAST
@given(series())
def test_status_is_never_real_change_within_the_mdc(values: list[dict[str, Any]]) -> None:
    out = run(values)
    (item,) = out.measures.values()
    if len(values) == 1:
        assert item.status == "insufficient_data"
        assert item.change == 0
        return
    for change, mdc, status in (
        (item.change, item.mdc, item.status_from_baseline),
        (item.change_from_previous, item.mdc_from_previous, item.status_from_previous),
        (item.change_from_best, item.mdc_from_best, item.status_from_best),
    ):
        assert change is not None
        assert mdc is not None
        if abs(change) < mdc - 1e-6:
            assert status == "no_real_change"
        else:
            assert status in ("improved", "worse")


@FAST
@given(series())
def test_direction_decides_improved_or_worse(values: list[dict[str, Any]]) -> None:
    out = run(values)
    ((measure_id, item),) = out.measures.items()
    if item.status_from_baseline in ("improved", "worse"):
        higher = load_measures().get(measure_id).direction == "higher"
        assert (item.status_from_baseline == "improved") == ((item.change > 0) == higher)
    assert (item.status == "worse") == bool(item.worse_than)
    if item.status == "worse":
        assert "worsening" in kinds(out)


@FAST
@given(series(), sessions(), st.integers(0, 120), st.booleans())
def test_a_session_with_weakness_or_balance_worse_always_stops(
    values: list[dict[str, Any]], logged: list[dict[str, Any]], days_ago: int, weakness: bool
) -> None:
    flagged = s(days_ago, weakness_worse=weakness, balance_worse=not weakness)
    out = run(values, [*logged, flagged])
    assert "stop_program" in kinds(out)
    assert "ready_to_progress" not in kinds(out)


@FAST
@given(
    sessions(),
    st.one_of(st.none(), st.integers(0, 7)),
    st.one_of(st.none(), st.integers(-30, 400)),
)
def test_adherence_percent_is_within_0_and_100(
    logged: list[dict[str, Any]], per_week: int | None, start_days_ago: int | None
) -> None:
    extra: dict[str, Any] = {}
    if per_week is not None:
        extra["planned_days_per_week"] = per_week
    if start_days_ago is not None:
        extra["program_start"] = s(start_days_ago)["date"]
    out = run([], logged, **extra)
    adh = out.adherence
    assert adh.sessions_done == len({x["date"] for x in logged if x["completed"]})
    assert adh.sessions_planned >= 0
    if adh.sessions_planned == 0:  # nothing planned: no figure, never adequate
        assert adh.percent is None
        assert not adh.adequate
        assert "ready_to_progress" not in kinds(out)
        return
    assert adh.percent is not None
    assert 0 <= adh.percent <= 100
    if adh.sessions_done >= adh.sessions_planned:
        assert adh.percent == 100


@FAST
@given(series(), sessions())
def test_ready_to_progress_never_alongside_stop_worsening_or_regress(
    values: list[dict[str, Any]], logged: list[dict[str, Any]]
) -> None:
    found = kinds(run(values, logged))
    if "ready_to_progress" in found:
        assert not {"stop_program", "worsening", "regress", "low_adherence"} & set(found)


@FAST
@given(sessions(), st.integers(1, 7), st.integers(0, 60))
def test_a_started_program_plans_at_least_one_session_and_waits_a_week_to_alert(
    logged: list[dict[str, Any]], per_week: int, start_days_ago: int
) -> None:
    # Sessions before the program start are the patient's own; keep the ones since the start.
    since = [x for x in logged if x["date"] >= s(start_days_ago)["date"]]
    out = run([], since, program_start=s(start_days_ago)["date"], planned_days_per_week=per_week)
    days = start_days_ago + 1
    assert out.adherence.sessions_planned == max(1, round(days * per_week / 7))
    assert out.adherence.sessions_planned <= days
    if days < 7:
        assert "low_adherence" not in kinds(out)


def _number(value: Any) -> float:
    return numeric(cast(MmtGrade, value)) if isinstance(value, str) else float(value)


def _better_or_equal(measure_id: str, a: Any, b: Any) -> bool:
    higher = load_measures().get(measure_id).direction == "higher"
    return _number(a) >= _number(b) if higher else _number(a) <= _number(b)


@FAST
@given(series())
def test_a_decline_from_the_peak_is_never_improved(values: list[dict[str, Any]]) -> None:
    """A drop of at least the MDC at the best earlier value is worse, whatever the baseline."""
    out = run(values)
    ((measure_id, item),) = out.measures.items()
    if item.best is None:
        return
    measure = load_measures().get(measure_id)
    drop = abs(_number(item.latest) - _number(item.best))
    if not _better_or_equal(measure_id, item.latest, item.best) and (
        drop + 1e-6 >= round(measure.mdc_at(_number(item.best)), 4)
    ):
        assert item.status == "worse"
        assert "best" in item.worse_than
        assert "worsening" in kinds(out)


@FAST
@given(series(), st.data())
def test_adding_a_better_value_never_creates_a_worsening_alert(
    values: list[dict[str, Any]], data: st.DataObject
) -> None:
    """A new latest value at least as good as every earlier one is never worse."""
    measure_id = values[0]["measure"]
    measure = load_measures().get(measure_id)
    best = max(
        (v["value"] for v in values),
        key=lambda v: _number(v) if measure.direction == "higher" else -_number(v),
    )
    if measure.value_kind == "mmt_grade":
        better: Any = data.draw(st.sampled_from([g for g in GRADES if numeric(g) >= _number(best)]))
    elif measure.direction == "higher":
        better = data.draw(st.floats(_number(best), measure.max).map(lambda v: round(v, 3)))
    else:
        better = data.draw(st.floats(measure.min, _number(best)).map(lambda v: round(v, 3)))
    if not _better_or_equal(measure_id, better, best):  # rounding crossed the best
        better = best
    newest = max(v["date"] for v in values)
    # Same day as the newest: same-day values keep their order, so it is the latest.
    out = run([*values, {"measure": measure_id, "value": better, "date": newest}])
    assert out.measures[measure_id].status != "worse"
    assert "worsening" not in kinds(out)


@FAST
@given(sessions(), st.data())
def test_duplicate_same_day_check_ins_never_change_adherence(
    logged: list[dict[str, Any]], data: st.DataObject
) -> None:
    """A check-in sent again on a day that already has one changes no adherence figure."""
    if not logged:
        return
    extra = data.draw(st.lists(st.sampled_from(logged), min_size=1, max_size=5))
    before = run([], logged, planned_days_per_week=5).adherence
    after = run([], [*logged, *extra], planned_days_per_week=5).adherence
    assert after == before


@FAST
@given(series(), sessions(), st.integers(0, 400))
def test_the_clock_is_an_argument(
    values: list[dict[str, Any]], logged: list[dict[str, Any]], later_days: int
) -> None:
    """The review reads no clock: the same input and day give the same review, and the
    input's ``today`` is the same as the caller's."""
    day = TODAY + dt.timedelta(days=later_days)
    raw = {"measurements": values, "sessions": logged}
    given_day = review(parse(ProgressInput, raw), today=day)
    assert given_day == review(parse(ProgressInput, raw), today=day)
    in_input = {**raw, "today": day.isoformat()}
    assert review(parse(ProgressInput, in_input), today=dt.date(2000, 1, 1)) == given_day


@FAST
@given(sessions(), st.integers(0, 120))
def test_stops_on_or_before_the_resolved_day_never_stop_the_program(
    logged: list[dict[str, Any]], resolved_days_ago: int
) -> None:
    through = TODAY - dt.timedelta(days=resolved_days_ago)
    out = run([], logged, stops_resolved_through=through.isoformat())
    flagged = [x for x in logged if x["weakness_worse"] or x["balance_worse"]]
    open_after = [x for x in flagged if x["date"] > through.isoformat()]
    assert ("stop_program" in kinds(out)) == bool(open_after)
    assert len(out.stops) == len(flagged)
    assert sum(st_.status == "resolved" for st_ in out.stops) == len(flagged) - len(open_after)
