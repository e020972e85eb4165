"""Opening a big diagram file behind a progress dialog with Cancel, the window responsive throughout.

The file is read and checked in a thread of its own (core/fileio is Qt-free); the canvas items are then made a
slice at a time on the event loop, off the scene (``DiagramScene.prepare``), and swapped into the scene a slice
at a time while the canvas keeps its picture (``DiagramScene.swap_in``); only the model is swapped in one short
step at the end. Until that step nothing of the open diagram is lost, so Cancel leaves it exactly as it was (its
items back in the scene, its undo history untouched). Small files open at once, as before: the dialog would
only flash.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import shiboken6
from PySide6.QtWidgets import QWidget

from ...core.fileio import load_diagram
from ...core.model import Diagram
from ...core.text import terminal_safe
from ...missions.files import MISSION_SUFFIX
from ..canvas.scene import DiagramScene
from ..editing.findings_work import FindingsWork
from ..progress import ProgressRun, Work, in_background, run_with_progress
from .open_save import FileController

# About 300 nodes with their links (the 4,000-server file: 525 KB, 130 bytes a node). Below it a file opens at
# once in well under 0.3 s; above it reading, checking and drawing reach seconds (4,000 servers: 2-5 s).
BIG_FILE_BYTES = 40_000
POLL_MS = 5  # how often the GUI thread looks at the reading thread (a quick look: ~0.1 ms)


def is_big(path: str) -> bool:
    """True for a file worth a progress dialog (a file that cannot even be looked at opens the plain way,
    which says why)."""
    try:
        return os.path.getsize(path) > BIG_FILE_BYTES
    except OSError:
        return False


class FindingsAhead(Protocol):
    """Where a big file's design findings are asked for before it is shown (``FindingsWork``)."""

    def ask_ahead(self, diagram: Diagram) -> int: ...
    def found_ahead(self, diagram: Diagram, question: int) -> None: ...


def _opening(files: FileController, scene: DiagramScene, path: str, findings: FindingsAhead,
             show_canvas: Callable[[], Callable[[], None] | None]) -> Work:
    name = Path(path).name
    loaded = yield from in_background(lambda _reporter: load_diagram(path), f"Reading and checking {name}…")
    diagram = loaded.diagram
    # Its design findings are worked out in their child process while it is drawn (2,000 nodes: 0.25-0.35 s,
    # 4,000: 0.6 s), shown by the refresh after it is shown. Asked here, the question costs the GUI thread 2-4 ms.
    question = findings.ask_ahead(diagram)
    words = f"Drawing {len(diagram.nodes):,} components and {len(diagram.links):,} links…"
    yield 0.4, words
    drawing = scene.prepare(diagram)
    try:
        for fraction in drawing:
            yield 0.4 + 0.5 * fraction, words
    finally:
        drawing.close()  # Cancel: the cards made so far let go now, not whenever the collector finds them
    # The canvas page now, while its panels' layout fits the open diagram (on 4,000 new cards: 0.15-0.2 s).
    page_back, shown = show_canvas(), False
    swapping = scene.swap_in()  # the items into the scene a slice at a time; the window shows the old picture
    try:
        yield 0.9, "Showing the diagram…"
        for fraction in swapping:
            yield 0.9 + 0.1 * fraction, "Showing the diagram…"
        files.show_loaded(loaded, path)  # the last step: after it there is nothing left to cancel
        shown = True
        findings.found_ahead(diagram, question)
    finally:
        swapping.close()  # Cancel before the last step: the shown diagram's items back as they were
        if not shown and shiboken6.isValid(scene):  # (not when the window closed)
            scene.drop_prepared()  # the new items, let go a slice at a time
            if page_back is not None:
                page_back()
    return True


def open_with_progress(files: FileController, scene: DiagramScene, path: str, parent: QWidget,
                       on_opened: Callable[[], None], findings: FindingsAhead,
                       show_canvas: Callable[[], Callable[[], None] | None] = lambda: None) -> ProgressRun:
    """Open ``path`` in slices behind a progress dialog; ``on_opened`` runs once it is shown, after ``findings``
    was told its design findings were asked for; ``show_canvas`` shows the canvas page before the items go onto it,
    and returns what shows the page before again, if any. A file that cannot be opened shows the loader's message;
    Cancel or an error leaves the open diagram untouched."""
    name = terminal_safe(Path(path).name)  # a file name that is not UTF-8 shows its bytes as \xNN
    run = run_with_progress(_opening(files, scene, path, findings, show_canvas), f"Opening {name}", parent,
                            on_done=lambda _shown: on_opened(),
                            on_error=lambda why: files.show_error("Cannot open this diagram", f"{name}: {why}"),
                            poll_ms=POLL_MS)
    run.cancelled.connect(lambda: files.message.emit(f"Opening {name} cancelled: nothing changed."))
    return run


class OpenHost(Protocol):
    """What the opener needs of the main window."""

    files: FileController
    scene: DiagramScene
    findings_work: FindingsWork

    def open_path(self, path: str) -> bool: ...
    def opened(self) -> None: ...
    def show_canvas(self) -> Callable[[], None] | None: ...


class Opener:
    """Opens a file as the learner does (Open…, recent files, the command line): a big one behind a progress
    dialog with Cancel, the others at once as ``MainWindow.open_path`` does."""

    def __init__(self, window: OpenHost, parent: QWidget) -> None:
        self.window = window
        self.parent = parent
        self.run: ProgressRun | None = None  # the big file being opened, if any

    def open(self, path: str, asked: bool = False) -> None:
        """Open ``path``; ``asked``: the learner already said what becomes of unsaved changes."""
        w, path = self.window, str(path)
        if path.endswith(MISSION_SUFFIX) or not is_big(path):
            if not asked:
                w.open_path(path)
            elif w.files.open_path(path):
                w.opened()
        elif not (self.run and self.run.running) and (asked or w.files.maybe_save()):
            self.run = open_with_progress(w.files, w.scene, path, self.parent, w.opened, w.findings_work,
                                          w.show_canvas)
