"""The diagram model: plain dataclasses, the one source of truth for the app and the simulation."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, SupportsIndex

from .catalog import KINDS, Role

SCENARIO_NAMES: tuple[str, ...] = ("calm", "standard", "chaos")
JOURNEYS: tuple[str, ...] = ("sessions", "full", "chat")
FAULT_ACTIONS: tuple[str, ...] = ("crash", "restart", "replace")


# Slots, no instance dict: copying a node (undo, the copy a worker thread reads) gave it a dict of its own, one more
# object a node for Python's cyclic collector (2,000 for the big diagram of benchmarks/bench_gui.py).
@dataclass(slots=True)
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


LinkKey = tuple[str, str]


def link_key(a: str, b: str) -> LinkKey:
    """The key of the link between ``a`` and ``b``, whichever order they are given in: the two ids sorted.

    Why a tuple, not a set of the two: a big diagram's canvas and router keep a link's key in a dozen maps, and
    Python's cyclic collector stops tracking a tuple of strings, never a frozenset; each full collection looked at
    4,400 frozensets for the 4,000 links of benchmarks/bench_gui.py's big diagram."""
    return (a, b) if a <= b else (b, a)


@dataclass
class Link:
    """An undirected link between two nodes; the order of ``source`` and ``target`` carries no meaning.

    A link's ends are fixed once it is made (to rewire, remove the link and add another): a diagram's neighbour
    index (``LinkList``) then needs to watch only its own list."""

    source: str
    target: str
    id: str | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("source", "target") and name in self.__dict__:
            raise AttributeError(f"a link's ends are fixed: remove the link {self.source} - {self.target} and "
                                 "add another")
        object.__setattr__(self, name, value)

    @property
    def ends(self) -> LinkKey:
        """The link's key: its two ends in sorted order (see :func:`link_key`)."""
        return link_key(self.source, self.target)

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
    """A diagram's links, with a neighbour index made on first use and dropped by any change of the list.

    Why: the design findings and the badges ask for the neighbours of every server; scanning all links each time
    cost 436 ms for the 1,200 servers of the 2,000-node benchmark file, the index about 2 ms (benchmarks/
    bench_findings.py). The index is this list's own: every method that changes the list in place forgets it,
    and a link's ends never change (``Link``), so nothing outside the list can make it stale.
    """

    def __init__(self, links: Iterable[Link] = ()) -> None:
        super().__init__(links)
        self._index: dict[str, list[Link]] | None = None

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles carry the links, not the index
        return (LinkList, (list(self),))

    def at(self, node_id: str) -> list[Link]:
        """The links at one node, in list order."""
        if self._index is None:
            index: dict[str, list[Link]] = {}
            for lk in self:
                index.setdefault(lk.source, []).append(lk)
                if lk.target != lk.source:
                    index.setdefault(lk.target, []).append(lk)
            self._index = index
        return self._index.get(node_id, [])

    # Every way a list changes in place: each forgets the index.

    def append(self, link: Link) -> None:
        self._index = None
        super().append(link)

    def extend(self, links: Iterable[Link]) -> None:
        self._index = None
        super().extend(links)

    def insert(self, index: SupportsIndex, link: Link) -> None:
        self._index = None
        super().insert(index, link)

    def pop(self, index: SupportsIndex = -1) -> Link:
        self._index = None
        return super().pop(index)

    def remove(self, link: Link) -> None:
        self._index = None
        super().remove(link)

    def clear(self) -> None:
        self._index = None
        super().clear()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._index = None
        super().sort(*args, **kwargs)

    def reverse(self) -> None:
        self._index = None
        super().reverse()

    def __setitem__(self, index: Any, value: Any) -> None:
        self._index = None
        super().__setitem__(index, value)

    def __delitem__(self, index: Any) -> None:
        self._index = None
        super().__delitem__(index)

    def __iadd__(self, links: Iterable[Link]) -> LinkList:  # type: ignore[override]
        self._index = None
        return super().__iadd__(links)

    def __imul__(self, times: SupportsIndex) -> LinkList:  # type: ignore[override]
        self._index = None
        return super().__imul__(times)


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
        ends = link_key(a, b)
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

    def copy_to_read(self) -> Diagram:
        """A copy another thread may read while this one is edited: new nodes with their own props, the links
        shared (a link's ends never change). 4,000 servers: ~15 ms; ``copy`` takes ten times as long."""
        nodes = []
        for node in self.nodes:
            twin = copy.copy(node)
            twin.props = dict(node.props)
            nodes.append(twin)
        return Diagram(self.title, nodes, list(self.links), self.scenario)
