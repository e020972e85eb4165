"""Undoable edits. Each command holds ids and plain values only, never graphics items."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QUndoCommand

from ...core.catalog import KINDS
from ...core.model import Link, LinkKey, Node
from ..document import Document

MERGE_PROP = 1001


class AddItems(QUndoCommand):
    """Add nodes and links (drop, paste, duplicate, wiring)."""

    def __init__(self, doc: Document, nodes: list[Node], links: list[Link], text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.nodes = [copy.deepcopy(n) for n in nodes]
        self.links = [copy.deepcopy(lk) for lk in links]

    def redo(self) -> None:
        with self.doc.batch():
            for n in self.nodes:
                self.doc.insert_node(len(self.doc.diagram.nodes), copy.deepcopy(n))
            for lk in self.links:
                self.doc.insert_link(len(self.doc.diagram.links), copy.deepcopy(lk))

    def undo(self) -> None:
        with self.doc.batch():
            for lk in reversed(self.links):
                self.doc.remove_link(lk.ends)
            for n in reversed(self.nodes):
                self.doc.remove_node(n.id)


class RemoveItems(QUndoCommand):
    """Delete nodes with every link touching them, and links: one step, restored in place by undo."""

    def __init__(self, doc: Document, node_ids: list[str], link_keys: list[LinkKey], text: str = "") -> None:
        nodes = set(node_ids)
        keys = {lk.ends for lk in doc.links_of(nodes)} | set(link_keys)
        self.node_entries = sorted(
            (doc.diagram.nodes.index(doc.node(i)), copy.deepcopy(doc.node(i))) for i in nodes
        ) if nodes else []
        self.link_entries = [
            (i, copy.deepcopy(lk)) for i, lk in enumerate(doc.diagram.links) if lk.ends in keys
        ]
        super().__init__(text or _delete_text(doc, len(self.node_entries), len(self.link_entries)))
        self.doc = doc

    def redo(self) -> None:
        with self.doc.batch():
            for _i, lk in reversed(self.link_entries):
                self.doc.remove_link(lk.ends)
            for _i, n in reversed(self.node_entries):
                self.doc.remove_node(n.id)

    def undo(self) -> None:
        with self.doc.batch():
            for i, n in self.node_entries:
                self.doc.insert_node(i, copy.deepcopy(n))
            for i, lk in self.link_entries:
                self.doc.insert_link(i, copy.deepcopy(lk))


def _delete_text(doc: Document, n_nodes: int, n_links: int) -> str:
    if n_nodes == 0:
        return "Delete link" if n_links == 1 else f"Delete {n_links} links"
    return "Delete node" if n_nodes == 1 else f"Delete {n_nodes} nodes"


class MoveNodes(QUndoCommand):
    """Move nodes from old to new centres (one drag, one nudge, or a tidy-up)."""

    def __init__(
        self, doc: Document, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]], text: str
    ) -> None:
        super().__init__(text)
        self.doc = doc
        self.moves = dict(moves)

    def redo(self) -> None:
        for node_id, (_old, new) in self.moves.items():
            self.doc.move_node(node_id, *new)

    def undo(self) -> None:
        for node_id, (old, _new) in self.moves.items():
            self.doc.move_node(node_id, *old)


class BringToFront(QUndoCommand):
    """Draw a node over the others: it goes last in the diagram's list (so it stays on top once saved)."""

    def __init__(self, doc: Document, node_id: str) -> None:
        super().__init__(f"Bring {doc.node(node_id).label} to front")
        self.doc = doc
        self.node_id = node_id
        self.old = doc.diagram.nodes.index(doc.node(node_id))

    def redo(self) -> None:
        self.doc.restack_node(self.node_id, len(self.doc.diagram.nodes) - 1)

    def undo(self) -> None:
        self.doc.restack_node(self.node_id, self.old)


class SetLabel(QUndoCommand):
    def __init__(self, doc: Document, node_id: str, label: str) -> None:
        super().__init__(f"Rename to “{label}”")
        self.doc = doc
        self.node_id = node_id
        self.old = doc.node(node_id).label
        self.new = label

    def redo(self) -> None:
        self.doc.set_label(self.node_id, self.new)

    def undo(self) -> None:
        self.doc.set_label(self.node_id, self.old)


class SetProp(QUndoCommand):
    """Change one property; successive edits of the same property of the same node merge into one step."""

    def __init__(self, doc: Document, node_id: str, name: str, value: Any) -> None:
        node = doc.node(node_id)
        spec = KINDS[node.kind].prop(name)
        super().__init__(f"Set {spec.label if spec else name} of {node.label}")
        self.doc = doc
        self.node_id = node_id
        self.name = name
        self.old = node.props[name]
        self.new = value

    def id(self) -> int:  # noqa: A003 - Qt's name
        return MERGE_PROP

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetProp) or (other.node_id, other.name) != (self.node_id, self.name):
            return False
        self.new = other.new
        self.setObsolete(self.new == self.old)
        return True

    def redo(self) -> None:
        self.doc.set_prop(self.node_id, self.name, self.new)

    def undo(self) -> None:
        self.doc.set_prop(self.node_id, self.name, self.old)
