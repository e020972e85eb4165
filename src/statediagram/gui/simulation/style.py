"""How outcomes look: a shape and a colour for each (never colour alone), badge texts, and z-order.

The same painter draws the tokens on the canvas, the legend, and the icons of the metrics panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPainterPath, QPen, QPixmap, QPolygonF, QTransform

from ...core.catalog import KINDS
from ...sim.nodes import FAILOVER, LOST_DATA, LOST_FILE, LOST_SESSION, OK, OUTAGE
from ..kinds import gui_kind

REQUEST = "request"  # a request on its way out, outcome not known yet
# The colour of the kind whose users stay connected to it (a websocket server): its messages wear it.
CONNECTED_COLOUR = gui_kind(next((k.name for k in KINDS.values() if k.connected), "")).colour
MESSAGE = "message"  # journey chat: a message fanning out from its server to the room's members

# z-values above the editor's items (its nodes and links stay well below 1000).
Z_LAYER = 5000.0


@dataclass(frozen=True)
class Look:
    name: str  # in the lesson's words
    colour: str
    shape: str  # circle, triangle, square, diamond, cross, ring, dot, bubble
    meaning: str


# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), each with its own shape.
LOOKS: dict[str, Look] = {
    REQUEST: Look("request on its way", "#7a8899", "dot", "sent by a user, not answered yet"),
    OK: Look("ok", "#009E73", "circle", "answered 200, the user got what they asked for"),
    LOST_SESSION: Look("lost session", "#D55E00", "triangle", "401: the server could not find the login"),
    LOST_FILE: Look("lost file", "#E69F00", "square", "404: an uploaded image is not where it was kept"),
    LOST_DATA: Look("lost data", "#CC79A7", "diamond", "the cart came back missing items"),
    OUTAGE: Look("outage", "#222222", "cross", "503: nothing could serve the request"),
    FAILOVER: Look("failover error", "#0072B2", "ring", "502/503 while a crash was being noticed; retried"),
    # The websocket server's own colour, and a speech bubble: a message, not a request with an outcome.
    MESSAGE: Look("chat message", CONNECTED_COLOUR, "bubble",
                  "a message on its way to the room's members: through Redis to the other servers, then to users"),
}
LEGEND_ORDER = (REQUEST, OK, LOST_SESSION, LOST_FILE, LOST_DATA, OUTAGE, FAILOVER)


def shape_path(shape: str, r: float) -> QPainterPath:
    """The outline of a token shape of radius ``r`` around (0, 0)."""
    path = QPainterPath()
    if shape == "bubble":  # a speech bubble: a rounded box with a tail at its lower left
        path.addRoundedRect(QRectF(-r * 1.15, -r * 0.95, r * 2.3, r * 1.6), r * 0.45, r * 0.45)
        tail = QPainterPath()
        tail.addPolygon(QPolygonF([QPointF(-r * 0.6, r * 0.5), QPointF(-r * 0.05, r * 0.5),
                                   QPointF(-r * 0.8, r * 1.2)]))
        path = path.united(tail)
    elif shape in ("circle", "dot", "ring"):
        path.addEllipse(QPointF(0, 0), r, r)
        if shape == "ring":
            path.addEllipse(QPointF(0, 0), r * 0.45, r * 0.45)
    elif shape == "triangle":
        path.addPolygon(QPolygonF([QPointF(0, -r * 1.1), QPointF(r * 1.05, r * 0.8), QPointF(-r * 1.05, r * 0.8)]))
        path.closeSubpath()
    elif shape == "square":
        path.addRect(QRectF(-r * 0.85, -r * 0.85, r * 1.7, r * 1.7))
    elif shape == "diamond":
        path.addPolygon(QPolygonF([QPointF(0, -r * 1.15), QPointF(r * 1.15, 0), QPointF(0, r * 1.15),
                                   QPointF(-r * 1.15, 0)]))
        path.closeSubpath()
    else:  # cross
        w = r * 0.38
        for angle in (45, -45):
            bar = QPainterPath()
            bar.addRect(QRectF(-r * 1.1, -w, r * 2.2, 2 * w))
            path = path.united(QTransform().rotate(angle).map(bar))
    return path


def paint_look(painter: QPainter, outcome: str, centre: QPointF, r: float, outlined: bool = False) -> None:
    """The outcome's shape in its colour with a white edge; ``outlined`` adds a dark ring outside the white (a
    token on the canvas: it stands out from the links' grey end dots and from any card under it)."""
    look = LOOKS[outcome]
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(centre)
    path = shape_path(look.shape, r)
    path.setFillRule(Qt.FillRule.OddEvenFill)
    white = max(1.0, r / 5)
    if outlined:
        painter.setPen(QPen(QColor(32, 33, 36, 220), white + 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
    painter.setPen(QPen(QColor("#ffffff"), white))
    painter.setBrush(QColor(look.colour))
    painter.drawPath(path)
    painter.restore()


class Sprites:
    """One small picture per outcome, drawn once, stamped for every token (fast: ~1 us a token).

    Every token, a request on its way included, has the full radius and a dark outline: twice the size of a
    link's end dot (radius 3) and ringed, so a token never reads as a link's end."""

    def __init__(self, radius: float = 6.5, ratio: float = 1.0) -> None:
        self.radius = radius
        side = int(radius * 2 + 8)
        self.half = side / 2
        self.pixmaps: dict[str, QPixmap] = {}
        # The same pictures as images (stamped 1:1, an image is the cheaper call), cut to their visible part, with
        # where that part starts: a token stamped at 1:1 blends 0.6 of the pixels for the same result (the margin
        # cut off is fully transparent).
        self.stamps: dict[str, tuple[QImage, int, int]] = {}
        for outcome in LOOKS:
            pix = QPixmap(int(side * ratio), int(side * ratio))
            pix.setDevicePixelRatio(ratio)
            pix.fill(Qt.GlobalColor.transparent)
            p = QPainter(pix)
            paint_look(p, outcome, QPointF(self.half, self.half), radius, outlined=True)
            p.end()
            self.pixmaps[outcome] = pix
            image = pix.toImage()
            box = _visible_box(image)
            self.stamps[outcome] = (image.copy(box), box.left(), box.top())


@cache
def shared_sprites(radius: float = 6.5) -> Sprites:
    """One set of pictures per radius for every run layer (never changed once drawn): a new layer is made for each
    file opened or run started, and drawing its two sets took 12-17 ms of the last step of opening a big file."""
    return Sprites(radius)


def _visible_box(image: QImage) -> QRect:
    """The smallest rectangle holding every pixel of ``image`` that is not fully transparent."""
    w, h = image.width(), image.height()
    seen = [(x, y) for y in range(h) for x in range(w) if image.pixel(x, y) >> 24]
    if not seen:
        return QRect(0, 0, w, h)
    xs, ys = [x for x, _ in seen], [y for _, y in seen]
    return QRect(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)


def look_icon(outcome: str, size: int = 16) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    paint_look(p, outcome, QPointF(size / 2, size / 2), size * 0.36)
    p.end()
    return QIcon(pix)
