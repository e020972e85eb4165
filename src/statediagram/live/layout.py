"""What runs for each node, under which safe name, and with which environment (shared by live and deploy).

Node ids come from student files: they never reach a command line, a config file, YAML or a path. Every
node gets a generated name made of ``[a-z0-9-]`` only (``server-a``, ``redis``, ``server-2``), and that name
is what processes, HAProxy server lines, compose services and folders are called.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..core.catalog import KINDS, Role, role_of
from ..core.model import Diagram
from ..core.topology import DISK, RAM, TOKEN, state_homes
from .kinds import LIVE_KINDS, PG_DB, PG_USER  # noqa: F401 - PG_* are part of what layout offers

_SLUG_MAX = 24
BUCKET = "avatars"
START_ORDER = (Role.STORE, Role.SERVER, Role.BALANCER)  # a server finds its stores, a balancer its servers


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:_SLUG_MAX].strip("-")


def safe_names(diagram: Diagram) -> dict[str, str]:
    """A unique safe name for every node that runs as a process, in node id order.

    ``server-`` plus the id's letters and digits when that is unique and not empty, else ``server-N``.
    A name is at most 32 characters, starts with a letter and matches ``[a-z][a-z0-9-]*``.
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for kind, entry in LIVE_KINDS.items():
        prefix = entry.prefix
        for n, node_id in enumerate(diagram.ids_of(kind), start=1):
            slug = _slug(node_id)
            name = prefix if slug in ("", prefix) else f"{prefix}-{slug}"
            if slug.startswith(prefix + "-"):
                name = slug  # an id like "redis-main" stays "redis-main", not "redis-redis-main"
            if name in used:
                name = f"{prefix}-{n}"
                while name in used:
                    n += 1000
                    name = f"{prefix}-{n}"
            used.add(name)
            out[node_id] = name
    return out


@dataclass(frozen=True)
class Address:
    host: str
    port: int


@dataclass(frozen=True)
class Layout:
    """The run's nodes by safe name, and how each server finds its stores."""

    diagram: Diagram
    names: dict[str, str]  # node id -> safe name
    journey: str | None = None  # a run's journey: load balancers and clients reach only the servers that speak it

    def speaks(self, node_id: str) -> bool:
        return self.journey is None or self.journey in KINDS[self.kind(node_id)].journeys

    def kind(self, node_id: str) -> str:
        return self.diagram.node(node_id).kind

    def role(self, node_id: str) -> Role | None:
        return role_of(self.kind(node_id))

    def nodes_with(self, role: Role) -> list[str]:
        """The running nodes that play ``role``, in node id order."""
        return sorted(n for n in self.names if self.role(n) == role)

    def in_start_order(self) -> list[str]:
        return [n for role in START_ORDER for n in self.nodes_with(role)]

    def servers_behind(self, lb: str) -> list[str]:
        return sorted(o for o in self.diagram.neighbours(lb) if self.role(o) == Role.SERVER and self.speaks(o))

    def entries(self, client: str) -> list[str]:
        return sorted(o for o in self.diagram.neighbours(client)
                      if self.role(o) == Role.BALANCER or (self.role(o) == Role.SERVER and self.speaks(o)))

    def clients(self) -> list[str]:
        return sorted(n.id for n in self.diagram.nodes if role_of(n.kind) == Role.USERS)


def layout(diagram: Diagram, journey: str | None = None) -> Layout:
    """The run's layout; with ``journey``, as the simulation routes it (a chat to websocket servers only)."""
    return Layout(diagram, safe_names(diagram), journey)


def server_env(lay: Layout, server: str, addr: Callable[[str], Address], jwt_secret: str, upload_dir: str,
               pg_password: str = "") -> dict[str, str]:
    """The environment that makes the app keep state where the wiring says, for one server.

    ``addr`` gives the address of a store node (127.0.0.1 and a port in live mode, a service name in compose).
    """
    homes = state_homes(lay.diagram)[server]
    node = lay.diagram.node(server)
    env = {"SERVER_NAME": lay.names[server], "AUTH": node.props.get("auth", "session")}
    for state, home in homes.more:  # what else its kind keeps (a websocket server: HISTORY_STORE, PUBSUB_STORE)
        env[f"{state.upper()}_STORE"] = _url(home, addr, pg_password)
    if homes.sessions is None:  # a kind that keeps no sessions, carts or uploads
        return env
    if homes.sessions.place == TOKEN:
        env["JWT_SECRET"] = jwt_secret
        env["SESSION_STORE"] = "memory"  # never used: a token carries the login
    else:
        env["SESSION_STORE"] = _url(homes.sessions, addr, pg_password)
    env["CART_STORE"] = _url(homes.cart, addr, pg_password)
    if homes.uploads.place == DISK:
        env["UPLOAD_STORE"] = "disk:" + upload_dir
    else:
        entry = LIVE_KINDS.get(homes.uploads.place)
        if entry is None or not entry.s3:
            raise ValueError(f"live mode cannot keep uploads in {homes.uploads.place}")
        a = addr(homes.uploads.node)
        env["UPLOAD_STORE"] = f"s3://{BUCKET}"
        env["S3_ENDPOINT_URL"] = f"http://{a.host}:{a.port}"
    return env


def _url(home, addr: Callable[[str], Address], pg_password: str) -> str:
    if home.place == RAM:
        return "memory"
    entry = LIVE_KINDS.get(home.place)
    if entry is None or entry.url is None:
        raise ValueError(f"live mode cannot keep this state in {home.place}")
    a = addr(home.node)
    return entry.url(a.host, a.port, pg_password)
