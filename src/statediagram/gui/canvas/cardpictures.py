"""The cards' pictures (a card without its texts), one per look and scale, shared by the cards that look the same.

A zoom step shows every card at a scale not seen before, and drawing a picture anew (icon, badges and their words,
whose letters the painter draws anew at each new size) costs about half a millisecond a look: the first frame of
each step of a wheel zoom on the 2,000-node diagram drew 9 of them, 4.3-4.8 ms of its 15-27 ms of thread time.
While the view zooms (the view says so, see DiagramView.paintEvent), a picture of the same look at a nearby scale
stands in, smoothly scaled to the exact size and place (about 0.1 ms); once the view rests, the exact pictures are
drawn and the cards that showed a stand-in are painted again. Just under the scale where cards show their texts,
the pictures with texts are drawn ahead, between frames, for the first step into it. At rest every card is copied
from its exact picture, as before; a picture of the canvas (export, copy as image) never gets a stand-in.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QPainter, QPixmap, QPixmapCache

from ..turns import slice_end
from .items import TEXT_LOD

if TYPE_CHECKING:
    from .items import NodeItem

SHARPEN_DELAY_MS = 120  # the view rests this long after a zoom step before the stand-ins give way (a wheel's
# notches come every 20-100 ms: a zoom that goes on is not held up drawing pictures it leaves at once)
NEARBY = 1.5  # a picture made at most this much larger or smaller stands in (a wheel notch is 1.2, a key 1.25;
# drawn 1.45 times its size, a stand-in differs from the exact picture by 3 levels in 255 on average)
SLICE_S = 0.004  # pictures drawn at rest or ahead a turn of the event loop (about eight; nine took 6-9 ms of CPU
# in one piece in a slow spell of this machine, before the repaint that shows them)
SCALES_KEPT = 12  # the scales remembered for each look (their pictures may have left Qt's cache since)


class CardPictures(QObject):
    """The pictures of one scene's cards; ``sharpened`` is told the ids of the cards that showed a stand-in once
    their exact pictures are ready."""

    def __init__(self, node_item: Callable[[str], NodeItem | None], sharpened: Callable[[set[str]], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stand_ins = False  # set by the view while it paints a zoom step
        self._node_item = node_item
        self._sharpened = sharpened
        self._scales: dict[str, dict[tuple[float, float], None]] = {}  # per look, the scales drawn lately (in order)
        self._stood_in: dict[str, QPixmap] = {}  # stand-ins at the latest scale, shared by cards that look the same
        self._pending: dict[str, tuple[str, str, bool, float, float, float, float, QPainter.RenderHint]] = {}
        self._pending_scale: tuple[float, float] | None = None
        self._soft: set[str] = set()  # the cards shown with a stand-in
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sharpen)
        # A zoom into the texts' scale finds no picture with texts near: they are drawn ahead (see _plan_ahead).
        self._ahead: dict[str, tuple[str, bool, float, float, float, QPainter.RenderHint]] = {}
        self._planned: set[tuple[str, bool, float, int]] = set()  # the looks planned already
        self._ahead_timer = QTimer(self)
        self._ahead_timer.setSingleShot(True)
        self._ahead_timer.setInterval(0)
        self._ahead_timer.timeout.connect(self.draw_ahead)

    def picture(self, item: NodeItem, selected: bool, lod: float, sx: float, sy: float, ratio: float,
                hints: QPainter.RenderHint) -> QPixmap:
        """``item``'s card without its texts at ``sx`` x ``sy`` device pixels a unit, the picture's pixel (0, 0)
        on the corner of its bounding rectangle."""
        family = f"{item.look()} {selected} {lod >= TEXT_LOD} {ratio!r} {hints.value}"
        # Scales to nine digits: zoomed in a step and out again, the view's scale differs from before in its last
        # bits only, and every card in sight was drawn again for it (5 ms of a zoom step at 0.5 on 2,000 nodes).
        key = f"{family} {sx:.9g} {sy:.9g}"
        if TEXT_LOD / NEARBY <= lod < TEXT_LOD:
            self._plan_ahead(item, selected, lod, sx, sy, ratio, hints)
        picture = QPixmapCache.find(key)
        if picture is not None:
            scales = self._scales.get(family)
            if scales is None or (sx, sy) not in scales:  # drawn for another scene (Qt's cache is the process's)
                self._remember(family, sx, sy)
            return picture
        if self.stand_ins:
            soft = self._stand_in(item, family, key, sx, sy)
            if soft is not None:
                self._soft.add(item.node_id)
                if key not in self._pending:  # the first card of its look in this step: the rest waits again
                    self._pending[key] = (item.node_id, family, selected, lod, sx, sy, ratio, hints)
                    self._timer.start(SHARPEN_DELAY_MS)
                return soft
        return self._draw(item, family, key, selected, lod, sx, sy, ratio, hints)

    def _draw(self, item: NodeItem, family: str, key: str, selected: bool, lod: float, sx: float, sy: float,
              ratio: float, hints: QPainter.RenderHint) -> QPixmap:
        bounds = item.boundingRect()
        picture = QPixmap(*picture_size(item, sx, sy))
        picture.fill(Qt.GlobalColor.transparent)
        q = QPainter(picture)
        q.setRenderHints(hints)
        q.scale(sx, sy)
        q.translate(-bounds.topLeft())
        item.paint_card(q, selected, lod)
        q.end()
        picture.setDevicePixelRatio(ratio)
        QPixmapCache.insert(key, picture)
        self._remember(family, sx, sy)
        return picture

    def _remember(self, family: str, sx: float, sy: float) -> None:
        scales = self._scales.setdefault(family, {})
        scales.pop((sx, sy), None)
        scales[(sx, sy)] = None
        if len(scales) > SCALES_KEPT:
            del scales[next(iter(scales))]

    def _stand_in(self, item: NodeItem, family: str, key: str, sx: float, sy: float) -> QPixmap | None:
        """The picture of the nearest scale drawn lately, scaled to this one; None if none is near enough."""
        if (sx, sy) != self._pending_scale:  # the view moved on: the stand-ins and pictures owed are of this scale
            self._stood_in.clear()
            self._pending.clear()
            self._pending_scale = (sx, sy)
        soft = self._stood_in.get(key)
        if soft is not None:
            return soft
        nearest = None
        for ax, ay in self._scales.get(family, ()):
            off = max(abs(math.log(ax / sx)), abs(math.log(ay / sy)))
            if off <= math.log(NEARBY) and (nearest is None or off < nearest[0]):
                source = QPixmapCache.find(f"{family} {ax:.9g} {ay:.9g}")
                if source is not None:
                    nearest = off, source
        if nearest is None:
            return None
        source = nearest[1]
        soft = source.scaled(*picture_size(item, sx, sy), Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
        soft.setDevicePixelRatio(source.devicePixelRatio())
        self._stood_in[key] = soft
        return soft

    def sharpen(self) -> None:
        """Draw the exact pictures the last zoom step was given stand-ins for, a slice at a time; once all are
        drawn, the cards that showed a stand-in are told."""
        self._stood_in.clear()
        self._pending_scale = None
        end = slice_end(SLICE_S)
        while self._pending and time.perf_counter() < end:
            key = next(iter(self._pending))
            node_id, family, selected, lod, sx, sy, ratio, hints = self._pending.pop(key)
            item = self._node_item(node_id)
            if item is not None and QPixmapCache.find(key) is None:
                self._draw(item, family, key, selected, lod, sx, sy, ratio, hints)
        if self._pending:
            self._timer.start(0)
            return
        soft, self._soft = self._soft, set()
        if soft:
            self._sharpened(soft)

    def _plan_ahead(self, item: NodeItem, selected: bool, lod: float, sx: float, sy: float, ratio: float,
                    hints: QPainter.RenderHint) -> None:
        """Just under the texts' scale: the picture with texts at that scale, drawn once the event loop is free.

        The first step of a zoom from far out into the texts' scale found no picture with texts near and drew every
        look in sight anew (9 on the 2,000-node file, 4-6 ms of its frame); drawn ahead, one stands in."""
        plan = (item.look(), selected, ratio, hints.value)  # asked for every card in sight far out: kept cheap
        if plan not in self._planned:
            self._planned.add(plan)
            family = f"{item.look()} {selected} True {ratio!r} {hints.value}"
            up = TEXT_LOD / lod
            self._ahead[family] = (item.node_id, selected, sx * up, sy * up, ratio, hints)
            self._ahead_timer.start()

    def draw_ahead(self) -> None:
        """Draw the pictures planned ahead, a slice at a time."""
        end = slice_end(SLICE_S)
        while self._ahead and time.perf_counter() < end:
            family, (node_id, selected, sx, sy, ratio, hints) = self._ahead.popitem()
            key = f"{family} {sx:.9g} {sy:.9g}"
            item = self._node_item(node_id)
            if item is not None and QPixmapCache.find(key) is None:
                self._draw(item, family, key, selected, TEXT_LOD, sx, sy, ratio, hints)
        if self._ahead:
            self._ahead_timer.start()

    def owed(self) -> int:
        """How many cards show a stand-in now (0 at rest)."""
        return len(self._soft)


def picture_size(item: NodeItem, sx: float, sy: float) -> tuple[int, int]:
    """A card picture's size in device pixels: the item's bounding rectangle at that scale, and a pixel over."""
    bounds = item.boundingRect()
    return math.ceil(bounds.width() * sx) + 1, math.ceil(bounds.height() * sy) + 1
