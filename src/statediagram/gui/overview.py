"""The far-out look of a big diagram, drawn in a few batched calls instead of one Python call per item.

Below ``BLOCKS_LOD`` a node card is a coloured block anyway. The view then draws every link and block
from plain lists (:class:`Overview`), and the items' own painting is switched off with Qt's
``ItemHasNoContents`` flag: they stay where they are, selectable and hit-testable. Switching the flag on
thousands of items costs tens of milliseconds, so :class:`OverviewMode` switches the items in sight at once
and the others over the next turns of the event loop.
"""

from __future__ import annotations

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


class Overview:
    """What a far-out view draws: the links as lines with their end dots, the nodes as blocks.

    Built from the items on demand; the scene drops it on any change of geometry, membership or selection.
    """

    def __init__(self, scene: DiagramScene) -> None:
        self.links: list[QLineF] = []
        self.selected_links: list[QLineF] = []
        self.ends: list[QPointF] = []
        self.blocks: dict[str, list[QRectF]] = {}  # kind (or "" for the selected nodes) -> card rectangles
        for link in scene.link_items.values():
            line = link.line()
            (self.selected_links if link.isSelected() else self.links).append(line)
            self.ends += (line.p1(), line.p2())
        for node in scene.node_items.values():
            kind = "" if node.isSelected() else node.kind
            self.blocks.setdefault(kind, []).append(node.card_rect().translated(node.pos()))

    def draw(self, p: QPainter) -> None:
        """The items' far-out painting (LinkItem.paint, NodeItem.paint's block), batched."""
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
        self._settled = QRectF()  # where every item already draws as ``on`` says
        self._timer = QTimer(scene)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_chunk)

    def set_on(self, on: bool) -> None:
        if on != self.on:
            self.on = on
            self._todo = deque(chain(self.scene.link_items.values(), self.scene.node_items.values()))
            self._settled = QRectF()
            self._timer.start()

    def adopt(self, item: QGraphicsItem) -> None:
        """A new item draws itself or not, as the others."""
        item.setFlag(NO_CONTENTS, self.on)

    def forget_all(self) -> None:
        """The scene is about to delete every item."""
        self._todo.clear()
        self._settled = QRectF()

    def settle(self, rect: QRectF | None = None) -> None:
        """Switch now: every item still to do, or only the items in ``rect`` (what a view is about to show)."""
        if rect is None:
            todo, self._todo = self._todo, deque()
            for item in todo:
                self._switch(item)
        elif self._todo and not self._settled.contains(rect):
            for item in self.scene.items(rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
                if isinstance(item, NodeItem | LinkItem):
                    item.setFlag(NO_CONTENTS, self.on)
            self._settled = rect

    def _switch(self, item: QGraphicsItem) -> None:
        if item.scene() is self.scene:  # a removed item may wait here; it is no longer drawn anyway
            item.setFlag(NO_CONTENTS, self.on)

    def _next_chunk(self) -> None:
        for _ in range(min(CHUNK, len(self._todo))):
            self._switch(self._todo.popleft())
        if self._todo:
            self._timer.start()
        else:
            self._settled = QRectF()
