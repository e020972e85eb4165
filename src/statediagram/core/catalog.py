"""The core registry of component kinds: what each kind is, what it may link to, and what state it holds.

A kind is declared once here (name, label, tier, props, allowed links, its part in a request's path, and the
kinds of state it can hold for a server), once in ``sim/kinds.py`` (its behaviour in a run) and once in
``gui/kinds.py`` (its colour, icon and words). Everything else asks these registries by role and by what a
kind holds, never by a kind's name: adding a kind is one entry per layer (see the README).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .registry import Registry
from .text import show_value  # a prop's problem quotes the value briefly


@dataclass(frozen=True)
class PropSpec:
    """One property of a kind: its type, default and allowed values."""

    name: str
    type: str  # "int", "bool" or "choice"
    default: Any
    label: str
    help: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not allowed for this prop, or None when it is."""
        if self.type == "bool":
            if not isinstance(value, bool):
                return f"must be true or false, not {show_value(value)}"
            return None
        if self.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return f"must be a whole number from {self.minimum} to {self.maximum}, not {show_value(value)}"
            if not self.minimum <= value <= self.maximum:  # type: ignore[operator]
                return f"must be from {self.minimum} to {self.maximum}, not {show_value(value)}"
            return None
        if not isinstance(value, str) or value not in self.choices:
            return f"must be one of {', '.join(show_value(c) for c in self.choices)}, not {show_value(value)}"
        return None


class Role(StrEnum):
    """The part a kind plays in a request's path; code that needs "the servers" asks for this, not for names."""

    USERS = "users"  # sends requests: a group of users with browsers
    BALANCER = "balancer"  # forwards each request to one of its servers, health-checks them
    SERVER = "server"  # answers requests, keeps state in its own RAM and disk or in the stores it links to
    STORE = "store"  # holds state for the servers linked to it


# The kinds of state a server keeps (the contract's table), and the places that are not a store node. A store
# may hold others too (a chat server's history, its pub/sub channel): see ``stores_for``.
STATES: tuple[str, ...] = ("sessions", "cart", "uploads")
RAM = "ram"
DISK = "disk"
TOKEN = "token"


@dataclass(frozen=True)
class Kind:
    """A component kind the learner can place on the canvas."""

    name: str
    label: str
    tier: int  # column in the tidy-up layout: clients, load balancers, servers, stores
    description: str
    props: tuple[PropSpec, ...] = field(default=())
    role: Role = Role.STORE
    links: tuple[str, ...] = ()  # kinds it may link to; a link is allowed when either side lists the other
    noun: str = ""  # the kind in a sentence ("client", "load balancer", "Redis"); its label when empty
    # A store: the kinds of state it can hold for a server, each with its rank (0 first) when a server links to
    # several stores that can hold it: e.g. a cart goes to PostgreSQL (0), else Redis (1).
    holds: tuple[tuple[str, int], ...] = ()
    # A server: where it keeps each kind of state that no linked store holds ("ram" or "disk"), ...
    keeps: tuple[tuple[str, str], ...] = ()
    # ... and a place its props decide whatever it links to (auth: jwt keeps the login in a token), or None.
    decides: Callable[[dict[str, Any], str], str | None] | None = None
    journeys: tuple[str, ...] = ()  # a server: the journeys it serves
    # A server whose users stay connected to it (a WebSocket): the connection is state that cannot leave it, by
    # design (the lesson's exception), so a sticky load balancer in front of it is no trap.
    connected: bool = False
    lettered: bool = False  # new nodes are named "<label> A", "<label> B", ...
    faultable: bool = True  # a file's fault list may crash, restart or replace it
    self_link: str = ""  # why two nodes of this kind are not linked, when there is more to say than "never"
    refusals: tuple[tuple[str, str], ...] = ()  # (kind, why a link to it is refused), in the lesson's words
    # Why keeping a kind of state in this store is a poor choice, in the lesson's words (state -> sentence).
    caveats: tuple[tuple[str, str], ...] = ()

    def prop(self, name: str) -> PropSpec | None:
        return next((p for p in self.props if p.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.props}

    @property
    def word(self) -> str:
        return self.noun or self.label

    def rank(self, state: str) -> int | None:
        """This store's rank for holding ``state`` (0 is the first choice), or None when it cannot hold it."""
        return next((r for s, r in self.holds if s == state), None)

    def caveat(self, state: str) -> str | None:
        return next((why for s, why in self.caveats if s == state), None)


CLIENT = "client"
LOAD_BALANCER = "load_balancer"
SERVER = "server"
REDIS = "redis"
POSTGRES = "postgres"
OBJECT_STORAGE = "object_storage"
WEBSOCKET_SERVER = "websocket_server"
_REPLICAS = PropSpec(
    "replicas", "int", 0, "Replicas", "Standby copies that take over after a crash.", minimum=0, maximum=5
)


def _server_decides(props: dict[str, Any], state: str) -> str | None:
    return TOKEN if state == "sessions" and props.get("auth") == "jwt" else None


KINDS: Registry[Kind] = Registry("core", "core/catalog.py")
# A test adds a throwaway kind with ``register`` and removes it with ``unregister``.
register = KINDS.register
unregister = KINDS.unregister


register(Kind(
    CLIENT, "Users", 0, "A group of users with browsers. Each user logs in, then browses.",
    (PropSpec("users", "int", 1, "Users", "How many users this client stands for.", minimum=1, maximum=10000),),
    role=Role.USERS, links=(LOAD_BALANCER, SERVER), noun="client", faultable=False,
))
register(Kind(
    LOAD_BALANCER, "Load balancer", 1,
    "Spreads requests over the servers wired to it and health-checks them every second.",
    (
        PropSpec(
            "policy",
            "choice",
            "round_robin",
            "Policy",
            "round_robin: servers in turn; least_connections: the least busy; "
            "sticky: a user stays on the server it first reached.",
            choices=("round_robin", "least_connections", "sticky"),
        ),
    ),
    role=Role.BALANCER, links=(CLIENT, SERVER), noun="load balancer",
))
register(Kind(
    SERVER, "Server", 2, "An application (API) server. Where it keeps state depends on what it is wired to.",
    (
        PropSpec(
            "auth",
            "choice",
            "session",
            "Auth",
            "session: a session id cookie, the session kept server-side; "
            "jwt: a signed token the client keeps.",
            choices=("session", "jwt"),
        ),
    ),
    role=Role.SERVER, links=(CLIENT, LOAD_BALANCER, REDIS, POSTGRES, OBJECT_STORAGE), noun="server",
    keeps=(("sessions", RAM), ("cart", RAM), ("uploads", DISK)), decides=_server_decides,
    journeys=("sessions", "full"), lettered=True,
    self_link="Servers don't share state by talking to each other: link both to a shared store instead.",
))
register(Kind(
    WEBSOCKET_SERVER, "WebSocket server", 2,
    "A real-time server (chat, games): each user keeps one connection open to it. That connection is state "
    "that cannot leave the server, the lesson's exception; messages reach users on other servers only through "
    "a Redis both servers share (pub/sub).",
    role=Role.SERVER, links=(CLIENT, LOAD_BALANCER, REDIS, POSTGRES), noun="websocket server",
    keeps=(("history", RAM), ("pubsub", RAM)), journeys=("chat",), lettered=True, connected=True,
    refusals=((OBJECT_STORAGE, "A websocket server passes messages and keeps no files: uploads go through an "
                               "application server to object storage."),),
    self_link="WebSocket servers don't pass messages to each other directly: link both to one Redis, whose "
              "pub/sub carries each message to every server.",
))
register(Kind(
    REDIS, "Redis", 3, "In-memory key-value store for temporary data such as sessions.",
    (PropSpec("persistent", "bool", False, "Persistent", "Keep the keys over a crash (snapshot on disk)."), _REPLICAS),
    links=(SERVER,), holds=(("sessions", 0), ("cart", 1), ("history", 1), ("pubsub", 0)),
    caveats=(("cart", "Redis is for temporary data: when it crashes without persistence, the carts go with it"),),
))
register(Kind(
    POSTGRES, "PostgreSQL", 3, "Relational database for durable data such as carts.", (_REPLICAS,),
    links=(SERVER,), holds=(("cart", 0), ("history", 0)),
))
register(Kind(
    OBJECT_STORAGE, "Object storage", 3, "A shared file store (S3-like) for uploads; a managed, replicated service.",
    links=(SERVER,), noun="object storage", holds=(("uploads", 0),),
))


def kinds_with(role: Role) -> list[Kind]:
    """The kinds that play ``role``, in registry order."""
    return [k for k in KINDS.values() if k.role == role]


def role_of(kind: str) -> Role | None:
    k = KINDS.get(kind)
    return k.role if k is not None else None


def is_store(kind: str) -> bool:
    return role_of(kind) == Role.STORE


def stores_for(state: str) -> tuple[str, ...]:
    """The store kinds that can hold ``state``, the lesson's choice first: a cart is PostgreSQL, else Redis."""
    ranked = sorted((k.rank(state), k.name) for k in kinds_with(Role.STORE) if k.rank(state) is not None)
    return tuple(name for _rank, name in ranked)


def best_store(state: str) -> Kind | None:
    """The store kind the lesson wants for ``state`` (rank 0): Redis for sessions, PostgreSQL for carts, ..."""
    kinds = stores_for(state)
    return KINDS[kinds[0]] if kinds else None


def link_allowed(kind_a: str, kind_b: str) -> bool:
    a, b = KINDS.get(kind_a), KINDS.get(kind_b)
    return a is not None and b is not None and (kind_b in a.links or kind_a in b.links)


def link_problem(kind_a: str, kind_b: str) -> str | None:
    """A sentence that teaches why two kinds may not be linked, or None when they may."""
    if link_allowed(kind_a, kind_b):
        return None
    a, b = KINDS[kind_a], KINDS[kind_b]
    why = dict(a.refusals).get(kind_b) or dict(b.refusals).get(kind_a)
    if why:
        return why
    roles = {a.role, b.role}
    if kind_a == kind_b:
        return a.self_link or f"Two {a.word} nodes are never linked to each other."
    if Role.USERS in roles and Role.STORE in roles:
        return f"Clients never talk to {b.label if a.role == Role.USERS else a.label} directly: the servers do."
    if Role.BALANCER in roles and Role.STORE in roles:
        return "A load balancer only forwards requests to servers; the servers use the stores."
    if roles == {Role.STORE}:
        return "Stores are not linked to each other: each server links to the stores it uses."
    return f"{a.label} and {b.label} cannot be linked: allowed links are {allowed_links_text()}."


def allowed_links_text() -> str:
    """The allowed links in words, stores taken together: "client–load balancer, ... and server–store"."""
    pairs: list[str] = []
    kinds = sorted(KINDS.values(), key=lambda k: k.tier)
    for i, a in enumerate(kinds):
        for b in kinds[i:]:
            if a.name != b.name and link_allowed(a.name, b.name):
                ends = [k.word if k.role != Role.STORE else "store" for k in (a, b)]
                text = f"{ends[0].lower()}–{ends[1].lower()}"
                if text not in pairs:
                    pairs.append(text)
    return ", ".join(pairs[:-1]) + " and " + pairs[-1] if len(pairs) > 1 else "".join(pairs)


def readable_kind(kind: str) -> str:
    return KINDS[kind].label if kind in KINDS else kind


def kind_noun(kind: str) -> str:
    """The kind as a noun in a sentence: "client" (its label "Users" names the people, not the kind)."""
    return KINDS[kind].word if kind in KINDS else kind
