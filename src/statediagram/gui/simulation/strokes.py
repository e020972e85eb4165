"""The plain parts of a frame drawn over the diagram, many of them a frame: tokens stamped, store-command flashes
along their links, crossed-out cards. Pens are made once, not every frame."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from ...sim.replay import NodeState
from .style import Sprites

FLASH_WIDTH = 6
_flash_pens: dict[str, QPen] = {}
_down_fill: list[QColor] = []
_down_cross: list[QPen] = []


def flash_pen(colour: str) -> QPen:
    """The pen of a store command's flash along its link, in a lighter shade of the store's colour. Opaque and
    flat-capped: translucent or round-capped wide strokes cost ten times more to fill."""
    pen = _flash_pens.get(colour)
    if pen is None:
        pen = _flash_pens[colour] = QPen(QColor(colour).lighter(135), FLASH_WIDTH, Qt.PenStyle.SolidLine,
                                         Qt.PenCapStyle.FlatCap)
    return pen


def paint_flash_lines(painter: QPainter, flashes: Iterable[tuple[str, str]], colour_of: Callable[[str], str],
                      lines_of: Callable[[str, str], list[QLineF]], antialiased: bool) -> None:
    """Each (server, store) link flashing, in its store's colour: one call a colour."""
    by_colour: dict[str, list[QLineF]] = {}
    for server, store in flashes:
        colour = colour_of(store)
        segs = by_colour.get(colour)
        if segs is None:
            segs = by_colour[colour] = []
        segs += lines_of(server, store)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialiased)
    for colour, segs in by_colour.items():
        painter.setPen(flash_pen(colour))
        painter.drawLines(segs)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)


def paint_down(painter: QPainter, states: dict[str, NodeState], node_rect: Callable[[str], QRectF | None]) -> None:
    """A crossed-out, greyed card for each node that is down."""
    if not _down_fill:
        _down_fill.append(QColor(90, 90, 90, 120))
        _down_cross.append(QPen(QColor(198, 40, 40, 200), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for nid, st in states.items():
        if st.up:
            continue
        rect = node_rect(nid)
        if rect is None:
            continue
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_down_fill[0])
        painter.drawRoundedRect(rect, 9, 9)
        painter.setPen(_down_cross[0])
        inset = rect.adjusted(rect.width() * 0.3, 8, -rect.width() * 0.3, -8)
        painter.drawLine(inset.topLeft(), inset.bottomRight())
        painter.drawLine(inset.topRight(), inset.bottomLeft())


def stamp_tokens(painter: QPainter, tokens: list[tuple[float, float, str, int]], sprites: Sprites) -> None:
    """Tokens are stamped 1:1 in device pixels: the same size at any zoom, and a plain blit (fast). Tokens of one
    look on one device pixel are stamped once, where the last of them would be: zoomed out, a crowd of requests on
    the same links lands on the same pixels (the 1,000-token run at its fit zoom: 1,038 tokens on 382 places), and
    stamping the same picture again on itself only darkens its soft edge."""
    half = int(sprites.half)
    tr = painter.worldTransform()
    if tr.m12() or tr.m21():  # rotated or sheared: let the painter map each stamp
        pixmaps, draw = sprites.pixmaps, painter.drawPixmap
        for x, y, look, _rid in tokens:
            draw(QPointF(x - half, y - half), pixmaps[look])
        return
    sx, sy, dx, dy = tr.m11(), tr.m22(), tr.dx(), tr.dy()
    places = [(int(x * sx + dx), int(y * sy + dy), look) for x, y, look, _rid in tokens]
    last_first = dict.fromkeys(reversed(places))  # each place once, at its last token
    painter.save()
    painter.resetTransform()
    # Whole pixels and no transform: the render hints change no pixel of a stamp (checked), but with them on Qt
    # takes a slower path; an image is a cheaper call than a pixmap; and its transparent margin is left out.
    # 1,030 tokens: 1.3 -> 0.9 ms, measured.
    painter.setRenderHints(QPainter.RenderHint(0))
    stamps, draw = sprites.stamps, painter.drawImage
    for x, y, look in reversed(last_first):
        image, left, top = stamps[look]
        draw(x - half + left, y - half + top, image)
    painter.restore()
