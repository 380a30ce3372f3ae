"""The home page's body map: a front and a back human outline, drawn as inline SVG.

Decisions (issue 23, item 6):

- Two SVGs, one per view, side by side on a wide screen and one above the other on a
  phone (they wrap), so the visible region labels stay readable at 320 px: one SVG with
  both views would shrink its text to about 10 px there.
- Each published region is a real `<a>` in the SVG holding its shape, a leader line and
  its visible name, so a mouse, a finger, the keyboard (Tab, in the order head, eyes,
  throat, chest, abdomen, legs, then neck, back) and a screen reader (the link's name is
  the region's name) reach the same thing. A region that is not published is drawn but is
  neither a link nor labelled. "Whole body" is an ordinary link under the two views.
- Right to left (Arabic): the views and the labels mirror, the bodies do not. The front
  view comes first in reading order, so it stands on the right, and each label sits on
  the mirrored side of its figure. The outlines themselves are never flipped: a front view
  shows the person's right side on the viewer's left in every language, as anatomical
  pictures do, and flipping it would swap the person's sides. The outlines are symmetric
  and every region of the site is on the midline, so nothing a reader sees depends on
  that side; the rule matters for any future left/right region. Text is never mirrored:
  each label's x is mirrored and its `text-anchor` follows the page's direction (`end`
  in Arabic is the left edge of the text), so one anchor value serves both directions.
- The geometry lives here, as point lists turned into smooth paths once at import, not
  in the template: the template only walks `layout()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

WIDTH = 380
HEIGHT = 520
CENTRE = WIDTH / 2
LABEL_START = 112  # labels left of a figure end here (in left-to-right pages)
LABEL_END = WIDTH - LABEL_START  # labels right of a figure start here
LONG_LABEL = 10  # characters: a longer name with a space wraps onto two lines

Point = tuple[float, float]


def _mirror(points: list[Point]) -> list[Point]:
    return [(WIDTH - x, y) for x, y in points]


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _curve(points: list[Point], start: int, stop: int, closed: bool = False) -> str:
    """Cubic Bézier segments through points[start..stop] (Catmull-Rom), the neighbours of
    the run shaping its ends so that two runs of one outline meet smoothly."""
    count = len(points)

    def at(index: int) -> Point:
        if closed:
            return points[index % count]
        return points[max(0, min(count - 1, index))]

    parts = []
    for index in range(start, stop):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = (at(index + k) for k in (-1, 0, 1, 2))
        c1 = (x1 + (x2 - x0) / 6, y1 + (y2 - y0) / 6)
        c2 = (x2 - (x3 - x1) / 6, y2 - (y3 - y1) / 6)
        parts.append("C" + " ".join(_number(v) for v in (*c1, *c2, x2, y2)))
    return "".join(parts)


def _closed(points: list[Point]) -> str:
    x, y = points[0]
    return f"M{_number(x)} {_number(y)}" + _curve(points, 0, len(points), closed=True) + "Z"


def _both_sides(right: list[Point]) -> list[Point]:
    """A symmetric closed outline from its right half, listed top to bottom."""
    return right + _mirror(right)[::-1]


# The torso's right edge from the neck down to the hip; chest above SPLIT, abdomen below.
TORSO = [
    (204, 104), (222, 108), (237, 116), (244, 130), (240, 146), (235, 172),
    (231, 198), (227, 226), (231, 252), (236, 278),
]  # fmt: skip
SPLIT = 6  # TORSO[6] is where the chest meets the abdomen
LEFT_TORSO = _mirror(TORSO)


def _chest() -> str:
    x, y = TORSO[SPLIT]
    lx, _ly = LEFT_TORSO[SPLIT]
    right = f"M{_number(WIDTH - TORSO[0][0])} {TORSO[0][1]}L{TORSO[0][0]} {TORSO[0][1]}"
    right += _curve(TORSO, 0, SPLIT)
    left = _curve(LEFT_TORSO[::-1], len(TORSO) - 1 - SPLIT, len(TORSO) - 1)
    return f"{right}L{_number(lx)} {_number(y)}{left}Z"


def _abdomen() -> str:
    x, y = TORSO[SPLIT]
    hx, hy = TORSO[-1]
    path = f"M{_number(WIDTH - x)} {_number(y)}L{_number(x)} {_number(y)}"
    path += _curve(TORSO, SPLIT, len(TORSO) - 1)
    path += f"Q{_number(CENTRE)} {hy + 22} {_number(WIDTH - hx)} {_number(hy)}"
    path += _curve(LEFT_TORSO[::-1], 0, len(TORSO) - 1 - SPLIT)
    return path + "Z"


def _whole_torso() -> str:
    hx, hy = TORSO[-1]
    path = f"M{_number(WIDTH - TORSO[0][0])} {TORSO[0][1]}L{TORSO[0][0]} {TORSO[0][1]}"
    path += _curve(TORSO, 0, len(TORSO) - 1)
    path += f"Q{_number(CENTRE)} {hy + 22} {_number(WIDTH - hx)} {_number(hy)}"
    path += _curve(LEFT_TORSO[::-1], 0, len(TORSO) - 1)
    return path + "Z"


ARM = [
    (236, 114), (250, 124), (257, 156), (259, 200), (263, 240), (267, 270), (268, 292),
    (260, 302), (250, 294), (247, 266), (243, 226), (240, 186), (237, 150),
]  # fmt: skip
LEG = [
    (236, 272), (238, 310), (232, 350), (225, 386), (225, 422), (221, 454), (224, 470),
    (232, 482), (214, 486), (201, 480), (199, 452), (199, 420), (196, 386), (194, 344),
    (192, 300), (196, 282),
]  # fmt: skip


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> str:
    return (
        f"M{_number(cx - rx)} {_number(cy)}a{_number(rx)} {_number(ry)} 0 1 0 {_number(2 * rx)} 0"
        f"a{_number(rx)} {_number(ry)} 0 1 0 {_number(-2 * rx)} 0Z"
    )


HEAD = _ellipse(CENTRE, 48, 27, 33)
NECK = "M177 79h26v29h-26Z"
ARMS = _closed(ARM) + _closed(_mirror(ARM))
LEGS = _closed(LEG) + _closed(_mirror(LEG))
EYES = _ellipse(CENTRE - 11, 46, 8, 5) + _ellipse(CENTRE + 11, 46, 8, 5)
HAIR = (
    f"M{CENTRE - 27} 50C{CENTRE - 30} 20 {CENTRE - 14} 14 {CENTRE} 14"
    f"C{CENTRE + 14} 14 {CENTRE + 30} 20 {CENTRE + 27} 50"
    f"C{CENTRE + 20} 60 {CENTRE - 20} 60 {CENTRE - 27} 50Z"
)
SPINE = f"M{CENTRE} 110V266"


@dataclass(frozen=True)
class Region:
    slug: str
    shape: str
    anchor: Point  # where the leader line touches the region
    side: str  # "start": labelled before the figure in reading order, "end": after
    label_y: float
    detail: str = ""  # drawn inside the link on top of the shape (not a target itself)


@dataclass(frozen=True)
class View:
    name: str  # "front" or "back"
    body: tuple[str, ...]  # outline parts that are never links
    regions: tuple[Region, ...]  # in keyboard order
    detail: str = ""


@cache
def views() -> tuple[View, View]:
    chest, abdomen = _chest(), _abdomen()
    front = View(
        "front",
        body=(ARMS,),
        regions=(
            Region("head", HEAD, (170, 30), "start", 34),
            Region("eyes", EYES, (201, 46), "end", 52),
            Region("throat", NECK, (181, 96), "start", 100),
            Region("chest", chest, (206, 150), "end", 150),
            Region("abdomen", abdomen, (176, 236), "start", 240),
            Region("legs", LEGS, (210, 392), "end", 396),
        ),
    )
    back = View(
        "back",
        body=(ARMS, LEGS, HEAD),
        regions=(
            Region("neck", NECK, (181, 96), "start", 100),
            Region("back", _whole_torso(), (206, 190), "end", 194, detail=SPINE),
        ),
        detail=HAIR,
    )
    return front, back


def _label_lines(name: str) -> list[str]:
    if len(name) <= LONG_LABEL or " " not in name:
        return [name]
    spaces = [index for index, char in enumerate(name) if char == " "]
    cut = min(spaces, key=lambda index: abs(index - len(name) / 2))
    return [name[:cut], name[cut + 1 :]]


def layout(regions: dict[str, dict[str, Any]], *, rtl: bool) -> list[dict[str, Any]]:
    """What the template draws: per view, its fixed outline parts, and per region its
    shape, plus, when the region is published (in `regions`, by slug), its link, label
    lines and leader line, mirrored for right-to-left pages (see the module docstring)."""

    def x(value: float) -> float:
        return WIDTH - value if rtl else value

    drawn = []
    for view in views():
        parts = []
        for region in view.regions:
            published = regions.get(region.slug)
            part: dict[str, Any] = {"slug": region.slug, "shape": region.shape}
            part["detail"] = region.detail
            if published:
                before = region.side == "start"
                label_x = LABEL_START if before else LABEL_END
                edge = label_x + (6 if before else -6)
                ax, ay = region.anchor
                lines = _label_lines(published["name"])
                top = region.label_y - 11 * (len(lines) - 1)
                part |= {
                    "region": published,
                    "anchor": "end" if before else "start",
                    "label_x": _number(x(label_x)),
                    "lines": [
                        {"text": text, "y": _number(top + 22 * index)}
                        for index, text in enumerate(lines)
                    ],
                    "leader": (
                        f"M{_number(x(edge))} {_number(region.label_y - 6)}"
                        f"L{_number(x(ax))} {_number(ay)}"
                    ),
                    # An invisible strip along the leader line, so the link is one
                    # target from its label to its shape, not a label and a shape with
                    # a gap between them.
                    "hit": {
                        "x": _number(min(x(edge), x(ax))),
                        "y": _number(min(region.label_y, ay) - 16),
                        "width": _number(abs(x(edge) - x(ax))),
                        "height": _number(abs(region.label_y - ay) + 22),
                    },
                }
            parts.append(part)
        drawn.append(
            {"name": view.name, "body": view.body, "detail": view.detail, "regions": parts}
        )
    return drawn
