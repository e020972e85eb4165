"""The chat journey: users who stay connected to one websocket server, rooms, the history and pub/sub.

The lesson's exception to "keep the web tier stateless": an open WebSocket connection is state that cannot
leave its server. Each client node is one chat room. A user connects once (through its entry; a load balancer
picks the server by its policy) and stays on that server; every think time it sends a message to the room. The
server writes the message to the room's history (the PostgreSQL it links to, else its Redis, else its own RAM),
acknowledges it, and hands it to the room's members connected to it; members on other servers get it only
through a Redis both servers link to (pub/sub). A crash drops the server's connections: its users reconnect at
their next think time (``reconnects``, not a loss) and read the history newer than the newest message they got.

How delivery is counted. History writes and reads are real store commands (``ZADD``/``ZRANGEBYSCORE`` on the
Redis node, SQL on the PostgreSQL node, a list in the server's RAM), and so is the ``PUBLISH`` a server sends to
its Redis. Who receives a published message is worked out here, not read back off real subscriptions: a busy
room of 400 users on 40 servers would read every message back 40 times (measured through fakeredis: about
50 microseconds a read, 1 ms a PUBLISH to 40 subscribers), which is most of a minute for one run. A server is
subscribed to its Redis while both are up, so a message written on ``S`` reaches ``S`` and every other running
server linked to the same Redis: the *reach* of ``S``.

The bookkeeping stays proportional to the members a message misses, not to the room: each member keeps the
numbers of the messages it missed (``missed``); a member's newest message is the newest its server was handed
since it connected (``last_to``), so a delivery costs nothing per member. At the end, a message is lost when a
member still connected missed it (SPEC: connected at the end, and connected since before it or reconnected
after it, and never received it).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..core.topology import RAM
from .causes import Cause, Why
from .nodes import FAILOVER, OK, Request, ServerState, StoreState, User
from .stores import Seen, Table

CONNECT = "WS /chat (connect)"
SEND = "WS message"
ACTIONS = frozenset((CONNECT, SEND))
PROCESS_US = 1_000  # a websocket server's own work on a connect or a message, like an application server's

# Why a member missed a message, as kept in ``Member.missed``: the message's server, and the member's server.
UNSHARED = "unshared"  # the member was on a server the message's server could not publish to
OFFLINE = "offline"  # the member was disconnected, and the history it read on reconnecting did not have it


@dataclass(frozen=True)
class Fanout:
    """Where a message went past its own server, as recorded in a trace: the Redis it was published to (None:
    its server shares no Redis) and the other websocket servers that Redis handed it to (subscribed and up)."""

    relay: str | None
    servers: tuple[str, ...] = ()


class Member:
    """One user of a room: where it is connected, the newest message it got, the messages it missed."""

    __slots__ = ("user", "room", "server", "lb", "ever", "newest", "mark", "missed", "pending", "sent")

    def __init__(self, user: str, room: str) -> None:
        self.user = user
        self.room = room
        self.server: str | None = None  # the websocket server it is connected to; None while disconnected
        self.lb: str | None = None  # the load balancer the connection goes through
        self.ever = False  # connected once: from then on it is a member that can miss messages
        self.newest = -1  # the number of the newest message it got before its current connection
        self.mark = -1  # what its server had been handed when it connected: anything newer reached it
        self.missed: dict[int, tuple[str, str, str]] = {}  # message -> (why, message's server, its server)
        self.pending: int | None = None  # the message it is sending, retried as the same message
        self.sent = 0


class Rooms:
    """The rooms of one run: who is disconnected, and the newest message each server was handed, per room."""

    def __init__(self) -> None:
        self.off: dict[str, set[Member]] = {}  # room -> members that connected once and are disconnected now
        self.last_to: dict[str, dict[str, int]] = {}  # room -> server -> newest message handed to it

    def newest(self, m: Member) -> int:
        """The newest message ``m`` got, counting what its server handed it since it connected."""
        handed = self.last_to[m.room].get(m.server, -1) if m.server is not None else -1
        return max(m.newest, handed if handed > m.mark else -1)

    def drop(self, members: set[Member]) -> None:
        """These members' connections are gone (their server crashed, or the load balancer they came through)."""
        for m in list(members):
            m.newest = self.newest(m)
            m.server = m.lb = None
            self.off[m.room].add(m)
        members.clear()


@dataclass(eq=False)
class ChatServerState(ServerState):
    """A websocket server's run-time state: its open connections and, when it keeps it, the rooms' history."""

    connected: dict[str, set[Member]] = field(default_factory=dict)  # room -> members connected here
    history: dict[str, list[int]] = field(default_factory=dict)  # room -> message numbers kept in its RAM
    rooms: Rooms | None = None  # set when the run is a chat: a crash tells it whose connections dropped
    history_store: StoreState | None = None  # ... and the shared store its rooms' history is in, if any

    def count(self) -> int:
        """The users connected to it now."""
        return sum(len(ms) for ms in self.connected.values())

    def wipe_ram(self) -> None:
        """A crash: every open connection drops, and a history kept in RAM is gone."""
        super().wipe_ram()
        if self.rooms is not None:
            for members in self.connected.values():
                self.rooms.drop(members)
        self.history.clear()

    def table(self, seen: Seen) -> Table:
        rows = [["connection", room, f"{len(ms)} users: " + ", ".join(sorted(m.user for m in ms)[:12])]
                for room, ms in sorted(self.connected.items()) if ms]
        rows += [["RAM", f"history of {room}", f"{len(seqs)} messages"] for room, seqs in sorted(self.history.items())]
        shared = self.history_store
        if shared is not None and self.rooms is not None:  # its rooms' history, read where it is kept
            where = seen.labels.get(shared.id, shared.id)
            state = "" if shared.up else f" ({where} is DOWN)"
            for room in sorted(self.rooms.last_to):
                n = len(shared.store.messages_after(room, -1)) if shared.up else 0
                rows.append([where, f"history of {room}", f"{n} messages, shared: a crash of this server keeps them"
                             + state])
        users = self.count()
        what = (f"up, {users} user{'' if users == 1 else 's'} connected, {self.requests} requests" if self.up
                else f"DOWN (connections dropped), {self.requests} requests")
        return what, ["where", "what", "value"], rows


class ChatJourney:
    """The chat journey of one run. Holds the run's rooms and counts; the engine routes its requests here."""

    def __init__(self, servers: dict[str, ServerState], stores: dict[str, StoreState],
                 rooms_of: dict[str, list[User]], speaks: set[str]) -> None:
        from .faults import unavailable  # faults asks the kinds' registry, whose websocket entry is made here

        self.unavailable = unavailable
        self.rooms = Rooms()
        self.stores = stores
        self.servers = [s for sid, s in servers.items() if sid in speaks and isinstance(s, ChatServerState)]
        self.members: dict[str, Member] = {}
        for room, users in rooms_of.items():
            self.rooms.off[room] = set()
            self.rooms.last_to[room] = {}
            for u in users:
                self.members[u.id] = Member(u.id, room)
        for s in self.servers:
            s.rooms = self.rooms
            home = s.homes.of("history")
            if home is not None and home.shared:
                s.history_store = stores[home.node]
        # The servers each Redis carries messages between (subscribed while both are up).
        self.relay: dict[str, list[ChatServerState]] = {}
        for s in self.servers:
            if s.homes.of("pubsub") is not None and s.homes.of("pubsub").shared:
                self.relay.setdefault(s.homes.of("pubsub").node, []).append(s)
        self.seq = -1  # the newest message's number
        self.times: list[int] = []  # message number -> when its server wrote it
        self.first: dict[tuple[str, int], int] = {}  # (sender, its message) -> number, for a retried message
        self.messages = 0  # sends acknowledged
        self.reconnects = 0

    # --- the user's side ------------------------------------------------------------------------------

    def step(self, user: User) -> tuple[str, Member]:
        """What ``user`` does next: connect while disconnected, else send (again) a message."""
        m = self.members[user.id]
        return (SEND if m.server is not None else CONNECT), m

    def apply(self, req: Request) -> None:
        """The user reads the answer."""
        if req.outcome != OK:
            return  # a failed send is retried as the same message; a failed connect is tried again
        m = self.members[req.user.id]
        if req.action == SEND:
            self.messages += 1
            m.pending = None
        elif req.grant == "again":
            self.reconnects += 1

    # --- the server's side ----------------------------------------------------------------------------

    def serve(self, req: Request, srv: ServerState, t: int) -> tuple[str, int, Cause | None, int]:
        m = self.members[req.user.id]
        cost = PROCESS_US
        if req.action == SEND and m.server != srv.id:  # the connection dropped while the message was on its way
            return FAILOVER, 502, Cause.at(Why.KILLED_IN_FLIGHT, srv.id), cost
        needed = [h for h in (srv.homes.of("history"), srv.homes.of("pubsub")) if h is not None and h.shared]
        for home in needed:
            bad = self.unavailable(self.stores[home.node])
            if bad:
                return (*bad, cost)
        assert isinstance(srv, ChatServerState)
        if req.action == CONNECT:
            return self._connect(req, m, srv, t, cost)
        return self._message(req, m, srv, t, cost)

    def _connect(self, req: Request, m: Member, srv: ChatServerState, t: int, cost: int):
        room = m.room
        if m.ever:  # a reconnect: read the history newer than the newest message it got
            home = srv.homes.of("history")
            if home.place == RAM:
                kept = srv.history.get(room, [])
                got = kept[bisect.bisect_right(kept, m.newest):]
            else:
                store = self.stores[home.node]
                got = store.store.messages_after(room, m.newest)
                _call(req, t, store.id, store.store.messages_after_text(room, m.newest))
                cost += store.rtt_us
            for seq in got:
                m.missed.pop(seq, None)
            if got:
                m.newest = max(m.newest, got[-1])
            req.grant = "again"
        else:  # its first connect: what the room said before it joined is none of its business
            m.newest = self.seq
            m.ever = True
            req.grant = "first"
        m.server, m.lb = srv.id, req.lb
        m.mark = self.rooms.last_to[room].get(srv.id, -1)
        srv.connected.setdefault(room, set()).add(m)
        self.rooms.off[room].discard(m)
        return OK, 101, None, cost

    def _message(self, req: Request, m: Member, srv: ChatServerState, t: int, cost: int):
        room = m.room
        if m.pending is None:
            m.sent += 1
            m.pending = m.sent
        key = (m.user, m.pending)
        seq = self.first.get(key)
        again = seq is not None
        if seq is None:
            self.seq = seq = len(self.times)
            self.times.append(t)
            self.first[key] = seq
        home = srv.homes.of("history")
        if home.place == RAM:
            kept = srv.history.setdefault(room, [])
            i = bisect.bisect_left(kept, seq)
            if i == len(kept) or kept[i] != seq:
                kept.insert(i, seq)
        else:
            store = self.stores[home.node]
            store.store.add_message(room, seq)
            _call(req, t, store.id, store.store.add_message_text(room, seq))
            cost += store.rtt_us
        reach = [srv]
        relay = srv.homes.of("pubsub")
        if relay is not None and relay.shared:
            store = self.stores[relay.node]
            store.store.publish(room, seq)
            _call(req, t, store.id, store.store.publish_text(room, seq))
            cost += store.rtt_us
            reach += [s for s in self.relay[relay.node] if s is not srv and s.up]
        req.grant = seq
        if req.traced:  # a trace is being recorded: the app draws the message fanning out
            req.fanout = Fanout(relay.node if relay is not None and relay.shared else None,
                                tuple(s.id for s in reach[1:]))
        if again:
            self._deliver_again(room, seq, reach)
        else:
            self._deliver(room, seq, srv.id, m, reach)
        return OK, 200, None, cost

    def _deliver(self, room: str, seq: int, origin: str, sender: Member, reach: list[ChatServerState]) -> None:
        """Hand a new message to the servers in reach; note it as missed by every member out of reach."""
        last_to = self.rooms.last_to[room]
        for s in reach:
            last_to[s.id] = seq
        if len(reach) < len(self.servers):
            for s in self.servers:
                if s not in reach:
                    for mm in s.connected.get(room, ()):
                        mm.missed[seq] = (UNSHARED, origin, s.id)
        for mm in self.rooms.off[room]:
            if mm is not sender:
                mm.missed[seq] = (OFFLINE, origin, "")

    def _deliver_again(self, room: str, seq: int, reach: list[ChatServerState]) -> None:
        """A message sent again after its first answer was lost: whoever is in reach now gets it."""
        for s in reach:
            for mm in s.connected.get(room, ()):
                mm.missed.pop(seq, None)

    # --- the end --------------------------------------------------------------------------------------

    def lost(self) -> dict[int, tuple[str, str, str]]:
        """Every lost message, with why the first member (in user id order) that missed it did."""
        out: dict[int, tuple[str, str, str]] = {}
        for uid in sorted(self.members):
            m = self.members[uid]
            if m.server is not None:
                for seq, why in m.missed.items():
                    out.setdefault(seq, why)
        return dict(sorted(out.items()))

    def drop_through(self, lb: str) -> None:
        """A load balancer crashed or was replaced: the connections made through it drop."""
        for s in self.servers:
            for members in s.connected.values():
                gone = {m for m in members if m.lb == lb}
                if gone:
                    members -= gone
                    self.rooms.drop(gone)


def _call(req: Request, t: int, node: str, text: str) -> None:
    if req.traced:
        req.add_call(t, node, text)
