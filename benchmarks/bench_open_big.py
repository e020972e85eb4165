"""Opening a big file as a learner does (File > Open, recent files, the command line): how long the window is
blocked at a time. Offscreen.

Target (issue 13): the window responsive throughout, with progress and Cancel (GUI block <= 50 ms a turn of the
event loop). Opens the hostile 4,000-server file (tests/hostile/corpus.py) and the 2,000-node, 4,000-link file of
bench_gui.py through MainWindow.opener (as Open… does); a 1 ms timer measures the longest gap between two turns of
the event loop while the file is read, drawn and put on the canvas in slices, in the final step that shows it (the
model swapped), and in the 2 s after, and prints the figures, with Python's full (oldest-generation) garbage
collections in that time (watched through ``gc.callbacks``, which changes nothing of when they run): most of what
was over 50 ms was such collections, whose time grows with the objects the collector tracks. Then opens the
4,000-server file again and presses Cancel half-way. Asserts nothing.

``--grids 500,1000,2000``: grids of those many nodes instead of the 2,000 alone (each opened over the one before);
``--grids-only``: without the 4,000 servers and the Cancel.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
PRIVATE = tempfile.mkdtemp(prefix="bench-open-")  # recent files and autosaves go here, not to the user's folders
os.environ["XDG_CONFIG_HOME"] = str(Path(PRIVATE) / "config")
os.environ["XDG_DATA_HOME"] = str(Path(PRIVATE) / "data")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests" / "hostile")]

from heartbeat import FullCollections, collector_load  # noqa: E402


class Gaps:
    """The gaps between the turns of the event loop, measured by a 1 ms timer: (when it ended, how long)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = time.perf_counter()
        self.gaps: list[tuple[float, float]] = []
        self.collections: list[tuple[float, float]] = []  # (began, ended) of each full garbage collection
        self._began = 0.0
        gc.callbacks.append(self._collection)
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now, now - self.last))
        self.last = now

    def _collection(self, phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                self._began = time.perf_counter()
            else:
                self.collections.append((self._began, time.perf_counter()))

    def stop(self) -> None:
        self.timer.stop()
        gc.callbacks.remove(self._collection)

    def longest(self, start: float, end: float) -> tuple[float, int]:
        """The longest gap that ended between ``start`` and ``end``, and how many there were."""
        inside = [gap for at, gap in self.gaps if start < at <= end]
        return max(inside, default=0.0), len(inside)

    def longest_without_collection(self, start: float, end: float) -> float:
        """The longest such gap in which no full garbage collection ran: the app's own work."""
        return max((gap for at, gap in self.gaps if start < at <= end
                    and not any(b < at and e > at - gap for b, e in self.collections)), default=0.0)


def open_big(window, app, path: Path) -> None:
    with FullCollections() as collections:
        open_and_watch(window, app, path)
    print(f"  meanwhile: {collections.words()}; after: {collector_load()}")


def open_and_watch(window, app, path: Path) -> None:
    gaps = Gaps()
    t0 = time.perf_counter()
    window.opener.open(str(path))
    run = window.opener.run
    shown_at = None
    showing = t0
    while run is not None and run.running:
        if run.dialog.labelText().startswith("Showing"):  # the items going into the scene, in slices
            showing = max(showing, time.perf_counter())  # the last turn before the step that shows it
        app.processEvents()
        if run.dialog.isVisible() and shown_at is None:
            shown_at = time.perf_counter() - t0
    opened = time.perf_counter()
    app.processEvents()  # the turn in which the open ended
    ended = time.perf_counter()
    while time.perf_counter() - ended < 2.0:
        app.processEvents()
    gaps.stop()
    block, turns = gaps.longest(t0, showing)
    final, _ = gaps.longest(showing, ended)
    after, _ = gaps.longest(ended, time.perf_counter())
    own = gaps.longest_without_collection(t0, time.perf_counter())
    print(f"open {path.name} ({len(window.doc.diagram.nodes)} nodes, {len(window.doc.diagram.links)} links) through "
          f"MainWindow.opener (as Open… does): {opened - t0:.2f} s to shown; progress dialog shown after "
          f"{'-' if shown_at is None else f'{shown_at:.2f} s'}")
    print(f"  reading, checking, drawing and putting on the canvas: {turns} turns, longest GUI block "
          f"{block * 1000:.0f} ms (target <= 50 ms)")
    print(f"  the final step that shows it (the model swapped, the canvas shown again): {final * 1000:.0f} ms")
    print(f"  the 2 s after: longest GUI block {after * 1000:.0f} ms (first paint, links routed in slices, design "
          "findings shown in slices)")
    print(f"  the longest GUI block in all of it with no full garbage collection in it: {own * 1000:.0f} ms")


def cancel_half_way(window, app, path: Path) -> None:
    before = window.doc.to_json()
    window.opener.open(str(path))
    run = window.opener.run
    t0 = time.perf_counter()
    while run.running and time.perf_counter() - t0 < 0.6:
        app.processEvents()
    t1 = time.perf_counter()
    run.dialog.cancel()
    app.processEvents()
    print(f"cancel after 0.6 s: stopped in {(time.perf_counter() - t1) * 1000:.0f} ms, diagram unchanged: "
          f"{window.doc.to_json() == before}")


def main() -> None:
    from bench_gui import big_record
    from corpus import case
    from PySide6.QtWidgets import QApplication

    from statediagram.gui.app import set_up_application
    from statediagram.gui.warmup import wait_for_warm_up
    from statediagram.gui.window import MainWindow

    app = QApplication.instance() or QApplication(["statediagram"])
    set_up_application(app)
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    settle = time.perf_counter()
    while time.perf_counter() - settle < 0.5:
        app.processEvents()
    wait_for_warm_up()
    print(f"settled window: {collector_load()}")
    tmp = Path(PRIVATE)
    servers = case("servers-4000").make(tmp)
    paths = [] if "--grids-only" in sys.argv else [servers]
    for nodes in _grid_sizes():
        grid = tmp / f"big-{nodes}.statediagram.json"
        grid.write_text(json.dumps(big_record(nodes // 20)), "utf-8")
        paths.append(grid)
    for path in paths:
        open_big(window, app, path)
    if "--grids-only" not in sys.argv:
        cancel_half_way(window, app, servers)
    window.doc.undo_stack.setClean()
    window.close()


def _grid_sizes() -> list[int]:
    """``--grids 500,1000,2000``: the grids of bench_gui.py opened (nodes, multiples of 20); 2,000 by default."""
    for i, arg in enumerate(sys.argv):
        if arg == "--grids" and i + 1 < len(sys.argv):
            return [int(n) for n in sys.argv[i + 1].split(",")]
    return [2000]


if __name__ == "__main__":
    main()
