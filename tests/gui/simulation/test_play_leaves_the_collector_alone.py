"""Playing a long run leaves Python's cyclic collector alone: what a frame makes and keeps does not pile up in the
collector's oldest generation.

Why a learner would notice: CPython runs a full collection once the objects moved to its oldest generation since the
last one exceed a quarter of those it holds (the window alone: about 90k). A full collection walks all of them and
stops the window for 40-110 ms. An object alive when a middle-generation collection runs is moved there, even if it
dies a few frames later: 8x play of a 10-minute run moved about 60 objects a frame there (each request's trip on
screen was an object), and the window stopped for a full collection every 3-4 s."""

from __future__ import annotations

import gc
import tracemalloc

from simgui import show_diagram

from collector_watch import Promoted
from statediagram.core import Diagram, Fault, Link, Node, ScenarioSpec
from statediagram.sim.scenario import SECOND

FRAME_US = 16_000


def busy_run(users: int = 200, seconds: int = 120) -> Diagram:
    """200 users through a load balancer to 6 servers sharing a Redis; a server crashes and comes back."""
    d = Diagram(title="busy")
    d.nodes += [Node("users", "client", "Users", 0, 200, {"users": users}), Node("lb", "load_balancer", "LB", 250, 200),
                Node("redis", "redis", "Redis", 760, 200)]
    d.links.append(Link("users", "lb"))
    for i in range(6):
        d.nodes.append(Node(f"s{i}", "server", f"Server {i}", 500, i * 80))
        d.links += [Link("lb", f"s{i}"), Link(f"s{i}", "redis")]
    d.scenario = ScenarioSpec(seed=3, journey="sessions", duration_s=seconds,
                              faults=[Fault(30, "s1", "crash"), Fault(45, "s1", "restart")])
    return d


def play(window, t: int, frames: int, collect_every: int = 10) -> int:
    """Play ``frames`` frames at 8x from ``t``, each shown and painted; a middle-generation collection every
    ``collect_every`` frames (one comes about every 25 frames of play). The objects moved to the oldest generation."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    player = window.simulation.controller.player
    player.set_playing(True)
    with Promoted() as promoted:
        for k in range(frames):
            t += 8 * FRAME_US
            player.show_at(t)
            QApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)  # painted as the event loop would
            if k % collect_every == collect_every - 1:
                gc.collect(1)
    player.set_playing(False)
    return promoted.count


def test_playing_a_long_run_at_8x_moves_next_to_nothing_to_the_collectors_oldest_generation(window):
    show_diagram(window, busy_run())
    window.simulation.ui.simulate()
    player = window.simulation.controller.player
    player.set_playing(False)
    player.work_out()
    tokens = []
    window.simulation.controller.layer.show_frame = lambda frame, show=window.simulation.controller.layer.show_frame: (
        tokens.append(len(frame.tokens)), show(frame))
    play(window, 20 * SECOND, 40)  # the frames' pictures, labels and their places made once
    promoted = play(window, 25 * SECOND, 300)  # 38 s of the run, through a crash and a restart
    assert min(tokens) > 50
    # Measured: 1,941 objects in 300 frames (the labels' pictures as their counts change, the frames' lists, the
    # nodes' states), 22,584 when each trip on screen was an object and the labels were made anew each frame.
    assert promoted < 3_000, promoted


def test_the_first_frame_of_a_run_taking_over_reads_only_its_failures(window):
    """A hand fault rebuilds the run; when the new run takes over, the planner starts afresh on it, and its first
    frame finds the failure badges among the failed requests, not among the 12k requests settled so far (read at
    once, they were made as objects: a stop of 100-160 ms at 8x play, and most of them moved to the collector's
    oldest generation)."""
    show_diagram(window, busy_run())
    window.simulation.ui.simulate()
    controller = window.simulation.controller
    player = controller.player
    player.set_playing(False)
    player.work_out(70 * SECOND)
    planner = controller.planner
    planner.set_replay(player.replay)  # as when a run takes over
    tracemalloc.start()
    try:
        frame = planner.frame(60 * SECOND)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(player.replay.settled) > 10_000 and len(frame.tokens) > 50
    assert any(node == "s1" for node, *_ in planner._badges(31 * SECOND))  # the crash's badges are found
    # Measured: 0.15 MB (the trips of the frame's requests); 3.3 MB when it read every settled request.
    assert peak < 1_000_000, peak


def test_a_run_worked_out_keeps_none_of_the_engines_objects_in_the_window(window):
    """The engine works in a child process (sim/child_run.py): its users, requests under way, servers and stores
    are the child's, and every full collection of the window's process has that many fewer objects to walk."""
    from statediagram.sim.engine import Engine
    from statediagram.sim.nodes import Request, User

    show_diagram(window, busy_run(seconds=60))
    window.simulation.ui.simulate()
    player = window.simulation.controller.player
    player.set_playing(False)
    player.work_out()
    assert player.replay.finished and len(player.replay.requests) > 5_000
    gc.collect()
    engines = [o for o in gc.get_objects() if isinstance(o, (Engine, Request, User))]
    assert engines == [], engines[:3]
