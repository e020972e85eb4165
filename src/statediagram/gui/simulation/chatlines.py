"""A chat run on the canvas: each room's open connections as arcs from its client to its websocket servers,
along the routed links they came through (room, load balancer, server), so no arc runs over a card; the marks a
crash leaves (connections dropped, then reconnected elsewhere), and each message fanning out.

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
from .geometry import SceneGeometry, connection_route, densified

HOP_US = 250_000  # on screen: the message's way to Redis, then from Redis to each server
DELIVER_US = 350_000  # ... and from a server along a connection to its users
FANOUT_US = 2 * HOP_US + DELIVER_US  # a message's whole fan-out, after its server wrote it
DROP_US = 1_800_000  # a dropped connection stays drawn, broken and fading, this long after the crash
REJOIN_US = 1_800_000  # "reconnected" shows this long after a reconnect
FANOUT_TOKENS = 300  # about how many message tokens a busy chat run keeps on screen at once


@dataclass(frozen=True)
class Leg:
    """One link a connection runs along (room to load balancer, load balancer to server, or room to server): its
    route as the canvas draws it, from ``ends[0]`` to ``ends[1]``."""

    ends: tuple[str, str]
    route: list[QPointF]  # the link's route, its corners only: what a message token walks
    lines: list[QLineF]  # the route's straight pieces, made once: painted in one call with the others
    points: list[QPointF]  # the route with a point at least every DENSE_STEP (the broken middle goes by them)


@dataclass(frozen=True)
class ChatLine:
    """Users of a room connected to one websocket server at the play head, and the arc drawn for them: along the
    routed links the connection came through, so it never runs over a card."""

    room: str
    server: str
    users: int
    points: list[QPointF]  # the whole way from the room to the server (between two legs: not drawn)
    legs: tuple[Leg, ...]

    @property
    def segments(self) -> list[QLineF]:
        """The pieces drawn for this connection (the legs', never a jump between them)."""
        return [line for leg in self.legs for line in leg.lines]


@dataclass(frozen=True)
class ChatMark:
    """Something that just happened to a room's connections on one server: "dropped" (a crash), "reconnected",
    or "not heard" (a message sent on ``origin`` that never reached this server). ``age`` runs 0 -> 1.
    ``points``: the leg into the server (its words go along it); ``legs``: the whole way."""

    what: str
    room: str
    server: str
    count: int
    age: float
    points: list[QPointF]
    legs: tuple[Leg, ...] = ()
    origin: str = ""


class ChatPlanner:
    """Arcs, marks and message fan-outs of one chat run; caches the arcs' paths."""

    def __init__(self, geometry: SceneGeometry, replay: Replay,
                 make_path: Callable[[list[list[QPointF]]], Any]) -> None:
        self.geometry = geometry
        self.replay = replay
        self.connections = replay.connections
        self._make_path = make_path  # tokens' own path type, walked along each leg in turn (no jump between)
        self._links = {link.ends for link in replay.setup.diagram.links}
        self._legs: dict[tuple[str, str], tuple[Leg, ...]] = {}  # (room, server) -> the legs of its arc
        self._leg: dict[tuple[str, str], Leg] = {}
        self._points: dict[tuple[str, str], list[QPointF]] = {}
        self._arcs: dict[tuple[str, str], Any] = {}  # (from, to) along a connection -> its path, or None
        self._lines: tuple[list, list[ChatLine]] | None = None  # the open connections last asked for, and their lines
        # A busy run shows one message in ``every`` fanning out (chosen by request id: the same ones going forward
        # or back). Every message fans out to every server: 400 users on 40 servers sharing a Redis put about
        # 13,000 message tokens on screen at once, 330 ms a frame (measured); one in 46 keeps it near 300.
        users = sum(int(n.props.get("users", 0)) for n in replay.setup.diagram.nodes if n.id in replay.rooms)
        reach = max((len(servers) for servers in self.connections.relays.values()), default=1)
        self.every = max(1, round(users * reach * FANOUT_US / SECOND / FANOUT_TOKENS))  # a message a second each

    def geometry_changed(self) -> None:
        self._legs.clear()
        self._leg.clear()
        self._points.clear()
        self._arcs.clear()
        self._lines = None

    def legs(self, room: str, server: str) -> tuple[Leg, ...]:
        """The links a connection runs along, from the room to the server (empty: not on the canvas)."""
        key = (room, server)
        legs = self._legs.get(key)
        if legs is None:
            nodes = connection_route(self._links, room, server, self.connections.via(room, server))
            legs = tuple(self._leg_of(a, b) for a, b in zip(nodes, nodes[1:], strict=False))
            if any(not leg.lines for leg in legs):
                legs = ()
            self._legs[key] = legs
        return legs

    def _leg_of(self, a: str, b: str) -> Leg:
        leg = self._leg.get((a, b))
        if leg is None:
            pts = self.geometry.link_points(a, b)
            lines = [QLineF(p, q) for p, q in zip(pts, pts[1:], strict=False)]
            leg = self._leg[(a, b)] = Leg((a, b), pts, lines, densified(pts))
        return leg

    def points(self, room: str, server: str) -> list[QPointF]:
        """The whole way of a connection, from the room's client to the server, a point at least every few units."""
        key = (room, server)
        pts = self._points.get(key)
        if pts is None:
            pts = self._points[key] = [p for leg in self.legs(room, server) for p in leg.points]
        return pts

    def own_leg(self, room: str, server: str) -> list[QPointF]:
        """The last leg of a connection, into the server: the part no other server's connections share."""
        legs = self.legs(room, server)
        return legs[-1].points if legs else []

    def _arc(self, server: str, room: str):
        """The path a message walks from ``server`` to the room's users along their connection."""
        key = (server, room)
        if key not in self._arcs:
            legs = self.legs(room, server)
            self._arcs[key] = self._make_path([leg.route[::-1] for leg in reversed(legs)]) if legs else None
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
        links = self.connections.open_at(t)  # the same list while nothing changes: so are the lines
        if self._lines is None or self._lines[0] is not links:
            self._lines = (links, [ChatLine(link.room, link.server, link.users, self.points(link.room, link.server),
                                            self.legs(link.room, link.server)) for link in links])
        return self._lines[1]

    def marks(self, t: int, unheard: dict[tuple[str, str, str], int]) -> list[ChatMark]:
        c = self.connections

        def mark(what: str, room: str, server: str, count: int, age: float, origin: str = "") -> ChatMark:
            return ChatMark(what, room, server, count, age, self.own_leg(room, server), self.legs(room, server),
                            origin)

        out = [mark("dropped", ch.room, ch.server, ch.users, (t - ch.at) / DROP_US) for ch in c.drops(t, DROP_US)]
        out += [mark("reconnected", ch.room, ch.server, ch.users, (t - ch.at) / REJOIN_US)
                for ch in c.reconnects(t, REJOIN_US)]
        out += [mark("not heard", room, server, n, 0.0, origin)
                for (room, server, origin), n in sorted(unheard.items())]
        return out
