"""The diagram model: plain dataclasses, the one source of truth for the app and the simulation."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .catalog import KINDS, Role

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


_rewired = 0  # how many times a link's ends were changed in place: every neighbour index is stale after one


@dataclass
class Link:
    """An undirected link between two nodes; the order of ``source`` and ``target`` carries no meaning."""

    source: str
    target: str
    id: str | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("source", "target") and name in self.__dict__:
            global _rewired
            _rewired += 1
        object.__setattr__(self, name, value)

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


class LinkList(list[Link]):
    """A diagram's links: a list that drops its neighbour index whenever it changes.

    Every way a list changes in place (insert, pop, slices, sort, ...) forgets the index; a link whose ends are
    changed in place makes every index stale. So ``neighbours`` costs the node's degree, never a stale answer.
    """

    def __init__(self, links: Iterable[Link] = ()) -> None:
        super().__init__(links)
        self._index: dict[str, list[Link]] | None = None
        self._rewired = _rewired

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles carry the links, not the index
        return (LinkList, (list(self),))

    def at(self, node_id: str) -> list[Link]:
        """The links at one node, in list order."""
        if self._index is None or self._rewired != _rewired:
            index: dict[str, list[Link]] = {}
            for lk in self:
                index.setdefault(lk.source, []).append(lk)
                if lk.target != lk.source:
                    index.setdefault(lk.target, []).append(lk)
            self._index, self._rewired = index, _rewired
        return self._index.get(node_id, [])


def _forgets_index(name: str) -> Any:
    change = getattr(list, name)

    def method(self: LinkList, *args: Any, **kwargs: Any) -> Any:
        self._index = None
        return change(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = change.__doc__
    return method


for _name in ("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
              "__setitem__", "__delitem__", "__iadd__", "__imul__"):
    setattr(LinkList, _name, _forgets_index(_name))
del _name


@dataclass
class Diagram:
    """A diagram. ``links`` is always a ``LinkList``: a plain list given or assigned is copied into one, so
    change ``diagram.links`` itself, not the list it was made from."""

    title: str = ""
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=LinkList)
    scenario: ScenarioSpec | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "links" and not isinstance(value, LinkList):
            value = LinkList(value)
        object.__setattr__(self, name, value)

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
        """The other ends of the links at ``node_id``, in link order (an index: the node's degree, not all links)."""
        return [lk.other(node_id) for lk in self.links.at(node_id)]

    def find_link(self, a: str, b: str) -> Link | None:
        ends = frozenset((a, b))
        return next((lk for lk in self.links.at(a) if lk.ends == ends), None)

    def ids_of(self, kind: str) -> list[str]:
        """Ids of the nodes of one kind, in node id order (the simulation's order)."""
        return sorted(n.id for n in self.nodes if n.kind == kind)

    def ids_playing(self, role: Role) -> list[str]:
        """Ids of the nodes whose kind plays ``role`` (all servers, all stores...), in node id order."""
        return sorted(n.id for n in self.nodes if n.kind in KINDS and KINDS[n.kind].role == role)

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
