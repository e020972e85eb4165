"""Mouse gestures on the canvas as small objects: wiring a link, tracking a drag of nodes.

A gesture knows the canvas only through the :class:`GestureContext` the scene hands it: what it may ask
(the node under a point, why two nodes may not be linked, the selected nodes) and what it may say (a hint,
a link wanted, nodes dragged). The scene imports the gestures; the gestures never import the scene.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem

from ...core.catalog import KINDS
from .. import theme
from .items import NodeItem

Moves = dict[str, tuple[tuple[float, float], tuple[float, float]]]  # node id -> (old x, y), (new x, y)


@dataclass(frozen=True)
class GestureContext:
    """What the canvas offers a gesture."""

    add_item: Callable[[QGraphicsItem], None]
    remove_item: Callable[[QGraphicsItem], None]
    node_at: Callable[[QPointF, NodeItem | None], NodeItem | None]  # the node under a point, but not the one given
    link_problem: Callable[[str, str], str | None]  # why two nodes may not be linked, or None
    selected: Callable[[], list[NodeItem]]
    node_item: Callable[[str], NodeItem | None]
    hint: Callable[[str], None]  # a sentence for the status bar ("" clears it)
    link: Callable[[str, str], None]  # the learner asks for a link between two nodes
    dragged: Callable[[Moves], None]  # the learner dragged nodes: one move command


class WiringGesture:
    """Drag from a node's handle to another node; on release the canvas is asked for the link."""

    def __init__(self, canvas: GestureContext, source: NodeItem, at: QPointF) -> None:
        self.canvas = canvas
        self.source = source
        self.line = QGraphicsLineItem()
        self.line.setZValue(theme.Z_WIRE)
        self.line.setPen(self._pen(True))
        canvas.add_item(self.line)
        self.move(at)

    @staticmethod
    def _pen(ok: bool) -> QPen:
        pen = QPen(theme.WIRE_OK if ok else theme.WIRE_REFUSED, 2.0)
        pen.setStyle(Qt.PenStyle.DashLine if ok else Qt.PenStyle.DotLine)
        return pen

    def move(self, at: QPointF) -> None:
        self.line.setLine(QLineF(self.source.pos(), at))
        target = self.canvas.node_at(at, self.source)
        problem = self.canvas.link_problem(self.source.node_id, target.node_id) if target else None
        self.line.setPen(self._pen(problem is None))
        if target is None:
            self.canvas.hint(f"Drop on another node to link it to {self.source.label}.")
        elif problem:
            self.canvas.hint(problem)
        else:
            kinds = f"{KINDS[self.source.kind].label} – {KINDS[target.kind].label}"
            self.canvas.hint(f"Release to link {self.source.label} and {target.label} ({kinds}).")

    def release(self, at: QPointF) -> None:
        self.canvas.remove_item(self.line)
        target = self.canvas.node_at(at, self.source)
        if target is not None:
            self.canvas.link(self.source.node_id, target.node_id)
        else:
            self.canvas.hint("")

    def cancel(self) -> None:
        self.canvas.remove_item(self.line)
        self.canvas.hint("")


class MoveTracker:
    """Remembers where the selected nodes were when a drag began, so the drag becomes one command."""

    def __init__(self, canvas: GestureContext) -> None:
        self.canvas = canvas
        self.start = {item.node_id: (item.x(), item.y()) for item in canvas.selected()}

    def finish(self) -> None:
        moves: Moves = {}
        for node_id, old in self.start.items():
            item = self.canvas.node_item(node_id)
            if item is not None and (item.x(), item.y()) != old:
                moves[node_id] = (old, (item.x(), item.y()))
        if moves:
            self.canvas.dragged(moves)
