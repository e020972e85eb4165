"""Where a new node goes: the free spot nearest a wanted point, never on top of another card.

Used by the palette's double-click and Enter (near the view's centre) and by the canvas menu's "Add ... here"
(near the click). Candidates are grid points around the wanted point, nearest first; a spot is free when the
new card, with a gap around it, meets no other card.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QPointF, QRectF

from ...core.model import Node
from .. import theme
from .items import NodeItem

GAP = 20.0  # scene units kept clear around a new card, so two cards never touch
MAX_RINGS = 60  # grid steps searched in each direction: a wide area (2,400 units) before giving up


def card_rect(kind: str) -> QRectF:
    """The card of a node of ``kind``, around its centre (as the canvas draws it)."""
    return QRectF(*_card_box(kind))


@cache
def _card_box(kind: str) -> tuple[float, float, float, float]:
    rect = NodeItem(Node("", kind, ""), interactive=False).card_rect()
    return rect.x(), rect.y(), rect.width(), rect.height()


def free_spot(kind: str, wanted: QPointF, is_free: Callable[[QRectF], bool]) -> QPointF:
    """The grid point nearest ``wanted`` where a card of ``kind`` (plus GAP all round) is free, by ``is_free``
    (asked with scene rectangles); ``wanted`` itself, on the grid, when nothing is free within MAX_RINGS."""
    g = float(theme.GRID)
    card = card_rect(kind).adjusted(-GAP, -GAP, GAP, GAP)
    cx, cy = round(wanted.x() / g) * g, round(wanted.y() / g) * g
    for ring in range(MAX_RINGS + 1):
        # The points of this square ring, nearest the wanted point first (Euclidean distance).
        points = [(i, j) for i in range(-ring, ring + 1) for j in range(-ring, ring + 1)
                  if max(abs(i), abs(j)) == ring]
        points.sort(key=lambda p: (p[0] ** 2 + p[1] ** 2, p[1], p[0]))
        for i, j in points:
            at = QPointF(cx + i * g, cy + j * g)
            if is_free(card.translated(at)):
                return at
    return QPointF(cx, cy)
