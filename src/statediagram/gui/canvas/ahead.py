"""A big file's canvas made ahead of showing it, and swapped in a slice at a time: the window keeps turning.

:func:`prepare_items` makes the cards and links off the scene, routes them and works out their badges in a
thread (core/ is Qt-free), and draws the far-out overview, in slices of ``SLICE_S``. :class:`Swap` then takes
the shown diagram's items out of the scene and puts the new ones in, a slice at a time, while the scene's views
keep the picture they had (their updates off): 12,000 items in or out took 0.15-0.3 s in one piece. The model
is swapped last, in one short step (``DiagramScene.rebuild`` finds the items in place). Until then nothing of
the shown diagram is lost: closing the swap (Cancel) puts its items back, in their stacking order, selected as
they were.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRectF, Qt, QTimer
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from ...core.breathing import breathe
from ...core.model import Diagram, LinkKey
from ...core.routes import Router
from ...core.topology import state_homes
from ..kinds import gui_kind
from ..progress import in_background
from ..turns import slice_end
from .items import BadgeTexts, NodeItem, badge_texts
from .linkitem import LinkItem
from .overview import Overview

SLICE_S = 0.015  # work per turn of the event loop (4,000 servers: ~0.6 s of items in all)
RELEASE = 400  # items let go per turn once swapped out (a Qt item's deletion: ~10 us)


@dataclass
class Prepared:
    """Items made ahead of showing ``diagram`` (a big file opening), taken by the next rebuild for it."""

    diagram: Diagram
    nodes: dict[str, NodeItem]
    links: dict[LinkKey, LinkItem]
    router: Router | None
    homes_shown: bool = False  # the cards have their badges already, and the links their routes
    overview: Overview | None = None
    extent: QRectF = field(default_factory=QRectF)  # the cards' extent in the scene
    swap: Swap | None = None  # putting them in the scene, once begun


def card_of(item: NodeItem) -> tuple[float, float, float, float]:
    """The node's card in scene coordinates, as the router takes it."""
    r = item.card_rect()
    x, y = item.x(), item.y()
    return x + r.left(), y + r.top(), x + r.right(), y + r.bottom()


def prepare_items(diagram: Diagram, interactive: bool, effort: str,
                  let_go: Callable[[list[QGraphicsItem]], None]) -> Generator[float, None, Prepared]:
    """The items of ``diagram``, routed with ``effort``, made a slice at a time; yields the fraction done. Closed
    before the end (Cancel), it hands the items made so far to ``let_go``: 12,000 dropped at once held the window
    230 ms (the 4,000 stacked servers, cancelled while drawn)."""
    nodes: dict[str, NodeItem] = {}
    links: dict[LinkKey, LinkItem] = {}
    try:
        return (yield from _make(diagram, interactive, effort, nodes, links))
    except GeneratorExit:
        let_go([*nodes.values(), *links.values()])
        nodes.clear()
        links.clear()
        raise


def _make(diagram: Diagram, interactive: bool, effort: str, nodes: dict[str, NodeItem],
          links: dict[LinkKey, LinkItem]) -> Generator[float, None, Prepared]:
    total = max(1, len(diagram.nodes) + len(diagram.links))
    end = slice_end(SLICE_S)
    for node in diagram.nodes:
        nodes[node.id] = NodeItem(node, interactive)
        if time.perf_counter() >= end:
            yield len(nodes) / total
            end = slice_end(SLICE_S)
    for link in diagram.links:
        key = link.ends  # one key object for the item and the maps
        a, b = key
        if a in nodes and b in nodes:
            links[key] = LinkItem(key, nodes[a], nodes[b], interactive)
        if time.perf_counter() >= end:
            yield (len(nodes) + len(links)) / total
            end = slice_end(SLICE_S)
    # Routed off the GUI thread (core/routes.py is Qt-free: 4,000 links as plain Zs, 0.5-0.8 s in one call),
    # as rebuild() would: the same cards and links in the same order, the same effort, so the same routes.
    router = Router()
    for node_id, item in nodes.items():
        router.set_card(node_id, card_of(item))
        if time.perf_counter() >= end:
            yield 0.9
            end = slice_end(SLICE_S)
    for key in links:
        router.add_link(key, *key)
        if time.perf_counter() >= end:
            yield 0.9
            end = slice_end(SLICE_S)
    # With the routes, where each server keeps its state (its badges): core/topology.py is Qt-free, and
    # for 4,000 servers it took 0.3 s, then as much again giving the cards their badges, in the last step.
    routing = in_background(lambda _reporter: (router.update(effort), _badges(diagram))[1], "")
    try:
        while True:
            yield 0.95
            next(routing)
    except StopIteration as done:
        badges = done.value
    finally:
        routing.close()
    # The items take their badges and routes now, off the scene (a change there redraws nothing).
    routes = router.routes
    extent = QRectF()  # the cards' extent, as a view fits it
    for i, (node_id, item) in enumerate(nodes.items()):
        if item.badge_rows:
            item.set_badge_texts(badges.get(node_id))
        item.look()
        extent = extent.united(item.sceneBoundingRect())
        if time.perf_counter() >= end:
            yield 0.95 + 0.03 * i / max(1, len(nodes))
            end = slice_end(SLICE_S)
    for key, link_item in links.items():
        if key in routes:
            link_item.set_route(routes[key])
        if time.perf_counter() >= end:
            yield 0.98
            end = slice_end(SLICE_S)
    # And the far-out drawing of it all, which the first paint after a fit would otherwise make.
    overview = Overview()
    for _step in overview.fill(links.values(), nodes.values()):
        if time.perf_counter() >= end:
            yield 0.99
            end = slice_end(SLICE_S)
    return Prepared(diagram, nodes, links, router, homes_shown=True, overview=overview, extent=extent)



def _badges(diagram: Diagram) -> dict[str, BadgeTexts | None]:
    """What each server's badges say (``NodeItem.set_badge_texts``), worked out in the routing thread: only strings
    and flags in tuples come back. The servers' homes (dataclasses), held by the GUI thread until every card had its
    badges, lived long enough to count toward a full collection: 2,281 of the 2,000-node file's while it opened."""
    homes = state_homes(diagram)
    badges: dict[str, BadgeTexts | None] = {}
    for node in diagram.nodes:
        breathe()
        if rows := gui_kind(node.kind).badges:
            badges[node.id] = badge_texts(rows, homes.get(node.id))
    return badges


class Swap:
    """The shown diagram's items out of ``scene`` and ``new`` in, a slice at a time (see the module's words)."""

    def __init__(self, scene: QGraphicsScene, shown: set[QGraphicsItem], new: list[QGraphicsItem],
                 before_adding: Callable[[], None], adopt: Callable[[QGraphicsItem], None]) -> None:
        self.scene = scene
        self.shown = shown  # the shown diagram's cards and links
        self.others: list[QGraphicsItem] = []  # the rest (a run's layer, a gesture's line): out at the end
        self.new = new
        self.before_adding = before_adding  # the old items are out
        self.adopt = adopt  # a new item is drawn as the scene's others are (far out or not)
        self.old: list[QGraphicsItem] = []  # the shown diagram's items, bottom first
        self.selected: list[QGraphicsItem] = []
        self.removed = self.added = 0
        self.frozen: list = []  # the views whose updates this turned off
        self.ended = False

    def steps(self) -> Iterator[float]:
        """Yields the fraction done after each slice; closed before :meth:`end`, it puts everything back."""
        scene = self.scene
        self.frozen = [view for view in scene.views() if view.updatesEnabled()]
        for view in self.frozen:
            view.setUpdatesEnabled(False)  # the picture of the shown diagram stays while its items go
        try:
            everything = scene.items(Qt.SortOrder.AscendingOrder)
            shown = self.shown
            self.old = [item for item in everything if item in shown]
            # Asked of the few items that are neither cards nor links only: asked of 12,005, 16 ms of CPU.
            self.others = [item for item in everything if item not in shown and item.parentItem() is None]
            self.shown = set()
            self.selected = scene.selectedItems()
            total = max(1, len(self.old) + len(self.new))
            yield 0.0  # sorting and sorting out 12,000 items took 20-35 ms: the removals start in the next turn
            end = slice_end(SLICE_S)
            for item in self.old:
                scene.removeItem(item)
                self.removed += 1
                if time.perf_counter() >= end:
                    yield self.removed / total
                    end = slice_end(SLICE_S)
            self.before_adding()
            for item in self.new:
                self.adopt(item)
                scene.addItem(item)
                self.added += 1
                if time.perf_counter() >= end:
                    yield (self.removed + self.added) / total
                    end = slice_end(SLICE_S)
        except BaseException:
            self._put_back()
            raise

    def end(self) -> bool:
        """The model now shows the new diagram: whether every new item is in the scene and every old one out.
        The views show again from the next turn; the old items are let go a few hundred a turn (deleting 12,000
        took 0.1 s)."""
        self.ended = True
        # The first paint in a turn of its own, not in the turn that shows the model (the 4,000 stacked servers:
        # 15-23 ms of that turn's work, then 41-47 ms of paint before the window saw its events again). A 1 ms
        # timer, as between the slices of progress.py: a 0 ms one may run in the same turn. (A function of its own:
        # Qt's timer holds a bound method's object weakly, and this Swap is let go before it fires.)
        frozen, self.frozen = self.frozen, []
        QTimer.singleShot(1, lambda: _let_paint(frozen))
        done = self.added == len(self.new) and self.removed == len(self.old)
        for item in self.others:  # as a scene cleared would have none of them
            if item.scene() is self.scene:
                self.scene.removeItem(item)
        self.others = []
        release_slowly(self.old[: self.removed], self.scene)
        self.old = self.selected = []
        return done

    def _put_back(self) -> None:
        """Cancel: the old items back in their stacking order and selection, the new ones out."""
        if self.ended:
            return
        self.ended = True
        scene = self.scene
        if not shiboken6.isValid(scene):  # the window closed meanwhile: nothing to put back into
            return
        for item in self.new[: self.added]:
            scene.removeItem(item)
        for item in self.old[: self.removed]:
            scene.addItem(item)
        for item in self.selected:
            item.setSelected(True)
        _let_paint(self.frozen)  # at once: the old picture is what they show again
        self.frozen = []


def _let_paint(views: list) -> None:
    for view in views:
        if shiboken6.isValid(view):  # (not a view closed meanwhile)
            view.setUpdatesEnabled(True)


def swap_steps(scene: QGraphicsScene, made: Prepared, shown: set[QGraphicsItem], before_adding: Callable[[], None],
               adopt: Callable[[QGraphicsItem], None]) -> Iterator[float]:
    """``made``'s items into ``scene`` in place of ``shown``, a slice at a time (:class:`Swap`). Closed before the
    end (Cancel), the shown items are back and ``made``'s are let go a slice at a time."""
    made.swap = Swap(scene, shown, [*made.nodes.values(), *made.links.values()], before_adding, adopt)
    try:
        yield from made.swap.steps()
    except GeneratorExit:
        let_go_of(made, scene)
        raise


def let_go_of(made: Prepared | None, parent: QObject) -> None:
    """Items made ahead and never shown (Cancel, or another file opened): let go a slice at a time."""
    if made is not None:
        release_slowly([*made.nodes.values(), *made.links.values()], parent)
        made.nodes.clear()
        made.links.clear()
        if made.swap is not None:
            made.swap.new = []


def release_slowly(items: list[Any], parent: QObject, per_turn: int = RELEASE) -> None:
    """Let ``items`` go ``per_turn`` at a time, one turn of the event loop after another; at once when ``parent`` is
    gone (the window closed while they were made: no event loop turns for it any more)."""
    if not items or not shiboken6.isValid(parent):
        return
    left = deque(items)
    timer = QTimer(parent)

    def release() -> None:
        for _ in range(min(per_turn, len(left))):
            left.popleft()
        if not left:
            timer.stop()
            timer.deleteLater()

    timer.timeout.connect(release)
    timer.start(0)
