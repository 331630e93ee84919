"""Test helpers for the recovery outlook."""

from __future__ import annotations

from dorsi.clinical.outlook import ExpectedWeeks, OutlookOutput


def weeks_of(result: OutlookOutput) -> ExpectedWeeks:
    """The expected weeks of an outlook that must have a window (not a progressive cause)."""
    assert result.expected_weeks is not None, result.prognosis
    return result.expected_weeks
