"""What comes from outside while editing: a clipboard another program filled, a node pushed to the canvas's
edge, a data folder autosave cannot write to. Nothing raises, nothing is lost, and the learner is told."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from statediagram.core.fileio import load_diagram, save_diagram
from statediagram.core.limits import MAX_COORDINATE
from statediagram.gui.editing import clipboard
from statediagram.gui.window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    w.new_diagram()
    yield w
    w.doc.undo_stack.setClean()  # closing must not stop on the "save changes?" question
    w.close()
    w.deleteLater()
    # A mime data made here and left on the clipboard crashes the interpreter at exit (PySide6 6.11, offscreen).
    QGuiApplication.clipboard().clear()


def put_on_clipboard(data: bytes) -> None:
    mime = QMimeData()
    mime.setData(clipboard.MIME_TYPE, data)
    QGuiApplication.clipboard().setMimeData(mime)


def status(w) -> str:
    return w.statusBar().currentMessage()


def test_pasting_bytes_that_are_not_utf8_under_our_type_is_ignored_with_a_message(window):
    window.editor.add_node("server", 0, 0)
    before = window.doc.to_json()
    put_on_clipboard(b'{"format": "statediagram", "nodes": [\xff\xfe\xc3]}')
    clipboard.paste(window.editor)
    assert "Cannot paste" in status(window) and "UTF-8" in status(window)
    assert window.doc.to_json() == before


@pytest.mark.parametrize("data", [b"[" * 200_000, b"\x00" * 64, b'{"format": "statediagram", "version": 1, '
                                  b'"nodes": [{"id": "a", "kind": "server", "x": 1e999}]}', b""])
def test_any_other_malformed_payload_is_ignored_with_a_message(window, data):
    before = window.doc.to_json()
    put_on_clipboard(data)
    clipboard.paste(window.editor)
    assert status(window).startswith("Cannot paste") or status(window).startswith("Nothing to paste")
    assert window.doc.to_json() == before


def test_a_payload_bigger_than_a_diagram_file_may_be_is_refused_before_reading_it(window, monkeypatch):
    monkeypatch.setattr(clipboard, "MAX_PASTE_BYTES", 1000)
    record = {"format": "statediagram", "version": 1,
              "nodes": [{"id": f"n{i}", "kind": "server", "x": i, "y": 0} for i in range(100)]}
    put_on_clipboard(json.dumps(record).encode())
    clipboard.paste(window.editor)
    assert "Cannot paste" in status(window) and "MB" in status(window)
    assert window.doc.diagram.nodes == []


def test_a_paste_at_the_canvas_edge_stays_on_the_canvas_and_saves_as_a_readable_file(window, tmp_path):
    record = {"format": "statediagram", "version": 1,
              "nodes": [{"id": "edge", "kind": "server", "x": MAX_COORDINATE, "y": -MAX_COORDINATE}]}
    put_on_clipboard(json.dumps(record).encode())
    clipboard.paste(window.editor)
    (node,) = window.doc.diagram.nodes
    assert (node.x, node.y) == (MAX_COORDINATE, -MAX_COORDINATE + clipboard.PASTE_OFFSET)
    window.scene.select_ids([node.id])
    for _ in range(3):
        window.editor.nudge(20, -20)
    assert (node.x, node.y) == (MAX_COORDINATE, -MAX_COORDINATE)
    assert "canvas ends" in status(window)
    item = window.scene.node_items[node.id]
    assert (item.x(), item.y()) == (node.x, node.y)
    window.view.centerOn(item)
    assert not window.view.grab().isNull()  # painted there without trouble
    path = tmp_path / "edge.statediagram.json"
    save_diagram(window.doc.diagram, path)
    assert load_diagram(path).diagram.nodes[0].x == MAX_COORDINATE


def test_a_drag_past_the_edge_puts_the_card_back_at_the_edge(window):
    node_id = window.editor.add_node("redis", MAX_COORDINATE - 10, 0)
    window.editor.move_nodes({node_id: ((MAX_COORDINATE - 10, 0), (5e300, 0))}, "Move")
    node = window.doc.node(node_id)
    assert node.x == MAX_COORDINATE
    assert window.scene.node_items[node_id].x() == MAX_COORDINATE
    window.doc.undo_stack.undo()
    assert node.x == MAX_COORDINATE - 10


def test_autosave_that_cannot_write_tells_the_learner_once_where_the_work_is(window, qtbot, tmp_path, monkeypatch):
    from statediagram.gui.files import autosave

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be")  # also fails for root, unlike a read-only folder
    monkeypatch.setattr(autosave, "autosave_dir", lambda: blocked / "autosave")
    w = MainWindow(autosave_ms=20)
    w.show()
    w.new_diagram()
    w.editor.add_node("server", 0, 0)
    qtbot.waitUntil(lambda: w.autosaver.error is not None, timeout=3000)

    def boxes():
        return [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]

    qtbot.waitUntil(lambda: len(boxes()) == 1, timeout=3000)
    (box,) = boxes()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "Save As" in box.text() and "still here" in box.text() and str(blocked) in box.text()
    assert "Save As" in status(w)
    for i in range(3):  # failing again and again: told once
        w.editor.add_node("redis", 200 * (i + 1), 0)
        w.autosaver.save_now()
    QApplication.processEvents()
    assert len(boxes()) == 1
    box.close()
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()
