"""A finished run gives its memory back: closing it frees its Redis clients, connections and in-process Redis
servers by reference counting alone, the moment it is dropped. Nothing of a run waits for the cyclic garbage
collector: a run shown in the desktop app is closed and let go a slice at a time, and memory stays flat run after
run without a full collection over everything the app holds."""

from __future__ import annotations

import gc
import os
import weakref

import pytest
from sim_builders import BUCKET, POSTGRES, REDIS, two_servers

from statediagram.sim import open_engine, resolve, simulate
from statediagram.sim.replay import Replay, RunSetup
from statediagram.sim.report import build_report
from statediagram.sim.stores import RedisStore

RUNS = 20
REAL = os.environ.get("STATEDIAGRAM_REDIS_URL")


@pytest.fixture
def cyclic_gc_off():
    """Only reference counting frees objects while the test runs: what is still alive after it was let go is held
    in a reference cycle."""
    was_on = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _held_by_redis_nodes(engine) -> list[weakref.ref]:
    """Weak references to each Redis node's store, client, connection pool, connection and fake server."""
    refs = []
    for st in engine.stores.values():
        if isinstance(st.store, RedisStore):
            client = st.store.client
            parts = [st.store, client, client.connection_pool, client.connection, st.store.server]
            refs += [weakref.ref(p) for p in parts if p is not None]
    return refs


def _run_and_close(d, seed: int, redis_url: str | None = None) -> list[weakref.ref]:
    """What ``simulate`` does with a run, keeping weak references to what its Redis nodes held."""
    engine = open_engine(d, resolve(d, "chaos", "full", seed), redis_url)
    engine.run()
    build_report(engine)
    refs = [weakref.ref(engine), *_held_by_redis_nodes(engine)]
    engine.close()
    return refs


@pytest.mark.usefixtures("cyclic_gc_off")
def test_twenty_closed_runs_free_their_redis_clients_and_servers():
    d = two_servers(stores=(REDIS, POSTGRES, BUCKET), users=5)
    refs = [r for seed in range(RUNS) for r in _run_and_close(d, seed)]
    assert len(refs) == RUNS * 6  # the engine, then store, client, pool, connection and fake server
    alive = sorted({type(r()).__name__ for r in refs if r() is not None})
    assert alive == [], f"still held after {RUNS} closed runs: {alive}"


def _live_redis_objects() -> dict[str, int]:
    import fakeredis
    import redis

    kinds = (fakeredis.FakeServer, redis.ConnectionPool, redis.Connection, RedisStore)
    objects = gc.get_objects()  # garbage in a cycle is listed too, until the cyclic collector runs
    return {k.__name__: sum(isinstance(o, k) for o in objects) for k in kinds}


def _simulations_leave_nothing_behind(redis_url: str | None) -> None:
    d = two_servers(stores=(REDIS, POSTGRES, BUCKET), users=4)
    simulate(d, scenario="standard", journey="full", redis_url=redis_url)  # libraries set up what they keep
    gc.collect()
    before = _live_redis_objects()
    for seed in range(RUNS):
        simulate(d, scenario="standard", journey="full", seed=seed, redis_url=redis_url)
    assert _live_redis_objects() == before


@pytest.mark.usefixtures("cyclic_gc_off")
def test_twenty_simulations_leave_no_redis_server_or_connection_behind():
    _simulations_leave_nothing_behind(None)


@pytest.mark.usefixtures("cyclic_gc_off")
def test_a_closed_replay_frees_its_run():
    d = two_servers(stores=(REDIS, POSTGRES), users=3)
    refs = []
    for seed in range(5):
        replay = Replay(RunSetup(d, "standard", "full", seed, chaos_seed=seed))
        replay.run_to_end()
        refs += [weakref.ref(replay.engine), *_held_by_redis_nodes(replay.engine)]
        replay.close()
        del replay
    assert [type(r()).__name__ for r in refs if r() is not None] == []


@pytest.mark.realredis
@pytest.mark.skipif(not REAL, reason="set STATEDIAGRAM_REDIS_URL to a real redis-server (CI does)")
@pytest.mark.usefixtures("cyclic_gc_off")
def test_closed_runs_on_a_real_redis_free_their_clients():
    d = two_servers(stores=(REDIS,), users=3)
    refs = [r for seed in range(RUNS) for r in _run_and_close(d, seed, REAL)]
    assert [type(r()).__name__ for r in refs if r() is not None] == []
    _simulations_leave_nothing_behind(REAL)
