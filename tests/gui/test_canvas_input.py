"""All input on the canvas goes through one router: the editor's gestures, panning and the run shown each get
their part, and a gesture under way lets go cleanly when the learner presses Escape or opens another diagram."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QGraphicsLineItem

from statediagram.core import Diagram
from statediagram.gui.window import MainWindow

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    w = MainWindow()
    monkeypatch.setattr(w.files, "maybe_save", lambda: True)
    w.show()
    qtbot.waitExposed(w)
    w.new_diagram()
    yield w
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()


def send_mouse(widget, kind: QEvent.Type, at: QPoint, button: Qt.MouseButton, buttons) -> None:
    pos = QPointF(at)
    QApplication.sendEvent(widget, QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons,
                                               Qt.KeyboardModifier.NoModifier))


def wire_lines(window) -> list[QGraphicsLineItem]:
    """The dashed line a wiring drag draws from a node's handle."""
    return [i for i in window.scene.items() if isinstance(i, QGraphicsLineItem)]


def start_wiring(window) -> tuple[str, str, QPoint]:
    """Press on a server's handle and drag onto a Redis: the wire is drawn, nothing is linked yet."""
    ed = window.editor
    server, store = ed.add_node("server", 0, 0), ed.add_node("redis", 400, 0)
    item = window.scene.node_items[server]
    window.view.centerOn(QPointF(200, 0))
    handle = window.view.mapFromScene(item.mapToScene(item.handle_centre()))
    target = window.view.mapFromScene(window.scene.node_items[store].sceneBoundingRect().center())
    viewport = window.view.viewport()
    send_mouse(viewport, QEvent.Type.MouseButtonPress, handle, LEFT, LEFT)
    send_mouse(viewport, QEvent.Type.MouseMove, target, NONE, LEFT)
    assert len(wire_lines(window)) == 1
    return server, store, target


def test_escape_during_a_wiring_drag_lets_go_without_a_link(window, qtbot):
    server, store, target = start_wiring(window)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert wire_lines(window) == []
    send_mouse(window.view.viewport(), QEvent.Type.MouseButtonRelease, target, LEFT, NONE)
    assert window.doc.diagram.find_link(server, store) is None
    assert window.doc.node(server).x == 0  # let go, and nothing was dragged either


def test_another_diagram_opened_during_a_wiring_drag_drops_the_wire(window):
    _server, _store, target = start_wiring(window)
    assert window.files.new(Diagram(title="other"))  # the scene is cleared under the gesture
    assert wire_lines(window) == []
    send_mouse(window.view.viewport(), QEvent.Type.MouseButtonRelease, target, LEFT, NONE)  # no error
    assert window.doc.diagram.links == [] and window.doc.diagram.title == "other"


def test_while_a_run_is_shown_a_handle_still_wires_and_space_plays(window, qtbot):
    window.open_mission()
    sim = window.simulation
    sim.ui.simulate()
    sim.controller.player.set_playing(False)
    sim.ui.seek(0)  # no token on its way yet: a press on the canvas is the editor's
    store = window.editor.add_node("redis", 700, 0)
    item = window.scene.node_items["a"]
    window.view.centerOn(QPointF(400, 100))
    viewport = window.view.viewport()
    handle = window.view.mapFromScene(item.mapToScene(item.handle_centre()))
    target = window.view.mapFromScene(window.scene.node_items[store].sceneBoundingRect().center())
    send_mouse(viewport, QEvent.Type.MouseButtonPress, handle, LEFT, LEFT)
    send_mouse(viewport, QEvent.Type.MouseMove, target, NONE, LEFT)
    send_mouse(viewport, QEvent.Type.MouseButtonRelease, target, LEFT, NONE)
    assert window.doc.diagram.find_link("a", store) is not None
    assert sim.controller.shown()  # the run still shows (of the design as it was)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert sim.controller.player.playing
    sim.controller.stop()
