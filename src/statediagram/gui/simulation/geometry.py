"""Where things are on the canvas, for the simulation layer: node rectangles and the links' own paths.

The layer never reaches into the editor's items. It asks a ``SceneGeometry``; :class:`CanvasGeometry` answers
from the canvas's node and link items, so tokens travel along the very routes the canvas draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF

from ..canvas.scene import DiagramScene


class SceneGeometry(Protocol):
    def node_rect(self, node_id: str) -> QRectF | None:
        """The node's rectangle in scene coordinates, or None when it is not on the canvas."""

    def link_points(self, a: str, b: str) -> list[QPointF]:
        """The link's path from node ``a`` to node ``b`` as a polyline in scene coordinates."""


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


def node_at(geometry: SceneGeometry, node_ids: Iterable[str], pos: QPointF) -> str | None:
    """The node whose rectangle holds ``pos``, topmost last drawn first."""
    for nid in reversed(list(node_ids)):
        rect = geometry.node_rect(nid)
        if rect is not None and rect.contains(pos):
            return nid
    return None
