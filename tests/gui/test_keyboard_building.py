"""Building a diagram with the keyboard alone, on the real main window: every key goes where the keyboard's
focus is (QTest key events only), as it would for a learner who cannot use a mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from statediagram.core.catalog import KINDS
from statediagram.core.model import link_key
from statediagram.gui.editing.link_finder import LinkFinder
from statediagram.gui.window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.new_diagram()
    QApplication.processEvents()
    yield w
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()


def key(keys: str, qtbot=None) -> None:
    """Press ``keys`` ("Ctrl+L", "F2", "Down") on whatever widget has the keyboard's focus."""
    QApplication.processEvents()
    seq = QKeySequence(keys)[0]
    target = QApplication.focusWidget()
    assert target is not None, f"no widget has the focus for {keys}"
    QTest.keyClick(target, seq.key(), seq.keyboardModifiers())
    QApplication.processEvents()


def type_text(text: str) -> None:
    QApplication.processEvents()
    QTest.keyClicks(QApplication.focusWidget(), text)
    QApplication.processEvents()


def palette_row(w: MainWindow, kind: str) -> int:
    return next(r for r in range(w.palette.count()) if w.palette.kind_at(r) == kind)


def cards_overlap(w: MainWindow) -> list[tuple[str, str]]:
    items = list(w.scene.node_items.values())
    rects = [(i.node_id, i.card_rect().translated(i.pos())) for i in items]
    return [(a, b) for n, (a, ra) in enumerate(rects) for b, rb in rects[n + 1:] if ra.intersects(rb)]


def test_a_node_added_linked_renamed_and_deleted_by_keyboard_alone(window, qtbot):
    w = window
    key("Ctrl+2")  # Go to Components
    assert QApplication.focusWidget() is w.palette
    for _ in range(palette_row(w, "server") - w.palette.currentRow()):
        key("Down")
    key("Return")  # adds a server at a free spot in the middle of the canvas
    for _ in range(palette_row(w, "redis") - palette_row(w, "server")):
        key("Down")
    key("Return")
    kinds = sorted(n.kind for n in w.doc.diagram.nodes)
    assert kinds == ["redis", "server"]
    assert cards_overlap(w) == []
    redis = next(n.id for n in w.doc.diagram.nodes if n.kind == "redis")
    assert w.scene.selected_node_ids() == [redis]  # the node just added is the one selected

    key("Ctrl+1")  # Go to Canvas
    assert QApplication.focusWidget() is w.view
    key("Ctrl+L")  # one node selected: link it to a node found by its name
    finder = w.findChild(LinkFinder)
    assert finder is not None and finder.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is finder.field)
    type_text("serv")
    key("Return")
    server = next(n.id for n in w.doc.diagram.nodes if n.kind == "server")
    assert w.doc.diagram.find_link(redis, server) is not None
    assert w.doc.undo_stack.undoText() == "Link Redis – Server A"  # the same command as a drag
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.view)

    key("F2")
    edit = w.view.viewport().findChild(QLineEdit, "labelEditor")
    assert edit is not None and QApplication.focusWidget() is edit
    type_text("Sessions")
    key("Return")
    assert w.doc.node(redis).label == "Sessions"

    key("Delete")
    assert not w.doc.has_node(redis)
    assert w.doc.diagram.links == [] or len(w.doc.diagram.links) == 0
    assert [n.kind for n in w.doc.diagram.nodes] == ["server"]


def tiers(w: MainWindow) -> dict[str, str]:
    """A client, a load balancer, two servers one above the other, a Redis: laid out in columns."""
    ed = w.editor
    ids = {"client": ed.add_node("client", 0, 0), "lb": ed.add_node("load_balancer", 240, 0),
           "a": ed.add_node("server", 480, -100), "b": ed.add_node("server", 480, 100),
           "redis": ed.add_node("redis", 720, 0)}
    w.scene.clearSelection()
    w.view.zoom_to_fit()
    return ids


def selected(w: MainWindow) -> str | None:
    ids = w.scene.selected_node_ids()
    return ids[0] if len(ids) == 1 else None


def test_tab_goes_from_node_to_node_in_reading_order_then_out_of_the_canvas(window):
    w = window
    ids = tiers(w)
    key("Ctrl+1")
    visited = []
    for _ in range(5):
        key("Tab")
        visited.append(selected(w))
    assert visited == [ids["client"], ids["lb"], ids["a"], ids["b"], ids["redis"]]
    assert QApplication.focusWidget() is w.view
    key("Shift+Tab")
    assert selected(w) == ids["b"]
    key("Tab")
    key("Tab")  # past the last node: the focus moves on, nobody is trapped on the canvas
    assert QApplication.focusWidget() is not w.view


def test_alt_arrows_go_to_the_nearest_node_that_way_and_arrows_nudge(window):
    w = window
    ids = tiers(w)
    key("Ctrl+1")
    key("Right")  # nothing selected yet: an arrow picks a node instead of nudging nothing
    first = selected(w)
    assert first is not None
    w.scene.select_ids([ids["lb"]])
    key("Alt+Right")
    assert selected(w) in (ids["a"], ids["b"])
    key("Alt+Down")
    assert selected(w) == ids["b"]
    key("Alt+Up")
    assert selected(w) == ids["a"]
    key("Alt+Right")
    assert selected(w) == ids["redis"]
    key("Alt+Left")
    key("Alt+Left")
    assert selected(w) == ids["lb"]
    x = w.doc.node(ids["lb"]).x
    key("Right")  # with a node selected, the arrows still nudge it
    assert w.doc.node(ids["lb"]).x == x + 20


def test_a_refused_link_keeps_the_finder_open_with_the_same_words_as_a_drag(window, qtbot):
    w = window
    ids = tiers(w)
    w.scene.select_ids([ids["client"]])
    key("Ctrl+1")
    steps = w.doc.undo_stack.count()
    w.actions.link_to.trigger()
    finder = w.findChild(LinkFinder)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is finder.field)
    type_text("Redis")
    expected = w.scene.link_problem(ids["client"], ids["redis"])
    assert expected and finder.why.text() == expected  # said before Enter, as the match is chosen
    key("Return")
    assert finder.isVisible()
    assert finder.why.text() == expected
    assert w.statusBar().currentMessage() == expected  # the status bar says what a drag would say
    assert w.doc.undo_stack.count() == steps
    key("Backspace")
    for _ in "Redis":
        key("Backspace")
    type_text("load")
    key("Return")
    qtbot.waitUntil(lambda: w.keyboard.finder is None)
    assert w.doc.diagram.find_link(ids["client"], ids["lb"]) is not None


def test_a_label_from_a_file_is_plain_text_in_the_finder(window, qtbot):
    w = window
    a = w.editor.add_node("server", 0, 0)
    w.editor.add_node("redis", 300, 0)
    w.editor.rename(a, "<b>bold</b> & co")
    w.scene.select_ids([a])
    w.actions.link_to.trigger()
    finder = w.findChild(LinkFinder)
    assert finder.prompt.textFormat() == Qt.TextFormat.PlainText and "<b>bold</b> & co" in finder.prompt.text()
    assert finder.why.textFormat() == Qt.TextFormat.PlainText
    finder.reject()


def test_the_canvas_tells_a_screen_reader_the_selected_node_its_badges_and_findings(window, qtbot):
    w = window
    w.editor.add_node("client", -300, 0)
    a = w.editor.add_node("server", 0, 0)  # keeps sessions in its own RAM, and no client reaches it
    w.refresh_findings()
    qtbot.waitUntil(lambda: not w.findings_work.busy)  # worked out in a child process
    w.scene.select_ids([a])
    qtbot.waitUntil(lambda: "Server A" in w.view.accessibleName())
    assert w.view.accessibleName() == f"Diagram canvas, selected: Server A, {KINDS['server'].label}"
    text = w.view.accessibleDescription()
    item = w.scene.node_items[a]
    assert item.warnings, "a lone server has a design finding"
    for badge in item.badges():
        assert f"{badge.title}: {badge.where}" in text
    assert "lost if this server crashes" in text
    for warning in item.warnings:
        assert warning.rstrip(".") in text
    assert "Not linked to anything." in text
    r = w.editor.add_node("redis", 300, 0)
    w.editor.link(a, r)
    w.scene.select_ids([a])
    qtbot.waitUntil(lambda: "Linked to Redis." in w.view.accessibleDescription())
    assert "sessions: Redis" in w.view.accessibleDescription()  # the badge changed with the link
    w.scene.clearSelection()
    w.scene.link_items[link_key(a, r)].setSelected(True)
    qtbot.waitUntil(lambda: "link between" in w.view.accessibleName())
    assert w.view.accessibleName().endswith("the link between Server A and Redis")  # left to right
    w.scene.clearSelection()
    qtbot.waitUntil(lambda: w.view.accessibleName() == "Diagram canvas")
    assert "3 nodes, 1 links" in w.view.accessibleDescription()


def test_every_widget_a_learner_reaches_by_keyboard_has_a_name(window):
    w = window
    for widget in (w.palette, w.view, w.findings):
        assert widget.accessibleName(), widget
    assert w.palette.accessibleDescription()


def test_enter_on_the_palette_again_and_again_never_stacks_nodes(window):
    w = window
    w.editor.add_node("server", 0, 0)  # one already in the middle
    w.view.centerOn(0, 0)
    w.palette.setFocus()
    w.palette.setCurrentRow(palette_row(w, "server"))
    for _ in range(8):
        key("Return")
    assert len(w.doc.diagram.nodes) == 9
    assert cards_overlap(w) == []
    seen = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    centre = seen.center()
    for item in w.scene.node_items.values():  # near the middle of what the learner sees
        assert abs(item.x() - centre.x()) < 700 and abs(item.y() - centre.y()) < 500


def test_every_editing_action_is_in_a_menu(window):
    w = window
    in_menus = set()

    def walk(menu):
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            else:
                in_menus.add(id(action))

    for top in w.menuBar().actions():
        walk(top.menu())
    a = w.actions
    for action in (a.rename, a.link, a.link_to, a.properties, a.bring_front, a.copy_image, a.delete,
                   a.next_node, a.previous_node, *a.node_moves, a.go_canvas, a.go_components, a.go_properties):
        assert id(action) in in_menus, action.text()


def test_properties_puts_the_focus_on_the_selected_nodes_label(window, qtbot):
    w = window
    a = w.editor.add_node("server", 0, 0)
    w.scene.select_ids([a])
    key("Ctrl+1")
    key("Alt+Return")
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    assert QApplication.focusWidget().objectName() == "prop_label"


def test_edit_add_component_lists_the_palettes_kinds_and_adds_at_a_free_spot(window):
    w = window
    w.restrict_palette(("server", "redis"))
    w.actions.add_menu.aboutToShow.emit()
    words = [a.text() for a in w.actions.add_menu.actions()]
    assert words == [KINDS["server"].label, KINDS["redis"].label]
    for _ in range(3):
        w.actions.add_menu.actions()[0].trigger()
    assert [n.kind for n in w.doc.diagram.nodes] == ["server"] * 3
    assert cards_overlap(w) == []


def test_every_widget_that_takes_the_focus_has_a_name_a_screen_reader_reads(window, qtbot):
    from pathlib import Path

    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QWidget

    w = window
    qtbot.waitUntil(lambda: w._simulation is not None)
    example = Path(__file__).resolve().parents[2] / "examples" / "stateless-full.statediagram.json"
    assert w.open_path(str(example))
    w.scene.select_ids([w.doc.diagram.nodes[0].id])  # the properties show their fields
    QApplication.processEvents()
    nameless = []
    for widget in w.findChildren(QWidget):
        if (not widget.isVisibleTo(w) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus
                or widget.objectName().startswith("qt_")):  # Qt's own parts inside a named widget
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        if face is None or not face.text(QAccessible.Text.Name):
            nameless.append((type(widget).__name__, widget.objectName()))
    assert nameless == []


def test_double_clicking_a_palette_item_again_and_again_never_stacks_nodes(window, qtbot):
    w = window
    w.editor.add_node("redis", 0, 0)
    w.view.centerOn(0, 0)
    row = palette_row(w, "redis")
    at = w.palette.visualItemRect(w.palette.item(row)).center()
    for _ in range(4):  # a double-click as a hand makes it: a click, then the second press that doubles it
        qtbot.mouseClick(w.palette.viewport(), Qt.MouseButton.LeftButton, pos=at)
        qtbot.mouseDClick(w.palette.viewport(), Qt.MouseButton.LeftButton, pos=at)
        qtbot.wait(QApplication.doubleClickInterval() + 50)  # four double-clicks, not a flurry of clicks
    assert [n.kind for n in w.doc.diagram.nodes] == ["redis"] * 5
    assert cards_overlap(w) == []


def test_ctrl_4_then_enter_selects_a_findings_nodes(window, qtbot):
    w = window
    w.editor.add_node("client", 0, 0)
    lone = w.editor.add_node("server", 300, 0)  # no client reaches it: a finding names it
    w.refresh_findings()
    qtbot.waitUntil(lambda: not w.findings_work.busy)  # worked out in a child process
    w.scene.clearSelection()
    key("Ctrl+4")
    assert QApplication.focusWidget() is w.findings
    while lone not in (w.findings.currentItem().data(Qt.ItemDataRole.UserRole) or []):
        key("Down")
    key("Return")
    assert lone in w.scene.selected_node_ids()
