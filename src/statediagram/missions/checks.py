"""Grading a diagram against a mission: run the mission's own scenario, then ask every rule of the file.

No mission has Python of its own: a mission is its file's rules (rules.py). The run's verdict is told here,
after the wiring rules, because the wiring rules say what to change and the run's losses are the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.catalog import Role, kinds_with
from ..core.model import Diagram, Fault, ScenarioSpec
from .files import REPLACE_DRILL, Mission
from .rules import Context, Problem, Survives

if TYPE_CHECKING:
    from ..sim.report import Report

NO_CLIENT = "reach"  # the problem's "rule" when no client reaches any server: nothing else can be judged


@dataclass
class MissionResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)  # first the one that matters most; they teach
    report: Report | None = None  # the run's report
    mission: str = ""
    problems: list[Problem] = field(default_factory=list)  # the reasons of a failure, with rule and nodes


def replace_drill(diagram: Diagram) -> list[Fault]:
    """The standard drill's rhythm, but each server restarts as a new blank machine (RAM and disk gone)."""
    from ..sim.scenario import drill

    return [Fault(f.at, f.node, "replace" if f.action == "restart" else f.action) for f in
            drill(diagram.ids_playing(Role.SERVER))]


def run_mission_scenario(mission: Mission, diagram: Diagram, redis_url: str | None = None) -> Report:
    """The report of the mission's own scenario and journey, with the file's seed (default 1)."""
    from ..sim import simulate

    if mission.scenario != REPLACE_DRILL:
        return simulate(diagram, scenario=mission.scenario, journey=mission.journey, redis_url=redis_url).report
    # The replace drill is a fault list, run through the public API like a file's own faults ("custom").
    drilled = diagram.copy()
    seed = diagram.scenario.seed if diagram.scenario else None
    drilled.scenario = ScenarioSpec(seed=seed, journey=mission.journey, faults=replace_drill(diagram))
    return simulate(drilled, journey=mission.journey, redis_url=redis_url).report


def verdict_problems(mission: Mission, report: Report) -> list[Problem]:
    """One sentence for the run's verdict, then every loss the report explains (with the nodes it names)."""
    from ..sim.wording import COUNTER_WORDS, losses_text, ok_text, verdict_word

    t = report.totals
    drill = f"{mission.drill_words} (scenario {report.scenario}, journey {report.journey}, seed {report.seed})"
    verdict = f"{verdict_word(report.survives)} {drill}"
    if report.survives:
        extra = f", {t.failover_errors} {COUNTER_WORDS['failover_errors']} (retried)" if t.failover_errors else ""
        return [Problem(Survives.name, f"{verdict}: {ok_text(t)}, nothing lost{extra}.")]
    losses = [part for part in ("no request was answered ok" if t.ok == 0 else "", losses_text(t)) if part]
    out = [Problem(Survives.name, f"{verdict}: {', '.join(losses)}.")]
    out += [Problem(Survives.name, f.message[:1].upper() + f.message[1:] + ".", f.nodes) for f in report.errors()]
    return out


def verdict_reasons(mission: Mission, report: Report) -> list[str]:
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
    if wants_survival and not report.survives:
        problems += verdict
    if not problems:
        reasons = [p.reason for p in verdict] if report.survives else ["Every rule of the mission holds."]
        return MissionResult(True, reasons, report, mission.id)
    return MissionResult(False, [p.reason for p in problems], report, mission.id, problems)
