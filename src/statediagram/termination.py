"""SIGTERM for the command line: the command stops as after Ctrl-C, and the request to stop is never lost.

The handler raises :class:`Terminated` wherever the main thread is, so that the command's own cleanup runs (a real
Redis's keys, live mode's processes and folders). Python runs a handler between any two instructions, also inside
a callback whose exceptions it only prints ("Exception ignored in ...": a weak reference's callback, a
``__del__``). There the exception is lost: a run of ``statediagram live`` whose SIGTERM landed in the import
system's lock callback went on to its end and exited 0. So the request is also kept: long work looks at it
(:func:`stop_if_asked`), and ``cli.main`` exits with 143 whatever the command returned.
"""

from __future__ import annotations

import threading
from typing import Any

_asked = threading.Event()


class Terminated(BaseException):
    """SIGTERM, raised where the command is (a BaseException, as KeyboardInterrupt: no ``except Exception`` of
    the command's takes it for an error of its own)."""


def on_sigterm(signum: int, frame: Any) -> None:
    """The SIGTERM handler of the command line."""
    terminate()


def terminate() -> None:
    """Stop as a SIGTERM asks: the request kept, :class:`Terminated` raised (also for one held a while by
    ``timelimit.interrupts_deferred``)."""
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
