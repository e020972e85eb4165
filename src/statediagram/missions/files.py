"""Mission files (``*.mission.json``): reading them with messages a teacher can act on, and a template.

Staged like the diagram loader (core/fileio.py): a bounded read, JSON, the header, then every field and rule
checked. A problem raises :class:`MissionError` (a :class:`DiagramError`: where, which rule, how to fix),
which the command line prints with exit status 2 and the app shows in a dialog. Keys that start with ``_``
(and ``help``) are comments: a teacher's notes, ignored everywhere. Other unknown keys are warnings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..core.catalog import best_store, show_value
from ..core.fileio import DiagramError, atomic_write, load_diagram
from ..core.model import JOURNEYS, SCENARIO_NAMES, Diagram
from .rules import Rule, Survives, read_rule

MISSION_FORMAT = "statediagram-mission"
MISSION_VERSION = 1
MISSION_SUFFIX = ".mission.json"
MAX_MISSION_BYTES = 256 * 1024  # a mission is a page of text; anything larger is not one
REPLACE_DRILL = "replace"  # the standard drill's rhythm, each server coming back as a new blank machine
MISSION_SCENARIOS = (*SCENARIO_NAMES, REPLACE_DRILL)
DRILL_WORDS = {"calm": "a calm day", "standard": "the crash drill", "chaos": "chaos",
               REPLACE_DRILL: "the replace drill", "custom": "the file's own faults"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_KNOWN = {"format", "version", "id", "title", "summary", "order", "starter", "scenario", "journey", "goal",
          "situation", "hints", "rules"}


class MissionError(DiagramError):
    """A mission file that cannot be used: where, the rule it breaks, how to fix it."""


@dataclass(frozen=True, eq=False)
class Mission:
    """A mission: a starter diagram, a goal in plain words, hints, the scenario it runs and the rules it checks."""

    id: str
    title: str
    goal: str
    hints: tuple[str, ...]
    starter: str  # a diagram file beside the mission file
    scenario: str  # calm, standard, chaos, or replace (the replace drill)
    journey: str
    rules: tuple[Rule, ...] = ()
    order: int = 99
    situation: str = ""  # the lesson's words for what goes wrong in the starter
    folder: Path = field(default_factory=Path)
    summary: str = ""  # the goal in one line (the mission browser's card)
    starter_diagram: Diagram | None = None
    path: Path | None = None  # the mission file itself

    @property
    def starter_path(self) -> Path:
        return self.folder / self.starter

    def load_starter(self) -> Diagram:
        """A fresh copy of the starter, to edit."""
        if self.starter_diagram is None:
            return load_diagram(self.starter_path).diagram
        return self.starter_diagram.copy()

    @property
    def palette(self) -> tuple[str, ...] | None:
        """The kinds a learner may add, when a ``palette`` rule restricts them; else None (every kind)."""
        for rule in self.rules:
            if rule.name == "palette":
                return rule.kinds  # type: ignore[attr-defined]
        return None

    def checklist(self) -> list[str]:
        """What Check mission looks at, in the learner's words (hidden rules left out)."""
        return [rule.describe() for rule in self.rules if not rule.hidden]

    @property
    def drill_words(self) -> str:
        return DRILL_WORDS.get(self.scenario, self.scenario)


@dataclass
class LoadedMission:
    mission: Mission
    warnings: list[str] = field(default_factory=list)


def load_mission_file(path: str | Path) -> LoadedMission:
    """Read a mission file; :class:`MissionError` naming the file, the place and the fix when it is broken."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_MISSION_BYTES + 1)
    except OSError as exc:
        raise MissionError(str(p), f"cannot be read ({exc.strerror or exc})", "Check the file name") from None
    if len(data) > MAX_MISSION_BYTES:
        raise MissionError(str(p), f"is larger than {MAX_MISSION_BYTES // 1024} KB: not a mission file",
                           "A mission file is a page of JSON; give the path of one")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MissionError(str(p), f"is not UTF-8 text (byte {exc.start})", "Save it as UTF-8 JSON") from None
    try:
        loaded = parse_mission(text, p.parent, str(p))
        return LoadedMission(replace(loaded.mission, path=p), loaded.warnings)
    except MissionError:
        raise
    except DiagramError as exc:
        raise MissionError(f"{p}: {exc.where}" if exc.where else str(p), exc.rule, exc.fix) from None


def parse_mission(text: str, folder: Path, name: str = "mission") -> LoadedMission:
    """A mission from its JSON text; its starter is read from ``folder``."""
    try:
        record = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DiagramError(f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})",
                           "Fix the JSON syntax (a missing comma or quote?)") from None
    except (ValueError, RecursionError):
        raise DiagramError("file", "holds a number or nesting no mission needs", "Use plain JSON") from None
    return _build(record, folder)


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _build(record: Any, folder: Path) -> LoadedMission:
    if not isinstance(record, dict):
        raise DiagramError("file", "is JSON but not a mission (expected an object {...} at the top)",
                           f'A mission starts {{"format": "{MISSION_FORMAT}", "version": {MISSION_VERSION}, ...}}')
    fmt = record.get("format")
    if fmt != MISSION_FORMAT:
        raise DiagramError("format", f"is {show_value(fmt)}, not {MISSION_FORMAT!r}: this is not a mission file",
                           f'Set "format": "{MISSION_FORMAT}" (statediagram missions --new ID writes a template)')
    version = record.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DiagramError("version", f"must be a whole number from 1, not {show_value(version)}",
                           f'Use "version": {MISSION_VERSION}')
    if version > MISSION_VERSION:
        raise DiagramError("version", f"{version} is newer than this program knows (it reads up to "
                           f"{MISSION_VERSION})", "Update statediagram to use this mission")
    warnings = [f'unknown key "{k}" was ignored' for k in record
                if k not in _KNOWN and not k.startswith("_") and k != "help"]
    mission_id = record.get("id")
    if not isinstance(mission_id, str) or not _ID.match(mission_id):
        raise DiagramError("id", f"must be a short name of lowercase letters, digits, - or _, not "
                           f"{show_value(mission_id)}", 'Write e.g. "id": "shared-cart"')
    title, goal = _text(record, "title"), _text(record, "goal")
    situation = _text(record, "situation", required=False)
    summary = _text(record, "summary", required=False) or goal.split(". ")[0].rstrip(".") + "."
    hints = record.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(h, str) and h.strip() for h in hints):
        raise DiagramError("hints", "must be a list of sentences", 'Write "hints": ["First hint.", "Second hint."]')
    order = record.get("order", 99)
    if isinstance(order, bool) or not isinstance(order, int):
        raise DiagramError("order", f"must be a whole number, not {show_value(order)}", 'Write e.g. "order": 7')
    scenario = record.get("scenario", "standard")
    if scenario not in MISSION_SCENARIOS:
        raise DiagramError("scenario", f"unknown scenario {show_value(scenario)}",
                           f"Use one of: {', '.join(MISSION_SCENARIOS)}")
    journey = record.get("journey", "full")
    if journey not in JOURNEYS:
        raise DiagramError("journey", f"unknown journey {show_value(journey)}", f"Use one of: {', '.join(JOURNEYS)}")
    starter_name = record.get("starter")
    if not isinstance(starter_name, str) or not starter_name or Path(starter_name).name != starter_name \
            or starter_name in (".", ".."):
        raise DiagramError("starter", f"must be the name of a diagram file beside the mission, not "
                           f"{show_value(starter_name)}", f'Write e.g. "starter": "{mission_id}.statediagram.json"')
    try:
        starter = load_diagram(folder / starter_name)
    except DiagramError as exc:
        raise DiagramError(f"starter {starter_name}", str(exc).removeprefix(str(folder / starter_name) + ": "),
                           "Fix the starter diagram, or name another one") from None
    raw_rules = record.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise DiagramError("rules", "must be a list with at least one rule",
                           'Write e.g. "rules": [{"rule": "survives"}] (the vocabulary: docs/missions.md)')
    rules: list[Rule] = []
    for i, raw in enumerate(raw_rules):
        rule, more = read_rule(raw, f"rules #{i + 1}")
        if isinstance(rule, Survives):
            rule.words = DRILL_WORDS.get(scenario, scenario)
        rules.append(rule)
        warnings += more
    names = [r.name for r in rules]
    if names.count("palette") > 1:
        raise DiagramError("rules", "have two palette rules", "Keep one list of the kinds a learner may add")
    mission = Mission(mission_id, title, goal, tuple(hints), starter_name, scenario, journey, tuple(rules), order,
                      situation, folder, summary, starter.diagram)
    return LoadedMission(mission, warnings + [f"starter {starter_name}: {w}" for w in starter.warnings])


def _text(record: dict[str, Any], key: str, required: bool = True) -> str:
    value = record.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise DiagramError(key, f"must be text, not {show_value(value)}",
                           f'Write "{key}": "..." in the learner\'s words')
    return value


# --- the template a teacher fills in ------------------------------------------------------------------------


def template(mission_id: str) -> dict[str, Any]:
    """A working mission (the lesson's own check) whose ``_comment`` keys explain every field."""
    sessions_store = best_store("sessions")  # the lesson's store for sessions (Redis), from the kind registry
    return {
        "_comment": "A statediagram mission. Keys starting with _ are comments: the program ignores them. "
                    "Rules: docs/missions.md. Try it: statediagram check SOME.statediagram.json --mission "
                    f"{mission_id}.mission.json",
        "format": MISSION_FORMAT,
        "version": MISSION_VERSION,
        "id": mission_id,
        "title": "My mission",
        "_order": "Where it comes in the lesson (smaller first); the built-in missions use 1 to 6.",
        "order": 10,
        "_starter": "The diagram the learner starts from: a file beside this one (make it with the app).",
        "starter": f"{mission_id}.statediagram.json",
        "_scenario": f"What the check runs: {', '.join(MISSION_SCENARIOS)}; journey: {', '.join(JOURNEYS)}.",
        "scenario": "standard",
        "journey": "sessions",
        "summary": "The goal in one line (the app's mission card).",
        "goal": "What the learner must achieve, in plain words.",
        "situation": "What goes wrong in the starter, in the lesson's words.",
        "hints": ["A first hint, shown when asked for.", "A second, more direct hint."],
        "_rules": "Every rule must hold. Add \"hidden\": true to keep a rule out of the learner's checklist.",
        "rules": [
            {"rule": "survives", "_comment": "the scenario above loses nothing"},
            {"rule": "shared_store", "state": "sessions", "kind": sessions_store.name,
             "_comment": f"every server a client reaches keeps sessions in one and the same {sessions_store.word}"},
            {"rule": "palette", "kinds": [sessions_store.name], "_comment": "the learner may add only these kinds"},
        ],
    }


def write_template(mission_id: str, folder: Path, starter: Diagram) -> list[Path]:
    """Write ``ID.mission.json`` and its starter ``ID.statediagram.json`` into ``folder``; never overwrite."""
    from ..core.fileio import diagram_to_json

    if not _ID.match(mission_id):
        raise MissionError("ID", f"{mission_id!r} is not a mission id", "Use lowercase letters, digits, - or _")
    paths = [folder / f"{mission_id}{MISSION_SUFFIX}", folder / f"{mission_id}.statediagram.json"]
    for p in paths:
        if p.exists():
            raise MissionError(str(p), "exists already", "Choose another id, or move the file away")
    diagram = starter.copy()
    diagram.title = "My mission"
    atomic_write(paths[1], diagram_to_json(diagram).encode("utf-8"))
    atomic_write(paths[0], (json.dumps(template(mission_id), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return paths
