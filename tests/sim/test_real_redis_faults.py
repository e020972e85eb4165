"""A real Redis that fails mid-run: killed, paused, or dropping our connection. The run says so in one line,
exits 3 (no verdict), and leaves no key of ours behind once the server is back."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest
from redis_server import PASSWORD, RedisServer, have_redis_server
from sim_builders import diagram, two_servers

from statediagram.core.fileio import save_diagram
from statediagram.sim import RunCouldNotFinish, report_json, simulate

pytestmark = [
    pytest.mark.realredis,
    pytest.mark.skipif(not have_redis_server(), reason="needs redis-server on the PATH (.ci/run installs it)"),
]

# Long enough on the wall clock (about 2 s against a real server) for a fault to land in the middle.
BUSY = two_servers(stores=({"id": "cache", "kind": "redis", "label": "Cache"},), users=300,
                   scenario={"name": "chaos"})


@pytest.fixture
def server(tmp_path):
    s = RedisServer(tmp_path)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def persistent_server(tmp_path):
    s = RedisServer(tmp_path, appendonly=True)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def busy_file(tmp_path):
    path = tmp_path / "busy.statediagram.json"
    save_diagram(BUSY, path)
    return path


def start_cli(*argv: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "statediagram", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def went_away_line(server: RedisServer, err: str) -> str:
    assert "Traceback" not in err and PASSWORD not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    pattern = rf"statediagram: .*busy\.statediagram\.json: Redis at 127\.0\.0\.1:{server.port} went away " \
              r"\d+\.\d s into the run \(simulated time\): .+; no verdict"
    assert re.fullmatch(pattern, lines[0]), lines[0]
    return lines[0]


def test_a_redis_killed_mid_run_is_one_line_and_exit_3_and_the_next_run_removes_what_it_left(
        persistent_server, busy_file):
    run = start_cli("simulate", str(busy_file), "--redis-url", persistent_server.url)
    persistent_server.wait_for_keys()
    persistent_server.kill()
    out, err = run.communicate(timeout=60)
    assert run.returncode == 3 and out == ""
    went_away_line(persistent_server, err)

    persistent_server.start()  # from its append-only file: the dead run's keys are back
    client = persistent_server.client()
    left = persistent_server.our_keys()
    assert left, "the append-only file should have kept some keys"
    assert all(client.ttl(k) > 0 for k in left), "every key of a run expires on its own"

    deadline = time.monotonic() + 15  # the dead run's lease lapses within LEASE_TTL_S
    while any(k.count(b":") == 1 for k in persistent_server.our_keys()) and time.monotonic() < deadline:
        time.sleep(0.1)
    small = two_servers(stores=({"id": "cache", "kind": "redis"},), users=2)
    simulate(small, scenario="calm", journey="sessions", redis_url=persistent_server.url)
    assert persistent_server.our_keys() == []


def test_a_paused_redis_ends_the_run_within_seconds(server, busy_file):
    run = start_cli("simulate", str(busy_file), "--redis-url", server.url)
    server.wait_for_keys()
    server.pause()
    began = time.monotonic()
    try:
        out, err = run.communicate(timeout=60)
    finally:
        server.resume()
    assert run.returncode == 3 and time.monotonic() - began < 15
    assert "no answer within 3 s" in went_away_line(server, err)


def test_a_connection_killed_by_the_server_ends_the_run_and_its_keys_are_removed(server, busy_file):
    run = start_cli("simulate", str(busy_file), "--redis-url", server.url)
    server.wait_for_keys()
    assert server.client().client_kill_filter(_type="normal", skipme=True) >= 1
    out, err = run.communicate(timeout=60)
    assert run.returncode == 3
    went_away_line(server, err)
    assert server.our_keys() == []  # the server is still there: the run cleaned up on a fresh connection


def test_sigterm_mid_run_removes_every_key_like_ctrl_c(server, busy_file):
    run = start_cli("simulate", str(busy_file), "--redis-url", server.url)
    server.wait_for_keys()
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 128 + signal.SIGTERM and "Traceback" not in err
    assert server.our_keys() == []


def test_check_gives_3_for_a_file_whose_redis_died(server, busy_file):
    run = start_cli("check", str(busy_file), "--mission", "stateless", "--redis-url", server.url)
    server.wait_for_keys()
    server.kill()
    out, err = run.communicate(timeout=60)
    assert run.returncode == 3
    assert out.startswith("NOT RUN") and "1 could not finish" in out
    assert "Traceback" not in err and PASSWORD not in out + err


def test_a_run_gone_wrong_in_process_raises_run_could_not_finish(server):
    import threading

    killer = threading.Thread(target=lambda: (server.wait_for_keys(), server.kill()))
    killer.start()
    with pytest.raises(RunCouldNotFinish, match=rf"Redis at 127\.0\.0\.1:{server.port} went away"):
        simulate(BUSY, redis_url=server.url)
    killer.join()


GLOB_IDS = [("r[1]",), ("back\\slash",)]


@pytest.mark.parametrize("store_ids", GLOB_IDS)
def test_glob_characters_in_a_redis_id_give_the_same_verdict_on_a_real_server(server, store_ids):
    """A crash must wipe exactly that non-persistent Redis on a real server too; a SCAN pattern that did not escape
    the id deleted nothing, so the verdict there differed from the embedded one."""
    nodes = [{"id": "users", "kind": "client", "props": {"users": 4}}, {"id": "lb", "kind": "load_balancer"},
             {"id": "a", "kind": "server"}, {"id": "b", "kind": "server"},
             *({"id": sid, "kind": "redis"} for sid in store_ids)]
    d = diagram(nodes, [("users", "lb"), ("lb", "a"), ("lb", "b"), ("a", store_ids[0]), ("b", store_ids[-1])])
    embedded = simulate(d, scenario="chaos", journey="sessions").report
    real = simulate(d, scenario="chaos", journey="sessions", redis_url=server.url).report
    assert embedded["totals"]["lost_sessions"] > 0
    assert report_json(real) == report_json(embedded)
    assert server.our_keys() == []


def test_a_node_idle_past_its_lease_holds_it_again_but_not_after_a_sweep_took_its_keys(server):
    from statediagram.sim.realredis import RealRedisStore, RedisWentAway, connect, sweep_dead_runs

    store = RealRedisStore("cache", server.url)
    store.set_session("s1", "users-1")
    client = server.client()
    client.delete(store.lease)  # it lapsed while the node had nothing to do (a long crash in a big run)
    store._renew_at = 0.000001  # renewal due at the next command
    assert store.get_session("s1") == "users-1"  # nothing was taken: the run goes on, with its lease again
    assert client.exists(store.lease)

    client.delete(store.lease)
    assert sweep_dead_runs(connect(server.url)) >= 2  # another run finds it lapsed and removes its keys
    store._renew_at = 0.000001
    with pytest.raises(RedisWentAway, match="another run removed its keys"):
        store.get_session("s1")
    store.close()
    assert server.our_keys() == []
