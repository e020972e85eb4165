"""Reading and writing diagram files (format version 1).

Loading is staged: parse the text to plain records, migrate older versions, validate every rule, then
build the model. Every problem raises :class:`DiagramError`, whose message says where, what rule, and how
to fix it. Saving writes keys in a stable order, atomically.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .breathing import breathe
from .catalog import KINDS, Role, kind_noun, link_allowed, link_problem, readable_kind
from .files import DiagramError, atomic_write, file_where, read_file_bytes
from .limits import MAX_COORDINATE, MAX_SCENARIO_S
from .model import FAULT_ACTIONS, JOURNEYS, SCENARIO_NAMES, Diagram, Fault, Link, LinkKey, Node, ScenarioSpec, link_key
from .text import brief, quoted, show_value

FORMAT = "statediagram"
VERSION = 1
FILE_SUFFIX = ".statediagram.json"

# Each entry turns a version-N record into version N+1. Version 1 is the first: nothing to migrate yet.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass
class Loaded:
    diagram: Diagram
    warnings: list[str] = field(default_factory=list)


def load_diagram(path: str | os.PathLike[str]) -> Loaded:
    """Read a diagram file (JSON, or a PNG exported by statediagram)."""
    p = Path(path)
    data = read_file_bytes(p)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        from .pngchunk import PngError, read_text_chunk

        try:
            text = read_text_chunk(data, FORMAT)
        except PngError as exc:
            raise DiagramError(file_where(p), str(exc), "Export the PNG from statediagram.") from None
        if text is None:
            raise DiagramError(
                file_where(p),
                f"this PNG carries no diagram (no '{FORMAT}' text chunk)",
                "Export the PNG from statediagram, or hand in the .statediagram.json file",
            )
        return parse_diagram(text)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiagramError(file_where(p), f"is not UTF-8 text (byte {exc.start})", "Save it as UTF-8 JSON.") from None
    return parse_diagram(text)


def parse_diagram(text: str) -> Loaded:
    """Parse diagram JSON text into a model, or raise :class:`DiagramError`."""
    try:
        record = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DiagramError(
            f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})", "Fix the JSON syntax."
        ) from None
    except _ConstantError as exc:
        raise DiagramError("file", str(exc), "Use plain numbers.") from None
    except ValueError:
        # Python refuses integers of more than 4300 digits; its own message names an internal setting.
        raise DiagramError("file", "holds a number with too many digits", "Use plain numbers.") from None
    except RecursionError:
        raise DiagramError(
            "file", "is nested too deeply to be a diagram", "Open a file saved by statediagram"
        ) from None
    return build_diagram(record)


def build_diagram(record: Any) -> Loaded:
    """Validate a parsed JSON value and build the model."""
    record = _migrate(_check_header(record))
    warnings: list[str] = []
    nodes = _read_nodes(record, warnings)
    links = _read_links(record, {n.id: n for n in nodes})
    scenario = _read_scenario(record.get("scenario"), {n.id: n for n in nodes})
    title = record.get("title", "")
    if not _is_text(title):
        raise DiagramError("title", "must be text", 'Write it in quotes, e.g. "title": "My design"')
    return Loaded(Diagram(title=title, nodes=nodes, links=links, scenario=scenario), warnings)


class _ConstantError(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _ConstantError(f"{name} is not a number a diagram may hold")


def _is_text(value: Any) -> bool:
    """A str that can be written back as UTF-8 (JSON escapes can smuggle in lone surrogates)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _finite_number(value: Any) -> float | None:
    """The value as a finite float, or None when it is not a plain number (bools, text, huge or infinite)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _check_header(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise DiagramError(
            "file",
            "is JSON but not a diagram (expected an object {...} at the top)",
            f'A diagram file looks like {{"format": "{FORMAT}", "version": {VERSION}, "nodes": [...], "edges": [...]}}',
        )
    fmt = record.get("format")
    if fmt != FORMAT:
        if fmt is None:
            raise DiagramError("file", 'has no "format" key', f'Add "format": "{FORMAT}" at the top')
        raise DiagramError(
            "format",
            f"is {show_value(fmt)}, not {FORMAT!r}: this is not a statediagram file",
            f'Open a file saved by statediagram, or set "format": "{FORMAT}"',
        )
    version = record.get("version")
    if "version" not in record:
        raise DiagramError("file", 'has no "version" key', f'Add "version": {VERSION}')
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DiagramError(
            "version", f"must be a whole number from 1, not {show_value(version)}", f'Use "version": {VERSION}'
        )
    if version > VERSION:
        raise DiagramError(
            "version",
            f"{version} is newer than this program knows (it reads up to {VERSION})",
            "Update statediagram to open this file",
        )
    return record


def _migrate(record: dict[str, Any]) -> dict[str, Any]:
    version = record["version"]
    while version < VERSION:
        record = MIGRATIONS[version](record)
        version += 1
        record["version"] = version
    return record


def _list(record: dict[str, Any], key: str) -> list[Any]:
    value = record.get(key, [])
    if not isinstance(value, list):
        raise DiagramError(key, "must be a list [...]", f'Write "{key}": [ ... ]')
    return value


def _read_nodes(record: dict[str, Any], warnings: list[str]) -> list[Node]:
    nodes: list[Node] = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(record, "nodes")):
        breathe()
        where = f"node #{i + 1}"
        if not isinstance(raw, dict):
            raise DiagramError(where, "must be an object {...}", 'Write it like {"id": "a", "kind": "server"}')
        node_id = raw.get("id")
        if not _is_text(node_id) or not node_id:
            raise DiagramError(where, "has no id (a non-empty text)", 'Give it one, e.g. "id": "server-a"')
        where = f"node {quoted(node_id)}"
        if node_id in seen:
            raise DiagramError(where, "this id is used by two nodes", "Give each node its own id")
        seen.add(node_id)
        kind_name = raw.get("kind")
        if not isinstance(kind_name, str) or kind_name not in KINDS:
            raise DiagramError(
                where,
                f"unknown kind {show_value(kind_name)}",
                f"Use one of: {', '.join(KINDS)}",
            )
        kind = KINDS[kind_name]
        label = raw.get("label", kind.label)
        if not _is_text(label):
            raise DiagramError(where, "label must be text", 'Write it in quotes, e.g. "label": "Server A"')
        xy = []
        for axis in ("x", "y"):
            v = raw.get(axis, 0)
            number = _finite_number(v)
            if number is None:
                raise DiagramError(where, f"{axis} must be a number, not {show_value(v)}", f'Write e.g. "{axis}": 120')
            if abs(number) > MAX_COORDINATE:
                raise DiagramError(
                    where,
                    f"{axis} is {show_value(v)}, beyond the canvas (from {-MAX_COORDINATE:,} to {MAX_COORDINATE:,})",
                    f'Move the node nearer the others, e.g. "{axis}": 120')
            xy.append(number)
        raw_props = raw.get("props", {})
        if raw_props is None:
            raw_props = {}
        if not isinstance(raw_props, dict):
            raise DiagramError(where, "props must be an object {...}", 'Write e.g. "props": {}')
        props = kind.defaults()
        for name, value in raw_props.items():
            spec = kind.prop(name)
            if spec is None:
                known = ", ".join(p.name for p in kind.props) or "none"
                warnings.append(f"{where}: unknown prop {quoted(name)} was ignored ({kind.name} props: {known})")
                continue
            problem = spec.problem(value)
            if problem:
                raise DiagramError(
                    where, f"prop {quoted(name)} {problem}",
                    f"Fix it or remove it (default: {json.dumps(spec.default)})",
                )
            props[name] = value
        nodes.append(Node(node_id, kind_name, label or kind.label, xy[0], xy[1], props))
    return nodes


def _read_links(record: dict[str, Any], nodes: dict[str, Node]) -> list[Link]:
    links: list[Link] = []
    # Keys of two strs, not frozensets: the cyclic collector stops tracking such a tuple, never a frozenset, and
    # 3,788 of them lived long enough to count toward a full collection while the 2,000-node file opened.
    seen: set[LinkKey] = set()
    stores_of: dict[tuple[str, str], str] = {}
    for i, raw in enumerate(_list(record, "edges")):
        breathe()
        where = f"edge #{i + 1}"
        if not isinstance(raw, dict):
            raise DiagramError(where, "must be an object {...}", 'Write it like {"source": "lb", "target": "a"}')
        link_id = raw.get("id")
        if link_id is not None and not _is_text(link_id):
            raise DiagramError(where, "id must be text", "Write it in quotes or leave it out")
        ends = []
        for key in ("source", "target"):
            end = raw.get(key)
            if not isinstance(end, str):
                raise DiagramError(where, f'has no "{key}" node id', f'Add "{key}": "<node id>"')
            ends.append(end)
        a, b = ends
        ends_text = f"({brief(a)} – {brief(b)})"
        where = f"edge #{i + 1} {ends_text}" if link_id is None else f"edge {quoted(link_id)} {ends_text}"
        for end in (a, b):
            if end not in nodes:
                raise DiagramError(where, f"names an unknown node {quoted(end)}", "Use the id of a node in this file")
        if a == b:
            raise DiagramError(where, "links a node to itself", "Remove this edge")
        key = link_key(a, b)
        if key in seen:
            raise DiagramError(where, "links the same two nodes again", "Remove the duplicate edge")
        seen.add(key)
        ka, kb = nodes[a].kind, nodes[b].kind
        if not link_allowed(ka, kb):
            raise DiagramError(
                where, f"{kind_noun(ka).lower()}–{kind_noun(kb).lower()} links are not allowed",
                f"{link_problem(ka, kb)} Remove this edge",
            )
        ra, rb = KINDS[ka].role, KINDS[kb].role
        if {ra, rb} == {Role.SERVER, Role.STORE}:
            server, store = (a, b) if ra == Role.SERVER else (b, a)
            store_kind = nodes[store].kind
            earlier = stores_of.get((server, store_kind))
            if earlier is not None:
                raise DiagramError(
                    where,
                    f"server {quoted(server)} is already linked to {readable_kind(store_kind)} {quoted(earlier)}; "
                    f"a server links to at most one {readable_kind(store_kind)}",
                    "Remove one of the two links",
                )
            stores_of[(server, store_kind)] = store
        links.append(Link(a, b, link_id))
    return links


def _read_scenario(raw: Any, nodes: dict[str, Node]) -> ScenarioSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise DiagramError("scenario", "must be an object {...}", 'Write e.g. "scenario": {"name": "standard"}')
    spec = ScenarioSpec()
    if "name" in raw:
        if raw["name"] not in SCENARIO_NAMES:
            raise DiagramError(
                "scenario", f"unknown name {show_value(raw['name'])}", f"Use one of: {', '.join(SCENARIO_NAMES)}"
            )
        spec.name = raw["name"]
    if "journey" in raw:
        if raw["journey"] not in JOURNEYS:
            raise DiagramError(
                "scenario", f"unknown journey {show_value(raw['journey'])}", f"Use one of: {', '.join(JOURNEYS)}"
            )
        spec.journey = raw["journey"]
    if "seed" in raw:
        seed = raw["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise DiagramError(
                "scenario", f"seed must be a whole number, not {show_value(seed)}", 'Write e.g. "seed": 1'
            )
        spec.seed = seed
    if "duration_s" in raw:
        d = raw["duration_s"]
        seconds = _finite_number(d)
        if seconds is None or not 0 < seconds <= MAX_SCENARIO_S:
            raise DiagramError(
                "scenario",
                f"duration_s must be a number of seconds above 0 and at most {MAX_SCENARIO_S}, not {show_value(d)}",
                'Write e.g. "duration_s": 40',
            )
        spec.duration_s = seconds
    if "faults" in raw:
        faults = raw["faults"]
        if not isinstance(faults, list):
            raise DiagramError("scenario", "faults must be a list [...]", 'Write "faults": [ ... ]')
        spec.faults = [_read_fault(i, f, nodes) for i, f in enumerate(faults)]
    return spec


def _read_fault(i: int, raw: Any, nodes: dict[str, Node]) -> Fault:
    where = f"scenario fault #{i + 1}"
    if not isinstance(raw, dict):
        raise DiagramError(where, "must be an object", 'Write it like {"at": 12, "node": "a", "action": "crash"}')
    at = _finite_number(raw.get("at"))
    if at is None or not 0 <= at <= MAX_SCENARIO_S:
        raise DiagramError(
            where, f'"at" must be a time in seconds from 0 to {MAX_SCENARIO_S}, not {show_value(raw.get("at"))}',
            'Write e.g. "at": 12',
        )
    node = raw.get("node")
    if not isinstance(node, str) or node not in nodes:
        raise DiagramError(where, f"names an unknown node {show_value(node)}", "Use the id of a node in this file")
    if not KINDS[nodes[node].kind].faultable:
        noun = kind_noun(nodes[node].kind)
        raise DiagramError(where, f"node {quoted(node)} is a {noun}; {noun}s do not crash", "Name a server or store")
    action = raw.get("action")
    if action not in FAULT_ACTIONS:
        raise DiagramError(where, f"unknown action {show_value(action)}", f"Use one of: {', '.join(FAULT_ACTIONS)}")
    return Fault(at, node, action)


# --- saving -------------------------------------------------------------------------------------


def diagram_to_record(diagram: Diagram) -> dict[str, Any]:
    """The diagram as a JSON-ready dict with keys in a stable order."""
    record: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if diagram.title:
        record["title"] = diagram.title
    record["nodes"] = [
        {
            "id": n.id,
            "kind": n.kind,
            "label": n.label,
            "x": _num(n.x),
            "y": _num(n.y),
            **({"props": {p.name: n.props[p.name] for p in KINDS[n.kind].props}} if KINDS[n.kind].props else {}),
        }
        for n in diagram.nodes
    ]
    record["edges"] = [
        {**({"id": lk.id} if lk.id is not None else {}), "source": lk.source, "target": lk.target}
        for lk in diagram.links
    ]
    if diagram.scenario is not None:
        s = diagram.scenario
        block: dict[str, Any] = {}
        if s.name is not None:
            block["name"] = s.name
        if s.journey is not None:
            block["journey"] = s.journey
        if s.seed is not None:
            block["seed"] = s.seed
        if s.duration_s is not None:
            block["duration_s"] = _num(s.duration_s)
        if s.faults is not None:
            block["faults"] = [{"at": _num(f.at), "node": f.node, "action": f.action} for f in s.faults]
        record["scenario"] = block
    return record


def diagram_to_json(diagram: Diagram) -> str:
    return json.dumps(diagram_to_record(diagram), indent=2, ensure_ascii=False) + "\n"


def save_diagram(diagram: Diagram, path: str | os.PathLike[str]) -> None:
    """Write the diagram atomically: a temporary file beside the target, then a rename."""
    atomic_write(Path(path), diagram_to_json(diagram).encode("utf-8"))


def _num(v: float) -> int | float:
    """Whole numbers are written without a decimal point, so files stay tidy and stable."""
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v
