"""SIGTERM for the command line: the command stops as after Ctrl-C, and the request to stop is never lost.

The handler raises :class:`Terminated` wherever the main thread is, so that the command's own cleanup runs (a real
Redis's keys, live mode's processes and folders). Python runs a handler between any two instructions, also inside
a callback whose exceptions it only prints ("Exception ignored in ...": a weak reference's callback, a
``__del__``). There the exception is lost: a run of ``statediagram live`` whose SIGTERM landed in the import
system's lock callback went on to its end and exited 0. So the request is also kept: long work looks at it
(:func:`stop_if_asked`), and ``cli.main`` exits with 143 whatever the command returned.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_asked = threading.Event()


class Terminated(BaseException):
    """SIGTERM, raised where the command is (a BaseException, as KeyboardInterrupt: no ``except Exception`` of
    the command's takes it for an error of its own)."""


def on_sigterm(signum: int, frame: Any) -> None:
    """The SIGTERM handler of the command line."""
    _asked.set()
    raise Terminated


def stop_asked() -> bool:
    return _asked.is_set()


def stop_if_asked() -> None:
    """Raise :class:`Terminated` if a SIGTERM came, in case the handler's own exception was lost."""
    if _asked.is_set():
        raise Terminated


def forget() -> None:
    """A new command begins (``cli.main`` called again in one process, as tests do)."""
    _asked.clear()


@contextmanager
def held() -> Iterator[None]:
    """Within the block, a cleanup that must finish (live mode's processes and folders), SIGINT and SIGTERM only
    note that they came; after it, the first one noted is raised (KeyboardInterrupt, :class:`Terminated`).

    A second Ctrl-C, or the SIGTERM that ``timeout`` sends twice (to the command and to its process group),
    landed inside the cleanup the first one began and left the run's folder behind (seen once by hand)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    came: list[int] = []

    def note(signum: int, _frame: Any) -> None:
        came.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if came and came[0] == signal.SIGTERM:
        _asked.set()
        raise Terminated
    if came:
        raise KeyboardInterrupt
