"""A replay keeps the requests of its run in a form the cyclic garbage collector does not track, and reads them back
exactly as the engine made them.

Why a learner would notice: every object the collector tracks is walked by each full collection, and the window
cannot answer meanwhile. A worked-out 10-minute run used to hold 230k tracked objects for its 115k requests (each
``Request`` and its list of store calls), and a full collection over them stopped the window for 150-300 ms."""

from __future__ import annotations

import gc

from sim_builders import BUCKET, POSTGRES, REDIS, two_servers

from statediagram.sim import Engine, resolve
from statediagram.sim.replay import Replay, RunSetup

FOUR_MINUTES = {"journey": "full", "duration_s": 240, "faults": [{"at": 60, "node": "a", "action": "crash"},
                                                                 {"at": 70, "node": "a", "action": "restart"}]}


def test_a_worked_out_run_leaves_the_collector_far_fewer_objects_than_requests():
    d = two_servers(stores=(REDIS, POSTGRES, BUCKET), users=20, scenario=FOUR_MINUTES)
    Replay(RunSetup(d, seed=1)).run_to_end()  # the libraries a run loads are loaded before counting
    gc.collect()
    before = len(gc.get_objects())
    replay = Replay(RunSetup(d, seed=2))
    replay.run_to_end()
    gc.collect()
    added = len(gc.get_objects()) - before
    assert len(replay.requests) > 4000
    # Measured: 551 objects for 4,584 requests (the engine, its stores, the users), 10,786 when each request was
    # a tracked object with a tracked list of calls.
    assert added < len(replay.requests) / 4, (added, len(replay.requests))
    replay.close()


def _as_read(r) -> tuple:
    return (r.id, r.user.id, r.user.client, r.action, r.t_send, r.entry, r.lb, r.server, r.t_lb, r.t_server,
            r.t_done, r.t_reply, r.outcome, r.status, r.cause, r.credential, r.fanout,
            None if r.calls is None else [tuple(c) for c in r.calls], r.shown, r.hops())


def test_every_request_reads_back_as_the_engine_made_it():
    """The full journey (logins, carts, uploads) with chaos: failures with causes, store calls, carts shown."""
    d = two_servers(stores=(REDIS, BUCKET), users=6)
    engine = Engine(d, resolve(d, "chaos", "full", 4), record_trace=True)
    engine.run()
    replay = Replay(RunSetup(d, "chaos", "full", 4))
    replay.run_to_end()
    made = [_as_read(r) for r in engine.requests]
    assert any(r.shown for r in engine.requests) and any(r.cause for r in engine.requests)
    assert any(len(r.calls) > 1 for r in engine.requests)
    assert [_as_read(r) for r in replay.requests] == made
    assert sorted(r.id for r in replay.settled) == [m[0] for m in made]
    assert all(_as_read(r) == made[r.id - 1] for r in [*replay.settled, *replay.failures])
    assert {r.id for r in replay.failures} == {r.id for r in engine.requests if r.outcome != "ok"}
    sent = replay.sent_between(10_000_000, 12_000_000)
    assert [r.id for r in sent] == [r.id for r in engine.requests if 10_000_000 <= r.t_send <= 12_000_000]


def test_the_requests_in_a_sliding_window_are_those_of_a_fresh_look_as_the_run_is_worked_out():
    """What the player asks every frame (the requests sent in the last second) is the same whether it was asked
    frame after frame, while requests settle, or for the first time."""
    d = two_servers(stores=(REDIS, BUCKET), users=6)
    replay = Replay(RunSetup(d, "chaos", "full", 4))
    fresh = Replay(RunSetup(d, "chaos", "full", 4))
    fresh.run_to_end()
    t, looks = 0, 0
    while not replay.advance(t + 200_000, budget_s=1.0) or t < replay.end:
        t = min(t + 50_000, replay.horizon)
        window = replay.sent_between(t - 1_000_000, t)
        assert [_as_read(r) for r in window] == [_as_read(r) for r in replay.requests if t - 1_000_000 <= r.t_send <= t]
        settled = [r for r in window if r.outcome is not None and r.t_done <= replay.engine.now]
        assert [_as_read(r) for r in settled] == [_as_read(fresh.requests[r.id - 1]) for r in settled]
        looks += 1
        if replay.finished and t >= replay.end:
            break
    assert looks > 500


def walked() -> int:
    """The references a full collection follows: every tracked object's, to what it holds."""
    gc.collect()
    return sum(len(gc.get_referents(o)) for o in gc.get_objects())


def test_a_worked_out_runs_instants_are_numbers_the_collector_does_not_walk():
    """Every moment, send and reply of a run is kept for the play head (Step, the counters, the chart): about a
    million instants in a 10-minute run. As Python lists of ints each full collection followed every one of them
    (a full collection with such a run worked out: 78-85 ms of CPU; as machine numbers 52-56 ms)."""
    d = two_servers(stores=(REDIS, POSTGRES, BUCKET), users=20, scenario=FOUR_MINUTES)
    Replay(RunSetup(d, seed=1)).run_to_end()  # the libraries a run loads are loaded before counting
    before = walked()
    replay = Replay(RunSetup(d, seed=2))
    replay.run_to_end()
    added = walked() - before
    requests = len(replay.requests)
    assert len(replay.moments) > 3 * requests > 12_000
    # Measured: 3.1 references a request (the lists of settled requests, the engine's), 10.1 with the instants as
    # lists of ints.
    assert added < 5 * requests, (added, requests)
    replay.close()
