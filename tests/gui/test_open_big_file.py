"""Opening a big file as the learner does (Open…, recent files, the command line): a progress dialog with Cancel
while it is read and drawn, the window's event loop turning, and Cancel leaves the open diagram as it was."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from statediagram.gui.files.opening import BIG_FILE_BYTES
from statediagram.gui.window import MainWindow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "stateless-full.statediagram.json"


def servers_file(folder: Path, count: int) -> Path:
    """``count`` servers behind one load balancer, each with a Redis link: a file well over the big-file size."""
    nodes = [{"id": "users", "kind": "client", "x": 0, "y": 0}, {"id": "lb", "kind": "load_balancer", "x": 200, "y": 0},
             {"id": "redis", "kind": "redis", "x": 1200, "y": 0}]
    edges = [{"source": "users", "target": "lb"}]
    for i in range(count):
        nodes.append({"id": f"s{i}", "kind": "server", "label": f"Server {i}", "x": 400 + i % 40 * 200,
                      "y": 200 + i // 40 * 140})
        edges += [{"source": "lb", "target": f"s{i}"}, {"source": f"s{i}", "target": "redis"}]
    path = folder / f"servers-{count}.statediagram.json"
    path.write_text(json.dumps({"format": "statediagram", "version": 1, "title": "Many servers", "nodes": nodes,
                                "edges": edges}), "utf-8")
    assert path.stat().st_size > BIG_FILE_BYTES
    return path


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_path(str(EXAMPLE))
    yield w
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()


def turn_until(condition, seconds: float = 30.0) -> float:
    """Run the event loop until ``condition()``; the longest turn of the loop it took (seconds)."""
    longest, end = 0.0, time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        began = time.perf_counter()
        QApplication.processEvents()
        longest = max(longest, time.perf_counter() - began)
    return longest


def test_cancel_while_a_big_file_opens_leaves_the_open_diagram_and_its_undo_history_as_they_were(
        window, tmp_path, monkeypatch):
    window.editor.rename("lb", "Front door")  # unsaved work the learner discards to open another file
    monkeypatch.setattr(window.files, "ask_unsaved", lambda: QMessageBox.StandardButton.Discard)
    before, path_before = window.doc.to_json(), window.files.path
    items_before = dict(window.scene.node_items)
    window.opener.open(str(servers_file(tmp_path, 3000)))
    run = window.opener.run
    assert run is not None and run.running  # open returned at once: the work goes on in slices
    turn_until(lambda: run.dialog.isVisible() or not run.running)
    assert run.running, "the big file opened before the progress dialog showed"
    assert run.dialog.windowTitle() == "Opening servers-3000.statediagram.json"
    assert window.doc.to_json() == before  # nothing shown of the new file yet
    run.dialog.cancel()  # the dialog's Cancel button
    turn_until(lambda: not run.running)
    for _ in range(5):
        QApplication.processEvents()
    assert window.doc.to_json() == before and window.files.path == path_before
    assert window.scene.node_items == items_before  # the very same cards: no half-built canvas
    assert all(item.scene() is window.scene for item in items_before.values())
    assert window.doc.undo_stack.count() == 1 and window.doc.undo_stack.undoText() != ""
    window.doc.undo_stack.undo()
    assert window.doc.node("lb").label != "Front door"


def test_a_big_file_opens_behind_progress_with_the_window_turning_then_shows_whole_and_fitted(window, tmp_path):
    path = servers_file(tmp_path, 1000)
    window.opener.open(str(path))
    run = window.opener.run
    turn_until(lambda: not run.running)
    assert run.slices > 5  # read and drawn over many turns of the event loop, not in one
    assert len(window.doc.diagram.nodes) == 1003 and len(window.scene.node_items) == 1003
    assert len(window.scene.link_items) == 2001
    assert window.files.path == str(path.resolve())
    assert window.windowTitle().startswith(path.name)
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert shown.contains(window.scene.node_items["s999"].sceneBoundingRect())  # fitted: the last server shows


def test_a_big_file_that_cannot_be_read_says_why_once_and_changes_nothing(window, tmp_path, monkeypatch):
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or int(QMessageBox.StandardButton.Ok))
    bad = tmp_path / "broken.statediagram.json"
    bad.write_text('{"format": "statediagram", "version": 1, "nodes": [' + "1, " * BIG_FILE_BYTES + "]}", "utf-8")
    before = window.doc.to_json()
    window.opener.open(str(bad))
    turn_until(lambda: not window.opener.run.running)
    assert len(shown) == 1 and shown[0].windowTitle() == "Cannot open this diagram"
    assert window.doc.to_json() == before


def test_a_small_file_still_opens_at_once(window, tmp_path):
    small = tmp_path / "small.statediagram.json"
    small.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    window.opener.open(str(small))
    assert window.opener.run is None and window.files.path == str(small.resolve())
