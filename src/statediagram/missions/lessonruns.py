"""The runs the lesson and the quiz point at: an example diagram, a scenario and a journey, run by the real engine.

A run names its diagram by an example's name (``"sticky-sessions"`` is ``examples/sticky-sessions.statediagram.json``)
or by a path relative to the data file. What the run shows is read from its report: its *outcomes* (survives,
loses sessions, ...) for the quiz's "predict the verdict", its *measures* for the comparison table's claims.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.fileio import DiagramError, load_diagram
from ..core.model import JOURNEYS, SCENARIO_NAMES, Diagram
from .lessondata import LessonFileError, obj, text

if TYPE_CHECKING:
    from ..sim.report import Report

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"  # the project's examples/ (a source checkout)
DIAGRAM_SUFFIX = ".statediagram.json"
MAX_NODES = 40  # a lesson's diagram is small; a bigger one is not a lesson
MAX_USER_SECONDS = 20_000  # users x simulated seconds: about a second of engine time (70 us a request)

# What a run can show, in the order the quiz offers them, with the report's counter behind each loss.
OUTCOMES: dict[str, tuple[str | None, str]] = {
    "survives": (None, "Survives"),
    "loses_sessions": ("lost_sessions", "Logs users out (loses sessions)"),
    "loses_files": ("lost_files", "Loses uploaded files"),
    "loses_data": ("lost_data", "Loses cart data"),
    "outage": ("outages", "Outage (no server answers)"),
    "loses_messages": ("lost_messages", "Loses chat messages"),
}

MEASURES = ("survives", "server_imbalance", "requests", "ok", "lost_sessions", "lost_files", "lost_data",
            "outages", "failover_errors")
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, "==": operator.eq, ">=": operator.ge, ">": operator.gt}


@dataclass(frozen=True)
class RunSpec:
    """A diagram and how to run it (None: as its file says)."""

    diagram: str
    scenario: str | None = None
    journey: str | None = None
    base: Path | None = None  # the data file's folder, for relative paths

    def path(self) -> Path:
        """The diagram file: a path next to the data file, else an example by name."""
        name = self.diagram
        if name.endswith(DIAGRAM_SUFFIX) and self.base is not None:
            return (self.base / name).resolve()
        return EXAMPLES / (name if name.endswith(DIAGRAM_SUFFIX) else name + DIAGRAM_SUFFIX)

    def describe(self) -> str:
        """How the run is set, in the app's words: "crash drill, journey sessions"."""
        scenario = {"calm": "a calm day", "standard": "the crash drill", "chaos": "chaos",
                    None: "its own scenario"}[self.scenario]
        return scenario + (f", journey {self.journey}" if self.journey else "")


@dataclass(frozen=True)
class Claim:
    """What a run must show: ``lost_sessions > 0``, ``survives == 1``, ``server_imbalance >= 1.5``."""

    measure: str
    op: str
    value: float

    def describe(self) -> str:
        if (self.measure, self.op) == ("survives", "=="):
            return "the design survives" if self.value else "the design does not survive"
        words = self.measure.replace("_", " ")
        return f"{words} {self.op} {self.value:g}"

    def holds(self, report: dict[str, Any]) -> bool:
        return OPERATORS[self.op](measure(report, self.measure), self.value)


def read_run(raw: Any, where: str, base: Path | None) -> RunSpec:
    """A ``{"diagram": ..., "scenario": ..., "journey": ...}`` object from a data file."""
    record = obj(raw, where)
    diagram = text(record, "diagram", where)
    if "/" in diagram.replace("\\", "/") and not diagram.endswith(DIAGRAM_SUFFIX):
        raise LessonFileError(f"{where}: diagram", f"{diagram!r} is neither an example's name nor a diagram file",
                              f"Name an example (e.g. \"sticky-sessions\") or a file ending {DIAGRAM_SUFFIX}.")
    scenario, journey = record.get("scenario"), record.get("journey")
    if scenario is not None and scenario not in SCENARIO_NAMES:
        raise LessonFileError(f"{where}: scenario", f"unknown scenario {scenario!r}",
                              f"Use one of: {', '.join(SCENARIO_NAMES)}, or leave it out (the file's own).")
    if journey is not None and journey not in JOURNEYS:
        raise LessonFileError(f"{where}: journey", f"unknown journey {journey!r}",
                              f"Use one of: {', '.join(JOURNEYS)}, or leave it out (the file's own).")
    return RunSpec(diagram, scenario, journey, base)


def read_claim(raw: Any, where: str) -> Claim:
    record = obj(raw, where)
    name, op, value = record.get("measure"), record.get("is"), record.get("value")
    if name not in MEASURES:
        raise LessonFileError(f"{where}: measure", f"unknown measure {name!r}", f"Use one of: {', '.join(MEASURES)}.")
    if op not in OPERATORS:
        raise LessonFileError(f"{where}: is", f"unknown comparison {op!r}", f"Use one of: {' '.join(OPERATORS)}.")
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise LessonFileError(f"{where}: value", "must be a number", 'Write e.g. "value": 0.')
    return Claim(name, op, float(value))


def measure(report: Report, name: str) -> float:
    """One figure of a run's report: a total, ``survives`` (1 or 0), or ``server_imbalance``
    (the busiest server's requests over the idlest's; infinite when one got none)."""
    if name == "survives":
        return 1.0 if report.survives else 0.0
    if name == "server_imbalance":
        counts = [s.requests for s in report.servers.values()]
        if not counts:
            return 0.0
        return float("inf") if min(counts) == 0 else max(counts) / min(counts)
    return float(report.totals.get(name))


def outcomes(report: Report) -> frozenset[str]:
    """What the run showed: ``{"survives"}``, or every kind of loss it counted."""
    if report.survives:
        return frozenset({"survives"})
    found = {code for code, (total, _words) in OUTCOMES.items() if total and report.totals.get(total) > 0}
    return frozenset(found or {"outage"})  # nothing lost yet nothing answered: nobody was served


def load_run_diagram(spec: RunSpec) -> Diagram:
    """The run's diagram, checked to be lesson-sized (a teacher's file cannot keep the app busy for minutes)."""
    from ..sim.scenario import resolve

    path = spec.path()
    try:
        diagram = load_diagram(path).diagram
    except DiagramError as exc:
        raise LessonFileError(spec.diagram, f"cannot be opened ({exc})",
                              "Name an example in examples/ or a diagram file beside the data file.") from None
    if len(diagram.nodes) > MAX_NODES:
        raise LessonFileError(spec.diagram, f"has {len(diagram.nodes)} nodes, more than {MAX_NODES}",
                              "Use a smaller diagram for the lesson.")
    users = sum(int(n.props.get("users", 0)) for n in diagram.nodes)  # only clients have users
    try:
        plan = resolve(diagram, spec.scenario, spec.journey)
    except ValueError as exc:  # a scenario or journey this version does not know
        raise LessonFileError(spec.diagram, str(exc), "Choose a scenario and journey the app offers.") from None
    if users * plan.duration_s > MAX_USER_SECONDS:
        raise LessonFileError(spec.diagram, f"runs {users} users for {plan.duration_s:g} s, too long for a lesson",
                              f"Keep users x seconds under {MAX_USER_SECONDS}.")
    return diagram


@dataclass(frozen=True)
class RunResult:
    report: Report

    @property
    def outcomes(self) -> frozenset[str]:
        return outcomes(self.report)

    def counters(self) -> str:
        """The run's counters in words: "requests 86, ok 86, lost sessions 0, ..."."""
        from ..sim.wording import counters_text

        return counters_text(self.report.totals)


def run(spec: RunSpec) -> RunResult:
    """Run the spec's diagram through the real engine (cached: same file, same run, byte for byte)."""
    path = spec.path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _run(spec, stamp)


@lru_cache(maxsize=64)
def _run(spec: RunSpec, _stamp: int) -> RunResult:
    from ..sim import simulate

    return RunResult(simulate(load_run_diagram(spec), spec.scenario, spec.journey).report)
