"""The inspector shows the node as it is at the play head: after a crash by hand, after a seek, while playing."""

from __future__ import annotations

from statediagram.sim.scenario import SECOND


def _title(window) -> str:
    return window.simulation.panel.inspector.title.text()


def _settled(window, qtbot) -> None:
    player = window.simulation.controller.player
    qtbot.waitUntil(lambda: not player.catching_up, timeout=20_000)


def test_a_server_crashed_by_hand_reads_down_at_the_play_head(window, qtbot):
    sim = window.simulation
    sim.controls.set_choices("calm", None)  # no fault of the scenario's own: only the one by hand
    sim.ui.simulate()
    player = sim.controller.player
    _settled(window, qtbot)
    player.set_playing(False)
    player.work_out()
    server = player.replay.server_ids[-1]
    label = player.replay.labels[server]
    sim.ui.seek(5 * SECOND)
    sim.controller.inspect_node.emit(server)
    assert f"{label} at 5.00 s: up" in _title(window)

    window.scene.clearSelection()
    window.scene.node_items[server].setSelected(True)
    sim.controls.crash_action.trigger()
    _settled(window, qtbot)
    assert f"{label} at 5.00 s: DOWN" in _title(window)  # not "up", as before the crash
    player.work_out()  # the new run worked out to its end, so the play head may go past 5 s

    sim.ui.seek(2 * SECOND)  # before the crash: up again, read at 2 s
    assert f"{label} at 2.00 s: up" in _title(window)
    sim.ui.seek(6 * SECOND)
    assert f"{label} at 6.00 s: DOWN" in _title(window)
    player.step()
    assert f"{label} at {player.t / SECOND:.2f} s" in _title(window)


def test_while_playing_the_inspector_keeps_up_with_the_clock(window, qtbot):
    sim = window.simulation
    sim.controls.set_choices("calm", None)
    sim.ui.simulate()
    player = sim.controller.player
    _settled(window, qtbot)
    player.set_playing(False)
    sim.ui.seek(1 * SECOND)
    server = player.replay.server_ids[0]
    sim.controller.inspect_node.emit(server)
    assert "at 1.00 s" in _title(window)
    player.set_playing(True)
    label = player.replay.labels[server]
    qtbot.waitUntil(lambda: "the table as at 1.00 s" in _title(window)
                    and f"{label} at 1.00 s" not in _title(window), timeout=5000)  # the clock moved on
    player.set_playing(False)
    t = player.t
    sim.ui.seek(t)
    assert f"at {t / SECOND:.2f} s: up" in _title(window)
