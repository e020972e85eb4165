"""Drawing of the kind icons, shared by the palette, the canvas items and the exported pictures."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from ..theme import kind_colour


def draw_kind_icon(p: QPainter, kind: str, rect: QRectF, colour: QColor | None = None) -> None:
    """Draw the icon of ``kind`` inside ``rect`` (a square works best)."""
    colour = colour or kind_colour(kind)
    side = min(rect.width(), rect.height())
    r = QRectF(0, 0, side, side)
    r.moveCenter(rect.center())
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(colour.lighter(185))
    p.setPen(QPen(colour, 1.2))
    p.drawRoundedRect(r, side * 0.22, side * 0.22)
    p.translate(r.topLeft())
    p.scale(side / 48.0, side / 48.0)  # icons are designed on a 48x48 grid
    pen = QPen(colour.darker(115), 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    _DRAWERS.get(kind, _draw_unknown)(p, colour)
    p.restore()


def _draw_client(p: QPainter, colour: QColor) -> None:
    for cx, cy, s in ((18.0, 18.0, 1.0), (31.0, 21.0, 0.85)):
        p.setBrush(colour.lighter(140) if s < 1 else colour)
        p.drawEllipse(QPointF(cx, cy), 5.5 * s, 5.5 * s)
        body = QPainterPath()
        body.moveTo(cx - 10 * s, cy + 19 * s)
        body.cubicTo(cx - 10 * s, cy + 7 * s, cx + 10 * s, cy + 7 * s, cx + 10 * s, cy + 19 * s)
        body.closeSubpath()
        p.drawPath(body)


def _draw_load_balancer(p: QPainter, colour: QColor) -> None:
    p.drawLine(QPointF(9, 24), QPointF(21, 24))
    for y in (12.0, 24.0, 36.0):
        path = QPainterPath(QPointF(21, 24))
        path.cubicTo(28, 24, 28, y, 35, y)
        p.drawPath(path)
        p.drawLine(QPointF(35, y), QPointF(39, y))
        arrow = QPainterPath(QPointF(36, y - 3.5))
        arrow.lineTo(40, y)
        arrow.lineTo(36, y + 3.5)
        p.drawPath(arrow)
    p.setBrush(colour)
    p.drawEllipse(QPointF(21, 24), 3.5, 3.5)


def _draw_server(p: QPainter, colour: QColor) -> None:
    for top in (9.0, 20.0, 31.0):
        p.setBrush(colour.lighter(170))
        p.drawRoundedRect(QRectF(10, top, 28, 8.5), 2, 2)
        p.setBrush(colour)
        p.drawEllipse(QPointF(15, top + 4.25), 1.3, 1.3)
        p.drawLine(QPointF(24, top + 4.25), QPointF(33, top + 4.25))


def _draw_redis(p: QPainter, colour: QColor) -> None:
    for i, top in enumerate((28.0, 20.0, 12.0)):
        layer = QPainterPath(QPointF(24, top))
        layer.lineTo(39, top + 5)
        layer.lineTo(24, top + 10)
        layer.lineTo(9, top + 5)
        layer.closeSubpath()
        p.setBrush(colour.lighter(100 + 35 * i))
        p.drawPath(layer)


def _draw_postgres(p: QPainter, colour: QColor) -> None:
    p.setBrush(colour.lighter(170))
    body = QPainterPath(QPointF(11, 13))
    body.lineTo(11, 35)
    body.arcTo(QRectF(11, 30, 26, 10), 180, 180)
    body.lineTo(37, 13)
    p.drawPath(body)
    p.drawArc(QRectF(11, 19, 26, 10), 180 * 16, 180 * 16)
    p.drawArc(QRectF(11, 25, 26, 10), 180 * 16, 180 * 16)
    p.setBrush(colour.lighter(140))
    p.drawEllipse(QRectF(11, 8, 26, 10))


def _draw_object_storage(p: QPainter, colour: QColor) -> None:
    p.setBrush(colour.lighter(170))
    bucket = QPainterPath(QPointF(9, 15))
    bucket.lineTo(14, 38)
    bucket.arcTo(QRectF(14, 35, 20, 6), 180, 180)
    bucket.lineTo(39, 15)
    p.drawPath(bucket)
    p.setBrush(colour.lighter(130))
    p.drawEllipse(QRectF(9, 10, 30, 10))
    p.setBrush(colour)
    p.drawEllipse(QPointF(24, 28), 3, 3)


def _draw_unknown(p: QPainter, colour: QColor) -> None:
    p.drawText(QRectF(0, 0, 48, 48), Qt.AlignmentFlag.AlignCenter, "?")


_DRAWERS = {
    "client": _draw_client,
    "load_balancer": _draw_load_balancer,
    "server": _draw_server,
    "redis": _draw_redis,
    "postgres": _draw_postgres,
    "object_storage": _draw_object_storage,
}


def kind_pixmap(kind: str, size: int = 48, ratio: float = 1.0) -> QPixmap:
    pix = QPixmap(int(size * ratio), int(size * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    draw_kind_icon(p, kind, QRectF(1, 1, size - 2, size - 2))
    p.end()
    return pix


def kind_icon(kind: str) -> QIcon:
    icon = QIcon()
    for size in (24, 32, 48):
        icon.addPixmap(kind_pixmap(kind, size))
    return icon
