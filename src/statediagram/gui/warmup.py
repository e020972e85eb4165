"""Heavy libraries loaded on a helper thread while the learner looks at the window.

networkx (the design findings after every edit), fakeredis and PyJWT (the simulation) take 0.3-0.7 s to import
on a 2-core machine; imported on the GUI thread the first time they are needed, they froze the window just after
the first diagram opened. A daemon thread imports them once, in the order they are needed; if the GUI thread
needs one sooner, Python's import lock makes it wait only for the rest of that one import.
"""

from __future__ import annotations

import importlib
import threading

_thread: threading.Thread | None = None


def warm_up_imports() -> None:
    global _thread
    if _thread is not None:
        return

    def load() -> None:
        # Last, Run for real's own part (60 ms on the GUI thread at its first press; none of the live extras).
        for name in ("networkx", "fakeredis", "jwt", "statediagram.gui.live.run"):
            importlib.import_module(name)

    _thread = threading.Thread(target=load, name="statediagram-warm-up", daemon=True)
    _thread.start()


def wait_for_warm_up() -> None:
    """Until the imports are done (for benchmarks that time a settled app)."""
    if _thread is not None:
        _thread.join()
