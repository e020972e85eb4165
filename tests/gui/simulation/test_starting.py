"""Simulate pressed while the new run's child is still loading its libraries (the run before took the child started
ahead, and the next one is 0.6-0.8 s from ready) does not hold the window for it: the run shown stays on screen,
paused, and the new run is shown by the player's ticks once its child has told the run's facts. These tests use
the app's own wait (the other tests wait for the child: see tests/conftest.py)."""

from __future__ import annotations

from statediagram.gui.simulation import player as player_module
from statediagram.sim.child_run import SPARES

APP_START_WAIT_S = player_module.START_WAIT_S  # read when the tests are collected, before any test changes it


def _first_run_shown(window, qtbot):
    sim = window.simulation
    sim.ui.simulate()
    player = sim.controller.player
    qtbot.waitUntil(lambda: player.replay is not None and not player.starting, timeout=20_000)
    qtbot.waitUntil(lambda: player.t > 0, timeout=20_000)  # playing
    SPARES.drop()  # the next run takes a child started just then, as after a run started a moment before
    return sim, player


def test_simulate_pressed_again_at_once_keeps_the_run_shown_until_the_new_one_is_ready(window, qtbot, monkeypatch):
    monkeypatch.setattr(player_module, "START_WAIT_S", APP_START_WAIT_S)
    sim, player = _first_run_shown(window, qtbot)
    first = player.replay
    sim.ui.simulate()  # its child is still loading its libraries
    assert player.starting
    assert player.replay is first and not player.playing  # the first run stays on screen, paused
    assert "Starting the run" in sim.panel.verdict.headline.text()
    assert sim.controls.clock.text() != "t = 0.0 s"  # ... at the moment it had reached
    qtbot.waitUntil(lambda: not player.starting, timeout=20_000)  # shown by the ticks, nothing else pressed
    assert player.replay is not first and player.replay.ready
    assert player.playing
    qtbot.waitUntil(lambda: player.t > 0, timeout=20_000)
    assert "Running" in sim.panel.verdict.headline.text() and "Starting" not in sim.panel.verdict.headline.text()


def test_back_to_editing_while_a_run_starts_shows_no_run_later(window, qtbot, monkeypatch):
    monkeypatch.setattr(player_module, "START_WAIT_S", APP_START_WAIT_S)
    sim, player = _first_run_shown(window, qtbot)
    sim.ui.simulate()
    assert player.starting
    child = player._starting[0]._child
    sim.ui.stop()
    assert not player.starting and player.replay is None
    qtbot.wait(1500)  # longer than the child takes to load: its run would have been shown by now
    assert player.replay is None and not sim.controller.active
    assert child.poll() is not None  # the dropped run's child was stopped


def test_a_run_whose_child_dies_while_it_starts_says_so(window, qtbot, monkeypatch):
    monkeypatch.setattr(player_module, "START_WAIT_S", APP_START_WAIT_S)
    sim, player = _first_run_shown(window, qtbot)
    sim.ui.simulate()
    assert player.starting
    player._starting[0]._child.kill()  # as the kernel's out-of-memory killer would
    qtbot.waitUntil(lambda: "could not go on" in sim.panel.verdict.headline.text(), timeout=20_000)
    assert "stopped unexpectedly" in sim.panel.verdict.headline.text()
    assert not player.starting and player.replay is None and not player.playing


def test_what_waits_for_the_run_on_screen_waits_while_it_starts(window, qtbot, monkeypatch):
    """What Simulate does once the run is shown (a screen reader told again where the keyboard is) comes after the
    run is on screen, also when it started late."""
    from statediagram.gui.simulation.part import when_run_shown

    monkeypatch.setattr(player_module, "START_WAIT_S", APP_START_WAIT_S)
    sim, player = _first_run_shown(window, qtbot)
    sim.ui.simulate()
    assert player.starting
    first, seen = player.replay, []
    when_run_shown(player, window, lambda: seen.append(player.replay))
    qtbot.wait(50)
    assert seen == []
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    assert seen[0] is not first and seen[0] is player.replay
