"""What the wiring means: where each server keeps its state (the contract's table) and design findings."""

from __future__ import annotations

from typing import Any

import pytest

from statediagram.core.model import Diagram, Link, Node
from statediagram.core.topology import DISK, RAM, TOKEN, Finding, Home, design_findings, state_homes


def diagram(nodes: dict[str, str | tuple[str, dict[str, Any]]], *links: str) -> Diagram:
    """Nodes as {id: kind} or {id: (kind, props)}; links as "a-b"."""
    built = []
    for node_id, spec in nodes.items():
        kind, props = (spec, {}) if isinstance(spec, str) else spec
        built.append(Node(node_id, kind, node_id.upper(), props=dict(props)))
    return Diagram(nodes=built, links=[Link(*text.split("-")) for text in links])


def lesson_tier(**extra: str | tuple[str, dict[str, Any]]) -> dict[str, str | tuple[str, dict[str, Any]]]:
    """The lesson's starting point: users, one round-robin load balancer, Server A and Server B."""
    return {"users": "client", "lb": "load_balancer", "a": "server", "b": "server", **extra}


BASE_LINKS = ("users-lb", "lb-a", "lb-b")


def codes(findings: list[Finding]) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.code, f.nodes) for f in findings]


# --- where a server keeps each kind of state ------------------------------------------------------------


def test_session_server_without_redis_keeps_sessions_in_its_own_ram() -> None:
    homes = state_homes(diagram(lesson_tier(), *BASE_LINKS))
    assert homes["a"].sessions == Home(RAM, "a")
    assert homes["b"].sessions == Home(RAM, "b")
    assert not homes["a"].sessions.shared


def test_session_server_linked_to_redis_keeps_sessions_in_that_redis() -> None:
    d = diagram(lesson_tier(redis="redis"), *BASE_LINKS, "a-redis", "redis-b")
    homes = state_homes(d)
    assert homes["a"].sessions == Home("redis", "redis")
    assert homes["b"].sessions == Home("redis", "redis")  # link order carries no meaning
    assert homes["a"].sessions.shared


def test_servers_with_their_own_redis_each_keep_sessions_apart() -> None:
    d = diagram(lesson_tier(r1="redis", r2="redis"), *BASE_LINKS, "a-r1", "b-r2")
    homes = state_homes(d)
    assert homes["a"].sessions != homes["b"].sessions


def test_jwt_server_keeps_sessions_in_a_token_even_with_redis_linked() -> None:
    d = diagram(lesson_tier(a=("server", {"auth": "jwt"}), redis="redis"), *BASE_LINKS, "a-redis")
    homes = state_homes(d)
    assert homes["a"].sessions == Home(TOKEN, None)
    assert homes["a"].sessions.shared


def test_cart_goes_to_postgres_when_linked_even_with_redis() -> None:
    d = diagram(lesson_tier(redis="redis", pg="postgres"), *BASE_LINKS, "a-redis", "a-pg")
    assert state_homes(d)["a"].cart == Home("postgres", "pg")


def test_cart_goes_to_redis_without_postgres() -> None:
    d = diagram(lesson_tier(redis="redis"), *BASE_LINKS, "a-redis")
    assert state_homes(d)["a"].cart == Home("redis", "redis")


def test_cart_stays_in_the_servers_ram_without_a_store() -> None:
    d = diagram(lesson_tier(s3="object_storage"), *BASE_LINKS, "a-s3")
    assert state_homes(d)["a"].cart == Home(RAM, "a")


def test_jwt_server_still_keeps_its_cart_in_redis() -> None:
    d = diagram(lesson_tier(a=("server", {"auth": "jwt"}), redis="redis"), *BASE_LINKS, "redis-a")
    assert state_homes(d)["a"].cart == Home("redis", "redis")


def test_uploads_go_to_object_storage_when_linked_else_to_local_disk() -> None:
    d = diagram(lesson_tier(s3="object_storage", redis="redis", pg="postgres"), *BASE_LINKS, "s3-a", "b-redis",
                "b-pg")
    homes = state_homes(d)
    assert homes["a"].uploads == Home("object_storage", "s3")
    assert homes["b"].uploads == Home(DISK, "b")  # neither Redis nor PostgreSQL takes files


def test_only_servers_have_state_homes() -> None:
    d = diagram(lesson_tier(redis="redis"), *BASE_LINKS, "a-redis")
    assert set(state_homes(d)) == {"a", "b"}


def test_homes_describe_themselves_in_the_lessons_words() -> None:
    labels = {"a": "Server A", "redis": "Sessions"}
    assert Home(RAM, "a").describe(labels) == "Server A's own RAM"
    assert Home(DISK, "a").describe(labels) == "Server A's local disk"
    assert Home("redis", "redis").describe(labels) == "Sessions"
    assert "JWT" in Home(TOKEN, None).describe(labels)


def test_a_store_home_badge_is_the_store_kind() -> None:
    assert Home("redis", "redis").badge() == "Redis"
    assert Home("object_storage", "s3").badge() == "Object storage"


@pytest.mark.parametrize(("home", "badge"), [(Home(RAM, "a"), "RAM"), (Home(DISK, "a"), "disk"),
                                             (Home(TOKEN, None), "JWT")])
def test_a_server_side_home_badge_says_ram_disk_or_jwt(home: Home, badge: str) -> None:
    assert home.badge() == badge


# --- design findings --------------------------------------------------------------------------------


def test_no_client_is_a_finding() -> None:
    findings = design_findings(diagram({"a": "server"}))
    assert ("no_client", ()) in codes(findings)
    assert all(f.severity in ("error", "warning", "info") for f in findings)


def test_a_diagram_with_clients_has_no_no_client_finding() -> None:
    assert "no_client" not in [c for c, _ in codes(design_findings(diagram(lesson_tier(), *BASE_LINKS)))]


def test_load_balancer_without_servers_is_a_finding() -> None:
    d = diagram({"users": "client", "lb": "load_balancer", "a": "server"}, "users-lb", "users-a")
    assert ("load_balancer_without_servers", ("lb",)) in codes(design_findings(d))


def test_load_balancer_with_servers_is_not_reported_empty() -> None:
    d = diagram(lesson_tier(), *BASE_LINKS)
    assert "load_balancer_without_servers" not in [c for c, _ in codes(design_findings(d))]


def test_server_no_client_can_reach_is_a_finding() -> None:
    d = diagram(lesson_tier(c="server"), *BASE_LINKS)
    found = codes(design_findings(d))
    assert ("unreachable_server", ("c",)) in found
    assert ("unreachable_server", ("a",)) not in found


def test_server_behind_a_load_balancer_no_client_uses_is_unreachable() -> None:
    d = diagram(lesson_tier(lb2="load_balancer", c="server"), *BASE_LINKS, "lb2-c")
    found = codes(design_findings(d))
    assert ("unreachable_server", ("c",)) in found
    assert ("unreachable_load_balancer", ("lb2",)) in found


def test_single_load_balancer_is_a_single_point_of_failure() -> None:
    found = codes(design_findings(diagram(lesson_tier(), *BASE_LINKS)))
    assert ("single_point_of_failure", ("lb",)) in found
    assert ("single_point_of_failure", ("a",)) not in found  # B still answers when A is down


def test_two_load_balancers_in_front_of_two_servers_have_no_single_point_of_failure() -> None:
    d = diagram(lesson_tier(lb2="load_balancer"), *BASE_LINKS, "users-lb2", "lb2-a", "lb2-b")
    assert "single_point_of_failure" not in [c for c, _ in codes(design_findings(d))]


def test_a_lone_server_is_a_single_point_of_failure() -> None:
    d = diagram({"users": "client", "a": "server"}, "users-a")
    findings = design_findings(d)
    assert ("single_point_of_failure", ("a",)) in codes(findings)
    spof = next(f for f in findings if f.code == "single_point_of_failure")
    assert "A is a single point of failure" in spof.message and "second server" in spof.message


def test_one_shared_redis_without_replicas_is_a_single_point_of_failure_for_sessions() -> None:
    d = diagram(lesson_tier(redis="redis"), *BASE_LINKS, "a-redis", "b-redis")
    findings = [f for f in design_findings(d) if f.code == "single_point_of_failure" and f.nodes == ("redis",)]
    assert len(findings) == 1
    assert "sessions" in findings[0].message and "replica" in findings[0].message


def test_one_shared_redis_with_a_replica_is_not_a_single_point_of_failure() -> None:
    d = diagram(lesson_tier(redis=("redis", {"replicas": 1})), *BASE_LINKS, "a-redis", "b-redis")
    assert ("single_point_of_failure", ("redis",)) not in codes(design_findings(d))


def test_one_shared_postgres_without_replicas_is_a_single_point_of_failure_for_carts() -> None:
    d = diagram(lesson_tier(pg="postgres"), *BASE_LINKS, "a-pg", "b-pg")
    findings = [f for f in design_findings(d) if f.nodes == ("pg",)]
    assert [f.code for f in findings] == ["single_point_of_failure"]
    assert "carts" in findings[0].message
    d_replicated = diagram(lesson_tier(pg=("postgres", {"replicas": 2})), *BASE_LINKS, "a-pg", "b-pg")
    assert ("single_point_of_failure", ("pg",)) not in codes(design_findings(d_replicated))


def test_one_shared_redis_holding_every_cart_is_a_single_point_of_failure_for_carts() -> None:
    jwt = ("server", {"auth": "jwt"})
    d = diagram(lesson_tier(a=jwt, b=jwt, redis="redis"), *BASE_LINKS, "a-redis", "b-redis")
    assert ("single_point_of_failure", ("redis",)) in codes(design_findings(d))


def test_the_only_load_balancer_of_one_client_is_a_single_point_of_failure_for_its_users() -> None:
    d = diagram(lesson_tier(walkin="client"), *BASE_LINKS, "walkin-b")
    assert ("single_point_of_failure", ("lb",)) in codes(design_findings(d))


def test_servers_that_mix_session_and_jwt_auth_are_a_finding() -> None:
    d = diagram(lesson_tier(b=("server", {"auth": "jwt"})), *BASE_LINKS)
    found = codes(design_findings(d))
    assert ("mixed_auth", ("a", "b")) in found


def test_an_unreachable_jwt_server_does_not_count_as_mixed_auth() -> None:
    d = diagram(lesson_tier(c=("server", {"auth": "jwt"})), *BASE_LINKS)
    assert "mixed_auth" not in [c for c, _ in codes(design_findings(d))]


def test_servers_with_one_auth_have_no_mixed_auth_finding() -> None:
    jwt = ("server", {"auth": "jwt"})
    d = diagram(lesson_tier(a=jwt, b=jwt), *BASE_LINKS)
    assert "mixed_auth" not in [c for c, _ in codes(design_findings(d))]


def test_sticky_load_balancer_is_pointed_out_as_a_trap() -> None:
    d = diagram(lesson_tier(lb=("load_balancer", {"policy": "sticky"})), *BASE_LINKS)
    sticky = [f for f in design_findings(d) if f.code == "sticky_sessions"]
    assert [(f.severity, f.nodes) for f in sticky] == [("info", ("lb",))]


def test_store_no_server_uses_is_a_finding() -> None:
    d = diagram(lesson_tier(redis="redis"), *BASE_LINKS)
    assert ("unused_store", ("redis",)) in codes(design_findings(d))


def test_the_lessons_stateless_design_has_only_the_expected_findings() -> None:
    d = diagram(
        lesson_tier(lb2="load_balancer", redis=("redis", {"replicas": 1}), s3="object_storage",
                    pg=("postgres", {"replicas": 1})),
        *BASE_LINKS, "users-lb2", "lb2-a", "lb2-b", "a-redis", "b-redis", "a-s3", "b-s3", "a-pg", "b-pg",
    )
    assert design_findings(d) == []


def test_finding_as_json_names_its_nodes() -> None:
    finding = Finding("warning", "single_point_of_failure", "LB is a single point of failure", ("lb",))
    assert finding.to_json() == {
        "severity": "warning", "code": "single_point_of_failure", "message": "LB is a single point of failure",
        "nodes": ["lb"],
    }
    assert Finding("error", "lost_sessions", "x", ("a",), at=12.5).to_json()["at"] == 12.5


def spof_messages(d: Diagram) -> list[tuple[tuple[str, ...], str]]:
    return [(f.nodes, f.message) for f in design_findings(d) if f.code == "single_point_of_failure"]


def test_the_only_server_behind_two_load_balancers_cuts_every_user_off() -> None:
    d = diagram({"users": "client", "lb": "load_balancer", "lb2": "load_balancer", "a": "server"},
                "users-lb", "users-lb2", "lb-a", "lb2-a")
    assert spof_messages(d) == [
        (("a",), "A is a single point of failure: if it goes down, no user reaches any server. "
                 "Add a second server, behind a load balancer."),
    ]


def test_a_load_balancer_that_only_some_clients_use_names_just_their_users() -> None:
    d = diagram(lesson_tier(walkin="client", shop="client", lb2="load_balancer"),
                *BASE_LINKS, "walkin-lb", "shop-lb2", "lb2-a", "lb2-b", "users-b")
    assert spof_messages(d) == [
        (("lb",), "LB is a single point of failure: if it goes down, the users of WALKIN reach no server. "
                  "Link the clients to a second load balancer as well."),
        (("lb2",), "LB2 is a single point of failure: if it goes down, the users of SHOP reach no server. "
                   "Link the clients to a second load balancer as well."),
    ]


def test_a_client_linked_straight_to_a_server_as_well_has_no_load_balancer_as_single_point() -> None:
    d = diagram(lesson_tier(), *BASE_LINKS, "users-b")
    assert spof_messages(d) == []


def test_clients_that_reach_no_server_do_not_count_towards_every_user() -> None:
    d = diagram(lesson_tier(lonely="client", lb2="load_balancer"), *BASE_LINKS, "lonely-lb2")
    assert [nodes for nodes, _ in spof_messages(d)] == [("lb",)]
    assert "no user reaches any server" in spof_messages(d)[0][1]


def test_single_points_of_failure_come_in_node_id_order_then_the_stores() -> None:
    d = diagram({"z": "client", "m": "load_balancer", "b": "server", "redis": "redis", "pg": "postgres"},
                "z-m", "m-b", "b-redis", "b-pg")
    assert [nodes for nodes, _ in spof_messages(d)] == [("b",), ("m",), ("redis",), ("pg",)]
    assert "for sessions" in spof_messages(d)[2][1] and "for carts" in spof_messages(d)[3][1]


def test_separate_tiers_each_have_their_own_single_points_of_failure() -> None:
    d = diagram({"u1": "client", "lb1": "load_balancer", "s1": "server", "s2": "server",
                 "u2": "client", "s3": "server"}, "u1-lb1", "lb1-s1", "lb1-s2", "u2-s3")
    assert spof_messages(d) == [
        (("lb1",), "LB1 is a single point of failure: if it goes down, the users of U1 reach no server. "
                   "Link the clients to a second load balancer as well."),
        (("s3",), "S3 is a single point of failure: if it goes down, the users of U2 reach no server. "
                  "Add a second server, behind a load balancer."),
    ]
