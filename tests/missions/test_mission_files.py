"""Missions as files: every built-in mission is a file in the teacher's format, its starter fails it and a
reference solution (kept here, not shipped) passes it; a teacher's file works wherever an id does; a broken
file says where, which rule and how to fix; every rule of the vocabulary is seen to work and to name nodes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from mission_builders import REDIS, lesson

from statediagram import cli
from statediagram.core import Link, Node, load_diagram
from statediagram.missions import (
    ASSETS,
    MissionError,
    UnknownMission,
    check_mission,
    find_mission,
    get_mission,
    list_missions,
    next_mission,
)
from statediagram.missions.files import MAX_MISSION_BYTES, load_mission_file, parse_mission
from statediagram.missions.rules import RULES

SOLUTIONS = Path(__file__).parent / "solutions"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "missions.md"
MISSION_IDS = [m.id for m in list_missions()]


def mission_record(**changes) -> dict:
    record = json.loads((ASSETS / "stateless.mission.json").read_text(encoding="utf-8"))
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def write_mission(folder: Path, record: dict | str, name: str = "teacher.mission.json") -> Path:
    """A mission file in ``folder`` with the stateless starter beside it."""
    shutil.copy(ASSETS / "stateless.statediagram.json", folder / "stateless.statediagram.json")
    path = folder / name
    path.write_text(record if isinstance(record, str) else json.dumps(record), encoding="utf-8")
    return path


# --- the built-in missions -----------------------------------------------------------------------------------


def test_every_built_in_mission_is_a_file_in_the_teachers_format():
    for path in sorted(ASSETS.glob("*.mission.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        assert (record["format"], record["version"]) == ("statediagram-mission", 1)
        assert {rule["rule"] for rule in record["rules"]} <= set(RULES)
        loaded = load_mission_file(path)
        assert loaded.warnings == [] and loaded.mission.id == path.name.removesuffix(".mission.json")


@pytest.mark.parametrize("mission_id", MISSION_IDS)
def test_the_starter_fails_and_the_reference_solution_passes(mission_id):
    mission = get_mission(mission_id)
    starter = check_mission(mission, mission.load_starter())
    assert not starter.passed and starter.problems
    assert all(p.nodes for p in starter.problems[:1])  # the first reason names nodes the app can highlight
    solution = load_diagram(SOLUTIONS / f"{mission_id}.statediagram.json").diagram
    solved = check_mission(mission, solution)
    assert solved.passed, solved.reasons
    assert solved.problems == []


def test_every_mission_has_a_reference_solution_and_none_is_shipped():
    assert sorted(p.name.split(".")[0] for p in SOLUTIONS.glob("*.statediagram.json")) == sorted(MISSION_IDS)
    assert not list(ASSETS.glob("*solution*"))


def test_next_mission_follows_the_lesson_order():
    assert next_mission(get_mission("stateless")).id == "sticky"
    assert next_mission(get_mission("cattle")).id == "realtime"
    assert next_mission(get_mission("realtime")) is None


def test_hidden_rule_is_graded_but_left_out_of_the_checklist():
    durable = get_mission("durable")
    assert len(durable.checklist()) == len(durable.rules) - 1
    assert not any("Every Redis" in line for line in durable.checklist())
    d = load_diagram(SOLUTIONS / "durable.statediagram.json").diagram
    d.node("redis").props["replicas"] = 0
    result = check_mission(durable, d)
    assert not result.passed
    assert any(p.rule == "replicas" and p.nodes == ("redis",) for p in result.problems)


# --- a teacher's mission file ----------------------------------------------------------------------------------


def test_a_mission_file_path_works_wherever_an_id_does(tmp_path, capsys):
    path = write_mission(tmp_path, mission_record(id="shared-login", title="Shared login"))
    assert find_mission(str(path)).mission.title == "Shared login"
    assert check_mission(str(path), load_diagram(SOLUTIONS / "stateless.statediagram.json").diagram).passed
    status = cli.main(["check", str(SOLUTIONS / "stateless.statediagram.json"), "--mission", str(path)])
    out = capsys.readouterr().out
    assert status == 0 and 'mission shared-login ("Shared login")' in out


def test_comment_keys_are_ignored_and_other_unknown_keys_warn(tmp_path, capsys):
    record = mission_record(_comment="for the 10 o'clock class", help="ignored too", hint=["typo"])
    record["rules"][0]["_comment"] = "a note on a rule"
    loaded = load_mission_file(write_mission(tmp_path, record))
    assert loaded.warnings == ['unknown key "hint" was ignored']
    solution = str(SOLUTIONS / "stateless.statediagram.json")
    cli.main(["check", solution, "--mission", str(tmp_path / "teacher.mission.json")])
    assert 'warning: unknown key "hint"' in capsys.readouterr().err


@pytest.mark.parametrize(("change", "where", "words"), [
    ("{not json", "line 1, column 2", "not valid JSON"),
    ({"format": "statediagram"}, "format", "not a mission file"),
    ({"version": 2}, "version", "newer than this program"),
    ({"id": "Has Spaces"}, "id", "lowercase"),
    ({"title": 7}, "title", "must be text"),
    ({"hints": "one"}, "hints", "list of sentences"),
    ({"scenario": "storm"}, "scenario", "unknown scenario 'storm'"),
    ({"journey": "walk"}, "journey", "unknown journey"),
    ({"starter": "../stateless.statediagram.json"}, "starter", "beside the mission"),
    ({"starter": "missing.statediagram.json"}, "starter missing.statediagram.json", "cannot be read"),
    ({"rules": []}, "rules", "at least one rule"),
    ({"rules": [{"rule": "survive"}]}, "rules #1", "unknown rule 'survive'"),
    ({"rules": ["survives"]}, "rules #1", "must be an object"),
    ({"rules": [{"rule": "shared_store", "state": "sessions", "kind": "postgres"}]},
     "rules #1 (shared_store)", "\"kind\" is 'postgres'"),
    ({"rules": [{"rule": "shared_store", "kind": "redis"}]}, "rules #1 (shared_store)", 'needs "state"'),
    ({"rules": [{"rule": "replicas", "kind": "redis", "at_least": "2"}]}, "rules #1 (replicas)", "whole number"),
    ({"rules": [{"rule": "palette", "kinds": ["rediss"]}]}, "rules #1 (palette)", "names 'rediss'"),
    ({"rules": [{"rule": "no_sticky", "hidden": "yes"}]}, "rules #1 (no_sticky)", '"hidden" must be true or false'),
])
def test_a_broken_mission_file_says_where_which_rule_and_how_to_fix_exit_2(tmp_path, capsys, change, where, words):
    record = change if isinstance(change, str) else mission_record(**change)
    path = write_mission(tmp_path, record)
    with pytest.raises(MissionError) as info:
        load_mission_file(path)
    assert info.value.where == f"{path}: {where}"
    assert words in info.value.rule and info.value.fix
    status = cli.main(["check", str(SOLUTIONS / "stateless.statediagram.json"), "--mission", str(path)])
    err = capsys.readouterr().err
    assert status == 2 and str(path) in err and words in err and "Traceback" not in err


def test_a_huge_or_missing_mission_file_is_refused_without_reading_it_all(tmp_path):
    path = write_mission(tmp_path, " " * (MAX_MISSION_BYTES + 10))
    with pytest.raises(MissionError, match="larger than 256 KB"):
        load_mission_file(path)
    with pytest.raises(MissionError, match="cannot be read"):
        find_mission(str(tmp_path / "nowhere.mission.json"))
    with pytest.raises(UnknownMission):
        find_mission("nowhere")


def test_missions_new_writes_a_template_that_loads_and_grades(tmp_path, capsys):
    assert cli.main(["missions", "--new", "my-class", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "my-class.mission.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["_comment"] and record["_rules"]  # the comments a teacher reads
    loaded = load_mission_file(path)
    assert loaded.warnings == [] and loaded.mission.palette == ("redis",)
    starter = check_mission(loaded.mission, loaded.mission.load_starter())
    assert not starter.passed
    assert check_mission(loaded.mission, load_diagram(SOLUTIONS / "stateless.statediagram.json").diagram).passed
    capsys.readouterr()
    assert cli.main(["missions", "--new", "my-class", "--dir", str(tmp_path)]) == 2  # never overwrites
    assert "exists already" in capsys.readouterr().err


# --- the vocabulary, rule by rule -----------------------------------------------------------------------------


def teacher_mission(tmp_path: Path, *rules: dict, **changes):
    return load_mission_file(write_mission(tmp_path, mission_record(rules=list(rules), **changes))).mission


def test_palette_rule_refuses_kinds_the_learner_may_not_add_and_names_them(tmp_path):
    mission = teacher_mission(tmp_path, {"rule": "survives"}, {"rule": "palette", "kinds": ["redis"]})
    assert mission.palette == ("redis",)
    d = load_diagram(SOLUTIONS / "stateless.statediagram.json").diagram
    assert check_mission(mission, d).passed
    d.nodes.append(Node("c", "server", "Server C"))
    d.links += [Link("lb", "c"), Link("c", "redis")]
    result = check_mission(mission, d)
    assert result.report["survives"] and not result.passed
    assert result.problems[0].nodes == ("c",)
    assert result.reasons[0] == ("Server C (Server) was added, but this mission lets you add only Redis: "
                                 "remove it.")


def test_shared_store_with_jwt_allowed_accepts_tokens_everywhere_but_not_a_mix(tmp_path):
    mission = teacher_mission(tmp_path, {"rule": "shared_store", "state": "sessions", "kind": "redis",
                                         "jwt": "allowed"})
    assert check_mission(mission, lesson(auth="jwt")).passed  # no survives rule: the wiring is what counts
    mixed = lesson(stores=(REDIS,))
    mixed.node("web-b").props["auth"] = "jwt"
    result = check_mission(mission, mixed)
    assert not result.passed and "use session cookies" not in result.reasons[0]
    assert "Web B uses JWT while Web A uses session cookies" in result.reasons[0]


def test_shared_store_names_the_servers_and_the_store_to_join(tmp_path):
    mission = teacher_mission(tmp_path, {"rule": "shared_store", "state": "cart", "kind": "postgres"})
    d = lesson(3, stores=(("db", "postgres", {}),))
    d.links.remove(d.find_link("web-c", "db"))
    result = check_mission(mission, d)
    assert result.reasons == ["Web C keeps carts in its own RAM (a crash empties it, and the other servers never "
                              "see it): link it to PostgreSQL, the PostgreSQL that Web A and Web B use."]
    assert set(result.problems[0].nodes) == {"web-c", "db"}


def test_pubsub_state_says_whose_messages_stay_on_one_server(tmp_path):
    # The realtime mission's rule, on plain servers until the websocket kind exists.
    mission = teacher_mission(tmp_path, {"rule": "shared_store", "state": "pubsub", "kind": "redis"})
    d = lesson(stores=(REDIS,))
    d.links.remove(d.find_link("web-b", "cache"))
    result = check_mission(mission, d)
    assert result.reasons[0].startswith("Web B tells chat messages to its own users only")
    assert "link it to Redis, the Redis that Web A uses" in result.reasons[0]


def test_auth_rule_for_session_cookies_names_the_jwt_servers(tmp_path):
    mission = teacher_mission(tmp_path, {"rule": "auth", "auth": "session"})
    d = lesson(stores=(REDIS,))
    d.node("web-a").props["auth"] = "jwt"
    result = check_mission(mission, d)
    assert result.problems[0].nodes == ("web-a",) and "Set its auth to session" in result.reasons[0]


def test_no_pets_rule_can_look_at_uploads_only(tmp_path):
    mission = teacher_mission(tmp_path, {"rule": "no_pets", "states": ["uploads"]})
    result = check_mission(mission, lesson(stores=(REDIS,)))
    assert result.reasons == ["Web A and Web B are pets: they keep uploads on the machine itself, and a new blank "
                              "machine starts without them. Keep uploads in object storage."]


# --- the documentation ----------------------------------------------------------------------------------------


def test_every_rule_is_documented_with_an_example_that_loads(tmp_path):
    text = DOCS.read_text(encoding="utf-8")
    examples = [json.loads(m) for m in re.findall(r"^(\{\"rule\": .*\})$", text, flags=re.M)]
    assert {e["rule"] for e in examples} == set(RULES)
    for example in examples:
        mission = teacher_mission(tmp_path, example)
        assert mission.rules[0].describe()


def _known_kinds() -> set[str]:
    from statediagram.core.catalog import KINDS

    return set(KINDS)


def test_parse_mission_alone_reads_text_with_a_folder():
    text = (ASSETS / "jwt.mission.json").read_text(encoding="utf-8")
    assert parse_mission(text, ASSETS).mission.journey == "sessions"
