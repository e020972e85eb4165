"""Where things are on the canvas, for the simulation layer: node rectangles and the links' own paths.

The layer never reaches into the editor's items. It asks a ``SceneGeometry``; :class:`CanvasGeometry` answers
from the canvas's node and link items, so tokens travel along the very routes the canvas draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import hypot
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF

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
        item = self.scene.link_items.get(frozenset((a, b)))
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


CONNECTION_BEND = 0.16  # how far a connection's arc bows out, as a share of its length
CONNECTION_MAX_BEND = 80.0  # ... and never more than this (the layer's bounding rectangle has 90 to spare)
CONNECTION_STEPS = 8  # straight pieces per arc: smooth enough at the canvas's zooms, and cheap to paint


def connection_points(geometry: SceneGeometry, client: str, server: str, centre: QPointF) -> list[QPointF]:
    """A chat user's open connection, drawn straight from its client to its websocket server whatever the
    load balancer between (the connection is held open end to end): a gentle arc from border to border,
    bowing away from ``centre`` (the middle of the diagram) so that it keeps clear of the nodes between."""
    ra, rb = geometry.node_rect(client), geometry.node_rect(server)
    if ra is None or rb is None:
        return []
    a, b = ra.center(), rb.center()
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = hypot(dx, dy)
    if length < 1:
        return []
    s0 = _leaves(ra, dx, dy)
    s1 = 1 - _leaves(rb, dx, dy)
    if s1 <= s0:
        return []
    p0 = QPointF(a.x() + dx * s0, a.y() + dy * s0)
    p1 = QPointF(a.x() + dx * s1, a.y() + dy * s1)
    mid = (p0 + p1) * 0.5
    nx, ny = dy / length, -dx / length
    if nx * (mid.x() - centre.x()) + ny * (mid.y() - centre.y()) < 0:
        nx, ny = -nx, -ny
    bend = min(CONNECTION_MAX_BEND, CONNECTION_BEND * length * (s1 - s0))
    ctrl = QPointF(mid.x() + nx * bend, mid.y() + ny * bend)
    out = []
    for i in range(CONNECTION_STEPS + 1):
        u = i / CONNECTION_STEPS
        out.append(p0 * ((1 - u) ** 2) + ctrl * (2 * u * (1 - u)) + p1 * (u * u))
    return out


def _leaves(rect: QRectF, dx: float, dy: float) -> float:
    """The share of (dx, dy) from ``rect``'s centre at which the line leaves it."""
    sx = rect.width() / 2 / abs(dx) if dx else float("inf")
    sy = rect.height() / 2 / abs(dy) if dy else float("inf")
    return min(sx, sy) + 0.02  # a little clear of the border
