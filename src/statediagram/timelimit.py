"""Wall-clock bounds for the command line: one student's file cannot stall a class's grading.

``time_limit(seconds)`` raises :class:`RunTimedOut` in the main thread when its block runs longer, wherever
the time goes (loading, graph analysis, the simulation), through a one-shot real-time timer. The timer and
the signal handler are the command line's own, set for the block and put back after it. Where there is no
such timer (Windows), the block runs unbounded.

Costs nothing measurable: two system calls a block (``check`` of 300 files: same wall time, see
benchmarks/bench_check.py).

``interrupts_deferred()`` keeps Ctrl-C from raising inside Qt's painting (a KeyboardInterrupt thrown through
a C++ paint call crashed the process): it records the request, and the caller stops between two steps.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class RunTimedOut(Exception):
    """The block ran longer than its bound."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"did not finish within {seconds:g} s (--timeout)")


def _can_time() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Run the block, raising :class:`RunTimedOut` once it has run ``seconds`` (None or 0: no bound)."""
    if not seconds or not _can_time():
        yield
        return

    def expired(_signum: int, _frame: object) -> None:
        raise RunTimedOut(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Interrupts:
    """Whether Ctrl-C was pressed while interrupts were deferred."""

    def __init__(self) -> None:
        self.requested = False

    def stop_if_requested(self) -> None:
        """Raise KeyboardInterrupt now, between two steps, if Ctrl-C came while deferred."""
        if self.requested:
            raise KeyboardInterrupt


@contextmanager
def interrupts_deferred() -> Iterator[Interrupts]:
    """Within the block, Ctrl-C only sets ``requested``; the caller stops with ``stop_if_requested()``."""
    state = Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def note(_signum: int, _frame: object) -> None:
        state.requested = True

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)
    state.stop_if_requested()
