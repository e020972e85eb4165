"""The GUI-block measure shared by the benchmarks: a 1 ms heartbeat timer on the real event loop. The longest gap
between two beats is the longest the window could not answer. Beside it, Python's full garbage collections, which
stop every thread while they walk each object the collector tracks.

Each beat also notes the GUI thread's own CPU time (``time.thread_time``). On this 2-core machine shared with other
test runs, a gap can be long because the thread was not given a core at all: then its CPU time in the gap is far
shorter than the gap. Printing both tells the app's own work from the machine's load.
"""

from __future__ import annotations

import gc
import sys
import time
from collections import Counter
from collections.abc import Callable

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


class FullCollections:
    """The cyclic garbage collector's full collections (generation 2) while in a ``with`` block, on whichever thread
    they run, seen through ``gc.callbacks``: how long each took, on the clock and in the CPU time of the thread that
    ran it (which the machine's load does not stretch)."""

    def __init__(self) -> None:
        self.taken: list[tuple[float, float]] = []
        self._began: tuple[float, float] | None = None

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        gc.callbacks.remove(self._seen)

    def _seen(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = (time.perf_counter(), time.thread_time())
        elif self._began is not None:
            wall, cpu = self._began
            self.taken.append((time.perf_counter() - wall, time.thread_time() - cpu))
            self._began = None

    def words(self) -> str:
        if not self.taken:
            return "no full garbage collection"
        wall, cpu = max(self.taken)
        return (f"{len(self.taken)} full garbage collection{'s' if len(self.taken) > 1 else ''}, the longest "
                f"{wall * 1000:.1f} ms ({cpu * 1000:.1f} ms of CPU), {sum(w for w, _ in self.taken) * 1000:.0f} ms "
                "in all")


def collector_load() -> str:
    """How many objects the cyclic collector tracks now (every full collection walks each), and how long a full
    collection over them takes, three times."""
    gc.collect()
    objects = len(gc.get_objects())
    taken = []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.thread_time()
        gc.collect()
        taken.append((time.perf_counter() - wall, time.thread_time() - cpu))
    return (f"{objects:,} objects tracked by the cyclic collector; a full collection "
            + ", ".join(f"{w * 1000:.0f} ms ({c * 1000:.0f} ms CPU)" for w, c in taken))


class Promotions:
    """The objects promoted to the cyclic collector's oldest generation while in a ``with`` block: those alive at a
    middle-generation collection, which CPython 3.11 moves to the oldest and counts toward the next full collection
    (one runs once they exceed a quarter of what the last full one kept). Also counts the collections of each
    generation. Looking at the oldest generation's length at each middle-generation collection costs about a
    millisecond; ``where(obj)``, if given, names where each promoted object came from (``by_where``), slowly."""

    def __init__(self, where=None) -> None:
        self.promoted = 0
        self.collections = [0, 0, 0]
        self.by_where: Counter[str] = Counter()
        self._where = where
        self._old = 0
        self._entered = 0.0
        self.full_at: list[tuple[float, int]] = []  # (seconds into the block, promoted by then) of each full one

    def __enter__(self) -> Promotions:
        self._entered = time.perf_counter()
        gc.callbacks.append(self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        gc.callbacks.remove(self._seen)

    def _seen(self, phase: str, info: dict) -> None:
        generation = info["generation"]
        if phase == "stop":
            self.collections[generation] += 1
            if generation == 2:
                self.full_at.append((time.perf_counter() - self._entered, self.promoted))
        if generation != 1:
            return
        if phase == "start":
            self._old = len(gc.get_objects(generation=2))
            return
        old = gc.get_objects(generation=2)
        self.promoted += len(old) - self._old  # the survivors are moved to the end of the oldest generation
        if self._where is not None:
            for obj in old[self._old :]:
                self.by_where[f"{type(obj).__name__:14} {self._where(obj)}"] += 1
        del old

    def words(self) -> str:
        young, middle, full = self.collections
        when = ", ".join(f"{at:.1f} s" for at, _n in self.full_at)
        return (f"{self.promoted:,} objects promoted to the oldest generation; collections: {young} young, "
                f"{middle} middle, {full} full" + (f" (at {when})" if when else ""))


def python_instructions(frame: Callable[[int], None], frames: int = 10) -> float:
    """The Python bytecode instructions ``frame(i)`` runs, on average over ``frames`` calls, counted by a tracer:
    a figure the machine's speed and load do not change, where this machine's frame times vary by half from one
    hour to the next."""
    counted = [0]

    def tracer(code_frame, event, _arg):
        code_frame.f_trace_opcodes = True
        if event == "opcode":
            counted[0] += 1
        return tracer

    sys.settrace(tracer)
    try:
        for i in range(frames):
            frame(i)
    finally:
        sys.settrace(None)
    return counted[0] / frames
