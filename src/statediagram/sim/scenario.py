"""Scenarios: which faults happen when, and how long a run lasts. All times are integer microseconds."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.catalog import Role
from ..core.fileio import DiagramError
from ..core.limits import MAX_NODES, MAX_RUN_S, MAX_SERVERS, MAX_USER_SECONDS, MAX_USERS
from ..core.model import JOURNEYS, SCENARIO_NAMES, Diagram, Fault

SECOND = 1_000_000
CALM_S = 30
FIRST_CRASH_S = 10
RHYTHM_S = 10
DOWN_S = 5
TAIL_S = 10


class RunTooBig(DiagramError):
    """A readable diagram whose run would be beyond what one run simulates (core/limits.py): the editor opens
    it, no run starts; the command line reports it like an unreadable file (exit status 2)."""


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
        # A fault at or after the run's end is not run and not counted (the contract).
        timed = tuple((to_us(f.at), f.node, f.action) for f in faults if to_us(f.at) < duration)
        return _bounded(diagram, Plan("custom", journey, seed, duration, timed))
    name = scenario or (block.name if block and block.name else "standard")
    if name == "calm":
        return _bounded(diagram, Plan(name, journey, seed, to_us(CALM_S), ()))
    _check_size(diagram)  # before the drill: 4,000 servers must not build 8,000 faults first
    from .kinds import ids_where  # the registry's entries import the stores; a plan needs them only here

    targets = ids_where(diagram, lambda k: k.drilled)
    if name == "chaos":
        targets += ids_where(diagram, lambda k: k.chaos)
    faults = drill(targets)
    duration = to_us(faults[-1].at + TAIL_S) if faults else to_us(CALM_S)
    timed = tuple((to_us(f.at), f.node, f.action) for f in faults)
    return _bounded(diagram, Plan(name, journey, seed, duration, timed))


def _check_size(diagram: Diagram) -> None:
    """RunTooBig when the diagram holds more nodes, servers or users than one run simulates."""
    nodes = len(diagram.nodes)
    if nodes > MAX_NODES:
        raise RunTooBig("diagram", f"has {nodes:,} nodes; a run simulates at most {MAX_NODES:,}",
                        "Simulate a smaller part of the design")
    servers = len(diagram.ids_playing(Role.SERVER))
    if servers > MAX_SERVERS:
        raise RunTooBig("diagram", f"has {servers:,} servers; a run simulates at most {MAX_SERVERS:,}",
                        "A few servers show the lesson as well as thousands: remove some")
    users = total_users(diagram)
    if users > MAX_USERS:
        raise RunTooBig("diagram", f"has {users:,} users over all clients; a run simulates at most {MAX_USERS:,}",
                        "Give the clients fewer users")


def total_users(diagram: Diagram) -> int:
    return sum(int(diagram.node(c).props.get("users", 1)) for c in diagram.ids_playing(Role.USERS))


def _bounded(diagram: Diagram, plan: Plan) -> Plan:
    """The plan, or RunTooBig when the run would simulate more than one run may (core/limits.py)."""
    _check_size(diagram)
    seconds = plan.duration_us / SECOND
    if seconds > MAX_RUN_S:
        raise RunTooBig("scenario", f"{plan.name} would simulate {seconds:,.0f} s; a run simulates at most "
                        f"{MAX_RUN_S:,} s", "Use fewer servers and stores, or a shorter scenario")
    work = total_users(diagram) * seconds
    if work > MAX_USER_SECONDS:
        raise RunTooBig("scenario", f"{total_users(diagram):,} users for {seconds:,.0f} s is {work:,.0f} "
                        f"user-seconds; a run simulates at most {MAX_USER_SECONDS:,}",
                        "Give the clients fewer users, or make the run shorter")
    return plan
