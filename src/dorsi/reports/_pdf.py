"""ReportLab plumbing shared by the progress note and the handout.

- Deterministic bytes: ReportLab's invariant mode (no random document id, no wall clock) and
  the document dates written from the ``created`` argument, so the same view model and date
  always give the same file (golden tests compare them).
- Standard PDF fonts (Helvetica): nothing to embed, readable everywhere; text is reduced to
  the characters those fonts carry (Latin-1 / WinAnsi), so no glyph ever goes missing.
- Black text on white, greys only for fills: prints the same on a black-and-white printer.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any, Literal

from dorsi.reports._reportlab import REPORTS_EXTRA_HINT, reportlab, require_reports_extra

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")

_REPLACE = {
    "\u2265": ">=",
    "\u2264": "<=",
    "\u2212": "-",
    "\u2013": "-",
    "\u2014": " - ",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2192": "->",
    "\u00d7": "x",
}


def clean(text: str) -> str:
    """``text`` in the characters the standard PDF fonts carry, XML-escaped for Paragraph."""
    for bad, good in _REPLACE.items():
        text = text.replace(bad, good)
    text = text.encode("latin-1", errors="replace").decode("latin-1")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def pdf_date(created: dt.datetime) -> str:
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    return created.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def page_size(paper: Paper) -> tuple[float, float]:
    A4, LETTER = reportlab("A4", "LETTER")

    size: tuple[float, float] = A4 if paper == "a4" else LETTER
    return size


def build_pdf(
    story: Sequence[Any],
    *,
    paper: Paper,
    created: dt.datetime,
    title: str,
    subject: str,
    author: str,
    footer: Callable[[Any, Any], None],
    margin_mm: float = 16,
) -> bytes:
    """Lay out ``story`` (platypus flowables) on ``paper``; deterministic bytes."""
    mm, Canvas, SimpleDocTemplate = reportlab("mm", "Canvas", "SimpleDocTemplate")

    stamp = pdf_date(created)

    class _Canvas(Canvas):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_: stamp)
            self.setProducer("Dorsi")
            self.setCreator("Dorsi")

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=page_size(paper),
        leftMargin=margin_mm * mm,
        rightMargin=margin_mm * mm,
        topMargin=margin_mm * mm,
        bottomMargin=(margin_mm + 6) * mm,
        title=clean_meta(title),
        subject=clean_meta(subject),
        author=clean_meta(author),
        creator="Dorsi",
        lang="en",
        invariant=1,
    )
    doc.build(list(story), onFirstPage=footer, onLaterPages=footer, canvasmaker=_Canvas)
    return out.getvalue()


def clean_meta(text: str) -> str:
    for bad, good in _REPLACE.items():
        text = text.replace(bad, good)
    return text.encode("latin-1", errors="replace").decode("latin-1")


def styles(base_pt: float) -> dict[str, Any]:
    """Paragraph styles: black, Helvetica, ``base_pt`` body text."""
    TA_LEFT, ParagraphStyle = reportlab("TA_LEFT", "ParagraphStyle")

    body = ParagraphStyle(
        "body",
        fontName="Helvetica",
        fontSize=base_pt,
        leading=base_pt * 1.3,
        alignment=TA_LEFT,
        spaceAfter=base_pt * 0.35,
    )
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=base_pt * 0.8, leading=base_pt),
        "cell": ParagraphStyle(
            "cell", parent=body, fontSize=base_pt * 0.8, leading=base_pt * 0.95, spaceAfter=0
        ),
        "cell_bold": ParagraphStyle(
            "cell_bold",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=base_pt * 0.8,
            leading=base_pt * 0.95,
            spaceAfter=0,
        ),
        "bullet": ParagraphStyle(
            "bullet", parent=body, leftIndent=base_pt * 1.2, bulletIndent=base_pt * 0.2
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=base_pt * 1.6,
            leading=base_pt * 1.9,
            spaceAfter=base_pt * 0.5,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=base_pt * 1.25,
            leading=base_pt * 1.5,
            spaceBefore=base_pt * 0.7,
            spaceAfter=base_pt * 0.3,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=base_pt * 1.05,
            leading=base_pt * 1.3,
            spaceBefore=base_pt * 0.3,
            spaceAfter=base_pt * 0.2,
        ),
    }


def bullets(items: Sequence[str], style: Any) -> list[Any]:
    (Paragraph,) = reportlab("Paragraph")

    return [Paragraph(clean(item), style, bulletText="\u2022") for item in items]


def grid_table(
    rows: Sequence[Sequence[Any]], widths: Sequence[float], *, header: bool = True
) -> Any:
    """A table with thin black rules and a grey header row (prints in black and white)."""
    colors, Table, TableStyle = reportlab("colors", "Table", "TableStyle")

    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.85, 0.85)))
    table.setStyle(TableStyle(commands))
    return table


__all__ = [
    "PAPERS",
    "REPORTS_EXTRA_HINT",
    "Paper",
    "build_pdf",
    "bullets",
    "clean",
    "grid_table",
    "page_size",
    "pdf_date",
    "require_reports_extra",
    "styles",
]
