"""The far-out look of a big diagram, drawn in a few batched calls instead of one Python call per item.

Below ``BLOCKS_LOD`` a node card is a coloured block anyway. The view then draws every link and block
from plain lists (:class:`Overview`), and the items' own painting is switched off with Qt's
``ItemHasNoContents`` flag: they stay where they are, selectable and hit-testable. Switching the flag on
thousands of items costs tens of milliseconds, so :class:`OverviewMode` switches the items in sight at once
and the others over the next turns of the event loop.
"""

from __future__ import annotations

import math
from collections import deque
from itertools import chain
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from . import theme
from .items import LinkItem, NodeItem

if TYPE_CHECKING:
    from .scene import DiagramScene

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
CHUNK = 600  # items switched per turn of the event loop: about 3 ms
TILE = 1000.0  # scene units a side: about 130 tiles on a 2,000-node diagram
REACH = 5.0  # how far a line's halo or an end dot reaches out of its geometry, in scene units


class Overview:
    """What a far-out view draws: the links as lines with their end dots, the nodes as blocks.

    Built from the items on demand; the scene drops it on any change of geometry, membership or selection.
    Kept in square tiles of the scene, so that a view showing part of a big diagram draws only the tiles in
    sight: just above fit, most of the diagram is out of sight, and drawing it all took 6 ms a frame.
    """

    def __init__(self, scene: DiagramScene) -> None:
        # Made again on every change (a drag far out makes one per mouse move): plain numbers where possible.
        self._tiles: dict[tuple[int, int], _Tile] = {}
        self._shown: tuple[list[_Tile], _Tile] | None = None  # the tiles last drawn, merged into one
        for link in scene.link_items.values():
            start, end = link.ends()
            x1, y1, x2, y2 = start.x(), start.y(), end.x(), end.y()
            tile = self._tile((x1 + x2) / 2, (y1 + y2) / 2)
            (tile.selected_links if link.isSelected() else tile.links).append(link.line())
            tile.ends += (start, end)
            tile.grow(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        cards: dict[str, tuple[float, float, float, float]] = {}  # kind -> its card: left, top, width, height
        for node in scene.node_items.values():
            card = cards.get(node.kind)
            if card is None:
                r = node.card_rect()
                card = cards[node.kind] = (r.left(), r.top(), r.width(), r.height())
            at = node.pos()
            left, top = at.x() + card[0], at.y() + card[1]
            tile = self._tile(at.x(), at.y())
            tile.blocks.setdefault("" if node.isSelected() else node.kind, []).append(
                QRectF(left, top, card[2], card[3]))
            tile.grow(left, top, left + card[2], top + card[3])
        for tile in self._tiles.values():
            tile.finish()

    def _tile(self, x: float, y: float) -> _Tile:
        key = (math.floor(x / TILE), math.floor(y / TILE))
        tile = self._tiles.get(key)
        if tile is None:
            tile = self._tiles[key] = _Tile()
        return tile

    def draw(self, p: QPainter, rect: QRectF) -> None:
        """The items' far-out painting (LinkItem.paint, NodeItem.paint's block) in ``rect``, batched."""
        fringe = 2.0 / max(p.worldTransform().m11(), 1e-6)  # antialiasing reaches a pixel out, whatever the zoom
        rect = rect.adjusted(-fringe, -fringe, fringe, fringe)
        shown = [tile for tile in self._tiles.values() if tile.bounds.intersects(rect)]
        if self._shown is None or self._shown[0] != shown:
            self._shown = shown, _Tile.merged(shown)
        self._shown[1].draw(p)


class _Tile:
    """The lines, end dots and blocks of the items whose middle lies in one tile of the scene."""

    def __init__(self) -> None:
        self.links: list[QLineF] = []
        self.selected_links: list[QLineF] = []
        self.ends: list[QPointF] = []
        self.blocks: dict[str, list[QRectF]] = {}  # kind (or "" for the selected nodes) -> card rectangles
        self.bounds = QRectF()  # all of it, pens included
        self._box = [math.inf, math.inf, -math.inf, -math.inf]

    def grow(self, left: float, top: float, right: float, bottom: float) -> None:
        box = self._box
        box[0], box[1] = min(box[0], left), min(box[1], top)
        box[2], box[3] = max(box[2], right), max(box[3], bottom)

    def finish(self) -> None:
        left, top, right, bottom = self._box
        self.bounds = QRectF(left, top, right - left, bottom - top).adjusted(-REACH, -REACH, REACH, REACH)

    @staticmethod
    def merged(tiles: list[_Tile]) -> _Tile:
        whole = _Tile()
        for tile in tiles:
            whole.links += tile.links
            whole.selected_links += tile.selected_links
            whole.ends += tile.ends
            for kind, rects in tile.blocks.items():
                whole.blocks.setdefault(kind, []).extend(rects)
        return whole

    def draw(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.selected_links:
            halo = QPen(theme.LINK_SELECTED.lighter(170), 8.0)
            halo.setCapStyle(Qt.PenCapStyle.RoundCap)
            p.setPen(halo)
            p.drawLines(self.selected_links)
            p.setPen(QPen(theme.LINK_SELECTED, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawLines(self.selected_links)
        p.setPen(QPen(theme.LINK, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLines(self.links)
        p.setPen(QPen(theme.LINK, 8.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))  # a dot: radius 3 + pen
        p.drawPoints(self.ends)
        p.setPen(Qt.PenStyle.NoPen)
        for kind, rects in self.blocks.items():
            p.setBrush(theme.kind_colour(kind).lighter(150) if kind else theme.SELECTION)
            p.drawRects(rects)


class OverviewMode:
    """Whether the scene's items draw themselves (off) or leave it to the view's :class:`Overview` (on)."""

    def __init__(self, scene: DiagramScene) -> None:
        self.scene = scene
        self.on = False
        self._todo: deque[QGraphicsItem] = deque()  # items whose flag may still disagree with ``on``
        self._done: set[QGraphicsItem] = set()  # items of ``_todo`` already switched, as a view showed them
        self._settled = QRectF()  # where every item already draws as ``on`` says
        self._timer = QTimer(scene)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_chunk)

    def set_on(self, on: bool) -> None:
        if on != self.on:
            self.on = on
            self._todo = deque(chain(self.scene.link_items.values(), self.scene.node_items.values()))
            self._done = set()
            self._settled = QRectF()
            self._timer.start()

    def adopt(self, item: QGraphicsItem) -> None:
        """A new item draws itself or not, as the others."""
        item.setFlag(NO_CONTENTS, self.on)

    def forget_all(self) -> None:
        """The scene is about to delete every item."""
        self._todo.clear()
        self._done = set()
        self._settled = QRectF()

    def settle(self, rect: QRectF | None = None) -> None:
        """Switch now: every item still to do, or only the items in ``rect`` (what a view is about to show)."""
        if rect is None:
            todo, self._todo = self._todo, deque()
            for item in todo:
                self._switch(item)
            self._done = set()
        elif self._todo and not self._settled.contains(rect):
            # Zooming out shows a little more each frame: only what was not switched yet costs a call into Qt.
            done = self._done
            for item in self.scene.items(rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
                if item not in done and isinstance(item, NodeItem | LinkItem):
                    item.setFlag(NO_CONTENTS, self.on)
                    done.add(item)
            self._settled = rect

    def _switch(self, item: QGraphicsItem) -> None:
        if item not in self._done and item.scene() is self.scene:  # a removed item may wait here; not drawn anyway
            item.setFlag(NO_CONTENTS, self.on)

    def _next_chunk(self) -> None:
        for _ in range(min(CHUNK, len(self._todo))):
            self._switch(self._todo.popleft())
        if self._todo:
            self._timer.start()
        else:
            self._done = set()
            self._settled = QRectF()
