"""The words inside an exercise picture (caption, key, description) are in the reader's language."""

from __future__ import annotations

import re

import pytest

from dorsi.catalog.exercises import load_exercises
from dorsi.pictures import render_exercise_animation, render_exercise_picture
from dorsi.pictures.compose import MIN_TEXT_PX, PHONE_PICTURE_PX
from dorsi.pictures.png import font_file
from dorsi.pictures.pose_file import load_poses


def _texts(svg: bytes) -> str:
    return " ".join(re.findall(r">([^<>]+)</text>", svg.decode()))


@pytest.mark.parametrize("exercise_id", load_exercises().ids)
def test_spanish_picture_has_the_spanish_caption_and_key(exercise_id: str) -> None:
    svg = render_exercise_picture(exercise_id, "svg", lang="es")
    drawn = _texts(svg)
    caption = load_poses("es").pictures[exercise_id].caption
    assert caption != load_poses("en").pictures[exercise_id].caption
    assert caption.split()[0] in drawn
    assert "inicio" in drawn
    assert "movement" not in drawn
    assert "Vista de lado" in svg.decode()
    assert load_exercises("es").get(exercise_id).name in svg.decode()


def test_english_stays_english() -> None:
    drawn = _texts(render_exercise_picture("seated_dorsiflexion", "svg"))
    assert "Lift your toes up." in drawn
    assert "movement" in drawn


def test_the_animation_describes_itself_in_spanish() -> None:
    svg = render_exercise_animation("seated_dorsiflexion", lang="es").decode()
    assert "Vista de lado" in svg
    assert "Side view" not in svg


def _text_px(svg: str, shown_px: float) -> dict[str, list[float]]:
    """The caption's and the key's font sizes in CSS pixels when the picture is ``shown_px``
    wide (the SVG scales its viewBox to the width it is given)."""
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]
    sizes: dict[str, list[float]] = {"caption": [], "key": []}
    for role, size in re.findall(r'<text class="(caption|key)"[^>]*font-size="([\d.]+)"', svg):
        sizes[role].append(float(size) * shown_px / view_width)
    return sizes


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("exercise_id", load_exercises().ids)
def test_caption_and_key_are_readable_on_a_phone(exercise_id: str, lang: str) -> None:
    """Issue 19: captions at least 14 px on a 390 px phone, where a picture is shown about
    PHONE_PICTURE_PX wide (the browser test measures the real width); wider pictures draw
    their words larger instead of shrinking them."""
    svg = render_exercise_picture(exercise_id, "svg", lang=lang).decode()
    sizes = _text_px(svg, PHONE_PICTURE_PX)
    assert sizes["caption"], "the caption is drawn"
    assert len(sizes["key"]) == 3
    for role, found in sizes.items():
        assert min(found) >= MIN_TEXT_PX, (role, found)
    caption = load_poses(lang).pictures[exercise_id].caption
    assert " ".join(re.findall(r'<text class="caption"[^>]*>([^<]+)</text>', svg)) == caption


def test_png_pictures_draw_the_letters_of_spanish() -> None:
    """The handout prints PNG pictures: their font has é, ñ and ¿ (Pillow's built-in font
    draws them as the same empty box it draws for a letter it lacks, like Cyrillic Ж)."""
    from PIL import ImageFont

    for bold in (True, False):
        path = font_file(bold)
        assert path, "ReportLab's Vera font is found (the documents extra is installed here)"
        font = ImageFont.truetype(path, 40)
        missing = font.getmask("Ж").getbbox()
        for letter in "éñ¿íóú":
            assert font.getmask(letter).getbbox() != missing, letter
