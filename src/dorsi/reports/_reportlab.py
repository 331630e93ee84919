"""ReportLab, the ``reports`` extra: the one place it is imported.

The web app and the command line run without the extra (asking for a PDF then answers that
it is missing, :func:`require_reports_extra`), so no module imports ReportLab when it is
loaded: the PDF builders ask :func:`reportlab` for what they lay a page out with, and the
first call loads it.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from typing import Any

from dorsi.errors import MissingExtraError

REPORTS_EXTRA_HINT = "run scripts/setup, or: pip install -e '.[reports]'"


def require_reports_extra() -> None:
    """Raise :class:`MissingExtraError` (saying how to install it) without ReportLab."""
    if importlib.util.find_spec("reportlab") is None:
        raise MissingExtraError(
            f"PDF documents need ReportLab, which is not installed; {REPORTS_EXTRA_HINT}"
        )


_PLATYPUS = (
    "CondPageBreak",
    "Image",
    "KeepTogether",
    "Paragraph",
    "SimpleDocTemplate",
    "Spacer",
    "Table",
    "TableStyle",
)
_SHAPES = ("Circle", "Drawing", "Line", "PolyLine", "Rect", "String")


@cache
def _names() -> dict[str, Any]:
    require_reports_extra()
    from reportlab import platypus
    from reportlab.graphics import shapes
    from reportlab.lib import colors, enums, pagesizes, styles, units
    from reportlab.pdfgen import canvas

    return {
        "colors": colors,
        "mm": units.mm,
        "A4": pagesizes.A4,
        "LETTER": pagesizes.LETTER,
        "TA_LEFT": enums.TA_LEFT,
        "ParagraphStyle": styles.ParagraphStyle,
        "Canvas": canvas.Canvas,
        **{name: getattr(platypus, name) for name in _PLATYPUS},
        **{name: getattr(shapes, name) for name in _SHAPES},
    }


def reportlab(*names: str) -> tuple[Any, ...]:
    """The named ReportLab objects, in order (``mm, Paragraph = reportlab("mm", "Paragraph")``)."""
    found = _names()
    return tuple(found[name] for name in names)


__all__ = ["REPORTS_EXTRA_HINT", "reportlab", "require_reports_extra"]
