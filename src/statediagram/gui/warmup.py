"""Modules the window needs soon, loaded on a helper thread while the learner looks at the window.

The window's process imports none of the heavy libraries the app uses: the design findings (networkx) and the
simulation (fakeredis, redis) are worked out in child processes (``sim/findings_reader.py``, ``sim/child_run.py``);
their objects lengthened every full garbage collection of the window's process. What a thread of its own imports
here is Run for real's own part (60 ms on the GUI thread at its first press; none of the live extras), and PyJWT
only for a run whose servers sign tokens (the inspector verifies them), when that run starts (``warm_up_later``).
If the GUI thread needs a module sooner, Python's import lock makes it wait only for the rest of that import.

Once they are in, the thread empties Python's cache of source lines (:mod:`linecache`). PySide6 reads the whole
source of every module imported after it (its import hook looks for the word "PySide6" in it), and the lines stay
in that cache: after these imports, 305k lines of 698 files, 28.5 MB. Nothing needs them (a traceback reads its
few lines again), and each full garbage collection walked them: on this 2-core machine a full collection of these
modules took 44-51 ms with them and 31-41 ms without (measured 2026-12-02).
"""

from __future__ import annotations

import importlib
import linecache
import threading

LOADED = ("statediagram.gui.live.run",)

_thread: threading.Thread | None = None


def warm_up_imports() -> None:
    global _thread
    if _thread is not None:
        return

    def load() -> None:
        for name in LOADED:
            importlib.import_module(name)
        # The same call linecache makes itself when memory runs short; a line asked for later is read again.
        linecache.clearcache()

    # Not a daemon: Python waits for it before it begins to shut down. A daemon thread still importing then is
    # stopped wherever it is, inside PySide6's import hook (C++) too, which can abort the process ("terminate
    # called without an active exception", seen once when a test quit the app 50 ms after it started).
    _thread = threading.Thread(target=load, name="statediagram-warm-up", daemon=False)
    _thread.start()


def wait_for_warm_up() -> None:
    """Until the imports are done (for benchmarks that time a settled app)."""
    for thread in (_thread, *_later.values()):
        if thread is not None:
            thread.join()


_later: dict[str, threading.Thread] = {}


def warm_up_later(name: str) -> None:
    """Import ``name`` on a helper thread of its own, once, before the window needs it (its source lines let go
    as above)."""
    if name in _later:
        return

    def load() -> None:
        importlib.import_module(name)
        linecache.clearcache()

    _later[name] = threading.Thread(target=load, name=f"statediagram-import-{name}")
    _later[name].start()  # not a daemon, for the reason above
