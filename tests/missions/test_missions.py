"""Missions: the starter fails its own mission, a sound solution passes, and the reasons teach."""

from __future__ import annotations

import pytest

from statediagram.core import Diagram, Link, Node
from statediagram.missions import check_mission, get_mission, list_missions


def lesson(servers: int = 2, clients: int = 1, balancers: int = 1, auth: str = "session", policy="round_robin",
           stores: tuple[tuple[str, str, dict], ...] = ()) -> Diagram:
    """Clients -> load balancers -> servers, every server linked to every store given as (id, kind, props)."""
    d = Diagram()
    lbs = [f"lb{j}" for j in range(balancers)]
    for i in range(clients):
        d.nodes.append(Node(f"shop{i}", "client", f"Shoppers {i}", props={"users": 3}))
        d.links += [Link(f"shop{i}", lb) for lb in lbs]
    d.nodes += [Node(lb, "load_balancer", props={"policy": policy}) for lb in lbs]
    for k in range(servers):
        sid = f"web-{chr(ord('a') + k)}"
        d.nodes.append(Node(sid, "server", f"Web {chr(ord('A') + k)}", props={"auth": auth}))
        d.links += [Link(lb, sid) for lb in lbs]
        d.links += [Link(sid, store_id) for store_id, _, _ in stores]
    d.nodes += [Node(store_id, kind, props=props) for store_id, kind, props in stores]
    return d


REDIS = ("cache", "redis", {})


def test_missions_are_listed_with_the_lesson_first():
    missions = list_missions()
    assert missions[0].id == "stateless" and missions[0].title == "Make it stateless"
    assert {m.id for m in missions} >= {"stateless", "sticky", "avatars", "jwt", "durable", "cattle"}
    for m in missions:
        assert m.goal and m.hints and m.starter_path.exists()


def test_unknown_mission_names_the_known_ones():
    with pytest.raises(KeyError, match="stateless"):
        get_mission("nope")


def test_stateless_starter_matches_the_contract_and_fails_naming_the_ram_servers():
    mission = get_mission("stateless")
    d = mission.load_starter()
    assert d.node("users").props["users"] == 3
    assert d.node("lb").props["policy"] == "round_robin"
    assert {d.node("a").label, d.node("b").label} == {"Server A", "Server B"}
    assert d.node("a").props["auth"] == d.node("b").props["auth"] == "session"
    result = check_mission(mission, d)
    assert not result.passed
    assert result.report["scenario"] == "standard" and result.report["journey"] == "sessions"
    text = "\n".join(result.reasons)
    assert "Server A keeps sessions in its own RAM" in text and "Server B keeps sessions in its own RAM" in text


def test_adding_one_shared_redis_passes_the_stateless_mission():
    d = get_mission("stateless").load_starter()
    d.nodes.append(Node("redis", "redis", "Redis"))
    d.links += [Link("a", "redis"), Link("b", "redis")]
    result = check_mission("stateless", d)
    assert result.passed, result.reasons
    assert result.reasons == []


def test_two_different_redis_nodes_fail_and_say_which_redis_to_use():
    d = get_mission("stateless").load_starter()
    d.nodes += [Node("r1", "redis", "Redis 1"), Node("r2", "redis", "Redis 2")]
    d.links += [Link("a", "r1"), Link("b", "r2")]
    result = check_mission("stateless", d)
    assert not result.passed
    assert any("link it to Redis 1" in r or "link it to Redis 2" in r for r in result.reasons), result.reasons


def test_jwt_survives_but_is_not_this_mission_and_points_to_the_jwt_mission():
    result = check_mission("stateless", lesson(auth="jwt"))
    assert result.report["survives"]
    assert not result.passed
    assert any("passes the simulation" in r and "--mission jwt" in r for r in result.reasons)
    assert check_mission("jwt", lesson(auth="jwt")).passed


@pytest.mark.parametrize(("servers", "clients", "balancers"), [(3, 1, 1), (4, 2, 2), (3, 2, 1)])
def test_variants_with_more_servers_clients_and_load_balancers_pass_when_they_share_one_redis(
        servers, clients, balancers):
    d = lesson(servers, clients, balancers, stores=(REDIS,))
    result = check_mission("stateless", d)
    assert result.passed, result.reasons


def test_a_server_no_client_reaches_does_not_count_for_the_mission():
    d = lesson(2, stores=(REDIS,))
    d.nodes.append(Node("spare", "server", "Spare"))  # on the canvas, wired to nothing
    assert check_mission("stateless", d).passed


def test_no_client_fails_with_a_reason():
    d = Diagram(nodes=[Node("a", "server")])
    result = check_mission("stateless", d)
    assert not result.passed and "No client reaches any server" in result.reasons[0]


def test_sticky_mission_wants_shared_state_and_no_sticky_policy():
    assert not check_mission("sticky", get_mission("sticky").load_starter()).passed
    sticky_with_redis = lesson(policy="sticky", stores=(REDIS,))
    result = check_mission("sticky", sticky_with_redis)
    assert not result.passed and any("sticky sessions" in r for r in result.reasons)
    assert check_mission("sticky", lesson(policy="least_connections", stores=(REDIS,))).passed


def test_avatars_mission_needs_object_storage():
    starter = get_mission("avatars").load_starter()
    result = check_mission("avatars", starter)
    assert not result.passed and result.report["totals"]["lost_files"] > 0
    assert any("on its own local disk" in r for r in result.reasons)
    assert check_mission("avatars", lesson(stores=(REDIS, ("files", "object_storage", {})))).passed


def test_durable_mission_needs_postgres_and_replicas_to_survive_chaos():
    stores = (("cache", "redis", {"replicas": 1}), ("files", "object_storage", {}))
    no_pg = check_mission("durable", lesson(stores=stores))
    assert not no_pg.passed and any("keeps carts in Cache" in r or "keeps carts in" in r for r in no_pg.reasons)
    single_pg = check_mission("durable", lesson(stores=(*stores, ("db", "postgres", {}))))
    assert not single_pg.passed and single_pg.report["totals"]["outages"] > 0
    assert check_mission("durable", lesson(stores=(*stores, ("db", "postgres", {"replicas": 1})))).passed


def test_cattle_mission_replaces_every_server_with_a_blank_machine():
    starter = check_mission("cattle", get_mission("cattle").load_starter())
    assert not starter.passed and starter.report["scenario"] == "cattle"
    stateless = lesson(stores=(REDIS, ("db", "postgres", {}), ("files", "object_storage", {})))
    result = check_mission("cattle", stateless)
    assert result.passed, result.reasons


def test_check_uses_the_files_seed():
    from statediagram.core import ScenarioSpec

    d = lesson(stores=(REDIS,))
    d.scenario = ScenarioSpec(seed=9)
    assert check_mission("stateless", d).report["seed"] == 9
