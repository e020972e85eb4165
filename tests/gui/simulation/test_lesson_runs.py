"""The lesson on screen: the stateless starter loses sessions; with a shared Redis it survives; crashing a
server by hand shows it down and counts in the report."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication
from simgui import run_to, show_diagram, with_redis

from statediagram.sim.scenario import SECOND


def shown_count(window, key: str) -> int:
    text = window.simulation.panel.metrics.values[key].text()
    return int("".join(ch for ch in text if ch.isdigit()))


def test_stateless_starter_shows_losses_and_does_not_survive(window):
    window.simulation.ui.simulate()
    run_to(window, window.simulation.controller.player.end)
    assert shown_count(window, "lost_sessions") > 0
    assert window.simulation.panel.verdict.survives is False
    assert "Does not survive" in window.simulation.panel.verdict.headline.text()
    messages = [window.simulation.panel.verdict.findings.item(i).text()
                for i in range(window.simulation.panel.verdict.findings.count())]
    assert any("Redis" in m and "sessions lost" in m for m in messages)
    assert "logged out" in window.simulation.panel.happened.text()


def test_adding_a_shared_redis_makes_it_survive(window, starter):
    show_diagram(window, with_redis(starter))
    window.simulation.ui.simulate()
    run_to(window, window.simulation.controller.player.end)
    assert shown_count(window, "lost_sessions") == 0
    assert shown_count(window, "ok") > 50
    assert window.simulation.panel.verdict.survives is True
    assert "Survives" in window.simulation.panel.verdict.headline.text()


def test_losses_grow_while_playing_before_the_verdict(window):
    window.simulation.ui.simulate()
    player = window.simulation.controller.player
    run_to(window, 3 * SECOND)
    early = shown_count(window, "lost_sessions")
    window.simulation.ui.seek(20 * SECOND)
    assert shown_count(window, "lost_sessions") > early > 0
    assert window.simulation.panel.verdict.survives is None  # the verdict waits for the end of the run
    assert player.t == 20 * SECOND


def _context_menu_on(window, node: str):
    view = window.view
    centre = window.simulation.controller.geometry.node_rect(node).center()
    pos = view.mapFromScene(centre)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    return window.simulation.controller.last_menu


def test_crash_a_server_by_its_context_menu_mid_run(window, starter):
    show_diagram(window, with_redis(starter))
    window.simulation.controls.scenario.setCurrentIndex(window.simulation.controls.scenario.findData("calm"))
    window.simulation.ui.simulate()
    run_to(window, 12 * SECOND)
    window.view.centerOn(window.simulation.controller.geometry.node_rect("a").center())
    menu = _context_menu_on(window, "a")
    assert menu is not None and "Server A" in menu.title()
    crash = window.simulation.controller.action(menu, "Crash")
    assert crash.isEnabled()
    crash.trigger()
    menu.close()
    player = window.simulation.controller.player
    player.work_out()
    run_to(window, 12 * SECOND + 500_000)
    frame = window.simulation.controller.layer.frame
    assert frame.states["a"].up is False
    assert dict(frame.states["lb"].health)["a"] is True  # the load balancer has not noticed yet
    run_to(window, 13 * SECOND + 100_000)
    assert dict(window.simulation.controller.layer.frame.states["lb"].health)["a"] is False  # the check at 13 s did
    assert window.simulation.controls.timeline.faults == [(12 * SECOND, "a", "crash", True)]
    report = player.replay.report
    assert report["servers"]["a"]["crashes"] == 1
    assert report["servers"]["b"]["crashes"] == 0
    assert report["survives"]  # sessions live in Redis: nobody is logged out
    # the menu now offers Restart, not Crash
    menu = _context_menu_on(window, "a")
    assert not window.simulation.controller.action(menu, "Crash").isEnabled()
    assert window.simulation.controller.action(menu, "Restart").isEnabled()
    menu.close()


def test_crash_button_acts_on_the_selected_node(window, qtbot):
    window.simulation.ui.simulate()
    run_to(window, 4 * SECOND)
    item = window.scene.node_items["b"]
    item.setSelected(True)
    qtbot.mouseClick(window.simulation.controls.crash, Qt.MouseButton.LeftButton)
    run_to(window, 4 * SECOND + 100_000)
    assert window.simulation.controller.layer.frame.states["b"].up is False
    # down from 4 s until the drill restarts it at 25 s: the drill's own crash at 20 s finds it down already
    assert window.simulation.controller.player.replay.report["servers"]["b"]["crashes"] == 1
    run_to(window, 22 * SECOND)
    assert window.simulation.controller.layer.frame.states["b"].up is False
    run_to(window, 25 * SECOND)
    assert window.simulation.controller.layer.frame.states["b"].up is True


def test_chaos_monkey_adds_seeded_crashes(window):
    controls = window.simulation.controls
    controls.scenario.setCurrentIndex(controls.scenario.findData("calm"))
    window.simulation.ui.simulate()
    controls.chaos.setChecked(True)
    player = window.simulation.controller.player
    player.work_out()
    faults = list(player.replay.extra_faults)
    assert faults and all(f[2] in ("crash", "restart") for f in faults)
    assert sum(s["crashes"] for s in player.replay.report["servers"].values()) == len(faults) // 2
    controls.chaos.setChecked(False)
    player.work_out()
    assert player.replay.extra_faults == []
    controls.chaos.setChecked(True)
    player.work_out()
    assert player.replay.extra_faults == faults

