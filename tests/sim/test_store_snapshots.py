"""A Redis node's snapshot: this run's keys only, each session key with the TTL it has left in simulated time."""

from __future__ import annotations

import pytest
from redis_server import RedisServer, have_redis_server
from sim_builders import two_servers

from statediagram.sim.replay import Replay, RunSetup, engine_at
from statediagram.sim.stores import SESSION_TTL_S, open_redis

REDIS = {"id": "r", "kind": "redis", "label": "Redis"}
SECOND = 1_000_000


def test_session_keys_show_the_ttl_left_in_simulated_time_from_when_the_run_set_them():
    setup = RunSetup(two_servers(stores=(REDIS,)), scenario="calm", journey="sessions")
    replay = Replay(setup)
    replay.run_to_end()
    set_at = {text.split()[1]: t for r in replay.requests for t, _node, text in r.calls or ()
              if text.startswith("SET session:") and t <= 8 * SECOND}  # what the trace says, for comparison
    replay.close()
    engine = engine_at(setup, 8 * SECOND)
    entries = engine.stores["r"].store.entries(8 * SECOND)
    engine.close()
    sessions = {e.key: e.ttl_s for e in entries if e.key.startswith("session:")}
    assert sessions and sessions == {k: SESSION_TTL_S - (8 * SECOND - t) // SECOND for k, t in set_at.items()}
    assert all(isinstance(e.value, str) and e.value.startswith("users-") for e in entries)


@pytest.mark.realredis
@pytest.mark.skipif(not have_redis_server(), reason="needs redis-server on the PATH (.ci/run installs it)")
def test_a_real_servers_node_counts_and_lists_only_this_runs_keys(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        server.client().set("someone-else:data", "keep")  # another application's key on the teacher's server
        store = open_redis("r", server.url)
        store.set_session("abc", "users-1", 2 * SECOND)
        store.add_to_cart("users-1", "book")
        assert store.count() == 2
        entries = store.entries(5 * SECOND)
        assert [(e.key, e.value, e.ttl_s) for e in entries] == [
            ("cart:users-1", (("book", "1"),), None), ("session:abc", "users-1", SESSION_TTL_S - 3)]
        store.close()
        assert server.client().get("someone-else:data") == b"keep"
    finally:
        server.stop()
