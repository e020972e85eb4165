"""The lesson's own mission, "Make it stateless", exactly as the contract says it is graded."""

from __future__ import annotations

import pytest
from mission_builders import REDIS, lesson

from statediagram.core import Diagram, Link, Node, ScenarioSpec
from statediagram.missions import check_mission, get_mission


def starter() -> Diagram:
    return get_mission("stateless").load_starter()


def with_shared_redis(d: Diagram, servers=("a", "b"), redis_id: str = "redis", label: str = "Redis") -> Diagram:
    d.nodes.append(Node(redis_id, "redis", label))
    d.links += [Link(s, redis_id) for s in servers]
    return d


def test_mission_is_the_contracts():
    mission = get_mission("stateless")
    assert mission.title == "Make it stateless"
    assert (mission.scenario, mission.journey) == ("standard", "sessions")
    assert "Redis" in mission.goal and mission.hints


def test_starter_is_the_contracts_two_session_servers_behind_round_robin():
    d = starter()
    assert [n.kind for n in d.nodes].count("client") == 1 and d.node("users").props["users"] == 3
    assert d.node("lb").props["policy"] == "round_robin"
    assert (d.node("a").label, d.node("b").label) == ("Server A", "Server B")
    assert d.node("a").props["auth"] == d.node("b").props["auth"] == "session"
    assert not any(n.kind in ("redis", "postgres", "object_storage") for n in d.nodes)


def test_starter_fails_and_the_first_reason_names_the_servers_keeping_sessions_in_ram():
    result = check_mission("stateless", starter())
    assert not result.passed
    assert result.report["scenario"] == "standard" and result.report["journey"] == "sessions"
    assert result.report["totals"]["lost_sessions"] > 0
    first = result.reasons[0]
    assert "Server A and Server B keep sessions in their own RAM" in first
    assert "Redis" in first  # says what to add
    assert any(r.startswith("Does not survive the crash drill") for r in result.reasons)


def test_adding_one_shared_redis_passes():
    result = check_mission("stateless", with_shared_redis(starter()))
    assert result.passed, result.reasons
    assert result.report["survives"] and result.report["totals"]["lost_sessions"] == 0
    assert result.reasons[0].startswith("Survives the crash drill (scenario standard, journey sessions, seed 1)")


def test_redis_linked_to_one_server_only_names_the_other_and_the_redis_to_join():
    result = check_mission("stateless", with_shared_redis(starter(), servers=("a",)))
    assert not result.passed
    assert result.reasons[0].startswith("Server B keeps sessions in its own RAM")
    assert "link it to Redis, the Redis that Server A uses" in result.reasons[0]


def test_two_different_redis_nodes_fail_even_though_no_server_keeps_sessions_in_ram():
    d = with_shared_redis(starter(), servers=("a",), redis_id="r1", label="Redis 1")
    d = with_shared_redis(d, servers=("b",), redis_id="r2", label="Redis 2")
    result = check_mission("stateless", d)
    assert not result.passed
    assert "split over 2 Redis nodes" in result.reasons[0]
    assert "Server A uses Redis 1" in result.reasons[0] and "Server B uses Redis 2" in result.reasons[0]


def test_jwt_survives_the_drill_but_not_this_mission_and_points_to_the_jwt_mission():
    d = starter()
    for sid in ("a", "b"):
        d.node(sid).props["auth"] = "jwt"
    result = check_mission("stateless", d)
    assert result.report["survives"]  # the simulation is happy...
    assert not result.passed  # ...the mission is not
    assert "survives the crash drill with JWT" in result.reasons[0]
    assert "--mission jwt" in result.reasons[0]
    assert check_mission("jwt", d).passed


def test_one_jwt_server_among_redis_servers_is_told_to_use_the_redis():
    d = lesson(3, stores=(REDIS,))
    d.node("web-c").props["auth"] = "jwt"
    result = check_mission("stateless", d)
    assert not result.passed
    assert any(r.startswith("Web C keeps logins in a signed token (JWT)") and "jwt mission" in r
               for r in result.reasons)


@pytest.mark.parametrize(("servers", "clients", "balancers"), [(3, 1, 1), (3, 2, 2), (4, 2, 1), (5, 1, 2)])
def test_variants_with_more_servers_clients_and_load_balancers_pass_with_one_shared_redis(
        servers, clients, balancers):
    result = check_mission("stateless", lesson(servers, clients, balancers, stores=(REDIS,)))
    assert result.passed, result.reasons


def test_three_servers_two_clients_two_balancers_with_one_server_in_ram_fails_naming_it():
    d = lesson(3, 2, 2)
    d.nodes.append(Node("cache", "redis", "Session cache"))
    d.links += [Link("web-a", "cache"), Link("web-b", "cache")]
    result = check_mission("stateless", d)
    assert not result.passed
    assert result.reasons[0].startswith("Web C keeps sessions in its own RAM")
    assert "Session cache, the Redis that Web A and Web B use" in result.reasons[0]


def test_renamed_ids_and_labels_grade_the_same_and_reasons_use_the_new_labels():
    d = starter()
    renames = {"users": "crowd", "lb": "front", "a": "alpha", "b": "beta"}
    for n in d.nodes:
        n.id = renames[n.id]
    d.node("alpha").label, d.node("beta").label = "Blue box", "Green box"
    d.links = [Link(renames[lk.source], renames[lk.target]) for lk in d.links]
    failing = check_mission("stateless", d)
    assert not failing.passed and "Blue box and Green box keep sessions in their own RAM" in failing.reasons[0]
    assert check_mission("stateless", with_shared_redis(d, servers=("alpha", "beta"), label="Memory")).passed


def test_repeated_labels_are_told_apart_by_id():
    d = starter()
    d.node("a").label = d.node("b").label = "Server"
    result = check_mission("stateless", d)
    assert "Server (a) and Server (b) keep sessions in their own RAM" in result.reasons[0]


def test_a_server_no_client_reaches_does_not_count():
    d = with_shared_redis(starter())
    d.nodes.append(Node("spare", "server", "Spare"))  # on the canvas, wired to nothing, sessions in its RAM
    assert check_mission("stateless", d).passed


def test_shared_redis_with_a_single_server_behind_the_balancer_fails_on_the_outage():
    d = lesson(1, stores=(REDIS,))
    result = check_mission("stateless", d)
    assert not result.passed and result.report["totals"]["outages"] > 0
    assert result.reasons[0].startswith("Does not survive the crash drill")
    assert any("outages" in r and "add another server" in r for r in result.reasons)


def test_no_client_fails_with_a_reason():
    result = check_mission("stateless", Diagram(nodes=[Node("a", "server")]))
    assert not result.passed and result.reasons[0].startswith("No client reaches any server")


def test_check_runs_the_missions_scenario_whatever_the_file_asks_but_keeps_the_files_seed():
    d = with_shared_redis(starter())
    d.scenario = ScenarioSpec(name="calm", journey="full", seed=9)
    report = check_mission("stateless", d).report
    assert (report["scenario"], report["journey"], report["seed"]) == ("standard", "sessions", 9)
