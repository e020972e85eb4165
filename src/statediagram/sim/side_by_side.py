"""Two designs run alike (Compare): the same scenario, journey, seed, chaos and hand-made faults on both.

The app runs :func:`child_main` in a process of its own: a ten-minute run takes seconds of Python, and
in a thread of the app's process its garbage collections and its hold on the interpreter stopped the window
for 140-150 ms at a time (measured); in a child process the window is never held up. Only plain data crosses
(the setups going in, pickled on stdin; the reports and how far it got coming back on stdout), so nothing here
needs Qt.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable

from ..core.model import Diagram
from .child_run import send
from .replay import Replay, RunSetup
from .report import Report


def run_like(setup: RunSetup, diagram: Diagram, progress: Callable[[float], None] | None = None) -> Report:
    """The report of ``diagram`` under ``setup``'s scenario, journey, seed and chaos, with the hand-made faults
    that name nodes it has; ``progress(fraction)`` is told how far it got now and then."""
    ids = {n.id for n in diagram.nodes}
    faults = [f for f in setup.hand_faults if f[1] in ids]
    replay = Replay(RunSetup(diagram, setup.scenario, setup.journey, setup.seed, faults, setup.chaos_seed))
    try:
        while not replay.advance(replay.end, budget_s=0.05):
            if progress is not None:
                progress(replay.horizon / max(1, replay.end))
        return replay.report
    finally:
        replay.engine.close()


def run_both(setup: RunSetup, other: Diagram, progress: Callable[[float, int], None]) -> tuple[Report, Report]:
    """``setup``'s own diagram, then ``other``, alike; ``progress(fraction of both, which)``, which 0 or 1."""
    mine = run_like(setup, setup.diagram, lambda f: progress(f / 2, 0))
    theirs = run_like(setup, other, lambda f: progress(0.5 + f / 2, 1))
    return mine, theirs


def child_main() -> None:
    """The child process (``python -m statediagram.sim.side_by_side``): reads the pickled (setup, other diagram)
    from stdin; writes ("progress", fraction, which) messages now and then, then ("done", reports) or ("error",
    message)."""
    out = sys.stdout.buffer
    try:
        setup, other = pickle.load(sys.stdin.buffer)  # from the app that started this process, nothing else
        reports = run_both(setup, other, lambda f, which: send(out, ("progress", f, which)))
        send(out, ("done", reports))
    except Exception as exc:  # noqa: BLE001 - the message goes back to the app, which shows it
        send(out, ("error", str(exc) or type(exc).__name__))


if __name__ == "__main__":
    child_main()
