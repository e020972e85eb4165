"""Where the cards are, for the two questions a paint or a fit asks of all of them at once: whether a view shows
more cards than can be read (``crowded``), and the rectangle holding them all (``extent``). Both are kept until a
card comes, goes or moves: on thousands of cards each question asked thousands of items for their places."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable

from PySide6.QtCore import QRectF

from .items import NodeItem

CROWDED = 1000  # cards in sight beyond which the view draws them as far out (see CardPlaces.crowded)


class CardPlaces:
    """The cards' places (their items' positions) and extent, for ``cards()``: the scene's id -> card map."""

    def __init__(self, cards: Callable[[], dict[str, NodeItem]]) -> None:
        self._cards = cards
        self._crowded: tuple[object, bool] = (None, False)  # the last answer of crowded(), and what it was for
        self._places: dict[str, tuple[float, float]] | None = None  # the cards' places crowded() counts in
        self._lefts: list[float] | None = None  # their x, in order (see crowded())
        self._extent: QRectF | None = None  # see extent()

    def known(self, places: dict[str, tuple[float, float]], extent: QRectF) -> None:
        """The places and extent of cards made ahead (a big file opening): asking 4,000 cards for their places
        took 12-21 ms of the first paint after the open, and their extent 9-18 ms of its last step."""
        self.changed()
        self._places, self._extent = places, QRectF(extent)

    def changed(self, moved: NodeItem | None = None) -> None:
        """A card came, went or ``moved``: the questions are answered again from their places now. A moved card's
        place is put right (each frame of a drag at zoom 0.5 or more over 2,000 cards asked every card for its
        place again, 3.5 ms); a card that came or went has the places taken anew."""
        if moved is not None and self._places is not None and moved.node_id in self._places:
            old_x = self._places[moved.node_id][0]
            self._places[moved.node_id] = (moved.x(), moved.y())
            if self._lefts is not None:  # one x out, one in: still in order
                del self._lefts[bisect_left(self._lefts, old_x)]
                insort(self._lefts, moved.x())
        else:
            self._places = None
            self._lefts = None
        self._crowded = (None, False)
        self._extent = None  # a card's size never changes (its rows are its kind's): only places do

    def extent(self) -> QRectF:
        """The rectangle holding every card whole (null for none): the union of their scene bounding rects."""
        if self._extent is None:
            self._extent = NodeItem.extent(self._cards().values())
        return QRectF(self._extent)

    def crowded(self, shown: QRectF) -> bool:
        """Whether more cards lie in ``shown`` than can be read: they are drawn as far out, in a batch (4,000
        servers stacked 10 units apart took 2 s to paint one by one at zoom 1, their texts hidden anyway)."""
        cards = self._cards()
        if len(cards) <= CROWDED:
            return False
        key = shown.getRect()
        if key != self._crowded[0]:  # counted again when the view moves or a card comes, goes or moves
            if self._places is None:
                self._places = {node_id: (item.x(), item.y()) for node_id, item in cards.items()}
            left, top, right, bottom = shown.left(), shown.top(), shown.right(), shown.bottom()
            if self._lefts is None:
                self._lefts = sorted(x for x, _y in self._places.values())
            # Most views hold fewer than CROWDED cards between their left and right edges: two bisections (a zoom
            # step at 0.5 over 2,000 cards looked at 1,000 places first: 22k Python instructions, 0.7 ms a frame).
            if bisect_right(self._lefts, right) - bisect_left(self._lefts, left) <= CROWDED:
                self._crowded = (key, False)
                return False
            # Stopped as soon as the answer is known: a zoom step at 0.5 over 2,000 cards counted them all,
            # asking each item for its place (3.4 ms of a 20-27 ms frame).
            wanted, spare = CROWDED + 1, len(cards) - CROWDED  # cards in sight to be crowded; the others
            for x, y in self._places.values():
                if left <= x <= right and top <= y <= bottom:
                    wanted -= 1
                    if not wanted:
                        break
                else:
                    spare -= 1
                    if spare <= 0:
                        break
            self._crowded = (key, not wanted)
        return self._crowded[1]
