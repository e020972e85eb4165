"""The replay index tells the same story as the engine, at any moment, and hand faults rebuild the run."""

from __future__ import annotations

from sim_builders import two_servers

from statediagram.sim import Engine, resolve
from statediagram.sim.replay import SNAPSHOT_US, Replay, RunSetup, chaos_faults
from statediagram.sim.scenario import SECOND

REDIS = {"id": "redis", "kind": "redis", "label": "Redis"}


def test_totals_at_the_end_equal_the_report_of_the_same_run():
    replay = Replay(RunSetup(two_servers(), scenario="standard", journey="sessions"))
    replay.run_to_end()
    assert replay.totals_at(replay.end + 5 * SECOND) == replay.report.totals
    assert replay.report["totals"]["lost_sessions"] > 0


def test_node_states_at_any_grid_time_equal_a_fresh_engine_stopped_there():
    d = two_servers(stores=(REDIS,))
    setup = RunSetup(d, scenario="chaos", journey="sessions")
    replay = Replay(setup)
    replay.run_to_end()
    for t in (3 * SECOND, 10 * SECOND + SNAPSHOT_US, 12 * SECOND, 31 * SECOND + 5 * SNAPSHOT_US):
        engine = Engine(d, resolve(d, "chaos", "sessions"), record_trace=True)
        engine.run_until(t)
        states = replay.node_states_at(t)
        for s in ("a", "b"):
            assert states[s].up == engine.servers[s].up
            assert states[s].crashes == engine.servers[s].crashes
            assert states[s].count == len(engine.servers[s].sessions())
        assert states["redis"].up == engine.stores["redis"].up
        assert states["redis"].count == engine.stores["redis"].store.key_count()
        assert dict(states["lb"].health) == engine.balancers["lb"].believed


def test_working_ahead_in_small_chunks_indexes_the_same_as_one_go():
    setup = RunSetup(two_servers(users=5), scenario="standard", journey="full")
    whole = Replay(setup)
    whole.run_to_end()
    chunked = Replay(RunSetup(two_servers(users=5), scenario="standard", journey="full"))
    steps = 0
    while not chunked.advance(budget_s=0.0):
        steps += 1
    assert steps > 50
    for t in range(0, whole.end, 700_000):
        assert chunked.moment(t) == whole.moment(t)


def test_a_hand_made_crash_changes_only_what_comes_after_it():
    d = two_servers(stores=(REDIS,))
    calm = Replay(RunSetup(d, scenario="calm", journey="sessions"))
    calm.run_to_end()
    crashed = Replay(RunSetup(d, scenario="calm", journey="sessions", hand_faults=[(12_345_000, "a", "crash")]))
    crashed.run_to_end()
    assert crashed.moment(12_344_000) == calm.moment(12_344_000)
    assert crashed.node_states_at(12_345_000)["a"].up is False
    assert crashed.report["servers"]["a"]["crashes"] == 1
    assert crashed.report["survives"]  # sessions live in Redis: losing Server A logs nobody out


def test_step_moves_to_the_next_thing_that_happens():
    replay = Replay(RunSetup(two_servers(), scenario="calm", journey="sessions"))
    replay.run_to_end()
    t = replay.next_moment(0)
    assert t > 0
    assert t in {r.t_lb for r in replay.requests}
    assert replay.previous_moment(t) < t


def test_chaos_monkey_is_seeded():
    d = two_servers()
    plan = resolve(d, "calm")
    assert chaos_faults(d, plan, 7) == chaos_faults(d, plan, 7)
    assert chaos_faults(d, plan, 7) != chaos_faults(d, plan, 8)
    assert {a for _, _, a in chaos_faults(d, plan, 7)} == {"crash", "restart"}
