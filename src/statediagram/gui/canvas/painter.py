"""Drawing of the kind icons (each kind's own, from ``gui/kinds.py``), shared by the palette, the canvas items and
the exported pictures."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from ..kinds import gui_kind
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
    gui_kind(kind).icon(p, colour)
    p.restore()


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
