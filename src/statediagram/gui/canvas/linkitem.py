"""The canvas's link item: a link drawn along its route, with a wide invisible hit area."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .. import theme

if TYPE_CHECKING:
    from .items import NodeItem

_ANTIALIASING = QPainter.RenderHint.Antialiasing


class LinkItem(QGraphicsItem):
    """A link between two node items along its route (core/routes.py, given by the scene), with a wide invisible
    hit area."""

    def __init__(self, key: frozenset[str], a: NodeItem, b: NodeItem, interactive: bool = True) -> None:
        super().__init__()
        self.key = key
        self.a, self.b = a, b
        self._route: list[tuple[float, float]] = []  # from a to b, as the router gave it
        # The route in Qt's types, made when first drawn or asked for: opening 8,000 links made them all at once.
        self._points: list[QPointF] | None = []
        self._segments: list[QLineF] = []
        self._ends = (QPointF(), QPointF())  # where the end dots go, kept for painting
        self._shape: QPainterPath | None = None  # made when first asked for (a click, a rubber band)
        self._bounds = QRectF()
        if interactive:
            self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
            self.setToolTip("Link (select it and press Delete to remove it)")
        self.setZValue(theme.Z_LINK)

    def set_route(self, route: list[tuple[float, float]]) -> None:
        """Run along ``route`` (scene coordinates, from ``a`` to ``b``)."""
        if route == self._route:
            return
        self.prepareGeometryChange()
        self._route = list(route)
        self._points = None
        self._shape = None
        xs, ys = [x for x, _ in route], [y for _, y in route]
        # Holds the hit area (a square cap reaches half the width times sqrt 2 out) and the drawn end dots.
        reach = theme.LINK_HIT_WIDTH * 0.75
        self._bounds = QRectF(min(xs) - reach, min(ys) - reach, max(xs) - min(xs) + 2 * reach,
                              max(ys) - min(ys) + 2 * reach) if route else QRectF()
        self.update()

    def _made(self) -> list[QPointF]:
        points = self._points
        if points is None:
            points = self._points = [QPointF(x, y) for x, y in self._route]
            self._segments = [QLineF(p, q) for p, q in zip(points, points[1:], strict=False)]
            self._ends = (points[0], points[-1]) if points else (QPointF(), QPointF())
        return points

    def points(self) -> list[QPointF]:
        """The route from ``a`` to ``b``: its ports and corners."""
        return list(self._made())

    def segments(self) -> list[QLineF]:
        """The route's straight pieces."""
        self._made()
        return self._segments

    def ends(self) -> tuple[QPointF, QPointF]:
        """Where the route starts and ends (the end dots' centres, on the cards' ports)."""
        self._made()
        return self._ends

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            path = QPainterPath()
            path.addPolygon(QPolygonF(self._made()))
            stroker = QPainterPathStroker()
            stroker.setWidth(theme.LINK_HIT_WIDTH)
            self._shape = stroker.createStroke(path)
        return self._shape

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # Hundreds of links are painted a frame when zoomed out: little Python here (a quarter faster, measured).
        if self._points is None:
            self._made()
        if not self._segments:
            return
        halo, pen, dot = link_look(self.isSelected())
        p.setRenderHint(_ANTIALIASING)
        # Piece by piece with square caps, which fill a route's right-angled corners as a mitre join would.
        if halo is not None:
            p.setPen(halo)
            p.drawLines(self._segments)
        p.setPen(pen)
        p.drawLines(self._segments)
        p.setBrush(dot)
        start, end = self._ends
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
