"""What process each kind of node runs as in live mode, one entry per kind (``SERVICES``).

A missing program is reported with the Debian package that provides it and what live mode can do without it.
"""

from __future__ import annotations

import contextlib
import glob
import grp
import http.client
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .haproxy import READY_PATH, haproxy_config
from .kinds import LIVE_KINDS, PG_SERVER
from .layout import PG_DB, PG_USER, Address, Layout, server_env
from .supervisor import Spec, StartFailed, Supervisor, free_port, passable, port_open

LOCAL = "127.0.0.1"
UNPRIVILEGED = "nobody"  # PostgreSQL refuses to run as root


class Missing(Exception):
    """A program live mode needs is not installed; the message says which Debian package has it."""


@dataclass
class Context:
    """What every service of one run shares."""

    layout: Layout
    sup: Supervisor
    ports: dict[str, int]  # node id -> port on 127.0.0.1
    jwt_secret: str
    check_ms: int
    redis_fallback: bool = False

    def addr(self, node: str) -> Address:
        return Address(LOCAL, self.ports[node])

    def label(self, node: str) -> str:
        return self.layout.diagram.node(node).label


def http_ok(port: int, path: str = "/health") -> bool:
    try:
        conn = http.client.HTTPConnection(LOCAL, port, timeout=2.0)
        conn.request("GET", path)
        ok = conn.getresponse().status < 500
        conn.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


def redis_ok(port: int) -> bool:
    try:
        with socket.create_connection((LOCAL, port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def postgres_ok(port: int) -> bool:
    if not port_open(port):
        return False
    import psycopg

    try:
        with psycopg.connect(f"postgresql://{PG_USER}@{LOCAL}:{port}/{PG_DB}", connect_timeout=1):
            return True
    except psycopg.Error:
        return False


def find_postgres_bin(name: str) -> str | None:
    """``initdb``/``postgres`` on the PATH, else in Debian's versioned folder (the newest version)."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return versions[-1] if versions else None


# --- one function per kind ------------------------------------------------------------------------------


def server_spec(ctx: Context, node: str) -> Spec:
    name = ctx.layout.names[node]
    uploads = ctx.sup.folder(f"{name}-disk")
    env = server_env(ctx.layout, node, ctx.addr, ctx.jwt_secret, str(uploads))
    env.update({"HOST": LOCAL, "PORT": str(ctx.ports[node]), "AWS_ACCESS_KEY_ID": "live",
                "AWS_SECRET_ACCESS_KEY": "live", "AWS_DEFAULT_REGION": "us-east-1"})
    port = ctx.ports[node]

    def wipe() -> None:  # a new blank machine: its local disk is empty
        shutil.rmtree(uploads, ignore_errors=True)
        uploads.mkdir()

    return Spec(name, ctx.label(node), [sys.executable, "-m", "statediagram.live.app"], lambda: http_ok(port),
                env=env, wipe=wipe, boots_ahead=True)


def load_balancer_spec(ctx: Context, node: str) -> Spec:
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise Missing(f"{ctx.label(node)} runs as HAProxy, which is not installed: apt-get install haproxy. "
                      "Without it, run the design with statediagram simulate, or draw clients linked to servers.")
    name = ctx.layout.names[node]
    lay = ctx.layout
    servers = [(lay.names[s], ctx.addr(s)) for s in lay.servers_behind(node)]
    cfg = ctx.sup.folder(name) / "haproxy.cfg"
    text = haproxy_config(name, ctx.addr(node), lay.diagram.node(node).props.get("policy", "round_robin"),
                          servers, check_ms=ctx.check_ms)
    cfg.write_text(text)
    port = ctx.ports[node]
    # Ready when it believes every server healthy (READY_PATH): users sent before its first checks would meet an
    # outage no design has, or all go to the one server checked first.
    ready = (lambda: http_ok(port, READY_PATH)) if servers else (lambda: port_open(port))
    return Spec(name, ctx.label(node), [haproxy, "-db", "-f", str(cfg)], ready, starts_last=True)


def redis_spec(ctx: Context, node: str) -> Spec:
    name = ctx.layout.names[node]
    props = ctx.layout.diagram.node(node).props
    port = ctx.ports[node]
    folder = ctx.sup.folder(name)
    server = shutil.which("redis-server")
    if server is None:
        if not ctx.redis_fallback:
            raise Missing(f"{ctx.label(node)} runs as redis-server, which is not installed: apt-get install "
                          "redis-server. Without it, live mode can use fakeredis's TCP server instead "
                          "(--redis-fallback), which keeps no keys over a crash, persistent or not.")
        return Spec(name, ctx.label(node), [sys.executable, "-m", "statediagram.live.fakeredis_tcp", str(port)],
                    lambda: redis_ok(port))
    # A replica that takes over keeps the keys: played by the same Redis coming back with its append-only file.
    keeps = bool(props.get("persistent")) or int(props.get("replicas", 0)) >= 1
    argv = [server, "--port", str(port), "--bind", LOCAL, "--save", "", "--dir", str(folder),
            "--appendonly", "yes" if keeps else "no", "--appendfsync", "always", "--protected-mode", "no",
            "--daemonize", "no", "--logfile", ""]

    def wipe() -> None:  # a replaced Redis that is not persistent starts empty
        if not props.get("persistent"):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()

    return Spec(name, ctx.label(node), argv, lambda: redis_ok(port), wipe=wipe)


def _as_unprivileged() -> tuple[list[str], int, int] | None:
    """The command prefix that runs a program as ``nobody`` when we are root, and that user's ids."""
    if os.geteuid() != 0:
        return None
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise Missing("PostgreSQL refuses to run as root and setpriv is missing: apt-get install util-linux")
    user = pwd.getpwnam(UNPRIVILEGED)
    try:
        gid = grp.getgrnam("nogroup").gr_gid
    except KeyError:
        gid = user.pw_gid
    return [setpriv, f"--reuid={user.pw_uid}", f"--regid={gid}", "--clear-groups", "--"], user.pw_uid, gid


def postgres_spec(ctx: Context, node: str) -> Spec:
    initdb, postgres = find_postgres_bin("initdb"), find_postgres_bin(PG_SERVER)
    if initdb is None or postgres is None:
        raise Missing(f"{ctx.label(node)} runs as PostgreSQL, which is not installed: apt-get install postgresql. "
                      "Live mode has no stand-in for it: run this design with statediagram simulate.")
    name = ctx.layout.names[node]
    port = ctx.ports[node]
    prefix, uid, gid = _as_unprivileged() or ([], os.getuid(), os.getgid())
    folder = ctx.sup.folder_for_user(name, uid, gid)
    data, sock = folder / "data", folder / "socket"

    def prepare() -> None:
        sock.mkdir(exist_ok=True)
        shutil.copytree(template_cluster(initdb, prefix, uid, gid), data, symlinks=True)
        for path in (folder, sock, data):
            os.chown(path, uid, gid)
        for root, dirs, files in os.walk(data):
            for entry in dirs + files:
                os.lchown(os.path.join(root, entry), uid, gid)
        os.chmod(folder, 0o700)

    argv = [*prefix, postgres, "-D", str(data), "-p", str(port), "-k", str(sock), "-c", "listen_addresses=" + LOCAL,
            "-c", "fsync=off", "-c", "max_connections=40", "-c", "shared_buffers=16MB"]
    return Spec(name, ctx.label(node), argv, lambda: postgres_ok(port), prepare=prepare)


def template_cluster(initdb: str, prefix: list[str], uid: int, gid: int) -> Path:
    """An empty PostgreSQL cluster made once per machine and version, copied for each run.

    Why: initdb takes 2.2-3.2 s here (most of the 5-s start budget, on a busy 2-core machine); copying its
    39 MB result takes 0.13 s. The template lives in the user's cache folder, never in a run's folder.
    """
    import platformdirs

    version = Path(initdb).resolve().parent.parent.name  # /usr/lib/postgresql/15/bin/initdb -> "15"
    cache = Path(platformdirs.user_cache_dir("statediagram")) / f"postgres-{_slug_version(version)}-template"
    if (cache / "PG_VERSION").exists():
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.gettempdir())
    reachable = all(passable(p, uid, gid) for p in (base, *base.parents))
    work = Path(tempfile.mkdtemp(prefix="statediagram-initdb-", dir=None if reachable else "/tmp"))
    staged = Path(tempfile.mkdtemp(prefix="postgres-template-", dir=cache.parent))
    try:
        os.chmod(work, 0o755)
        os.chown(work, uid, gid)
        run = subprocess.run([*prefix, initdb, "-D", str(work / "data"), "-U", PG_USER, "--auth=trust", "-E",
                              "UTF8", "--no-sync", "--no-instructions"], capture_output=True, timeout=120, cwd=work)
        if run.returncode != 0:
            raise StartFailed(f"initdb failed: {run.stderr.decode(errors='replace')[-600:]}")
        shutil.copytree(work / "data", staged / "data", symlinks=True)
        with contextlib.suppress(OSError):  # another run made it meanwhile: theirs is as good
            (staged / "data").rename(cache)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(staged, ignore_errors=True)
    return cache


def _slug_version(text: str) -> str:
    return "".join(c for c in text if c.isalnum())[:16] or "unknown"


def object_storage_spec(ctx: Context, node: str) -> Spec:
    name = ctx.layout.names[node]
    port = ctx.ports[node]
    argv = [sys.executable, "-m", "moto.server", "-H", LOCAL, "-p", str(port)]
    # Object storage is a managed, replicated service: a crash makes it unreachable, it loses no file.
    # Ready once it listens: its first answer sets up its backends and can take seconds on a busy machine.
    return Spec(name, ctx.label(node), argv, lambda: port_open(port), freeze_on_crash=True,
                env={"AWS_ACCESS_KEY_ID": "live", "AWS_SECRET_ACCESS_KEY": "live"})


def build_specs(layout: Layout, sup: Supervisor, check_ms: int, redis_fallback: bool = False) -> tuple[
        list[Spec], Context]:
    """A spec per node that runs (stores first, then servers, then load balancers), and their shared context."""
    ports = {node: free_port() for node in layout.names}
    ctx = Context(layout, sup, ports, secrets.token_hex(32), check_ms, redis_fallback)
    specs = []
    problems = []
    for node in layout.in_start_order():
        make = globals()[LIVE_KINDS[layout.kind(node)].spec]  # a function of this module, named by the registry
        try:
            specs.append(make(ctx, node))
        except Missing as exc:
            problems.append(str(exc))
    if problems:
        raise Missing("\n".join(dict.fromkeys(problems)))
    return specs, ctx
