"""The report of a run: totals, per-node figures, the verdict, and findings that explain every loss."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ..core.topology import Finding, design_findings
from .causes import Cause
from .loss_wording import loss_findings
from .nodes import TOTAL_KEYS
from .scenario import SECOND


def _loss(**kw: Any) -> Any:
    """A counter that fails the verdict when it is not zero."""
    return field(default=0, metadata={"loss": True}, **kw)


@dataclass(frozen=True)
class Totals:
    """How a run's requests ended, in the report's order. A new counter is one field here (in the order the
    JSON lists it) and its words in ``wording.py``; a counter that fails the verdict is made with ``_loss()``."""

    requests: int = 0
    ok: int = 0
    lost_sessions: int = _loss()
    lost_files: int = _loss()
    lost_data: int = _loss()
    outages: int = _loss()
    failover_errors: int = 0
    messages: int = 0  # journey chat: messages acknowledged
    lost_messages: int = _loss()  # journey chat: messages some member still connected never received
    reconnects: int = 0  # journey chat: connects after a user's first (the cost the exception accepts)

    @classmethod
    def of_outcomes(cls, counts: Mapping[str, int], **chat: int) -> Totals:
        """From the number of requests per outcome (``nodes.OUTCOMES``), ``requests`` their sum, and the chat
        journey's own counters."""
        return cls(sum(counts.values()), **{key: counts.get(o, 0) for o, key in TOTAL_KEYS.items()}, **chat)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def loss_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.metadata.get("loss"))

    def count(self, name: str) -> int:
        return getattr(self, name)

    def get(self, name: str) -> int:
        """A counter by name, 0 for one these totals do not keep (another journey's own counter)."""
        return getattr(self, name) if name in self.names() else 0

    @property
    def lost_nothing(self) -> bool:
        return all(self.count(name) == 0 for name in self.loss_names())

    def to_json(self) -> dict[str, int]:
        return {name: self.count(name) for name in self.names()}


@dataclass(frozen=True)
class ServerFigures:
    requests: int
    crashes: int

    def to_json(self) -> dict[str, int]:
        return {"requests": self.requests, "crashes": self.crashes}


@dataclass(frozen=True)
class StoreFigures:
    kind: str
    crashes: int
    commands: int

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "crashes": self.crashes, "commands": self.commands}


@dataclass(frozen=True)
class FaultDone:
    """A fault of the plan: at a simulated second, a node, an action."""

    at: float
    node: str
    action: str

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "node": self.node, "action": self.action}


@dataclass(frozen=True)
class LiveFigures:
    """What a run on real processes adds (``statediagram live``): its speed, how long its processes took to
    start and the whole run took on the wall clock, and answers no journey step explains."""

    speed: float
    start_s: float
    wall_s: float
    unexpected_answers: tuple[dict[str, Any], ...] = ()  # {"status", "node", "count"}, counted as failover errors

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"unexpected_answers": list(self.unexpected_answers)} if self.unexpected_answers \
            else {}
        return {**out, "mode": "live", "speed": self.speed, "start_s": self.start_s, "wall_s": self.wall_s}


@dataclass(frozen=True)
class Report:
    """The report of a run, read by its fields; ``to_json()`` is the ``simulate --json`` object.

    Indexing it by a key of that object (``get`` too) reads the JSON: it is there for the tests, which check
    the contract's JSON; the app, the command line and the missions read the fields (a test keeps it so).
    """

    survives: bool
    scenario: str
    journey: str
    seed: int
    duration_s: float
    title: str
    labels: dict[str, str]
    totals: Totals
    servers: dict[str, ServerFigures]
    stores: dict[str, StoreFigures]
    faults: tuple[FaultDone, ...]
    findings: tuple[Finding, ...]
    live: LiveFigures | None = None  # a run on real processes, not simulated

    def label(self, node: str) -> str:
        return self.labels.get(node, node)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def to_json(self) -> dict[str, Any]:
        return {
            "survives": self.survives,
            "scenario": self.scenario,
            "journey": self.journey,
            "seed": self.seed,
            "duration_s": self.duration_s,
            "title": self.title,
            "labels": dict(self.labels),
            "totals": self.totals.to_json(),
            "servers": {sid: s.to_json() for sid, s in self.servers.items()},
            "stores": {sid: s.to_json() for sid, s in self.stores.items()},
            "faults": [f.to_json() for f in self.faults],
            "findings": [f.to_json() for f in self.findings],
            **(self.live.to_json() if self.live is not None else {}),
        }

    def __getitem__(self, key: str) -> Any:
        return self.to_json()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.to_json().get(key, default)


def build_report(engine) -> Report:
    plan = engine.plan
    chat = engine.chat
    lost = chat.lost() if chat is not None else {}
    totals = Totals.of_outcomes(engine.totals, **({} if chat is None else {
        "messages": chat.messages, "lost_messages": len(lost), "reconnects": chat.reconnects}))
    return Report(
        survives=totals.ok >= 1 and totals.lost_nothing,
        scenario=plan.name,
        journey=plan.journey,
        seed=plan.seed,
        duration_s=plan.duration_s,
        title=engine.diagram.title,
        labels=dict(engine.labels),
        totals=totals,
        servers={s.id: ServerFigures(s.requests, s.crashes) for s in engine.servers.values()},
        stores={st.id: StoreFigures(st.kind, st.crashes, st.store.commands) for st in engine.stores.values()},
        faults=tuple(FaultDone(at / SECOND, node, action) for at, node, action in plan.faults),
        findings=tuple(_explain(engine, lost) + design_findings(engine.diagram)),
    )


def report_json(report: Report) -> str:
    """The ``simulate --json`` text."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


# --- findings: the causes of a run's losses, grouped and ordered; their words are in loss_wording.py ---------------


def _explain(engine, lost_messages: dict[int, tuple[str, str, str]]) -> list[Finding]:
    by_outcome: dict[str, list[tuple[Cause, int]]] = defaultdict(list)
    for (outcome, cause), n in engine.causes.items():
        by_outcome[outcome].append((cause, n))
    ordered = {outcome: sorted(items, key=_order) for outcome, items in by_outcome.items()}
    return loss_findings(engine, ordered, lost_messages)


def _order(item: tuple[Cause, int]) -> tuple:
    """Most requests first; causes of equal count in the order of their fields."""
    cause, n = item
    return (-n, cause.sort_key())
