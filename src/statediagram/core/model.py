"""The diagram model: plain dataclasses, the one source of truth for the app and the simulation."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .catalog import KINDS

SCENARIO_NAMES: tuple[str, ...] = ("calm", "standard", "chaos")
JOURNEYS: tuple[str, ...] = ("sessions", "full")
FAULT_ACTIONS: tuple[str, ...] = ("crash", "restart", "replace")


@dataclass
class Node:
    id: str
    kind: str
    label: str = ""
    x: float = 0.0
    y: float = 0.0
    props: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.label:
            self.label = KINDS[self.kind].label if self.kind in KINDS else self.kind
        if self.kind in KINDS:
            self.props = {**KINDS[self.kind].defaults(), **self.props}

    def prop(self, name: str) -> Any:
        return self.props[name]


@dataclass
class Link:
    """An undirected link between two nodes; the order of ``source`` and ``target`` carries no meaning."""

    source: str
    target: str
    id: str | None = None

    @property
    def ends(self) -> frozenset[str]:
        return frozenset((self.source, self.target))

    def other(self, node_id: str) -> str:
        return self.target if node_id == self.source else self.source


@dataclass(frozen=True)
class Fault:
    at: float
    node: str
    action: str


@dataclass
class ScenarioSpec:
    """The file's ``scenario`` block, kept as written (absent keys stay None)."""

    name: str | None = None
    seed: int | None = None
    journey: str | None = None
    faults: list[Fault] | None = None
    duration_s: float | None = None


@dataclass
class Diagram:
    title: str = ""
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    scenario: ScenarioSpec | None = None

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def node_map(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    def has_node(self, node_id: str) -> bool:
        return any(n.id == node_id for n in self.nodes)

    def neighbours(self, node_id: str) -> list[str]:
        return [lk.other(node_id) for lk in self.links if node_id in (lk.source, lk.target)]

    def find_link(self, a: str, b: str) -> Link | None:
        ends = frozenset((a, b))
        return next((lk for lk in self.links if lk.ends == ends), None)

    def ids_of(self, kind: str) -> list[str]:
        """Ids of the nodes of one kind, in node id order (the simulation's order)."""
        return sorted(n.id for n in self.nodes if n.kind == kind)

    def new_id(self, base: str) -> str:
        """A node id not yet used, made from ``base`` (``server``, ``server-2``, ...)."""
        taken = {n.id for n in self.nodes}
        if base not in taken:
            return base
        i = 2
        while f"{base}-{i}" in taken:
            i += 1
        return f"{base}-{i}"

    def copy(self) -> Diagram:
        return copy.deepcopy(self)
