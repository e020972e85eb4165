"""Edits the learner asks for, turned into undoable commands on the document."""

from __future__ import annotations

import string

from PySide6.QtCore import QObject, QPointF, Signal

from ...core.catalog import KINDS
from ...core.limits import MAX_COORDINATE
from ...core.model import Link, Node
from .. import theme
from ..canvas.scene import DiagramScene
from ..document import Document
from .commands import AddItems, BringToFront, MoveNodes, RemoveItems, SetLabel, SetProp

TIER_GAP_X = 240.0
ROW_GAP_Y = 40.0


def on_canvas(x: float, y: float) -> tuple[float, float]:
    """The nearest point to (x, y) that a file may hold (|x|, |y| <= MAX_COORDINATE), so what is drawn saves and
    opens again."""
    return max(-MAX_COORDINATE, min(MAX_COORDINATE, x)), max(-MAX_COORDINATE, min(MAX_COORDINATE, y))


class Editor(QObject):
    """The edit operations behind the menus, shortcuts and gestures."""

    message = Signal(str)  # a sentence for the status bar

    def __init__(self, doc: Document, scene: DiagramScene) -> None:
        super().__init__(scene)
        self.doc = doc
        self.scene = scene
        scene.link_requested.connect(self.link)
        scene.nodes_dragged.connect(lambda moves: self.move_nodes(moves, "Move"))
        scene.hint.connect(self.message)

    @property
    def stack(self):
        return self.doc.undo_stack

    # --- adding ------------------------------------------------------------------------------------

    def new_node(self, kind: str, x: float, y: float) -> Node:
        """A node of ``kind`` with a fresh id and a readable, not yet used label."""
        if self.scene.snap_enabled:
            p = self.scene.snapped(QPointF(x, y))
            x, y = p.x(), p.y()
        labels = {n.label for n in self.doc.diagram.nodes}
        base = KINDS[kind].label
        if KINDS[kind].lettered:
            letters = [f"{base} {c}" for c in string.ascii_uppercase]
            label = next((name for name in letters if name not in labels), base)
        else:
            label = base
            i = 2
            while label in labels:
                label = f"{base} {i}"
                i += 1
        return Node(self.doc.diagram.new_id(kind), kind, label, *on_canvas(x, y))

    def add_node(self, kind: str, x: float, y: float) -> str:
        node = self.new_node(kind, x, y)
        self.stack.push(AddItems(self.doc, [node], [], f"Add {KINDS[kind].label}"))
        self.scene.select_ids([node.id])
        return node.id

    def add_items(self, nodes: list[Node], links: list[Link], text: str) -> None:
        for n in nodes:
            n.x, n.y = on_canvas(n.x, n.y)
        self.stack.push(AddItems(self.doc, nodes, links, text))
        self.scene.select_ids([n.id for n in nodes])

    def link(self, a: str, b: str) -> str | None:
        """Link two nodes; a forbidden link is refused with a sentence that teaches why (also returned)."""
        problem = self.scene.link_problem(a, b)
        if problem:
            self.message.emit(problem)
            return problem
        na, nb = self.doc.node(a), self.doc.node(b)
        self.stack.push(AddItems(self.doc, [], [Link(a, b)], f"Link {na.label} – {nb.label}"))
        self.message.emit(f"Linked {na.label} and {nb.label}.")
        return None

    def link_selected(self) -> None:
        """Keyboard wiring: link the two selected nodes."""
        ids = self.scene.selected_node_ids()
        if len(ids) != 2:
            self.message.emit("Select exactly two nodes to link them.")
            return
        self.link(*ids)

    # --- changing -----------------------------------------------------------------------------------

    def move_nodes(self, moves: dict, text: str) -> None:
        """Move nodes (a drag, a nudge, a tidy-up); no farther than the canvas reaches (``on_canvas``)."""
        kept = {}
        stopped = []
        for node_id, (old, new) in moves.items():
            inside = on_canvas(*new)
            if inside != tuple(new):
                stopped.append(node_id)
            if inside != tuple(old):
                kept[node_id] = (old, inside)
        if kept:
            self.stack.push(MoveNodes(self.doc, kept, text))
        if stopped:
            for node_id in stopped:  # a card dragged past the edge goes back to where its node now is
                self.doc.node_moved.emit(node_id)
            self.message.emit(f"The canvas ends at {MAX_COORDINATE:,} units from its centre: the node stops there.")

    def nudge(self, dx: float, dy: float) -> None:
        moves = {}
        for node_id in self.scene.selected_node_ids():
            n = self.doc.node(node_id)
            moves[node_id] = ((n.x, n.y), (n.x + dx, n.y + dy))
        self.move_nodes(moves, "Nudge")

    def rename(self, node_id: str, label: str) -> None:
        label = label.strip()
        if label and self.doc.has_node(node_id) and label != self.doc.node(node_id).label:
            self.stack.push(SetLabel(self.doc, node_id, label))

    def set_prop(self, node_id: str, name: str, value) -> None:
        if self.doc.node(node_id).props.get(name) != value:
            self.stack.push(SetProp(self.doc, node_id, name, value))

    def delete_selection(self, text: str = "") -> bool:
        nodes, links = self.scene.selected_node_ids(), self.scene.selected_link_keys()
        if nodes or links:
            self.stack.push(RemoveItems(self.doc, nodes, links, text))
            return True
        return False

    def bring_to_front(self) -> None:
        """Draw the selected nodes over any card they overlap (one undo step)."""
        ids = self.scene.selected_node_ids()
        if not ids:
            self.message.emit("Select a node to bring it to front.")
            return
        if len(ids) == 1:
            self.stack.push(BringToFront(self.doc, ids[0]))
            return
        self.stack.beginMacro(f"Bring {len(ids)} nodes to front")
        for node_id in ids:  # in list order: they keep their order among themselves
            self.stack.push(BringToFront(self.doc, node_id))
        self.stack.endMacro()

    def select_all(self) -> None:
        for item in self.scene.items():
            if item.flags() & item.GraphicsItemFlag.ItemIsSelectable:
                item.setSelected(True)

    def tidy_up(self) -> None:
        """Arrange the nodes in tiers, left to right: clients, load balancers, servers, stores."""
        tiers: dict[int, list[Node]] = {}
        for n in self.doc.diagram.nodes:
            tiers.setdefault(KINDS[n.kind].tier, []).append(n)
        moves = {}
        for col, tier in enumerate(sorted(tiers)):
            column = sorted(tiers[tier], key=lambda n: (n.y, n.x, n.id))
            heights = [self.scene.node_items[n.id].card_rect().height() for n in column]
            total = sum(heights) + ROW_GAP_Y * (len(column) - 1)
            y = -total / 2
            for n, h in zip(column, heights, strict=True):
                cy = round((y + h / 2) / theme.GRID) * theme.GRID
                new = (col * TIER_GAP_X, float(cy))
                if new != (n.x, n.y):
                    moves[n.id] = ((n.x, n.y), new)
                y += h + ROW_GAP_Y
        if moves:
            self.move_nodes(moves, "Tidy up")
        else:
            self.message.emit("Already tidy.")
