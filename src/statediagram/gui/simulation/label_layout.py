"""Where the run's labels go, so that none covers a card or another label (Qt-free: plain numbers, tested alone).

A label (a "DOWN" badge, a "3 sessions in RAM" chip, a "503 no server up ×5" badge, a "GET session:..." flash)
names the places it would like to be, best first: above its card, under it, beside it, over its link. The
layout takes the labels in order of importance and gives each the first of its places that is clear of every
card and of the labels already placed. A place taken by another label is pushed further out (labels stack in
a column away from their card) until it is clear or runs into a card; then the next place is tried, then a
few rings around the first. A label that still finds no room is folded into
a "+N" label of its group (its node), placed like any other, and so are the group's later labels; a label
never overlaps anything to be shown.

Boxes are (left, top, right, bottom) in scene units. The work per label is a handful of box tests against the
cards and labels in the grid cells nearby, so a screenful of labels is placed in well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from math import hypot

Box = tuple[float, float, float, float]
Point = tuple[float, float]

GAP = 3.0  # clear space kept between a label and a card or another label
STACK_STEPS = 5  # how many times a place is pushed further out (a label's height each time) before rings
RING_STEPS = 2  # rings of places tried around the first place when every place and its stack are taken
CELL = 96.0  # grid cell of the obstacle index (about a card's height)


@dataclass(frozen=True)
class Spot:
    """A place a label would like, whatever its size: the point ``(x, y)`` where the label's box touches it at
    ``(hx, hy)`` of its width and height (0.5, 1: the middle of its bottom edge), and the way the label moves
    when pushed out (a unit step)."""

    x: float
    y: float
    hx: float = 0.5
    hy: float = 0.5
    dx: float = 0.0
    dy: float = 1.0

    def box(self, w: float, h: float, k: int = 0) -> Box:
        """The box of a ``w`` x ``h`` label here, pushed out ``k`` times."""
        step = k * ((h + GAP) if self.dy else (w + GAP))
        left, top = self.x - self.hx * w + self.dx * step, self.y - self.hy * h + self.dy * step
        return (left, top, left + w, top + h)


@dataclass(frozen=True)
class Label:
    """One label to place. ``group`` is what it belongs to (a node): labels of a group that find no room are
    counted on one "+N" label of that group. Lower ``rank`` is placed first."""

    key: Hashable
    width: float
    height: float
    spots: tuple[Spot, ...]
    group: Hashable = None
    rank: int = 0
    rings: bool = True  # may go round its first place when its places are taken (False: only its places)


@dataclass
class Layout:
    """Where each placed label's box is, and which labels were folded into a group's "+N" label."""

    boxes: dict[Hashable, Box] = field(default_factory=dict)
    folded: dict[Hashable, list[Hashable]] = field(default_factory=dict)  # group -> keys of labels not shown
    more: dict[Hashable, Box] = field(default_factory=dict)  # group -> box of its "+N" label


def overlaps(a: Box, b: Box, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def centred(x: float, y: float, w: float, h: float) -> Box:
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


class _Index:
    """Boxes bucketed in a grid, so a test looks only at boxes near the one tested."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def add(self, b: Box) -> None:
        cells = self.cells
        for i in range(int(b[0] // CELL), int(b[2] // CELL) + 1):
            for j in range(int(b[1] // CELL), int(b[3] // CELL) + 1):
                cells.setdefault((i, j), []).append(b)

    def clear_of(self, b: Box, gap: float) -> bool:
        cells = self.cells
        if not cells:
            return True
        left, top, right, bottom = b[0] - gap, b[1] - gap, b[2] + gap, b[3] + gap
        for i in range(int(left // CELL), int(right // CELL) + 1):
            for j in range(int(top // CELL), int(bottom // CELL) + 1):
                for o in cells.get((i, j), ()):
                    if left < o[2] and o[0] < right and top < o[3] and o[1] < bottom:
                        return False
        return True


class CardIndex(_Index):
    """The cards (and whatever else labels keep off), indexed once and used for every layout until they move."""

    def __init__(self, boxes: Sequence[Box]) -> None:
        super().__init__()
        for b in boxes:
            self.add(b)


def _first_clear(label: Label, cards: _Index, labels: _Index) -> Box | None:
    """The first clear box among the label's places; a place taken by a label is pushed out (stacking) until
    it is clear or meets a card; then rings around the first place."""
    w, h = label.width, label.height
    for s in label.spots:
        for k in range(STACK_STEPS + 1):
            box = s.box(w, h, k)
            if not cards.clear_of(box, GAP):
                break  # pushed into a card: this side is full
            if labels.clear_of(box, GAP):
                return box
    if not label.spots or not label.rings:
        return None
    first = label.spots[0].box(w, h)
    x0, y0 = (first[0] + first[2]) / 2, (first[1] + first[3]) / 2
    for ring in range(1, RING_STEPS + 1):
        rx, ry = ring * (w / 2 + GAP + 12), ring * (h + GAP)
        for fx, fy in ((0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1)):
            box = centred(x0 + fx * rx, y0 + fy * ry, w, h)
            if cards.clear_of(box, GAP) and labels.clear_of(box, GAP):
                return box
    return None


def place(labels: Sequence[Label], obstacles: Sequence[Box] | CardIndex,
          more_size: Callable[[int], tuple[float, float]] | None = None, taken: Layout | None = None) -> Layout:
    """Place ``labels`` clear of ``obstacles`` (cards; a CardIndex to reuse), of each other and of the labels of
    an earlier layout ``taken``. ``more_size(n)`` is the size of a group's "+n" label; without it, labels
    without room are only listed in ``folded``."""
    cards = obstacles if isinstance(obstacles, CardIndex) else CardIndex(obstacles)
    placed = _Index()
    if taken is not None:
        for b in (*taken.boxes.values(), *taken.more.values()):
            placed.add(b)
    out = Layout()
    firsts: dict[Hashable, Label] = {}
    for label in sorted(labels, key=lambda lab: lab.rank):
        firsts.setdefault(label.group, label)
        # Once a label of a group found no room, the group's later ones are folded without a search: they are
        # its less important ones, and a crowded corner would cost every one of them a full search.
        box = None if label.group in out.folded else _first_clear(label, cards, placed)
        if box is None:
            out.folded.setdefault(label.group, []).append(label.key)
            continue
        placed.add(box)
        out.boxes[label.key] = box
    if more_size is not None:
        for group, keys in out.folded.items():
            w, h = more_size(len(keys))
            first = firsts[group]
            box = _first_clear(Label(("more", group), w, h, first.spots, group, rings=first.rings), cards, placed)
            if box is not None:
                placed.add(box)
                out.more[group] = box
    return out


# --- the usual places ---------------------------------------------------------------------------------


def around_card(card: Box, first: str) -> tuple[Spot, ...]:
    """Places next to a card: ``first`` ("above", "below" or "right") first, then the others, then the left
    side. Labels above stack upwards, the others downwards."""
    left, top, right, bottom = card
    cx = (left + right) / 2
    spots = {
        "above": Spot(cx, top - GAP, 0.5, 1.0, 0.0, -1.0),
        "below": Spot(cx, bottom + GAP, 0.5, 0.0, 0.0, 1.0),
        "right": Spot(right + GAP, top, 0.0, 0.0, 0.0, 1.0),
        "left": Spot(left - GAP, top, 1.0, 0.0, 0.0, 1.0),
    }
    order = [first] + [k for k in ("above", "below", "right", "left") if k != first]
    return tuple(spots[k] for k in order)


def point_along(points: Sequence[Point], f: float) -> Point:
    """The point a fraction ``f`` of the way along the polyline ``points``."""
    if len(points) == 1:
        return points[0]
    lengths = [hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(points, points[1:], strict=False)]
    goal = max(0.0, min(1.0, f)) * sum(lengths)
    for (a, b), seg in zip(zip(points, points[1:], strict=False), lengths, strict=True):
        if goal <= seg and seg > 0:
            u = goal / seg
            return a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u
        goal -= seg
    return points[-1]


def along_link(points: Sequence[Point]) -> tuple[Spot, ...]:
    """Places for a label about a link: over and under its middle, then over and under points nearer its ends."""
    spots = []
    for f in (0.5, 0.35, 0.65, 0.25, 0.75):
        x, y = point_along(points, f)
        spots += [Spot(x, y - GAP - 2, 0.5, 1.0, 0.0, -1.0), Spot(x, y + GAP + 2, 0.5, 0.0, 0.0, 1.0)]
    return tuple(spots)


def box_of(rect) -> Box:
    """A rectangle (anything with left, top, right, bottom: a QRectF) as a box."""
    return (rect.left(), rect.top(), rect.right(), rect.bottom())


def card_boxes(rect) -> list[Box]:
    """What a label must keep off: the card (its icon, title and state chips), and the warning triangle that
    stands out of its top edge on the right."""
    right, top = rect.right(), rect.top()
    return [box_of(rect), (right - 28, top - 12, right - 4, top)]
