"""The chat socket, for real: what a websocket server node runs (a WebSocket endpoint of the app, ``/chat``).

Each client node is one room. A user connects (``/chat?room=R&user=U&after=T``), and the server answers with a
first frame: ``{"hello": SERVER, "t": ..., "history": [[id, t], ...]}`` (the room's messages newer than ``after``,
read from the history on a reconnect) or ``{"error": "store_down", "store": ROLE}`` when a store it needs is down.
A message ``{"send": ID}`` is written to the room's history (``HISTORY_STORE``: ``memory``, ``redis://`` or
``postgresql://``), published to ``PUBSUB_STORE`` when that is a Redis (``PUBLISH chat:ROOM``), handed to the
room's members connected here, and acknowledged: ``{"ack": ID, "t": ..., "calls": {...}}`` (or with ``"error"``).
Members get ``{"msg": ID, "t": ...}``. A server subscribed to the Redis hands on what other servers published,
and subscribes again when that Redis comes back. A message's time ``t`` (microseconds of the wall clock) is when
its server wrote it to the history; the history is ordered by it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

try:
    from .app import Postgres, RedisKV, StoreDown
except ImportError:  # run as a script (the deployment's image): app.py is beside it
    from app import Postgres, RedisKV, StoreDown

MAX_FRAME = 4096  # a client's frame: a message id, nothing more
MAX_HISTORY = 5000  # messages a reconnect reads back, at most
_NAME_RE = re.compile(r"^[A-Za-z0-9_.:@-]{1,80}$")
CHANNEL = "chat:"


def now_us() -> int:
    return time.time_ns() // 1000


class MemoryHistory:
    """The room's history in the process's own RAM: gone when it dies, and no other server can read it."""

    def __init__(self) -> None:
        self.rooms: dict[str, dict[str, int]] = {}

    async def add(self, room: str, msg: str, t: int) -> int:
        return self.rooms.setdefault(room, {}).setdefault(msg, t)

    async def after(self, room: str, t: int) -> list[tuple[str, int]]:
        return sorted(((m, x) for m, x in self.rooms.get(room, {}).items() if x > t), key=lambda p: p[1])[
            :MAX_HISTORY]

    async def check(self) -> None:
        return None

    def remote(self) -> bool:
        return False


class RedisHistory(RedisKV):
    """The history in a real Redis: a sorted set per room, scored by the message's time."""

    async def add(self, room: str, msg: str, t: int) -> int:
        await self._do(lambda: self.r.zadd(f"history:{room}", {msg: t}, nx=True))  # a message sent again keeps its time
        got = await self._do(lambda: self.r.zscore(f"history:{room}", msg))
        return int(got if got is not None else t)

    async def after(self, room: str, t: int) -> list[tuple[str, int]]:
        got = await self._do(lambda: self.r.zrangebyscore(f"history:{room}", f"({t}", "+inf", start=0,
                                                          num=MAX_HISTORY, withscores=True))
        return [(m, int(x)) for m, x in got]

    async def check(self) -> None:
        await self._do(self.r.ping)


class PostgresHistory(Postgres):
    """The history in a real PostgreSQL: one row per message."""

    SCHEMA = ("CREATE TABLE IF NOT EXISTS chat_messages (room text NOT NULL, id text NOT NULL, t bigint NOT NULL, "
              "PRIMARY KEY (room, id))")
    ROLE = "history"

    async def add(self, room: str, msg: str, t: int) -> int:
        rows = await self._execute(
            "INSERT INTO chat_messages (room, id, t) VALUES (%s, %s, %s) ON CONFLICT (room, id) "
            "DO UPDATE SET t = chat_messages.t RETURNING t", (room, msg, t))
        return int(rows[0][0]) if rows else t

    async def after(self, room: str, t: int) -> list[tuple[str, int]]:
        rows = await self._execute("SELECT id, t FROM chat_messages WHERE room = %s AND t > %s ORDER BY t LIMIT %s",
                                   (room, t, MAX_HISTORY))
        return [(m, int(x)) for m, x in rows]

    async def check(self) -> None:
        await self._execute("SELECT 1", ())


class Member:
    """One open connection: its socket and a lock, so deliveries and answers never interleave mid-frame."""

    __slots__ = ("ws", "lock", "user", "waiting")

    def __init__(self, ws: WebSocket, user: str) -> None:
        self.ws, self.user, self.lock = ws, user, asyncio.Lock()
        self.waiting: list[tuple[str, int]] | None = []  # messages handed to it before its first frame went

    async def send(self, frame: dict[str, Any]) -> None:
        async with self.lock:
            await self.ws.send_text(json.dumps(frame))


class ChatHub:
    """The rooms of one websocket server: who is connected here, the history, and the Redis it publishes to."""

    def __init__(self, name: str, history: str, pubsub: str) -> None:
        self.name = name
        self.history_url, self.pubsub_url = history, pubsub
        self.rooms: dict[str, set[Member]] = {}
        self.history: Any = None
        self.publisher: RedisKV | None = None
        self.relay: asyncio.Task | None = None

    @classmethod
    def from_env(cls, name: str, env: dict[str, str] | None = None) -> ChatHub:
        import os

        env = dict(os.environ if env is None else env)
        history, pubsub = env.get("HISTORY_STORE", "memory"), env.get("PUBSUB_STORE", "memory")
        for var, value, schemes in (("HISTORY_STORE", history, ("memory", "redis://", "postgresql://")),
                                    ("PUBSUB_STORE", pubsub, ("memory", "redis://"))):
            if not value.startswith(schemes):
                raise ValueError(f"{var} must start with one of {', '.join(schemes)}; it is {value!r}")
        return cls(name, history, pubsub)

    def warm_up(self) -> None:
        """Import the stores' client libraries ahead (a server booted ahead of its restart does this first)."""
        import importlib

        for url, scheme, module in ((self.history_url, "redis://", "redis.asyncio"),
                                    (self.pubsub_url, "redis://", "redis.asyncio"),
                                    (self.history_url, "postgresql://", "psycopg")):
            if url.startswith(scheme):
                importlib.import_module(module)

    def route(self) -> WebSocketRoute:
        return WebSocketRoute("/chat", self.endpoint)

    async def start(self) -> None:
        """Make the stores' clients (imported here, after /health answers) and subscribe to the Redis."""
        if self.history_url.startswith("redis://"):
            self.history = RedisHistory(self.history_url, "history")
        elif self.history_url.startswith("postgresql://"):
            self.history = PostgresHistory(self.history_url)
        else:
            self.history = MemoryHistory()
        if self.pubsub_url.startswith("redis://"):
            self.publisher = RedisKV(self.pubsub_url, "pubsub")
            self.relay = asyncio.create_task(self._relay())

    async def stop(self) -> None:
        if self.relay is not None:
            self.relay.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.relay

    # --- one connection -----------------------------------------------------------------------------------

    async def endpoint(self, ws: WebSocket) -> None:
        q = ws.query_params
        room, user = q.get("room", ""), q.get("user", "")
        try:
            after = int(q.get("after", "-1"))
        except ValueError:
            after = -1
        if not (_NAME_RE.match(room) and _NAME_RE.match(user)):
            await ws.close(code=1008)
            return
        await ws.accept()
        member = Member(ws, user)
        calls: dict[str, int] = {}
        # A member of the room before the history is read: a message written after that read and handed on before
        # the member joined reached neither (a drill in the live tests lost one so, while a user reconnected). What
        # is handed on meanwhile waits until the first frame has gone, less what the history already gave.
        self.rooms.setdefault(room, set()).add(member)
        try:
            history = await self._connect(room, after, calls)
        except StoreDown as down:
            self.rooms.get(room, set()).discard(member)
            await member.send({"error": "store_down", "store": down.role, "answered_by": self.name,
                               "calls": calls})
            await ws.close(code=1011)
            return
        try:
            await member.send({"hello": self.name, "t": now_us(), "history": history, "calls": calls})
            waiting, member.waiting = member.waiting or [], None
            read = {m for m, _t in history}
            for msg, t in waiting:
                if msg not in read:
                    await member.send({"msg": msg, "t": t})
            while True:
                text = await ws.receive_text()
                if len(text) > MAX_FRAME:
                    continue
                try:
                    msg = str(json.loads(text)["send"])
                except (ValueError, KeyError, TypeError):
                    continue
                if _NAME_RE.match(msg):
                    await member.send(await self._message(room, msg, member))
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the user went away (or the socket broke): nothing to answer
        finally:
            self.rooms.get(room, set()).discard(member)

    async def _connect(self, room: str, after: int, calls: dict[str, int]) -> list[list[Any]]:
        """Every store this server uses must answer; a reconnect reads the history newer than ``after``."""
        if self.history.remote():
            calls["history"] = calls.get("history", 0) + 1
        got = await self.history.after(room, after) if after >= 0 else []
        if after < 0:
            await self.history.check()
        if self.publisher is not None:
            calls["pubsub"] = 1
            await self.publisher._do(self.publisher.r.ping)
        return [[m, t] for m, t in got]

    async def _message(self, room: str, msg: str, sender: Member) -> dict[str, Any]:
        calls: dict[str, int] = {}
        try:
            if self.history.remote():
                calls["history"] = 1
            t = await self.history.add(room, msg, now_us())
            if self.publisher is not None:
                calls["pubsub"] = 1
                frame = json.dumps({"room": room, "msg": msg, "t": t, "from": self.name})
                await self.publisher._do(lambda: self.publisher.r.publish(CHANNEL + room, frame))
        except StoreDown as down:
            return {"ack": msg, "error": "store_down", "store": down.role, "calls": calls}
        await self._hand(room, msg, t)
        return {"ack": msg, "t": t, "calls": calls}

    async def _hand(self, room: str, msg: str, t: int) -> None:
        """Give a message to the room's members connected here."""
        for m in list(self.rooms.get(room, ())):
            if m.waiting is not None:  # its first frame has not gone yet
                m.waiting.append((msg, t))
                continue
            with contextlib.suppress(Exception):  # a member whose socket just broke: it reconnects and reads back
                await m.send({"msg": msg, "t": t})

    async def _relay(self) -> None:
        """Hand on what the other servers publish; subscribe again whenever the Redis comes back."""
        import redis.asyncio as aioredis

        while True:
            client = aioredis.Redis.from_url(self.pubsub_url, socket_connect_timeout=1, decode_responses=True)
            try:
                pubsub = client.pubsub()
                await pubsub.psubscribe(CHANNEL + "*")
                async for item in pubsub.listen():
                    if item.get("type") != "pmessage":
                        continue
                    try:
                        data = json.loads(item["data"])
                    except (ValueError, TypeError):
                        continue
                    if isinstance(data, dict) and data.get("from") != self.name:
                        await self._hand(str(data.get("room", "")), str(data.get("msg", "")), int(data.get("t", 0)))
            except (aioredis.ConnectionError, aioredis.TimeoutError, OSError):
                await asyncio.sleep(0.2)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()
