"""The window's action icons: one family of line drawings on a 32x32 grid, in the palette's text colour.

The desktop's own icon theme wins where it names the action (so the app fits a themed desktop); where it
has none (a bare X server, Windows, macOS), these keep every toolbar button in the same clean style instead
of mixing in the widget style's dated bitmaps.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QApplication

SIZE = 32
Paint = Callable[[QPainter], None]


def drawn(paint: Paint, colour: QColor | None = None, size: int = SIZE) -> QIcon:
    """An icon drawn by ``paint`` on the 32x32 grid, scaled to ``size`` pixels, antialiased."""
    colour = colour or QApplication.palette().windowText().color()
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / SIZE, size / SIZE)
    painter.setPen(QPen(colour, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    paint(painter)
    painter.end()
    return QIcon(pix)


def themed(theme: QIcon.ThemeIcon, paint: Paint) -> QIcon:
    """The desktop theme's icon for ``theme`` if it has one, else ours."""
    return QIcon.fromTheme(theme) if QIcon.hasThemeIcon(theme) else drawn(paint)


def _page(p: QPainter) -> None:
    outline = QPainterPath(QPointF(7, 3))
    for x, y in ((19, 3), (26, 10), (26, 29), (7, 29)):
        outline.lineTo(x, y)
    outline.closeSubpath()
    p.drawPath(outline)
    p.drawPolyline([QPointF(19, 3), QPointF(19, 10), QPointF(26, 10)])


def paint_new(p: QPainter) -> None:
    _page(p)
    p.drawLine(QPointF(16.5, 14), QPointF(16.5, 24))
    p.drawLine(QPointF(11.5, 19), QPointF(21.5, 19))


def paint_open(p: QPainter) -> None:
    back = QPainterPath(QPointF(3, 26))
    for x, y in ((3, 6), (11, 6), (14, 9), (25, 9), (25, 13)):
        back.lineTo(x, y)
    p.drawPath(back)
    front = QPainterPath(QPointF(3, 26))
    for x, y in ((8, 13), (29, 13), (24, 26)):
        front.lineTo(x, y)
    front.closeSubpath()
    p.drawPath(front)


def paint_save(p: QPainter) -> None:
    p.drawPolyline([QPointF(5, 18), QPointF(5, 28), QPointF(27, 28), QPointF(27, 18)])
    p.drawLine(QPointF(16, 4), QPointF(16, 21))
    p.drawPolyline([QPointF(10, 15), QPointF(16, 21), QPointF(22, 15)])


def _turn_arrow(p: QPainter, mirrored: bool) -> None:
    sign = -1 if mirrored else 1

    def at(x: float, y: float) -> QPointF:
        return QPointF(16 + sign * (x - 16), y)

    arc = QPainterPath(at(8, 13))
    arc.cubicTo(at(14, 7), at(27, 8), at(26, 19))
    arc.cubicTo(at(25.5, 24), at(22, 27), at(17, 27))
    p.drawPath(arc)
    p.drawPolyline([at(7, 5), at(7, 13.5), at(15.5, 13.5)])


def paint_undo(p: QPainter) -> None:
    _turn_arrow(p, mirrored=False)


def paint_redo(p: QPainter) -> None:
    _turn_arrow(p, mirrored=True)


def paint_delete(p: QPainter) -> None:
    p.drawLine(QPointF(5, 8), QPointF(27, 8))
    p.drawPolyline([QPointF(12, 8), QPointF(12, 4), QPointF(20, 4), QPointF(20, 8)])
    p.drawPolyline([QPointF(8, 8), QPointF(9.5, 28), QPointF(22.5, 28), QPointF(24, 8)])
    for x in (13.5, 18.5):
        p.drawLine(QPointF(x, 13), QPointF(x, 23))


def paint_tiers(p: QPainter) -> None:
    for x, rows in ((3, (13,)), (13, (6, 20)), (23, (13,))):
        for y in rows:
            p.drawRoundedRect(QRectF(x, y, 7, 7), 1.5, 1.5)


def paint_fit(p: QPainter) -> None:
    for cx, cy, dx, dy in ((4, 4, 1, 1), (28, 4, -1, 1), (4, 28, 1, -1), (28, 28, -1, -1)):
        p.drawPolyline([QPointF(cx + 8 * dx, cy), QPointF(cx, cy), QPointF(cx, cy + 8 * dy)])
    p.drawRect(QRectF(11, 11, 10, 10))


def paint_picture(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(3, 6, 26, 20), 2, 2)
    hills = QPainterPath(QPointF(5, 24))
    for x, y in ((12, 15), (17, 20), (22, 13), (27, 21)):
        hills.lineTo(x, y)
    p.drawPath(hills)
    p.drawEllipse(QPointF(10, 12), 2, 2)


def paint_help(p: QPainter) -> None:
    p.drawEllipse(QPointF(16, 16), 12.5, 12.5)
    hook = QPainterPath(QPointF(11.5, 12.5))
    hook.arcTo(QRectF(11.5, 7.5, 9, 9), 180, -180 - math.degrees(math.atan2(1, 2)))
    hook.quadTo(QPointF(16, 17.5), QPointF(16, 19.5))
    p.drawPath(hook)
    p.drawPoint(QPointF(16, 24))


def paint_mission(p: QPainter) -> None:
    """A flag on a pole: the lesson's goal."""
    p.drawLine(QPointF(7, 29), QPointF(7, 4))
    flag = QPainterPath(QPointF(7, 5))
    flag.cubicTo(QPointF(13, 2), QPointF(18, 8), QPointF(26, 5))
    flag.lineTo(QPointF(26, 17))
    flag.cubicTo(QPointF(18, 20), QPointF(13, 14), QPointF(7, 17))
    p.drawPath(flag)
