"""The canvas as a screen reader finds it, on the real main window: every node and link an accessible item of its
own (name, description, rectangle, state), gone when deleted, focused as the keyboard moves the selection.

Offscreen no screen reader listens, so these tests ask Qt's accessibility API what a screen reader would ask
(``QAccessible.queryAccessibleInterface`` and the tree under it), and record what the app tells one."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from statediagram.core.catalog import KINDS
from statediagram.gui.window import MainWindow

NAME, DESCRIPTION = QAccessible.Text.Name, QAccessible.Text.Description


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


def canvas(w: MainWindow):
    root = QAccessible.queryAccessibleInterface(w.view)
    assert root is not None
    return root


def items(w: MainWindow) -> dict[str, object]:
    """The canvas's accessible items (nodes and links) by name."""
    root = canvas(w)
    out = {}
    for i in range(root.childCount()):
        child = root.child(i)
        if child.role() == QAccessible.Role.ListItem:
            out[child.text(NAME)] = child
    return out


def findings_shown(w: MainWindow) -> None:
    """Ask for the design findings now and wait until they are shown (worked out in a child process)."""
    w.refresh_findings()
    deadline = time.monotonic() + 10
    while w.findings_work.busy and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    assert not w.findings_work.busy, "no design findings within 10 s"


def small_diagram(w: MainWindow) -> tuple[str, str, str]:
    users = w.editor.add_node("client", -300, 0)
    server = w.editor.add_node("server", 0, 0)
    redis = w.editor.add_node("redis", 300, 0)
    w.editor.link(users, server)
    w.editor.link(server, redis)
    findings_shown(w)
    return users, server, redis


def card_on_screen(w: MainWindow, node_id: str) -> QRect:
    item = w.scene.node_items[node_id]
    on_view = w.view.mapFromScene(item.mapToScene(item.card_rect())).boundingRect()
    return on_view.translated(w.view.viewport().mapToGlobal(QPoint(0, 0)))


def test_the_canvas_lists_every_node_by_name_with_its_kind_and_badges(window):
    w = window
    users, server, redis = small_diagram(w)
    found = items(w)
    assert set(found) == {"Users", "Server A", "Redis", "Users to Server A", "Server A to Redis"}
    said = found["Server A"].text(DESCRIPTION)
    assert KINDS["server"].description.rstrip(".") in said
    for badge in w.scene.node_items[server].badges():
        assert f"{badge.title}: {badge.where}" in said  # "sessions: Redis", "uploads: disk (own: lost ...)"
    assert "sessions: Redis" in said and "lost if this server crashes" in said
    assert "Linked to" in said and "Users" in said
    assert KINDS["redis"].description.rstrip(".") in found["Redis"].text(DESCRIPTION)
    assert "Link between" in found["Server A to Redis"].text(DESCRIPTION)
    for node_id, name in ((users, "Users"), (server, "Server A"), (redis, "Redis")):
        assert found[name].rect() == card_on_screen(w, node_id)  # where the card is on the screen


def test_a_lone_server_says_its_finding(window):
    w = window
    w.editor.add_node("client", -300, 0)
    w.editor.add_node("server", 0, 0)  # no client reaches it, and it keeps sessions in its own RAM
    findings_shown(w)
    item = next(i for i in w.scene.node_items.values() if i.kind == "server")
    assert item.warnings
    said = items(w)["Server A"].text(DESCRIPTION)
    for warning in item.warnings:
        assert f"Warning: {warning}".rstrip(".") in said


def test_children_parent_index_and_point_agree(window):
    w = window
    small_diagram(w)
    root = canvas(w)
    n = root.childCount()
    assert n >= 5
    for i in range(n):
        child = root.child(i)
        assert root.indexOfChild(child) == i
        assert child.parent() is not None and child.parent().object() is w.view
        assert child.isValid()
    assert root.child(n) is None and root.child(-1) is None
    for name, child in items(w).items():
        if " to " in name:
            continue
        centre = child.rect().center()
        assert root.childAt(centre.x(), centre.y()).text(NAME) == name  # the card under that screen point
    assert root.child(0) is root.child(0)  # one interface per item, asked for again and again


def test_after_deleting_a_node_it_is_gone_from_the_children(window):
    w = window
    users, server, redis = small_diagram(w)
    before = items(w)
    gone = before["Server A"]
    count = canvas(w).childCount()
    w.scene.select_ids([server])
    w.editor.delete_selection()
    QApplication.processEvents()
    after = items(w)
    assert "Server A" not in after and not any("Server A" in name for name in after)  # its links went with it
    assert canvas(w).childCount() == count - 3
    assert not shiboken6.isValid(gone)  # Qt deleted the interface with the item (no stale item to read)
    w.doc.undo_stack.undo()
    QApplication.processEvents()
    assert set(items(w)) == set(before)  # undo brings the node and its links back, as new items


def test_a_new_diagram_leaves_none_of_the_old_items(window):
    w = window
    small_diagram(w)
    old = list(items(w).values())
    w.doc.undo_stack.setClean()
    w.new_diagram()
    QApplication.processEvents()
    assert items(w) == {}
    assert not any(shiboken6.isValid(i) for i in old)


@pytest.fixture
def screen_reader(monkeypatch):
    """A screen reader listening: every event the app tells it, recorded (and passed on to Qt)."""
    told = []
    tell = QAccessible.updateAccessibility

    def record(event):
        iface = event.accessibleInterface()
        told.append((event.type(), iface.text(NAME) if iface is not None else None))
        tell(event)

    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(record))
    return told


def focused(told) -> list[str]:
    return [name for what, name in told if what == QAccessible.Event.Focus]


def server_focused(w: MainWindow, qtbot, screen_reader) -> tuple[str, str, str]:
    """``small_diagram`` on the focused canvas with its server selected, a screen reader told so (and nothing
    else since it started listening here)."""
    users, server, redis = small_diagram(w)
    w.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.view)
    screen_reader.clear()
    w.scene.select_ids([server])
    qtbot.waitUntil(lambda: focused(screen_reader) == ["Server A"])
    return users, server, redis


def test_tab_between_nodes_moves_the_accessible_focus(window, qtbot, screen_reader):
    w = window
    small_diagram(w)
    w.scene.clearSelection()
    w.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.view)
    screen_reader.clear()
    QTest.keyClick(w.view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: focused(screen_reader) == ["Users"])
    QTest.keyClick(w.view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: focused(screen_reader) == ["Users", "Server A"])
    root = canvas(w)
    assert root.focusChild().text(NAME) == "Server A"
    now = items(w)
    assert now["Server A"].state().focused and now["Server A"].state().selected
    assert not now["Users"].state().focused and not now["Users"].state().selected
    QTest.keyClick(w.view, Qt.Key.Key_Backtab)
    qtbot.waitUntil(lambda: focused(screen_reader)[-1:] == ["Users"])
    assert root.focusChild().text(NAME) == "Users"


def test_the_focused_node_is_told_again_when_what_it_says_changes(window, qtbot, screen_reader):
    w = window
    users, server, redis = server_focused(w, qtbot, screen_reader)
    w.doc.undo_stack.undo()  # the link to Redis goes: the server keeps its sessions in its own RAM again
    qtbot.waitUntil(lambda: (QAccessible.Event.DescriptionChanged, "Server A") in screen_reader)
    assert "sessions: RAM" in items(w)["Server A"].text(DESCRIPTION)  # the badge changed with the link
    assert focused(screen_reader) == ["Server A"]  # told once: the focus did not move


def test_a_screen_reader_is_told_of_nodes_and_links_that_come_and_go(window, screen_reader):
    w = window
    users, server, redis = small_diagram(w)
    created = [name for what, name in screen_reader if what == QAccessible.Event.ObjectCreated]
    assert created == ["Users", "Server A", "Redis", "Users to Server A", "Server A to Redis"]
    screen_reader.clear()
    w.scene.select_ids([redis])
    w.editor.delete_selection()
    destroyed = [name for what, name in screen_reader if what == QAccessible.Event.ObjectDestroyed]
    assert sorted(destroyed) == ["Redis", "Server A to Redis"]
    assert "Redis" not in items(w)
    screen_reader.clear()
    w.doc.undo_stack.setClean()
    w.new_diagram()
    assert sorted(name for what, name in screen_reader if what == QAccessible.Event.ObjectDestroyed) == [
        "Server A", "Users", "Users to Server A"]
    assert any(what == QAccessible.Event.ObjectReorder and name.startswith("Diagram canvas")
               for what, name in screen_reader)  # the canvas's list is read anew


def test_windows_with_accessible_items_close_and_are_collected_without_a_crash(qtbot):
    for _ in range(3):
        w = MainWindow()
        w.show()
        w.new_diagram()
        small_diagram(w)
        made = list(items(w).values())
        assert made
        w.doc.undo_stack.setClean()
        w.close()
        w.deleteLater()
        del w
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QApplication.processEvents()
        gc.collect()
        assert not any(shiboken6.isValid(i) for i in made)  # deleted by Qt with their window


EXIT_SCRIPT = textwrap.dedent("""
    import gc, sys
    from PySide6.QtWidgets import QApplication
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QWidget
    app = QApplication([])
    early = QWidget()
    QAccessible.queryAccessibleInterface(early)  # Qt's cache made before the canvas's factory is installed
    from statediagram.gui.warmup import wait_for_warm_up
    from statediagram.gui.window import MainWindow
    kept = []
    for left in ("open", "to the collector"):
        w = MainWindow()
        w.show()
        w.new_diagram()
        a = w.editor.add_node("server", 0, 0)
        r = w.editor.add_node("redis", 300, 0)
        w.editor.link(a, r)
        app.processEvents()
        root = QAccessible.queryAccessibleInterface(w.view)
        names = [root.child(i).text(QAccessible.Text.Name) for i in range(root.childCount())]
        assert "Server A" in names, names
        w.doc.undo_stack.setClean()
        if left == "open":
            kept.append(w)
        del w, root
    gc.collect()
    wait_for_warm_up()
    print("done")
""")


def test_the_app_ends_cleanly_with_accessible_items_left_open_or_to_the_collector(tmp_path):
    """Windows still open at the end, or left to Python's collector, with their items made: Qt and PySide let
    go of them in their own order at exit, and the process ends without a crash."""
    src = Path(__file__).resolve().parents[2] / "src"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(src),
               XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_DATA_HOME=str(tmp_path / "d"),
               XDG_STATE_HOME=str(tmp_path / "s"), XDG_CACHE_HOME=str(tmp_path / "k"))
    done = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "done" in done.stdout


def test_selecting_nothing_gives_the_accessible_focus_back_to_the_canvas(window, qtbot, screen_reader):
    w = window
    users, server, redis = server_focused(w, qtbot, screen_reader)
    QTest.keyClick(w.view, Qt.Key.Key_Escape)
    # Told once the canvas's name says so: a screen reader reads the name with the focus.
    qtbot.waitUntil(lambda: focused(screen_reader) == ["Server A", "Diagram canvas"])
    assert canvas(w).focusChild() is None or canvas(w).focusChild().role() != QAccessible.Role.ListItem


def test_coming_back_to_the_canvas_focuses_the_node_still_selected(window, qtbot, screen_reader):
    w = window
    users, server, redis = server_focused(w, qtbot, screen_reader)
    w.palette.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not w.view)
    screen_reader.clear()
    w.view.setFocus()
    qtbot.waitUntil(lambda: focused(screen_reader)[-1:] == ["Server A"])


def test_a_node_named_as_its_kind_is_not_said_twice_and_a_link_reads_one_way(window, qtbot):
    w = window
    users = w.editor.add_node("client", -300, 0)
    server = w.editor.add_node("server", 0, 0)
    w.editor.link(server, users)  # drawn from the server: still read left to right, in name and description
    QApplication.processEvents()
    assert w.doc.node(users).label == KINDS["client"].label
    w.scene.select_ids([users])
    qtbot.waitUntil(lambda: w.view.accessibleName() == f"Diagram canvas, selected: {KINDS['client'].label}")
    link = items(w)["Users to Server A"]
    assert link.text(DESCRIPTION).startswith("Link between Users and Server A.")


def test_deleting_the_focused_node_gives_the_accessible_focus_back_to_the_canvas(window, qtbot, screen_reader):
    w = window
    users, server, redis = server_focused(w, qtbot, screen_reader)
    screen_reader.clear()
    w.scene.select_ids([redis])
    qtbot.waitUntil(lambda: focused(screen_reader) == ["Redis"])
    QTest.keyClick(w.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: focused(screen_reader) == ["Redis", "Diagram canvas"])
    assert "Redis" not in items(w)
