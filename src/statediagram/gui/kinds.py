"""The GUI's registry of kinds: each kind's colour, icon, subtitle and the words of its live state.

The core registry says what a kind is, the simulation's what it does; an entry here says how it looks: one
colour used everywhere it is drawn (card, icon, palette, overview, link flashes, PNG and SVG), its icon on a
48x48 grid, the line under its label, and the pill the simulation shows under it ("3 keys", "sessions in Redis").
Everything else in the GUI asks this registry, never a kind's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath

from ..core.catalog import CLIENT, LOAD_BALANCER, OBJECT_STORAGE, POSTGRES, RAM, REDIS, SERVER, TOKEN, WEBSOCKET_SERVER
from ..core.registry import Registry
from ..core.topology import ServerHomes
from .plain_text import clip

Icon = Callable[[QPainter, QColor], None]  # draws on a 48x48 grid, pen and brush set up by the caller
# The pill under a node while a run is shown: (text, background colour) from the node's live state (``up``,
# ``count``), where it keeps sessions ("ram", "token" or a store's node id) and the labels; None for no pill.
Live = Callable[[Any, str, dict[str, str]], tuple[str, str] | None]
UNKNOWN_COLOUR = "#6B7280"


class BadgeText(NamedTuple):
    """What a badge on a server's card says for the server's homes."""

    where: str  # "RAM", "Redis", "JWT", "this server only" ...
    shared: bool | None  # its style: True shared (solid blue), False kept by this server and lost with it (dashed
    # amber), None neither: there by design (solid grey)
    on_server: bool = False  # kept on the server's own machine (RAM, disk): the card adds "(own)"


Badge = tuple[str, Callable[[ServerHomes], BadgeText]]


def _home_badge(attr: str) -> Callable[[ServerHomes], BadgeText]:
    def read(homes: ServerHomes) -> BadgeText:
        home = getattr(homes, attr)
        return BadgeText(home.badge(), home.shared, home.on_server)

    return read


@dataclass(frozen=True)
class GuiKind:
    """How one kind looks."""

    name: str
    colour: str  # at least 4.5:1 against white: white text on it stays readable (a test checks every entry)
    icon: Icon
    subtitle: Callable[[dict[str, Any]], str]  # one line under the label: the node's key property
    live: Live | None = None  # the pill the simulation shows under it
    badges: tuple[Badge, ...] = ()  # a server kind: one row per kind of state it keeps, under its label


def _unknown_look(kind: str) -> GuiKind:
    """A kind with no entry is a grey question mark showing its name."""
    return GuiKind(kind, UNKNOWN_COLOUR, _draw_unknown, lambda props: kind)


GUI_KINDS: Registry[GuiKind] = Registry("app", "gui/kinds.py", fallback=_unknown_look)
register = GUI_KINDS.register
unregister = GUI_KINDS.unregister
gui_kind = GUI_KINDS.of


def _draw_unknown(p: QPainter, colour: QColor) -> None:
    p.drawText(QRectF(0, 0, 48, 48), Qt.AlignmentFlag.AlignCenter, "?")


def counted(one: str, many: str) -> Live:
    """A pill that counts what a store holds: "1 key", "3 keys"; none when nobody counted (a run for real does not
    read a real store back: its count is -1)."""
    return lambda st, _home, _labels: (f"{st.count} {one if st.count == 1 else many}", "#eef1f5") \
        if st.count >= 0 else None


STORE_NAME_SHOWN = 24  # characters of a store's label in a server's chip: a long one ran the chip off the canvas


def _server_live(st: Any, home: str, labels: dict[str, str]) -> tuple[str, str]:
    """Where a server's sessions are: in its RAM (and how many, wiped by a crash), nowhere (JWT), or a store."""
    if home == RAM:
        text = "RAM wiped" if not st.up else f"{st.count} session{'s' if st.count != 1 else ''} in RAM"
    elif home == TOKEN:
        text = "JWT: keeps no session"
    else:
        text = f"sessions in {clip(labels.get(home, home), STORE_NAME_SHOWN)}"
    return text, "#fde2d4" if home == RAM else "#e3f4ec"


def _chat_live(st: Any, home: str, labels: dict[str, str]) -> tuple[str, str]:
    """How many users are connected to a websocket server: its crash drops them all (they reconnect)."""
    text = "connections dropped" if not st.up else f"{st.count} connected"
    return text, "#e8eaf6"


def _draw_websocket_server(p: QPainter, colour: QColor) -> None:
    p.setBrush(colour.lighter(170))  # a speech bubble ...
    bubble = QPainterPath()
    bubble.addRoundedRect(QRectF(8, 10, 26, 18), 5, 5)
    tail = QPainterPath(QPointF(13, 27))
    tail.lineTo(11, 34)
    tail.lineTo(20, 27)
    p.drawPath(bubble.united(tail))
    for x in (15.0, 21.0, 27.0):
        p.drawEllipse(QPointF(x, 19), 1.4, 1.4)
    p.setBrush(Qt.BrushStyle.NoBrush)  # ... and the waves of a connection that stays open
    for r in (5.0, 9.0):
        p.drawArc(QRectF(38 - r, 30 - r, 2 * r, 2 * r), -60 * 16, 120 * 16)
    p.setBrush(colour)
    p.drawEllipse(QPointF(38, 30), 2, 2)


def _pubsub_badge(homes: ServerHomes) -> BadgeText:
    return BadgeText("Redis pub/sub", True) if homes.of("pubsub").shared else BadgeText("this server only", False)


def _history_badge(homes: ServerHomes) -> BadgeText:
    home = homes.of("history")
    return BadgeText(home.badge(), home.shared, home.on_server)


def _replicas(props: dict[str, Any]) -> str:
    n = props["replicas"]
    return f"{n} replica{'' if n == 1 else 's'}"


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


register(GuiKind(CLIENT, "#0072B2", _draw_client,
                 lambda p: f"{p['users']} user" + ("" if p["users"] == 1 else "s")))
register(GuiKind(LOAD_BALANCER, "#00805C", _draw_load_balancer, lambda p: str(p["policy"]).replace("_", " ")))
register(GuiKind(SERVER, "#6A4C93", _draw_server, lambda p: f"auth: {p['auth']}", _server_live,
                 tuple((state, _home_badge(state)) for state in ("sessions", "cart", "uploads"))))
# The lesson's exception: the open connection is its own by design, a neutral badge, not a mistake.
register(GuiKind(WEBSOCKET_SERVER, "#A3367A", _draw_websocket_server, lambda p: "real-time (WebSocket)", _chat_live,
                 (("connections", lambda homes: BadgeText("own (by design)", None)), ("messages", _pubsub_badge),
                  ("history", _history_badge))))
register(GuiKind(REDIS, "#C0392B", _draw_redis,
                 lambda p: _replicas(p) + (", persistent" if p["persistent"] else ""), counted("key", "keys")))
register(GuiKind(POSTGRES, "#336791", _draw_postgres, _replicas, counted("row", "rows")))
register(GuiKind(OBJECT_STORAGE, "#9A6700", _draw_object_storage, lambda p: "shared files (S3)",
                 counted("file", "files")))
