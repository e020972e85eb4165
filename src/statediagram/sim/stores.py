"""The real stores behind the nodes: Redis (fakeredis or a real server), PostgreSQL (sqlite3),
object storage (a shared bucket), and signed tokens (PyJWT)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

SESSION_TTL_S = 3600
SECOND_US = 1_000_000
Table = tuple[str, list[str], list[list[str]]]  # what it holds in words ("3 keys"), column headers, rows


@dataclass(frozen=True)
class Seen:
    """When an inspector asks a store for its table: the play head, in simulated microseconds; and the nodes'
    labels, for a table that names another node."""

    t: int
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One Redis key as it stands: a string's value or a hash's (field, value) pairs, and the seconds of
    simulated time it has left (None: no expiry)."""

    key: str
    value: str | tuple[tuple[str, str], ...]
    ttl_s: int | None


@dataclass(frozen=True)
class File:
    """One file in object storage or on a server's own disk, as it stands: its name and its bytes."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


class CartRow(NamedTuple):
    """One row of a PostgreSQL node's cart_items table."""

    user_id: str
    product: str
    quantity: int


# Simulated t = 0 is this Unix time, so a token's iat/exp are plausible dates yet never read the clock.
EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z


class Store(Protocol):
    """What the engine and the replay ask of every store node, whatever its kind."""

    commands: int

    def count(self) -> int: ...  # how many items its snapshot lists (keys, rows, files), without reading them

    def table(self, seen: Seen) -> Table: ...  # what an inspector shows of it

    def close(self) -> None: ...


class RedisStore:
    """A Redis node on its own in-process fakeredis server. Commands go through the real ``redis`` client API.

    ``open_redis`` gives the node a real server instead (``realredis.RealRedisStore``): the same commands,
    under a per-run prefix, so a real server's other data is never touched.

    The client speaks RESP2 (``protocol=2``, redis-py's default before 8.0): under RESP3 each connection also
    gets maintenance-notification handlers that point back at it and at its pool, a reference cycle that
    only the cyclic garbage collector frees.
    """

    prefix = ""

    def __init__(self, node_id: str) -> None:
        import fakeredis

        self.node_id = node_id
        self.server = fakeredis.FakeServer()
        # fakeredis's public client only: each command is encoded as RESP and parsed again in process, as a
        # real server's would be (the private shortcut that skipped this saved ~25% of a command, GET 72 -> 56
        # microseconds on a busy machine, but reached into fakeredis's internals).
        self.client = fakeredis.FakeRedis(server=self.server, single_connection_client=True, protocol=2)
        self._connection = self.client.connection  # the node's one connection (see ``_get``)
        self.commands = 0
        self.set_at: dict[str, int] = {}  # session key -> simulated time it was set: its TTL runs from then

    def set_session(self, sid: str, user: str, at_us: int = 0) -> None:
        self.commands += 1
        self.client.set(f"{self.prefix}session:{sid}", user, ex=SESSION_TTL_S)
        self.set_at[f"session:{sid}"] = at_us

    @staticmethod
    def set_session_text(sid: str, user: str) -> str:
        """The command as the trace shows it (the run's key prefix left out)."""
        return f"SET session:{sid} {user} EX {SESSION_TTL_S}"

    @staticmethod
    def get_session_text(sid: str) -> str:
        return f"GET session:{sid}"

    @staticmethod
    def add_to_cart_text(user: str, product: str) -> str:
        return f"HINCRBY cart:{user} {product} 1"

    @staticmethod
    def cart_text(user: str) -> str:
        return f"HGETALL cart:{user}"

    def get_session(self, sid: str) -> str | None:
        self.commands += 1
        value = self._get(f"{self.prefix}session:{sid}")
        return value.decode() if value is not None else None

    def _get(self, key: str) -> bytes | None:
        """GET ``key``, sent and read on the node's own connection with redis-py's public ``Connection`` API.

        Why: a GET is the one store call of most requests in a drill, and the client's bookkeeping around each
        command (a retry wrapper, a lock, timings for observability), which one in-process connection used by one
        run's one thread has no use for, was a third of it: 41 -> 27 microseconds of CPU a GET (redis-py 8.1,
        fakeredis 2.41; the 40-server drill of ``benchmarks/bench_sim.py`` makes 158,000). The reply is the same
        bytes (GET has no response callback). A real server's node (``realredis.py``) keeps the client's retries
        and errors."""
        self._connection.send_command("GET", key)
        return self._connection.read_response()

    def add_to_cart(self, user: str, product: str) -> None:
        self.commands += 1
        self.client.hincrby(f"{self.prefix}cart:{user}", product, 1)

    def cart(self, user: str) -> dict[str, int]:
        self.commands += 1
        return {k.decode(): int(v) for k, v in self.client.hgetall(f"{self.prefix}cart:{user}").items()}

    # --- chat: a room's history as a sorted set (score = the message's number), and pub/sub ----------------

    def add_message(self, room: str, seq: int) -> None:
        self.commands += 1
        self.client.zadd(f"{self.prefix}chat:{room}", {f"m{seq}": seq})

    def messages_after(self, room: str, seq: int) -> list[int]:
        """The numbers of the room's messages newer than ``seq``, oldest first."""
        self.commands += 1
        return [int(score) for _m, score in
                self.client.zrangebyscore(f"{self.prefix}chat:{room}", f"({seq}", "+inf", withscores=True)]

    def publish(self, room: str, seq: int) -> None:
        self.commands += 1
        self.client.publish(f"{self.prefix}chat:{room}", f"m{seq}")

    @staticmethod
    def add_message_text(room: str, seq: int) -> str:
        return f"ZADD chat:{room} {seq} m{seq}"

    @staticmethod
    def messages_after_text(room: str, seq: int) -> str:
        return f"ZRANGEBYSCORE chat:{room} ({seq} +inf"

    @staticmethod
    def publish_text(room: str, seq: int) -> str:
        return f"PUBLISH chat:{room} m{seq}"

    def lose_keys(self) -> None:
        """What a crash without persistence does: every key is gone."""
        self.client.flushdb()
        self.set_at.clear()

    def keys(self) -> list[tuple[str, int]]:
        """(key, ttl seconds) of every key, for inspectors."""
        return [(key.decode(), int(self.client.ttl(key))) for key in sorted(self.client.scan_iter(count=500))]

    def key_count(self) -> int:
        return int(self.client.dbsize())

    def count(self) -> int:
        return self.key_count()  # a method, not an alias: a real server's store counts its run's keys only

    def entries(self, now_us: int) -> list[Entry]:
        """A read-only snapshot of this node's keys (a real server's: this run's only) at simulated ``now_us``,
        with the TTL a session key has left in simulated time (the server's own TTL runs on the wall clock)."""
        out = []
        for key, _ttl in self.keys():  # noqa: SIM118 - keys() lists (key, ttl)
            full = self.prefix + key
            if key.startswith("chat:"):  # a room's history (a sorted set); its channel carries the room's messages
                out.append(Entry(key, self._history_text(key), None))
            elif key.startswith("session:"):
                left = SESSION_TTL_S - (now_us - self.set_at.get(key, now_us)) // SECOND_US
                out.append(Entry(key, self.client.get(full).decode(), left))
            else:
                pairs = sorted((k.decode(), v.decode()) for k, v in self.client.hgetall(full).items())
                out.append(Entry(key, tuple(pairs), None))
        return out

    def table(self, seen: Seen) -> Table:
        rows = [[e.key, e.value if isinstance(e.value, str) else _hash_text(dict(e.value)),
                 "no expiry" if e.ttl_s is None else f"{e.ttl_s} s"] for e in self.entries(seen.t)]
        return f"{len(rows)} keys", ["key", "value", "TTL"], rows

    def _history_text(self, key: str) -> str:
        """A room's history in words: how many messages, the newest, and the channel that carries new ones."""
        n = int(self.client.zcard(self.prefix + key))
        newest = self.client.zrange(self.prefix + key, -1, -1)
        last = newest[0].decode() if newest else "none"
        return f"chat history: {n} messages (newest {last}); pub/sub channel {key}"

    def close(self) -> None:
        """End the node: its keys are gone (a real server's, this run's only), the connection is closed, and
        nothing is left in a reference cycle, so the client and an in-process server are freed as soon as the
        run is dropped."""
        self.lose_keys()
        pool = self.client.connection_pool
        self.client.close()
        pool.disconnect()  # each socket is closed now, not whenever its connection happens to be freed
        dbs = getattr(self.server, "dbs", None)
        if isinstance(dbs, defaultdict):  # its factory, a lambda, holds the fakeredis server that holds it
            dbs.default_factory = None


def open_redis(node_id: str, url: str | None = None) -> RedisStore:
    """The store behind a Redis node: embedded fakeredis, or the real server at ``url``."""
    if url is None:
        return RedisStore(node_id)
    from .realredis import RealRedisStore

    return RealRedisStore(node_id, url)


class PostgresStore:
    """A PostgreSQL node: real SQL on an in-memory sqlite3 database with a cart table."""

    CREATE = (
        "CREATE TABLE cart_items (user_id TEXT NOT NULL, product TEXT NOT NULL, "
        "quantity INTEGER NOT NULL, PRIMARY KEY (user_id, product))"
    )
    ADD = (
        "INSERT INTO cart_items (user_id, product, quantity) VALUES (?, ?, 1) "
        "ON CONFLICT (user_id, product) DO UPDATE SET quantity = quantity + 1"
    )
    SELECT = "SELECT product, quantity FROM cart_items WHERE user_id = ?"

    CREATE_CHAT = ("CREATE TABLE chat_messages (room TEXT NOT NULL, seq INTEGER NOT NULL, "
                   "PRIMARY KEY (room, seq))")
    ADD_MESSAGE = "INSERT INTO chat_messages (room, seq) VALUES (?, ?) ON CONFLICT DO NOTHING"
    AFTER = "SELECT seq FROM chat_messages WHERE room = ? AND seq > ? ORDER BY seq"

    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        self.db = sqlite3.connect(":memory:", isolation_level=None)
        self.db.execute(self.CREATE)
        self.db.execute(self.CREATE_CHAT)
        self.commands = 0

    def add_message(self, room: str, seq: int) -> None:
        self.commands += 1
        self.db.execute(self.ADD_MESSAGE, (room, seq))

    def messages_after(self, room: str, seq: int) -> list[int]:
        self.commands += 1
        return [row[0] for row in self.db.execute(self.AFTER, (room, seq))]

    @staticmethod
    def add_message_text(room: str, seq: int) -> str:
        return f"INSERT INTO chat_messages VALUES ('{room}', {seq})"

    @staticmethod
    def messages_after_text(room: str, seq: int) -> str:
        return f"SELECT seq FROM chat_messages WHERE room = '{room}' AND seq > {seq}"

    def add_to_cart(self, user: str, product: str) -> None:
        self.commands += 1
        self.db.execute(self.ADD, (user, product))

    def cart(self, user: str) -> dict[str, int]:
        self.commands += 1
        return dict(self.db.execute(self.SELECT, (user,)).fetchall())

    @staticmethod
    def add_to_cart_text(user: str, product: str) -> str:
        return (f"INSERT INTO cart_items VALUES ('{user}', '{product}', 1) ON CONFLICT "
                "DO UPDATE SET quantity = quantity + 1")

    @staticmethod
    def cart_text(user: str) -> str:
        return f"SELECT product, quantity FROM cart_items WHERE user_id = '{user}'"

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM cart_items").fetchone()[0]

    def rows(self) -> list[CartRow]:
        """A read-only snapshot of the cart_items table, in (user_id, product) order."""
        query = "SELECT user_id, product, quantity FROM cart_items ORDER BY user_id, product"
        return [CartRow(*row) for row in self.db.execute(query)]

    def table(self, seen: Seen) -> Table:
        rows = [[r.user_id, r.product, str(r.quantity)] for r in self.rows()]
        return f"table cart_items, {len(rows)} rows", ["user_id", "product", "quantity"], rows

    def close(self) -> None:
        self.db.close()


class Bucket:
    """Object storage, or a server's local disk: named files with their bytes."""

    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}
        self.commands = 0

    def put(self, name: str, data: bytes) -> None:
        self.commands += 1
        self._objects[name] = data

    def get(self, name: str) -> bytes | None:
        self.commands += 1
        return self._objects.get(name)

    @staticmethod
    def put_text(name: str) -> str:
        return f"PUT {name}"

    @staticmethod
    def get_text(name: str) -> str:
        return f"GET {name}"

    def files(self) -> tuple[File, ...]:
        """A read-only snapshot of the files it holds, by name."""
        return tuple(File(name, data) for name, data in sorted(self._objects.items()))

    def count(self) -> int:
        return len(self._objects)

    def table(self, seen: Seen) -> Table:
        rows = [[f.name, f"{f.size} bytes"] for f in self.files()]
        return f"{len(rows)} files", ["object", "size"], rows

    def close(self) -> None:
        self._objects = {}


class LocalDisk(Bucket):
    """A server's own local disk: files under /var/uploads, lost when the machine is replaced."""

    @staticmethod
    def put_text(name: str) -> str:
        return f"write /var/uploads/{name}"

    @staticmethod
    def get_text(name: str) -> str:
        return f"read /var/uploads/{name}"


def _hash_text(mapping: dict) -> str:
    items = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
             for k, v in mapping.items()}
    return ", ".join(f"{k}×{v}" for k, v in sorted(items.items()))


class TokenSigner:
    """Issues and verifies HS256 JWTs with a key every server shares, derived from the seed."""

    ALGORITHMS = ["HS256"]  # pinned: a token claiming another algorithm (or "none") is rejected

    def __init__(self, seed: int) -> None:
        import jwt

        self._jwt = jwt
        self.key = hashlib.sha256(f"statediagram-jwt-key:{seed}".encode()).digest()

    def issue(self, user: str, now_s: float) -> str:
        iat = EPOCH + int(now_s)
        return self._jwt.encode({"sub": user, "iat": iat, "exp": iat + SESSION_TTL_S}, self.key, algorithm="HS256")

    def verify(self, token: str, now_s: float) -> dict[str, Any] | None:
        """The token's claims when its signature and expiry hold at simulated time ``now_s``, else None."""
        try:
            claims = self._jwt.decode(
                token,
                self.key,
                algorithms=self.ALGORITHMS,
                options={"verify_exp": False, "verify_iat": False, "require": ["sub", "iat", "exp"]},
            )
        except self._jwt.PyJWTError:
            return None
        if not isinstance(claims.get("exp"), int | float) or EPOCH + now_s >= claims["exp"]:
            return None
        return claims
