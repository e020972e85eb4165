"""One scene item that draws the whole simulation over the diagram: link flashes, node live state,
highlights, every token and the failure badges, in a single paint.

Drawing many tokens from one item (stamped sprites) keeps a frame of 1,000 tokens to about a millisecond of
painting; the item takes no mouse buttons, so the editor's items underneath keep working.
"""

from __future__ import annotations

from math import ceil

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...core.topology import RAM
from ..canvas.items import BLOCKS_LOD, paint_warning_mark
from ..kinds import gui_kind
from .chatpaint import OpenLegs, mark_pills, paint_connections
from .geometry import SceneGeometry
from .label_layout import Box, CardIndex, Label, Layout, along_link, around_card, box_of, card_boxes, place
from .strokes import paint_down, paint_flash_lines, stamp_tokens
from .style import LOOKS, Z_LAYER, shared_sprites
from .tokens import Frame

LABELS_LOD = 0.35  # below this zoom the live-state labels are too small to read and are left out
FLASHES_LOD = 0.5  # store commands over links only from this zoom, and only when few (MAX_FLASH_LABELS)
MAX_FLASH_LABELS = 16
TOKEN_HIT_PX = 12.0  # a click this close to a token (in screen pixels) picks it: twice its drawn radius
ICON_PAD = 17.0  # room for the outcome's shape at a badge's left
WIDTH_STEP = 8.0  # label boxes are this much wider at most: a counter that ticks keeps the layout as it is
SIGHT_MARGIN = 300.0  # labels are placed for the cards in sight and this far around (scene units)
# Labels' colours by name: a tuple of words the cyclic collector lets go of (with a QColor in it, a label's drawing
# stayed tracked, and went to the collector's oldest generation with the frame: bench_promotions.py --where).
WHITE, INK, GREY = "#ffffff", "#202124", "#5f6368"
DOWN_RED, HEALTHY = "#C62828", "#009E73"


def short_name(label: str) -> str:
    """'Server A' -> 'A'; other labels keep up to 8 characters."""
    parts = label.split()
    if len(parts) > 1 and len(parts[-1]) <= 3:
        return parts[-1]
    return label[:8]


class SimulationLayer(QGraphicsItem):
    """The simulation drawn over a diagram. Feed it frames with ``show_frame``."""

    def __init__(self, geometry: SceneGeometry) -> None:
        super().__init__()
        self.geometry = geometry
        self.setZValue(Z_LAYER)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.sprites = shared_sprites()
        self._icons = shared_sprites(4.5)  # the outcome's shape inside a badge, sized to the text
        self.frame = Frame(0)
        self.kinds: dict[str, str] = {}
        self._colours: dict[str, str] = {}  # a node's kind's colour (a store's flashes are in it)
        self._open_legs = OpenLegs()  # a chat run's open connections, as drawn
        self.labels: dict[str, str] = {}
        self.session_homes: dict[str, str] = {}  # server -> "ram", "redis" or "token"
        self.highlighted: tuple[str, ...] = ()
        self._rect = QRectF()
        self._rects: dict[str, QRectF | None] = {}
        self._links: dict[tuple[str, str], list[QPointF]] = {}
        self._lines: dict[tuple[str, str], list[QLineF]] = {}
        self._pills: dict[tuple, QPixmap] = {}  # text pictures, drawn once (text is the slow part of a frame)
        self._widths: dict[tuple[str, bool], float] = {}  # a pill's width by its text (and icon)
        self._labels: list[tuple[Label, tuple]] = []  # the frame's labels and how to draw each
        self._own = Layout()  # where the nodes' own labels are (DOWN, live chips)
        self._passing = Layout()  # where the failure badges and store commands are, placed around the former
        self._own_key: tuple | None = None
        self._own_for: tuple | None = None  # (states, sight, cards in sight, their own labels) last collected
        self._passing_key: tuple | None = None
        self._spots: dict[tuple, tuple] = {}  # a node's places by side, a link's, a chat arc's
        self._made: dict[tuple, Label] = {}  # the labels placed, by key (see _label)
        self._flash_colours: dict[str, str] = {}  # a store's command labels' colour
        self._sight: QRectF | None = None  # the part of the scene in sight, with a margin (None: all of it)
        self._cards = CardIndex([])  # what labels keep off, built once per geometry
        self._laid_out: Frame | None = None  # the frame the layout is for
        self._grown = True  # the bounding rectangle holds the layout's labels
        self._labels_box: tuple[tuple, QRectF] = ((), QRectF())  # (the layouts, the box round their labels)
        self._lod = 1.0
        self._small: tuple[tuple | None, list] = (None, [])  # far-out badges: (node, outcome)s drawn, their places
        self.left_out = False  # True while a Backdrop draws the diagram without this layer
        self.backdrop = None  # a Backdrop repainting the view for each frame, or None: the scene updates it
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._bold = QFont(self._font)
        self._bold.setBold(True)
        self._pill_height = QFontMetricsF(self._bold).height() + 6  # a pill's picture with its 1-unit margin

    # --- feeding --------------------------------------------------------------------------------

    def set_run(self, kinds: dict[str, str], labels: dict[str, str], session_homes: dict[str, str]) -> None:
        self.kinds, self.labels, self.session_homes = kinds, labels, session_homes
        self._colours, self._flash_colours = {}, {}
        self.geometry_changed()

    def geometry_changed(self) -> None:
        self._rects = {nid: self.geometry.node_rect(nid) for nid in self.kinds}
        self._links.clear()
        self._lines.clear()
        rect = QRectF()
        obstacles: list[Box] = []
        for r in self._rects.values():
            if r is not None:
                rect = rect.united(r)
                obstacles += card_boxes(r)
        self._cards = CardIndex(obstacles)
        self._spots.clear()
        self._made.clear()
        self._small = (None, [])
        self._own_key = self._passing_key = self._own_for = None
        self._laid_out = None
        self.prepareGeometryChange()
        self._rect = rect.adjusted(-140, -90, 140, 160)
        self.update()

    def show_frame(self, frame: Frame) -> None:
        self.frame = frame
        self._laid_out = None
        if self._lod >= LABELS_LOD:  # labels are drawn at the zoom last painted: place them now
            self._lay_out(frame)
        if self.backdrop is not None:
            self.backdrop.frame_changed(self)
        else:
            self.update()

    def set_highlight(self, nodes: tuple[str, ...]) -> None:
        self.highlighted = tuple(nodes)
        self.update()

    @property
    def token_count(self) -> int:
        return len(self.frame.tokens)

    def token_at(self, pos: QPointF, radius: float | None = None) -> int | None:
        """The request id of the token drawn nearest ``pos`` (within ``radius`` in scene units; by default
        ``TOKEN_HIT_PX`` screen pixels at the zoom last painted: tokens keep their size on screen at any zoom)."""
        if radius is None:
            radius = TOKEN_HIT_PX / max(self._lod, 0.05)
        best, best_d = None, radius * radius
        for x, y, _look, rid in reversed(self.frame.tokens):
            d = (x - pos.x()) ** 2 + (y - pos.y()) ** 2
            if d <= best_d:
                best, best_d = rid, d
        return best

    # --- painting -------------------------------------------------------------------------------

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def drawn_rect(self) -> QRectF:
        """Where a frame is drawn, in the scene: the bounding rectangle, and the labels placed (it holds those only
        from the next frame shown)."""
        if self._lod < LABELS_LOD:
            return self._rect
        layouts = (self._own, self._passing)
        if self._labels_box[0] != layouts:
            boxes = [b for lay in layouts for b in (*lay.boxes.values(), *lay.more.values())]
            box = QRectF()
            if boxes:
                x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
                box = QRectF(x0, y0, max(b[2] for b in boxes) - x0, max(b[3] for b in boxes) - y0)
            self._labels_box = (layouts, box.adjusted(-2, -2, 2, 2))  # a pill's picture has a margin
        return self._rect.united(self._labels_box[1])

    def node_rect(self, nid: str) -> QRectF | None:
        if nid not in self._rects:
            self._rects[nid] = self.geometry.node_rect(nid)
        return self._rects[nid]

    def link_points(self, a: str, b: str) -> list[QPointF]:
        key = (a, b)
        pts = self._links.get(key)
        if pts is None:
            pts = self._links[key] = self.geometry.link_points(a, b)
        return pts

    def link_lines(self, a: str, b: str) -> list[QLineF]:
        key = (a, b)
        lines = self._lines.get(key)
        if lines is None:
            pts = self.link_points(a, b)
            lines = self._lines[key] = [QLineF(p, q) for p, q in zip(pts, pts[1:], strict=False)]
        return lines

    def _colour_of(self, node: str) -> str:
        colour = self._colours.get(node)
        if colour is None:
            colour = self._colours[node] = gui_kind(self.kinds.get(node, "")).colour
        return colour

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self.left_out:
            self.paint_frame(painter, option)

    def paint_frame(self, painter: QPainter, option: QStyleOptionGraphicsItem) -> None:
        """Draw the frame with ``painter`` in scene coordinates (from the scene, or from a Backdrop)."""
        self._lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = self.frame
        # Far out, or a crowd of them (more than get their words): plain lines (40 flashes: 0.55 -> 0.35 ms at load 4-6)
        paint_flash_lines(painter, frame.flashes, self._colour_of, self.link_lines,
                          self._lod >= LABELS_LOD and len(frame.flashes) <= MAX_FLASH_LABELS)
        self._paint_highlights(painter)
        if frame.lines or frame.marks:  # a chat run's connections
            paint_connections(painter, frame, self._lod >= LABELS_LOD, self._open_legs)
        paint_down(painter, frame.states, self.node_rect)
        stamp_tokens(painter, frame.tokens, self.sprites)
        self._paint_warnings(painter)
        if self._lod < LABELS_LOD:
            self._paint_small_badges(painter, frame)
        else:
            sight = painter.worldTransform().inverted()[0].mapRect(QRectF(painter.viewport()))
            if self._sight is None or not self._sight.contains(sight):
                self._sight = sight.adjusted(-SIGHT_MARGIN, -SIGHT_MARGIN, SIGHT_MARGIN, SIGHT_MARGIN)
                self._laid_out = None
            if self._laid_out is not frame:  # zoomed or scrolled since the frame was shown: placed now
                self._lay_out(frame)
            self._paint_labels(painter)

    def _paint_highlights(self, painter: QPainter) -> None:
        if not self.highlighted:
            return
        pen = QPen(QColor("#F9A825"), 5)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        hl = self.highlighted
        for i, a in enumerate(hl):
            for b in hl[i + 1 :]:
                pts = self.link_points(a, b)
                for p, q in zip(pts, pts[1:], strict=False):
                    painter.drawLine(p, q)
        for nid in hl:
            r = self.node_rect(nid)
            if r is not None:
                painter.drawRoundedRect(r.adjusted(-7, -7, 7, 7), 12, 12)

    def _paint_warnings(self, painter: QPainter) -> None:
        """The cards' warning triangles again, over the tokens: a token passing by never hides one (drawn at the
        zooms where the cards draw theirs)."""
        if self._lod < BLOCKS_LOD:
            return
        warned = self.geometry.warned
        for nid, rect in self._rects.items():
            if rect is not None and warned(nid):
                paint_warning_mark(painter, rect)

    def _paint_small_badges(self, painter: QPainter, frame: Frame) -> None:
        """Zoomed far out: each failure's shape inside its card's top right corner, one per outcome, so it
        reads as the node's and is never mistaken for a token off a link; no text."""
        pixmaps, half = self.sprites.pixmaps, self.sprites.half
        key = tuple((node, outcome) for node, _text, outcome, _n in frame.badges)
        if key != self._small[0]:  # the same badges as the last frame, most frames: their places are kept
            self._small, seen = (key, []), {}
            for node, outcome in key:
                rect = self.node_rect(node)
                if rect is None or outcome in seen.setdefault(node, []):
                    continue
                seen[node].append(outcome)
                x = rect.right() - 4 - half * (2 * len(seen[node]) - 1)
                self._small[1].append((QPointF(x - half, rect.top() + 4), pixmaps[outcome]))
        for at, pixmap in self._small[1]:
            painter.drawPixmap(at, pixmap)

    # --- labels ---------------------------------------------------------------------------------

    def _lay_out(self, frame: Frame) -> None:
        """Collect the frame's labels near the part of the scene in sight and place them (label_layout) clear of
        the cards and of each other. Only at a zoom where labels are drawn (zoomed out, a 200-node run has 300
        labels, none drawn). Two tiers, each placed again only when one of its labels comes, goes or changes
        size by a step: the nodes' own labels (DOWN, live chips), then over them the failure badges and store
        commands, which come and go every few frames (placing those alone: well under a millisecond)."""
        self._laid_out = frame
        if not self._grown:
            self._grow_to_labels()
        sight = self._sight
        cached = self._own_for
        if cached is not None and cached[0] is frame.states and cached[1] is sight:  # a new dict on any change
            rects, own = cached[2], cached[3]
        else:
            rects, own = self._own_labels(frame, sight)
            self._own_for = (frame.states, sight, rects, own)
        passing: list[tuple[Label, tuple]] = []
        rows: dict[str, int] = {}
        for node, text, outcome, n in frame.badges:
            if node not in rects:
                continue
            row = rows[node] = rows.get(node, -1) + 1
            words = f"{text}  ×{n}" if n > 1 else text
            draw = ("pill", words, WHITE, LOOKS[outcome].colour, outcome)
            # Sized for a count up to 99 whatever it is now: the badges stay put while their counts change.
            label, _ = self._label(("badge", node, text, outcome), node, "right", 2 + row,
                                   ("pill", f"{text}  ×99", WHITE, WHITE, outcome))
            passing.append((label, draw))
        if len(frame.flashes) <= MAX_FLASH_LABELS:
            for (server, store), text in frame.flashes.items():
                if server not in rects:
                    continue
                draw = ("pill", text[:34], WHITE, self._flash_colour(store), None)
                w, h = self._size(draw)
                # Over its link, else beside the server that sent it; never far off (a server's commands
                # without room are counted on one "+N more" label).
                spots = self._flash_spots(server, store)
                if spots:
                    passing.append((Label(("flash", server, store), w, h, spots, ("flash", server), 20, False), draw))
        for key, points, draw in mark_pills(frame, lambda node: short_name(self.labels.get(node, node))):
            if len(points) >= 2:  # a chat run's "connection dropped", "reconnected", "not heard": by their arcs
                w, h = self._size(draw)
                spots = self._spots.get(("chat", key[2], key[3]))  # the same arc's places: worked out once
                if spots is None:
                    spots = self._spots[("chat", key[2], key[3])] = along_link([(q.x(), q.y()) for q in points])
                passing.append((Label(key, w, h, spots, ("chat", key[3]), 1), draw))
        self._labels = own + passing
        key = tuple((lab.key, lab.width, lab.height) for lab, _ in own)
        if key != self._own_key:
            self._own_key, self._passing_key = key, None
            self._own = place([lab for lab, _ in own], self._cards, self._more_size)
            self._grown = False  # grown at the next frame shown (never in a paint)
        key = tuple((lab.key, lab.width, lab.height) for lab, _ in passing)
        if key != self._passing_key:
            self._passing_key = key
            self._passing = place([lab for lab, _ in passing], self._cards, self._more_size, taken=self._own)
            self._grown = False

    def _own_labels(self, frame: Frame, sight: QRectF | None) -> tuple[dict, list[tuple[Label, tuple]]]:
        """The cards in sight, and their own labels (DOWN, live chips, a load balancer's view of its servers)."""
        rects = {nid: r for nid in frame.states if (r := self.node_rect(nid)) is not None
                 and (sight is None or r.intersects(sight))}
        own: list[tuple[Label, tuple]] = []
        for nid in rects:
            st = frame.states[nid]
            if not st.up:
                word = "FAILING OVER" if st.failing_over else "DOWN"
                own.append(self._label(("down", nid), nid, "above", 0, ("pill", word, WHITE, DOWN_RED, None)))
            live = gui_kind(self.kinds.get(nid, "")).live
            pill = live(st, self.session_homes.get(nid, RAM), self.labels) if live else None
            if pill is not None:  # the kind's own words: "3 sessions in RAM", "12 keys"
                text, bg = pill
                own.append(self._label(("live", nid), nid, "below", 1, ("pill", text, INK, bg, None)))
            elif st.health:  # a load balancer's view of its servers
                chips = tuple((f"{short_name(self.labels.get(s, s))} {'✓' if ok else '✗'}", ok) for s, ok in st.health)
                own.append(self._label(("health", nid), nid, "below", 1, ("health", chips)))
        return rects, own

    def _label(self, key: tuple, nid: str, side: str, rank: int, draw: tuple) -> tuple[Label, tuple]:
        """Label ``key`` of node ``nid``: the same object while its size and rank stay (one a frame was a tenth of the
        objects 8x play left to the cyclic collector)."""
        w, h = self._size(draw)
        made = self._made.get(key)
        if made is not None and made.width == w and made.height == h and made.rank == rank:
            return made, draw
        spots = self._spots.get((nid, side))
        if spots is None:
            spots = self._spots[(nid, side)] = around_card(box_of(self.node_rect(nid)), side)
        if len(self._made) > 4000:  # bounded: labels of texts that came and went
            self._made.clear()
        self._made[key] = made = Label(key, w, h, spots, nid, rank)
        return made, draw

    def _flash_colour(self, store: str) -> str:
        """A store command's label colour: its store's kind's, darker."""
        if store not in self._flash_colours:
            self._flash_colours[store] = QColor(self._colour_of(store)).darker(115).name()
        return self._flash_colours[store]

    def _flash_spots(self, server: str, store: str) -> tuple:
        spots = self._spots.get((server, store))
        if spots is None:
            pts = [(q.x(), q.y()) for q in self.link_points(server, store)]
            spots = along_link(pts) + around_card(box_of(self.node_rect(server)), "below") if len(pts) >= 2 else ()
            self._spots[(server, store)] = spots
        return spots

    def _size(self, draw: tuple) -> tuple[float, float]:
        """A label's box: its pill's size, the width rounded up to a step (see WIDTH_STEP)."""
        if draw[0] == "health":
            w = sum(self._text_width(text, False) + 14 for text, _ in draw[1]) + 2 * (len(draw[1]) - 1)
        else:
            w = self._text_width(draw[1], draw[4] is not None) + 14
        return ceil(w / WIDTH_STEP) * WIDTH_STEP, self._pill_height

    def _text_width(self, text: str, icon: bool) -> float:
        w = self._widths.get((text, icon))
        if w is None:
            if len(self._widths) > 4000:
                self._widths.clear()
            w = QFontMetricsF(self._bold).horizontalAdvance(text) + (ICON_PAD if icon else 0)
            self._widths[(text, icon)] = w
        return w

    def _more_size(self, n: int) -> tuple[float, float]:
        return self._size(("pill", f"+{n} more", WHITE, GREY, None))

    def _grow_to_labels(self) -> None:
        """Hold every label in the bounding rectangle. It only grows, by a margin, so that it changes once in a
        while: each change makes the scene redraw the diagram's picture (see Backdrop), 20-60 ms."""
        self._grown = True
        rect = self._rect
        layouts = (self._own, self._passing)
        for b in (box for lay in layouts for box in (*lay.boxes.values(), *lay.more.values())):
            if not rect.contains(QRectF(b[0], b[1], b[2] - b[0], b[3] - b[1])):
                rect = rect.united(QRectF(b[0] - 80, b[1] - 40, b[2] - b[0] + 160, b[3] - b[1] + 80))
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def label_rects(self) -> dict[tuple, QRectF]:
        """Every label drawn with the frame (at a zoom where labels are drawn), by key, as scene rectangles."""
        if self._laid_out is not self.frame and self._lod >= LABELS_LOD:
            self._lay_out(self.frame)
        out = {}
        for label, _draw in self._labels:
            b = self._own.boxes.get(label.key) or self._passing.boxes.get(label.key)
            if b is not None and (label.key[0] != "flash" or self._lod >= FLASHES_LOD):
                out[label.key] = QRectF(b[0], b[1], b[2] - b[0], b[3] - b[1])
        for tier, layout in enumerate((self._own, self._passing)):
            for group, b in layout.more.items():
                out[("more", group, tier)] = QRectF(b[0], b[1], b[2] - b[0], b[3] - b[1])
        return out

    def _paint_labels(self, painter: QPainter) -> None:
        own, passing = self._own.boxes, self._passing.boxes
        flashes = self._lod >= FLASHES_LOD
        for label, draw in self._labels:
            b = own.get(label.key) or passing.get(label.key)
            if b is None or (label.key[0] == "flash" and not flashes):
                continue
            if draw[0] == "health":
                self._paint_health(painter, b, draw[1])
            else:
                _, text, fg, bg, icon = draw
                self._pill(painter, QPointF((b[0] + b[2]) / 2, (b[1] + b[3]) / 2), text, fg, bg, icon=icon)
        for layout in (self._own, self._passing):
            for group, b in layout.more.items():
                self._pill(painter, QPointF((b[0] + b[2]) / 2, (b[1] + b[3]) / 2),
                           f"+{len(layout.folded[group])} more", WHITE, GREY)

    def _paint_health(self, painter: QPainter, box: Box, chips) -> None:
        """The load balancer's view of each server: a green tick or a red cross per server, in a row. The row is
        one picture, drawn again when a server's health changes (40 servers: 40 stamps a frame, 0.5 ms, before)."""
        ratio = 2.0 if self._lod > 1.2 else 1.0
        key = ("health", chips, ratio)
        row = self._pills.get(key)
        if row is None:
            row = QPixmap(int((box[2] - box[0] + 2) * ratio), int((box[3] - box[1] + 2) * ratio))
            row.setDevicePixelRatio(ratio)
            row.fill(Qt.GlobalColor.transparent)
            p = QPainter(row)
            x, y = 1.0, (box[3] - box[1]) / 2 + 1
            for text, ok in chips:
                self._pill(p, QPointF(x, y), text, WHITE, HEALTHY if ok else DOWN_RED, left=True, ratio=ratio)
                x += self._text_width(text, False) + 14 + 2
            p.end()
            self._pills[key] = row
        painter.drawPixmap(QPointF(box[0], box[1] - 1), row)

    def _pill(self, painter: QPainter, at: QPointF, text: str, fg: QColor | str, bg: QColor | str, left: bool = False,
              icon: str | None = None, ratio: float | None = None) -> None:
        """A rounded label; drawn once into a picture, then stamped (at 1x or 2x for crisp zooms)."""
        ratio = ratio or (2.0 if self._lod > 1.2 else 1.0)
        key = (text, fg if type(fg) is str else fg.rgba(), bg if type(bg) is str else bg.rgba(), icon, ratio)
        pix = self._pills.get(key)
        if pix is None:
            if len(self._pills) > 2000:
                self._pills.clear()
            pix = self._pills[key] = self._draw_pill(text, fg, bg, icon, ratio)
        w = pix.width() / ratio
        h = pix.height() / ratio
        painter.drawPixmap(QPointF(at.x() if left else at.x() - w / 2, at.y() - h / 2), pix)

    def _draw_pill(self, text: str, fg: QColor | str, bg: QColor | str, icon: str | None, ratio: float) -> QPixmap:
        fg, bg = QColor(fg), QColor(bg)
        fm = QFontMetricsF(self._bold)
        pad = ICON_PAD if icon else 0
        w, h = fm.horizontalAdvance(text) + 12 + pad, fm.height() + 4
        pix = QPixmap(int((w + 2) * ratio), int((h + 2) * ratio))
        pix.setDevicePixelRatio(ratio)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        box = QRectF(1, 1, w, h)
        p.setPen(QPen(bg.darker(130), 1))
        p.setBrush(bg)
        p.drawRoundedRect(box, 6, 6)
        if icon:
            p.drawPixmap(QPointF(box.left() + 2, box.center().y() - self._icons.half), self._icons.pixmaps[icon])
        p.setFont(self._bold)
        p.setPen(fg)
        p.drawText(box.adjusted(pad, 0, 0, 0), Qt.AlignmentFlag.AlignCenter, text)
        p.end()
        return pix

