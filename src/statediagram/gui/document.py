"""The open diagram: the model (the one truth), its undo stack, and change notifications.

Only commands call the mutating methods here; the scene, panels and window listen to the signals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..core.fileio import diagram_to_json
from ..core.model import Diagram, Link, LinkKey, Node


class Document(QObject):
    """Owns a :class:`Diagram` and announces every change made to it."""

    node_added = Signal(str)
    node_removed = Signal(str)
    node_moved = Signal(str)
    node_changed = Signal(str)  # label or props
    node_restacked = Signal(str)  # its place in the list changed: later nodes are drawn over earlier ones
    link_added = Signal(object)  # LinkKey
    link_removed = Signal(object)
    topology_changed = Signal()  # anything the analysis (badges, findings) depends on
    reset = Signal()

    def __init__(self, diagram: Diagram | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.diagram = diagram or Diagram()
        self.undo_stack = QUndoStack(self)
        self._nodes: dict[str, Node] = self.diagram.node_map()
        self._batch_depth = 0
        self._topology_pending = False

    # --- reading ---------------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        return self._nodes[node_id]

    def has_node(self, node_id: str) -> bool:
        return node_id in self._nodes

    def link(self, key: LinkKey) -> Link | None:
        a, b = key
        return self.diagram.find_link(a, b)

    def links_of(self, node_ids: set[str]) -> list[Link]:
        return [lk for lk in self.diagram.links if lk.source in node_ids or lk.target in node_ids]

    def to_json(self) -> str:
        return diagram_to_json(self.diagram)

    def replace(self, diagram: Diagram) -> None:
        """Show another diagram (New/Open): forgets the undo history."""
        self.undo_stack.clear()
        self.diagram = diagram
        self._nodes = diagram.node_map()
        self.reset.emit()
        self._topology()

    # --- changing (for commands only) ------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many changes: the analysis runs once at the end instead of after each one."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._topology_pending:
                self._topology_pending = False
                self.topology_changed.emit()

    def _topology(self) -> None:
        if self._batch_depth:
            self._topology_pending = True
        else:
            self.topology_changed.emit()

    def insert_node(self, index: int, node: Node) -> None:
        self.diagram.nodes.insert(index, node)
        self._nodes[node.id] = node
        self.node_added.emit(node.id)
        self._topology()

    def remove_node(self, node_id: str) -> tuple[int, Node]:
        node = self._nodes.pop(node_id)
        index = self.diagram.nodes.index(node)
        del self.diagram.nodes[index]
        self.node_removed.emit(node_id)
        self._topology()
        return index, node

    def insert_link(self, index: int, link: Link) -> None:
        self.diagram.links.insert(index, link)
        self.link_added.emit(link.ends)
        self._topology()

    def remove_link(self, key: LinkKey) -> tuple[int, Link]:
        index = next(i for i, lk in enumerate(self.diagram.links) if lk.ends == key)
        link = self.diagram.links.pop(index)
        self.link_removed.emit(key)
        self._topology()
        return index, link

    def move_node(self, node_id: str, x: float, y: float) -> None:
        node = self._nodes[node_id]
        node.x, node.y = x, y
        self.node_moved.emit(node_id)

    def restack_node(self, node_id: str, index: int) -> int:
        """Move the node to ``index`` in the list (drawn over the nodes before it); its old index."""
        node = self._nodes[node_id]
        old = self.diagram.nodes.index(node)
        del self.diagram.nodes[old]
        self.diagram.nodes.insert(index, node)
        self.node_restacked.emit(node_id)
        return old

    def set_label(self, node_id: str, label: str) -> None:
        self._nodes[node_id].label = label
        self.node_changed.emit(node_id)
        self.topology_changed.emit()  # findings name nodes by label

    def set_prop(self, node_id: str, name: str, value: Any) -> None:
        self._nodes[node_id].props[name] = value
        self.node_changed.emit(node_id)
        self._topology()
