"""The thresholds that say when a goal is on track (``data/goal_rules.yaml``), each sourced."""

from __future__ import annotations

from functools import cache

from pydantic import model_validator

from dorsi.catalog.load import load_data
from dorsi.catalog.sourced import CatalogModel, Sourced


class GoalRules(CatalogModel):
    """``trend_window_days``: the values read for the trend (before the latest);
    ``min_values`` and ``min_span_days``: the fewest values, and days between the first and
    the latest of them, that show a trend."""

    trend_window_days: Sourced
    min_values: Sourced
    min_span_days: Sourced

    @model_validator(mode="after")
    def _check(self) -> GoalRules:
        for name, (low, high) in {
            "trend_window_days": (7, 365),
            "min_values": (2, 30),
            "min_span_days": (1, 365),
        }.items():
            value = getattr(self, name).value
            if value != int(value) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number from {low} to {high}")
        if self.min_span_days.value > self.trend_window_days.value:
            raise ValueError("min_span_days must be at most trend_window_days")
        return self


@cache
def load_goal_rules() -> GoalRules:
    """The goal thresholds (validated once, then cached)."""
    return load_data("goal_rules.yaml", GoalRules)


__all__ = ["GoalRules", "load_goal_rules"]
