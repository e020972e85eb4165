"""Links that run under a third node's card.

Links are straight and drawn under the cards, so a link whose line crosses another card would vanish beneath
it: a learner would see Server A unlinked from Redis when it is linked. Such links are found here and drawn
over the cards, dashed, so what the screen (and an exported picture) shows is what is wired.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QLineF, QRectF, Qt

from .items import LinkItem, NodeItem

INSET = 3.0  # a line that only grazes a card's rounded corner is not hidden by it


def segment_crosses(line: QLineF, rect: QRectF) -> bool:
    """Whether the segment passes through ``rect`` (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = line.x1(), line.y1(), line.x2(), line.y2()
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, x0 - rect.left()), (dx, rect.right() - x0), (-dy, y0 - rect.top()), (dy, rect.bottom() - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            lo = max(lo, r)
        else:
            hi = min(hi, r)
        if lo > hi:
            return False
    return True


def hidden_links(scene, links: Iterable[LinkItem]) -> set[frozenset[str]]:
    """Keys of the ``links`` whose line crosses the card of a node other than their own two."""
    hidden: set[frozenset[str]] = set()
    mode = Qt.ItemSelectionMode.IntersectsItemBoundingRect
    for link in links:
        line = link.line()
        box = QRectF(line.p1(), line.p2()).normalized().adjusted(-1, -1, 1, 1)  # a level or upright line has no area
        for item in scene.items(box, mode):
            if not isinstance(item, NodeItem) or item is link.a or item is link.b:
                continue
            card = item.card_rect().translated(item.pos()).adjusted(INSET, INSET, -INSET, -INSET)
            if segment_crosses(line, card):
                hidden.add(link.key)
                break
    return hidden
