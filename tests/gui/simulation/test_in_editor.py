"""The simulation installed in the editor's main window with one call, driven through the editor's commands."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from statediagram.core import Link, Node, link_key
from statediagram.gui.editing import commands
from statediagram.sim.scenario import SECOND


def finish(sim) -> dict:
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    sim.ui.seek(player.end)
    return player.replay.report


def test_the_starter_fails_then_redis_added_by_the_editor_survives(main):
    w, sim = main
    assert sim.bar.isVisible() and sim.side.isVisible()  # on the canvas page, beside the editor's docks
    sim.controls.journey.setCurrentIndex(sim.controls.journey.findData("sessions"))
    sim.ui.simulate()
    report = finish(sim)
    assert not report["survives"] and report["totals"]["lost_sessions"] > 0
    assert "Does not survive" in sim.panel.verdict.headline.text()
    redis = Node("redis", "redis", "Redis", x=660, y=120)
    w.doc.undo_stack.push(commands.AddItems(w.doc, [redis], [Link("a", "redis"), Link("b", "redis")], "Add Redis"))
    assert "diagram changed" in sim.panel.verdict.headline.text()
    sim.ui.simulate()
    report = finish(sim)
    assert report["survives"] and report["totals"]["lost_sessions"] == 0
    assert "Survives" in sim.panel.verdict.headline.text()
    # tokens travel along the editor's own link items, on their routes
    route = w.scene.link_items[link_key("a", "redis")].points()
    assert sim.controller.geometry.link_points("redis", "a") in (route, route[::-1])


def test_crash_server_a_by_the_context_menu_on_the_editor_canvas(main):
    w, sim = main
    redis = Node("redis", "redis", "Redis", x=660, y=120)
    w.doc.undo_stack.push(commands.AddItems(w.doc, [redis], [Link("a", "redis"), Link("b", "redis")], "Add Redis"))
    sim.controls.scenario.setCurrentIndex(sim.controls.scenario.findData("calm"))
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    player.work_out(8 * SECOND)
    sim.ui.seek(7 * SECOND)
    item = w.scene.node_items["a"]
    pos = w.view.mapFromScene(item.sceneBoundingRect().center())
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, w.view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(w.view.viewport(), event)
    menu = sim.controller.last_menu
    sim.controller.action(menu, "Crash").trigger()
    menu.close()
    report = finish(sim)
    sim.ui.seek(7 * SECOND + 200_000)
    assert sim.controller.layer.frame.states["a"].up is False
    assert report["servers"]["a"]["crashes"] == 1 and report["survives"]


def test_a_space_tap_plays_and_space_drag_still_pans(main, qtbot):
    w, sim = main
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_Space)
    assert player.playing
    qtbot.keyPress(w.view, Qt.Key.Key_Space)
    qtbot.mousePress(w.view.viewport(), Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(w.view.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyRelease(w.view, Qt.Key.Key_Space)
    assert player.playing  # the tap-with-drag was a pan, not a pause


def test_the_simulate_menu_runs_and_crashes_from_the_keyboard(main, qtbot):
    w, sim = main
    menu = w.simulate_menu
    titles = [a.text().replace("&", "") for a in w.menuBar().actions()]
    assert titles.index("View") < titles.index("Simulate") < titles.index("Help")
    keys = {a.text(): a.shortcut().toString() for a in menu.actions() if not a.isSeparator()}
    assert keys["Simulate"] == "F5" and keys["Stop (back to editing)"] == "Shift+F5"
    assert keys["Crash the selected node"] == "Ctrl+Shift+K"
    assert keys["Play / Pause"] == "Space"  # the menu owns the key: it works wherever the focus is
    assert not sim.controls.crash_action.isEnabled()  # nothing to crash before a run
    sim.controls.scenario.setCurrentIndex(sim.controls.scenario.findData("calm"))
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_F5)
    player = sim.controller.player
    assert player.replay is not None and sim.controls.crash_action.isEnabled()
    player.set_playing(False)
    player.work_out(8 * SECOND)
    sim.ui.seek(7 * SECOND)
    w.scene.clearSelection()
    w.scene.node_items["a"].setSelected(True)
    qtbot.keyClick(w.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    report = finish(sim)
    assert report["servers"]["a"]["crashes"] == 1 and report["servers"]["b"]["crashes"] == 0
    assert sim.panel.metrics.requests.text() != "0"
    qtbot.keyClick(w.view, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert player.replay is None and not sim.controls.crash_action.isEnabled()
    # back to editing: nothing of the old run is left on screen to be mistaken for the new design's
    assert sim.panel.metrics.requests.text() == "0" and sim.panel.happened.text() == ""
    assert sim.controls.timeline.end == 0 and sim.controls.clock.text() == "t = 0.0 s"


def test_the_properties_come_back_to_the_front_when_editing_again(main, qtbot):
    w, sim = main
    properties = w.properties_dock
    w.scene.node_items["a"].setSelected(True)
    qtbot.waitUntil(lambda: not properties.visibleRegion().isEmpty())
    sim.controls.simulate_action.trigger()  # a run: the verdict and metrics come to the front
    qtbot.waitUntil(lambda: properties.visibleRegion().isEmpty())
    w.scene.clearSelection()
    w.scene.node_items["b"].setSelected(True)  # selecting while a run is shown leaves the run's panel in front
    assert properties.visibleRegion().isEmpty()
    sim.ui.stop()
    w.scene.clearSelection()
    w.scene.node_items["a"].setSelected(True)
    qtbot.waitUntil(lambda: not properties.visibleRegion().isEmpty())


def test_a_diagram_opens_with_the_properties_in_front(main, qtbot):
    w, sim = main  # the fixture opened the mission from the start page
    properties = w.properties_dock
    qtbot.waitUntil(lambda: not properties.visibleRegion().isEmpty())
    assert sim.side.visibleRegion().isEmpty()
