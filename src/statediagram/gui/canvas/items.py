"""Graphics items that mirror model nodes and links. They draw; they never change the model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple, Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QStyle, QStyleOptionGraphicsItem, QWidget

from ...core.catalog import KINDS
from ...core.model import Node
from ...core.topology import ServerHomes
from .. import theme
from ..kinds import Badge, gui_kind
from ..plain_text import esc, rich_tip
from .painter import draw_kind_icon

_NO_CARD = (QRectF(), QRectF(), QPainterPath())  # before the first layout


class CardPictureSource(Protocol):
    """Where a card gets its picture (cardpictures.CardPictures: shared by the cards that look the same)."""

    def picture(self, item: NodeItem, selected: bool, lod: float, sx: float, sy: float, ratio: float,
                hints: QPainter.RenderHint) -> QPixmap: ...


class NodeHost(Protocol):
    """What a node item asks of the scene it stands in while it moves (the scene is one; it is not imported)."""

    snap_enabled: bool

    def snapped(self, pos: QPointF) -> QPointF: ...

    def node_item_moved(self, item: NodeItem) -> None: ...

    @property
    def card_pictures(self) -> CardPictureSource: ...


_POSITION_CHANGE = QGraphicsItem.GraphicsItemChange.ItemPositionChange
_POSITION_CHANGED = QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged
_SELECTED = QStyle.StateFlag.State_Selected
_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
_ANTIALIASING = QPainter.RenderHint.Antialiasing
BLOCKS_LOD = 0.3  # below this scale a node is a coloured block: text under ~3 px high is unreadable
TEXT_LOD = 0.5  # from this scale on a card shows its texts


_BADGE_LOOKS = {  # shared, kept by this server (lost with it), kept here by design
    True: (theme.SHARED_BORDER, theme.SHARED_FILL), False: (theme.LOCAL_BORDER, theme.LOCAL_FILL),
    None: (theme.NEUTRAL_BORDER, theme.NEUTRAL_FILL),
}


def paint_badge_pill(p: QPainter, pill: QRectF, shared: bool | None) -> None:
    """A badge's pill in its look: shared (solid), kept by this server (dashed: lost with it), kept here by design
    (neutral); the card and the pictures' legend draw it alike."""
    border, fill = _BADGE_LOOKS[shared]
    pen = QPen(border, 1.2)
    if shared is False:
        pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(fill)
    p.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)


@cache
def _fonts() -> tuple[QFont, QFont, QFont]:
    label = QFont()
    label.setPointSizeF(10.5)
    label.setBold(True)
    small = QFont()
    small.setPointSizeF(8.5)
    badge = QFont()
    badge.setPointSizeF(8.0)
    badge.setBold(True)
    return label, small, badge


def paint_warning_mark(p: QPainter, card: QRectF) -> None:
    """The warning triangle standing out of the top edge of ``card``, at its right (a run's layer draws it again
    over its tokens, so that it stays readable while they pass)."""
    c = QPointF(card.right() - 16, card.top())
    tri = QPainterPath(QPointF(c.x(), c.y() - 10))
    tri.lineTo(c.x() + 10, c.y() + 8)
    tri.lineTo(c.x() - 10, c.y() + 8)
    tri.closeSubpath()
    p.setPen(QPen(theme.WARNING_INK, 1.0))
    p.setBrush(theme.WARNING_FILL)
    p.drawPath(tri)
    p.setFont(_fonts()[2])
    p.drawText(QRectF(c.x() - 10, c.y() - 6, 20, 14), Qt.AlignmentFlag.AlignCenter, "!")


def copies_pictures(p: QPainter, t: QTransform) -> bool:
    """Whether cards can be copied from pictures onto ``p`` (``t``: its device transform): a raster device
    (not SVG), scaled and moved only."""
    return (t.type().value <= QTransform.TransformationType.TxScale.value and not p.viewTransformEnabled()
            and p.paintEngine().type() == QPaintEngine.Type.Raster)


class BadgeRow(NamedTuple):
    """One badge on a server's card: the kind of state, where the server keeps it, its style (see
    ``gui.kinds.BadgeText``) and whether that place is the server's own machine."""

    title: str
    where: str
    shared: bool | None
    on_server: bool = False


BadgeTexts = tuple[tuple[str, bool | None, bool], ...]  # what each badge of a card says (see badge_texts)


def badge_texts(rows: tuple[Badge, ...], homes: ServerHomes | None) -> BadgeTexts | None:
    """What each badge of ``rows`` says for a server keeping its state in ``homes`` (None: no badges): strings and
    flags in tuples, which Python's cyclic collector stops tracking. Plain Python: a thread may work it out."""
    return None if homes is None else tuple(tuple(read(homes)) for _title, read in rows)


def badge_words(badge: BadgeRow) -> str:
    """The words in a badge's pill: a place on the server's own machine says so ("RAM (own)", "disk (own)")."""
    return f"{badge.where} (own)" if badge.on_server else badge.where


def node_subtitle(node: Node) -> str:
    """One line under the label that shows the node's key property (the kind's own words, gui/kinds.py)."""
    return gui_kind(node.kind).subtitle(node.props)


@cache
def _card_geometry(height: float) -> tuple[QRectF, QRectF, QPainterPath]:
    """A card ``height`` high: its rectangle, its bounding rectangle, and the kind's colour on its left edge
    following its rounded corners. One set shared by every card of that height (they never change it): kept per
    card, they were 6,000 objects of a 2,000-node diagram for Python's cyclic collector to look at."""
    rect = QRectF(-theme.NODE_WIDTH / 2, -height / 2, theme.NODE_WIDTH, height)
    accent = QPainterPath()
    accent.addRoundedRect(QRectF(rect.left(), rect.top(), 10, rect.height()), 8, 8)
    clip = QPainterPath()
    clip.addRect(QRectF(rect.left(), rect.top(), 5, rect.height()))
    return rect, rect.adjusted(-4, -12, theme.HANDLE_RADIUS + 4, 4), accent.intersected(clip)


class NodeItem(QGraphicsItem):
    """A node card: icon, label, key property; servers add where they keep each kind of state."""

    # No instance dict: one object fewer per card for Python's cyclic collector (see LinkItem).
    __slots__ = ("node_id", "kind", "badge_rows", "interactive", "label", "subtitle", "_badge_texts", "warnings",
                 "hovered", "_rect", "_bounds", "_accent", "_texts", "_look")

    def __init__(self, node: Node, interactive: bool = True) -> None:
        super().__init__()
        self.node_id = node.id
        self.kind = node.kind
        self.badge_rows = gui_kind(node.kind).badges  # a server kind's: where it keeps each kind of state
        self.interactive = interactive
        self.label = node.label
        self.subtitle = node_subtitle(node)
        # What each badge says, read from the server's homes when they are given: strings and flags in tuples, which
        # Python's cyclic collector stops tracking. Keeping the homes themselves (dataclasses) kept 2,281 objects of
        # the 1,200 servers of benchmarks/bench_gui.py's big diagram for every full collection to look at.
        self._badge_texts: BadgeTexts | None = None
        self.warnings: tuple[str, ...] = ()
        self.hovered = False
        self._rect, self._bounds, self._accent = _NO_CARD
        self._texts: tuple[str, str] | None = None  # label and subtitle as they fit on the card
        self._look: str | None = None  # what cards sharing a picture have in common (see _copy_card)
        self._layout()
        self.setZValue(theme.Z_NODE)
        self.setPos(node.x, node.y)
        flags = QGraphicsItem.GraphicsItemFlag
        if interactive:
            self.setFlags(
                flags.ItemIsSelectable | flags.ItemIsMovable | flags.ItemSendsGeometryChanges | flags.ItemIsFocusable
            )
            self.setAcceptHoverEvents(True)
            # Panning then copies a picture of the card instead of redrawing it; pictures (PNG, SVG) keep
            # drawing for real. Any update() (a new badge, selection, hover) redraws the picture.
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._update_tooltip()

    # --- state from the model ----------------------------------------------------------------------

    def _layout(self) -> None:
        height = theme.HEADER_HEIGHT
        if self.badge_rows:
            height += len(self.badge_rows) * theme.BADGE_HEIGHT + 6
        geometry = _card_geometry(float(height))
        if geometry[0] is not self._rect:
            self.prepareGeometryChange()
            self._rect, self._bounds, self._accent = geometry

    def set_node(self, node: Node) -> None:
        self.label = node.label
        self.subtitle = node_subtitle(node)
        self._texts = None
        self._update_tooltip()
        self._refresh()

    def set_homes(self, homes: ServerHomes | None) -> None:
        """Show where the server keeps each kind of state (its badges); None: no badges."""
        self.set_badge_texts(badge_texts(self.badge_rows, homes))

    def set_badge_texts(self, texts: BadgeTexts | None) -> None:
        """Show these badges (``badge_texts`` of this card's ``badge_rows``); None: no badges."""
        if texts != self._badge_texts:
            self._badge_texts = texts
            self._look = None
            self._update_tooltip()
            self._refresh()

    def set_warnings(self, warnings: Sequence[str]) -> None:
        warnings = tuple(warnings)  # strings in a tuple: not tracked by the cyclic collector, as a list is
        if warnings != self.warnings:
            self.warnings = warnings
            self._look = None
            self._update_tooltip()
            self._refresh()

    def _refresh(self) -> None:
        """Draw again: the item, or its place while the view draws it in a batch (see overview.py), since Qt
        takes no notice of updates to an item without contents."""
        self.update()
        scene = self.scene()
        if scene is not None and self.flags() & _NO_CONTENTS:
            scene.update(self.sceneBoundingRect())

    def badges(self) -> list[BadgeRow]:
        """(what, where, shared, on_server) for each kind of state a server keeps, e.g. ("sessions", "RAM", False,
        True); shared is None for state kept there by design (a websocket server's connections)."""
        if self._badge_texts is None:
            return []
        return [BadgeRow(title, *text) for (title, _read), text in zip(self.badge_rows, self._badge_texts, strict=True)]

    def _update_tooltip(self) -> None:
        kind = KINDS.get(self.kind)
        lines = [f"<b>{esc(self.label, 200)}</b> ({esc(kind.label if kind else self.kind, 200)})"]
        if kind:
            lines.append(esc(kind.description))
        for title, where, shared, _on_server in self.badges():
            lines.append(esc(f"{title}: {where}" + (" (lost if this server crashes)" if shared is False else "")))
        lines += [esc(f"⚠ {w}") for w in self.warnings]
        if self.interactive:
            lines.append("<i>Drag the round handle on the right to another node to link them.</i>")
        self.setToolTip(rich_tip("<br>".join(lines)))

    # --- geometry ----------------------------------------------------------------------------------

    def card_rect(self) -> QRectF:
        return QRectF(self._rect)  # a copy: the cards of a height share theirs

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    @staticmethod
    def extent(cards: Iterable[NodeItem]) -> QRectF:
        """The rectangle holding every card of ``cards`` whole (null for none), as the union of their
        ``sceneBoundingRect()``s, worked out from each card's place and its height's shared rectangle (cards are
        never rotated, scaled or parented). The union of the scene rectangles, two Qt calls and two Qt objects a
        card, took 15-22 ms of CPU for 4,200 cards in the last step of opening a big file; this 6.5 ms."""
        corners: dict[int, list] = {}  # per shared bounding rectangle: it, and its cards' extreme places
        for card in cards:
            x, y = card.x(), card.y()
            seen = corners.get(id(card._bounds))
            if seen is None:
                corners[id(card._bounds)] = [card._bounds, x, y, x, y]
            else:
                if x < seen[1]:
                    seen[1] = x
                elif x > seen[3]:
                    seen[3] = x
                if y < seen[2]:
                    seen[2] = y
                elif y > seen[4]:
                    seen[4] = y
        rect = QRectF()
        for bounds, left, top, right, bottom in corners.values():
            rect = rect.united(bounds.translated(left, top)).united(bounds.translated(right, bottom))
        return rect

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        # Winding fill: where the handle's circle overlaps the card, the shapes add up (with the default
        # odd-even rule that half-circle would be a hole that neither the card nor the handle answers).
        path.setFillRule(Qt.FillRule.WindingFill)
        path.addRoundedRect(self._rect, 8, 8)
        if self.interactive:
            path.addEllipse(self.handle_centre(), theme.HANDLE_RADIUS + 3, theme.HANDLE_RADIUS + 3)
        return path

    def handle_centre(self) -> QPointF:
        return QPointF(self._rect.right(), 0.0)

    def over_handle(self, local: QPointF) -> bool:
        d = local - self.handle_centre()
        return (d.x() ** 2 + d.y() ** 2) <= (theme.HANDLE_RADIUS + 4) ** 2

    # --- painting ----------------------------------------------------------------------------------

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        selected = bool(option.state & _SELECTED)
        lod = option.levelOfDetailFromTransform(p.worldTransform())
        if lod < BLOCKS_LOD:  # far out: a coloured block is all the eye can see, and it keeps big diagrams fluid
            p.fillRect(self._rect, theme.SELECTION if selected else theme.kind_colour(self.kind).lighter(150))
            return
        if not self._copy_card(p, selected, lod):
            self.paint_card(p, selected, lod)
        if lod >= TEXT_LOD:
            self._paint_text(p)  # over the card's white, clear of the badges and the warning
        if self.interactive and (self.hovered or selected):
            self.paint_handle(p)

    def paint_card(self, p: QPainter, selected: bool, lod: float) -> None:
        """Everything but the label and subtitle: what cards of a kind with the same badges share."""
        colour = theme.kind_colour(self.kind)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(theme.SELECTION if selected else theme.CARD_BORDER, 2.4 if selected else 1.0))
        p.setBrush(theme.CARD)
        p.drawRoundedRect(self._rect, 8, 8)
        p.fillPath(self._accent, colour)
        icon = QRectF(self._rect.left() + 12, self._rect.top() + 9, 40, 40)
        draw_kind_icon(p, self.kind, icon, colour)
        if self._badge_texts is not None:
            self._paint_badges(p, lod)
        if self.warnings:
            self._paint_warning(p)

    def _copy_card(self, p: QPainter, selected: bool, lod: float) -> bool:
        """Copy the card from a picture shared by the cards that look the same at this scale; False if the
        painter needs real drawing (a vector picture such as SVG, a rotation).

        A zoom step redraws every card in sight; painting a card (icon, badges) costs seven times copying one,
        and a screenful holds a handful of different cards. The picture is drawn at the device's own scale,
        so it is as sharp as drawing; it lands on whole pixels, which is where cards are at zoom 1.
        """
        t = p.deviceTransform()
        if not copies_pictures(p, t):
            return False
        ratio = p.device().devicePixelRatio()
        picture = self.card_picture(selected, lod, t.m11(), t.m22(), ratio, p.renderHints())
        at = t.map(self._bounds.topLeft())
        p.save()
        p.setWorldTransform(QTransform())
        p.drawPixmap(QPointF(round(at.x()) / ratio, round(at.y()) / ratio), picture)
        p.restore()
        return True

    def look(self) -> str:
        """What the cards that look the same share (their pictures' key): made again after a change of badges or
        warnings (4,000 servers: 0.2-0.3 s, made ahead when a big file opens)."""
        if self._look is None:
            self._look = f"statediagram card {self.kind} {self.badges()} {bool(self.warnings)}"
        return self._look

    def card_picture(self, selected: bool, lod: float, sx: float, sy: float, ratio: float,
                     hints: QPainter.RenderHint) -> QPixmap:
        """This card without its texts at ``sx`` x ``sy`` device pixels a unit, the picture's pixel (0, 0) on
        the corner of :meth:`boundingRect`; shared with the cards that look the same (see cardpictures.py)."""
        host: NodeHost = self.scene()  # type: ignore[assignment]
        return host.card_pictures.picture(self, selected, lod, sx, sy, ratio, hints)

    def _paint_text(self, p: QPainter) -> None:
        label_font, small_font, _ = _fonts()
        left = self._rect.left() + 60
        width = self._rect.right() - left - 10
        if self._texts is None:
            self._texts = (QFontMetricsF(label_font).elidedText(self.label, Qt.TextElideMode.ElideRight, width),
                           QFontMetricsF(small_font).elidedText(self.subtitle, Qt.TextElideMode.ElideRight, width))
        text, sub = self._texts
        p.setFont(label_font)
        p.setPen(theme.INK)
        p.drawText(QRectF(left, self._rect.top() + 9, width, 22), Qt.AlignmentFlag.AlignVCenter, text)
        p.setFont(small_font)
        p.setPen(theme.MUTED_INK)
        p.drawText(QRectF(left, self._rect.top() + 31, width, 18), Qt.AlignmentFlag.AlignVCenter, sub)

    def _paint_badges(self, p: QPainter, lod: float) -> None:
        _, small_font, badge_font = _fonts()
        top = self._rect.top() + theme.HEADER_HEIGHT
        p.setPen(QPen(theme.CARD_BORDER, 1.0))
        p.drawLine(QPointF(self._rect.left() + 8, top - 2), QPointF(self._rect.right() - 8, top - 2))
        badges = self.badges()
        # The titles' column is as wide as the longest title ("connections:" is wider than "sessions:").
        titles_w = max(56.0, *(QFontMetricsF(small_font).horizontalAdvance(f"{b.title}:") + 2 for b in badges))
        for i, badge in enumerate(badges):
            title, shared = badge.title, badge.shared
            y = top + 2 + i * theme.BADGE_HEIGHT
            left = self._rect.left() + 14 + titles_w
            pill = QRectF(left, y + 1, self._rect.right() - 10 - left, theme.BADGE_HEIGHT - 4)
            paint_badge_pill(p, pill, shared)
            if lod < TEXT_LOD:
                continue
            p.setFont(small_font)
            p.setPen(theme.MUTED_INK)
            p.drawText(QRectF(self._rect.left() + 12, y, titles_w, theme.BADGE_HEIGHT - 2),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, f"{title}:")
            p.setFont(badge_font)
            p.setPen(_BADGE_LOOKS[shared][0].darker(130 if shared else 140))
            p.drawText(pill, Qt.AlignmentFlag.AlignCenter, badge_words(badge))

    def _paint_warning(self, p: QPainter) -> None:
        paint_warning_mark(p, self._rect)

    def paint_handle(self, p: QPainter) -> None:
        c = self.handle_centre()
        r = theme.HANDLE_RADIUS
        p.setPen(QPen(QColor("white"), 1.5))
        p.setBrush(theme.WIRE_OK)
        p.drawEllipse(c, r, r)
        p.drawLine(QPointF(c.x() - r / 2, c.y()), QPointF(c.x() + r / 2, c.y()))
        p.drawLine(QPointF(c.x(), c.y() - r / 2), QPointF(c.x(), c.y() + r / 2))

    # --- Qt events -----------------------------------------------------------------------------------

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value):  # noqa: N802 - Qt's name
        # Qt asks about every change (flags, tool tip, selection...): only moves matter here, and the base
        # class returns ``value`` as it is, so the other changes skip the round trip into Qt.
        if change is not _POSITION_CHANGE and change is not _POSITION_CHANGED:
            return value
        scene: NodeHost | None = self.scene()  # type: ignore[assignment]
        if scene is not None:
            if change is _POSITION_CHANGE and scene.snap_enabled:
                return scene.snapped(value)
            if change is _POSITION_CHANGED:
                scene.node_item_moved(self)
        return value

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.hovered = True
        self._refresh()

    def hoverMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        shape = Qt.CursorShape.CrossCursor if self.over_handle(event.pos()) else Qt.CursorShape.ArrowCursor
        self.setCursor(shape)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.hovered = False
        self._refresh()
