"""Grading a diagram against a mission: run the mission's own scenario, then ask every rule of the file.

No mission has Python of its own: a mission is its file's rules (rules.py). The run's verdict is told here,
after the wiring rules, because the wiring rules say what to change and the run's losses are the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.catalog import Role, kinds_with
from ..core.model import Diagram, Fault, ScenarioSpec
from .files import REPLACE_DRILL, Mission
from .rules import Context, Problem, Survives

NO_CLIENT = "reach"  # the problem's "rule" when no client reaches any server: nothing else can be judged


@dataclass
class MissionResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)  # first the one that matters most; they teach
    report: dict[str, Any] = field(default_factory=dict)  # the run's report (the simulate --json object)
    mission: str = ""
    problems: list[Problem] = field(default_factory=list)  # the reasons of a failure, with rule and nodes


def replace_drill(diagram: Diagram) -> list[Fault]:
    """The standard drill's rhythm, but each server restarts as a new blank machine (RAM and disk gone)."""
    from ..sim.scenario import drill

    return [Fault(f.at, f.node, "replace" if f.action == "restart" else f.action) for f in
            drill(diagram.ids_playing(Role.SERVER))]


def run_mission_scenario(mission: Mission, diagram: Diagram, redis_url: str | None = None) -> dict[str, Any]:
    """The report of the mission's own scenario and journey, with the file's seed (default 1)."""
    from ..sim import simulate

    if mission.scenario != REPLACE_DRILL:
        return simulate(diagram, scenario=mission.scenario, journey=mission.journey, redis_url=redis_url).report
    # The replace drill is a fault list, run through the public API like a file's own faults ("custom").
    drilled = diagram.copy()
    seed = diagram.scenario.seed if diagram.scenario else None
    drilled.scenario = ScenarioSpec(seed=seed, journey=mission.journey, faults=replace_drill(diagram))
    return simulate(drilled, journey=mission.journey, redis_url=redis_url).report


def verdict_problems(mission: Mission, report: dict[str, Any]) -> list[Problem]:
    """One sentence for the run's verdict, then every loss the report explains (with the nodes it names)."""
    t = report["totals"]
    drill = (f"{mission.drill_words} (scenario {report['scenario']}, journey {report['journey']}, "
             f"seed {report['seed']})")
    if report["survives"]:
        extra = f", {t['failover_errors']} failover errors (retried)" if t["failover_errors"] else ""
        return [Problem(Survives.name, f"Survives {drill}: {t['ok']} of {t['requests']} requests ok, nothing "
                                       f"lost{extra}.")]
    losses = [f"{t[key]} {words}" for key, words in (
        ("lost_sessions", "sessions lost"), ("lost_files", "files lost"), ("lost_data", "carts missing items"),
        ("outages", "outages"), ("lost_messages", "chat messages lost")) if t.get(key)]
    if t["ok"] == 0:
        losses.insert(0, "no request was answered ok")
    out = [Problem(Survives.name, f"Does not survive {drill}: {', '.join(losses)}.")]
    out += [Problem(Survives.name, f["message"][:1].upper() + f["message"][1:] + ".", tuple(f.get("nodes", ())))
            for f in report["findings"] if f["severity"] == "error"]
    return out


def verdict_reasons(mission: Mission, report: dict[str, Any]) -> list[str]:
    return [p.reason for p in verdict_problems(mission, report)]


def check(mission: Mission, diagram: Diagram, redis_url: str | None = None) -> MissionResult:
    """Grade ``diagram``: passed when every rule of the mission holds (``survives`` asks the run)."""
    report = run_mission_scenario(mission, diagram, redis_url)
    ctx = Context(diagram, report, mission.starter_diagram, mission.drill_words)
    server_kinds = [k.name for k in kinds_with(Role.SERVER)]
    if not any(ctx.reached(k) for k in server_kinds):
        problems = [Problem(NO_CLIENT, "No client reaches any server: link a client to a load balancer, and the "
                                       "load balancer to the servers.")]
    else:
        problems = [p for rule in mission.rules for p in rule.check(ctx)]
    wants_survival = any(isinstance(rule, Survives) for rule in mission.rules)
    verdict = verdict_problems(mission, report)
    if wants_survival and not report["survives"]:
        problems += verdict
    if not problems:
        reasons = [p.reason for p in verdict] if report["survives"] else ["Every rule of the mission holds."]
        return MissionResult(True, reasons, report, mission.id)
    return MissionResult(False, [p.reason for p in problems], report, mission.id, problems)
