"""The far-out look of a big diagram, drawn in a few batched calls instead of one Python call per item.

Below ``TEXT_LOD`` a node card has no text: it is one of a handful of pictures (see NodeItem.card_picture),
and below ``BLOCKS_LOD`` a coloured block. The view then draws every link, card and block in sight from
plain lists (:class:`Overview`), and the items' own painting is switched off with Qt's ``ItemHasNoContents``
flag: they stay where they are, selectable and hit-testable. Switching the flag on thousands of items costs
tens of milliseconds, so :class:`OverviewMode` switches the items in sight at once and the others over the
next turns of the event loop.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from ...core.routes import Route
from .. import theme
from .items import BLOCKS_LOD, NodeItem, copies_pictures
from .linkitem import LinkItem

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
CHUNK = 600  # items switched per turn of the event loop: about 3 ms
STEP = 100  # items taken in between two looks at the clock (100 links: ~4 ms)
DRAWING_STEP = 400  # links put in a tile's drawing between two looks at the clock (400: ~11 ms)
TILE = 1000.0  # scene units a side: about 130 tiles on a 2,000-node diagram
REACH = 5.0  # how far a line's halo or an end dot reaches out of its geometry, in scene units


class Overview:
    """What a far-out view draws: the links as lines with their end dots, the nodes as cards or blocks.

    Built from the items on demand; the scene drops it on any change of membership or selection, and moves
    a dragged node's drawing (:meth:`moved`). Kept in square tiles of the scene, so that a view showing part
    of a big diagram draws only the tiles in sight: just above fit, most of the diagram is out of sight, and
    drawing it all took 6 ms a frame.
    """

    def __init__(self, links: Iterable[LinkItem] = (), nodes: Iterable[NodeItem] = (),
                 replacing: Overview | None = None) -> None:
        # Made again on every change of selection: plain numbers where possible. Tuples of numbers and strings, which
        # Python's cyclic collector does not track; Qt's drawing of a tile is made when first drawn, a few objects a
        # tile: a 2,000-node diagram's overview held 45,000 lines, points, rectangles, lists and tuples for the
        # collector to look at (40 ms of each full collection; see benchmarks/bench_open_big.py).
        self._tiles: dict[tuple[int, int], _Tile] = {}
        self._shown: tuple[set[_Tile], _Tile] | None = None  # tiles drawn lately, and them merged into one
        self._links: dict[LinkItem, _Tile] = {}
        self._nodes: dict[NodeItem, _Tile] = {}
        self._rank: dict[NodeItem, int] = {}  # the scene's order: cards overlap as the items would
        self._cards: dict[str, tuple[float, float, float, float]] = {}  # kind -> card's left, top, width, height
        # Made again for links routed anew (``replacing`` the overview drawn so far), the cards are where they were:
        # the blocks drawn last serve again. Made anew, the 2,000-node file's 2,000 rectangles, kept while drawn,
        # lived long enough to count toward a full collection once its links were routed for good after it opened.
        last = replacing._shown[1] if replacing is not None and replacing._shown is not None else None
        self._last_blocks = (last.boxes, last._blocks) if last is not None and last._blocks is not None else None
        for _step in self.fill(links, nodes):
            pass

    def fill(self, links: Iterable[LinkItem], nodes: Iterable[NodeItem]) -> Iterator[None]:
        """Take in ``links`` and ``nodes`` (into an overview made empty), yielding every ``STEP`` items: a big
        file's overview is made ahead of showing it, a slice at a time (2,000 nodes: 0.15-0.25 s in one piece)."""
        for i, link in enumerate(links):
            self._add_link(link)
            if i % STEP == STEP - 1:
                yield
        for rank, node in enumerate(nodes):
            self._rank[node] = rank
            self._add_node(node)
            if rank % STEP == STEP - 1:
                yield
        for i, tile in enumerate(self._tiles.values()):
            tile.finish()
            yield from tile.drawing()  # what the first paint would make (2,000 nodes: 20-30 ms in all)
            if i % 4 == 3:
                yield

    def making_blocks(self) -> Iterator[None]:
        """Every tile's cards as blocks, a few hundred a step: made ahead of a first paint that shows them (a big
        file fitted far out, or too many cards in sight), which made them in one piece."""
        for tile in list(self._tiles.values()):
            yield from tile.making_blocks()
            yield

    def _tile(self, x: float, y: float) -> _Tile:
        key = (math.floor(x / TILE), math.floor(y / TILE))
        tile = self._tiles.get(key)
        if tile is None:
            tile = self._tiles[key] = _Tile()
        return tile

    def _add_link(self, link: LinkItem) -> _Tile:
        route = link.route()
        (x0, y0), (x1, y1) = (route[0], route[-1]) if route else ((0.0, 0.0), (0.0, 0.0))
        tile = self._tile((x0 + x1) / 2, (y0 + y1) / 2)
        tile.add_link(link, route, link.isSelected())
        box = link.boundingRect()  # the route's corners reach out of the box of its two ends
        tile.grow(box.left(), box.top(), box.right(), box.bottom())
        self._links[link] = tile
        return tile

    def _add_node(self, node: NodeItem) -> _Tile:
        card = self._cards.get(node.kind)
        if card is None:
            r = node.card_rect()
            card = self._cards[node.kind] = (r.left(), r.top(), r.width(), r.height())
        at = node.pos()
        left, top = at.x() + card[0], at.y() + card[1]
        tile = self._tile(at.x(), at.y())
        tile.add_node(node, ("" if node.isSelected() else node.kind, left, top, card[2], card[3]))
        tile.grow(left, top, left + card[2], top + card[3])
        self._nodes[node] = tile
        return tile

    def moved(self, node: NodeItem, links: list[LinkItem]) -> None:
        """``node`` moved and ``links`` with it (their geometry already updated): draw them where they are now.

        A drag far out moves a node a mouse move at a time; making the whole overview again took 30 ms.
        """
        self._nodes.pop(node).drop_node(node)
        self._add_node(node).finish()
        self.links_moved(links)

    def links_moved(self, links: list[LinkItem]) -> None:
        """``links`` took new routes: draw them where they run now."""
        grown = set()
        for link in links:
            tile = self._links.pop(link, None)
            if tile is None:
                continue
            tile.drop_link(link)
            grown.add(self._add_link(link))
        for tile in grown:
            tile.finish()
        self._shown = None

    def draw(self, p: QPainter, rect: QRectF, crowded: bool = False) -> None:
        """The items' far-out painting (LinkItem.paint, NodeItem.paint without texts) in ``rect``, batched;
        ``crowded``: drawn so only because too many cards are in sight (see DiagramScene.crowded)."""
        lod = p.worldTransform().m11()
        fringe = 2.0 / max(lod, 1e-6)  # antialiasing reaches a pixel out, whatever the zoom
        rect = rect.adjusted(-fringe, -fringe, fringe, fringe)
        whole = self._merged([tile for tile in self._tiles.values() if tile.bounds.intersects(rect)])
        whole.draw_links(p, crowded)
        if lod < BLOCKS_LOD or crowded:  # crowded: cards stacked too thick to see as cards, in a few calls
            whole.draw_blocks(p)
        else:
            if not whole.sorted:
                whole.nodes.sort(key=self._rank.__getitem__)
                whole.sorted = True
            draw_cards(p, whole.nodes, lod)

    def _merged(self, shown: list[_Tile]) -> _Tile:
        """The tiles in sight as one, made again only when they are not yet in it or it holds twice as many:
        each step of a zoom or pan shows a few tiles more or fewer, and merging all takes a millisecond."""
        if self._shown is not None:
            merged, whole = self._shown
            missing = [tile for tile in shown if tile not in merged]
            if len(merged) + len(missing) <= 2 * len(shown):
                if missing:
                    merged.update(missing)
                    whole.add(missing)
                return whole
        whole = _Tile()
        whole.add(shown)
        if self._last_blocks is not None and self._last_blocks[0] == whole.boxes:
            whole._blocks = self._last_blocks[1]
        self._last_blocks = None
        self._shown = set(shown), whole
        return whole

def draw_cards(p: QPainter, nodes: list[NodeItem], lod: float) -> None:
    """The cards of ``nodes`` as their own paint() draws them below TEXT_LOD (no texts), handles included."""
    t = p.deviceTransform()
    if copies_pictures(p, t):
        sx, sy, dx, dy = t.m11(), t.m22(), t.dx(), t.dy()
        ratio, hints = p.device().devicePixelRatio(), p.renderHints()
        p.save()
        p.setWorldTransform(QTransform())
        for node in nodes:  # where NodeItem._copy_card would put the picture
            picture = node.card_picture(node.isSelected(), lod, sx, sy, ratio, hints)
            at, corner = node.pos(), node.boundingRect()
            x, y = (at.x() + corner.left()) * sx + dx, (at.y() + corner.top()) * sy + dy
            p.drawPixmap(QPointF(round(x) / ratio, round(y) / ratio), picture)
        p.restore()
    else:  # a rotated view, a vector device: drawn for real
        for node in nodes:
            p.save()
            p.translate(node.pos())
            node.paint_card(p, node.isSelected(), lod)
            p.restore()
    for node in nodes:
        if node.interactive and (node.hovered or node.isSelected()):
            p.save()
            p.translate(node.pos())
            node.paint_handle(p)
            p.restore()


class _Tile:
    """The lines, end dots, cards and blocks of the items whose middle lies in one tile of the scene."""

    def __init__(self) -> None:
        self.links: dict[LinkItem, tuple[Route, bool]] = {}  # each link's route, and whether it is selected
        self.nodes: list[NodeItem] = []
        self.boxes: list[tuple[str, float, float, float, float]] = []  # each node's card: kind ("" if selected),
        # left, top, width, height
        self.parts: list[_Tile] = []  # the tiles this one stands for (see add), if any
        self.sorted = False  # whether ``nodes`` are in the scene's order
        self._drawn: tuple[QPainterPath, QPainterPath, QPolygonF] | None = None  # see drawn()
        self._changes = 0  # links added or dropped so far: a drawing made in steps meanwhile is not kept
        self._blocks: dict[str, list[QRectF]] | None = None  # kind (or "" for the selected nodes) -> cards
        self._node_changes = 0  # cards added or dropped so far: blocks made in steps meanwhile are not kept
        self.bounds = QRectF()  # all of it, pens included
        self._box = [math.inf, math.inf, -math.inf, -math.inf]

    def add_link(self, link: LinkItem, route: Route, selected: bool) -> None:
        self.links[link] = route, selected
        self._drawn = None
        self._changes += 1

    def drop_link(self, link: LinkItem) -> None:
        del self.links[link]
        self._drawn = None
        self._changes += 1

    def add_node(self, node: NodeItem, box: tuple[str, float, float, float, float]) -> None:
        self.nodes.append(node)
        self.boxes.append(box)
        self._blocks = None
        self._node_changes += 1

    def drop_node(self, node: NodeItem) -> None:
        i = self.nodes.index(node)
        del self.nodes[i], self.boxes[i]
        self._blocks = None
        self._node_changes += 1

    def grow(self, left: float, top: float, right: float, bottom: float) -> None:
        box = self._box
        box[0], box[1] = min(box[0], left), min(box[1], top)
        box[2], box[3] = max(box[2], right), max(box[3], bottom)

    def finish(self) -> None:
        left, top, right, bottom = self._box
        # A node's handle reaches out of its card as far as its bounding rectangle does.
        reach = REACH + (theme.HANDLE_RADIUS + 4 if self.nodes else 0)
        self.bounds = QRectF(left, top, right - left, bottom - top).adjusted(-reach, -reach - 12, reach, reach)

    def add(self, tiles: list[_Tile]) -> None:
        """Take in what ``tiles`` hold (this tile then stands for them all)."""
        for tile in tiles:
            self.parts.append(tile)
            self.nodes += tile.nodes
            self.boxes += tile.boxes
        self.sorted = False
        self._drawn = None
        self._blocks = None
        self._node_changes += 1

    def drawn(self) -> tuple[QPainterPath, QPainterPath, QPolygonF]:
        """This tile's links as paths of their pieces (unselected, selected) and their end dots, made when first
        drawn. A path of the pieces, each its own subpath, is drawn as drawLines draws them (the same pixels at
        the overview's zooms, measured, and 20% faster), while a Python list of 15,000 lines was copied into Qt at
        every frame."""
        if self._drawn is None:
            for _step in self.drawing():
                pass
        return self._drawn  # type: ignore[return-value]

    def drawing(self) -> Iterator[None]:
        """Makes what :meth:`drawn` gives, yielding every ``DRAWING_STEP`` links: the 8,001 links of 4,000 stacked
        servers all lie in one tile, and made in one piece they held the window 0.22 s while a file opened."""
        if self._drawn is not None:
            return
        changes = self._changes
        # The end dots go straight into Qt's polygon: as a list of points held while this yields, 8,362 of the 16,002
        # of the 4,000-server file lived long enough to count toward a full collection.
        lines, chosen, dots = QPainterPath(), QPainterPath(), QPolygonF()
        for i, (route, selected) in enumerate(list(self.links.values())):
            if route:
                path = chosen if selected else lines
                for (x0, y0), (x1, y1) in zip(route, route[1:], strict=False):
                    path.moveTo(x0, y0)
                    path.lineTo(x1, y1)
                dots.append(QPointF(*route[0]))  # (``+=`` would make the polygon a list)
                dots.append(QPointF(*route[-1]))
            if i % DRAWING_STEP == DRAWING_STEP - 1:
                yield
        if self._changes == changes:  # a link added or dropped between two steps: drawn() makes it again
            self._drawn = lines, chosen, dots

    def draw_links(self, p: QPainter, crowded: bool = False) -> None:
        """The links of this tile or of the tiles it stands for, tile by tile (a Qt call or three each: merging
        their paths or points into one through Python took longer than drawing them)."""
        # Far out a link is a hairline: drawn without antialiasing (2,000 nodes at fit, routes of three pieces a
        # link, a loaded machine: drawLines 13 ms a frame instead of 17 ms; straight lines took 8 ms).
        p.setRenderHint(QPainter.RenderHint.Antialiasing, p.worldTransform().m11() >= BLOCKS_LOD and not crowded)
        drawn = [tile.drawn() for tile in self.parts or [self]]
        p.setBrush(Qt.BrushStyle.NoBrush)
        if crowded:  # thousands of cards on top of each other: the links under them as one-pixel lines (the
            # 8,000 links of 4,000 stacked servers took 0.4-0.85 s a paint at zoom 1 as 2-unit strokes, and
            # their cards as pictures 0.3 s more; as blocks a few milliseconds)
            p.setPen(QPen(theme.LINK, 0))
            for lines, chosen, _dots in drawn:
                p.drawPath(lines)
                p.drawPath(chosen)
            return
        if any(not chosen.isEmpty() for _lines, chosen, _dots in drawn):
            halo = QPen(theme.LINK_SELECTED.lighter(170), 8.0)
            halo.setCapStyle(Qt.PenCapStyle.RoundCap)
            p.setPen(halo)
            for _lines, chosen, _dots in drawn:
                p.drawPath(chosen)
            p.setPen(QPen(theme.LINK_SELECTED, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            for _lines, chosen, _dots in drawn:
                p.drawPath(chosen)
        p.setPen(QPen(theme.LINK, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for lines, _chosen, _dots in drawn:
            p.drawPath(lines)
        p.setPen(QPen(theme.LINK, 8.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))  # a dot: radius 3 + pen
        for _lines, _chosen, dots in drawn:
            p.drawPoints(dots)

    def blocks(self) -> dict[str, list[QRectF]]:
        """The cards as blocks, by kind ("" for the selected ones), made when first needed; a tile standing for
        others takes theirs (the same rectangles in the same order as its own boxes would give)."""
        if self._blocks is None:
            for _step in self.making_blocks():
                pass
        return self._blocks  # type: ignore[return-value]

    def making_blocks(self) -> Iterator[None]:
        """Makes what :meth:`blocks` gives, yielding every ``STEP`` * 5 cards (a tile of 4,000 stacked servers: 17-33
        ms in one piece, measured on the first paint after opening them)."""
        blocks: dict[str, list[QRectF]] = {}
        changes = self._node_changes
        if self.parts:
            for part in self.parts:
                for kind, rects in part.blocks().items():
                    blocks.setdefault(kind, []).extend(rects)
        else:
            for i, (kind, left, top, width, height) in enumerate(self.boxes):
                blocks.setdefault(kind, []).append(QRectF(left, top, width, height))
                if i % (STEP * 5) == STEP * 5 - 1:
                    yield
        if self._node_changes == changes:  # a card added or dropped between two steps: made again when needed
            self._blocks = blocks

    def draw_blocks(self, p: QPainter) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        for kind, rects in self.blocks().items():
            p.setBrush(theme.kind_colour(kind).lighter(150) if kind else theme.SELECTION)
            p.drawRects(rects)


class OverviewMode:
    """Whether the scene's items draw themselves (off) or leave it to the view's :class:`Overview` (on)."""

    def __init__(self, scene: QGraphicsScene, every_item: Callable[[], Iterable[QGraphicsItem]]) -> None:
        self.scene = scene
        self._every_item = every_item  # the scene's links and nodes, links first
        self.on = False
        self._todo: deque[QGraphicsItem] = deque()  # items whose flag may still disagree with ``on``
        self._done: set[QGraphicsItem] = set()  # items of ``_todo`` already switched, as a view showed them
        self._settled = QRectF()  # where every item already draws as ``on`` says
        self.crowded = False  # on because too many cards are in sight, not because the view is far out
        self._timer = QTimer(scene)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_chunk)

    def set_on(self, on: bool) -> None:
        if on != self.on:
            self.on = on
            self._todo = deque(self._every_item())
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
