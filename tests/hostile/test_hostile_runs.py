"""Runs of hostile but readable files: faults after the end, a crashed object storage, designs too big to run,
and health checks whose cost does not grow with servers x seconds."""

from __future__ import annotations

import json

import pytest
from corpus import case, faults, many_servers, starter, users, with_storage

from statediagram.core.fileio import parse_diagram
from statediagram.core.limits import MAX_RUN_S, MAX_SERVERS, MAX_USER_SECONDS, MAX_USERS
from statediagram.sim import Engine, resolve, simulate
from statediagram.sim.scenario import RunTooBig


def load(record: dict):
    return parse_diagram(json.dumps(record)).diagram


def test_a_fault_at_or_after_the_end_is_not_run_nor_counted():
    diagram = load(faults((12, "a", "crash"), (17, "a", "restart"), (40, "b", "crash"), (55, "b", "crash"),
                          duration_s=40))
    result = simulate(diagram, record_trace=True)
    assert result.report["servers"]["a"]["crashes"] == 1
    assert result.report["servers"]["b"]["crashes"] == 0
    assert [(t, what, node) for t, what, node, _ in result.engine.events if what == "crash"] == [
        (12_000_000, "crash", "a")]
    result.engine.close()


def test_a_fault_injected_at_the_end_is_ignored():
    diagram = load(faults((12, "a", "crash"), duration_s=30))
    engine = Engine(diagram, resolve(diagram))
    engine.inject(30_000_000, "b", "crash")
    engine.run()
    assert engine.servers["b"].crashes == 0
    engine.close()


def test_object_storage_crashed_by_the_fault_list_is_down_until_it_restarts():
    record = with_storage(starter())
    record["scenario"]["faults"].append({"at": 12, "node": "s3", "action": "restart"})
    result = simulate(load(record), record_trace=True)
    report, engine = result.report, result.engine
    assert not report["survives"] and report["totals"]["outages"] > 0
    down = [r for r in engine.requests if r.cause and r.cause.node == "s3"]
    assert down and all(r.outcome == "outage" for r in down)  # no failover to a replica it does not have
    assert all(5_000_000 <= r.t_server < 12_000_000 for r in down)
    engine.close()


def test_object_storage_still_stays_up_in_chaos():
    record = with_storage(starter())
    del record["scenario"]
    result = simulate(load(record), "chaos", "full", record_trace=True)
    assert result.report["totals"]["outages"] > 0  # the Redis without replicas
    assert not [r for r in result.engine.requests if r.cause and r.cause.node == "s3"]
    result.engine.close()


@pytest.mark.parametrize(("record", "words"), [
    (many_servers(MAX_SERVERS + 1), f"at most {MAX_SERVERS}"),
    (many_servers(4000), "4,000 servers"),
    (users([MAX_USERS, 1]), f"at most {MAX_USERS:,}"),
    (users([3000], duration_s=3600, faults=[{"at": 1, "node": "a", "action": "crash"}]),
     f"at most {MAX_USER_SECONDS:,}"),
])
def test_a_design_beyond_what_one_run_simulates_is_refused_with_the_reason(record, words):
    with pytest.raises(RunTooBig) as caught:
        resolve(load(record))
    assert words in caught.value.rule and caught.value.fix


def test_a_drill_longer_than_a_run_may_last_is_refused():
    record = many_servers(MAX_SERVERS)
    record["nodes"] += [{"id": f"r{i}", "kind": "redis"} for i in range(80)]
    with pytest.raises(RunTooBig) as caught:
        resolve(load(record), "chaos")
    assert f"at most {MAX_RUN_S:,} s" in caught.value.rule


def test_the_largest_design_one_run_takes_resolves():
    assert resolve(load(many_servers(MAX_SERVERS))).duration_s < MAX_RUN_S


def test_health_checks_follow_faults_not_every_second():
    """The standard drill of the most servers a run takes: 600 faults over 3,005 s. A check runs at the first
    whole second after a fault (one at every second found nothing to do 2,400 times out of 3,004) and looks only
    at the servers that changed: O(faults), not O(servers x seconds) (900,000 looks)."""
    diagram = load(many_servers(MAX_SERVERS))
    engine = Engine(diagram, resolve(diagram, "standard", "sessions"))
    checks = []
    check = engine._health_check
    engine._health_check = lambda t: (checks.append(t), check(t))
    engine.run()
    assert len(checks) == 2 * MAX_SERVERS
    assert all(lb.believed == dict.fromkeys(lb.servers, True) for lb in engine.balancers.values())
    health = [e for e in engine.events if e[1] == "health"]
    assert len(health) == 2 * MAX_SERVERS  # each server taken out once and put back once
    assert [t // 1_000_000 for t, *_ in health[:2]] == [11, 16]  # the first check after the crash, the restart
    engine.close()


def test_the_corpus_long_run_is_within_the_limits():
    c = case("long-but-within-limits")
    record = json.loads(c.content) if isinstance(c.content, bytes) else None
    assert record is not None and resolve(load(record)).duration_s == 900
