"""A chat run on the canvas: each room's open connections as arcs from its client to its websocket servers,
the marks a crash leaves (connections dropped, then reconnected elsewhere), and each message fanning out.

Everything comes from the replay's index of the run (``Replay.connections``, each message's recorded
``Fanout``), so what is drawn at the play head is what was true then, going forward or back.

A message's fan-out, after its server has written it: to the Redis it publishes to, from there to every other
websocket server that Redis handed it to, and along each of those servers' connections to the room's users;
the users on the message's own server get it straight along their connection. A server the message never
reached (no shared Redis, or not subscribed) wears a "not heard" mark while the others receive it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QLineF, QPointF

from ...sim.replay import Replay
from ...sim.scenario import SECOND
from .geometry import SceneGeometry, connection_points

HOP_US = 250_000  # on screen: the message's way to Redis, then from Redis to each server
DELIVER_US = 350_000  # ... and from a server along a connection to its users
FANOUT_US = 2 * HOP_US + DELIVER_US  # a message's whole fan-out, after its server wrote it
DROP_US = 1_800_000  # a dropped connection stays drawn, broken and fading, this long after the crash
REJOIN_US = 1_800_000  # "reconnected" shows this long after a reconnect
FANOUT_TOKENS = 300  # about how many message tokens a busy chat run keeps on screen at once


@dataclass(frozen=True)
class ChatLine:
    """Users of a room connected to one websocket server at the play head, and the arc drawn for them."""

    room: str
    server: str
    users: int
    points: list[QPointF]
    segments: list[QLineF]  # the same arc as straight pieces, made once: painted in one call with the others


@dataclass(frozen=True)
class ChatMark:
    """Something that just happened to a room's connections on one server: "dropped" (a crash), "reconnected",
    or "not heard" (a message sent on ``origin`` that never reached this server). ``age`` runs 0 -> 1."""

    what: str
    room: str
    server: str
    count: int
    age: float
    points: list[QPointF]
    origin: str = ""


class ChatPlanner:
    """Arcs, marks and message fan-outs of one chat run; caches the arcs' paths."""

    def __init__(self, geometry: SceneGeometry, replay: Replay, make_path: Callable[[list[QPointF]], Any]) -> None:
        self.geometry = geometry
        self.replay = replay
        self.connections = replay.connections
        self._make_path = make_path  # tokens' own path type: a polyline cut into pieces a token walks
        self._points: dict[tuple[str, str], list[QPointF]] = {}
        self._segments: dict[tuple[str, str], list[QLineF]] = {}
        self._arcs: dict[tuple[str, str], Any] = {}  # (from, to) along a connection -> its path, or None
        self._centre: QPointF | None = None
        # A busy run shows one message in ``every`` fanning out (chosen by request id: the same ones going forward
        # or back). Every message fans out to every server: 400 users on 40 servers sharing a Redis put about
        # 13,000 message tokens on screen at once, 330 ms a frame (measured); one in 46 keeps it near 300.
        users = sum(int(n.props.get("users", 0)) for n in replay.setup.diagram.nodes if n.id in replay.rooms)
        reach = max((len(servers) for servers in self.connections.relays.values()), default=1)
        self.every = max(1, round(users * reach * FANOUT_US / SECOND / FANOUT_TOKENS))  # a message a second each

    def geometry_changed(self) -> None:
        self._points.clear()
        self._segments.clear()
        self._arcs.clear()
        self._centre = None

    def points(self, room: str, server: str) -> list[QPointF]:
        """The arc of a connection, from the room's client to the server."""
        key = (room, server)
        pts = self._points.get(key)
        if pts is None:
            if self._centre is None:
                rects = [r for r in (self.geometry.node_rect(n) for n in self.replay.kinds) if r is not None]
                self._centre = (sum((r.center() for r in rects), QPointF()) / len(rects)) if rects else QPointF()
            pts = self._points[key] = connection_points(self.geometry, room, server, self._centre)
        return pts

    def segments(self, room: str, server: str) -> list[QLineF]:
        key = (room, server)
        segs = self._segments.get(key)
        if segs is None:
            pts = self.points(room, server)
            segs = self._segments[key] = [QLineF(p, q) for p, q in zip(pts, pts[1:], strict=False)]
        return segs

    def _arc(self, server: str, room: str):
        """The path a message walks from ``server`` to the room's users along their connection."""
        key = (server, room)
        if key not in self._arcs:
            pts = self.points(room, server)
            self._arcs[key] = self._make_path(pts[::-1]) if len(pts) >= 2 else None
        return self._arcs[key]

    # --- a message ------------------------------------------------------------------------------------------

    def fanout(self, r, v0: float, link_path) -> tuple[list[list[tuple[float, ...]]], list[tuple]]:
        """A message's tokens (each a list of pieces, from ``v0``, when its server wrote it) and its "not heard"
        marks: (room, server, origin, from, to) for each server with users of the room it never reached."""
        fan = r.fanout
        room, origin = r.user.client, r.server
        here = {link.server: link.users for link in self.connections.open_at(r.t_server) if link.room == room}
        tokens: list[list[tuple[float, ...]]] = []
        if here.get(origin, 0) > 1:  # the others on its own server (the sender is one of them)
            arc = self._arc(origin, room)
            if arc is not None:
                tokens.append(arc.pieces(v0, v0 + DELIVER_US))
        reached = set(fan.servers)
        if fan.relay is not None:
            up = link_path(origin, fan.relay)
            up_pieces = up.pieces(v0, v0 + HOP_US) if up is not None else []
            if not fan.servers and up_pieces:
                tokens.append(up_pieces)  # published, and no other server subscribed: it stops at Redis
            for server in fan.servers:
                down = link_path(fan.relay, server)
                segs = up_pieces + (down.pieces(v0 + HOP_US, v0 + 2 * HOP_US) if down is not None else [])
                arc = self._arc(server, room) if here.get(server) else None
                if arc is not None:
                    segs += arc.pieces(v0 + 2 * HOP_US, v0 + FANOUT_US)
                if segs:
                    tokens.append(segs)
        unheard = [(room, server, origin, v0 + HOP_US, v0 + FANOUT_US) for server in sorted(here)
                   if server != origin and server not in reached]
        return tokens, unheard

    # --- the play head --------------------------------------------------------------------------------------

    def lines(self, t: int) -> list[ChatLine]:
        return [ChatLine(link.room, link.server, link.users, self.points(link.room, link.server),
                         self.segments(link.room, link.server)) for link in self.connections.open_at(t)]

    def marks(self, t: int, unheard: dict[tuple[str, str, str], int]) -> list[ChatMark]:
        c = self.connections
        out = [ChatMark("dropped", ch.room, ch.server, ch.users, (t - ch.at) / DROP_US, self.points(ch.room, ch.server))
               for ch in c.drops(t, DROP_US)]
        out += [ChatMark("reconnected", ch.room, ch.server, ch.users, (t - ch.at) / REJOIN_US,
                         self.points(ch.room, ch.server)) for ch in c.reconnects(t, REJOIN_US)]
        out += [ChatMark("not heard", room, server, n, 0.0, self.points(room, server), origin)
                for (room, server, origin), n in sorted(unheard.items())]
        return out
