"""A chat run's open connections, as the app replays them: who is connected to which websocket server at t,
whose connections a crash dropped, who reconnected where.

Built from the run's trace only (the connects' answers and the faults' events), so scrubbing back and forth
shows what was true at each moment. A user's connection starts when the answer to its connect is back with it,
and ends at the first crash or replacement of its server, or of the load balancer it came through, after the
server took it (SPEC, journey ``chat``). Qt-free; times are integer microseconds of simulated time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """Users of one room (a client node) connected to one websocket server."""

    room: str
    server: str
    users: int


@dataclass(frozen=True)
class Change:
    """Connections that dropped (a crash) or came back (reconnects) at ``at``: ``users`` of ``room`` on ``server``."""

    room: str
    server: str
    at: int
    users: int


@dataclass(frozen=True)
class Channel:
    """A room's pub/sub channel on one Redis, and the websocket servers subscribed to it at a moment."""

    name: str
    subscribers: tuple[str, ...]


class _Connection:
    __slots__ = ("t_server", "t_shown", "server", "lb")

    def __init__(self, t_server: int, t_shown: int, server: str, lb: str | None) -> None:
        self.t_server, self.t_shown, self.server, self.lb = t_server, t_shown, server, lb


class Connections:
    """Every user's connections in one chat run, indexed by time."""

    def __init__(self, relays: dict[str, list[str]]) -> None:
        """``relays``: each Redis that carries messages between websocket servers -> those servers."""
        self.relays = relays
        self._of_user: dict[str, tuple[str, list[int], list[_Connection]]] = {}  # user -> room, shown times, conns
        self._drops: dict[str, list[int]] = {}  # node -> when it crashed or was replaced (its connections dropped)
        self._drop_list: list[tuple[int, str]] = []  # (when, node), sorted
        self._again: list[tuple[int, str, str]] = []  # reconnects: (shown, room, server), sorted
        self._changes: list[int] = []  # every instant the open connections change, sorted (for the cache)
        self._cache: dict[tuple[int, int], list[Link]] = {}  # a few recent answers: a frame's and its messages'
        self._via: dict[tuple[str, str], str | None] = {}  # (room, server) -> the load balancer they came via

    # --- fed by the replay as it indexes the run --------------------------------------------------------------

    def connected(self, user: str, room: str, t_server: int, t_shown: int, server: str, lb: str | None,
                  again: bool) -> None:
        """A connect that succeeded: the server took it at ``t_server``, the user had the answer at ``t_shown``."""
        _room, shown, conns = self._of_user.setdefault(user, (room, [], []))
        i = bisect_right(shown, t_shown)
        shown.insert(i, t_shown)
        conns.insert(i, _Connection(t_server, t_shown, server, lb))
        insort(self._changes, t_shown)
        self._via.setdefault((room, server), lb)
        if again:
            insort(self._again, (t_shown, room, server))

    def dropped_at(self, t: int, node: str) -> None:
        """``node`` (a websocket server or a load balancer) crashed or was replaced at ``t``."""
        insort(self._drops.setdefault(node, []), t)
        insort(self._drop_list, (t, node))
        insort(self._changes, t)

    # --- asking about a moment --------------------------------------------------------------------------------

    def _alive(self, c: _Connection, t: int) -> bool:
        """No crash of its server or load balancer in (taken, t]."""
        for node in (c.server, c.lb):
            times = self._drops.get(node) if node else None
            if times and bisect_right(times, t) > bisect_right(times, c.t_server):
                return False
        return True

    def via(self, room: str, server: str) -> str | None:
        """The load balancer the room's connections to ``server`` came through (None: straight, or none yet)."""
        return self._via.get((room, server))

    def open_at(self, t: int) -> list[Link]:
        """The connections open at ``t``, per room and server (the same list while nothing changes)."""
        key = (bisect_right(self._changes, t), len(self._changes))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        counts: dict[tuple[str, str], int] = {}
        for room, shown, conns in self._of_user.values():
            i = bisect_right(shown, t)
            if i and self._alive(conns[i - 1], t):
                k = (room, conns[i - 1].server)
                counts[k] = counts.get(k, 0) + 1
        out = [Link(room, server, n) for (room, server), n in sorted(counts.items())]
        if len(self._cache) >= 64:
            self._cache.clear()
        self._cache[key] = out
        return out

    def drops(self, t: int, within: int) -> list[Change]:
        """Connections dropped by a crash in (t - within, t]: per room and server, when, how many users."""
        out: list[Change] = []
        lo = bisect_right(self._drop_list, (t - within, "\uffff"))
        for at, node in self._drop_list[lo : bisect_right(self._drop_list, (t, "\uffff"))]:
            counts: dict[tuple[str, str], int] = {}
            for room, shown, conns in self._of_user.values():
                i = bisect_left(shown, at)  # its connection shown before the crash
                if not i:
                    continue
                c = conns[i - 1]
                if node in (c.server, c.lb) and self._alive(c, at - 1):
                    counts[(room, c.server)] = counts.get((room, c.server), 0) + 1
            out += [Change(room, server, at, n) for (room, server), n in sorted(counts.items())]
        return out

    def reconnects(self, t: int, within: int) -> list[Change]:
        """Reconnects shown in (t - within, t]: per room and server, the latest one's time, how many users."""
        lo = bisect_right(self._again, (t - within, "\uffff", ""))
        hi = bisect_right(self._again, (t, "\uffff", ""))
        latest: dict[tuple[str, str], tuple[int, int]] = {}
        for at, room, server in self._again[lo:hi]:
            _, n = latest.get((room, server), (at, 0))
            latest[(room, server)] = (at, n + 1)
        return [Change(room, server, at, n) for (room, server), (at, n) in sorted(latest.items())]

    def channels(self, redis: str, rooms: list[str], up: dict[str, bool]) -> list[Channel]:
        """The rooms' channels on ``redis``, with the servers subscribed (both up) given who is ``up`` now."""
        servers = self.relays.get(redis)
        if not servers:
            return []
        subscribed = tuple(s for s in servers if up.get(s, True)) if up.get(redis, True) else ()
        return [Channel(f"chat:{room}", subscribed) for room in rooms]

    def release(self, count: int) -> bool:
        """Drop up to ``count`` entries (a closed run freed a little at a time); True when none are left."""
        for entries in (self._again, self._changes, self._drop_list):
            if entries:
                del entries[-count:]
                return False
        if self._of_user:
            for user in list(self._of_user)[:count]:
                del self._of_user[user]
            return False
        return True
