"""Live mode's registry of kinds: what each kind of node runs as, on this machine and in a container.

The core registry says what a kind is; an entry here says how it runs for real: the prefix of its safe name,
the process live mode starts for it (``services``), its port and image in a container and its compose service,
and, for a store, the address a server is given to reach it. Everything else in ``live`` asks this registry
(or the core's roles), never a kind's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.catalog import LOAD_BALANCER, OBJECT_STORAGE, POSTGRES, REDIS, SERVER, WEBSOCKET_SERVER
from ..core.registry import Registry

PG_USER = "statediagram"
PG_DB = "postgres"  # made by initdb and by the postgres image alike
APP_PORT = 8000  # the app's own default (app.main)
PG_SERVER = "postgres"  # PostgreSQL's server program, beside initdb


@dataclass(frozen=True)
class LiveKind:
    name: str
    prefix: str  # its nodes' safe names: "<prefix>-<id's letters and digits>"
    spec: str  # the ``services`` function that makes its live process
    port: int  # its port inside a container
    image: str
    # The compose service (without depends_on and ports): given the node's props and its volume name.
    compose: Callable[[dict[str, Any], str], dict[str, Any]] = lambda props, volume: {}
    volume: str = ""  # a named volume for its data in a container, mounted here
    # A store holding sessions or carts: the URL a server is given, from host, port and the password.
    url: Callable[[str, int, str], str] | None = None
    s3: bool = False  # a store holding uploads through the S3 protocol
    args_only: bool = False  # Kubernetes: its compose command is the image's arguments, not its command


LIVE_KINDS: Registry[LiveKind] = Registry("live runner", "live/kinds.py")
register = LIVE_KINDS.register


def live_kind(kind: str) -> LiveKind | None:
    """The entry of ``kind``, or None: a kind with none cannot be run for real (``kinds_not_live`` says which)."""
    return LIVE_KINDS.get(kind)


def kinds_not_live(diagram) -> list[str]:
    """The kinds in ``diagram`` that live mode and deploy cannot run yet (clients run as load, not processes)."""
    from ..core.catalog import Role, role_of

    return sorted({n.kind for n in diagram.nodes if n.kind not in LIVE_KINDS and role_of(n.kind) != Role.USERS})


def _pg_url(host: str, port: int, password: str) -> str:
    auth = f"{PG_USER}:{password}" if password else PG_USER
    return f"postgresql://{auth}@{host}:{port}/{PG_DB}"


register(LiveKind(SERVER, "server", "server_spec", APP_PORT, "statediagram-app:latest"))
# The same app: its chat socket keeps the history and publishes where HISTORY_STORE and PUBSUB_STORE say.
register(LiveKind(WEBSOCKET_SERVER, "chat", "server_spec", APP_PORT, "statediagram-app:latest"))
register(LiveKind(LOAD_BALANCER, "lb", "load_balancer_spec", 8080, "haproxy:2.8"))
register(LiveKind(
    REDIS, "redis", "redis_spec", 6379, "redis:7",
    compose=lambda props, volume: {"command": ["redis-server", "--appendonly",
                                               "yes" if props.get("persistent") else "no", "--save", ""]},
    url=lambda host, port, password: f"redis://{host}:{port}/0",
))
register(LiveKind(
    POSTGRES, "postgres", "postgres_spec", 5432, "postgres:16",
    compose=lambda props, volume: {"environment": {
        "POSTGRES_USER": PG_USER, "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD}", "POSTGRES_DB": PG_DB}},
    volume="/var/lib/postgresql/data", url=_pg_url,
))
register(LiveKind(
    OBJECT_STORAGE, "s3", "object_storage_spec", 9000, "minio/minio",
    compose=lambda props, volume: {"command": ["server", "/data"], "environment": {
        "MINIO_ROOT_USER": "statediagram", "MINIO_ROOT_PASSWORD": "${MINIO_ROOT_PASSWORD}"}},
    volume="/data", s3=True, args_only=True,
))
