"""A short looping SVG animation: the movement plays forth and back, pure CSS.

Each frame is the solid figure at one interpolated pose; CSS shows one frame at a time. When the
viewer's system asks for reduced motion, only the end pose is shown, with no movement.
"""

from __future__ import annotations

from dorsi.i18n import Language
from dorsi.pictures.compose import compose_frames
from dorsi.pictures.poses import Picture
from dorsi.pictures.staging import sampled_figures
from dorsi.pictures.svg import element, render_svg

FRAMES_PER_STEP = 6
SECONDS_PER_STEP = 1.2
HOLD_FRAMES = 3  # the end pose is held a little, as the exercises ask


def _frame_indices(picture: Picture) -> list[int]:
    figures = sampled_figures(picture)
    stride = max(1, (len(figures) - 1) // (FRAMES_PER_STEP * (len(picture.keyframes) - 1)))
    indices = list(range(0, len(figures), stride))
    if indices[-1] != len(figures) - 1:
        indices.append(len(figures) - 1)
    return indices


def render_animation(picture: Picture, *, title: str, width_px: int, lang: Language = "en") -> str:
    """The animated SVG document of ``picture`` (its description in ``lang``)."""
    figures = sampled_figures(picture)
    indices = _frame_indices(picture)
    chosen = tuple(figures[i] for i in indices)
    scene, frames = compose_frames(picture, chosen, title=title, lang=lang)
    # Forth, hold at the end, back: the play order as indices into ``frames``.
    order = list(range(len(frames)))
    order += [len(frames) - 1] * HOLD_FRAMES + order[-2:0:-1]
    duration_s = SECONDS_PER_STEP * 2 * (len(picture.keyframes) - 1) + 0.6
    slot = 100.0 / len(order)
    css = [
        f".frame{{opacity:0;animation-duration:{duration_s:.2f}s;"
        "animation-iteration-count:infinite;animation-timing-function:step-end}"
    ]
    ids: list[int] = []
    groups = []
    last = len(frames) - 1
    for index, items in enumerate(frames):
        slots = [n for n, f in enumerate(order) if f == index]
        stops = []
        for n in slots:
            stops.append(f"{n * slot:.3f}%{{opacity:1}}")
            stops.append(f"{(n + 1) * slot:.3f}%{{opacity:0}}")
        if slots and slots[0] > 0:
            stops.insert(0, "0%{opacity:0}")
        css.append(f"@keyframes f{index}{{{''.join(stops)}}}")
        css.append(f".f{index}{{animation-name:f{index}}}")
        body = "".join(element(item, ids) for item in items)
        groups.append(f'<g class="frame f{index}" data-frame="{index}">{body}</g>')
    css.append(
        "@media (prefers-reduced-motion: reduce){.frame{animation:none;opacity:0}"
        f".f{last}{{opacity:1}}}}"
    )
    return render_svg(scene, width_px=width_px, extra="\n".join(groups) + "\n", style="".join(css))
