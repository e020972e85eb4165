"""Long core work in a background thread of the window's process, letting the window's thread have Python often.

Python runs one thread at a time. A thread that wants to run waits until the running one lets go, and a busy one
lets go only when asked, 5 ms after the other began to wait. The window's thread wants Python again for each call
Qt makes into our code (a timer, a slice of work, a paint), several times a turn of its event loop: with a file being
read and routed in a thread, a turn that did 1 ms of its own work took 38-77 ms (2,000 nodes opened over the 4,000
stacked servers, ``benchmarks/bench_open_big.py``). So long loops of the work call :func:`breathe`: in a thread
that :func:`breathing` set up, every ``EVERY_S`` it sleeps ``PAUSE_S``, and a waiting thread runs at once. Anywhere
else (the command line, tests, a child process) it does nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

EVERY_S = 0.002  # the longest the window's thread waits for Python while the work runs
PAUSE_S = 0.0002  # a sleep this short still lets a waiting thread take Python (the work: ~10% slower)

_here = threading.local()


def breathe() -> None:
    """Called by long loops: lets go of Python for a moment if this thread breathes and it is time."""
    due = getattr(_here, "due", None)
    if due is not None and time.perf_counter() >= due:
        time.sleep(PAUSE_S)
        _here.due = time.perf_counter() + EVERY_S


@contextmanager
def breathing() -> Iterator[None]:
    """Within it, this thread's :func:`breathe` calls let go of Python every ``EVERY_S``."""
    outer = getattr(_here, "due", None)
    _here.due = time.perf_counter() + EVERY_S
    try:
        yield
    finally:
        _here.due = outer  # (None outside any: breathe() then does nothing)
