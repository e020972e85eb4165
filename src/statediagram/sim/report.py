"""The report of a run: totals, per-node figures, the verdict, and findings that explain every loss."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ..core.catalog import KINDS
from ..core.topology import DISK, RAM, Finding, design_findings, state_homes
from .causes import Cause, Why
from .nodes import FAILOVER, LOST_DATA, LOST_FILE, LOST_SESSION, OUTAGE, TOTAL_KEYS
from .scenario import SECOND

_MAX_PAIRS = 4  # above this, moves between servers are told in one finding


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

    @classmethod
    def of_outcomes(cls, counts: Mapping[str, int]) -> Totals:
        """From the number of requests per outcome (``nodes.OUTCOMES``); ``requests`` is their sum."""
        return cls(sum(counts.values()), **{key: counts.get(o, 0) for o, key in TOTAL_KEYS.items()})

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
    totals = Totals.of_outcomes(engine.totals)
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
        findings=tuple(_explain(engine) + design_findings(engine.diagram)),
    )


def report_json(report: Report) -> str:
    """The ``simulate --json`` text."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


# --- explanations ---------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _names(labels: dict[str, str], ids) -> str:
    names = [labels.get(i, i) for i in ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


class _Explainer:
    def __init__(self, engine) -> None:
        self.e = engine
        self.labels = engine.labels
        self.homes = state_homes(engine.diagram)

    def L(self, node_id: str) -> str:  # noqa: N802 - a label, read aloud
        return self.labels.get(node_id, node_id)

    def at(self, outcome: str, causes) -> float:
        """The simulated second of the first request that failed as ``outcome`` for one of ``causes``."""
        return min(self.e.first_seen[(outcome, c)] for c in causes) / SECOND

    def where(self, server: str, what: str) -> str:
        home = getattr(self.homes[server], what)
        if home.place == RAM:
            return "its own RAM"
        if home.place == DISK:
            return "its own local disk"
        return self.L(home.node)


def _explain(engine) -> list[Finding]:
    x = _Explainer(engine)
    by_outcome: dict[str, list[tuple[Cause, int]]] = defaultdict(list)
    for (outcome, cause), n in engine.causes.items():
        by_outcome[outcome].append((cause, n))
    out: list[Finding] = []
    for outcome, code, what, noun in (
        (LOST_SESSION, "lost_sessions", "sessions", ("session lost", "sessions lost")),
        (LOST_FILE, "lost_files", "uploads", ("file lost", "files lost")),
        (LOST_DATA, "lost_data", "cart", ("cart came back missing items", "carts came back missing items")),
    ):
        out += _losses(x, sorted(by_outcome.get(outcome, []), key=_order), outcome, code, what, noun)
    out += _outages(x, sorted(by_outcome.get(OUTAGE, []), key=_order))
    out += _failovers(x, sorted(by_outcome.get(FAILOVER, []), key=_order))
    return out


def _order(item: tuple[Cause, int]) -> tuple:
    """Most requests first; causes of equal count in the order of their fields."""
    cause, n = item
    return (-n, cause.sort_key())


_FIX = {
    "sessions": ("Redis", "link both servers to one Redis", "link all servers to one shared Redis"),
    "cart": ("PostgreSQL", "link both servers to one PostgreSQL", "link all servers to one PostgreSQL"),
    "uploads": ("object storage", "link both servers to object storage", "link all servers to object storage"),
}
_SUBJECT = {
    "sessions": ("users logged in on {a} were sent to {b}", "keeps sessions in"),
    "cart": ("items added to carts on {a} were asked for on {b}", "keeps carts in"),
    "uploads": ("avatars uploaded to {a} were asked for on {b}", "keeps uploads on"),
}


def _losses(x: _Explainer, items, outcome: str, code: str, what: str, noun: tuple[str, str]) -> list[Finding]:
    def head(n: int) -> str:
        return f"{n} {noun[0] if n == 1 else noun[1]}"

    out: list[Finding] = []
    moved = [(c, n) for c, n in items if c.why is Why.MOVED]
    if moved and len(moved) <= _MAX_PAIRS:
        for cause, n in moved:
            a, b, from_place, to_place = cause.origin, cause.node, cause.kept_in, cause.looks_in
            subject, keeps = _SUBJECT[what]
            where_b = x.where(b, what)
            text = f"{head(n)}: {subject.format(a=x.L(a), b=x.L(b))}, which {keeps} {where_b}"
            if from_place not in (RAM, DISK):
                text += f", not {x.where(a, what)}"
            fix = _FIX[what][1]
            if from_place not in (RAM, DISK) and to_place not in (RAM, DISK):
                fix = fix.replace(" one ", " the same ").replace(" to object", " to the same object")
            out.append(Finding("error", code, f"{text}; {fix}", (a, b), x.at(outcome, [cause])))
    elif moved:
        n = sum(c for _, c in moved)
        pairs = ", ".join(f"{x.L(c.origin)} → {x.L(c.node)}: {n}" for c, n in moved[:_MAX_PAIRS])
        more = f", and {len(moved) - _MAX_PAIRS} more pairs" if len(moved) > _MAX_PAIRS else ""
        subject = {"sessions": "users logged in on one server were sent to another that cannot see their session",
                   "cart": "cart items added on one server were asked for on another that cannot see them",
                   "uploads": "avatars uploaded to one server were asked for on another that cannot see them"}[what]
        nodes = tuple(sorted({c.origin for c, _ in moved} | {c.node for c, _ in moved}))
        out.append(Finding("error", code, f"{head(n)}: {subject} ({pairs}{more}); {_FIX[what][2]}", nodes,
                           x.at(outcome, [c for c, _ in moved])))
    for cause, n in items:
        why = cause.why
        if why is Why.MOVED:
            continue
        if why is Why.SERVER_WIPED:
            s = cause.node
            thing = {"sessions": "the sessions", "cart": "the carts"}[what]
            fix = {"sessions": "keep sessions in Redis so a crash logs nobody out",
                   "cart": "keep carts in PostgreSQL"}[what]
            msg = f"{head(n)}: {x.L(s)} crashed and its RAM, with {thing} in it, was wiped; {fix}"
            nodes = (s,)
        elif why is Why.STORE_WIPED:
            r = cause.node
            if what == "sessions":
                msg = f"{head(n)}: {x.L(r)} crashed and lost its keys; make it persistent or give it a replica"
            else:
                msg = (f"{head(n)}: {x.L(r)} crashed and the carts kept in it were lost; keep durable data "
                       "in PostgreSQL")
            nodes = (r,)
        elif why is Why.DISK_WIPED:
            s = cause.node
            msg = (f"{head(n)}: {x.L(s)} was replaced by a new blank machine and its local disk went with it; "
                   "keep uploads in object storage")
            nodes = (s,)
        elif why is Why.AUTH_MISMATCH:
            a, b, held = cause.origin, cause.node, cause.held
            held_text = "a JWT" if held == "token" else "a session cookie"
            wants = "a session cookie" if held == "token" else "a JWT"
            origin = f" from {x.L(a)}" if a else ""
            msg = (f"{head(n)}: users holding {held_text}{origin} were sent to {x.L(b)}, which expects {wants}; "
                   "give all servers the same auth")
            nodes = tuple(i for i in (a, b) if i)
        else:  # token rejected
            b = cause.node
            msg = f"{head(n)}: {x.L(b)} rejected tokens it could not verify; every server must share one key"
            nodes = (b,)
        out.append(Finding("error", code, msg, nodes, x.at(outcome, [cause])))
    return out


def _outages(x: _Explainer, items) -> list[Finding]:
    out: list[Finding] = []
    for cause, n in items:
        head = _plural(n, "request")
        if cause.why is Why.NO_ENTRY:
            client, entries = cause.node, cause.down
            if not entries:
                msg = (f"{head} failed as outages: {x.L(client)} is linked to no load balancer or server; "
                       "link it to a load balancer")
            else:
                msg = (f"{head} failed as outages: nothing that {x.L(client)} links to was running "
                       f"({_names(x.labels, entries)} down); put a load balancer in front of two or more servers")
            nodes = (client, *entries)
        elif cause.why is Why.NO_SERVER:
            lb, down = cause.node, cause.down
            if not x.e.balancers[lb].servers:
                msg = f"{head} failed as outages: {x.L(lb)} has no server behind it; link servers to it"
            else:
                msg = (f"{head} failed as outages: {x.L(lb)} had no healthy server while "
                       f"{_names(x.labels, down)} {'was' if len(down) == 1 else 'were'} down; "
                       "add another server behind it")
            nodes = (lb, *down)
        else:  # store down
            st = cause.node
            kind = KINDS[x.e.stores[st].kind].label
            msg = (f"{head} failed as outages while {x.L(st)} was down: the requests that needed it could not "
                   f"be served; give the {kind} a replica")
            nodes = (st,)
        out.append(Finding("error", "outages", msg, nodes, x.at(OUTAGE, [cause])))
    return out


def _failovers(x: _Explainer, items) -> list[Finding]:
    out: list[Finding] = []
    per_server: dict[str, int] = defaultdict(int)
    server_causes = []
    for cause, n in items:
        if cause.why is Why.STORE_FAILOVER:
            st = cause.node
            out.append(Finding(
                "info", "failover_errors",
                f"{_plural(n, 'failover error')} while {x.L(st)} failed over to its replica; users retried, "
                "nothing was lost", (st,), x.at(FAILOVER, [cause])))
        else:
            per_server[cause.node] += n
            server_causes.append(cause)
    if per_server:
        total = sum(per_server.values())
        order = sorted(per_server, key=lambda s: (-per_server[s], s))
        detail = ", ".join(f"{x.L(s)}: {per_server[s]}" for s in order)
        out.insert(0, Finding(
            "info", "failover_errors",
            f"{_plural(total, 'failover error')}: requests reached a node that had just crashed ({detail}), "
            "before a health check took it out; users retried, nothing was lost", tuple(order),
            x.at(FAILOVER, server_causes)))
    return out
