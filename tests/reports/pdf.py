"""Reading PDFs in tests: text per page, page sizes, pages as images, image comparison."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops

RENDER_SCALE = 1.0  # 72 dpi: enough to see layout changes, small golden files


def pages_text(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for page in pdf:
            text = page.get_textpage()
            out.append(text.get_text_range().replace("\r\n", "\n"))
        return out
    finally:
        pdf.close()


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [(round(page.get_width(), 1), round(page.get_height(), 1)) for page in pdf]
    finally:
        pdf.close()


def render_pages(data: bytes, scale: float = RENDER_SCALE) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [page.render(scale=scale).to_pil().convert("RGB") for page in pdf]
    finally:
        pdf.close()


def font_sizes(data: bytes, page_index: int) -> list[float]:
    """The font size of every non-blank character on a page (pdfium's raw API)."""
    pdf = pdfium.PdfDocument(data)
    try:
        text = pdf[page_index].get_textpage()
        sizes = []
        for i in range(text.count_chars()):
            char = pdfium.raw.FPDFText_GetUnicode(text.raw, i)
            if chr(char).strip():
                sizes.append(round(pdfium.raw.FPDFText_GetFontSize(text.raw, i), 1))
        return sizes
    finally:
        pdf.close()


def difference(a: Image.Image, b: Image.Image) -> float:
    """Share of pixels (0-1) whose grey value differs by more than 48 of 255."""
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a.convert("L"), b.convert("L"))
    changed = sum(diff.histogram()[49:])
    return float(changed) / (a.size[0] * a.size[1])


def compare_golden(image: Image.Image, path: Path, artefacts: Path, *, tolerance: float) -> float:
    """Compare ``image`` with the golden PNG at ``path`` (written when missing and
    DORSI_UPDATE_GOLDEN=1); the image is also kept under ``artefacts`` to look at."""
    import os

    artefacts.mkdir(parents=True, exist_ok=True)
    image.save(artefacts / path.name)
    if os.environ.get("DORSI_UPDATE_GOLDEN") == "1":
        image.convert("L").save(path, optimize=True)
    assert path.exists(), f"no golden image {path.name}; run with DORSI_UPDATE_GOLDEN=1"
    with Image.open(path) as golden:
        score = difference(image, golden.convert("RGB"))
    assert score <= tolerance, f"{path.name} differs in {score:.2%} of pixels (> {tolerance:.2%})"
    return score


def grey_only(image: Image.Image, spread: int = 8) -> bool:
    """True when every pixel is a grey (R, G and B within ``spread``)."""
    r, g, b = image.split()
    hi = ImageChops.lighter(ImageChops.lighter(r, g), b)
    lo = ImageChops.darker(ImageChops.darker(r, g), b)
    spread_seen = sum(1 for v in ImageChops.difference(hi, lo).histogram()[spread + 1 :] if v)
    return spread_seen == 0


__all__ = [
    "compare_golden",
    "difference",
    "font_sizes",
    "grey_only",
    "page_sizes",
    "pages_text",
    "render_pages",
]
