"""A small legend under an exported picture, when the picture shows something that needs explaining.

A teacher looking at a PNG has no tooltip: a dashed amber "RAM (own)" badge, a solid blue "Redis" badge, a
grey "own (by design)" badge or a warning triangle mean nothing without words. The legend names only what the
picture shows (no badge, no legend), one plain line each, under the diagram on its left.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .. import theme
from ..canvas.items import paint_badge_pill

LINE = 18.0  # scene units a line
SWATCH = 40.0  # the badge drawn in front of each line
GAP = 14.0  # between the diagram and the legend

WORDS = {  # what each look means, in the lesson's words
    False: "kept on this server itself (its RAM or disk): lost when it crashes",
    True: "kept in a shared place (Redis, PostgreSQL, object storage) or a signed token: any server can serve it",
    None: "kept on this server by design (a websocket server's open connections)",
    "warning": "a design finding: the app's findings list says what and why",
}


def _font() -> QFont:
    font = QFont()
    font.setPointSizeF(8.5)
    return font


def shown_looks(node_items) -> list:
    """What needs a word among ``node_items``: badge looks (True shared, False own, None by design), then
    "warning", in a fixed order."""
    seen: set = set()
    for item in node_items:
        seen.update(badge.shared for badge in item.badges())
        if item.warnings:
            seen.add("warning")
    return [look for look in (False, True, None, "warning") if look in seen]


class Legend(QGraphicsItem):
    """The legend's lines, drawn with their swatches; its top-left corner at the item's position."""

    def __init__(self, looks: list) -> None:
        super().__init__()
        self.looks = looks
        metrics = QFontMetricsF(_font())
        width = max(metrics.horizontalAdvance(WORDS[look]) for look in looks) + SWATCH + 10
        self._rect = QRectF(0, 0, width, LINE * len(looks))
        self.setZValue(theme.Z_WIRE)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(_font())
        for i, look in enumerate(self.looks):
            top = i * LINE
            swatch = QRectF(0, top + 3, SWATCH - 8, LINE - 6)
            if look == "warning":
                self._triangle(p, swatch.center())
            else:
                paint_badge_pill(p, swatch, look)
            p.setPen(theme.MUTED_INK)
            p.drawText(QRectF(SWATCH, top, self._rect.width() - SWATCH, LINE), Qt.AlignmentFlag.AlignVCenter,
                       WORDS[look])

    @staticmethod
    def _triangle(p: QPainter, c: QPointF) -> None:
        tri = QPainterPath(QPointF(c.x(), c.y() - 6))
        tri.lineTo(c.x() + 7, c.y() + 6)
        tri.lineTo(c.x() - 7, c.y() + 6)
        tri.closeSubpath()
        p.setPen(QPen(theme.WARNING_INK, 1.0))
        p.setBrush(theme.WARNING_FILL)
        p.drawPath(tri)


def add_legend(scene, diagram_rect: QRectF) -> Legend | None:
    """A legend under ``diagram_rect`` in ``scene`` (a picture's own scene) if its cards need one, else None."""
    looks = shown_looks(scene.node_items.values())
    if not looks:
        return None
    legend = Legend(looks)
    legend.setPos(diagram_rect.left(), diagram_rect.bottom() + GAP)
    scene.addItem(legend)
    return legend
