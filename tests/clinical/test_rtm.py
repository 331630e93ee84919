"""The RTM period and threshold rules (pure; the clock and the code set are arguments)."""

from __future__ import annotations

import datetime as dt

import pytest

from dorsi.catalog.rtm_codes import RtmCodes, load_rtm_codes
from dorsi.clinical.rtm import MinutesEntry, minutes_codes, monitoring_start, rtm_summary

START = dt.date(2026, 1, 5)


def _days(first: dt.date, count: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(count)]


def _codes(summary_codes: object) -> set[str]:
    return {c.code for c in summary_codes}  # type: ignore[attr-defined]


def test_periods_run_thirty_days_from_the_start_to_the_one_holding_today() -> None:
    today = dt.date(2026, 3, 10)
    out = rtm_summary(start=START, data_days=[], minutes=[], today=today)
    assert [(p.start, p.end) for p in out.periods] == [
        (dt.date(2026, 1, 5), dt.date(2026, 2, 3)),
        (dt.date(2026, 2, 4), dt.date(2026, 3, 5)),
        (dt.date(2026, 3, 6), dt.date(2026, 4, 4)),
    ]
    assert [p.complete for p in out.periods] == [True, True, False]


@pytest.mark.parametrize(
    ("days", "supply"),
    [(0, set()), (1, set()), (2, {"98985"}), (15, {"98985"}), (16, {"98977"}), (30, {"98977"})],
)
def test_device_supply_band_by_days_with_data_in_2026(days: int, supply: set[str]) -> None:
    out = rtm_summary(
        start=START, data_days=_days(START, days), minutes=[], today=START + dt.timedelta(29)
    )
    period = out.periods[0]
    assert period.data_days == days
    assert _codes(period.codes) - {"98975"} == supply


def test_before_2026_only_sixteen_days_count_and_setup_needs_sixteen_too() -> None:
    start = dt.date(2025, 3, 1)
    short = rtm_summary(start=start, data_days=_days(start, 10), minutes=[], today=start)
    assert _codes(short.periods[0].codes) == set()
    assert short.periods[0].rules_year == 2025
    full = rtm_summary(
        start=start, data_days=_days(start, 16), minutes=[], today=start + dt.timedelta(29)
    )
    assert _codes(full.periods[0].codes) == {"98975", "98977"}


def test_setup_is_shown_on_the_first_period_only() -> None:
    today = START + dt.timedelta(days=59)
    out = rtm_summary(start=START, data_days=_days(START, 60), minutes=[], today=today)
    assert "98975" in _codes(out.periods[0].codes)
    assert "98975" not in _codes(out.periods[1].codes)


def test_data_outside_the_monitoring_or_after_today_is_not_counted() -> None:
    days = [START - dt.timedelta(days=1), START, START + dt.timedelta(days=3)]
    out = rtm_summary(start=START, data_days=days, minutes=[], today=START + dt.timedelta(1))
    assert out.periods[0].data_days == 1


@pytest.mark.parametrize(
    ("minutes", "interactive", "expected"),
    [
        (9, True, {}),
        (10, True, {"98979": 1}),
        (19, True, {"98979": 1}),
        (20, True, {"98980": 1}),
        (39, True, {"98980": 1}),
        (40, True, {"98980": 1, "98981": 1}),
        (65, True, {"98980": 1, "98981": 2}),
        (60, False, {}),
    ],
)
def test_management_minutes_in_ten_and_twenty_minute_blocks(
    minutes: int, interactive: bool, expected: dict[str, int]
) -> None:
    codes = load_rtm_codes().for_year(2026)
    met = minutes_codes(codes, minutes, interactive)
    assert {c.code: c.units for c in met} == expected


def test_the_2024_code_set_has_no_ten_minute_code() -> None:
    met = minutes_codes(load_rtm_codes().for_year(2024), 15, True)
    assert met == []


def test_minutes_add_up_per_period_and_per_calendar_month() -> None:
    entries = [
        MinutesEntry(dt.date(2026, 1, 30), 12, False),
        MinutesEntry(dt.date(2026, 2, 2), 10, True),
        MinutesEntry(dt.date(2026, 2, 10), 5, False),
    ]
    out = rtm_summary(start=START, data_days=[], minutes=entries, today=dt.date(2026, 2, 20))
    assert [p.minutes for p in out.periods] == [22, 5]
    assert out.periods[0].interactive is True
    assert _codes(out.periods[0].codes) == {"98980"}
    assert [(m.month, m.minutes) for m in out.months] == [("2026-01", 12), ("2026-02", 15)]
    assert [_codes(m.codes) for m in out.months] == [set(), {"98979"}]


def test_a_later_year_uses_the_newest_rules_and_says_so() -> None:
    start = dt.date(2027, 2, 1)
    today = start + dt.timedelta(days=4)
    out = rtm_summary(start=start, data_days=_days(start, 5), minutes=[], today=today)
    assert out.periods[0].rules_year == 2026
    assert "98985" in _codes(out.periods[0].codes)


def test_no_start_means_no_periods() -> None:
    out = rtm_summary(start=None, data_days=[], minutes=[], today=START)
    assert out.periods == ()
    assert monitoring_start(None, []) is None
    assert monitoring_start(None, [START, START - dt.timedelta(days=2)]) == dt.date(2026, 1, 3)
    assert monitoring_start(START, [dt.date(2025, 1, 1)]) == START


def test_every_code_names_its_source_and_the_supply_bands_do_not_overlap() -> None:
    codes = load_rtm_codes()
    for code in codes.codes:
        assert len(code.source) > 20
    data = codes.model_dump()
    data["codes"][2]["min_data_days"] = 10  # 98977 from 10 days overlaps 98985 (2-15)
    with pytest.raises(ValueError, match="overlap"):
        RtmCodes.model_validate(data)
