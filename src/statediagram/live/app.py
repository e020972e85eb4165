"""The web application every server node runs, for real: Starlette on uvicorn.

It keeps each kind of state where the diagram's wiring says (``core.topology.state_homes``), told by
environment variables only, so the same code runs in live mode and in a container (12-factor):

``SERVER_NAME``     the name it answers with in the ``X-Server`` header (a safe name, never a node id)
``AUTH``            ``session`` (a session id cookie, the session kept server-side) or ``jwt``
``JWT_SECRET``      the HS256 key every server shares (``AUTH=jwt``)
``SESSION_STORE``   ``memory`` or ``redis://HOST:PORT/0``
``CART_STORE``      ``memory``, ``redis://...`` or ``postgresql://USER@HOST:PORT/DB``
``UPLOAD_STORE``    ``disk:/a/folder`` or ``s3://BUCKET`` (with ``S3_ENDPOINT_URL`` and the usual ``AWS_*``)
``HISTORY_STORE``   the chat socket's history (``/chat``, see ``chat.py``): ``memory``, ``redis://`` or ``postgresql://``
``PUBSUB_STORE``    ``memory`` (this server's own members only) or ``redis://...`` (PUBLISH to the other servers)

Every answer says which server gave it (``X-Server``) and how many calls it made to each store
(``X-Store-Calls: sessions=1,cart=1``). A store that cannot be reached gives 503 with ``X-Store-Down``
naming its role (``sessions``, ``cart`` or ``uploads``): the user sees an outage, as in the simulation.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import re
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SESSION_TTL_S = 3600
COOKIE = "session"
MAX_UPLOAD = 1 << 20  # an avatar is small; a bigger body is refused (413)
STORE_TIMEOUT_S = 2.5  # a store that does not answer within this is down for this request (a crash is refused at once)
_USER_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class StoreDown(Exception):
    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


class Config:
    """The server's settings, read from the environment once."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        env = dict(os.environ if env is None else env)
        self.name = env.get("SERVER_NAME", "app")
        self.auth = env.get("AUTH", "session")
        if self.auth not in ("session", "jwt"):
            raise ValueError(f"AUTH must be session or jwt, not {self.auth!r}")
        self.jwt_secret = env.get("JWT_SECRET", "")
        if self.auth == "jwt" and len(self.jwt_secret) < 32:
            raise ValueError("AUTH=jwt needs JWT_SECRET, at least 32 characters, the same on every server")
        self.sessions = env.get("SESSION_STORE", "memory")
        self.carts = env.get("CART_STORE", "memory")
        self.uploads = env.get("UPLOAD_STORE", "disk:" + str(Path.cwd() / "uploads"))
        self.s3_endpoint = env.get("S3_ENDPOINT_URL") or None
        for var, value, schemes in (("SESSION_STORE", self.sessions, ("memory", "redis://")),
                                    ("CART_STORE", self.carts, ("memory", "redis://", "postgresql://")),
                                    ("UPLOAD_STORE", self.uploads, ("disk:", "s3://"))):
            if not value.startswith(schemes):
                raise ValueError(f"{var} must start with one of {', '.join(schemes)}; it is {value!r}")


# --- the stores --------------------------------------------------------------------------------------


class Calls:
    """Counts the store calls one request makes, by role, for the X-Store-Calls header."""

    def __init__(self) -> None:
        self.n: dict[str, int] = {}

    def add(self, role: str) -> None:
        self.n[role] = self.n.get(role, 0) + 1

    def header(self) -> str:
        return ",".join(f"{k}={v}" for k, v in sorted(self.n.items()))


class MemoryKV:
    """The process's own RAM: gone when the process dies."""

    def __init__(self) -> None:
        self.sessions: dict[str, str] = {}
        self.carts: dict[str, dict[str, int]] = {}

    async def set_session(self, sid: str, user: str) -> None:
        self.sessions[sid] = user

    async def get_session(self, sid: str) -> str | None:
        return self.sessions.get(sid)

    async def add_to_cart(self, user: str, product: str) -> None:
        cart = self.carts.setdefault(user, {})
        cart[product] = cart.get(product, 0) + 1

    async def cart(self, user: str) -> dict[str, int]:
        return dict(self.carts.get(user, {}))

    def remote(self) -> bool:
        return False


class RedisKV:
    """A real Redis, through redis-py's asyncio client: SET/GET with expiry for sessions, a hash per cart."""

    def __init__(self, url: str, role: str) -> None:
        import redis.asyncio as aioredis

        self.role = role
        self.errors = (aioredis.ConnectionError, aioredis.TimeoutError, OSError)
        self.r = aioredis.Redis.from_url(url, socket_connect_timeout=STORE_TIMEOUT_S, socket_timeout=STORE_TIMEOUT_S,
                                         decode_responses=True)

    async def _do(self, coro_fn):
        try:
            return await coro_fn()
        except self.errors as exc:
            raise StoreDown(self.role) from exc

    async def set_session(self, sid: str, user: str) -> None:
        await self._do(lambda: self.r.set(f"session:{sid}", user, ex=SESSION_TTL_S))

    async def get_session(self, sid: str) -> str | None:
        return await self._do(lambda: self.r.get(f"session:{sid}"))

    async def add_to_cart(self, user: str, product: str) -> None:
        await self._do(lambda: self.r.hincrby(f"cart:{user}", product, 1))

    async def cart(self, user: str) -> dict[str, int]:
        got = await self._do(lambda: self.r.hgetall(f"cart:{user}"))
        return {k: int(v) for k, v in got.items()}

    def remote(self) -> bool:
        return True


class Postgres:
    """A real PostgreSQL (psycopg 3), with a table this server creates when it first needs it (``SCHEMA``);
    a store it cannot reach is down for the role it keeps."""

    SCHEMA = ""
    ROLE = ""

    def __init__(self, url: str) -> None:
        import psycopg

        self.psycopg = psycopg
        self.url = url
        self.conn = None
        self.lock = asyncio.Lock()

    async def _conn(self):
        if self.conn is None or self.conn.closed:
            try:
                conn = await asyncio.wait_for(
                    self.psycopg.AsyncConnection.connect(self.url, autocommit=True, connect_timeout=2),
                    STORE_TIMEOUT_S * 2)
                async with conn.transaction():  # servers starting together: one creates the table
                    await conn.execute("SELECT pg_advisory_xact_lock(14)")
                    await conn.execute(self.SCHEMA)
            except (TimeoutError, self.psycopg.Error, OSError) as exc:
                raise StoreDown(self.ROLE) from exc
            self.conn = conn
        return self.conn

    async def _execute(self, sql: str, params: tuple) -> list[tuple]:
        async with self.lock:
            for attempt in (1, 2):  # a connection made before the database restarted fails once: make a new one
                fresh = self.conn is None or self.conn.closed
                conn = await self._conn()
                try:
                    cur = await asyncio.wait_for(conn.execute(sql, params), STORE_TIMEOUT_S * 2)
                    return await cur.fetchall() if cur.description else []
                except (TimeoutError, self.psycopg.Error, OSError) as exc:
                    await _close_quietly(conn)
                    self.conn = None
                    if fresh or attempt == 2 or isinstance(exc, TimeoutError):
                        raise StoreDown(self.ROLE) from exc
            raise StoreDown(self.ROLE)

    def remote(self) -> bool:
        return True


class PostgresCarts(Postgres):
    """Carts in PostgreSQL: one row per user and product."""

    SCHEMA = ("CREATE TABLE IF NOT EXISTS cart_items (user_id text NOT NULL, product text NOT NULL, "
              "quantity integer NOT NULL, PRIMARY KEY (user_id, product))")
    ROLE = "cart"

    async def add_to_cart(self, user: str, product: str) -> None:
        await self._execute(
            "INSERT INTO cart_items (user_id, product, quantity) VALUES (%s, %s, 1) "
            "ON CONFLICT (user_id, product) DO UPDATE SET quantity = cart_items.quantity + 1", (user, product))

    async def cart(self, user: str) -> dict[str, int]:
        rows = await self._execute("SELECT product, quantity FROM cart_items WHERE user_id = %s", (user,))
        return {p: int(q) for p, q in rows}


async def _close_quietly(conn) -> None:
    with contextlib.suppress(Exception):  # the connection is already broken; closing it is a courtesy
        await conn.close()


class DiskFiles:
    """Uploads in a folder of this server's own (its local disk)."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        return self.folder / name

    async def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)

    async def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None

    def remote(self) -> bool:
        return False


class S3Files:
    """Uploads in S3-compatible object storage (boto3; MinIO, moto or AWS), in a bucket made if missing."""

    def __init__(self, bucket: str, endpoint: str | None) -> None:
        import boto3
        import botocore.config
        import botocore.exceptions

        self.bucket = bucket
        self.exc = botocore.exceptions
        cfg = botocore.config.Config(connect_timeout=STORE_TIMEOUT_S, read_timeout=STORE_TIMEOUT_S * 2,
                                     retries={"max_attempts": 1, "mode": "standard"})
        self.s3 = boto3.client("s3", endpoint_url=endpoint, config=cfg,
                               region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
        self.ready = False

    def _run(self, fn):
        try:
            if not self.ready:
                try:
                    self.s3.head_bucket(Bucket=self.bucket)
                except self.exc.ClientError:
                    try:
                        self.s3.create_bucket(Bucket=self.bucket)
                    except self.exc.ClientError as exc:  # another server made it first
                        if exc.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou",
                                                                             "BucketAlreadyExists"):
                            raise
                self.ready = True
            return fn()
        except (self.exc.BotoCoreError, self.exc.ClientError, OSError) as exc:
            if isinstance(exc, self.exc.ClientError) and exc.response.get("Error", {}).get("Code") in (
                    "NoSuchKey", "404"):
                return None
            raise StoreDown("uploads") from exc

    async def put(self, name: str, data: bytes) -> None:
        await asyncio.to_thread(self._run, lambda: self.s3.put_object(Bucket=self.bucket, Key=name, Body=data))

    async def get(self, name: str) -> bytes | None:
        got = await asyncio.to_thread(self._run, lambda: self.s3.get_object(Bucket=self.bucket, Key=name))
        return None if got is None else got["Body"].read()

    def remote(self) -> bool:
        return True


# --- the application ---------------------------------------------------------------------------------


class Server:
    """One server's state handles and request handlers."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self._made = False
        if cfg.auth == "jwt":
            import jwt

            self.jwt = jwt

    def modules(self) -> list[str]:
        """The client libraries this server's stores need (imported ahead by ``warm_up``)."""
        cfg = self.cfg
        out = []
        if "redis://" in (cfg.sessions[:8], cfg.carts[:8]):
            out.append("redis.asyncio")
        if cfg.carts.startswith("postgresql://"):
            out.append("psycopg")
        if cfg.uploads.startswith("s3://"):
            out.append("boto3")
        return out

    def warm_up(self) -> None:
        """Import the store clients on a helper thread while /health already answers.

        Why: boto3, psycopg and redis take 1.0, 0.5 and 0.5 s to import on a busy 2-core machine; a restarted
        server that imported them before listening was out of its load balancer 2-3 s longer.
        """
        for name in self.modules():
            importlib.import_module(name)

    def stores(self) -> None:
        if self._made:
            return
        cfg = self.cfg
        memory = MemoryKV()
        self.sessions = memory if cfg.sessions == "memory" else RedisKV(cfg.sessions, "sessions")
        if cfg.carts == "memory":
            self.carts = memory
        elif cfg.carts.startswith("redis://"):
            self.carts = RedisKV(cfg.carts, "cart")
        else:
            self.carts = PostgresCarts(cfg.carts)
        if cfg.uploads.startswith("s3://"):
            self.files = S3Files(cfg.uploads[len("s3://"):].strip("/") or "avatars", cfg.s3_endpoint)
        else:
            self.files = DiskFiles(cfg.uploads[len("disk:"):])
        self._made = True

    def reply(self, calls: Calls, status: int = 200, body: Any = None, **headers: str) -> Response:
        h = {"X-Server": self.cfg.name, "X-Store-Calls": calls.header(), **headers}
        if isinstance(body, bytes):
            return Response(body, status, headers=h, media_type="image/png")
        return JSONResponse(body if body is not None else {}, status, headers=h)

    async def user_of(self, request: Request, calls: Calls) -> str | None:
        """The logged-in user, or None (the caller answers 401)."""
        if self.cfg.auth == "jwt":
            head = request.headers.get("authorization", "")
            if not head.startswith("Bearer "):
                return None
            try:
                claims = self.jwt.decode(head[7:], self.cfg.jwt_secret, algorithms=["HS256"],
                                         options={"require": ["exp", "sub"]})
            except self.jwt.InvalidTokenError:
                return None
            return str(claims["sub"])
        sid = request.cookies.get(COOKIE)
        if not sid or len(sid) > 128:
            return None
        if self.sessions.remote():
            calls.add("sessions")
        return await self.sessions.get_session(sid)

    async def handle(self, request: Request) -> Response:
        calls = Calls()
        if not self._made:
            await asyncio.to_thread(self.stores)  # waits for the warm-up's imports without blocking the loop
        try:
            return await self._route(request, calls)
        except StoreDown as down:
            return self.reply(calls, 503, {"error": "store_down", "store": down.role}, **{"X-Store-Down": down.role})

    async def _route(self, request: Request, calls: Calls) -> Response:
        path, method = request.url.path, request.method
        if path == "/login":
            body = await _json(request)
            user = str(body.get("user", "")) if isinstance(body, dict) else ""
            if not _USER_RE.match(user):
                return self.reply(calls, 400, {"error": "login needs a user: letters, digits, _.@- (64 at most)"})
            if self.cfg.auth == "jwt":
                now = int(time.time())
                token = self.jwt.encode({"sub": user, "iat": now, "exp": now + SESSION_TTL_S},
                                        self.cfg.jwt_secret, algorithm="HS256")
                return self.reply(calls, 200, {"user": user, "token": token})
            sid = secrets.token_hex(16)
            if self.sessions.remote():
                calls.add("sessions")
            await self.sessions.set_session(sid, user)
            resp = self.reply(calls, 200, {"user": user})
            resp.set_cookie(COOKIE, sid, max_age=SESSION_TTL_S, httponly=True, samesite="lax")
            return resp
        user = await self.user_of(request, calls)
        if user is None:
            return self.reply(calls, 401, {"error": "not logged in"})
        if path == "/profile":
            return self.reply(calls, 200, {"user": user, "answered_by": self.cfg.name})
        if path == "/cart":
            if self.carts.remote():
                calls.add("cart")
            if method == "POST":
                body = await _json(request)
                product = str(body.get("product", "")) if isinstance(body, dict) else ""
                if not _USER_RE.match(product):
                    return self.reply(calls, 400, {"error": "add a product: letters, digits, _.@- (64 at most)"})
                await self.carts.add_to_cart(user, product)
                return self.reply(calls, 200, {"added": product})
            return self.reply(calls, 200, {"items": await self.carts.cart(user)})
        name = f"avatars/{user}.png"
        if self.files.remote():
            calls.add("uploads")
        if method == "POST":
            data = await request.body()
            if len(data) > MAX_UPLOAD:
                return self.reply(calls, 413, {"error": "an avatar is at most 1 MiB"})
            await self.files.put(name, data)
            return self.reply(calls, 200, {"stored": name})
        data = await self.files.get(name)
        if data is None:
            return self.reply(calls, 404, {"error": "image not found"})
        return self.reply(calls, 200, data)


async def _json(request: Request) -> Any:
    body = await request.body()
    if len(body) > 4096:
        return None
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return None


def create_app(env: dict[str, str] | None = None) -> Starlette:
    """The application for the settings in ``env`` (default: this process's environment)."""
    server = Server(Config(env))

    async def health(request: Request) -> Response:
        return Response("ok\n", 200, headers={"X-Server": server.cfg.name}, media_type="text/plain")

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/login", server.handle, methods=["POST"]),
        Route("/profile", server.handle, methods=["GET"]),
        Route("/cart", server.handle, methods=["GET", "POST"]),
        Route("/avatar", server.handle, methods=["GET", "POST"]),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        warm = threading.Thread(target=server.warm_up, name="warm-up", daemon=True)
        warm.start()
        await hub.start()
        yield
        await hub.stop()

    try:  # the chat socket: a websocket server node's one endpoint
        from .chat import ChatHub
    except ImportError:  # run as a script (the deployment's image): chat.py is beside it
        from chat import ChatHub

    hub = ChatHub.from_env(server.cfg.name, env)
    routes.append(hub.route())

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.server = server
    app.state.chat = hub
    return app


def main() -> None:
    """Run this server with uvicorn on ``HOST``:``PORT`` (default 127.0.0.1:8000)."""
    import uvicorn

    app = create_app()
    if os.environ.get("WAIT_FOR_GO") == "1":
        # Live mode boots a restarted server ahead of its restart time (imports done, nothing served, no port
        # taken) and lets it serve when a line arrives on stdin: a restart at t serves from t, not 1-2 s later.
        app.state.server.warm_up()
        app.state.chat.warm_up()
        sys.stdin.readline()
    uvicorn.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8000")),
                log_level=os.environ.get("LOG_LEVEL", "warning"), access_log=False)


if __name__ == "__main__":
    main()
