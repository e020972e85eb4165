"""Property tests: no file, however broken, crashes the loader; every valid diagram survives a round trip.

A learner's file can hold anything. The loader may only ever answer with a diagram or a DiagramError that
tells the learner how to fix the file (the GUI shows it, the command line exits with status 2).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from core_samples import SPEC_EXAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statediagram.core.catalog import KINDS, Role, link_allowed
from statediagram.core.fileio import DiagramError, diagram_to_json, parse_diagram
from statediagram.core.limits import MAX_COORDINATE, MAX_SCENARIO_S
from statediagram.core.model import FAULT_ACTIONS, JOURNEYS, SCENARIO_NAMES, Diagram, Fault, Link, Node, ScenarioSpec

# Budgets keep the whole file near 10 s on a 2-core machine while still trying thousands of files.
FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_LARGE_VALUES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SPEC_RECORD: dict[str, Any] = json.loads(SPEC_EXAMPLE)
FULL_RECORD: dict[str, Any] = {
    "format": "statediagram",
    "version": 1,
    "title": "Everything",
    "nodes": [
        {"id": "users", "kind": "client", "props": {"users": 5}},
        {"id": "lb", "kind": "load_balancer", "props": {"policy": "sticky"}},
        {"id": "a", "kind": "server", "props": {"auth": "jwt"}},
        {"id": "r", "kind": "redis", "props": {"persistent": True, "replicas": 1}},
        {"id": "pg", "kind": "postgres", "props": {"replicas": 2}},
        {"id": "s3", "kind": "object_storage"},
    ],
    "edges": [
        {"id": "e1", "source": "users", "target": "lb"},
        {"source": "lb", "target": "a"},
        {"source": "a", "target": "r"},
        {"source": "pg", "target": "a"},
        {"source": "a", "target": "s3"},
    ],
    "scenario": {
        "name": "chaos",
        "journey": "full",
        "seed": 3,
        "duration_s": 40,
        "faults": [{"at": 12, "node": "a", "action": "crash"}, {"at": 17, "node": "a", "action": "restart"}],
    },
}

# Numbers a careless or hostile writer might put anywhere, including ones no float can hold.
odd_numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 1, 2**53 + 1, 10**308, -(10**309), 1e308, 5e-324, -0.0]),
)
json_leaves = st.one_of(st.none(), st.booleans(), odd_numbers, st.text(max_size=20))
json_values = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=10), children, max_size=5),
    ),
    max_leaves=25,
)
# Key names the loader looks at, so random objects often hit real code paths.
known_keys = st.sampled_from(
    ["format", "version", "title", "nodes", "edges", "scenario", "id", "kind", "label", "x", "y", "props",
     "source", "target", "users", "policy", "auth", "persistent", "replicas", "name", "seed", "journey",
     "faults", "duration_s", "at", "node", "action"]
)


def assert_loads_or_explains(text: str) -> None:
    """The loader gives a diagram, or a DiagramError with a where, a rule and a fix; nothing else."""
    try:
        loaded = parse_diagram(text)
    except DiagramError as error:
        assert error.rule
        assert error.fix, f"no fix hint: {error}"
        assert len(str(error)) < 600, f"message too long to read: {str(error)[:200]}..."
        return
    assert all(isinstance(w, str) for w in loaded.warnings)
    # Whatever loads must also save: a diagram the app opens but cannot write back would lose work.
    diagram_to_json(loaded.diagram).encode("utf-8")


@FUZZ_LARGE_VALUES
@given(json_values)
def test_any_json_value_loads_or_raises_diagram_error(value: Any) -> None:
    assert_loads_or_explains(json.dumps(value))


@FUZZ_LARGE_VALUES
@given(st.dictionaries(known_keys, json_values, max_size=8))
def test_any_object_with_diagram_keys_loads_or_raises_diagram_error(record: dict[str, Any]) -> None:
    record.setdefault("format", "statediagram")
    record.setdefault("version", 1)
    assert_loads_or_explains(json.dumps(record))


@FUZZ
@given(st.text(max_size=200))
def test_any_text_loads_or_raises_diagram_error(text: str) -> None:
    assert_loads_or_explains(text)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside a JSON value: keys of objects and indexes of lists."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _mutate(record: Any, data: st.DataObject) -> Any:
    paths = _paths(record)
    path = data.draw(st.sampled_from(paths), label="path")
    how = data.draw(
        st.sampled_from(["drop", "replace", "replace_with_known", "swap", "add_key", "duplicate", "wrap"]), label="how"
    )
    if not path:
        return data.draw(json_values) if how == "replace" else record
    parent, last = _get(record, path[:-1]), path[-1]
    if how == "drop":
        del parent[last]
    elif how == "replace":
        parent[last] = data.draw(json_values)
    elif how == "replace_with_known":
        # Values that are valid somewhere else in the file: right shape, wrong place.
        parent[last] = data.draw(
            st.sampled_from(["a", "lb", "users", "redis", "server", "crash", "sessions", "standard", True, 0, 5,
                             10000, 10001, 1.0, "", [], {}, None])
        )
    elif how == "swap":
        other = data.draw(st.sampled_from(paths), label="other")
        if other and not _overlaps(path, other):
            other_parent, other_last = _get(record, other[:-1]), other[-1]
            parent[last], other_parent[other_last] = other_parent[other_last], parent[last]
    elif how == "add_key" and isinstance(parent[last], dict):
        parent[last][data.draw(known_keys)] = data.draw(json_values)
    elif how == "duplicate" and isinstance(parent[last], list) and parent[last]:
        parent[last].append(copy.deepcopy(data.draw(st.sampled_from(parent[last]))))
    elif how == "wrap":
        parent[last] = data.draw(st.sampled_from([[parent[last]], {"value": parent[last]}]))
    return record


def _overlaps(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([SPEC_RECORD, FULL_RECORD]), st.integers(min_value=1, max_value=4), st.data())
def test_mutated_valid_files_load_or_raise_diagram_error(
    base: dict[str, Any], rounds: int, data: st.DataObject
) -> None:
    record: Any = copy.deepcopy(base)
    for _ in range(rounds):
        record = _mutate(record, data)
    assert_loads_or_explains(json.dumps(record))


@FUZZ
@given(
    st.sampled_from([json.dumps(SPEC_RECORD), json.dumps(FULL_RECORD)]),
    st.sampled_from(["NaN", "-Infinity", "Infinity", "1e999", "-1e999", "1" * 5000, "1" * 400, "1e-400",
                     '"\\ud800"', '"\\udfff x"', "[" * 3000 + "]" * 3000, '{"a":' * 3000 + "1" + "}" * 3000,
                     "[]", "{}", "null", '"\\u0000"']),
    st.data(),
)
def test_strange_json_text_in_any_value_position_loads_or_raises_diagram_error(
    text: str, strange: str, data: st.DataObject
) -> None:
    # Splice the strange token in where a value starts: after a colon, or at the start of a list item.
    starts = [i + 1 for i, ch in enumerate(text) if ch in ":[" or (ch == "," and text[i + 1 : i + 3] != ' "')]
    at = data.draw(st.sampled_from(starts))
    end = _value_end(text, at)
    assert_loads_or_explains(text[:at] + " " + strange + text[end:])


def _value_end(text: str, start: int) -> int:
    """Where the JSON value that begins at ``start`` ends (so it can be replaced whole)."""
    decoder = json.JSONDecoder()
    i = start
    while text[i] == " ":
        i += 1
    try:
        _, end = decoder.raw_decode(text, i)
    except json.JSONDecodeError:
        return start
    return end


@FUZZ
@given(st.sampled_from([json.dumps(SPEC_RECORD), json.dumps(FULL_RECORD)]), st.data())
def test_truncated_files_raise_diagram_error_naming_the_line(text: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    try:
        parse_diagram(text[:cut])
    except DiagramError as error:
        assert "line 1" in str(error) or error.where == "file"
    else:
        raise AssertionError("a cut-short file loaded")


def test_deeply_nested_json_raises_diagram_error() -> None:
    for depth in (1000, 100_000):
        for text in ("[" * depth + "]" * depth, '{"nodes":' * depth + "1" + "}" * depth):
            assert_loads_or_explains(text)
    assert_loads_or_explains(
        '{"format": "statediagram", "version": 1, "nodes": [' + '{"props":' * 50_000 + "1" + "}" * 50_000 + "]}"
    )


# --- valid diagrams round-trip -------------------------------------------------------------------------

ids = st.text(min_size=1, max_size=12)
coordinates = st.one_of(  # the canvas's bounds (core/limits.py), both ends included
    st.integers(min_value=-MAX_COORDINATE, max_value=MAX_COORDINATE),
    st.floats(min_value=-MAX_COORDINATE, max_value=MAX_COORDINATE, allow_nan=False),
)


def _props(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for spec in KINDS[kind].props:
        if spec.type == "int":
            fields[spec.name] = st.integers(min_value=spec.minimum, max_value=spec.maximum)
        elif spec.type == "bool":
            fields[spec.name] = st.booleans()
        else:
            fields[spec.name] = st.sampled_from(spec.choices)
    return st.fixed_dictionaries(fields)


@st.composite
def nodes(draw: st.DrawFn) -> list[Node]:
    node_ids = draw(st.lists(ids, unique=True, max_size=12))
    out = []
    for node_id in node_ids:
        kind = draw(st.sampled_from(list(KINDS)))
        out.append(Node(node_id, kind, draw(st.text(max_size=15)), draw(coordinates), draw(coordinates),
                        draw(_props(kind))))
    return out


@st.composite
def valid_diagrams(draw: st.DrawFn) -> Diagram:
    """A diagram the contract allows: allowed links only, no duplicates, one store of each kind per server."""
    drawn = draw(nodes())
    links: list[Link] = []
    allowed = [
        (i, j)
        for i in range(len(drawn))
        for j in range(i + 1, len(drawn))
        if link_allowed(drawn[i].kind, drawn[j].kind)
    ]
    if allowed:
        pairs = draw(st.lists(st.sampled_from(allowed), unique=True, max_size=20))
        store_of: set[tuple[str, str]] = set()
        for i, j in pairs:
            a, b = drawn[i], drawn[j]
            if draw(st.booleans()):
                a, b = b, a  # either order is allowed
            if {KINDS[a.kind].role, KINDS[b.kind].role} == {Role.SERVER, Role.STORE}:
                server, store = (a, b) if KINDS[a.kind].role == Role.SERVER else (b, a)
                if (server.id, store.kind) in store_of:
                    continue
                store_of.add((server.id, store.kind))
            links.append(Link(a.id, b.id, draw(st.one_of(st.none(), st.text(max_size=8)))))
    scenario = None
    if draw(st.booleans()):
        targets = [n for n in drawn if KINDS[n.kind].faultable]
        faults = None
        if targets and draw(st.booleans()):
            faults = draw(
                st.lists(
                    st.builds(
                        Fault,
                        st.one_of(st.integers(0, MAX_SCENARIO_S).map(float), st.floats(0, MAX_SCENARIO_S)),
                        st.sampled_from([n.id for n in targets]),
                        st.sampled_from(FAULT_ACTIONS),
                    ),
                    max_size=4,
                )
            )
        scenario = ScenarioSpec(
            name=draw(st.one_of(st.none(), st.sampled_from(SCENARIO_NAMES))),
            seed=draw(st.one_of(st.none(), st.integers())),
            journey=draw(st.one_of(st.none(), st.sampled_from(JOURNEYS))),
            faults=faults,
            duration_s=draw(
                st.one_of(st.none(), st.floats(min_value=0, max_value=MAX_SCENARIO_S, exclude_min=True))
            ),
        )
    return Diagram(title=draw(st.text(max_size=20)), nodes=drawn, links=links, scenario=scenario)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_diagrams())
def test_every_valid_diagram_round_trips_through_its_file(diagram: Diagram) -> None:
    text = diagram_to_json(diagram)
    loaded = parse_diagram(text)
    assert loaded.warnings == []
    assert loaded.diagram == diagram
    assert diagram_to_json(loaded.diagram) == text  # saving is a fixed point: no drift from save to save
