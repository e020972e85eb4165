"""The design findings of the open diagram, worked out without holding the window.

``core.topology.design_findings`` needs networkx, which the window's process never imports (its 20.7k objects
made every full garbage collection of the window's process longer): a child process works the findings out for
every diagram, small ones too (``sim.findings_reader``), and the findings are then handed to the canvas and the
list a slice at a time. Any change of the diagram (an edit, another file opened) makes findings under way
stale: they are dropped, and only the newest diagram's are shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, QTimer

from ...core.model import Diagram
from ...core.topology import Finding
from ...sim.findings_reader import FindingsReader
from ..turns import slice_end

POLL_MS = 10  # how often the GUI thread looks for the child's answer (a quick look: a read of a pipe)
SLICE_S = 0.010  # findings handed to the canvas per turn of the event loop


class FindingsWork(QObject):
    """Asks for ``diagram()``'s findings and gives them to ``show``, a generator that shows them in steps
    (each ``next`` a small piece of the showing)."""

    def __init__(self, diagram: Callable[[], Diagram], show: Callable[[list[Finding]], Iterator[None]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._diagram = diagram
        self._show = show
        self.reader = FindingsReader()
        self._stale = False  # the diagram changed since the findings shown or asked for
        self._question = 0  # the question whose answer is to be shown (0: none)
        self._showing: Iterator[None] | None = None
        self._ahead: tuple[Diagram, int] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._turn)
        self.destroyed.connect(lambda *_, reader=self.reader: reader.close())

    @property
    def busy(self) -> bool:
        """Whether the findings shown are not yet the diagram's as it is now: changed since, being worked out, or
        being shown (for tests and benchmarks)."""
        return self._stale or self._question != 0 or self._showing is not None

    def stale(self) -> None:
        """The diagram changed: whatever is under way is for an older diagram (a refresh follows)."""
        self._stale = True
        self._question = 0
        self._showing = None
        self._ahead = None

    def ask_ahead(self, diagram: Diagram) -> int:
        """Ask for ``diagram``'s findings before it is shown (a big file's, while it is drawn); returns the
        question, for ``found_ahead``."""
        question = self.reader.ask(diagram)
        if not self._timer.isActive():
            self._timer.start(POLL_MS)  # the rest of a big question is written as the pipe takes it
        return question

    def found_ahead(self, diagram: Diagram, question: int) -> None:
        """``diagram``, now shown, was asked about ahead (``question``): the next refresh shows that answer instead
        of asking again, unless the diagram changed since."""
        self._ahead = (diagram, question)

    def refresh(self) -> None:
        """Work out the findings of the diagram as it is now, and show them."""
        ahead = self._ahead
        self.stale()
        self._stale = False
        diagram = self._diagram()
        if not diagram.nodes:
            for _step in self._show([]):
                pass
            return
        if ahead is not None and ahead[0] is diagram and ahead[1] == self.reader.asked:
            self._question = ahead[1]  # no change since, and no other question asked: its answer is coming
        else:
            self._question = self.reader.ask(diagram)
        self._timer.start(POLL_MS)

    def _turn(self) -> None:
        if self._question:
            answer = self.reader.answer()
            if answer is None or answer[0] != self._question:
                self._timer.start(POLL_MS)
                return
            self._question = 0
            if isinstance(answer[1], str):  # the child's error: raised here, where the window's errors show
                raise RuntimeError(f"The design findings could not be worked out: {answer[1]}")
            self._showing = self._show(answer[1])
        if self._showing is not None:
            end = slice_end(SLICE_S)
            try:
                while time.perf_counter() < end:
                    next(self._showing)
            except StopIteration:
                self._showing = None
            else:
                self._timer.start(0)
                return
        if self.reader.waiting:  # a question asked ahead: its rest written as the pipe takes it, its answer kept
            self.reader.answer()
            self._timer.start(POLL_MS)
