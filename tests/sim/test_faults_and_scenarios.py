"""Faults, scenarios and health checks, as the contract times them."""

from __future__ import annotations

from sim_builders import POSTGRES, REDIS, two_servers

from statediagram.sim import report_json, resolve, simulate


def test_standard_drill_crashes_each_server_in_id_order_and_ends_ten_seconds_after_the_last_restart():
    plan = resolve(two_servers(), "standard")
    assert plan.faults == ((10_000_000, "a", "crash"), (15_000_000, "a", "restart"),
                           (20_000_000, "b", "crash"), (25_000_000, "b", "restart"))
    assert plan.duration_s == 35.0


def test_chaos_continues_the_rhythm_with_redis_and_postgres():
    d = two_servers(stores=(REDIS, POSTGRES))
    plan = resolve(d, "chaos")
    assert [(at // 1_000_000, node, action) for at, node, action in plan.faults][4:] == [
        (30, "pg", "crash"), (35, "pg", "restart"), (40, "redis", "crash"), (45, "redis", "restart")]
    assert plan.duration_s == 55.0


def test_calm_lasts_thirty_seconds_without_faults():
    plan = resolve(two_servers(), "calm")
    assert plan.faults == () and plan.duration_s == 30.0


def test_a_check_at_the_same_instant_as_a_crash_runs_first():
    result = simulate(two_servers(stores=(REDIS,)), scenario="standard", journey="sessions", record_trace=True)
    health = [(t / 1e6, detail) for t, what, node, detail in result.engine.events if what == "health"]
    assert health == [(11.0, "a:down"), (16.0, "a:up"), (21.0, "b:down"), (26.0, "b:up")]


def test_requests_sent_to_a_crashed_server_before_the_check_fail_over():
    result = simulate(two_servers(stores=(REDIS,), users=20), scenario="standard", journey="sessions",
                      record_trace=True)
    failed = [r for r in result.engine.requests if r.outcome == "failover_error"]
    assert failed
    for r in failed:
        assert r.server in ("a", "b")
        crash_s = 10 if r.server == "a" else 20
        assert crash_s <= r.t_done / 1e6 < crash_s + 1.1
    assert result.report["survives"]


def test_chaos_without_persistence_or_replica_loses_sessions_and_has_outages(codes):
    report = simulate(two_servers(stores=(REDIS,)), scenario="chaos", journey="sessions").report
    assert report["totals"]["lost_sessions"] > 0 and report["totals"]["outages"] > 0
    assert any("Redis crashed and lost its keys" in f["message"] for f in report["findings"])


def test_chaos_with_persistent_redis_keeps_sessions_but_still_has_an_outage():
    persistent = {**REDIS, "props": {"persistent": True}}
    report = simulate(two_servers(stores=(persistent,)), scenario="chaos", journey="sessions").report
    assert report["totals"]["lost_sessions"] == 0
    assert report["totals"]["outages"] > 0
    assert not report["survives"]


def test_chaos_with_replicas_fails_over_and_survives():
    redis = {**REDIS, "props": {"replicas": 1}}
    pg = {**POSTGRES, "props": {"replicas": 1}}
    report = simulate(two_servers(stores=(redis, pg), users=10), scenario="chaos", journey="sessions").report
    assert report["survives"], report["findings"]
    assert report["totals"]["failover_errors"] > 0
    assert any("failed over to its replica" in f["message"] for f in report["findings"])


def test_a_files_own_fault_list_runs_as_custom_scenario():
    faults = {"faults": [{"at": 12, "node": "a", "action": "crash"}, {"at": 17, "node": "a", "action": "restart"}],
              "journey": "sessions", "seed": 3}
    report = simulate(two_servers(stores=(REDIS,), scenario=faults)).report
    assert report["scenario"] == "custom" and report["journey"] == "sessions" and report["seed"] == 3
    assert report["duration_s"] == 30.0  # 10 s after the last fault, but at least 30 s
    assert report["servers"]["a"]["crashes"] == 1 and report["servers"]["b"]["crashes"] == 0
    assert report["faults"] == [{"at": 12.0, "node": "a", "action": "crash"},
                                {"at": 17.0, "node": "a", "action": "restart"}]


def test_custom_duration_and_late_faults():
    late = {"faults": [{"at": 50, "node": "b", "action": "crash"}]}
    assert simulate(two_servers(scenario=late)).report["duration_s"] == 60.0
    timed = {"faults": [{"at": 5, "node": "b", "action": "crash"}], "duration_s": 12}
    assert simulate(two_servers(scenario=timed)).report["duration_s"] == 12.0


def test_explicit_scenario_overrides_the_files_fault_list():
    faults = {"faults": [{"at": 12, "node": "a", "action": "crash"}], "name": "calm"}
    d = two_servers(stores=(REDIS,), scenario=faults)
    assert simulate(d).report["scenario"] == "custom"
    assert simulate(d, scenario="standard").report["scenario"] == "standard"
    assert simulate(two_servers(scenario={"name": "calm"})).report["scenario"] == "calm"
    assert simulate(two_servers()).report["scenario"] == "standard"
    assert simulate(two_servers()).report["journey"] == "full"


def test_replacing_a_server_wipes_its_local_disk():
    cattle = {"faults": [{"at": 12, "node": "a", "action": "crash"}, {"at": 14, "node": "a", "action": "replace"}],
              "duration_s": 40}
    d = two_servers(policy="sticky", stores=(REDIS,), scenario=cattle)
    report = simulate(d, journey="full").report
    assert report["totals"]["lost_sessions"] == 0
    messages = [f["message"] for f in report["findings"] if f["code"] == "lost_files"]
    assert messages, report["findings"]


def test_a_crashed_load_balancer_is_an_outage_when_it_is_the_only_entry():
    d = two_servers(stores=(REDIS,), scenario={"faults": [{"at": 5, "node": "lb", "action": "crash"}]})
    report = simulate(d, journey="sessions").report
    assert report["totals"]["outages"] > 0
    assert not report["survives"]


def test_same_seed_gives_the_same_report_byte_for_byte_and_another_seed_another_run():
    d = two_servers(stores=(REDIS,), users=5)
    first = report_json(simulate(d, scenario="standard", journey="full", seed=4).report)
    again = report_json(simulate(d, scenario="standard", journey="full", seed=4).report)
    other = report_json(simulate(d, scenario="standard", journey="full", seed=5).report)
    assert first == again
    assert first != other


def test_least_connections_and_round_robin_spread_load_sticky_piles_it_up():
    spread = simulate(two_servers(stores=(REDIS,), users=9), scenario="calm").report["servers"]
    least = simulate(two_servers(policy="least_connections", stores=(REDIS,), users=9),
                     scenario="calm").report["servers"]
    for servers in (spread, least):
        a, b = servers["a"]["requests"], servers["b"]["requests"]
        assert abs(a - b) <= 0.1 * (a + b)
    sticky = simulate(two_servers(policy="sticky", stores=(REDIS,), users=9), scenario="standard").report["servers"]
    assert sticky["a"]["requests"] != sticky["b"]["requests"]


def test_reports_do_not_depend_on_the_process_hash_seed(tmp_path):
    import os
    import subprocess
    import sys

    from statediagram.core import save_diagram

    path = tmp_path / "d.statediagram.json"
    save_diagram(two_servers(stores=(REDIS, POSTGRES), users=4), path)
    code = ("import sys; from statediagram.core import load_diagram; from statediagram.sim import simulate, "
            "report_json; sys.stdout.write(report_json(simulate(load_diagram(sys.argv[1]).diagram, "
            "scenario='chaos').report))")
    outs = [
        subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]
    assert outs[0] == outs[1] and '"survives"' in outs[0]
