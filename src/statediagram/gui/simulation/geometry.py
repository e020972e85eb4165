"""Where things are on the canvas, for the simulation layer: node rectangles and the links' own paths.

The layer never reaches into the editor's items. It asks a ``SceneGeometry``: ``ModelGeometry`` reads the
positions straight from the model (enough for the stand-alone view and tests); the editor's scene can
offer its own by answering the same two questions.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from ...core.catalog import KINDS
from ...core.model import Diagram
from ..theme import kind_colour

NODE_W, NODE_H = 132.0, 58.0


class SceneGeometry(Protocol):
    def node_rect(self, node_id: str) -> QRectF | None:
        """The node's rectangle in scene coordinates, or None when it is not on the canvas."""

    def link_points(self, a: str, b: str) -> list[QPointF]:
        """The link's path from node ``a`` to node ``b`` as a polyline in scene coordinates."""


def clip_to_rect(inside: QPointF, outside: QPointF, rect: QRectF) -> QPointF:
    """Where the segment from the rectangle's centre ``inside`` towards ``outside`` leaves the rectangle."""
    dx, dy = outside.x() - inside.x(), outside.y() - inside.y()
    if dx == 0 and dy == 0:
        return QPointF(inside)
    sx = (rect.width() / 2) / abs(dx) if dx else float("inf")
    sy = (rect.height() / 2) / abs(dy) if dy else float("inf")
    s = min(sx, sy, 1.0)
    return QPointF(inside.x() + dx * s, inside.y() + dy * s)


class ModelGeometry:
    """Geometry from the model's positions: each node a fixed-size box centred on its (x, y)."""

    def __init__(self, diagram: Diagram) -> None:
        self.diagram = diagram

    def node_rect(self, node_id: str) -> QRectF | None:
        try:
            n = self.diagram.node(node_id)
        except KeyError:
            return None
        return QRectF(n.x - NODE_W / 2, n.y - NODE_H / 2, NODE_W, NODE_H)

    def link_points(self, a: str, b: str) -> list[QPointF]:
        ra, rb = self.node_rect(a), self.node_rect(b)
        if ra is None or rb is None:
            return []
        ca, cb = ra.center(), rb.center()
        return [clip_to_rect(ca, cb, ra), clip_to_rect(cb, ca, rb)]


class _BoxItem(QGraphicsItem):
    """A plain node box for the stand-alone simulation view."""

    def __init__(self, node_id: str, kind: str, label: str, rect: QRectF) -> None:
        super().__init__()
        self.node_id, self.kind, self.label, self.rect = node_id, kind, label, rect
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setData(0, node_id)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self.rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor("#1a73e8") if self.isSelected() else QColor("#5f6368"), 2 if self.isSelected() else 1.2)
        painter.setPen(pen)
        painter.setBrush(QBrush(kind_colour(self.kind).lighter(185)))
        painter.drawRoundedRect(self.rect, 9, 9)
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < 0.3:  # text under ~3 px high is unreadable; skipping it keeps large diagrams fast
            return
        painter.setPen(QColor("#202124"))
        f = QFont(painter.font())
        f.setPointSizeF(10)
        f.setBold(True)
        painter.setFont(f)
        top = QRectF(self.rect.left(), self.rect.top() + 6, self.rect.width(), 22)
        painter.drawText(top, Qt.AlignmentFlag.AlignCenter, self.label)
        if lod < 0.6:
            return
        f.setBold(False)
        f.setPointSizeF(8)
        painter.setFont(f)
        painter.setPen(QColor("#5f6368"))
        sub = QRectF(self.rect.left(), self.rect.top() + 28, self.rect.width(), 18)
        painter.drawText(sub, Qt.AlignmentFlag.AlignCenter, _subtitle(self.kind))


def _subtitle(kind: str) -> str:
    return KINDS[kind].label.lower() if kind in KINDS else kind


def build_model_scene(diagram: Diagram, scene: QGraphicsScene | None = None) -> tuple[QGraphicsScene, ModelGeometry]:
    """A read-only picture of the diagram (boxes and straight links) and its geometry."""
    scene = scene or QGraphicsScene()
    geometry = ModelGeometry(diagram)
    pen = QPen(QColor("#9aa0a6"), 2)
    for lk in diagram.links:
        pts = geometry.link_points(lk.source, lk.target)
        if len(pts) == 2:
            line = scene.addLine(pts[0].x(), pts[0].y(), pts[1].x(), pts[1].y(), pen)
            line.setZValue(-1)
    for n in diagram.nodes:
        scene.addItem(_BoxItem(n.id, n.kind, n.label, geometry.node_rect(n.id)))
    rect = scene.itemsBoundingRect().adjusted(-90, -70, 90, 90)
    scene.setSceneRect(rect)
    return scene, geometry


def node_at(scene: QGraphicsScene, geometry: SceneGeometry, node_ids, pos: QPointF) -> str | None:
    """The node whose rectangle holds ``pos``, topmost last drawn first."""
    for nid in reversed(list(node_ids)):
        rect = geometry.node_rect(nid)
        if rect is not None and rect.contains(pos):
            return nid
    return None
