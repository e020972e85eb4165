"""The simulation's registry of kinds: how each kind behaves in a run.

The core registry (``core/catalog.py``) says what a kind is; an entry here says what it does: the store a
store node runs (and its round trip from a server), whether its data survives a crash, how many replicas take
over, and which drills crash it; for a server kind, the run-time state that a crash wipes and a replacement
blanks. The engine, the faults, the scenarios and the replay ask this registry, never a kind's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.catalog import CLIENT, LOAD_BALANCER, OBJECT_STORAGE, POSTGRES, REDIS, SERVER, WEBSOCKET_SERVER
from ..core.model import Diagram, Node
from ..core.registry import Registry
from ..core.topology import ServerHomes
from .chat import ChatServerState
from .nodes import ServerState
from .stores import Bucket, PostgresStore, Store, open_redis


@dataclass(frozen=True)
class SimKind:
    """One kind's behaviour in a run."""

    name: str
    # A store kind: the store one node runs (given the node and the run's Redis URL, or None) ...
    store: Callable[[Node, str | None], Store] | None = None
    rtt_us: int = 0  # ... the round trip of one call to it from a server, in microseconds ...
    keeps_data: Callable[[dict[str, Any]], bool] = lambda props: True  # ... whether its data survives a crash
    replicas: Callable[[dict[str, Any]], int] = lambda props: int(props.get("replicas", 0))  # ... standbys
    chaos: bool = False  # ... and whether the chaos scenario crashes it after the servers.
    # A server kind: its run-time state (RAM, disk, requests), which its crash wipes and its replacement blanks.
    server: Callable[[Node, ServerHomes], ServerState] | None = None
    drilled: bool = False  # crashed in turn by the standard drill and the chaos monkey
    replaceable: bool = False  # a "replace" fault means something for it (a new blank machine)
    inspectable: bool = False  # an inspector can show what it holds at the play head


# A kind with no entry takes part as what its role says and nothing more.
SIM_KINDS: Registry[SimKind] = Registry("simulation", "sim/kinds.py", fallback=SimKind)
register = SIM_KINDS.register
unregister = SIM_KINDS.unregister
sim_kind = SIM_KINDS.of


def store_maker(kind: str) -> Callable[[Node, str | None], Store]:
    """What makes a node's store: a store kind in the core registry needs one."""
    return SIM_KINDS.needed(kind, lambda entry: entry.store, "store")


def server_maker(kind: str) -> Callable[[Node, ServerHomes], ServerState]:
    """What makes a server node's run-time state: a server kind needs one."""
    return SIM_KINDS.needed(kind, lambda entry: entry.server, "run-time state")


def ids_where(diagram: Diagram, test: Callable[[SimKind], bool]) -> list[str]:
    """Ids of the nodes whose kind's entry passes ``test``, in node id order."""
    return sorted(n.id for n in diagram.nodes if test(sim_kind(n.kind)))


register(SimKind(CLIENT))
register(SimKind(LOAD_BALANCER))
register(SimKind(
    SERVER, server=lambda node, homes: ServerState(node.id, node.props["auth"], homes), drilled=True,
    replaceable=True, inspectable=True,
))
# Its users' open connections and, without a store for it, the rooms' history live in its RAM: a crash drops
# both (the users reconnect); the chat journey (chat.py) is what it serves.
register(SimKind(
    WEBSOCKET_SERVER, server=lambda node, homes: ChatServerState(node.id, "", homes), drilled=True,
    replaceable=True, inspectable=True,
))
register(SimKind(
    REDIS, store=lambda node, url: open_redis(node.id, url), rtt_us=1_000,
    keeps_data=lambda props: bool(props["persistent"]), chaos=True, inspectable=True,
))
register(SimKind(POSTGRES, store=lambda node, url: PostgresStore(node.id), rtt_us=3_000, chaos=True, inspectable=True))
# A managed, replicated service: the chaos scenario leaves it alone. Crashed by a file's fault list, it is down
# until it restarts (the contract): a learner has no replica of it to fail over to.
register(SimKind(
    OBJECT_STORAGE, store=lambda node, url: Bucket(), rtt_us=10_000, replicas=lambda props: 0, inspectable=True,
))
