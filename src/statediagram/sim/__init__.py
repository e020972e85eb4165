"""Qt-free simulation: a deterministic discrete-event engine over real stores.

``simulate(diagram)`` runs a whole scenario and returns its report; ``Engine`` is the steerable
engine the desktop app drives step by step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.model import Diagram
from .engine import Engine
from .report import build_report, format_report, report_json
from .scenario import Plan, resolve


@dataclass
class SimulationResult:
    report: dict[str, Any]
    engine: Engine | None  # kept when a trace was recorded: requests, events, stores for inspectors

    @property
    def survives(self) -> bool:
        return bool(self.report["survives"])


def simulate(
    diagram: Diagram,
    scenario: str | None = None,
    journey: str | None = None,
    seed: int | None = None,
    redis_url: str | None = None,
    record_trace: bool = False,
) -> SimulationResult:
    """Run the diagram through a scenario. Explicit arguments override the file's scenario block."""
    plan = resolve(diagram, scenario, journey, seed)
    engine = open_engine(diagram, plan, redis_url, record_trace)
    try:
        engine.run()
        report = build_report(engine)
    finally:
        if not record_trace:
            engine.close()
    return SimulationResult(report, engine if record_trace else None)


def open_engine(diagram: Diagram, plan: Plan, redis_url: str | None = None, record_trace: bool = False) -> Engine:
    """An engine ready to run; a Redis URL that cannot be reached raises ValueError."""
    if redis_url is not None:
        _check_redis_url(redis_url)
    return Engine(diagram, plan, redis_url=redis_url, record_trace=record_trace)


def _check_redis_url(url: str) -> None:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3, protocol=2)  # see RedisStore
        client.ping()
        client.close()
    except (ValueError, redis.RedisError) as exc:
        raise ValueError(f"cannot use Redis at {url}: {exc}") from None


__all__ = ["Engine", "Plan", "SimulationResult", "build_report", "format_report", "open_engine", "report_json",
           "resolve", "simulate"]
