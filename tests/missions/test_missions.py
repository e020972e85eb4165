"""Every mission: listed with its texts, its starter fails its own check, a sound solution passes, and the
reasons say what to change."""

from __future__ import annotations

import json

import pytest
from mission_builders import BUCKET, POSTGRES, REDIS, lesson

from statediagram.core import load_diagram
from statediagram.missions import ASSETS, UnknownMission, check_mission, get_mission, list_missions
from statediagram.missions.rules import RULES

REPLICATED = (("cache", "redis", {"replicas": 1}), ("db", "postgres", {"replicas": 1}), BUCKET)


def test_missions_are_listed_with_the_lesson_first_and_every_one_has_rules_from_the_vocabulary():
    missions = list_missions()
    assert missions[0].id == "stateless" and missions[0].title == "Make it stateless"
    assert [m.id for m in missions] == ["stateless", "sticky", "avatars", "jwt", "durable", "cattle",
                                           "realtime"]
    for m in missions:
        assert m.goal and m.hints and m.situation and m.starter_path.is_file()
        assert m.rules and {r.name for r in m.rules} <= set(RULES) and m.checklist()


def test_every_mission_file_in_the_assets_is_listed():
    ids = {json.loads(p.read_text(encoding="utf-8"))["id"] for p in ASSETS.glob("*.mission.json")}
    assert ids == {m.id for m in list_missions()}


@pytest.mark.parametrize("mission", [m.id for m in list_missions()])
def test_each_starter_loads_cleanly_carries_the_missions_title_and_fails_its_own_mission(mission):
    m = get_mission(mission)
    loaded = load_diagram(m.starter_path)
    assert loaded.warnings == []
    assert loaded.diagram.title == m.title
    result = check_mission(m, loaded.diagram)
    assert not result.passed
    assert result.mission == mission
    assert not result.report["survives"]  # the starter shows the problem in the simulation too
    assert not result.reasons[0].startswith("Does not survive")  # the first reason says what to change


def test_unknown_mission_is_a_key_error_naming_the_known_ones():
    with pytest.raises(KeyError) as info:
        get_mission("nope")
    assert isinstance(info.value, UnknownMission)
    assert str(info.value) == ("unknown mission 'nope'; missions are: stateless, sticky, avatars, jwt, durable, "
                               "cattle, realtime")


def test_sticky_mission_wants_a_balancer_that_is_not_sticky():
    sticky_with_redis = lesson(policy="sticky", stores=(REDIS,))
    result = check_mission("sticky", sticky_with_redis)
    assert result.report["survives"] and not result.passed  # sticky plus Redis survives, but is still the trap
    assert result.reasons[0].startswith("Load balancer still uses sticky sessions")
    assert "round_robin or least_connections" in result.reasons[0]
    assert check_mission("sticky", lesson(policy="least_connections", stores=(REDIS,))).passed
    assert check_mission("sticky", lesson(3, policy="round_robin", auth="jwt")).passed


def test_sticky_mission_with_round_robin_but_sessions_in_ram_says_where_sessions_should_go():
    result = check_mission("sticky", lesson(policy="round_robin"))
    assert not result.passed
    assert result.reasons[0].startswith("Web A and Web B keep sessions in their own RAM")


def test_avatars_mission_needs_one_object_storage():
    starter = check_mission("avatars", get_mission("avatars").load_starter())
    assert not starter.passed and starter.report["totals"]["lost_files"] > 0
    assert starter.reasons[0].startswith("Server A and Server B keep uploads on their own local disk")
    assert "add one object storage" in starter.reasons[0]
    solved = check_mission("avatars", lesson(3, stores=(REDIS, BUCKET)))
    assert solved.passed, solved.reasons
    assert solved.report["journey"] == "full" and solved.report["totals"]["lost_files"] == 0


def test_avatars_mission_with_two_buckets_fails():
    d = lesson(stores=(REDIS,))
    from statediagram.core import Link, Node

    d.nodes += [Node("s3a", "object_storage", "Bucket A"), Node("s3b", "object_storage", "Bucket B")]
    d.links += [Link("web-a", "s3a"), Link("web-b", "s3b")]
    result = check_mission("avatars", d)
    assert not result.passed and "split over 2 object storage nodes" in result.reasons[0]


def test_jwt_mission_wants_tokens_and_sends_redis_designs_to_the_stateless_mission():
    assert check_mission("jwt", lesson(3, auth="jwt")).passed
    redis = check_mission("jwt", lesson(stores=(REDIS,)))
    assert redis.report["survives"] and not redis.passed
    assert "that is the stateless mission" in redis.reasons[0] and "Set their auth to jwt" in redis.reasons[0]
    half = lesson(auth="jwt")
    half.node("web-b").props["auth"] = "session"
    result = check_mission("jwt", half)
    assert not result.passed and result.reasons[0].startswith("Web B still keeps sessions in its own RAM")


def test_durable_mission_needs_postgres_and_replicas_to_survive_chaos():
    no_pg = check_mission("durable", lesson(stores=(("cache", "redis", {"replicas": 1}), BUCKET)))
    assert not no_pg.passed
    assert no_pg.reasons[0].startswith("Web A and Web B keep carts in Redis (Redis is for temporary data")
    single_pg = check_mission("durable", lesson(stores=(("cache", "redis", {"replicas": 1}), BUCKET, POSTGRES)))
    assert not single_pg.passed and single_pg.report["totals"]["outages"] > 0
    assert any("give the PostgreSQL a replica" in r for r in single_pg.reasons)
    solved = check_mission("durable", lesson(3, stores=REPLICATED))
    assert solved.passed, solved.reasons
    assert solved.report["scenario"] == "chaos"


def test_cattle_mission_replaces_every_server_with_a_blank_machine():
    starter = check_mission("cattle", get_mission("cattle").load_starter())
    assert not starter.passed
    assert starter.report["scenario"] == "custom"
    assert [f["action"] for f in starter.report["faults"]] == ["crash", "replace", "crash", "replace"]
    assert "are pets" in starter.reasons[0] and "uploads" in starter.reasons[0]
    result = check_mission("cattle", lesson(3, stores=(REDIS, POSTGRES, BUCKET)))
    assert result.passed, result.reasons
    assert result.reasons[0].startswith("Survives the replace drill")


def test_cattle_mission_fails_a_design_that_only_survives_plain_restarts():
    # Sessions in Redis, uploads on local disk, sticky: a restart keeps the disk, a replacement does not.
    d = lesson(stores=(REDIS,), policy="sticky")
    result = check_mission("cattle", d)
    assert not result.passed and result.report["totals"]["lost_files"] > 0


def test_check_uses_the_files_seed():
    from statediagram.core import ScenarioSpec

    d = lesson(stores=(REDIS,))
    d.scenario = ScenarioSpec(seed=9)
    assert check_mission("stateless", d).report["seed"] == 9
    assert check_mission("cattle", d).report["seed"] == 9
