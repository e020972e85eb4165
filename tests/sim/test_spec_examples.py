"""Every example sentence of the contract's simulation rules, as a test."""

from __future__ import annotations

from sim_builders import BUCKET, POSTGRES, REDIS, diagram, two_servers

from statediagram.sim import simulate


def test_round_robin_without_shared_store_logs_users_out_on_a_calm_day(codes):
    report = simulate(two_servers(), scenario="calm", journey="sessions").report
    assert not report["survives"]
    assert report["totals"]["lost_sessions"] > 0
    assert report["totals"]["outages"] == 0
    lost = [f for f in report["findings"] if f["code"] == "lost_sessions"]
    assert lost, report["findings"]
    text = " ".join(f["message"] for f in lost)
    assert "users logged in on Server A were sent to Server B, which keeps sessions in its own RAM" in text
    assert "link both servers to one Redis" in text
    assert set(lost[0]["nodes"]) == {"a", "b"}


def test_sticky_sessions_survive_a_calm_day():
    report = simulate(two_servers(policy="sticky"), scenario="calm", journey="full").report
    assert report["survives"], report["findings"]
    assert report["totals"]["ok"] == report["totals"]["requests"]


def test_sticky_sessions_fail_the_crash_drill():
    report = simulate(two_servers(policy="sticky"), scenario="standard", journey="sessions").report
    assert not report["survives"]
    assert report["totals"]["lost_sessions"] > 0


def test_two_servers_sharing_one_redis_survive_the_drill_with_journey_sessions():
    report = simulate(two_servers(stores=(REDIS,)), scenario="standard", journey="sessions").report
    assert report["survives"], report["findings"]
    assert report["totals"]["lost_sessions"] == 0
    assert report["totals"]["failover_errors"] > 0  # reported, yet not a failure
    assert report["servers"] == {"a": {"requests": report["servers"]["a"]["requests"], "crashes": 1},
                                 "b": {"requests": report["servers"]["b"]["requests"], "crashes": 1}}


def test_shared_redis_still_loses_files_on_journey_full_until_object_storage_is_added(codes):
    report = simulate(two_servers(stores=(REDIS,)), scenario="standard", journey="full").report
    assert not report["survives"]
    assert report["totals"]["lost_files"] > 0
    assert report["totals"]["lost_sessions"] == 0
    message = next(f["message"] for f in report["findings"] if f["code"] == "lost_files")
    assert "local disk" in message and "object storage" in message
    fixed = simulate(two_servers(stores=(REDIS, BUCKET)), scenario="standard", journey="full").report
    assert fixed["survives"], fixed["findings"]


def test_one_server_alone_cannot_survive_the_drill():
    alone = diagram(
        [{"id": "users", "kind": "client", "props": {"users": 3}}, {"id": "lb", "kind": "load_balancer"},
         {"id": "a", "kind": "server", "label": "Server A"}, {"id": "redis", "kind": "redis"}],
        [("users", "lb"), ("lb", "a"), ("a", "redis")],
    )
    report = simulate(alone, scenario="standard", journey="sessions").report
    assert not report["survives"]
    assert report["totals"]["outages"] > 0
    outage = next(f for f in report["findings"] if f["code"] == "outages")
    assert "no healthy server" in outage["message"] and "Server A" in outage["message"]


def test_a_client_wired_straight_to_one_server_has_outages_while_it_is_down():
    direct = diagram(
        [{"id": "users", "kind": "client"}, {"id": "a", "kind": "server", "label": "Server A"}],
        [("users", "a")],
    )
    report = simulate(direct, scenario="standard", journey="sessions").report
    assert report["totals"]["outages"] > 0
    assert not report["survives"]


def test_stateless_design_with_postgres_and_object_storage_survives_full_journey():
    d = two_servers(stores=(REDIS, POSTGRES, BUCKET))
    report = simulate(d, scenario="standard", journey="full").report
    assert report["survives"], report["findings"]
    assert report["stores"]["pg"]["commands"] > 0 and report["stores"]["s3"]["commands"] > 0


def test_session_servers_keep_carts_in_their_own_ram_and_lose_them(codes):
    report = simulate(two_servers(policy="sticky"), scenario="standard", journey="full").report
    assert report["totals"]["lost_data"] > 0
    assert "lost_data" in codes(report, "error")


def test_every_request_ends_as_exactly_one_outcome():
    report = simulate(two_servers(), scenario="standard", journey="full").report
    t = report["totals"]
    outcomes = t["ok"] + t["lost_sessions"] + t["lost_files"] + t["lost_data"] + t["outages"] + t["failover_errors"]
    assert outcomes == t["requests"]
    assert sum(s["requests"] for s in report["servers"].values()) <= t["requests"]


def test_a_design_with_no_client_sends_nothing_and_does_not_survive(codes):
    d = diagram([{"id": "a", "kind": "server"}], [])
    report = simulate(d, scenario="calm").report
    assert report["totals"]["requests"] == 0
    assert not report["survives"]
    assert "no_client" in codes(report)
