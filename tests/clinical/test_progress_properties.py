"""Invariants of the progress review (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.catalog.measures import load_measures
from dorsi.clinical.mmt import GRADES
from tests.clinical.test_progress import kinds, m, run, s

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
    elif abs(item.change) < item.mdc - 1e-6:
        assert item.status == "no_real_change"
    else:
        assert item.status in ("improved", "worse")


@FAST
@given(series())
def test_direction_decides_improved_or_worse(values: list[dict[str, Any]]) -> None:
    out = run(values)
    ((measure_id, item),) = out.measures.items()
    if item.status in ("improved", "worse") and item.change is not None:
        higher = load_measures().get(measure_id).direction == "higher"
        assert (item.status == "improved") == ((item.change > 0) == higher)
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
    assert 0 <= adh.percent <= 100
    assert adh.sessions_done == sum(1 for x in logged if x["completed"])
    assert adh.sessions_planned >= 0
    if adh.sessions_planned and adh.sessions_done >= adh.sessions_planned:
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
