"""The design findings of the open diagram, worked out without holding the window.

``core.topology.design_findings`` is Qt-free: for a diagram of a lesson's size it takes a few milliseconds and
runs at once, as it always did; for a big one (2,000 nodes: 0.25-0.35 s, 4,000 servers: 0.6 s, measured) it
runs in a thread of its own on a copy of the diagram, and the findings are then handed to the canvas and the
list a slice at a time. Any change of the diagram (an edit, another file opened) makes findings under way
stale: they are dropped, and only the newest diagram's are shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache

from PySide6.QtCore import QObject, QTimer

from ...core.model import Diagram
from ...core.topology import Finding, design_findings

AT_ONCE_NODES = 300  # up to here at once (300 nodes: ~15 ms); above it the window would wait 50 ms and more
POLL_MS = 10  # how often the GUI thread looks at the thread's work (a quick look)
SLICE_S = 0.010  # findings handed to the canvas per turn of the event loop


@cache
def _worker() -> ThreadPoolExecutor:
    """One thread for the findings of every window, started with the first window: starting a thread waits until
    it runs, and while the GUI thread was busy opening a file that wait took 0.1 s and more (measured)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="statediagram-findings")


class FindingsWork(QObject):
    """Asks for ``diagram()``'s findings and gives them to ``show``, a generator that shows them in steps
    (each ``next`` a small piece of the showing)."""

    def __init__(self, diagram: Callable[[], Diagram], show: Callable[[list[Finding]], Iterator[None]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._diagram = diagram
        self._show = show
        self._generation = 0  # bumped by every change: a result for an older one is dropped
        self._future: Future[list[Finding]] | None = None
        self._future_generation = -1
        self._showing: Iterator[None] | None = None
        self._wanted = False  # a big diagram's findings are asked for and not yet being shown
        self._ahead: tuple[Diagram, list[Finding]] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._turn)
        _worker().submit(int)  # its thread starts now, not when a big file has just been opened

    @property
    def busy(self) -> bool:
        """Whether findings are being worked out or shown (for tests and benchmarks)."""
        return self._future is not None or self._showing is not None

    def stale(self) -> None:
        """The diagram changed: whatever is under way is for an older diagram."""
        self._generation += 1
        self._showing = None
        self._ahead = None

    def found_ahead(self, diagram: Diagram, findings: list[Finding]) -> None:
        """``diagram``'s findings, worked out before it was shown (a big file's, in the thread that read it):
        the next refresh shows them, unless the diagram changed since."""
        self._ahead = (diagram, findings)

    def refresh(self) -> None:
        """Work out the findings of the diagram as it is now, and show them."""
        ahead = self._ahead
        self.stale()
        diagram = self._diagram()
        if ahead is not None and ahead[0] is diagram:  # no change since they were worked out
            self._wanted = False
            self._showing = self._show(ahead[1])
            self._timer.start(0)
            return
        self._wanted = len(diagram.nodes) > AT_ONCE_NODES
        if not self._wanted:
            self._show_at_once(diagram)
            return
        if self._future is None:
            self._start(diagram.copy_to_read())
        self._timer.start(POLL_MS)  # a thread on an older diagram still running: a new one starts when it ends

    def _show_at_once(self, diagram: Diagram) -> None:
        for _step in self._show(design_findings(diagram) if diagram.nodes else []):
            pass

    def _start(self, diagram: Diagram) -> None:
        self._future, self._future_generation = _worker().submit(design_findings, diagram), self._generation

    def _turn(self) -> None:
        if self._future is not None:
            if not self._future.done():
                self._timer.start(POLL_MS)
                return
            future, self._future = self._future, None
            if not self._wanted:  # a small diagram since, shown at once
                return
            if self._future_generation != self._generation:  # the diagram changed meanwhile: work out the newest
                self._start(self._diagram().copy_to_read())
                self._timer.start(POLL_MS)
                return
            self._wanted = False
            if future.exception() is not None:  # at once here instead, where any error shows as it always did
                self._show_at_once(self._diagram())
                return
            self._showing = self._show(future.result())
        if self._showing is None:
            return
        end = time.perf_counter() + SLICE_S
        try:
            while time.perf_counter() < end:
                next(self._showing)
        except StopIteration:
            self._showing = None
            return
        self._timer.start(0)
