"""What runs for each node, under which safe name, and with which environment (shared by live and deploy).

Node ids come from student files: they never reach a command line, a config file, YAML or a path. Every
node gets a generated name made of ``[a-z0-9-]`` only (``server-a``, ``redis``, ``server-2``), and that name
is what processes, HAProxy server lines, compose services and folders are called.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..core.catalog import CLIENT, LOAD_BALANCER, OBJECT_STORAGE, POSTGRES, REDIS, SERVER
from ..core.model import Diagram
from ..core.topology import DISK, RAM, TOKEN, state_homes

RUN_KINDS = (SERVER, LOAD_BALANCER, REDIS, POSTGRES, OBJECT_STORAGE)  # kinds that become a process
_PREFIX = {SERVER: "server", LOAD_BALANCER: "lb", REDIS: "redis", POSTGRES: "postgres", OBJECT_STORAGE: "s3"}
_SLUG_MAX = 24
BUCKET = "avatars"
PG_USER = "statediagram"
PG_DB = "postgres"  # made by initdb and by the postgres image alike


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:_SLUG_MAX].strip("-")


def safe_names(diagram: Diagram) -> dict[str, str]:
    """A unique safe name for every node that runs as a process, in node id order.

    ``server-`` plus the id's letters and digits when that is unique and not empty, else ``server-N``.
    A name is at most 32 characters, starts with a letter and matches ``[a-z][a-z0-9-]*``.
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for kind in RUN_KINDS:
        prefix = _PREFIX[kind]
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

    def kind(self, node_id: str) -> str:
        return self.diagram.node(node_id).kind

    def nodes_of(self, kind: str) -> list[str]:
        return [n for n in self.diagram.ids_of(kind) if n in self.names]

    def servers_behind(self, lb: str) -> list[str]:
        d = self.diagram
        return sorted(o for o in d.neighbours(lb) if d.node(o).kind == SERVER)

    def entries(self, client: str) -> list[str]:
        d = self.diagram
        return sorted(o for o in d.neighbours(client) if d.node(o).kind in (LOAD_BALANCER, SERVER))

    def clients(self) -> list[str]:
        return self.diagram.ids_of(CLIENT)


def layout(diagram: Diagram) -> Layout:
    return Layout(diagram, safe_names(diagram))


def server_env(lay: Layout, server: str, addr: Callable[[str], Address], jwt_secret: str, upload_dir: str,
               pg_password: str = "") -> dict[str, str]:
    """The environment that makes the app keep state where the wiring says, for one server.

    ``addr`` gives the address of a store node (127.0.0.1 and a port in live mode, a service name in compose).
    """
    homes = state_homes(lay.diagram)[server]
    node = lay.diagram.node(server)
    env = {"SERVER_NAME": lay.names[server], "AUTH": node.props.get("auth", "session")}
    if homes.sessions.place == TOKEN:
        env["JWT_SECRET"] = jwt_secret
        env["SESSION_STORE"] = "memory"  # never used: a token carries the login
    else:
        env["SESSION_STORE"] = _url(homes.sessions, addr, pg_password)
    env["CART_STORE"] = _url(homes.cart, addr, pg_password)
    if homes.uploads.place == DISK:
        env["UPLOAD_STORE"] = "disk:" + upload_dir
    else:
        a = addr(homes.uploads.node)
        env["UPLOAD_STORE"] = f"s3://{BUCKET}"
        env["S3_ENDPOINT_URL"] = f"http://{a.host}:{a.port}"
    return env


def _url(home, addr: Callable[[str], Address], pg_password: str) -> str:
    if home.place == RAM:
        return "memory"
    a = addr(home.node)
    if home.place == REDIS:
        return f"redis://{a.host}:{a.port}/0"
    auth = f"{PG_USER}:{pg_password}" if pg_password else PG_USER
    return f"postgresql://{auth}@{a.host}:{a.port}/{PG_DB}"
