"""Where things are on the canvas, for the simulation layer: node rectangles and the links' own paths.

The layer never reaches into the editor's items. It asks a ``SceneGeometry``; :class:`CanvasGeometry` answers
from the canvas's node and link items, so tokens travel along the very routes the canvas draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import ceil, hypot
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF

from ...core.model import LinkKey, link_key
from ..canvas.scene import DiagramScene


class SceneGeometry(Protocol):
    def node_rect(self, node_id: str) -> QRectF | None:
        """The node's rectangle in scene coordinates, or None when it is not on the canvas."""

    def link_points(self, a: str, b: str) -> list[QPointF]:
        """The link's path from node ``a`` to node ``b`` as a polyline in scene coordinates."""

    def warned(self, node_id: str) -> bool:
        """True when the node's card shows a warning triangle (a design finding names it)."""


class CanvasGeometry:
    """Node rectangles and link paths read from the canvas's own items."""

    def __init__(self, scene: DiagramScene) -> None:
        self.scene = scene

    def node_rect(self, node_id: str) -> QRectF | None:
        item = self.scene.node_items.get(node_id)
        if item is None:
            return None
        return item.card_rect().translated(item.pos())

    def link_points(self, a: str, b: str) -> list[QPointF]:
        item = self.scene.link_items.get(link_key(a, b))
        if item is None:
            return []
        points = item.points()
        return points if item.a.node_id == a else points[::-1]

    def warned(self, node_id: str) -> bool:
        item = self.scene.node_items.get(node_id)
        return item is not None and bool(item.warnings)


def node_at(geometry: SceneGeometry, node_ids: Iterable[str], pos: QPointF) -> str | None:
    """The node whose rectangle holds ``pos``, topmost last drawn first."""
    for nid in reversed(list(node_ids)):
        rect = geometry.node_rect(nid)
        if rect is not None and rect.contains(pos):
            return nid
    return None


DENSE_STEP = 12.0  # a connection's points are at most this far apart (labels and the broken middle go by them)


def connection_route(links: set[LinkKey], room: str, server: str, via: str | None) -> list[str]:
    """The nodes a chat connection runs through: the room, the load balancer it came through, the server; or the
    room and the server when they are linked straight (no arc is drawn over a card it does not come through)."""
    if via is not None and link_key(room, via) in links and link_key(via, server) in links:
        return [room, via, server]
    if link_key(room, server) in links:
        return [room, server]
    between = sorted(n for pair in links if room in pair for n in pair
                     if n != room and link_key(n, server) in links)
    return [room, between[0], server] if between else []


def densified(points: list[QPointF], step: float = DENSE_STEP) -> list[QPointF]:
    """The same polyline with points added along each piece, at most ``step`` apart (its corners kept): a point's
    index then tells how far along it is, near enough."""
    if len(points) < 2:
        return list(points)
    out = [points[0]]
    for p, q in zip(points, points[1:], strict=False):
        n = max(1, ceil(hypot(q.x() - p.x(), q.y() - p.y()) / step))
        out += [p + (q - p) * (i / n) for i in range(1, n + 1)]
    return out
