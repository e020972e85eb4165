"""How a chat run's connections look on the canvas (see chatlines for what is drawn when): arcs in the colour of
the kind whose users stay connected, a dropped connection broken in the middle, dashed red and fading, and the
words beside them ("connection dropped", "reconnected", "not heard"). Never colour alone: a dropped arc is
broken and dashed, and every mark has its words and symbol."""

from __future__ import annotations

from collections.abc import Callable
from math import hypot

from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from .chatlines import Leg
from .style import CONNECTED_COLOUR
from .tokens import Frame

GLOW_MAX_LEGS = 40  # a chat run's connections glow only when they run along at most this many links
RING_CLEAR = 18.0  # a "reconnected" ring's centre, back from the server's card along the connection (ring: 7-15)
DROPPED = QColor("#C62828")
WHITE, GREY = QColor("#ffffff"), QColor("#5f6368")


def paint_connections(painter: QPainter, frame: Frame, antialiased: bool, legs: OpenLegs) -> None:
    """Each room's open connections as glowing arcs along the links they came through, each link once (as wide
    as the users on it); a connection a crash just dropped as the same way dashed and fading, broken in the
    middle of its last leg (the part no open connection shares)."""
    colour = QColor(CONNECTED_COLOUR)
    # The glow is opaque (the colour a quarter strength over white) and all legs of one width go in one call:
    # 156 arcs drawn one by one with a translucent round-capped pen took 125 ms a frame, measured; in one
    # call per width, opaque and flat-capped, about 30 ms. Connections that share a link are drawn once (the
    # 40-server drill: 44 legs instead of 156 arcs); over 40 legs, no glow and no antialiasing.
    painter.setBrush(Qt.BrushStyle.NoBrush)
    users, glows, core = legs.of(frame.lines)
    if len(users) > GLOW_MAX_LEGS:  # a crowd of connections: plain lines say enough, and cost far less
        antialiased = False
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialiased)
    for pen, segs in glows:
        painter.setPen(pen)
        painter.drawLines(segs)
    painter.setPen(QPen(colour, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    painter.drawLines(core)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    # Dropped connections that ran along the same link are drawn once, the freshest (a server's crash drops every
    # room's connections to it: 4 rooms were the same dashed leg 4 times, 0.6 ms a frame).
    dropped: dict[tuple[str, str], tuple[float, Leg, bool]] = {}
    for mark in frame.marks:
        if mark.what == "dropped" and mark.legs:
            for i, leg in enumerate(mark.legs):
                last = i == len(mark.legs) - 1
                if (last or leg.ends not in users) and (leg.ends not in dropped or mark.age < dropped[leg.ends][0]):
                    dropped[leg.ends] = (mark.age, leg, last)  # a leg still carrying open connections stays theirs
    for age, leg, last in dropped.values():
        # Faded towards white and opaque: a translucent dashed line (opacity or alpha) took 2-3x longer to draw
        painter.setPen(QPen(_towards_white(DROPPED, max(0.15, 1.0 - age)), 3, Qt.PenStyle.DashLine,
                            Qt.PenCapStyle.FlatCap))
        pts = leg.points
        if not last:
            painter.drawPolyline(pts)
            continue
        gap = 1 + int(len(pts) * (0.08 + 0.2 * age))  # the break in the middle widens as the connection fades
        half = len(pts) // 2
        painter.drawPolyline(pts[: max(1, half - gap // 2)])
        painter.drawPolyline(pts[min(len(pts) - 1, half + (gap + 1) // 2) :])
    for mark in frame.marks:
        if mark.what == "reconnected" and mark.points:  # a ring that opens out where the connection formed again
            painter.setPen(QPen(colour, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(ring_centre(mark.points), 7 + 8 * mark.age, 7 + 8 * mark.age)


# The users on each link, the glow's pens with their lines, every line.
Legs = tuple[dict[tuple[str, str], int], list[tuple[QPen, list[QLineF]]], list[QLineF]]


class OpenLegs:
    """The legs of a run's open connections as drawn: the users on each link they run along, the glow's pens with
    their lines (by width, up to ``GLOW_MAX_LEGS`` links), and every line. Worked out again only when a connection
    opens or closes (the planner hands the same list of open connections while none does)."""

    def __init__(self) -> None:
        self._for: list | None = None
        self._legs: Legs = ({}, [], [])

    def of(self, open_lines: list) -> Legs:
        if self._for is not open_lines:
            self._for, self._legs = open_lines, _legs(open_lines)
        return self._legs


def _legs(open_lines: list) -> Legs:
    colour = QColor(CONNECTED_COLOUR)
    glow = QColor.fromRgbF(*(0.75 + 0.25 * c for c in colour.getRgbF()[:3]))
    users: dict[tuple[str, str], int] = {}
    lines: dict[tuple[str, str], list[QLineF]] = {}
    for line in open_lines:
        for leg in line.legs:
            users[leg.ends] = users.get(leg.ends, 0) + line.users
            lines[leg.ends] = leg.lines
    by_width: dict[int, list[QLineF]] = {}
    if len(users) <= GLOW_MAX_LEGS:
        for ends, n in users.items():
            by_width.setdefault(7 + min(n, 12), []).extend(lines[ends])
    glows = [(QPen(glow, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap), segs)
             for width, segs in sorted(by_width.items())]
    return users, glows, [seg for segs in lines.values() for seg in segs]


def ring_centre(points: list[QPointF], clear: float = RING_CLEAR) -> QPointF:
    """Where a "reconnected" ring is drawn: on the connection, ``clear`` back from the server's card (the ring
    at its widest stays off the card)."""
    end = points[-1]
    for p in reversed(points):
        if hypot(p.x() - end.x(), p.y() - end.y()) >= clear:
            return p
    return points[0]


def mark_pills(frame: Frame, short_label: Callable[[str], str]) -> list[tuple[tuple, list[QPointF], tuple]]:
    """The words beside a chat run's connections, as labels for the layer's layout: (key, the arc they are
    about, how to draw them). A dropped connection's words fade with it (in five steps: each is a picture)."""
    out = []
    for mark in frame.marks:
        if mark.what == "dropped":
            alpha = 255 - 40 * min(4, int(mark.age * 5))
            text = f"connection dropped ×{mark.count}" if mark.count > 1 else "connection dropped"
            draw = ("pill", f"✂ {text}", _faded(WHITE, alpha), _faded(DROPPED, alpha), None)
        elif mark.what == "reconnected":
            text = f"reconnected ×{mark.count}" if mark.count > 1 else "reconnected"
            draw = ("pill", f"↻ {text}", WHITE, QColor(CONNECTED_COLOUR), None)
        else:  # not heard: a message of the room that this server never got
            draw = ("pill", f"✗ not heard (sent on {short_label(mark.origin)})", WHITE, GREY, None)
        out.append((("chat", mark.what, mark.room, mark.server), mark.points, draw))
    return out


def _towards_white(colour: QColor, strength: float) -> QColor:
    return QColor.fromRgbF(*(1.0 - strength * (1.0 - c) for c in colour.getRgbF()[:3]))


def _faded(colour: QColor, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c
