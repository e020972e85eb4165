"""A Redis node on a real server (``--redis-url``): bounded waits, keys that never outlive the run, one clear
error when the server goes away.

Every key of one node of one run sits under ``statediagram:<run>:<node id>:`` and is removed when the run ends,
however it ends (normally, an error, Ctrl-C, SIGTERM). When the server itself dies mid-run nothing can be
removed then, so two more things make sure no key is left for good:

- every key carries a TTL (sessions and carts alike, ``KEY_TTL_S``), so a server restarted from its
  append-only file drops them within the hour even if statediagram never runs again;
- the run holds a lease, the key ``statediagram:<run>`` with a short TTL it renews while it works; the next
  run against that server deletes the keys of every run whose lease has lapsed, so a teacher who restarts
  the server and runs again finds nothing of the dead run. A node left idle longer than the lease (a long
  crash in a big run) takes it again, unless a sweep took its keys: its mark ``statediagram:<run>:alive``
  (never among the node's own keys) tells.

The client never retries a command: a retried ``HINCRBY`` would count an item twice, and a run that cannot
trust its store cannot give a verdict.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .stores import SESSION_TTL_S, RedisStore

TIMEOUT_S = 3.0  # a command, or a connect, that takes longer means the server stopped answering (SIGSTOP)
CLEANUP_TIMEOUT_S = 1.0  # cleaning up after a failure must not hold the user for long
KEY_TTL_S = SESSION_TTL_S  # longer than any run takes on the wall clock; bounds a dead run's leftovers
# A run whose lease is not renewed for this long is dead and its keys are fair game: short, so that a teacher
# who restarts a killed server and runs again finds nothing left; renewing costs one SET a second.
LEASE_TTL_S = 5
LEASE_RENEW_S = 1
ROOT = "statediagram:"
_GLOB = str.maketrans({c: "\\" + c for c in "\\*?[]^"})


class RunCouldNotFinish(Exception):
    """The run stopped, or could not start, for a reason outside the diagram (its real Redis is unreachable or
    went away): there is no verdict."""


class RedisWentAway(Exception):
    """A real Redis server stopped serving the run: killed, paused, or it closed our connection."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"Redis at {where} went away ({reason})")
        self.where = where
        self.reason = reason


def glob_escape(text: str) -> str:
    """``text`` as a SCAN MATCH pattern that matches exactly itself."""
    return text.translate(_GLOB)


def redis_where(url: str) -> str:
    """Where a Redis URL points, for messages: host:port (or the socket path), never the password."""
    try:
        parts = urlsplit(url)
        if parts.scheme == "unix":
            return parts.path or "a unix socket"
        host = parts.hostname or "localhost"
        port = parts.port or 6379
    except ValueError:  # a port that is not a number: say what is there, minus any credentials
        return redact_url(url)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, tail = rest.partition("/")
    user_info, at, host = netloc.rpartition("@")
    if not at:
        return url
    user = user_info.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}{slash}{tail}"


def connect(url: str, timeout_s: float = TIMEOUT_S) -> Any:
    """A client for ``url`` that waits at most ``timeout_s`` and never retries. ValueError for a URL that is not
    one, RunCouldNotFinish when no server answers."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    try:
        return redis.Redis.from_url(
            url, single_connection_client=True, socket_timeout=timeout_s, socket_connect_timeout=timeout_s,
            protocol=2, retry=Retry(NoBackoff(), 0),  # RESP2: see RedisStore
        )
    except ValueError as exc:
        raise ValueError(f"{redact_url(url)} is not a Redis URL: {_reason(exc)}") from None
    except redis.RedisError as exc:
        raise RunCouldNotFinish(f"cannot use Redis at {redis_where(url)}: {_reason(exc)}; no verdict") from None


def check_url(url: str) -> None:
    """Sweep up the keys of earlier runs that died with the server at ``url``. ValueError for a URL that is not
    one, RunCouldNotFinish when no server answers (both name host and port, never the password)."""
    import redis

    client = connect(url)
    try:
        client.ping()
        sweep_dead_runs(client)
    except redis.RedisError as exc:
        raise RunCouldNotFinish(f"cannot use Redis at {redis_where(url)}: {_reason(exc)}; no verdict") from None
    finally:
        _close(client)


def sweep_dead_runs(client: Any) -> int:
    """Delete the keys of every run whose lease has lapsed; the number deleted."""
    dead: dict[str, bool] = {}
    doomed = []
    for key in client.scan_iter(match=f"{ROOT}*:*", count=1000):
        run = key.split(b":", 2)[1]
        if run not in dead:
            dead[run] = not client.exists(ROOT.encode() + run)
        if dead[run]:
            doomed.append(key)
    for i in range(0, len(doomed), 500):
        client.delete(*doomed[i : i + 500])
    return len(doomed)


T = TypeVar("T")


class RealRedisStore(RedisStore):
    """A Redis node whose keys live on a real server, under this run's prefix, each with a TTL."""

    def __init__(self, node_id: str, url: str) -> None:
        self.node_id = node_id
        self.server = None
        self.url = url
        self.where = redis_where(url)
        self.client = connect(url)
        run = uuid.uuid4().hex
        self.lease = f"{ROOT}{run}"
        self.mark = f"{ROOT}{run}:alive"  # swept with the run's keys; outside the node's prefix and its SCAN
        self.prefix = f"{ROOT}{run}:{node_id}:"
        self.pattern = glob_escape(self.prefix) + "*"
        self.commands = 0
        self.set_at: dict[str, int] = {}
        self._renew_at = 0.0
        self._guard(lambda: self.client.set(self.mark, 1, ex=KEY_TTL_S))

    def _guard(self, command: Callable[[], T]) -> T:
        """Run ``command``; a server that is gone becomes RedisWentAway; renews the lease now and then."""
        import redis

        try:
            if time.monotonic() >= self._renew_at:
                self._renew_lease()
            return command()
        except redis.TimeoutError:
            raise RedisWentAway(self.where, f"no answer within {TIMEOUT_S:g} s") from None
        except redis.RedisError as exc:
            raise RedisWentAway(self.where, _reason(exc)) from None

    def _renew_lease(self) -> None:
        first = not self._renew_at
        if not self.client.set(self.lease, 1, ex=LEASE_TTL_S, xx=not first):
            # Lapsed while this node was idle (a long crash in a big run): hold it again, unless meanwhile another
            # run found it lapsed and swept this run's keys (the mark went with them).
            if not self.client.exists(self.mark):
                raise RedisWentAway(self.where, "the run was paused so long that another run removed its keys")
            self.client.set(self.lease, 1, ex=LEASE_TTL_S)
        self._renew_at = time.monotonic() + LEASE_RENEW_S

    def set_session(self, sid: str, user: str, at_us: int = 0) -> None:
        self._guard(lambda: RedisStore.set_session(self, sid, user, at_us))

    def get_session(self, sid: str) -> str | None:
        return self._guard(lambda: RedisStore.get_session(self, sid))

    def _get(self, key: str) -> bytes | None:
        return self.client.get(key)  # through the client: its retries and its errors, for a server over a network

    def add_to_cart(self, user: str, product: str) -> None:
        key = f"{self.prefix}cart:{user}"

        def add() -> None:
            pipe = self.client.pipeline(transaction=False)  # one round trip: the item and the key's TTL
            pipe.hincrby(key, product, 1)
            pipe.expire(key, KEY_TTL_S)
            pipe.execute()

        self.commands += 1
        self._guard(add)

    def cart(self, user: str) -> dict[str, int]:
        return self._guard(lambda: RedisStore.cart(self, user))

    def add_message(self, room: str, seq: int) -> None:
        key = f"{self.prefix}chat:{room}"

        def add() -> None:
            pipe = self.client.pipeline(transaction=False)  # one round trip: the message and the key's TTL
            pipe.zadd(key, {f"m{seq}": seq})
            pipe.expire(key, KEY_TTL_S)
            pipe.execute()

        self.commands += 1
        self._guard(add)
        self._wrote = True

    def messages_after(self, room: str, seq: int) -> list[int]:
        return self._guard(lambda: RedisStore.messages_after(self, room, seq))

    def publish(self, room: str, seq: int) -> None:
        self._guard(lambda: RedisStore.publish(self, room, seq))

    def lose_keys(self) -> None:
        """What a crash without persistence does: every key of this node of this run is gone."""

        def lose() -> None:
            keys = list(self.client.scan_iter(match=self.pattern, count=500))
            for i in range(0, len(keys), 500):
                self.client.delete(*keys[i : i + 500])

        self._guard(lose)
        self.set_at.clear()

    def keys(self) -> list[tuple[str, int]]:
        def listing() -> list[tuple[str, int]]:
            found = sorted(self.client.scan_iter(match=self.pattern, count=500))
            return [(k.decode()[len(self.prefix) :], int(self.client.ttl(k))) for k in found]

        return self._guard(listing)

    def key_count(self) -> int:
        return self._guard(lambda: sum(1 for _ in self.client.scan_iter(match=self.pattern, count=500)))

    def close(self) -> None:
        """Remove this run's keys and its lease, on a fresh short-timeout connection if this one failed; a server
        still gone is left to the TTLs and the next run's sweep."""
        import redis

        _close(self.client)
        try:
            client = connect(self.url, CLEANUP_TIMEOUT_S)
            try:
                keys = list(client.scan_iter(match=self.pattern, count=500))
                for i in range(0, len(keys), 500):
                    client.delete(*keys[i : i + 500])
                client.delete(self.lease, self.mark)
            finally:
                _close(client)
        except (ValueError, RunCouldNotFinish, redis.RedisError):
            pass


def _close(client: Any) -> None:
    pool = client.connection_pool
    client.close()
    pool.disconnect()


def _reason(exc: BaseException) -> str:
    """A redis-py error in a few words, without a URL that could hold a password."""
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text[:200]
