"""Scenarios: which faults happen when, and how long a run lasts. All times are integer microseconds."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.model import JOURNEYS, SCENARIO_NAMES, Diagram, Fault

SECOND = 1_000_000
CALM_S = 30
FIRST_CRASH_S = 10
RHYTHM_S = 10
DOWN_S = 5
TAIL_S = 10


@dataclass(frozen=True)
class Plan:
    """A resolved scenario: its name as reported, journey, seed, duration and timed faults."""

    name: str
    journey: str
    seed: int
    duration_us: int
    faults: tuple[tuple[int, str, str], ...]  # (at_us, node, action), in the order they happen

    @property
    def duration_s(self) -> float:
        return self.duration_us / SECOND


def to_us(seconds: float) -> int:
    return round(seconds * SECOND)


def drill(node_ids: list[str]) -> list[Fault]:
    """Each node in turn crashes at 10, 20, 30 ... s and restarts 5 s later."""
    out: list[Fault] = []
    for i, node in enumerate(node_ids):
        at = FIRST_CRASH_S + RHYTHM_S * i
        out += [Fault(at, node, "crash"), Fault(at + DOWN_S, node, "restart")]
    return out


def resolve(
    diagram: Diagram, scenario: str | None = None, journey: str | None = None, seed: int | None = None
) -> Plan:
    """Apply the contract's precedence: explicit arguments, then the file's scenario block, then defaults."""
    block = diagram.scenario
    if scenario is not None and scenario not in SCENARIO_NAMES:
        raise ValueError(f"unknown scenario {scenario!r}; use one of: {', '.join(SCENARIO_NAMES)}")
    if journey is not None and journey not in JOURNEYS:
        raise ValueError(f"unknown journey {journey!r}; use one of: {', '.join(JOURNEYS)}")
    journey = journey or (block.journey if block and block.journey else "full")
    seed = seed if seed is not None else (block.seed if block and block.seed is not None else 1)
    if scenario is None and block is not None and block.faults:
        faults = sorted(block.faults, key=lambda f: f.at)  # stable: same instant keeps file order
        if block.duration_s is not None:
            duration = to_us(block.duration_s)
        else:
            duration = max(to_us(CALM_S), to_us(faults[-1].at + TAIL_S))
        return Plan("custom", journey, seed, duration, tuple((to_us(f.at), f.node, f.action) for f in faults))
    name = scenario or (block.name if block and block.name else "standard")
    if name == "calm":
        return Plan(name, journey, seed, to_us(CALM_S), ())
    from .kinds import ids_where  # the registry's entries import the stores; a plan needs them only here

    targets = ids_where(diagram, lambda k: k.drilled)
    if name == "chaos":
        targets += ids_where(diagram, lambda k: k.chaos)
    faults = drill(targets)
    duration = to_us(faults[-1].at + TAIL_S) if faults else to_us(CALM_S)
    return Plan(name, journey, seed, duration, tuple((to_us(f.at), f.node, f.action) for f in faults))
