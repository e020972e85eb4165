"""The app works a run out a little at a time and frees replaced runs a little at a time; neither may change
what the learner is shown: the same run, event for event, and no run kept after it is replaced."""

from __future__ import annotations

import json
import weakref

from simgui import show_diagram, with_redis

from statediagram.sim.engine import Engine
from statediagram.sim.replay import Replay, RunSetup
from statediagram.sim.report import build_report
from statediagram.sim.scenario import SECOND


def report_json(engine) -> str:
    return json.dumps(build_report(engine).to_json(), sort_keys=True)


def test_a_run_worked_out_in_tiny_steps_is_the_run_worked_out_at_once(starter):
    setup = RunSetup(with_redis(starter), "standard", None, 7, [(9 * SECOND, "a", "crash")], chaos_seed=3)
    stepped = Replay(setup)
    steps = 0
    while not stepped.advance(budget_s=0.0):  # one bounded slice of engine work per call
        steps += 1
    whole = Replay(setup)
    whole.engine.run()
    assert steps > 100
    assert stepped.report == build_report(whole.engine)
    assert report_json(stepped.engine) == report_json(whole.engine)
    assert stepped.engine.events == whole.engine.events
    assert [(r.t_send, r.server, r.outcome, r.t_reply) for r in stepped.requests] == \
        [(r.t_send, r.server, r.outcome, r.t_reply) for r in whole.engine.requests]


def test_an_engine_stopped_every_few_events_ends_as_one_run_through(starter):
    setup = RunSetup(starter, "standard", None, 11)
    cut = Engine(setup.diagram, setup.plan(), record_trace=True)
    while not cut.run_until(2**62, max_events=7):
        pass
    once = Engine(setup.diagram, setup.plan(), record_trace=True)
    once.run()
    assert report_json(cut) == report_json(once)


def test_a_run_replaced_by_a_hand_made_crash_is_freed(window):
    sim = window.simulation
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    old = weakref.ref(player.replay)
    sim.ui.seek(12 * SECOND)
    sim.controller.inject("a", "crash")
    player.work_out()
    assert player.replay is not old()
    for _ in range(200):
        player.tick()
        if old() is None:
            break
    assert old() is None
    assert player.replay.report["servers"]["a"]["crashes"] >= 1


def test_a_crash_by_hand_after_the_run_was_worked_out_reports_the_new_run(window, starter, qtbot):
    """The first run finishes in the background; a crash by hand rebuilds it. The verdict must be the rebuilt
    run's (with the crash and its failover error), never the finished first run's."""
    show_diagram(window, with_redis(starter))
    sim = window.simulation
    sim.controls.scenario.setCurrentIndex(sim.controls.scenario.findData("calm"))
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    first = player.replay.report
    sim.ui.seek(6 * SECOND)
    sim.controller.inject("a", "crash")
    # the timer's ticks, as on screen, until the rebuilt run (worked out in its child) is in and reported
    qtbot.waitUntil(lambda: not player.catching_up and player.replay.finished and player._reported, timeout=30_000)
    sim.ui.seek(player.end)
    shown = sim.panel.verdict.report
    assert shown == player.replay.report
    assert shown["servers"]["a"]["crashes"] == 1 and first["servers"]["a"]["crashes"] == 0
    assert sim.panel.metrics.shown == shown["totals"]  # the counters at the end agree with the verdict


def test_a_run_whose_child_process_dies_says_so_and_keeps_what_was_seen(window, starter, qtbot):
    """The engine's child process killed mid-run (out of memory, say): the play head stops where it was, what was
    seen stays on show, and the verdict's place says why in words; no error escapes into the window."""
    from statediagram.core import Fault, ScenarioSpec

    d = with_redis(starter)
    d.scenario = ScenarioSpec(seed=3, journey="sessions", faults=[Fault(60, "a", "crash")], duration_s=600)
    show_diagram(window, d)
    sim = window.simulation
    sim.ui.simulate()
    player = sim.controller.player
    assert player.replay.end == 600 * SECOND
    player.replay._child.kill()  # as the kernel's out-of-memory killer would
    qtbot.waitUntil(lambda: "could not go on" in sim.panel.verdict.headline.text(), timeout=20_000)
    assert "stopped unexpectedly" in sim.panel.verdict.headline.text()
    assert not player.playing and player.replay is not None and not player.replay.finished
    shown = player.t
    qtbot.wait(200)
    assert player.t == shown  # the play head stays where the run stopped
