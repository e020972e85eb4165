"""Qt-free simulation: a deterministic discrete-event engine over real stores.

``simulate(diagram)`` runs a whole scenario and returns its report; ``Engine`` is the steerable
engine the desktop app drives step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.model import Diagram
from .engine import Engine
from .realredis import RedisWentAway, RunCouldNotFinish, check_url
from .report import Report, Totals, build_report, report_json
from .scenario import Plan, resolve
from .wording import format_report


@dataclass
class SimulationResult:
    report: Report
    engine: Engine | None  # kept when a trace was recorded: requests, events, stores for inspectors

    @property
    def survives(self) -> bool:
        return self.report.survives


def simulate(
    diagram: Diagram,
    scenario: str | None = None,
    journey: str | None = None,
    seed: int | None = None,
    redis_url: str | None = None,
    record_trace: bool = False,
) -> SimulationResult:
    """Run the diagram through a scenario. Explicit arguments override the file's scenario block.

    A real Redis (``redis_url``) that goes away mid-run raises RunCouldNotFinish, saying when (simulated time).
    """
    plan = resolve(diagram, scenario, journey, seed)
    engine = None
    try:
        engine = open_engine(diagram, plan, redis_url, record_trace)
        engine.run()
        report = build_report(engine)
    except RedisWentAway as exc:
        when = engine.now / 1_000_000 if engine is not None else 0.0
        if engine is not None:
            engine.close()
            engine = None
        raise RunCouldNotFinish(
            f"Redis at {exc.where} went away {when:.1f} s into the run (simulated time): {exc.reason}; no verdict"
        ) from None
    finally:
        if engine is not None and not record_trace:
            engine.close()
    return SimulationResult(report, engine if record_trace else None)


def open_engine(diagram: Diagram, plan: Plan, redis_url: str | None = None, record_trace: bool = False) -> Engine:
    """An engine ready to run. A Redis URL that is not one raises ValueError; one no server answers at raises
    RunCouldNotFinish."""
    if redis_url is not None:
        check_url(redis_url)
    return Engine(diagram, plan, redis_url=redis_url, record_trace=record_trace)


__all__ = ["Engine", "Plan", "RedisWentAway", "Report", "RunCouldNotFinish", "SimulationResult", "build_report",
           "format_report", "open_engine", "report_json", "resolve", "simulate", "Totals"]
