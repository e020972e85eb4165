"""Wall-clock bounds for the command line: one student's file cannot stall a class's grading.

``time_limit(seconds)`` sets a deadline for its block; the simulation engine calls ``check_deadline()`` between
events (every 2,048: about 0.2 s of work) and stops with :class:`RunTimedOut` once it has passed. The deadline is
a context variable, set for the block only: other threads, and code outside the block, run unbounded. Everything
before a run is bounded by size (core/limits.py), so the run is what needs a clock.

Why not a timer signal that raises wherever the time goes: raised in the middle of an import it left networkx
half-imported (the next file failed with "no attribute bfs_edges"), and inside a lock it deadlocked the process.
The engine stops at a clean point between two events instead.

``interrupts_deferred()`` keeps Ctrl-C and SIGTERM from raising inside Qt's painting (a KeyboardInterrupt thrown
through a C++ paint call crashed the process) or inside a cleanup that must finish (live mode's processes and
folders): it records the request, and the caller stops between two steps.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .termination import terminate

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("statediagram_deadline", default=None)


class RunTimedOut(Exception):
    """The block ran longer than its bound."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"did not finish within {seconds:g} s (--timeout)")


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Within the block, ``check_deadline()`` raises :class:`RunTimedOut` once ``seconds`` have passed (None or
    0: no bound)."""
    if not seconds:
        yield
        return
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check_deadline() -> None:
    """Raise :class:`RunTimedOut` when the enclosing ``time_limit`` has run out; nothing outside one."""
    bound = _deadline.get()
    if bound is not None and time.monotonic() > bound[0]:
        raise RunTimedOut(bound[1])


class Interrupts:
    """Whether Ctrl-C or SIGTERM came while interrupts were deferred (the first of them)."""

    def __init__(self) -> None:
        self.requested: int | None = None  # the signal

    def stop_if_requested(self) -> None:
        """Raise now, between two steps, if a signal came while deferred: KeyboardInterrupt for Ctrl-C,
        ``termination.Terminated`` for SIGTERM."""
        if self.requested == signal.SIGTERM:
            terminate()
        if self.requested is not None:
            raise KeyboardInterrupt


@contextmanager
def interrupts_deferred() -> Iterator[Interrupts]:
    """Within the block, Ctrl-C and SIGTERM only set ``requested``; the caller stops with ``stop_if_requested()``,
    which also runs at the block's end if the block itself did not raise."""
    state = Interrupts()
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield state
        return

    def note(signum: int, _frame: object) -> None:
        if state.requested is None:
            state.requested = signum

    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield state
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    state.stop_if_requested()
