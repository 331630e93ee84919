"""From a pose description to a :class:`~dorsi.pictures.scene.Scene` (pure; no I/O).

The picture, back to front: floor, props behind the body, the start pose as a light dashed
ghost (only the parts that move), the end pose solid (the other leg lighter, the highlighted
part darkest), props in front (band, strap), the arrows, labels, an optional round close-up,
and under the floor a caption and a small key (start / end / movement).
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import replace

from dorsi.catalog.words import load_words
from dorsi.i18n import Language
from dorsi.pictures.figure import Disc, Figure, Point, Polygon, Shape, Stroke
from dorsi.pictures.poses import Picture, TurnArrow
from dorsi.pictures.props import ATTACHED, FRONT, draw_prop
from dorsi.pictures.scene import (
    ARROW,
    BODY,
    FAR,
    GHOST_DASH,
    GHOST_FILL,
    GHOST_LINE,
    HIGHLIGHT,
    INK,
    PAPER,
    PROP_LINE,
    Arrow,
    Circle,
    Group,
    Line,
    Poly,
    Primitive,
    Scene,
    Text,
    bounds,
    text_width,
)
from dorsi.pictures.staging import (
    keyframe_figures,
    moved_parts,
    travel_path,
    turn_path,
)

# Parts drawn together share one white outline, so a limb in front stands out from the body
# behind it without lines across its own joints.
GROUPS: tuple[tuple[str, ...], ...] = (
    ("far_thigh", "far_shank", "far_foot", "far_toes"),
    ("trunk", "head"),
    ("near_thigh", "near_shank", "near_foot", "near_toes"),
    ("upper_arm", "forearm", "hand"),
)
PART_WORDS = {
    "head": "head",
    "trunk": "body",
    "upper_arm": "arm",
    "forearm": "arm",
    "hand": "hand",
    "thigh": "thigh",
    "shank": "lower leg",
    "foot": "foot",
    "toes": "toes",
}

ARROW_WIDTH_CM = 1.5
HALO_CM = 1.4
MARGIN_CM = 6.0
CAPTION_CM = 7.0
KEY_CM = 4.6
GAP_CM = 3.0
MIN_ASPECT = 0.8
MIN_WIDTH_CM = 110.0
#: the narrowest a picture is shown: a 390 px phone less the page's and the card's padding
PHONE_PICTURE_PX = 300
#: the smallest the caption and the key are read there, in CSS pixels (issue 19: 14 px)
MIN_TEXT_PX = 14


def compose(picture: Picture, *, title: str, lang: Language = "en") -> Scene:
    """The still scene for ``picture``; ``title`` (the exercise name) is the accessible title.
    The key and the description are in ``lang`` (the picture's caption is already in it)."""
    figures = keyframe_figures(picture)
    first, last = figures[0], figures[-1]
    moved = moved_parts(first, last)
    world: list[Primitive] = []
    for name in _base_props(picture):
        if name not in FRONT:
            world += draw_prop(name, last)
    for name in picture.props:
        if name in ATTACHED:
            world += draw_prop(name, first, ghost=True)
    outlines, fills = _ghost(first, moved)
    world += outlines + fills
    world += _solid(last, {str(p) for p in picture.highlight})
    for name in picture.props:
        if name in FRONT:
            world += draw_prop(name, last)
    # The start outline again, thin, over the end pose: where they overlap it stays readable.
    # Not for the far leg (it is behind the near one) nor the toes (too small to read).
    world += [_thin(i) for i in outlines if not i.part.endswith("toes") and i.part[:4] != "far_"]
    world += _arrows(picture, zoomed=False, scale=1.0)
    world += _labels(picture, last)
    if picture.zoom is not None:
        world += _zoom(picture, world, last)
    layout = Layout.around(world)
    items = layout.place(layout.floor + world) + layout.caption(picture.caption, key=True,
                                                                lang=lang)  # fmt: skip
    return Scene(layout.width, layout.height(picture.caption, key=True), tuple(items), title,
                 describe(picture, lang))  # fmt: skip


def compose_frames(
    picture: Picture, figures: tuple[Figure, ...], *, title: str, lang: Language = "en"
) -> tuple[Scene, tuple[tuple[Primitive, ...], ...]]:
    """A scene with the still parts (floor, caption) and one item list per frame."""
    highlight = {str(p) for p in picture.highlight}
    frames: list[list[Primitive]] = []
    for fig in figures:
        items: list[Primitive] = []
        for name in _base_props(picture):
            if name not in FRONT:
                items += draw_prop(name, fig)
        items += _solid(fig, highlight)
        for name in picture.props:
            if name in FRONT:
                items += draw_prop(name, fig)
        items += _labels(picture, fig)
        items += _arrows(picture, zoomed=False, scale=1.0)
        if picture.zoom is not None:
            items += _zoom(picture, items, fig)
        frames.append(items)
    layout = Layout.around([i for frame in frames for i in frame])
    items = layout.place(layout.floor) + layout.caption(picture.caption, key=False)
    scene = Scene(layout.width, layout.height(picture.caption, key=False), tuple(items), title,
                  describe(picture, lang))  # fmt: skip
    return scene, tuple(tuple(layout.place(frame)) for frame in frames)


def _base_props(picture: Picture) -> tuple[str, ...]:
    base = (picture.setting,) if picture.setting in ("chair", "bed") else ()
    return base + tuple(picture.props)


def _labels(picture: Picture, fig: Figure) -> list[Primitive]:
    items: list[Primitive] = []
    for label in picture.labels:
        x, y = fig.landmarks[label.at]
        items.append(Text((x + label.dx_cm, y + label.dy_cm), label.text, 6.0, INK, bold=True))
    return items


def describe(picture: Picture, lang: Language = "en") -> str:
    """A plain-words description for people who cannot see the picture, in ``lang``."""
    words = load_words("pictures")
    parts: list[str] = []
    for name in picture.highlight:
        word = PART_WORDS[name.removeprefix("near_").removeprefix("far_")]
        said = words.say(f"part_{word.replace(' ', '_')}", lang)
        if said not in parts:
            parts.append(said)
    near = any(n.startswith("near_") for n in picture.highlight)
    return words.say(
        "describe",
        lang,
        where=words.say(f"where_{picture.setting}", lang),
        parts=words.say("and", lang).join(parts),
        side=words.say("side_leg" if near else "side_body", lang),
        caption=picture.caption,
    )


def _shape_items(shape: Shape, color: str, *, role: str, part: str, grow: float = 0.0) -> Primitive:
    if isinstance(shape, Stroke):
        return Line(shape.points, shape.width + grow, color, role=role, part=part)
    if isinstance(shape, Polygon):
        return Poly(shape.points, color, color, 0.6 + grow, role=role, part=part)
    return Circle(shape.center, shape.radius + grow / 2, color, role=role, part=part)


def _solid(fig: Figure, highlight: set[str]) -> list[Primitive]:
    items: list[Primitive] = []
    for group in GROUPS:
        for part in group:
            for shape in fig.parts[part]:
                items.append(_shape_items(shape, PAPER, role="halo", part=part, grow=HALO_CM * 2))
        for part in group:
            if part in highlight:
                color, role = HIGHLIGHT, "highlight"
            elif part.startswith("far_"):
                color, role = FAR, "far"
            else:
                color, role = BODY, "body"
            for shape in fig.parts[part]:
                items.append(_shape_items(shape, color, role=role, part=part))
    return items


def _ghost(fig: Figure, moved: set[str]) -> tuple[list[Primitive], list[Primitive]]:
    """Moved parts in the start pose: dashed outlines (drawn first) and light fills over them."""
    names = [part for group in GROUPS for part in group if part in moved]
    outlines: list[Primitive] = []
    fills: list[Primitive] = []
    for part in names:
        for shape in fig.parts[part]:
            outlines += _outline(shape, part)
            fills.append(_shape_items(shape, GHOST_FILL, role="ghost", part=part))
    return outlines, fills


def _thin(item: Primitive) -> Primitive:
    if isinstance(item, Line):
        return Line(item.points, 0.55, PAPER, item.dash, "ghost", item.part)
    if isinstance(item, Poly):
        return Poly(item.points, None, PAPER, 0.55, item.dash, "ghost", item.part)
    if not isinstance(item, Circle):
        raise TypeError(f"no thin outline for {type(item).__name__}")
    return Circle(item.center, item.radius, None, PAPER, 0.55, item.dash, "ghost", item.part)


def _outline(shape: Shape, part: str) -> list[Primitive]:
    w = 1.3
    if isinstance(shape, Stroke):
        pairs = list(itertools.pairwise(shape.points))
        if _straight(shape.points):
            pairs = [(shape.points[0], shape.points[-1])]
        return [
            Line(_capsule(a, b, shape.width / 2), w, GHOST_LINE, GHOST_DASH, "ghost", part)
            for a, b in pairs
        ]
    if isinstance(shape, Polygon):
        return [Poly(shape.points, None, GHOST_LINE, w, GHOST_DASH, "ghost", part)]
    if not isinstance(shape, Disc):
        raise TypeError(f"no outline for {type(shape).__name__}")
    return [Circle(shape.center, shape.radius, None, GHOST_LINE, w, GHOST_DASH, "ghost", part)]


def _straight(points: tuple[Point, ...], tolerance_deg: float = 3.0) -> bool:
    angles = [math.atan2(b[1] - a[1], b[0] - a[0]) for a, b in itertools.pairwise(points)]
    return all(
        abs(math.remainder(x - angles[0], math.tau)) < math.radians(tolerance_deg) for x in angles
    )


def _capsule(a: Point, b: Point, r: float, steps: int = 8) -> tuple[Point, ...]:
    """Closed outline of a round-capped segment from ``a`` to ``b`` with radius ``r``."""
    angle = math.atan2(b[1] - a[1], b[0] - a[0])
    points: list[Point] = []
    for centre, start in ((b, angle - math.pi / 2), (a, angle + math.pi / 2)):
        for i in range(steps + 1):
            t = start + math.pi * i / steps
            points.append((centre[0] + r * math.cos(t), centre[1] + r * math.sin(t)))
    points.append(points[0])
    return tuple(points)


def _arrows(picture: Picture, *, zoomed: bool, scale: float) -> list[Primitive]:
    items: list[Primitive] = []
    width = ARROW_WIDTH_CM / scale
    for arrow in picture.arrows:
        if arrow.in_zoom != zoomed:
            continue
        points: tuple[Point, ...]
        if isinstance(arrow, TurnArrow):
            points, both = turn_path(picture, arrow), arrow.both_ways
        else:
            points, both = travel_path(picture, arrow), False
        items.append(Line(points, width + 2 * HALO_CM / scale, PAPER, role="halo", part="arrow"))
        halo = Arrow(points, width + 0.9 / scale, PAPER, both, role="halo", part="arrow")
        items.append(halo)
        items.append(Arrow(points, width, ARROW, both, part="arrow"))
    return items


def _zoom(picture: Picture, world: list[Primitive], last: Figure) -> list[Primitive]:
    """A round close-up of ``picture.zoom.center`` placed to the right of the figure."""
    zoom = picture.zoom
    if zoom is None:
        return []
    mark = last.landmarks[zoom.center]
    src = (mark[0] + zoom.dx_cm, mark[1] + zoom.dy_cm)
    right = max(bounds(item)[2] for item in world)
    r_dst = zoom.radius_cm * zoom.scale
    dst = (right + r_dst + 10.0, max(src[1], r_dst + 14.0))

    def move(p: Point) -> Point:
        return (dst[0] + (p[0] - src[0]) * zoom.scale, dst[1] + (p[1] - src[1]) * zoom.scale)

    floor = 0.0 if picture.setting != "bed" else -1000.0
    inside: list[Primitive] = [
        Line(((src[0] - 60, floor), (src[0] + 60, floor)), 1.2 / zoom.scale, INK, role="floor")
    ]
    inside += [i for i in world if i.role != "arrow" and i.part != "arrow"]
    inside += _arrows(picture, zoomed=True, scale=zoom.scale)
    group = Group(dst, r_dst, tuple(transform(i, move, zoom.scale) for i in inside))
    ring = Circle(src, zoom.radius_cm, None, INK, 0.8, role="zoom", part="ring")
    frame = Circle(dst, r_dst, None, INK, 1.2, role="zoom", part="frame")
    return [ring, *_tangents(src, zoom.radius_cm, dst, r_dst), group, frame]


def _tangents(c1: Point, r1: float, c2: Point, r2: float) -> list[Primitive]:
    """The two outer tangent lines joining a small circle to the close-up circle."""
    dx, dy = c2[0] - c1[0], c2[1] - c1[1]
    d = math.hypot(dx, dy)
    if d <= abs(r2 - r1):
        return []
    base = math.atan2(dy, dx)
    spread = math.acos((r1 - r2) / d)
    lines: list[Primitive] = []
    for sign in (1, -1):
        t = base + sign * spread
        a = (c1[0] + r1 * math.cos(t), c1[1] + r1 * math.sin(t))
        b = (c2[0] + r2 * math.cos(t), c2[1] + r2 * math.sin(t))
        lines.append(Line((a, b), 0.6, PROP_LINE, role="zoom", part="connector"))
    return lines


def transform(item: Primitive, move: Callable[[Point], Point], scale: float) -> Primitive:
    """``item`` with every point mapped by ``move`` and every size multiplied by ``scale``."""
    if isinstance(item, Text):
        return replace(item, position=move(item.position), size=item.size * scale)
    if isinstance(item, Group):
        items = tuple(transform(i, move, scale) for i in item.items)
        return replace(item, center=move(item.center), radius=item.radius * scale, items=items)
    if isinstance(item, Arrow):
        return replace(item, points=_pts(item.points, move), width=item.width * scale)
    dash = None if item.dash is None else _scaled(item.dash, scale)
    if isinstance(item, Line):
        return replace(item, points=_pts(item.points, move), width=item.width * scale, dash=dash)
    if isinstance(item, Poly):
        return replace(
            item, points=_pts(item.points, move), stroke_width=item.stroke_width * scale, dash=dash
        )
    return replace(
        item,
        center=move(item.center),
        radius=item.radius * scale,
        stroke_width=item.stroke_width * scale,
        dash=dash,
    )


def _scaled(dash: tuple[float, ...], scale: float) -> tuple[float, ...]:
    return tuple(d * scale for d in dash)


def _pts(points: Iterable[Point], move: Callable[[Point], Point]) -> tuple[Point, ...]:
    return tuple(move(p) for p in points)


class Layout:
    """Where the world goes on the canvas: padding, floor, caption and key."""

    def __init__(self, x0: float, x1: float, top: float, bottom: float) -> None:
        self.x0, self.x1, self.top, self.bottom = x0, x1, top, bottom
        # Canvas sizes are kept to the 0.01 cm the SVG viewBox states, so the pixel height
        # computed from them agrees with the file (no off-by-one-pixel rounding).
        self.width = round(x1 - x0 + 2 * MARGIN_CM, 2)
        # Text grows with a wide scene: shown PHONE_PICTURE_PX wide, it is still MIN_TEXT_PX.
        # (rounded up to the 0.01 cm the SVG writes, so never under it)
        readable = math.ceil(self.width * MIN_TEXT_PX / PHONE_PICTURE_PX * 100) / 100
        self.text_cm = max(CAPTION_CM, readable)
        self.key_cm = max(KEY_CM, readable)
        self.floor: list[Primitive] = [
            Line(((x0, 0.0), (x1, 0.0)), 1.2, INK, role="floor", part="floor")
        ]
        x = x0 + 2.0
        while x < x1 - 3.0:
            self.floor.append(
                Line(((x + 3.0, 0.0), (x, -3.0)), 0.5, PROP_LINE, role="floor", part="floor")
            )
            x += 5.0

    @classmethod
    def around(cls, world: list[Primitive]) -> Layout:
        """A layout that fits ``world``, padded so the picture is never a thin strip."""
        boxes = [bounds(i) for i in world]
        x0 = min(b[0] for b in boxes) - 6.0
        x1 = max(b[2] for b in boxes) + 6.0
        top = max(b[3] for b in boxes) + MARGIN_CM
        bottom = min(min(b[1] for b in boxes), -3.5)
        height = top - bottom + 2 * MARGIN_CM
        target = max(x1 - x0, MIN_ASPECT * height, MIN_WIDTH_CM)
        pad = (target - (x1 - x0)) / 2
        return cls(x0 - pad, x1 + pad, top, bottom)

    def move(self, p: Point) -> Point:
        return (p[0] - self.x0 + MARGIN_CM, self.top - p[1])

    def place(self, world: list[Primitive]) -> list[Primitive]:
        """World items (cm, y up) mapped onto the canvas (cm, y down)."""
        return [transform(i, self.move, 1.0) for i in world]

    @property
    def picture_height(self) -> float:
        return self.top - self.bottom + GAP_CM

    def height(self, caption: str, *, key: bool) -> float:
        lines = len(_caption_lines(caption, self.width, self.text_cm))
        extra = self.key_cm * 2.2 if key else 1.0
        return round(self.picture_height + lines * self.text_cm * 1.25 + extra, 2)

    def caption(self, caption: str, *, key: bool, lang: Language = "en") -> list[Primitive]:
        return _caption_and_key(
            caption, self.width, self.picture_height, (self.text_cm, self.key_cm), key, lang
        )


def _caption_lines(caption: str, width: float, size: float) -> list[str]:
    per_line = max(12, int((width - 2 * MARGIN_CM) / (size * 0.56)))
    return textwrap.wrap(caption, per_line)


def _caption_and_key(
    caption: str,
    width: float,
    y: float,
    sizes: tuple[float, float],
    key: bool,
    lang: Language = "en",
) -> list[Primitive]:
    """The caption's lines under the picture, then the key (``sizes``: caption, key)."""
    size, key_size = sizes
    items: list[Primitive] = []
    for line in _caption_lines(caption, width, size):
        y += size * 1.25
        items.append(Text((width / 2, y - size * 0.3), line, size, INK, bold=True,
                          role="caption"))  # fmt: skip
    if not key:
        return items
    y += key_size * 1.8
    base = y - key_size * 0.35
    swatch = 9.0
    said = load_words("pictures").say
    entries = (("start", "ghost"), ("end", "body"), ("movement", "arrow"))
    shown = [said(f"key_{word}", lang) for word, _ in entries]
    widths = [swatch + 4.0 + text_width(text, key_size) for text in shown]
    # Spread over the width inside the margins; a narrow picture's key uses half of them.
    spare = width - 2 * MARGIN_CM - sum(widths)
    margin = MARGIN_CM if spare >= 4.0 * (len(entries) + 1) else MARGIN_CM / 2
    gap = max(2.0, (width - 2 * margin - sum(widths)) / (len(entries) + 1))
    x = margin + gap
    for (word, kind), text, used in zip(entries, shown, widths, strict=True):
        a, b = (x, base - key_size * 0.3), (x + swatch, base - key_size * 0.3)
        if kind == "ghost":
            items.append(Line((a, b), 3.2, GHOST_FILL, role="key", part=word))
            items.append(Line((a, b), 1.0, GHOST_LINE, GHOST_DASH, role="key", part=word))
        elif kind == "body":
            items.append(Line((a, b), 3.2, BODY, role="key", part=word))
        else:
            items.append(Arrow((a, b), 1.1, ARROW, role="key", part=word))
        items.append(
            Text((x + swatch + 4.0, base), text, key_size, INK, anchor="start", role="key")
        )
        x += used + gap
    return items
