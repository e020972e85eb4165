"""The trace the app replays, and the same run against a real Redis server."""

from __future__ import annotations

import os

import pytest
from sim_builders import REDIS, two_servers

from statediagram.sim import report_json, simulate


def test_trace_records_each_request_with_its_hops_and_store_commands():
    result = simulate(two_servers(stores=(REDIS,)), scenario="standard", journey="sessions", record_trace=True)
    requests = result.engine.requests
    assert len(requests) == result.report["totals"]["requests"]
    login = requests[0]
    assert login.action == "POST /login" and login.outcome == "ok" and login.status == 200
    hops = login.hops()
    assert [(h[0], h[1]) for h in hops] == [("users", "lb"), ("lb", login.server), (login.server, "lb"),
                                            ("lb", "users")]
    assert all(start <= end for _, _, start, end in hops)
    assert hops[0][2] == login.t_send and hops[-1][3] == login.t_reply
    assert login.calls[0][1] == "redis" and login.calls[0][2].startswith("SET session:")
    later = next(r for r in requests if r.action == "GET /profile" and r.outcome == "ok")
    assert later.calls[0][2] == f"GET session:{later.credential}"
    crashes = [(t, node) for t, what, node, _ in result.engine.events if what == "crash"]
    assert crashes == [(10_000_000, "a"), (20_000_000, "b")]
    result.engine.close()


def test_steering_a_run_by_hand_injects_a_crash_at_the_current_moment():
    from statediagram.sim import open_engine, resolve
    from statediagram.sim.report import build_report

    d = two_servers(stores=(REDIS,))
    engine = open_engine(d, resolve(d, "calm", "sessions"), record_trace=True)
    engine.run_until(12_000_000)
    engine.inject(engine.now, "a", "crash")
    engine.run()
    report = build_report(engine)
    assert report["servers"]["a"]["crashes"] == 1
    assert report["survives"]
    engine.close()


REAL = os.environ.get("STATEDIAGRAM_REDIS_URL")


@pytest.mark.realredis
@pytest.mark.skipif(not REAL, reason="set STATEDIAGRAM_REDIS_URL to a real redis-server (CI does)")
def test_a_real_redis_server_gives_the_same_report_as_the_embedded_one():
    import redis

    d = two_servers(stores=(REDIS,), users=4)
    embedded = simulate(d, scenario="chaos", journey="full", seed=2).report
    real = simulate(d, scenario="chaos", journey="full", seed=2, redis_url=REAL).report
    assert report_json(real) == report_json(embedded)
    leftovers = list(redis.Redis.from_url(REAL).scan_iter(match="statediagram:*"))
    assert leftovers == []  # the run cleans up after itself and never touched other keys


def test_an_unreachable_redis_url_is_a_clear_error_without_its_password():
    from statediagram.sim import RunCouldNotFinish

    with pytest.raises(RunCouldNotFinish, match="cannot use Redis at 127.0.0.1:1: ") as caught:
        simulate(two_servers(stores=(REDIS,)), redis_url="redis://teacher:hunter2@127.0.0.1:1/0")
    assert "hunter2" not in str(caught.value)
