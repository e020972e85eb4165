"""Qt-free missions: a starter diagram, a goal in plain words, hints, and rules; all of it one file.

Every mission, the built-in ones in ``assets/missions/`` included, is a ``*.mission.json`` a teacher can
write without code (files.py reads it; rules.py is the vocabulary, documented in docs/missions.md).
Wherever a mission id is accepted, a path to a mission file is too (:func:`find_mission`).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from ..core.model import Diagram
from .checks import MissionResult
from .files import MISSION_SUFFIX, LoadedMission, Mission, MissionError, load_mission_file
from .rules import Problem

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "missions"


class UnknownMission(KeyError):
    """No mission has this id; the message lists the ids there are."""

    def __str__(self) -> str:
        return str(self.args[0])


@cache
def _missions() -> dict[str, Mission]:
    out: dict[str, Mission] = {}
    for path in sorted(ASSETS.glob("*" + MISSION_SUFFIX)):
        loaded = load_mission_file(path)  # a broken built-in mission is a packaging bug: say exactly what
        if loaded.warnings:
            raise MissionError(str(path), f"warns: {'; '.join(loaded.warnings)}", "Fix the built-in mission")
        if loaded.mission.id in out:
            raise MissionError(str(path), f"id {loaded.mission.id!r} is used by two missions", "Rename one")
        out[loaded.mission.id] = loaded.mission
    return dict(sorted(out.items(), key=lambda kv: (kv[1].order, kv[0])))


def list_missions() -> list[Mission]:
    """Every built-in mission in lesson order, the lesson's own (``stateless``) first."""
    return list(_missions().values())


def get_mission(mission_id: str) -> Mission:
    """The built-in mission with this id; :class:`UnknownMission` (a KeyError) naming the known ids."""
    missions = _missions()
    if mission_id not in missions:
        raise UnknownMission(f"unknown mission {mission_id!r}; missions are: {', '.join(missions)}")
    return missions[mission_id]


def looks_like_path(text: str) -> bool:
    return text.endswith(".json") or "/" in text or os.sep in text


def find_mission(id_or_path: str | os.PathLike[str]) -> LoadedMission:
    """A built-in mission by id, or a mission file by path (warnings come with it).

    Raises :class:`UnknownMission` for an unknown id and :class:`MissionError` for a broken file.
    """
    text = os.fspath(id_or_path)
    if looks_like_path(text) or (text not in _missions() and Path(text).is_file()):
        return load_mission_file(text)
    return LoadedMission(get_mission(text))


def next_mission(mission: Mission) -> Mission | None:
    """The built-in mission after this one in lesson order, or None after the last."""
    missions = list_missions()
    ids = [m.id for m in missions]
    if mission.id not in ids:
        return None
    i = ids.index(mission.id)
    return missions[i + 1] if i + 1 < len(missions) else None


def check_mission(mission: Mission | str, diagram: Diagram, redis_url: str | None = None) -> MissionResult:
    """Run the mission's scenario and journey (with the file's seed) and ask every rule of the mission."""
    from .checks import check

    if isinstance(mission, str):
        mission = find_mission(mission).mission
    return check(mission, diagram, redis_url)


__all__ = ["ASSETS", "LoadedMission", "Mission", "MissionError", "MissionResult", "Problem", "UnknownMission",
           "check_mission", "find_mission", "get_mission", "list_missions", "next_mission"]
