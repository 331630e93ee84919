"""The public picture API: ids, formats, sizes and errors."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

import dorsi.pictures as pictures
from dorsi.errors import InputError, NotFoundError
from dorsi.pictures import (
    MAX_WIDTH_PX,
    MIN_WIDTH_PX,
    picture_format_for,
    render_exercise_animation,
    render_exercise_picture,
)
from dorsi.pictures.svg import render_svg


def test_public_api_is_complete_and_sorted() -> None:
    assert pictures.__all__ == sorted(pictures.__all__)
    for name in pictures.__all__:
        assert hasattr(pictures, name)


def test_unknown_exercise_is_not_found_and_lists_valid_ids() -> None:
    with pytest.raises(NotFoundError) as caught:
        render_exercise_picture("moon_walk", "svg")
    assert "moon_walk" in caught.value.message
    assert "seated_dorsiflexion" in caught.value.message
    with pytest.raises(NotFoundError):
        render_exercise_animation("moon_walk")


def test_unknown_format_is_an_input_error_naming_fmt() -> None:
    with pytest.raises(InputError) as caught:
        render_exercise_picture("seated_dorsiflexion", "gif")  # type: ignore[arg-type]
    assert caught.value.field == "fmt"
    assert "'svg' or 'png'" in caught.value.detail


@pytest.mark.parametrize("width", [MIN_WIDTH_PX - 1, MAX_WIDTH_PX + 1, 0, -5])
def test_width_out_of_range_is_an_input_error(width: int) -> None:
    with pytest.raises(InputError) as caught:
        render_exercise_picture("seated_dorsiflexion", "png", width_px=width)
    assert caught.value.field == "width_px"
    assert str(MIN_WIDTH_PX) in caught.value.detail


@pytest.mark.parametrize("width", [12.5, True, "300"])
def test_width_must_be_a_whole_number(width: object) -> None:
    with pytest.raises(InputError) as caught:
        render_exercise_picture("seated_dorsiflexion", "svg", width_px=width)  # type: ignore[arg-type]
    assert caught.value.field == "width_px"


@pytest.mark.parametrize("width", [MIN_WIDTH_PX, 333, 1200])
def test_png_and_svg_take_the_width_asked_for(width: int) -> None:
    png = Image.open(io.BytesIO(render_exercise_picture("step_taps", "png", width_px=width)))
    assert png.width == width
    svg = ET.fromstring(render_exercise_picture("step_taps", "svg", width_px=width))  # noqa: S314
    assert svg.get("width") == str(width)
    assert png.height == int(svg.get("height") or 0)


def test_default_width_is_used_when_none_is_given() -> None:
    png = Image.open(io.BytesIO(render_exercise_picture("heel_walking", "png")))
    assert png.width == pictures.DEFAULT_WIDTH_PX


def test_svg_is_utf8_text_that_escapes_special_characters() -> None:
    scene = pictures.exercise_scene("seated_dorsiflexion")
    tricky = type(scene)(scene.width, scene.height, scene.items, "Lift <toes> & hold", 'a "b"')
    text = render_svg(tricky, width_px=200)
    root = ET.fromstring(text)  # noqa: S314
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == "Lift <toes> & hold"


@pytest.mark.parametrize(
    ("path", "fmt"),
    [("a.svg", "svg"), ("dir/B.PNG", "png"), ("x.Svg", "svg")],
)
def test_format_from_file_name(path: str, fmt: str) -> None:
    assert picture_format_for(path) == fmt


@pytest.mark.parametrize("path", ["a.gif", "a", "svg", "a.svg.txt"])
def test_other_file_names_are_rejected(path: str) -> None:
    with pytest.raises(InputError) as caught:
        picture_format_for(path)
    assert caught.value.field == "--picture"


def test_rendering_is_deterministic() -> None:
    a = render_exercise_picture("towel_scrunches", "svg")
    b = render_exercise_picture("towel_scrunches", "svg")
    assert a == b
    assert render_exercise_picture("yoga_toe_lifts", "png") == render_exercise_picture(
        "yoga_toe_lifts", "png"
    )
