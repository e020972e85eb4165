"""Qt-free missions: a starter diagram, a goal in plain words, hints, and a check.

The missions' texts live in ``assets/missions/<id>.mission.json``; their checks are the functions in
``checks.py``, registered under the same id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..core.model import Diagram

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "missions"


@dataclass(frozen=True)
class Mission:
    id: str
    title: str
    goal: str
    hints: tuple[str, ...]
    starter: str  # file name in assets/missions
    scenario: str  # a scenario name, or "cattle" (the mission's own replace drill)
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
    mission: str
    passed: bool
    reasons: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


@cache
def _missions() -> dict[str, Mission]:
    out: dict[str, Mission] = {}
    for path in sorted(ASSETS.glob("*.mission.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        out[raw["id"]] = Mission(
            id=raw["id"], title=raw["title"], goal=raw["goal"], hints=tuple(raw.get("hints", ())),
            starter=raw["starter"], scenario=raw["scenario"], journey=raw["journey"], order=raw.get("order", 99),
        )
    return dict(sorted(out.items(), key=lambda kv: (kv[1].order, kv[0])))


def list_missions() -> list[Mission]:
    return list(_missions().values())


def get_mission(mission_id: str) -> Mission:
    """The mission with this id; KeyError with the list of ids when there is none."""
    missions = _missions()
    if mission_id not in missions:
        raise KeyError(f"unknown mission {mission_id!r}; missions are: {', '.join(missions)}")
    return missions[mission_id]


def check_mission(mission: Mission | str, diagram: Diagram) -> MissionResult:
    from .checks import check

    if isinstance(mission, str):
        mission = get_mission(mission)
    return check(mission, diagram)


__all__ = ["Mission", "MissionResult", "check_mission", "get_mission", "list_missions"]
