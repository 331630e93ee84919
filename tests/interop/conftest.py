"""The interop tests share the demo clinic of the reports tests."""

from tests.reports.conftest import demo, records

__all__ = ["demo", "records"]
