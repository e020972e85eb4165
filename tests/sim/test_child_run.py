"""A run worked out in a child process (the app's runs) indexes exactly what a run worked out here does."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from statediagram.core.fileio import load_diagram
from statediagram.sim import child_run
from statediagram.sim.child_run import SPARES, CallWork, ChildReplay
from statediagram.sim.replay import Replay, RunSetup
from statediagram.sim.scenario import SECOND

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.statediagram.json"))


pytestmark = pytest.mark.usefixtures("no_spare_left")


def _setup(path: Path) -> RunSetup:
    d = load_diagram(path).diagram
    last = sorted(n.id for n in d.nodes)[-1]
    return RunSetup(d, hand_faults=[(3_000_000, last, "crash"), (9_000_000, last, "restart")], chaos_seed=7)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_every_example_reads_the_same_from_a_child(path):
    setup = _setup(path)
    here = Replay(setup, 300_000)
    here.run_to_end()
    there = ChildReplay(setup, 300_000)
    try:
        there.run_to_end()
        assert there.report == here.report
        assert there.requests[:] == here.requests[:]
        assert there.settled[:] == here.settled[:] and there.failures[:] == here.failures[:]
        assert there.snapshots == here.snapshots
        assert list(there.moments) == list(here.moments)
        assert there.faults == here.faults and there.labels == here.labels
        assert there.lost_message_times == here.lost_message_times
        for t in range(0, here.end + SECOND, 97_000):
            assert there.node_states_at(t) == here.node_states_at(t), t
            assert there.totals_at(t) == here.totals_at(t), t
            for store in here.store_ids:
                assert there.channels_at(store, t) == here.channels_at(store, t)
        assert there.chat_per_second(here.end) == here.chat_per_second(here.end)
    finally:
        there.close()
        here.close()


def test_the_index_is_the_same_part_way_too():
    """Read while the child is still working (what the player shows while a run is worked out)."""
    setup = _setup(EXAMPLES[0])
    here, there = Replay(setup, 300_000), ChildReplay(setup, 300_000)
    try:
        there.wait_ready()
        while not there.advance(4 * SECOND, budget_s=1.0):
            pass
        here.advance(there.horizon, budget_s=10.0)
        t = there.horizon
        assert t >= 4 * SECOND
        assert there.ids_sent_between(0, t) == here.ids_sent_between(0, t)
        assert there.totals_at(t) == here.totals_at(t)
        assert there.node_states_at(t) == here.node_states_at(t)
    finally:
        there.close()
        here.close()


def test_a_dropped_run_stops_its_child():
    setup = _setup(EXAMPLES[0])
    run = ChildReplay(setup, 0)
    run.wait_ready()
    child = run._child
    run.close()
    deadline = time.monotonic() + 5
    while child.poll() is None and time.monotonic() < deadline:  # killed; reaped without the app waiting for it
        time.sleep(0.01)
    assert child.poll() is not None


def test_a_child_that_dies_is_reported_not_waited_for():
    run = ChildReplay(_setup(EXAMPLES[0]), 0)
    run.wait_ready()
    run._child.kill()
    began = time.perf_counter()
    with pytest.raises(RuntimeError, match="stopped unexpectedly"):
        while not run.advance(budget_s=1.0):
            pass
    assert time.perf_counter() - began < 5
    run.close()


def test_a_call_answers_what_the_same_call_here_does_and_its_error_comes_back_in_words():
    """Check mission in a child (the app's): the same reasons as here; a lesson's run that cannot be done: its
    words, which the quiz shows."""
    from statediagram.missions import check_mission, get_mission
    from statediagram.missions.lessonruns import RunSpec

    mission = get_mission("sticky")
    diagram = mission.load_starter()
    assert CallWork("check_mission", mission, diagram).result().reasons == check_mission(mission, diagram).reasons
    with pytest.raises(RuntimeError, match="^no-such-example: cannot be opened"):
        CallWork("lesson_run", RunSpec("no-such-example")).result()
    with pytest.raises(ValueError):
        CallWork("open_a_shell")  # only the calls named in CALLS


def test_a_closed_call_stops_its_child_and_it_is_reaped_when_the_next_starts():
    from statediagram.missions import get_mission

    mission = get_mission("realtime")
    work = CallWork("check_mission", mission, mission.load_starter())
    child = work._child
    work.close()  # Cancel: the GUI thread does not wait for the child to go
    assert child.wait(timeout=5) is not None  # stopped, not left working
    SPARES.drop()
    SPARES.prepare()  # the next child started: the stopped one is no longer kept
    assert child not in child_run._ENDED


def test_a_message_bigger_than_a_pipe_holds_reaches_a_child_not_reading_yet_whole_without_waiting_for_it():
    """As a big diagram's setup reaches a child still loading its libraries: sent at once, the rest written by
    later flushes, whole and in order once the child reads."""
    import subprocess
    import sys

    reader = ("import sys, time, struct, pickle; time.sleep(2); data = sys.stdin.buffer.read(); "
              "size = struct.unpack_from('>I', data)[0]; print(len(pickle.loads(data[4:4 + size])[1]))")
    child = subprocess.Popen([sys.executable, "-c", reader], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        outbox = child_run.give_job(child, ("big", "x" * 1_000_000))
        assert outbox.pending  # the child reads nothing for 2 s: the sender did not wait for it
        while outbox.pending:
            outbox.flush()
            time.sleep(0.01)
        assert child.stdout.read().strip() == b"1000000"
    finally:
        child.kill()
        child.wait()


def test_a_run_of_a_diagram_bigger_than_a_pipe_holds_starts_from_a_child_still_loading():
    big = load_diagram(Path(__file__).resolve().parents[2] / "examples" / "stateless-full.statediagram.json").diagram
    for node in big.nodes:  # long labels: a setup of about 100 KB pickled
        node.label = f"{node.label} " + "with a long name " * 1000
    SPARES.drop()  # the next run takes a child started just now, still loading its libraries
    run = ChildReplay(RunSetup(big), 0)
    try:
        assert len(child_run.framed(("run", run.setup))) > 65_536
        run.wait_ready()
        assert len(run.labels) == len(big.nodes)
        assert run.advance(2 * SECOND, budget_s=10.0)
    finally:
        run.close()
