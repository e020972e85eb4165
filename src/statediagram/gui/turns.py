"""One budget of work per turn of the window's event loop, shared by all the work done in slices.

Each kind of work done a slice at a time (a big file's items made and swapped in, the routes made good after an
open, the design findings shown, the far-out drawing made again, card pictures, a long job's steps) had a budget
of its own, 12-25 ms a turn. When several of their timers came due in the same turn, with a paint, that turn took
35-57 ms (2,000 nodes, in the 2 s after the open). Now a slice ends at its own budget or when the turn has had
``TURN_S`` of work, whichever comes first; the turn counts from when the event loop woke
(``QAbstractEventDispatcher.awake``), so a paint early in the turn counts too. A slice always gets ``LEAST_S``,
so each kind of work goes on however busy the turns are.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QAbstractEventDispatcher

TURN_S = 0.025  # the window's own work in a turn; its events on top stay well under the 50 ms of a frozen feel
LEAST_S = 0.002  # what a slice gets in a turn already used up

_began = 0.0  # when the event loop last woke (0: not watched yet)


def _woke() -> None:
    global _began
    _began = time.perf_counter()


def slice_end(own_s: float) -> float:
    """When a slice starting now should stop (a ``time.perf_counter()`` value): after ``own_s``, or once the turn
    has had ``TURN_S`` of work, but not before ``LEAST_S``."""
    now = time.perf_counter()
    if not _began:
        dispatcher = QAbstractEventDispatcher.instance()
        if dispatcher is None:  # no event loop: the slices' own budgets only
            return now + own_s
        dispatcher.awake.connect(_woke)
        _woke()
    return min(now + own_s, max(_began + TURN_S, now + LEAST_S))
