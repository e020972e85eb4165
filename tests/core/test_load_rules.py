"""Every "unreadable file" rule of the contract, one by one, and what a readable file may leave out.

Each unreadable file must raise DiagramError whose message names the node or edge, states the rule, and
tells the learner how to fix it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from core_samples import SPEC_EXAMPLE

from statediagram.core.catalog import KINDS, link_allowed
from statediagram.core.fileio import DiagramError, parse_diagram


def spec_record() -> dict[str, Any]:
    return json.loads(SPEC_EXAMPLE)


def error_of(record_or_text: Any) -> DiagramError:
    """The DiagramError that loading raises; fails the test when the file loads."""
    text = record_or_text if isinstance(record_or_text, str) else json.dumps(record_or_text)
    with pytest.raises(DiagramError) as caught:
        parse_diagram(text)
    return caught.value


def assert_message(error: DiagramError, *parts: str) -> None:
    """The message holds every part (where, rule) and ends with a hint that tells how to fix it."""
    message = str(error)
    for part in parts:
        assert part.lower() in message.lower(), f"{part!r} missing from: {message}"
    assert error.where and error.where in message
    assert len(error.fix) > 5, f"no fix hint in: {message}"
    assert message.endswith(error.fix), message


def with_node(record: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    record = copy.deepcopy(record)
    record["nodes"].append(node)
    return record


def with_edge(record: dict[str, Any], source: str, target: str) -> dict[str, Any]:
    record = copy.deepcopy(record)
    record["edges"].append({"source": source, "target": target})
    return record


# --- the file as a whole ----------------------------------------------------------------------------


def test_text_that_is_not_json_is_unreadable() -> None:
    error = error_of('{"format": "statediagram", "version": 1,')
    assert_message(error, "not valid JSON", "line 1")


def test_json_that_is_not_an_object_is_unreadable() -> None:
    assert_message(error_of("[1, 2, 3]"), "not a diagram", "object")


def test_missing_format_is_unreadable() -> None:
    record = spec_record()
    del record["format"]
    assert_message(error_of(record), '"format"', "statediagram")


def test_other_format_is_unreadable() -> None:
    record = spec_record()
    record["format"] = "drawio"
    assert_message(error_of(record), "format", "drawio", "not a statediagram file")


def test_missing_version_is_unreadable() -> None:
    record = spec_record()
    del record["version"]
    assert_message(error_of(record), '"version"', '"version": 1')


def test_version_newer_than_this_program_is_unreadable() -> None:
    record = spec_record()
    record["version"] = 2
    assert_message(error_of(record), "version", "2 is newer", "update statediagram")


@pytest.mark.parametrize("version", ["1", 1.5, True, 0, None])
def test_version_that_is_not_a_whole_number_from_1_is_unreadable(version: Any) -> None:
    record = spec_record()
    record["version"] = version
    assert_message(error_of(record), "version", "whole number")


# --- nodes --------------------------------------------------------------------------------------------


def test_node_without_id_is_unreadable_and_named_by_position() -> None:
    record = spec_record()
    del record["nodes"][2]["id"]
    assert_message(error_of(record), "node #3", "has no id")


def test_node_with_empty_id_is_unreadable() -> None:
    record = spec_record()
    record["nodes"][0]["id"] = ""
    assert_message(error_of(record), "node #1", "has no id")


def test_two_nodes_with_one_id_are_unreadable() -> None:
    record = with_node(spec_record(), {"id": "a", "kind": "server"})
    assert_message(error_of(record), 'node "a"', "used by two nodes", "its own id")


def test_unknown_kind_is_unreadable_and_lists_the_kinds() -> None:
    record = with_node(spec_record(), {"id": "db", "kind": "mysql"})
    assert_message(error_of(record), 'node "db"', "unknown kind", "mysql", "postgres", "redis")


def test_node_without_kind_is_unreadable() -> None:
    record = with_node(spec_record(), {"id": "db"})
    assert_message(error_of(record), 'node "db"', "unknown kind")


@pytest.mark.parametrize(
    ("kind", "prop", "value", "rule"),
    [
        ("client", "users", 0, "from 1 to 10000"),
        ("client", "users", 10001, "from 1 to 10000"),
        ("client", "users", True, "whole number"),
        ("client", "users", "3", "whole number"),
        ("client", "users", 2.5, "whole number"),
        ("redis", "replicas", 6, "from 0 to 5"),
        ("redis", "replicas", -1, "from 0 to 5"),
        ("postgres", "replicas", 6, "from 0 to 5"),
        ("redis", "persistent", "yes", "true or false"),
        ("redis", "persistent", 1, "true or false"),
        ("load_balancer", "policy", "random", "must be one of"),
        ("load_balancer", "policy", None, "must be one of"),
        ("server", "auth", "oauth", "must be one of"),
    ],
)
def test_prop_of_wrong_type_or_out_of_range_is_unreadable(kind: str, prop: str, value: Any, rule: str) -> None:
    record = with_node(spec_record(), {"id": "odd", "kind": kind, "props": {prop: value}})
    assert_message(error_of(record), 'node "odd"', f'prop "{prop}"', rule)


def test_wrong_policy_message_lists_the_policies() -> None:
    record = with_node(spec_record(), {"id": "lb2", "kind": "load_balancer", "props": {"policy": "random"}})
    assert_message(error_of(record), "round_robin", "least_connections", "sticky", "'random'")


@pytest.mark.parametrize("axis", ["x", "y"])
@pytest.mark.parametrize("value", ["120", True, None, [1]])
def test_position_that_is_not_a_number_is_unreadable(axis: str, value: Any) -> None:
    record = with_node(spec_record(), {"id": "c", "kind": "server", axis: value})
    assert_message(error_of(record), 'node "c"', f"{axis} must be a number")


def test_position_too_large_for_a_float_is_unreadable() -> None:
    text = SPEC_EXAMPLE.replace('"x": 0, "y": 120', '"x": 1e999, "y": 1' + "0" * 400)
    assert_message(error_of(text), 'node "users"', "x must be a number")


def test_nan_is_not_a_number_a_diagram_may_hold() -> None:
    text = SPEC_EXAMPLE.replace('"x": 0,', '"x": NaN,')
    assert_message(error_of(text), "NaN", "plain numbers")


# --- edges ------------------------------------------------------------------------------------------


def test_edge_naming_an_unknown_node_is_unreadable() -> None:
    record = with_edge(spec_record(), "lb", "ghost")
    assert_message(error_of(record), "edge #6", "lb – ghost", 'unknown node "ghost"')


def test_edge_without_target_is_unreadable() -> None:
    record = spec_record()
    record["edges"].append({"source": "lb"})
    assert_message(error_of(record), "edge #6", '"target"')


def test_self_link_is_unreadable() -> None:
    record = with_edge(spec_record(), "a", "a")
    assert_message(error_of(record), "edge #6", "a – a", "itself")


def test_duplicate_link_is_unreadable() -> None:
    record = with_edge(spec_record(), "lb", "a")
    assert_message(error_of(record), "edge #6", "lb – a", "same two nodes again", "remove")


def test_duplicate_link_in_reversed_order_is_unreadable_because_links_are_undirected() -> None:
    record = with_edge(spec_record(), "a", "lb")
    assert_message(error_of(record), "edge #6", "a – lb", "same two nodes again")


def test_edge_with_an_id_is_named_by_that_id() -> None:
    record = spec_record()
    record["edges"].append({"id": "wire-7", "source": "a", "target": "a"})
    assert_message(error_of(record), 'edge "wire-7"', "itself")


FORBIDDEN_PAIRS = [
    (a, b) for i, a in enumerate(KINDS) for b in list(KINDS)[i:] if not link_allowed(a, b)
]


def test_the_table_forbids_every_pair_but_the_ten_allowed_links() -> None:
    # 7 kinds give 28 unordered pairs (same-kind pairs included); ten are allowed: client-load balancer and the
    # server's five, and the websocket server's four (like a server's, without object storage).
    assert len(FORBIDDEN_PAIRS) == 28 - 10


@pytest.mark.parametrize(("kind_a", "kind_b"), FORBIDDEN_PAIRS, ids=[f"{a}-{b}" for a, b in FORBIDDEN_PAIRS])
def test_each_link_the_table_forbids_is_unreadable(kind_a: str, kind_b: str) -> None:
    record = {
        "format": "statediagram",
        "version": 1,
        "nodes": [{"id": "p", "kind": kind_a}, {"id": "q", "kind": kind_b}],
        "edges": [{"source": "p", "target": "q"}],
    }
    assert_message(error_of(record), "edge #1", "p – q", "not allowed", "remove this edge")


def test_server_to_server_link_teaches_the_shared_store() -> None:
    record = with_edge(spec_record(), "a", "b")
    assert_message(error_of(record), "a – b", "shared store")


@pytest.mark.parametrize("store_kind", ["redis", "postgres", "object_storage"])
def test_server_linked_to_two_stores_of_one_kind_is_unreadable(store_kind: str) -> None:
    record = {
        "format": "statediagram",
        "version": 1,
        "nodes": [
            {"id": "a", "kind": "server"},
            {"id": "s1", "kind": store_kind},
            {"id": "s2", "kind": store_kind},
        ],
        "edges": [{"source": "a", "target": "s1"}, {"source": "s2", "target": "a"}],
    }
    assert_message(error_of(record), "edge #2", "s2 – a", 'server "a"', '"s1"', "at most one", "remove one")


def test_two_servers_may_share_one_store_and_one_server_may_use_one_store_of_each_kind() -> None:
    record = spec_record()
    record["nodes"] += [{"id": "pg", "kind": "postgres"}, {"id": "s3", "kind": "object_storage"}]
    record["edges"] += [{"source": "a", "target": "pg"}, {"source": "a", "target": "s3"}]
    diagram = parse_diagram(json.dumps(record)).diagram
    assert len(diagram.links) == 7


# --- scenario -----------------------------------------------------------------------------------------


def test_unknown_scenario_name_is_unreadable() -> None:
    record = spec_record()
    record["scenario"]["name"] = "earthquake"
    assert_message(error_of(record), "scenario", "unknown name", "earthquake", "calm", "standard", "chaos")


def test_unknown_journey_is_unreadable() -> None:
    record = spec_record()
    record["scenario"]["journey"] = "checkout"
    assert_message(error_of(record), "scenario", "unknown journey", "checkout", "sessions", "full")


@pytest.mark.parametrize("seed", [1.5, 2.0, "7", True, None, [1]])
def test_seed_that_is_not_an_integer_is_unreadable(seed: Any) -> None:
    record = spec_record()
    record["scenario"]["seed"] = seed
    assert_message(error_of(record), "scenario", "seed must be a whole number")


def test_fault_naming_an_unknown_node_is_unreadable() -> None:
    record = spec_record()
    record["scenario"]["faults"] = [
        {"at": 12, "node": "a", "action": "crash"},
        {"at": 17, "node": "server-z", "action": "restart"},
    ]
    assert_message(error_of(record), "scenario fault #2", "unknown node", "server-z")


def test_fault_with_an_unknown_action_is_unreadable() -> None:
    record = spec_record()
    record["scenario"]["faults"] = [{"at": 12, "node": "a", "action": "explode"}]
    assert_message(error_of(record), "scenario fault #1", "unknown action", "explode", "crash", "restart")


@pytest.mark.parametrize("at", [-1, "12", None, True])
def test_fault_time_that_is_not_seconds_from_zero_is_unreadable(at: Any) -> None:
    record = spec_record()
    record["scenario"]["faults"] = [{"at": at, "node": "a", "action": "crash"}]
    assert_message(error_of(record), "scenario fault #1", '"at"')


def test_faults_that_are_not_a_list_are_unreadable() -> None:
    record = spec_record()
    record["scenario"]["faults"] = {"at": 12, "node": "a", "action": "crash"}
    assert_message(error_of(record), "scenario", "faults must be a list")


def test_scenario_that_is_not_an_object_is_unreadable() -> None:
    record = spec_record()
    record["scenario"] = "standard"
    assert_message(error_of(record), "scenario", "must be an object")


# --- what a readable file may leave out or add ------------------------------------------------------


def test_the_contracts_example_loads() -> None:
    loaded = parse_diagram(SPEC_EXAMPLE)
    diagram = loaded.diagram
    assert loaded.warnings == []
    assert diagram.title == "Make it stateless"
    assert [n.id for n in diagram.nodes] == ["users", "lb", "a", "b", "redis"]
    assert diagram.node("users").props == {"users": 3}
    assert diagram.node("a").label == "Server A"
    assert (diagram.node("a").x, diagram.node("a").y) == (400.0, 40.0)
    assert [(lk.source, lk.target) for lk in diagram.links] == [
        ("users", "lb"), ("lb", "a"), ("lb", "b"), ("a", "redis"), ("b", "redis")
    ]
    assert diagram.scenario is not None
    assert (diagram.scenario.name, diagram.scenario.seed) == ("standard", 1)
    assert diagram.scenario.journey is None and diagram.scenario.faults is None


def test_unknown_extra_keys_are_ignored_so_a_newer_minor_writer_does_not_break_us() -> None:
    record = spec_record()
    record["theme"] = "dark"
    record["nodes"][0]["colour"] = "#ff0000"
    record["edges"][0]["style"] = {"dashed": True}
    record["scenario"]["weather"] = "rain"
    loaded = parse_diagram(json.dumps(record))
    assert loaded.warnings == []
    assert loaded.diagram == parse_diagram(SPEC_EXAMPLE).diagram


def test_unknown_prop_is_ignored_with_a_warning_naming_the_node_and_the_prop() -> None:
    record = spec_record()
    record["nodes"][2]["props"]["cpu_cores"] = 8
    loaded = parse_diagram(json.dumps(record))
    assert "cpu_cores" not in loaded.diagram.node("a").props
    assert len(loaded.warnings) == 1
    assert 'node "a"' in loaded.warnings[0]
    assert '"cpu_cores"' in loaded.warnings[0]
    assert "ignored" in loaded.warnings[0]


def test_label_defaults_to_a_readable_name_from_the_kind() -> None:
    record = {
        "format": "statediagram",
        "version": 1,
        "nodes": [{"id": kind + "-1", "kind": kind} for kind in KINDS],
    }
    diagram = parse_diagram(json.dumps(record)).diagram
    labels = {n.kind: n.label for n in diagram.nodes}
    assert labels == {
        "client": "Users",
        "load_balancer": "Load balancer",
        "server": "Server",
        "redis": "Redis",
        "postgres": "PostgreSQL",
        "object_storage": "Object storage",
        "websocket_server": "WebSocket server",
    }


def test_position_defaults_to_zero() -> None:
    record = {"format": "statediagram", "version": 1, "nodes": [{"id": "a", "kind": "server"}]}
    node = parse_diagram(json.dumps(record)).diagram.node("a")
    assert (node.x, node.y) == (0.0, 0.0)


def test_omitted_props_take_their_defaults() -> None:
    record = {
        "format": "statediagram",
        "version": 1,
        "nodes": [
            {"id": "users", "kind": "client"},
            {"id": "lb", "kind": "load_balancer"},
            {"id": "a", "kind": "server"},
            {"id": "r", "kind": "redis", "props": {"replicas": 2}},
            {"id": "pg", "kind": "postgres"},
            {"id": "s3", "kind": "object_storage"},
        ],
    }
    diagram = parse_diagram(json.dumps(record)).diagram
    assert diagram.node("users").props == {"users": 1}
    assert diagram.node("lb").props == {"policy": "round_robin"}
    assert diagram.node("a").props == {"auth": "session"}
    assert diagram.node("r").props == {"persistent": False, "replicas": 2}
    assert diagram.node("pg").props == {"replicas": 0}
    assert diagram.node("s3").props == {}


def test_title_scenario_and_edges_are_optional() -> None:
    loaded = parse_diagram('{"format": "statediagram", "version": 1, "nodes": []}')
    assert loaded.diagram.title == ""
    assert loaded.diagram.scenario is None
    assert loaded.diagram.links == []


def test_a_byte_order_mark_does_not_make_a_file_unreadable(tmp_path) -> None:
    from statediagram.core.fileio import load_diagram

    path = tmp_path / "bom.statediagram.json"
    path.write_bytes(b"\xef\xbb\xbf" + SPEC_EXAMPLE.encode("utf-8"))
    assert load_diagram(path).diagram == parse_diagram(SPEC_EXAMPLE).diagram


def test_a_file_that_is_not_utf8_is_unreadable(tmp_path) -> None:
    from statediagram.core.fileio import load_diagram

    path = tmp_path / "latin1.statediagram.json"
    path.write_bytes(SPEC_EXAMPLE.replace("Server A", "Serveur \u00e9").encode("latin-1"))
    with pytest.raises(DiagramError) as caught:
        load_diagram(path)
    assert_message(caught.value, str(path), "not UTF-8", "save it as UTF-8")


def test_a_missing_file_is_unreadable_with_its_name(tmp_path) -> None:
    from statediagram.core.fileio import load_diagram

    path = tmp_path / "nowhere.statediagram.json"
    with pytest.raises(DiagramError) as caught:
        load_diagram(path)
    assert_message(caught.value, "nowhere.statediagram.json", "cannot be read")


def test_label_that_cannot_be_saved_as_utf8_is_unreadable() -> None:
    # "\ud800" is a lone surrogate: valid JSON escape, but no UTF-8 file can hold it, so saving would crash.
    text = SPEC_EXAMPLE.replace('"label": "Server A"', '"label": "Server \\ud800"')
    assert_message(error_of(text), 'node "a"', "label must be text")


# --- values of the wrong shape where the loader expects a name -----------------------------------------
# Found by the fuzz tests: these used to crash the loader with TypeError or OverflowError.


@pytest.mark.parametrize("kind", [["server"], {"name": "server"}, 3, None])
def test_kind_that_is_not_text_is_an_unknown_kind(kind: Any) -> None:
    record = with_node(spec_record(), {"id": "odd", "kind": kind})
    assert_message(error_of(record), 'node "odd"', "unknown kind")


def test_fault_naming_a_node_with_a_list_is_an_unknown_node() -> None:
    record = spec_record()
    record["scenario"]["faults"] = [{"at": 12, "node": ["a"], "action": "crash"}]
    assert_message(error_of(record), "scenario fault #1", "unknown node")


def test_fault_time_too_large_for_a_float_is_unreadable() -> None:
    huge = "1" + "0" * 400
    text = SPEC_EXAMPLE.replace('"seed": 1', f'"seed": 1, "faults": [{{"at": {huge}, "node": "a", "action": "crash"}}]')
    error = error_of(text)
    assert_message(error, "scenario fault #1", '"at" must be a time', "too many digits")
    assert len(str(error)) < 200  # the number itself is not pasted into the message


def test_a_number_too_long_for_python_to_read_is_explained_in_plain_words() -> None:
    text = SPEC_EXAMPLE.replace('"seed": 1', '"seed": 1' + "0" * 5000)
    assert_message(error_of(text), "too many digits", "plain numbers")
    assert "set_int_max_str_digits" not in str(error_of(text))


def test_client_to_client_link_is_called_a_client_link_not_a_users_link() -> None:
    record = with_node(spec_record(), {"id": "more", "kind": "client"})
    record["edges"].append({"source": "users", "target": "more"})
    assert_message(error_of(record), "client–client links are not allowed", "Two client nodes")
