"""Editor habits driven through real widgets: zoom, pan, rename in place, tidy, export, start page, keys."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QCursor, QImage, QKeySequence, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QToolBar

from statediagram.core.catalog import KINDS
from statediagram.gui import theme
from statediagram.gui.window import MainWindow

Mod = Qt.KeyboardModifier


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """Recent files and autosaves go to the test's own folder, never the user's."""
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))


@pytest.fixture
def window(qtbot):
    """The editor on an empty canvas, shown and active so its shortcuts answer keys."""
    w = MainWindow()
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.new_diagram()
    yield w
    w.doc.undo_stack.setClean()  # no "save changes?" question at close
    w.close()
    w.deleteLater()


def tier_diagram(w: MainWindow) -> dict[str, str]:
    """Nodes dropped in the wrong order, a store on the far left, clients on the right."""
    ed = w.editor
    ids = {"store": ed.add_node("redis", -600, 0), "server": ed.add_node("server", 400, 300),
           "lb": ed.add_node("load_balancer", 800, -200), "client": ed.add_node("client", 1200, 100)}
    ed.link(ids["client"], ids["lb"])
    ed.link(ids["lb"], ids["server"])
    ed.link(ids["server"], ids["store"])
    return ids


def send_mouse(widget, kind: QEvent.Type, at: QPoint, button: Qt.MouseButton, buttons) -> None:
    pos = QPointF(at)
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Mod.NoModifier)
    QApplication.sendEvent(widget, event)


def press(w: MainWindow, key: str) -> None:
    """Type a key sequence the way a learner does, on the focused canvas."""
    seq = QKeySequence(key)[0]
    w.view.setFocus()
    QApplication.processEvents()
    from pytestqt.qtbot import QtBot

    QtBot.keyClick(w.view, seq.key(), seq.keyboardModifiers())


# --- zoom and pan ------------------------------------------------------------------------------------------


def test_ctrl_wheel_zooms_at_the_cursor_and_shows_the_zoom(window):
    view = window.view
    at = QPoint(150, 120)
    # Qt anchors "under the mouse" only when the pointer is over the view (its window system tells it so) and
    # reads the pointer's position: put the pointer there, as a learner's hand would.
    view.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, True)
    QCursor.setPos(view.viewport().mapToGlobal(at))
    send_mouse(view.viewport(), QEvent.Type.MouseMove, at, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    under = view.mapToScene(at)
    event = QWheelEvent(QPointF(at), QPointF(view.viewport().mapToGlobal(at)), QPoint(), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Mod.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom() > 1.3
    assert window.zoom_label.text() == f"{round(view.zoom() * 100)}%" != "100%"
    after = view.mapToScene(at)
    assert abs(after.x() - under.x()) < 1.5 and abs(after.y() - under.y()) < 1.5


def test_f_fits_the_whole_diagram(window):
    ids = tier_diagram(window)
    window.view.set_zoom(3.0)
    press(window, "F")
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    for node_id in ids.values():
        assert visible.contains(window.scene.node_items[node_id].sceneBoundingRect())
    assert window.zoom_label.text() == f"{round(window.view.zoom() * 100)}%"


def test_middle_drag_pans_without_moving_or_selecting(window):
    node = window.editor.add_node("server", 0, 0)
    window.scene.clearSelection()
    view, port = window.view, window.view.viewport()
    before = view.mapToScene(QPoint(100, 100))
    middle = Qt.MouseButton.MiddleButton
    send_mouse(port, QEvent.Type.MouseButtonPress, QPoint(300, 300), middle, middle)
    send_mouse(port, QEvent.Type.MouseMove, QPoint(380, 340), Qt.MouseButton.NoButton, middle)
    send_mouse(port, QEvent.Type.MouseButtonRelease, QPoint(380, 340), middle, Qt.MouseButton.NoButton)
    after = view.mapToScene(QPoint(100, 100))
    assert (round(before.x() - after.x()), round(before.y() - after.y())) == (80, 40)
    assert (window.doc.node(node).x, window.doc.node(node).y) == (0, 0)
    assert window.scene.selectedItems() == []
    assert window.doc.undo_stack.count() == 1


# --- editing on the canvas ---------------------------------------------------------------------------------


def test_double_click_renames_in_place_and_enter_commits_one_undo_step(window, qtbot):
    node = window.editor.add_node("server", 0, 0)
    view = window.view
    at = view.mapFromScene(window.scene.node_items[node].mapToScene(QPointF(0, 0)))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    edit = view.viewport().findChild(QLineEdit, "labelEditor")
    assert edit is not None and edit.isVisible() and edit.text() == "Server A"
    steps = window.doc.undo_stack.count()
    qtbot.keyClicks(edit, "Checkout API")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.doc.node(node).label == "Checkout API"
    assert window.scene.node_items[node].label == "Checkout API"
    assert window.doc.undo_stack.count() == steps + 1
    assert window.doc.undo_stack.undoText() == "Rename to “Checkout API”"
    window.doc.undo_stack.undo()
    assert window.doc.node(node).label == "Server A"


def test_escape_leaves_the_label_as_it_was(window, qtbot):
    node = window.editor.add_node("server", 0, 0)
    window.scene.select_ids([node])
    window.actions.rename.trigger()
    edit = window.view.viewport().findChild(QLineEdit, "labelEditor")
    qtbot.keyClicks(edit, "Nope")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert window.doc.node(node).label == "Server A"
    assert window.doc.undo_stack.count() == 1


def test_tidy_up_puts_the_tiers_left_to_right_in_one_undo_step(window):
    ids = tier_diagram(window)
    before = window.doc.to_json()
    steps = window.doc.undo_stack.count()
    window.actions.tidy.trigger()
    x = {role: window.doc.node(i).x for role, i in ids.items()}
    assert x["client"] < x["lb"] < x["server"] < x["store"]
    assert window.scene.node_items[ids["client"]].x() == x["client"]  # the canvas follows the model
    assert window.doc.undo_stack.count() == steps + 1
    window.doc.undo_stack.undo()
    assert window.doc.to_json() == before


# --- export --------------------------------------------------------------------------------------------------


def export_through_the_menu(window, monkeypatch, action, path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    action.trigger()
    assert path.exists(), window.statusBar().currentMessage()


def test_export_svg_writes_a_valid_svg_with_the_labels(window, tmp_path, monkeypatch):
    ids = tier_diagram(window)
    window.editor.rename(ids["server"], "Checkout API")
    out = tmp_path / "design.svg"
    export_through_the_menu(window, monkeypatch, window.actions.export_svg, out)
    root = ET.fromstring(out.read_bytes())
    assert root.tag.endswith("svg")
    text = " ".join(t.strip() for t in root.itertext())
    for label in ("Checkout API", "Users", "Load balancer", "Redis"):
        assert label in text
    assert window.statusBar().currentMessage() == "Exported design.svg."


def test_png_exports_transparent_corner_and_double_size(window, tmp_path, monkeypatch):
    tier_diagram(window)
    one, two, clear = tmp_path / "one.png", tmp_path / "two.png", tmp_path / "clear.png"
    export_through_the_menu(window, monkeypatch, window.actions.export_png, one)
    export_through_the_menu(window, monkeypatch, window.actions.export_png2, two)
    export_through_the_menu(window, monkeypatch, window.actions.export_png_clear, clear)
    a, b, c = QImage(str(one)), QImage(str(two)), QImage(str(clear))
    assert (b.width(), b.height()) == (2 * a.width(), 2 * a.height())
    assert a.pixelColor(0, 0).alpha() == 255
    assert c.pixelColor(0, 0).alpha() == 0
    assert max(c.pixelColor(x, c.height() // 2).alpha() for x in range(c.width())) == 255  # the drawing is there


# --- start page and files --------------------------------------------------------------------------------------


def test_start_page_new_and_mission_buttons(qtbot, tmp_path):
    w = MainWindow()
    w.show()
    assert w.pages.currentWidget() is w.start
    qtbot.mouseClick(w.start.new_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.view and w.doc.diagram.nodes == []
    w.show_start()
    qtbot.mouseClick(w.start.mission_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.view
    assert {n.kind for n in w.doc.diagram.nodes} >= {"client", "load_balancer", "server"}
    assert w.windowTitle().startswith(w.doc.diagram.title or "Untitled")
    w.close()
    w.deleteLater()


def test_start_page_recent_file_opens_that_file(qtbot, tmp_path, monkeypatch):
    first = MainWindow()
    first.new_diagram()
    first.editor.add_node("postgres", 0, 0)
    path = tmp_path / "remembered.statediagram.json"
    monkeypatch.setattr(first.files, "choose_save_path", lambda: str(path))
    assert first.files.save()
    first.close()
    first.deleteLater()

    w = MainWindow()
    w.show()
    recent = w.start.recent
    assert recent.count() == 1 and "remembered.statediagram.json" in recent.item(0).text()
    recent.setFocus()
    recent.setCurrentRow(0)
    qtbot.keyClick(recent, Qt.Key.Key_Return)
    assert w.pages.currentWidget() is w.view
    assert [n.kind for n in w.doc.diagram.nodes] == ["postgres"]
    assert w.files.path == str(path.resolve())
    assert w.windowTitle().startswith("remembered.statediagram.json")
    w.close()
    w.deleteLater()


def test_ctrl_s_on_a_new_diagram_asks_for_a_name_and_clears_the_mark(window, tmp_path, monkeypatch):
    window.editor.add_node("client", 0, 0)
    assert window.isWindowModified() and window.windowTitle().startswith("Untitled diagram[*]")
    asked = []

    def choose(*args, **kwargs):
        asked.append(args[1:3])
        return str(tmp_path / "first"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    press(window, "Ctrl+S")
    assert len(asked) == 1 and asked[0][0] == "Save diagram"
    saved = tmp_path / "first.statediagram.json"
    assert saved.exists()
    assert not window.isWindowModified()
    assert window.windowTitle().startswith("first.statediagram.json")
    press(window, "Ctrl+S")  # a named diagram saves without asking again
    assert len(asked) == 1


# --- keyboard habits -------------------------------------------------------------------------------------------


def shortcuts(action) -> set[str]:
    return {k.toString(QKeySequence.SequenceFormat.PortableText) for k in action.shortcuts()}


def test_the_standard_shortcuts_are_bound(window):
    a = window.actions
    assert "Ctrl+Z" in shortcuts(a.undo)
    assert {"Ctrl+Shift+Z", "Ctrl+Y"} <= shortcuts(a.redo)
    assert "Ctrl+S" in shortcuts(a.save) and "Ctrl+O" in shortcuts(a.open) and "Ctrl+N" in shortcuts(a.new)
    assert {"Del", "Backspace"} <= shortcuts(a.delete)
    assert "Ctrl+A" in shortcuts(a.select_all) and "Ctrl+D" in shortcuts(a.duplicate)
    assert "F2" in shortcuts(a.rename) and "Ctrl+T" in shortcuts(a.tidy) and "F" in shortcuts(a.zoom_fit)


def test_keys_edit_the_diagram_like_any_desktop_app(window):
    ed, doc = window.editor, window.doc
    a, b = ed.add_node("server", 0, 0), ed.add_node("server", 0, 200)
    window.scene.clearSelection()
    press(window, "Ctrl+A")
    assert window.scene.selected_node_ids() == [a, b]
    press(window, "Right")
    assert (doc.node(a).x, doc.node(b).x) == (20, 20)  # one grid step
    press(window, "Shift+Down")
    assert (doc.node(a).y, doc.node(b).y) == (1, 201)  # one pixel
    press(window, "Ctrl+D")
    assert len(doc.diagram.nodes) == 4
    press(window, "Delete")
    assert [n.id for n in doc.diagram.nodes] == [a, b]
    press(window, "Ctrl+Z")
    assert len(doc.diagram.nodes) == 4
    press(window, "Ctrl+Shift+Z")
    assert len(doc.diagram.nodes) == 2
    press(window, "Ctrl+Z")
    press(window, "Ctrl+Y")
    assert len(doc.diagram.nodes) == 2
    for _ in range(4):  # delete, duplicate, the pixel nudge, the grid nudge
        press(window, "Ctrl+Z")
    assert (doc.node(a).x, doc.node(a).y) == (0, 0) and len(doc.diagram.nodes) == 2


def test_toolbar_buttons_have_icons_words_and_tooltips(window):
    bar = window.findChild(QToolBar, "mainToolBar")
    assert bar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    actions = [act for act in bar.actions() if not act.isSeparator()]
    assert len(actions) >= 8
    for act in actions:
        assert not act.icon().isNull(), act.text()
        assert not act.icon().pixmap(24, 24).toImage().isNull()
        assert act.toolTip().strip() and act.iconText().strip()
    assert window.actions.undo.iconText() == "Undo"
    window.editor.add_node("server", 0, 0)
    assert window.actions.undo.text() == "&Undo Add Server" and window.actions.undo.iconText() == "Undo"
    assert "(Ctrl+S)" in window.actions.save.toolTip()


def test_palette_entries_and_start_buttons_explain_themselves(window):
    palette = window.palette
    assert palette.count() == len(KINDS)
    for row in range(palette.count()):
        item = palette.item(row)
        assert KINDS[palette.kind_at(row)].label in item.toolTip() and "canvas" in item.toolTip()
        assert not item.icon().isNull()
    for button in (window.start.new_button, window.start.open_button, window.start.mission_button):
        assert button.toolTip()


def test_destroying_a_window_with_a_selection_raises_nothing(qtbot):
    w = MainWindow()  # never shown, as when a test or a script makes one
    w.new_diagram()
    w.editor.add_node("server", 0, 0)  # selected, so the scene's teardown changes the selection
    w.doc.undo_stack.setClean()
    w.close()
    with qtbot.waitSignal(w.scene.destroyed, timeout=2000):
        w.deleteLater()
    qtbot.wait(20)


def test_a_scene_freed_by_the_collector_with_a_selection_raises_nothing(qtbot):
    """A window nobody deleted goes with Python's cyclic collector: it calls every finalizer, then empties the
    objects of the cycle (the scene's helpers among them), then frees them, and Qt deletes the scene with the
    window; Qt's teardown ends the selection. Nothing may reach a half-emptied scene (a CI run failed on it).
    The collector's order depends on the whole process, so the test takes its three steps by hand."""
    from statediagram.core.fileio import load_diagram
    from statediagram.gui.canvas.scene import DiagramScene
    from statediagram.gui.document import Document

    scene = DiagramScene(Document(load_diagram("examples/shared-redis.statediagram.json").diagram))
    for item in scene.node_items.values():
        item.setSelected(True)
    finalizer = getattr(type(scene), "__del__", None)
    if finalizer is not None:
        finalizer(scene)  # 1. finalizers
    scene.overview_mode.__dict__.clear()  # 2. the helpers emptied
    scene.clear()  # 3. Qt's teardown deletes the selected cards
    qtbot.wait(20)  # pytest-qt fails the test on what a slot raised


# --- hit-testing -------------------------------------------------------------------------------------------

def test_every_point_of_the_wiring_handle_starts_a_link(window, qtbot):
    """The handle's circle sits half on the card: a press on either half, at any point, wires."""
    ed = window.editor
    server = ed.add_node("server", 0, 0)
    store = ed.add_node("redis", 400, 0)
    item = window.scene.node_items[server]
    centre = item.mapToScene(item.handle_centre())
    window.view.centerOn(QPointF(200, 0))  # both nodes in sight
    target = window.view.mapFromScene(window.scene.node_items[store].sceneBoundingRect().center())
    viewport = window.view.viewport()
    tried = 0
    for dx in (-5, -3, -1, 0, 2, 4):
        for dy in (-4, 0, 4):
            at = window.view.mapFromScene(centre + QPointF(dx, dy))
            send_mouse(viewport, QEvent.Type.MouseButtonPress, at, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton)
            send_mouse(viewport, QEvent.Type.MouseMove, target, Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton)
            send_mouse(viewport, QEvent.Type.MouseButtonRelease, target, Qt.MouseButton.LeftButton,
                       Qt.MouseButton.NoButton)
            assert window.doc.diagram.find_link(server, store) is not None, (dx, dy)
            assert (item.pos().x(), item.pos().y()) == (0, 0), (dx, dy)  # wired, not dragged
            ed.doc.undo_stack.undo()
            tried += 1
    assert tried == 18 and window.doc.diagram.find_link(server, store) is None


# --- the grid and the cards' pictures while zooming ------------------------------------------------------------


def test_the_grid_is_drawn_in_whole_pixels_of_its_own_colours_at_any_zoom(window):
    wanted = {theme.CANVAS.rgb(), theme.GRID_MINOR.rgb(), theme.GRID_MAJOR.rgb()}
    for zoom in (0.5, 0.73, 1.0, 1.37):
        window.view.set_zoom(zoom)
        window.view.centerOn(13.3, 7.7)  # the scene's lines fall between pixels
        picture = window.view.viewport().grab().toImage()
        y = picture.height() // 2
        seen = {picture.pixel(x, y) for x in range(picture.width())}
        lines = sum(picture.pixel(x, y) == theme.GRID_MINOR.rgb() for x in range(picture.width()))
        assert seen <= wanted, (zoom, sorted(hex(c) for c in seen - wanted)[:5])
        assert lines >= picture.width() // (theme.GRID * 5 * zoom), zoom  # the lines are there


def test_zoomed_in_a_step_and_out_again_no_card_is_drawn_anew(window, monkeypatch):
    """Each card in sight is copied from a picture made at the view's scale; back at a scale it had a moment ago
    (which differs from it in its last bits only), the pictures made then serve again."""
    from statediagram.gui.canvas.items import NodeItem

    for i, kind in enumerate(("client", "load_balancer", "server", "redis")):
        window.editor.add_node(kind, 260 * i, 0)
    window.view.set_zoom(0.5)
    window.view.viewport().repaint()
    for _ in range(10):  # a wheel turned ten notches in...
        window.view.zoom_by(1.06)
        window.view.viewport().repaint()
    drawn = []
    monkeypatch.setattr(NodeItem, "paint_card", lambda self, *args: drawn.append(self.node_id))
    for _ in range(10):  # ... and back: the scales of a moment ago, but for their last bits
        window.view.zoom_by(1 / 1.06)
        window.view.viewport().repaint()
    assert drawn == []
