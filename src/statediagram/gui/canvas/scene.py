"""The scene mirrors the document's diagram through id -> item maps; its input comes through input.py."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import QGraphicsScene

from ...core.catalog import KINDS, Role, link_problem
from ...core.topology import Finding, state_homes
from .. import theme
from ..document import Document, LinkKey
from .crossings import hidden_links
from .gestures import GestureContext
from .items import LinkItem, NodeItem
from .overview import Overview, OverviewMode

CROSSINGS_DELAY_MS = 60
MAX_CROSSING_LINKS = 150


class DiagramScene(QGraphicsScene):
    """Graphics for one :class:`Document`. Reads the model; asks for changes through signals."""

    link_requested = Signal(str, str)
    nodes_dragged = Signal(object)  # {node_id: ((old x, old y), (new x, new y))}
    hint = Signal(str)
    clearing = Signal()  # every item is about to go (a new or opened diagram): gestures under way let go

    def __init__(self, doc: Document, interactive: bool = True) -> None:
        super().__init__()
        self.doc = doc
        self.interactive = interactive
        self.snap_enabled = True
        self.node_items: dict[str, NodeItem] = {}
        self.link_items: dict[LinkKey, LinkItem] = {}
        self._links_at: dict[str, set[LinkKey]] = {}
        self._warnings: dict[str, list[str]] = {}
        # What the canvas's gestures may ask of it and tell it (the input router hands it to them).
        self.gesture_context = GestureContext(
            add_item=self.addItem, remove_item=self.removeItem,
            node_at=lambda pos, exclude: self.node_item_at(pos, exclude), link_problem=self.link_problem,
            selected=self.selected_node_items, node_item=self.node_items.get, hint=self.hint.emit,
            link=self.link_requested.emit, dragged=self.nodes_dragged.emit)
        self.overview_mode = OverviewMode(self, self._items_to_switch)
        self._overview: Overview | None = None
        # Without an index every paint asks each of thousands of items for its bounding rect (a Python call);
        # the tree hands the view only what it shows. A dragged node re-enters it cheaply.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.selectionChanged.connect(self._forget_overview)
        doc.node_added.connect(self._on_node_added)
        doc.node_removed.connect(self._on_node_removed)
        doc.node_moved.connect(self._on_node_moved)
        doc.node_changed.connect(self._on_node_changed)
        doc.node_restacked.connect(self._on_node_restacked)
        doc.link_added.connect(self._on_link_added)
        doc.link_removed.connect(self._on_link_removed)
        doc.topology_changed.connect(self.refresh_homes)
        doc.reset.connect(self.rebuild)
        # Which links run under a third card, looked at again a moment after the wiring or a position changes
        # (one pass for a whole drag or paste, not one per step).
        self._crossings_timer = QTimer(self)
        self._crossings_timer.setSingleShot(True)
        self._crossings_timer.setInterval(CROSSINGS_DELAY_MS)
        self._crossings_timer.timeout.connect(self.refresh_crossings)
        for change in (doc.node_added, doc.node_removed, doc.node_moved, doc.link_added, doc.link_removed):
            change.connect(self._crossings_timer.start)
        self.rebuild()
        self.refresh_homes()

    # --- mirroring the model -------------------------------------------------------------------------

    def __del__(self) -> None:
        # A window nobody deleted is freed by Python's cyclic collector, which empties the scene's helpers
        # (the overview switch, the gesture context) before Qt deletes the scene with the window; Qt's teardown
        # then reports the end of the selection to slots that read those helpers (a CI run failed on it). The
        # collector calls every finalizer before it empties anything: the last moment the scene can go quietly.
        try:  # noqa: SIM105 - no module globals: a finalizer may run while the interpreter shuts down
            self.blockSignals(True)
        except RuntimeError:  # Qt deleted it already (with its window): nothing left to emit
            pass

    def rebuild(self) -> None:
        self.clearing.emit()
        self._overview = None
        self.overview_mode.forget_all()
        self.clear()
        self.node_items.clear()
        self.link_items.clear()
        self._links_at.clear()
        for node in self.doc.diagram.nodes:
            self._on_node_added(node.id)
        for link in self.doc.diagram.links:
            self._on_link_added(link.ends)
        self.refresh_crossings()  # at once: an opened or exported diagram shows its hidden links from the start

    def _on_node_added(self, node_id: str) -> None:
        item = NodeItem(self.doc.node(node_id), self.interactive)
        item.set_warnings(self._warnings.get(node_id, []))
        self.overview_mode.adopt(item)
        self._overview = None
        self.node_items[node_id] = item
        self._links_at.setdefault(node_id, set())
        self.addItem(item)

    def _on_node_removed(self, node_id: str) -> None:
        item = self.node_items.pop(node_id)
        self._links_at.pop(node_id, None)
        self._overview = None
        self.removeItem(item)

    def _on_node_moved(self, node_id: str) -> None:
        node = self.doc.node(node_id)
        item = self.node_items[node_id]
        if (item.x(), item.y()) != (node.x, node.y):
            snap, self.snap_enabled = self.snap_enabled, False  # the model's position is the truth
            item.setPos(node.x, node.y)
            self.snap_enabled = snap

    def _on_node_changed(self, node_id: str) -> None:
        self.node_items[node_id].set_node(self.doc.node(node_id))

    def _on_node_restacked(self, node_id: str) -> None:
        """Cards overlapping this one are stacked as the model lists them: a later node over an earlier one."""
        item = self.node_items[node_id]
        order = {n.id: i for i, n in enumerate(self.doc.diagram.nodes)}
        for other in self.collidingItems(item):
            if isinstance(other, NodeItem) and other.node_id in order:
                below, above = (other, item) if order[other.node_id] < order[node_id] else (item, other)
                below.stackBefore(above)

    def _on_link_added(self, key: LinkKey) -> None:
        a, b = sorted(key)
        item = LinkItem(key, self.node_items[a], self.node_items[b], self.interactive)
        self.overview_mode.adopt(item)
        self._overview = None
        self.link_items[key] = item
        self._links_at[a].add(key)
        self._links_at[b].add(key)
        self.addItem(item)

    def _on_link_removed(self, key: LinkKey) -> None:
        item = self.link_items.pop(key)
        self._overview = None
        for end in key:
            self._links_at.get(end, set()).discard(key)
        self.removeItem(item)

    def refresh_crossings(self) -> None:
        """Links whose line runs under a third node's card are drawn over the cards, dashed."""
        self._crossings_timer.stop()
        # A lesson's diagram has tens of links: a pass takes a few ms. It grows with links times their length
        # (150 long random links: 60 ms; 4,000: 0.2-0.7 s); diagrams that big are read zoomed out, as drawn.
        links = self.link_items.values()
        hidden = hidden_links(self, links) if len(links) <= MAX_CROSSING_LINKS else set()
        changed = [link.set_over(key in hidden) for key, link in self.link_items.items()]
        if any(changed):
            self._forget_overview()  # far out, the view draws the links itself: over the cards, or under

    def node_item_moved(self, item: NodeItem) -> None:
        self._crossings_timer.start()  # an item dragged moves before the model does
        links = [self.link_items[key] for key in self._links_at.get(item.node_id, ())]
        for link in links:
            link.update_geometry()
        if self._overview is not None:
            self._overview.moved(item, links)
        if self.overview_mode.on:
            self.update()  # Qt takes no notice of moves of items without contents

    # --- far out: one batched drawing instead of thousands of items -------------------------------------

    def overview(self) -> Overview:
        if self._overview is None:
            self._overview = Overview(self.link_items.values(), self.node_items.values())
        return self._overview

    def _items_to_switch(self) -> Iterable[NodeItem | LinkItem]:
        return chain(self.link_items.values(), self.node_items.values())

    def _forget_overview(self) -> None:
        self._overview = None
        if self.overview_mode.on:
            self.update()  # a selection shows in the overview; Qt takes no notice of items without contents

    def render(self, painter: QPainter, target: QRectF = QRectF(), source: QRectF = QRectF(),  # noqa: B008
               mode: Qt.AspectRatioMode = Qt.AspectRatioMode.KeepAspectRatio) -> None:
        """A picture of the scene always has its items drawn, whatever a view's zoom."""
        overview = self.overview_mode.on
        self.overview_mode.set_on(False)
        self.overview_mode.settle()
        try:
            super().render(painter, target, source, mode)
        finally:
            self.overview_mode.set_on(overview)

    # --- the lesson on the canvas ------------------------------------------------------------------

    def refresh_homes(self) -> None:
        """Badges: where each server keeps sessions, cart and uploads, from the core's one function."""
        homes = state_homes(self.doc.diagram)
        for node_id, item in self.node_items.items():
            if item.badge_rows:
                item.set_homes(homes.get(node_id))

    def set_findings(self, findings: list[Finding]) -> None:
        warnings: dict[str, list[str]] = {}
        for f in findings:
            for node_id in f.nodes:
                warnings.setdefault(node_id, []).append(f.message)
        self._warnings = warnings
        for node_id, item in self.node_items.items():
            item.set_warnings(warnings.get(node_id, []))

    def link_problem(self, a: str, b: str) -> str | None:
        """Why ``a`` and ``b`` may not be linked (a sentence for the learner), or None."""
        if a == b:
            return "A node is not linked to itself."
        na, nb = self.doc.node(a), self.doc.node(b)
        if self.doc.diagram.find_link(a, b) is not None:
            return f"{na.label} and {nb.label} are already linked."
        problem = link_problem(na.kind, nb.kind)
        if problem:
            return problem
        for server, store in ((na, nb), (nb, na)):
            if KINDS[server.kind].role == Role.SERVER and KINDS[store.kind].role == Role.STORE:
                for other in self.doc.diagram.neighbours(server.id):
                    if self.doc.node(other).kind == store.kind:
                        kind = KINDS[store.kind].label
                        return (f"{server.label} already uses {self.doc.node(other).label}: a server keeps its "
                                f"state in one {kind}. Remove that link first to switch.")
        return None

    # --- queries -----------------------------------------------------------------------------------

    def selected_node_items(self) -> list[NodeItem]:
        return [i for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_node_ids(self) -> list[str]:
        chosen = {i.node_id for i in self.selected_node_items()}
        return [n.id for n in self.doc.diagram.nodes if n.id in chosen]

    def selected_link_keys(self) -> list[LinkKey]:
        return [i.key for i in self.selectedItems() if isinstance(i, LinkItem)]

    def select_ids(self, node_ids: list[str]) -> None:
        self.clearSelection()
        for node_id in node_ids:
            if node_id in self.node_items:
                self.node_items[node_id].setSelected(True)

    def node_item_at(self, pos: QPointF, exclude: NodeItem | None = None) -> NodeItem | None:
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder,
                               QTransform()):
            if isinstance(item, NodeItem) and item is not exclude:
                return item
        return None

    def card_free(self, rect: QRectF) -> bool:
        """Whether no node's card meets ``rect`` (scene coordinates): a new node may go there."""
        for item in self.items(rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, NodeItem) and item.card_rect().translated(item.pos()).intersects(rect):
                return False
        return True

    def snapped(self, pos: QPointF) -> QPointF:
        g = theme.GRID
        return QPointF(round(pos.x() / g) * g, round(pos.y() / g) * g)
