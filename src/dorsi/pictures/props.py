"""Props (chair, wall, step, band...) drawn from the landmarks of the posed figure.

Props take their size and place from the body, so they always fit the pose: the chair seat sits
under the hip, the counter top under the hand, the step under the tapping forefoot. World
coordinates: centimetres, y up, floor at 0.
"""

from __future__ import annotations

from collections.abc import Callable

from dorsi.pictures.figure import HAND_RADIUS_CM, WIDTH_CM, Figure, Point, Stroke
from dorsi.pictures.scene import (
    GHOST_DASH,
    GHOST_LINE,
    PAPER,
    PROP_FILL,
    PROP_LINE,
    Line,
    Poly,
    Primitive,
)
from dorsi.pictures.staging import BED_TOP_CM

BAND_COLOR = "#3d3d3d"
LINE_CM = 1.2

# Props attached to a moving part are drawn for the start pose too (as a ghost).
ATTACHED = ("strap",)
# Props drawn in front of the body (after it); all others are drawn behind it.
FRONT = ("band", "strap", "towel")


def _box(x0: float, y0: float, x1: float, y1: float, part: str) -> Poly:
    points = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    return Poly(points, PROP_FILL, PROP_LINE, LINE_CM, role="prop", part=part)


def _line(points: tuple[Point, ...], part: str, width: float = LINE_CM * 2) -> Line:
    return Line(points, width, PROP_LINE, role="prop", part=part)


def _extent(figure: Figure, names: tuple[str, ...], axis: int, pick: Callable[..., float]) -> float:
    values = []
    for name in names:
        for shape in figure.parts[name]:
            if isinstance(shape, Stroke):
                r = shape.width / 2
                values += [p[axis] - r for p in shape.points] + [p[axis] + r for p in shape.points]
            elif hasattr(shape, "points"):
                values += [p[axis] for p in shape.points]
    return float(pick(values))


def chair(fig: Figure) -> list[Primitive]:
    hx, hy = fig.landmarks["hip"]
    top = hy - WIDTH_CM["thigh"] / 2
    back = hx - WIDTH_CM["trunk"] / 2 - 4.5
    return [
        _line(((back + 2, top - 4), (back + 2, 0.0)), "chair"),
        _line(((hx + 22, top - 4), (hx + 22, 0.0)), "chair"),
        _box(back - 3, top, back, top + 48, "chair"),
        _box(back - 3, top - 4, hx + 25, top, "chair"),
    ]


def stool(fig: Figure) -> list[Primitive]:
    (kx, ky), (ax, ay) = fig.landmarks["near_knee"], fig.landmarks["near_ankle"]
    qx, qy = kx + (ax - kx) * 0.62, ky + (ay - ky) * 0.62
    top = qy - WIDTH_CM["shank"] / 2
    return [
        _line(((qx - 11, top - 3), (qx - 13, 0.0)), "stool"),
        _line(((qx + 11, top - 3), (qx + 13, 0.0)), "stool"),
        _box(qx - 15, top - 3.5, qx + 15, top, "stool"),
    ]


def _table_leg_x(fig: Figure) -> float:
    return fig.landmarks["near_toe_tip"][0] + 16.0


def table(fig: Figure) -> list[Primitive]:
    x = _table_leg_x(fig)
    return [_box(x - 2, 0.0, x + 2, 72.0, "table"), _box(x - 24, 72.0, x + 40, 76.0, "table")]


def band(fig: Figure, *, ghost: bool = False) -> list[Primitive]:
    """A loop over the top of the foot, both strands running down to the table leg."""
    (ix, iy), (fx, fy) = fig.landmarks["near_instep"], fig.landmarks["near_forefoot_top"]
    back = (ix + (fx - ix) * 0.25, iy + (fy - iy) * 0.25)
    front = (ix + (fx - ix) * 0.85, iy + (fy - iy) * 0.85)
    anchor = (_table_leg_x(fig) - 2.0, 2.5)
    color, dash = (GHOST_LINE, GHOST_DASH) if ghost else (BAND_COLOR, None)
    role = "ghost" if ghost else "prop"
    loop = (anchor, back, front, anchor)
    return [
        Line(loop, 2.6, PAPER, None, role="halo", part="band"),
        Line(loop, 1.1, color, dash, role=role, part="band"),
    ]


def strap(fig: Figure, *, ghost: bool = False) -> list[Primitive]:
    hand = fig.landmarks["hand"]
    top, ball = fig.landmarks["near_forefoot_top"], fig.landmarks["near_ball"]
    mtp = fig.landmarks["near_mtp"]
    front = (mtp[0] + (mtp[0] - fig.landmarks["near_ankle"][0]) * 0.08, mtp[1])
    color, dash = (GHOST_LINE, GHOST_DASH) if ghost else (BAND_COLOR, None)
    role = "ghost" if ghost else "prop"
    loop = (hand, top, front, ball, hand)
    return [Line(loop, 1.8, color, dash, role=role, part="strap")]


def wall(fig: Figure) -> list[Primitive]:
    x = _extent(fig, ("trunk",), 0, min) - 0.5
    items: list[Primitive] = [_box(x - 7, 0.0, x, 195.0, "wall")]
    for y in range(8, 195, 12):
        items.append(
            Line(((x - 7, float(y)), (x, y + 5.0)), 0.6, PROP_LINE, role="prop", part="wall")
        )
    return items


def counter(fig: Figure) -> list[Primitive]:
    hx, hy = fig.landmarks["hand"]
    top = hy - HAND_RADIUS_CM
    front = hx - 8.0
    return [
        _box(front + 5, 9.0, front + 60, top - 4, "counter"),
        _box(front + 9, 0.0, front + 60, 9.0, "counter"),
        _box(front, top - 4, front + 62, top, "counter"),
    ]


def counter_side(fig: Figure) -> list[Primitive]:
    hy = fig.landmarks["hand"][1]
    top = hy - HAND_RADIUS_CM
    x0 = fig.landmarks["hip"][0] - 55.0
    x1 = fig.landmarks["hip"][0] + 60.0
    return [_box(x0, 0.0, x1, top - 4, "counter"), _box(x0 - 2, top - 4, x1 + 2, top, "counter")]


def stairs(fig: Figure) -> list[Primitive]:
    top = _extent(fig, ("near_toes",), 1, min)
    ball_x = fig.landmarks["near_ball"][0]
    front = ball_x - 7.0
    tread = 28.0
    hx, hy = fig.landmarks["hand"]
    slope = top / tread
    rail_y = hy - HAND_RADIUS_CM
    x0, x1 = front - 24.0, front + 2 * tread
    y0, y1 = rail_y + slope * (x0 - hx), rail_y + slope * (x1 - hx)
    return [
        _box(front, 0.0, front + tread, top, "stairs"),
        _box(front + tread, 0.0, front + 2 * tread, 2 * top, "stairs"),
        _line(((front + 6, top), (front + 6, y0 + slope * (front + 6 - x0))), "stairs", LINE_CM),
        _line(
            ((front + 2 * tread - 6, 2 * top), (front + 2 * tread - 6, y1 - slope * 6)),
            "stairs",
            LINE_CM,
        ),
        _line(((x0, y0), (x1, y1)), "stairs", 3.0),
    ]


def towel(fig: Figure) -> list[Primitive]:
    """A towel on the floor under the foot, bunched up in front of the toes."""
    x0 = fig.landmarks["near_heel_back"][0] - 4.0
    tip = fig.landmarks["near_toe_tip"][0]
    flat = Poly(
        ((x0, 0.0), (tip + 2, 0.0), (tip + 2, 1.1), (x0, 1.1)),
        PROP_FILL,
        PROP_LINE,
        0.5,
        role="prop",
        part="towel",
    )
    bunch = Poly(
        ((tip + 0.5, 0.0), (tip + 1.5, 2.4), (tip + 4, 3.6), (tip + 6.5, 2.4), (tip + 9, 4.2),
         (tip + 12, 2.6), (tip + 15, 3.2), (tip + 18, 1.1), (tip + 26, 1.1), (tip + 26, 0.0)),
        PROP_FILL, PROP_LINE, 0.5, role="prop", part="towel",
    )  # fmt: skip
    return [flat, bunch]


def bed(fig: Figure) -> list[Primitive]:
    back = _extent(fig, ("trunk",), 0, min)
    x1 = fig.landmarks["near_toe_tip"][0] + 14.0
    top = BED_TOP_CM
    return [
        _line(((back + 4, top - 16), (back + 4, 0.0)), "bed", 3.0),
        _line(((x1 - 4, top - 16), (x1 - 4, 0.0)), "bed", 3.0),
        _box(back - 4, top - 18, back - 0.5, top + 62, "bed"),
        _box(back, top - 16, x1, top, "bed"),
    ]


PROPS: dict[str, Callable[[Figure], list[Primitive]]] = {
    "chair": chair,
    "stool": stool,
    "table": table,
    "band": band,
    "wall": wall,
    "counter": counter,
    "counter_side": counter_side,
    "stairs": stairs,
    "towel": towel,
    "strap": strap,
    "bed": bed,
}


def draw_prop(name: str, fig: Figure, *, ghost: bool = False) -> list[Primitive]:
    """Primitives of prop ``name`` for the posed figure ``fig``."""
    if name == "band":
        return band(fig, ghost=ghost)
    if name == "strap":
        return strap(fig, ghost=ghost)
    return PROPS[name](fig)
