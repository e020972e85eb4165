"""How a chat run's connections look on the canvas (see chatlines for what is drawn when): arcs in the colour of
the kind whose users stay connected, a dropped connection broken in the middle, dashed red and fading, and the
words beside them ("connection dropped", "reconnected", "not heard"). Never colour alone: a dropped arc is
broken and dashed, and every mark has its words and symbol."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from .style import CONNECTED_COLOUR
from .tokens import Frame

GLOW_MAX_ARCS = 40  # a chat run's connection arcs glow only when there are at most this many
DROPPED = QColor("#C62828")
WHITE, GREY = QColor("#ffffff"), QColor("#5f6368")

Pill = Callable[[QPainter, QPointF, str, QColor, QColor], None]  # the layer's own rounded label


def paint_connections(painter: QPainter, frame: Frame, antialiased: bool) -> None:
    """Each room's open connections as glowing arcs to their servers; a connection a crash just dropped as
    the same arc broken in the middle, dashed and fading."""
    colour = QColor(CONNECTED_COLOUR)
    # The glow is opaque (the colour a quarter strength over white) and all arcs of one width go in one call:
    # 156 arcs drawn one by one with a translucent round-capped pen took 125 ms a frame, measured; in one
    # call per width, opaque and flat-capped, about 30 ms; over 40 arcs, no glow (see bench_simview's chat).
    glow = QColor.fromRgbF(*(0.75 + 0.25 * c for c in colour.getRgbF()[:3]))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    by_width: dict[int, list[QLineF]] = {}
    thin: list[QLineF] = []
    for line in frame.lines:
        by_width.setdefault(7 + min(line.users, 12), []).extend(line.segments)
        thin += line.segments
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialiased)
    if len(frame.lines) > GLOW_MAX_ARCS:  # a crowd of arcs: the line alone says enough, and costs less
        by_width.clear()
    for width, segs in sorted(by_width.items()):
        painter.setPen(QPen(glow, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawLines(segs)
    painter.setPen(QPen(colour, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    painter.drawLines(thin)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for mark in frame.marks:
        if mark.what != "dropped" or len(mark.points) < 4:
            continue
        pts = mark.points
        gap = 1 + int(len(pts) * (0.08 + 0.2 * mark.age))  # the break widens as the connection fades
        half = len(pts) // 2
        painter.setOpacity(max(0.15, 1.0 - mark.age))
        painter.setPen(QPen(DROPPED, 3, Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap))
        painter.drawPolyline(pts[: max(1, half - gap // 2)])
        painter.drawPolyline(pts[min(len(pts) - 1, half + (gap + 1) // 2) :])
        painter.setOpacity(1.0)


def paint_marks(painter: QPainter, frame: Frame, pill: Pill, short_label: Callable[[str], str]) -> None:
    """The words beside a chat run's connections: dropped, reconnected, a message not heard."""
    colour = QColor(CONNECTED_COLOUR)
    for mark in frame.marks:
        pts = mark.points
        if len(pts) < 2:
            continue
        if mark.what == "dropped":
            painter.setOpacity(max(0.2, 1.0 - 0.8 * mark.age))
            text = f"connection dropped ×{mark.count}" if mark.count > 1 else "connection dropped"
            pill(painter, pts[len(pts) // 2], f"✂ {text}", WHITE, DROPPED)
            painter.setOpacity(1.0)
        elif mark.what == "reconnected":
            end = pts[-1]
            painter.setPen(QPen(colour, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(end, 7 + 8 * mark.age, 7 + 8 * mark.age)  # a ring that opens out
            text = f"reconnected ×{mark.count}" if mark.count > 1 else "reconnected"
            pill(painter, pts[(len(pts) * 3) // 4], f"↻ {text}", WHITE, colour)
        else:  # not heard: a message of the room that this server never got
            pill(painter, pts[(len(pts) * 2) // 3], f"✗ not heard (sent on {short_label(mark.origin)})", WHITE, GREY)
