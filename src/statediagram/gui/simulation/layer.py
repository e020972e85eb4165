"""One scene item that draws the whole simulation over the diagram: link flashes, node live state,
highlights, every token and the failure badges, in a single paint.

Drawing many tokens from one item (stamped sprites) keeps a frame of 1,000 tokens to about a millisecond of
painting; the item takes no mouse buttons, so the editor's items underneath keep working.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...core.topology import RAM
from ..kinds import gui_kind
from .geometry import SceneGeometry
from .style import CONNECTED_COLOUR, LOOKS, Z_LAYER, Sprites
from .tokens import Frame

LABELS_LOD = 0.35  # below this zoom the live-state labels are too small to read and are left out
GLOW_MAX_ARCS = 40  # a chat run's connection arcs glow only when there are at most this many


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
        self.sprites = Sprites()
        self.frame = Frame(0)
        self.kinds: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.session_homes: dict[str, str] = {}  # server -> "ram", "redis" or "token"
        self.highlighted: tuple[str, ...] = ()
        self._rect = QRectF()
        self._rects: dict[str, QRectF | None] = {}
        self._links: dict[tuple[str, str], list[QPointF]] = {}
        self._lines: dict[tuple[str, str], list[QLineF]] = {}
        self._pills: dict[tuple, QPixmap] = {}  # text pictures, drawn once (text is the slow part of a frame)
        self._lod = 1.0
        self.left_out = False  # True while a Backdrop draws the diagram without this layer
        self.backdrop = None  # a Backdrop repainting the view for each frame, or None: the scene updates it
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._bold = QFont(self._font)
        self._bold.setBold(True)

    # --- feeding --------------------------------------------------------------------------------

    def set_run(self, kinds: dict[str, str], labels: dict[str, str], session_homes: dict[str, str]) -> None:
        self.kinds, self.labels, self.session_homes = kinds, labels, session_homes
        self.geometry_changed()

    def geometry_changed(self) -> None:
        self._rects = {nid: self.geometry.node_rect(nid) for nid in self.kinds}
        self._links.clear()
        self._lines.clear()
        rect = QRectF()
        for r in self._rects.values():
            if r is not None:
                rect = rect.united(r)
        self.prepareGeometryChange()
        self._rect = rect.adjusted(-140, -90, 140, 160)
        self.update()

    def show_frame(self, frame: Frame) -> None:
        self.frame = frame
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

    def token_at(self, pos: QPointF, radius: float = 9.0) -> int | None:
        """The request id of the token drawn nearest ``pos`` (within ``radius``), last drawn first."""
        best, best_d = None, radius * radius
        for x, y, _look, rid in reversed(self.frame.tokens):
            d = (x - pos.x()) ** 2 + (y - pos.y()) ** 2
            if d <= best_d:
                best, best_d = rid, d
        return best

    # --- painting -------------------------------------------------------------------------------

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

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

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self.left_out:
            self.paint_frame(painter, option)

    def paint_frame(self, painter: QPainter, option: QStyleOptionGraphicsItem) -> None:
        """Draw the frame with ``painter`` in scene coordinates (from the scene, or from a Backdrop)."""
        self._lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = self.frame
        self._paint_flashes(painter, frame)
        self._paint_highlights(painter)
        if frame.lines or frame.marks:
            self._paint_connections(painter, frame)
        self._paint_states(painter, frame)
        self._paint_tokens(painter, frame)
        if frame.marks:
            self._paint_marks(painter, frame)
        self._paint_badges(painter, frame)

    def _paint_tokens(self, painter: QPainter, frame: Frame) -> None:
        """Tokens are stamped 1:1 in device pixels: the same size at any zoom, and a plain blit (fast)."""
        sprites = self.sprites
        half = int(sprites.half)
        pixmaps = sprites.pixmaps
        draw = painter.drawPixmap
        tr = painter.worldTransform()
        if tr.m12() or tr.m21():  # rotated or sheared: let the painter map each stamp
            for x, y, look, _rid in frame.tokens:
                draw(QPointF(x - half, y - half), pixmaps[look])
            return
        sx, sy, dx, dy = tr.m11(), tr.m22(), tr.dx(), tr.dy()
        painter.save()
        painter.resetTransform()
        for x, y, look, _rid in frame.tokens:
            draw(int(x * sx + dx) - half, int(y * sy + dy) - half, pixmaps[look])
        painter.restore()

    def _paint_flashes(self, painter: QPainter, frame: Frame) -> None:
        by_colour: dict[str, list[QLineF]] = {}
        for server, store in frame.flashes:
            segs = by_colour.setdefault(gui_kind(self.kinds.get(store, "")).colour, [])  # the store's colour
            segs += self.link_lines(server, store)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._lod >= LABELS_LOD)  # far out: plain lines
        for name, segs in by_colour.items():
            # Opaque, flat-capped: translucent or round-capped wide strokes cost ten times more to fill.
            painter.setPen(QPen(QColor(name).lighter(135), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            painter.drawLines(segs)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._lod < 0.5 or len(frame.flashes) > 16:
            return  # the store commands are readable only when few and close enough
        for (server, store), text in frame.flashes.items():
            pts = self.link_points(server, store)
            if len(pts) >= 2:
                colour = QColor(gui_kind(self.kinds.get(store, "")).colour)
                mid = pts[len(pts) // 2 - 1] * 0.5 + pts[len(pts) // 2] * 0.5
                self._pill(painter, mid + QPointF(0, -12), text[:34], QColor("#ffffff"), colour.darker(115))

    def _paint_connections(self, painter: QPainter, frame: Frame) -> None:
        """Journey chat: each room's open connections as glowing arcs to their servers; a connection a crash
        just dropped as the same arc broken in the middle, dashed and fading."""
        colour = QColor(CONNECTED_COLOUR)
        # The glow is opaque (the colour a quarter strength over white) and all arcs of one width go in one call:
        # 156 arcs drawn one by one with a translucent round-capped pen took 125 ms a frame, measured; in one
        # call each, opaque and flat-capped, about 30 ms; without the glow (over 40 arcs) see bench_simview.
        glow = QColor.fromRgbF(*(0.75 + 0.25 * c for c in colour.getRgbF()[:3]))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        by_width: dict[int, list[QLineF]] = {}
        thin: list[QLineF] = []
        for line in frame.lines:
            by_width.setdefault(7 + min(line.users, 12), []).extend(line.segments)
            thin += line.segments
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._lod >= LABELS_LOD)  # far out: plain lines
        if len(frame.lines) > GLOW_MAX_ARCS:  # a crowd of arcs: the line alone says enough, and costs less
            by_width.clear()
        for width, segs in sorted(by_width.items()):
            painter.setPen(QPen(glow, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            painter.drawLines(segs)
        painter.setPen(QPen(colour, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawLines(thin)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dropped = QColor("#C62828")
        for mark in frame.marks:
            if mark.what != "dropped" or len(mark.points) < 4:
                continue
            pts = mark.points
            gap = 1 + int(len(pts) * (0.08 + 0.2 * mark.age))  # the break widens as the connection fades
            half = len(pts) // 2
            painter.setOpacity(max(0.15, 1.0 - mark.age))
            painter.setPen(QPen(dropped, 3, Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap))
            painter.drawPolyline(pts[: max(1, half - gap // 2)])
            painter.drawPolyline(pts[min(len(pts) - 1, half + (gap + 1) // 2) :])
            painter.setOpacity(1.0)

    def _paint_marks(self, painter: QPainter, frame: Frame) -> None:
        """The words beside a chat run's connections: dropped, reconnected, a message not heard."""
        if self._lod < LABELS_LOD:
            return
        colour = QColor(CONNECTED_COLOUR)
        white = QColor("#ffffff")
        for mark in frame.marks:
            pts = mark.points
            if len(pts) < 2:
                continue
            if mark.what == "dropped":
                painter.setOpacity(max(0.2, 1.0 - 0.8 * mark.age))
                text = f"connection dropped ×{mark.count}" if mark.count > 1 else "connection dropped"
                self._pill(painter, pts[len(pts) // 2], f"✂ {text}", white, QColor("#C62828"))
                painter.setOpacity(1.0)
            elif mark.what == "reconnected":
                end = pts[-1]
                painter.setPen(QPen(colour, 3))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(end, 7 + 8 * mark.age, 7 + 8 * mark.age)  # a ring that opens out
                text = f"reconnected ×{mark.count}" if mark.count > 1 else "reconnected"
                self._pill(painter, pts[(len(pts) * 3) // 4], f"↻ {text}", white, colour)
            else:  # not heard: a message of the room that this server never got
                origin = short_name(self.labels.get(mark.origin, mark.origin))
                self._pill(painter, pts[(len(pts) * 2) // 3], f"✗ not heard (sent on {origin})", white,
                           QColor("#5f6368"))

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

    def _paint_states(self, painter: QPainter, frame: Frame) -> None:
        small = self._lod < LABELS_LOD
        for nid, st in frame.states.items():
            rect = self.node_rect(nid)
            if rect is None:
                continue
            kind = self.kinds.get(nid, "")
            if not st.up:
                self._paint_down(painter, rect, "FAILING OVER" if st.failing_over else "DOWN")
            if small:
                continue  # labels would be a few pixels high: only the crosses are drawn
            live = gui_kind(kind).live
            pill = live(st, self.session_homes.get(nid, RAM), self.labels) if live else None
            if pill is not None:  # the kind's own words: "3 sessions in RAM", "12 keys"
                text, bg = pill
                self._pill(painter, QPointF(rect.center().x(), rect.bottom() + 11), text, QColor("#202124"),
                           QColor(bg))
            elif st.health:  # a load balancer's view of its servers
                self._paint_health(painter, rect, st.health)

    def _paint_down(self, painter: QPainter, rect: QRectF, word: str) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(90, 90, 90, 120))
        painter.drawRoundedRect(rect, 9, 9)
        painter.setPen(QPen(QColor(198, 40, 40, 200), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        inset = rect.adjusted(rect.width() * 0.3, 8, -rect.width() * 0.3, -8)
        painter.drawLine(inset.topLeft(), inset.bottomRight())
        painter.drawLine(inset.topRight(), inset.bottomLeft())
        self._pill(painter, QPointF(rect.center().x(), rect.top() - 11), word, QColor("#ffffff"), QColor("#C62828"))

    def _paint_health(self, painter: QPainter, rect: QRectF, health) -> None:
        """The load balancer's view of each server: a green tick or a red cross per server, under it."""
        fm = QFontMetricsF(self._bold)
        chips = [(f"{short_name(self.labels.get(s, s))} {'✓' if ok else '✗'}", ok) for s, ok in health]
        widths = [fm.horizontalAdvance(text) + 14 for text, _ in chips]
        x = rect.center().x() - (sum(widths) + 2 * (len(chips) - 1)) / 2
        white = QColor("#ffffff")
        for (text, ok), w in zip(chips, widths, strict=True):
            self._pill(painter, QPointF(x, rect.bottom() + 11), text, white,
                       QColor("#009E73") if ok else QColor("#C62828"), left=True)
            x += w + 2

    def _paint_badges(self, painter: QPainter, frame: Frame) -> None:
        if self._lod < LABELS_LOD:  # zoomed far out: the outcome's shape beside the node, no text
            pixmaps, half = self.sprites.pixmaps, self.sprites.half
            for node, _text, outcome, _n in frame.badges:
                rect = self.node_rect(node)
                if rect is not None:
                    painter.drawPixmap(QPointF(rect.right() + 4 - half, rect.top() - half), pixmaps[outcome])
            return
        per_node: dict[str, int] = {}
        for node, text, outcome, n in frame.badges:
            rect = self.node_rect(node)
            if rect is None:
                continue
            row = per_node.get(node, 0)
            per_node[node] = row + 1
            label = f"{text}  ×{n}" if n > 1 else text
            # stamped on the node itself: plainly its own, and never cut off at the edge of the view
            anchor = QPointF(rect.center().x(), rect.center().y() + 8 + row * 21)
            self._pill(painter, anchor, label, QColor("#ffffff"), QColor(LOOKS[outcome].colour), icon=outcome)

    def _pill(self, painter: QPainter, at: QPointF, text: str, fg: QColor, bg: QColor, left: bool = False,
              icon: str | None = None) -> None:
        """A rounded label; drawn once into a picture, then stamped (at 1x or 2x for crisp zooms)."""
        ratio = 2.0 if self._lod > 1.2 else 1.0
        key = (text, fg.rgba(), bg.rgba(), icon, ratio)
        pix = self._pills.get(key)
        if pix is None:
            if len(self._pills) > 2000:
                self._pills.clear()
            pix = self._pills[key] = self._draw_pill(text, fg, bg, icon, ratio)
        w = pix.width() / ratio
        h = pix.height() / ratio
        painter.drawPixmap(QPointF(at.x() if left else at.x() - w / 2, at.y() - h / 2), pix)

    def _draw_pill(self, text: str, fg: QColor, bg: QColor, icon: str | None, ratio: float) -> QPixmap:
        fm = QFontMetricsF(self._bold)
        pad = 16 if icon else 0
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
            p.drawPixmap(QPointF(box.left() + 2, box.center().y() - self.sprites.half), self.sprites.pixmaps[icon])
        p.setFont(self._bold)
        p.setPen(fg)
        p.drawText(box.adjusted(pad, 0, 0, 0), Qt.AlignmentFlag.AlignCenter, text)
        p.end()
        return pix
