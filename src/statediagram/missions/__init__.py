"""Qt-free missions: a starter diagram, a goal in plain words, hints, and a check.

The missions' texts live in ``assets/missions/<id>.mission.json``; their checks are the functions in
``checks.py``, registered under the same id. Only missions with a check are listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..core.model import JOURNEYS, SCENARIO_NAMES, Diagram

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "missions"
MISSION_SUFFIX = ".mission.json"


@dataclass(frozen=True)
class Mission:
    id: str
    title: str
    goal: str
    hints: tuple[str, ...]
    starter: str  # file name in assets/missions
    scenario: str  # "calm", "standard", "chaos", or "cattle" (the mission's own replace drill)
    journey: str
    order: int = 0

    @property
    def starter_path(self) -> Path:
        return ASSETS / self.starter

    def load_starter(self) -> Diagram:
        from ..core.fileio import load_diagram

        return load_diagram(self.starter_path).diagram


@dataclass
class MissionResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)  # first the one that matters most; they teach
    report: dict[str, Any] = field(default_factory=dict)  # the run's report (the simulate --json object)
    mission: str = ""


class UnknownMission(KeyError):
    """No mission has this id; the message lists the ids there are."""

    def __str__(self) -> str:
        return str(self.args[0])


@cache
def _missions() -> dict[str, Mission]:
    from .checks import CHECKS, REPLACE_DRILL

    out: dict[str, Mission] = {}
    for path in sorted(ASSETS.glob("*" + MISSION_SUFFIX)):
        raw = json.loads(path.read_text(encoding="utf-8"))
        mission = Mission(
            id=raw["id"], title=raw["title"], goal=raw["goal"], hints=tuple(raw.get("hints", ())),
            starter=raw["starter"], scenario=raw["scenario"], journey=raw["journey"], order=raw.get("order", 99),
        )
        # A broken mission file is a packaging bug, not a learner's mistake: say exactly what is wrong.
        if mission.scenario not in (*SCENARIO_NAMES, REPLACE_DRILL) or mission.journey not in JOURNEYS:
            raise RuntimeError(f"{path.name}: unknown scenario {mission.scenario!r} or journey {mission.journey!r}")
        if not mission.starter_path.is_file():
            raise RuntimeError(f"{path.name}: starter {mission.starter!r} is missing")
        if mission.id in CHECKS:
            out[mission.id] = mission
    return dict(sorted(out.items(), key=lambda kv: (kv[1].order, kv[0])))


def list_missions() -> list[Mission]:
    """Every mission that has a real check, the lesson's own (``stateless``) first."""
    return list(_missions().values())


def get_mission(mission_id: str) -> Mission:
    """The mission with this id; :class:`UnknownMission` (a KeyError) naming the known ids when there is none."""
    missions = _missions()
    if mission_id not in missions:
        raise UnknownMission(f"unknown mission {mission_id!r}; missions are: {', '.join(missions)}")
    return missions[mission_id]


def check_mission(mission: Mission | str, diagram: Diagram, redis_url: str | None = None) -> MissionResult:
    """Run the mission's scenario and journey (with the file's seed) and grade the wiring."""
    from .checks import check

    if isinstance(mission, str):
        mission = get_mission(mission)
    return check(mission, diagram, redis_url)


__all__ = ["Mission", "MissionResult", "UnknownMission", "check_mission", "get_mission", "list_missions"]
