"""Saving: the same format back, keys in a stable order, written atomically, any label intact."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from core_samples import SPEC_EXAMPLE

import statediagram
from statediagram.core.fileio import diagram_to_json, load_diagram, parse_diagram, save_diagram
from statediagram.core.model import Diagram, Fault, Link, Node, ScenarioSpec

STATELESS_STARTER = Path(statediagram.__file__).parent / "assets" / "missions" / "stateless.statediagram.json"


def full_diagram() -> Diagram:
    """A diagram that uses every kind, an edge id, and every key of the scenario block."""
    return Diagram(
        title="Everything at once",
        nodes=[
            Node("users", "client", "Users", 0, 120, {"users": 40}),
            Node("lb", "load_balancer", "LB", 200, 120, {"policy": "least_connections"}),
            Node("a", "server", "Server A", 400.5, -40.25, {"auth": "jwt"}),
            Node("r", "redis", "Cache", 600, 0, {"persistent": True, "replicas": 2}),
            Node("pg", "postgres", "Orders", 600, 100, {"replicas": 1}),
            Node("s3", "object_storage", "Avatars", 600, 200),
        ],
        links=[
            Link("users", "lb"),
            Link("a", "lb", id="wire-2"),
            Link("a", "r"),
            Link("pg", "a"),
            Link("a", "s3"),
        ],
        scenario=ScenarioSpec(
            name="chaos",
            seed=42,
            journey="full",
            faults=[Fault(12.0, "a", "crash"), Fault(17.5, "a", "restart")],
            duration_s=40.0,
        ),
    )


@pytest.mark.parametrize(
    "text",
    [SPEC_EXAMPLE, STATELESS_STARTER.read_text(encoding="utf-8"), diagram_to_json(full_diagram())],
    ids=["spec-example", "stateless-starter", "every-kind"],
)
def test_load_save_load_leaves_the_diagram_unchanged(text: str, tmp_path: Path) -> None:
    first = parse_diagram(text).diagram
    path = tmp_path / "round.statediagram.json"
    save_diagram(first, path)
    second = load_diagram(path)
    assert second.warnings == []
    assert second.diagram == first


def test_the_mission_starter_is_the_lessons_stateful_design() -> None:
    diagram = load_diagram(STATELESS_STARTER).diagram
    assert diagram.node("users").props["users"] == 3
    assert diagram.node("lb").props["policy"] == "round_robin"
    assert {n.id for n in diagram.nodes if n.kind == "server"} == {"a", "b"}
    assert all(n.props["auth"] == "session" for n in diagram.nodes if n.kind == "server")
    assert not any(n.kind == "redis" for n in diagram.nodes)


def test_saving_twice_writes_identical_bytes(tmp_path: Path) -> None:
    diagram = parse_diagram(SPEC_EXAMPLE).diagram
    save_diagram(diagram, tmp_path / "one.json")
    save_diagram(load_diagram(tmp_path / "one.json").diagram, tmp_path / "two.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_saved_keys_come_in_a_stable_order(tmp_path: Path) -> None:
    path = tmp_path / "order.statediagram.json"
    save_diagram(full_diagram(), path)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert list(record) == ["format", "version", "title", "nodes", "edges", "scenario"]
    assert record["format"] == "statediagram" and record["version"] == 1
    assert list(record["nodes"][0]) == ["id", "kind", "label", "x", "y", "props"]
    assert list(record["nodes"][3]["props"]) == ["persistent", "replicas"]
    assert list(record["edges"][1]) == ["id", "source", "target"]
    assert list(record["scenario"]) == ["name", "journey", "seed", "duration_s", "faults"]
    assert list(record["scenario"]["faults"][0]) == ["at", "node", "action"]


def test_order_of_nodes_and_edges_is_kept_as_drawn(tmp_path: Path) -> None:
    path = tmp_path / "drawn.statediagram.json"
    save_diagram(full_diagram(), path)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert [n["id"] for n in record["nodes"]] == ["users", "lb", "a", "r", "pg", "s3"]
    assert [(e["source"], e["target"]) for e in record["edges"]][1] == ("a", "lb")


def test_whole_numbers_are_written_without_a_decimal_point(tmp_path: Path) -> None:
    text = diagram_to_json(full_diagram())
    assert '"x": 200,' in text and '"x": 400.5,' in text and '"y": -40.25,' in text
    assert '"at": 12,' in text and '"at": 17.5,' in text


def test_saving_replaces_a_file_with_the_new_diagram(tmp_path: Path) -> None:
    path = tmp_path / "d.statediagram.json"
    save_diagram(parse_diagram(SPEC_EXAMPLE).diagram, path)
    save_diagram(full_diagram(), path)
    assert load_diagram(path).diagram == full_diagram()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.statediagram.json"]


def test_a_crash_while_saving_leaves_the_old_file_intact_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "precious.statediagram.json"
    save_diagram(parse_diagram(SPEC_EXAMPLE).diagram, path)
    before = path.read_bytes()

    def crash_during_rename(src: str, dst: str) -> None:
        assert Path(src).read_bytes() != before  # the new diagram was fully written beside the old one
        raise OSError("disk pulled out")

    monkeypatch.setattr(os, "replace", crash_during_rename)
    with pytest.raises(OSError, match="disk pulled out"):
        save_diagram(full_diagram(), path)
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.statediagram.json"]


def test_a_crash_before_the_first_save_leaves_no_file_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        save_diagram(full_diagram(), tmp_path / "new.statediagram.json")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_saving_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "shared.statediagram.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o664)
    save_diagram(full_diagram(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_new_file_gets_the_permissions_the_umask_allows_not_private_ones(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        save_diagram(full_diagram(), tmp_path / "new.statediagram.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.statediagram.json").stat().st_mode) == 0o644


def test_utf8_labels_survive_saving(tmp_path: Path) -> None:
    diagram = parse_diagram(SPEC_EXAMPLE).diagram
    diagram.title = "Rendre sans état — 無状態"
    diagram.node("a").label = "Serveur Ä 東京"
    diagram.node("b").label = "Сервер 🚀"
    path = tmp_path / "utf8.statediagram.json"
    save_diagram(diagram, path)
    raw = path.read_bytes()
    assert "Serveur Ä 東京".encode() in raw  # written as UTF-8 text, not \\u escapes
    reloaded = load_diagram(path).diagram
    assert reloaded.node("a").label == "Serveur Ä 東京"
    assert reloaded.node("b").label == "Сервер 🚀"
    assert reloaded.title == "Rendre sans état — 無状態"


def test_default_labels_and_props_are_written_out(tmp_path: Path) -> None:
    loaded = parse_diagram('{"format": "statediagram", "version": 1, "nodes": [{"id": "r", "kind": "redis"}]}')
    record = json.loads(diagram_to_json(loaded.diagram))
    assert record["nodes"] == [
        {"id": "r", "kind": "redis", "label": "Redis", "x": 0, "y": 0, "props": {"persistent": False, "replicas": 0}}
    ]
    assert "title" not in record and "scenario" not in record
