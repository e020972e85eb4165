"""The canvas's link item: a link drawn along its route, with a wide invisible hit area."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from ...core.model import LinkKey
from ...core.routegeometry import Point
from ...core.routes import Route
from .. import theme

if TYPE_CHECKING:
    from .items import NodeItem

_ANTIALIASING = QPainter.RenderHint.Antialiasing
_NO_PEN = QPen(Qt.PenStyle.NoPen)


class LinkItem(QGraphicsRectItem):
    """A link between two node items along its route (core/routes.py, given by the scene), with a wide invisible
    hit area.

    A rectangle item only for its rectangle, which Qt keeps and gives as the bounding rectangle (no pen: nothing
    added round it); the item paints and hit-tests itself (``paint``, ``shape``). Kept as a Python QRectF, the
    bounding rectangle was one more object a link for Python's cyclic collector (4,000 for the big diagram of
    benchmarks/bench_gui.py), and each of Qt's 200-400 asks a frame was a call into Python."""

    # No instance dict (one object fewer per link for Python's cyclic collector to look at); the route is kept as
    # the router gives it, a tuple of number pairs, which the collector does not track at all. The Qt points and
    # pieces are made when the link is first painted: made for every link of a 2,000-node diagram (the far-out
    # overview asked for them), they were 34,000 objects that every full collection looked at, 40 ms of it.
    __slots__ = ("key", "a", "b", "_route", "_drawn", "_shape")

    def __init__(self, key: LinkKey, a: NodeItem, b: NodeItem, interactive: bool = True) -> None:
        super().__init__()
        self.key = key
        self.a, self.b = a, b
        self._route: Route = ()  # from a to b, as the router gave it
        self._drawn: tuple[list[QLineF], QPointF, QPointF] | None = None  # pieces and end dots, once painted
        self._shape: QPainterPath | None = None  # made when first asked for (a click, a rubber band)
        self.setPen(_NO_PEN)
        if interactive:
            self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
            self.setToolTip("Link (select it and press Delete to remove it)")
        self.setZValue(theme.Z_LINK)

    def set_route(self, route: Route | list[Point]) -> None:
        """Run along ``route`` (scene coordinates, from ``a`` to ``b``)."""
        route = tuple(route)
        if route == self._route:
            return
        self._route = route
        self._drawn = None
        self._shape = None
        xs, ys = [x for x, _ in route], [y for _, y in route]
        # Holds the hit area (a square cap reaches half the width times sqrt 2 out) and the drawn end dots.
        reach = theme.LINK_HIT_WIDTH * 0.75
        # setRect prepares the geometry change itself when the rectangle changes; within the same rectangle, update()
        # is all the new route needs.
        if route:
            self.setRect(min(xs) - reach, min(ys) - reach, max(xs) - min(xs) + 2 * reach, max(ys) - min(ys) + 2 * reach)
        else:
            self.setRect(0.0, 0.0, 0.0, 0.0)
        self.update()

    def route(self) -> Route:
        """The route from ``a`` to ``b`` as plain numbers: its ports and corners."""
        return self._route

    def points(self) -> list[QPointF]:
        """The route from ``a`` to ``b``: its ports and corners."""
        return [QPointF(x, y) for x, y in self._route]

    def segments(self) -> list[QLineF]:
        """The route's straight pieces."""
        route = self._route
        return [QLineF(x0, y0, x1, y1) for (x0, y0), (x1, y1) in zip(route, route[1:], strict=False)]

    def ends(self) -> tuple[QPointF, QPointF]:
        """Where the route starts and ends (the end dots' centres, on the cards' ports)."""
        route = self._route
        return (QPointF(*route[0]), QPointF(*route[-1])) if route else (QPointF(), QPointF())

    def shape(self) -> QPainterPath:
        if self._shape is None:
            path = QPainterPath()
            path.addPolygon(QPolygonF(self.points()))
            stroker = QPainterPathStroker()
            stroker.setWidth(theme.LINK_HIT_WIDTH)
            self._shape = stroker.createStroke(path)
        return self._shape

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # Hundreds of links are painted a frame when zoomed out: little Python here (a quarter faster, measured).
        drawn = self._drawn
        if drawn is None:
            if not self._route:
                return
            drawn = self._drawn = (self.segments(), *self.ends())
        segments, start, end = drawn
        if not segments:
            return
        halo, pen, dot = link_look(self.isSelected())
        p.setRenderHint(_ANTIALIASING)
        # Piece by piece with square caps, which fill a route's right-angled corners as a mitre join would.
        if halo is not None:
            p.setPen(halo)
            p.drawLines(segments)
        p.setPen(pen)
        p.drawLines(segments)
        p.setBrush(dot)
        p.drawEllipse(start, 3.0, 3.0)
        p.drawEllipse(end, 3.0, 3.0)


@cache
def link_look(selected: bool) -> tuple[QPen | None, QPen, QColor]:
    """The halo (selected links only), the line and the end dots' colour. The end dots hide the line's caps, so
    square caps look the same as round ones (at most 5 in 255 apart); Qt draws thick lines with square caps on a
    fast path, three times faster (measured)."""
    colour = theme.LINK_SELECTED if selected else theme.LINK
    halo = QPen(QBrush(theme.LINK_SELECTED.lighter(170)), 8.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    line = QPen(colour, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap)
    return (halo if selected else None), line, colour
