"""The one registry of component kinds: their props, labels, tiers and which links are allowed.

Adding a kind is one entry in ``KINDS`` (and, if it links to others, one line in ``_LINK_RULES``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .text import show_value  # a prop's problem quotes the value briefly

CLIENT = "client"
LOAD_BALANCER = "load_balancer"
SERVER = "server"
REDIS = "redis"
POSTGRES = "postgres"
OBJECT_STORAGE = "object_storage"

STORE_KINDS: tuple[str, ...] = (REDIS, POSTGRES, OBJECT_STORAGE)


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


@dataclass(frozen=True)
class Kind:
    """A component kind the learner can place on the canvas."""

    name: str
    label: str
    tier: int  # column in the tidy-up layout: clients, load balancers, servers, stores
    description: str
    props: tuple[PropSpec, ...] = field(default=())

    def prop(self, name: str) -> PropSpec | None:
        return next((p for p in self.props if p.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.props}


KINDS: dict[str, Kind] = {
    CLIENT: Kind(
        CLIENT,
        "Users",
        0,
        "A group of users with browsers. Each user logs in, then browses.",
        (PropSpec("users", "int", 1, "Users", "How many users this client stands for.", minimum=1, maximum=10000),),
    ),
    LOAD_BALANCER: Kind(
        LOAD_BALANCER,
        "Load balancer",
        1,
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
    ),
    SERVER: Kind(
        SERVER,
        "Server",
        2,
        "An application (API) server. Where it keeps state depends on what it is wired to.",
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
    ),
    REDIS: Kind(
        REDIS,
        "Redis",
        3,
        "In-memory key-value store for temporary data such as sessions.",
        (
            PropSpec(
                "persistent", "bool", False, "Persistent", "Keep the keys over a crash (snapshot on disk)."
            ),
            PropSpec(
                "replicas", "int", 0, "Replicas", "Standby copies that take over after a crash.", minimum=0, maximum=5
            ),
        ),
    ),
    POSTGRES: Kind(
        POSTGRES,
        "PostgreSQL",
        3,
        "Relational database for durable data such as carts.",
        (
            PropSpec(
                "replicas", "int", 0, "Replicas", "Standby copies that take over after a crash.", minimum=0, maximum=5
            ),
        ),
    ),
    OBJECT_STORAGE: Kind(
        OBJECT_STORAGE,
        "Object storage",
        3,
        "A shared file store (S3-like) for uploads; a managed, replicated service.",
    ),
}

_LINK_RULES: tuple[tuple[str, str], ...] = (
    (CLIENT, LOAD_BALANCER),
    (CLIENT, SERVER),
    (LOAD_BALANCER, SERVER),
    (SERVER, REDIS),
    (SERVER, POSTGRES),
    (SERVER, OBJECT_STORAGE),
)
ALLOWED_LINKS: frozenset[frozenset[str]] = frozenset(frozenset(pair) for pair in _LINK_RULES)


def link_allowed(kind_a: str, kind_b: str) -> bool:
    return frozenset((kind_a, kind_b)) in ALLOWED_LINKS


def link_problem(kind_a: str, kind_b: str) -> str | None:
    """A sentence that teaches why two kinds may not be linked, or None when they may."""
    if link_allowed(kind_a, kind_b):
        return None
    pair = {kind_a, kind_b}
    a, b = KINDS[kind_a].label, KINDS[kind_b].label
    if kind_a == kind_b:
        if kind_a == SERVER:
            return "Servers don't share state by talking to each other: link both to a shared store instead."
        return f"Two {kind_noun(kind_a)} nodes are never linked to each other."
    if CLIENT in pair and pair & set(STORE_KINDS):
        return f"Clients never talk to {b if kind_a == CLIENT else a} directly: the servers do."
    if LOAD_BALANCER in pair and pair & set(STORE_KINDS):
        return "A load balancer only forwards requests to servers; the servers use the stores."
    if pair <= set(STORE_KINDS):
        return "Stores are not linked to each other: each server links to the stores it uses."
    return f"{a} and {b} cannot be linked: allowed links are client–load balancer, client–server, " \
        "load balancer–server and server–store."


def readable_kind(kind: str) -> str:
    return KINDS[kind].label if kind in KINDS else kind


def kind_noun(kind: str) -> str:
    """The kind as a noun in a sentence: "client" (its label "Users" names the people, not the kind)."""
    return "client" if kind == CLIENT else readable_kind(kind)
