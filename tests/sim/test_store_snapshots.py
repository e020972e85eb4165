"""Read-only snapshots of every place state lives: a Redis node's keys (this run's only, each session key with the
TTL it has left in simulated time), PostgreSQL's rows, the files in object storage and on a server's own disk,
and the sessions and carts in a server's RAM. A snapshot is what the node held when it was taken: later requests
do not change it, and nothing done to it changes the node."""

from __future__ import annotations

import pytest
from redis_server import RedisServer, have_redis_server
from sim_builders import two_servers

from statediagram.sim.nodes import RamCart, Session
from statediagram.sim.replay import Replay, RunSetup, engine_at
from statediagram.sim.stores import SESSION_TTL_S, CartRow, File, Seen, open_redis

REDIS = {"id": "r", "kind": "redis", "label": "Redis"}
PG = {"id": "pg", "kind": "postgres", "label": "PostgreSQL"}
S3 = {"id": "s3", "kind": "object_storage", "label": "Object storage"}
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


def test_a_stateful_servers_ram_and_disk_are_read_as_sessions_carts_and_files_that_stay_as_taken():
    setup = RunSetup(two_servers(users=4), scenario="calm", journey="full")
    engine = engine_at(setup, 6 * SECOND)
    srv = engine.servers["a"]
    sessions, carts, files = srv.sessions(), srv.carts(), srv.disk.files()
    assert sessions and all(isinstance(s, Session) and s.user.startswith("users-") for s in sessions)
    assert [s.sid for s in sessions] == sorted(s.sid for s in sessions)
    assert carts and all(isinstance(c, RamCart) and all(q >= 1 for _p, q in c.items) for c in carts)
    assert files and all(isinstance(f, File) and f.name.startswith("avatars/") and f.size > 0 for f in files)
    assert srv.count() == len(sessions)
    # The table an inspector shows is made of these snapshots, row for row.
    _what, _headers, rows = srv.table(Seen(6 * SECOND))
    assert [r[1] for r in rows] == ([f"session:{s.sid}" for s in sessions] + [f"cart:{c.user}" for c in carts]
                                    + [f.name for f in files])
    engine.run_until(40 * SECOND)  # more requests, more state: the snapshots taken before stay as they were
    assert srv.sessions() != sessions or srv.carts() != carts
    assert all(isinstance(s, Session) for s in sessions) and isinstance(sessions, tuple)
    on_disk = srv.disk.files()
    srv.wipe_ram()  # a crash empties the RAM; the disk keeps its files until the machine is replaced
    assert srv.sessions() == () and srv.carts() == () and srv.disk.files() == on_disk
    srv.blank()
    assert srv.disk.files() == ()
    engine.close()


def test_postgres_rows_and_object_storage_files_are_typed_snapshots_counted_by_count():
    setup = RunSetup(two_servers(stores=(PG, S3)), scenario="calm", journey="full")
    engine = engine_at(setup, 8 * SECOND)
    pg, s3 = engine.stores["pg"].store, engine.stores["s3"].store
    rows, files = pg.rows(), s3.files()
    assert rows and all(isinstance(r, CartRow) and r.quantity >= 1 for r in rows)
    assert files and all(isinstance(f, File) and f.size > 0 for f in files)
    assert (pg.count(), s3.count()) == (len(rows), len(files))
    assert [[f.name, f"{f.size} bytes"] for f in files] == s3.table(Seen(8 * SECOND))[2]
    engine.run_until(40 * SECOND)
    assert pg.rows() != rows and len(s3.files()) >= len(files)
    engine.close()
