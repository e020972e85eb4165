"""The GUI-block measure shared by the benchmarks: a 1 ms heartbeat timer on the real event loop. The longest gap
between two beats is the longest the window could not answer.

Each beat also notes the GUI thread's own CPU time (``time.thread_time``). On this 2-core machine shared with other
test runs, a gap can be long because the thread was not given a core at all: then its CPU time in the gap is far
shorter than the gap. Printing both tells the app's own work from the machine's load.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer


class Heartbeat:
    """``start()``, run the event loop, ``stop()``; then ``longest()`` and ``longest_busy()``."""

    def __init__(self) -> None:
        self.beats: list[tuple[float, float]] = []  # (wall clock, the GUI thread's CPU time)
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(lambda: self.beats.append((time.perf_counter(), time.thread_time())))

    def start(self) -> Heartbeat:
        self.beats.clear()
        self.timer.start()
        return self

    def stop(self) -> None:
        self.timer.stop()

    def gaps(self) -> list[tuple[float, float, float]]:
        """(wall time, CPU time of the GUI thread, when it began) of each gap between two beats."""
        b = self.beats
        return [(w1 - w0, c1 - c0, w0) for (w0, c0), (w1, c1) in zip(b, b[1:], strict=False)]

    def longest(self) -> tuple[float, float]:
        """The longest gap (seconds) and the GUI thread's own CPU time in it."""
        wall, cpu, _at = max(self.gaps(), default=(0.0, 0.0, 0.0))
        return wall, cpu

    def longest_busy(self) -> float:
        """The most CPU time the GUI thread spent between two beats: the app's own longest block, whatever the
        machine's load (a block can only be this long or longer)."""
        return max((cpu for _w, cpu, _at in self.gaps()), default=0.0)

    def words(self) -> str:
        wall, cpu = self.longest()
        return (f"longest GUI block {wall * 1000:.1f} ms (the GUI thread ran {cpu * 1000:.1f} ms of it); "
                f"the GUI thread's longest run between two beats {self.longest_busy() * 1000:.1f} ms")
