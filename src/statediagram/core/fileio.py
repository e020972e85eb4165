"""Reading and writing diagram files (format version 1).

Loading is staged: parse the text to plain records, migrate older versions, validate every rule, then
build the model. Every problem raises :class:`DiagramError`, whose message says where, what rule, and how
to fix it. Saving writes keys in a stable order, atomically.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import KINDS, SERVER, STORE_KINDS, link_allowed, link_problem, readable_kind
from .model import FAULT_ACTIONS, JOURNEYS, SCENARIO_NAMES, Diagram, Fault, Link, Node, ScenarioSpec

FORMAT = "statediagram"
VERSION = 1
FILE_SUFFIX = ".statediagram.json"

# Each entry turns a version-N record into version N+1. Version 1 is the first: nothing to migrate yet.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class DiagramError(ValueError):
    """A diagram file that cannot be read. The message names where, the rule, and the fix."""

    def __init__(self, where: str, rule: str, fix: str = "") -> None:
        self.where = where
        self.rule = rule
        self.fix = fix
        text = f"{where}: {rule}" if where else rule
        if fix:
            text += f". {fix}"
        super().__init__(text)


@dataclass
class Loaded:
    diagram: Diagram
    warnings: list[str] = field(default_factory=list)


def load_diagram(path: str | os.PathLike[str]) -> Loaded:
    """Read a diagram file (JSON, or a PNG exported by statediagram)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DiagramError(str(p), f"cannot be read ({exc.strerror or exc})", "Check the file name.") from None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        from .pngchunk import PngError, read_text_chunk

        try:
            text = read_text_chunk(data, FORMAT)
        except PngError as exc:
            raise DiagramError(str(p), str(exc), "Export the PNG from statediagram.") from None
        if text is None:
            raise DiagramError(
                str(p),
                f"this PNG carries no diagram (no '{FORMAT}' text chunk)",
                "Export the PNG from statediagram, or hand in the .statediagram.json file",
            )
        return parse_diagram(text)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiagramError(str(p), f"is not UTF-8 text (byte {exc.start})", "Save it as UTF-8 JSON.") from None
    return parse_diagram(text)


def parse_diagram(text: str) -> Loaded:
    """Parse diagram JSON text into a model, or raise :class:`DiagramError`."""
    try:
        record = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DiagramError(
            f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})", "Fix the JSON syntax."
        ) from None
    except ValueError as exc:
        raise DiagramError("file", str(exc), "Use plain numbers.") from None
    except RecursionError:
        raise DiagramError("file", "nested too deeply to be a diagram", "") from None
    return build_diagram(record)


def build_diagram(record: Any) -> Loaded:
    """Validate a parsed JSON value and build the model."""
    record = _migrate(_check_header(record))
    warnings: list[str] = []
    nodes = _read_nodes(record, warnings)
    links = _read_links(record, {n.id: n for n in nodes})
    scenario = _read_scenario(record.get("scenario"), {n.id: n for n in nodes})
    title = record.get("title", "")
    if not isinstance(title, str):
        raise DiagramError("title", "must be text", 'Write it in quotes, e.g. "title": "My design"')
    return Loaded(Diagram(title=title, nodes=nodes, links=links, scenario=scenario), warnings)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a diagram may hold")


def _check_header(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise DiagramError("file", "is JSON but not a diagram (expected an object {...} at the top)", "")
    fmt = record.get("format")
    if fmt != FORMAT:
        if fmt is None:
            raise DiagramError("file", 'has no "format" key', f'Add "format": "{FORMAT}" at the top')
        raise DiagramError("format", f"is {fmt!r}, not {FORMAT!r}", "This is not a statediagram file")
    version = record.get("version")
    if "version" not in record:
        raise DiagramError("file", 'has no "version" key', f'Add "version": {VERSION}')
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DiagramError("version", f"must be a whole number from 1, not {version!r}", f'Use "version": {VERSION}')
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
        where = f"node #{i + 1}"
        if not isinstance(raw, dict):
            raise DiagramError(where, "must be an object {...}", 'Write it like {"id": "a", "kind": "server"}')
        node_id = raw.get("id")
        if not isinstance(node_id, str) or not node_id:
            raise DiagramError(where, "has no id (a non-empty text)", 'Give it one, e.g. "id": "server-a"')
        where = f'node "{node_id}"'
        if node_id in seen:
            raise DiagramError(where, "this id is used by two nodes", "Give each node its own id")
        seen.add(node_id)
        kind_name = raw.get("kind")
        if kind_name not in KINDS:
            raise DiagramError(
                where,
                f"unknown kind {kind_name!r}",
                f"Use one of: {', '.join(KINDS)}",
            )
        kind = KINDS[kind_name]
        label = raw.get("label", kind.label)
        if not isinstance(label, str):
            raise DiagramError(where, "label must be text", 'Write it in quotes, e.g. "label": "Server A"')
        xy = []
        for axis in ("x", "y"):
            v = raw.get(axis, 0)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise DiagramError(where, f"{axis} must be a number, not {v!r}", f'Write e.g. "{axis}": 120')
            xy.append(float(v))
        raw_props = raw.get("props", {})
        if raw_props is None:
            raw_props = {}
        if not isinstance(raw_props, dict):
            raise DiagramError(where, "props must be an object {...}", 'Write e.g. "props": {}')
        props = kind.defaults()
        for name, value in raw_props.items():
            spec = kind.prop(name)
            if spec is None:
                warnings.append(f'{where}: unknown prop "{name}" for a {kind.label.lower()} was ignored')
                continue
            problem = spec.problem(value)
            if problem:
                raise DiagramError(
                    where, f'prop "{name}" {problem}', f"Fix it or remove it (default: {json.dumps(spec.default)})"
                )
            props[name] = value
        nodes.append(Node(node_id, kind_name, label or kind.label, xy[0], xy[1], props))
    return nodes


def _read_links(record: dict[str, Any], nodes: dict[str, Node]) -> list[Link]:
    links: list[Link] = []
    seen: set[frozenset[str]] = set()
    stores_of: dict[tuple[str, str], str] = {}
    for i, raw in enumerate(_list(record, "edges")):
        where = f"edge #{i + 1}"
        if not isinstance(raw, dict):
            raise DiagramError(where, "must be an object {...}", 'Write it like {"source": "lb", "target": "a"}')
        link_id = raw.get("id")
        if link_id is not None and not isinstance(link_id, str):
            raise DiagramError(where, "id must be text", "Write it in quotes or leave it out")
        ends = []
        for key in ("source", "target"):
            end = raw.get(key)
            if not isinstance(end, str):
                raise DiagramError(where, f'has no "{key}" node id', f'Add "{key}": "<node id>"')
            ends.append(end)
        a, b = ends
        where = f'edge #{i + 1} ({a} – {b})' if link_id is None else f'edge "{link_id}" ({a} – {b})'
        for end in (a, b):
            if end not in nodes:
                raise DiagramError(where, f'names an unknown node "{end}"', "Use the id of a node in this file")
        if a == b:
            raise DiagramError(where, "links a node to itself", "Remove this edge")
        key = frozenset((a, b))
        if key in seen:
            raise DiagramError(where, "links the same two nodes again", "Remove the duplicate edge")
        seen.add(key)
        ka, kb = nodes[a].kind, nodes[b].kind
        if not link_allowed(ka, kb):
            raise DiagramError(
                where, f"{readable_kind(ka).lower()}–{readable_kind(kb).lower()} links are not allowed",
                link_problem(ka, kb) or "",
            )
        if SERVER in (ka, kb) and (ka in STORE_KINDS or kb in STORE_KINDS):
            server, store = (a, b) if ka == SERVER else (b, a)
            store_kind = nodes[store].kind
            earlier = stores_of.get((server, store_kind))
            if earlier is not None:
                raise DiagramError(
                    where,
                    f'server "{server}" is already linked to {readable_kind(store_kind)} "{earlier}"; '
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
                "scenario", f"unknown name {raw['name']!r}", f"Use one of: {', '.join(SCENARIO_NAMES)}"
            )
        spec.name = raw["name"]
    if "journey" in raw:
        if raw["journey"] not in JOURNEYS:
            raise DiagramError(
                "scenario", f"unknown journey {raw['journey']!r}", f"Use one of: {', '.join(JOURNEYS)}"
            )
        spec.journey = raw["journey"]
    if "seed" in raw:
        seed = raw["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise DiagramError("scenario", f"seed must be a whole number, not {seed!r}", 'Write e.g. "seed": 1')
        spec.seed = seed
    if "duration_s" in raw:
        d = raw["duration_s"]
        if isinstance(d, bool) or not isinstance(d, int | float) or not 0 < d <= 86400:
            raise DiagramError(
                "scenario", f"duration_s must be a number of seconds above 0, not {d!r}", 'Write e.g. "duration_s": 40'
            )
        spec.duration_s = float(d)
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
    at = raw.get("at")
    if isinstance(at, bool) or not isinstance(at, int | float) or not math.isfinite(at) or at < 0:
        raise DiagramError(where, f'"at" must be a time in seconds from 0, not {at!r}', 'Write e.g. "at": 12')
    node = raw.get("node")
    if node not in nodes:
        raise DiagramError(where, f"names an unknown node {node!r}", "Use the id of a node in this file")
    if nodes[node].kind == "client":
        raise DiagramError(where, f'node "{node}" is a client; clients do not crash', "Name a server or store")
    action = raw.get("action")
    if action not in FAULT_ACTIONS:
        raise DiagramError(where, f"unknown action {action!r}", f"Use one of: {', '.join(FAULT_ACTIONS)}")
    return Fault(float(at), node, action)


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


def atomic_write(path: Path, data: bytes) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _num(v: float) -> int | float:
    """Whole numbers are written without a decimal point, so files stay tidy and stable."""
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v
