"""The scene mirrors the document's diagram through id -> item maps; its input comes through input.py."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from itertools import chain

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import QGraphicsScene

from ...core.catalog import KINDS, Role, link_problem
from ...core.model import Diagram, LinkKey
from ...core.routes import Router
from ...core.topology import Finding, state_homes
from .. import theme
from ..document import Document
from ..turns import slice_end
from .ahead import SLICE_S, Prepared, card_of, let_go_of, prepare_items, release_slowly, swap_steps
from .cardpictures import CardPictures
from .crowding import CardPlaces
from .gestures import GestureContext
from .items import NodeItem
from .linkitem import LinkItem
from .overview import Overview, OverviewMode

REFINE_DELAY_MS = 80  # links a drag left provisional are routed for good once the pointer rests this long
REFINE_SLICE_S = 0.012  # and in slices this long, so the window stays responsive (a grid search: 5-20 ms)
REFINE_IN_PLACE = 20  # links finished at once that the far-out overview moves rather than draws anew
REFINE_BATCH = 2  # links routed for good a call: a call is the unit a slice cannot cut (200 nodes, 617 links: 20 a
# call took 40-91 ms a call, 2 at most 18 ms, in the same 1.3 s in all)
FINDINGS_STEP = 50  # cards given their warnings between two looks at the clock (50 cards: ~2 ms)
ROUTE_AT_ONCE = 600  # links: more are drawn as plain Zs first and routed in slices (4,000 links: 0.7-1.1 s)


class DiagramScene(QGraphicsScene):
    """Graphics for one :class:`Document`. Reads the model; asks for changes through signals."""

    link_requested = Signal(str, str)
    nodes_dragged = Signal(object)  # {node_id: ((old x, old y), (new x, new y))}
    hint = Signal(str)
    routes_changed = Signal()  # links took new routes (tokens ride on them), apart from a drag's own frames
    clearing = Signal()  # every item is about to go (a new or opened diagram): gestures under way let go

    def __init__(self, doc: Document, interactive: bool = True) -> None:
        super().__init__()
        self.doc = doc
        self.interactive = interactive
        self.snap_enabled = True
        self.node_items: dict[str, NodeItem] = {}
        self.link_items: dict[LinkKey, LinkItem] = {}
        self._warnings: dict[str, tuple[str, ...]] = {}
        # What the canvas's gestures may ask of it and tell it (the input router hands it to them).
        self.gesture_context = GestureContext(add_item=self.addItem, remove_item=self.removeItem,
            node_at=lambda pos, exclude: self.node_item_at(pos, exclude), link_problem=self.link_problem,
            selected=self.selected_node_items, node_item=self.node_items.get, hint=self.hint.emit,
            link=self.link_requested.emit, dragged=self.nodes_dragged.emit)
        self._rebuilding = False
        self._prepared: Prepared | None = None
        self._homes_shown: Diagram | None = None  # a diagram whose items got their badges ahead (prepare)
        self._overview_stale = False  # links were routed anew that the overview does not show yet (see _refine)
        self.overview_mode = OverviewMode(self, self._items_to_switch)
        self._overview_made: Overview | None = None
        self._remaking: tuple[Overview, Iterator[None]] | None = None  # an overview made anew, a slice at a time
        self._remake_timer = QTimer(self)
        self._remake_timer.setSingleShot(True)
        self._remake_timer.timeout.connect(self._remake_slice)
        # The cards' pictures; during a zoom nearby ones stand in, the cards showing them painted again at rest.
        self.card_pictures = CardPictures(self.node_items.get, self._sharpened, self)
        self.places = CardPlaces(lambda: self.node_items)  # where the cards are: crowded? their extent?
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
        # Where the links run (core/routes.py): routed again as the cards move, only what a move reaches.
        self.router = Router()
        self._refine_timer = QTimer(self)
        self._refine_timer.setSingleShot(True)
        self._refine_timer.timeout.connect(self._refine)
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
        # The shown diagram's far-out drawing and routes let go a turn each after this one: for the 4,000 servers,
        # freeing the drawing alone took 5 ms of the turn that shows the next file.
        release_slowly([self._overview, self.router], self, per_turn=1)
        self._overview = None
        self.overview_mode.forget_all()
        made, self._prepared = self._prepared, None
        if made is None or made.diagram is not self.doc.diagram:
            made = Prepared(self.doc.diagram, {}, {}, None)
        swapped = made.swap is not None and made.swap.end()  # the new items are in the scene, the old ones out
        if not swapped:
            if made.swap is not None:  # half swapped (cannot happen when opening): made again, as at once
                made = Prepared(self.doc.diagram, {}, {}, None)
            self.clear()
        self.node_items.clear()
        self._cards_changed()
        self.link_items.clear()
        self._refine_timer.stop()
        self._overview_stale = False
        nodes_made, links_made, routed = made.nodes, made.links, made.router
        self._homes_shown = made.diagram if made.homes_shown else None
        self.router = routed or Router()
        self._warnings = {}  # another diagram's: its own come with its findings
        if swapped:  # in the scene, drawn as the others, routed, with their badges: only the maps are left
            self.node_items.update(nodes_made)
            self.link_items.update(links_made)
            self.places.known({node.id: (node.x, node.y) for node in made.diagram.nodes}, made.extent)
        else:
            self._rebuilding = True
            for node in self.doc.diagram.nodes:
                self._add_node(node.id, nodes_made.get(node.id))
            for link in self.doc.diagram.links:
                self._add_link(link.ends, links_made.get(link.ends))
            self._rebuilding = False
        if routed is None:
            self._route(self._opening_effort(len(self.link_items)))
        else:  # routed while the file was opening: the links took their routes then
            if not made.homes_shown:
                self._set_routes(self.router.routes.keys())
            if self.router.provisional:
                self._refine_timer.start(0)
        if not swapped:
            for item in self.link_items.values():
                self.addItem(item)
        self._overview = made.overview

    def prepare(self, diagram: Diagram) -> Iterator[float]:
        """Make the items of ``diagram`` off the scene, a slice at a time (canvas/ahead.py), yielding the fraction
        made; :meth:`swap_in` then puts them in the scene, and the next :meth:`rebuild` for it takes them."""
        self.drop_prepared()
        self._prepared = yield from prepare_items(diagram, self.interactive, self._opening_effort(len(diagram.links)),
                                                  lambda items: release_slowly(items, self))

    def drop_prepared(self) -> None:
        """Items made ahead and never shown (Cancel): let go a slice at a time."""
        self._prepared = let_go_of(self._prepared, self)

    def swap_in(self) -> Iterator[float]:
        """The prepared items into the scene and the shown ones out, a slice at a time, the views keeping their
        picture; the model's reset (``rebuild``) ends it. Closed before that (Cancel), the shown items are back."""
        made = self._prepared
        if made is not None:
            # The new items drawn as the views will draw them once fitted: switching 12,000 items on the first
            # paint took 0.1-0.2 s.
            far = any(view.fit_draws_overview(made.extent, len(made.nodes)) for view in self.views())
            end = slice_end(SLICE_S)  # the cards' blocks, which the first paint would make otherwise:
            for _step in made.overview.making_blocks() if far and made.overview else ():  # a slice a turn
                if time.perf_counter() >= end:
                    yield 0.0
                    end = slice_end(SLICE_S)
            shown = {*self.node_items.values(), *self.link_items.values()}
            yield from swap_steps(self, made, shown, lambda: self.overview_mode.set_on(far), self.overview_mode.adopt)

    def _opening_effort(self, links: int) -> str:
        """A picture, or a diagram of a lesson's size, is routed for good at once; a big one first as plain Zs."""
        return "none" if self.interactive and links > ROUTE_AT_ONCE else "full"

    def _on_node_added(self, node_id: str) -> None:
        self._add_node(node_id, None)

    def _add_node(self, node_id: str, made: NodeItem | None) -> None:
        item = made or NodeItem(self.doc.node(node_id), self.interactive)
        item.set_warnings(self._warnings.get(node_id, ()))
        self.overview_mode.adopt(item)
        self._overview = None
        self.node_items[node_id] = item
        self._cards_changed()
        self.addItem(item)
        if made is None:  # a card made ahead (prepare) is routed there already
            self.router.set_card(node_id, card_of(item))
        self._route_soon()

    def _on_node_removed(self, node_id: str) -> None:
        item = self.node_items.pop(node_id)
        self._cards_changed()
        self._overview = None
        self.removeItem(item)
        self.router.remove_card(node_id)
        self._route_soon()

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
        self._add_link(key, None)

    def _add_link(self, key: LinkKey, made: LinkItem | None) -> None:
        a, b = key  # a link's key is its two ends, sorted
        item = made or LinkItem(key, self.node_items[a], self.node_items[b], self.interactive)
        key = item.key  # one key object for the item and the maps
        self.overview_mode.adopt(item)
        self._overview = None
        self.link_items[key] = item
        if not self._rebuilding:  # else added with its route (one change of the scene's extent, not two)
            self.addItem(item)
        if self.router.ends.get(key) != (a, b):  # else routed ahead with the rest (prepare)
            self.router.add_link(key, a, b)
        self._route_soon()

    def _on_link_removed(self, key: LinkKey) -> None:
        item = self.link_items.pop(key)
        self._overview = None
        self.removeItem(item)
        self.router.remove_link(key)
        self._route_soon()

    # --- routes -------------------------------------------------------------------------------------

    def _route_soon(self) -> None:
        """One change of the model (an added link, a removed node): routed at once, the slow cases a moment later."""
        if not self._rebuilding:
            self._route("shapes")
            self.routes_changed.emit()

    def _route(self, effort: str) -> list[LinkItem]:
        """Route what changed; the link items given new routes."""
        changed = self.router.update(effort)
        links = self._set_routes(changed)
        if self.router.provisional:
            self._refine_timer.start(REFINE_DELAY_MS if effort == "shapes" else 0)
        return links

    def _set_routes(self, keys: Iterable[LinkKey]) -> list[LinkItem]:
        routes, items = self.router.routes, self.link_items
        links = [items[key] for key in keys if key in items]
        for link in links:
            link.set_route(routes[link.key])
        return links

    def _refine(self) -> None:
        """Route the provisional links for good, a slice at a time."""
        end = slice_end(REFINE_SLICE_S)
        changed: set = set()
        while self.router.provisional and time.perf_counter() < end:
            changed |= self.router.refine(REFINE_BATCH)
        links = self._set_routes(changed)
        done = not self.router.provisional
        if links or (done and self._overview_stale):
            # Far out the view draws the overview: a few links are moved in it; after many, it is drawn anew once
            # all are done (moving 100 links in tiles of thousands took longer than drawing it anew: 30 ms).
            if not done and len(links) > REFINE_IN_PLACE:
                self._overview_stale = True
            elif self._overview is not None and self.overview_mode.on and not self._overview_stale:
                self._overview.links_moved(links)
            elif self._overview is not None and self.overview_mode.on:
                self._overview_stale = False  # made anew in slices, the old one drawn meanwhile: 2,000 nodes
                self._remake_overview()  # took 0.2-0.4 s in one piece on the next paint
            else:
                self._overview = None
                self._overview_stale = False
            if self.overview_mode.on:
                self.update()
            self.routes_changed.emit()
        if not done:
            self._refine_timer.start(0)

    def node_item_moved(self, item: NodeItem) -> None:
        self.router.set_card(item.node_id, card_of(item))  # an item dragged moves before the model does
        self._cards_changed(item)
        if self._remaking is not None:  # an overview being made may have the card where it was
            self._overview = None
        links = self._route("shapes")
        if self._overview is not None:
            if self.overview_mode.on:
                self._overview.moved(item, links)
            else:  # not drawn now: made again when next needed, rather than kept up to date a frame at a time
                self._overview = None
        if self.overview_mode.on:
            self.update()  # Qt takes no notice of moves of items without contents

    # --- far out: one batched drawing instead of thousands of items -------------------------------------

    @property
    def _overview(self) -> Overview | None:
        return self._overview_made

    @_overview.setter
    def _overview(self, overview: Overview | None) -> None:
        """Any change of the overview (dropped on a change of items or selection) ends one being made."""
        self._overview_made = overview
        self._remaking = None

    def _remake_overview(self) -> None:
        fresh = Overview(replacing=self._overview)
        self._remaking = fresh, fresh.fill(list(self.link_items.values()), list(self.node_items.values()))
        self._remake_timer.start(0)

    def _remake_slice(self) -> None:
        if self._remaking is None:
            return
        fresh, steps = self._remaking
        end = slice_end(REFINE_SLICE_S)
        for _step in steps:
            if time.perf_counter() >= end:
                self._remake_timer.start(0)
                return
        self._overview = fresh
        if self.overview_mode.on:
            self.update()

    def overview(self) -> Overview:
        if self._overview is None:
            self._overview = Overview(self.link_items.values(), self.node_items.values())
        return self._overview

    def crowded(self, shown: QRectF) -> bool:
        """Whether more cards lie in ``shown`` than can be read (see ``CardPlaces.crowded``)."""
        return self.places.crowded(shown)

    def _cards_changed(self, moved: NodeItem | None = None) -> None:
        self.places.changed(moved)

    def _sharpened(self, node_ids: set[str]) -> None:
        """The exact pictures are ready for cards that showed a stand-in during a zoom: painted again."""
        for node_id in node_ids:
            item = self.node_items.get(node_id)
            if item is not None:
                item.update()
        if self.overview_mode.on:
            self.update()  # the overview draws the cards itself (their items have no contents then)

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
        if self._homes_shown is not None:
            shown, self._homes_shown = self._homes_shown, None
            if shown is self.doc.diagram:  # the diagram just shown, its badges given ahead: nothing changed since
                return
        homes = state_homes(self.doc.diagram)
        for node_id, item in self.node_items.items():
            if item.badge_rows:
                item.set_homes(homes.get(node_id))

    def set_findings(self, findings: list[Finding]) -> None:
        for _step in self.show_findings(findings):
            pass

    def show_findings(self, findings: list[Finding]) -> Iterator[None]:
        """Give each card its findings' warnings, yielding now and then (2,000 cards: ~80 ms in all); cards made
        from now on take theirs as they come."""
        # Tuples of strings, which Python's cyclic collector does not track, and no (id, card) pairs held while this
        # yields: lists and pairs lived long enough to count toward a full collection (2,000 nodes: 1,266 and 2,000).
        warnings: dict[str, tuple[str, ...]] = {}
        for f in findings:
            for node_id in f.nodes:
                warnings[node_id] = (*warnings.get(node_id, ()), f.message)
        self._warnings = warnings
        for i, item in enumerate(list(self.node_items.values())):
            if i % FINDINGS_STEP == FINDINGS_STEP - 1:
                yield
            item.set_warnings(self._warnings.get(item.node_id, ()))

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
