"""Mouse gestures on the canvas as small objects: wiring a link, tracking a drag of nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsLineItem

from ...core.catalog import KINDS
from .. import theme
from .items import NodeItem

if TYPE_CHECKING:
    from .scene import DiagramScene


class WiringGesture:
    """Drag from a node's handle to another node; on release the scene asks for the link."""

    def __init__(self, scene: DiagramScene, source: NodeItem, at: QPointF) -> None:
        self.scene = scene
        self.source = source
        self.line = QGraphicsLineItem()
        self.line.setZValue(theme.Z_WIRE)
        self.line.setPen(self._pen(True))
        scene.addItem(self.line)
        self.move(at)

    @staticmethod
    def _pen(ok: bool) -> QPen:
        pen = QPen(theme.WIRE_OK if ok else theme.WIRE_REFUSED, 2.0)
        pen.setStyle(Qt.PenStyle.DashLine if ok else Qt.PenStyle.DotLine)
        return pen

    def move(self, at: QPointF) -> None:
        self.line.setLine(QLineF(self.source.pos(), at))
        target = self.scene.node_item_at(at, exclude=self.source)
        problem = self.scene.link_problem(self.source.node_id, target.node_id) if target else None
        self.line.setPen(self._pen(problem is None))
        if target is None:
            self.scene.hint.emit(f"Drop on another node to link it to {self.source.label}.")
        elif problem:
            self.scene.hint.emit(problem)
        else:
            kinds = f"{KINDS[self.source.kind].label} – {KINDS[target.kind].label}"
            self.scene.hint.emit(f"Release to link {self.source.label} and {target.label} ({kinds}).")

    def release(self, at: QPointF) -> None:
        self.scene.removeItem(self.line)
        target = self.scene.node_item_at(at, exclude=self.source)
        if target is not None:
            self.scene.link_requested.emit(self.source.node_id, target.node_id)
        else:
            self.scene.hint.emit("")

    def cancel(self) -> None:
        self.scene.removeItem(self.line)
        self.scene.hint.emit("")


class MoveTracker:
    """Remembers where the selected nodes were when a drag began, so the drag becomes one command."""

    def __init__(self, scene: DiagramScene) -> None:
        self.scene = scene
        self.start = {item.node_id: (item.x(), item.y()) for item in scene.selected_node_items()}

    def finish(self) -> None:
        moves = {}
        for node_id, old in self.start.items():
            item = self.scene.node_items.get(node_id)
            if item is not None and (item.x(), item.y()) != old:
                moves[node_id] = (old, (item.x(), item.y()))
        if moves:
            self.scene.nodes_dragged.emit(moves)
