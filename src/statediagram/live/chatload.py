"""The chat journey's users as real WebSocket clients (asyncio + websockets), counted like the simulation.

Each client node is one room. A user connects through its entry (the chat socket, ``live/chat.py``), stays
connected, and sends a message every think time; a dropped connection is noticed when its socket closes, and the
user reconnects at its next think time, reading back the history newer than the newest message it got. What is
counted comes from real receipts: a send is ok when its server acknowledges it; a member got a message when the
message arrived on its socket (handed on by its server, or read back on a reconnect). At the end, a message is
lost when a member other than its sender, still connected, connected before the message was written, never got
it (SPEC, journey chat); why is told as the simulation tells it: the member was on a server the message's server
could not publish to, or it was disconnected and the history it read back did not have it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from ..sim.causes import Cause, Why
from ..sim.chat import CONNECT, OFFLINE, UNSHARED
from ..sim.chat import SEND as SAY
from ..sim.nodes import FAILOVER, OK, OUTAGE, User
from ..sim.scenario import SECOND
from .load import ANSWER_TIMEOUT_S, THINK_S, Answer, LoadGenerator

MAX_FRAME = 1 << 20  # a reconnect's history is the longest frame
SETTLE_S = 0.3  # after the last send, deliveries still on their way arrive within this (milliseconds, measured)


def wall_us() -> int:
    """The wall clock in microseconds: the servers stamp messages with the same clock (one machine)."""
    return time.time_ns() // 1000


class Conn:
    """One user's open connection: its socket, its server, and the sends waiting for their acknowledgement."""

    def __init__(self, ws, server: str, lb: str | None) -> None:
        self.ws, self.server, self.lb = ws, server, lb
        self.acks: dict[str, asyncio.Future] = {}
        self.closed = False
        self.reader: asyncio.Task | None = None


@dataclass(eq=False)
class Member:
    user: str
    room: str
    conn: Conn | None = None
    joined: int | None = None  # when its first connect was answered (wall microseconds); None before
    newest: int = -1  # the time of the newest message it got
    got: set[str] = field(default_factory=set)
    sent: int = 0
    pending: str | None = None  # the message it is sending, sent again as the same message until acknowledged
    spans: list[list] = field(default_factory=list)  # [from, to or None, server] of each connection


@dataclass
class ChatBook:
    """What the report reads of a chat run (as the simulation's ``ChatJourney``): counts, times, lost messages."""

    wall0: int  # the wall clock at the run's start, to tell a message's time in the scenario's seconds
    speed: float
    messages: int = 0
    reconnects: int = 0
    acked: dict[str, tuple[int, str, str, str]] = field(default_factory=dict)  # id -> (t, sender, room, server)
    times: list[int] = field(default_factory=list)  # message number -> scenario microseconds
    missed: dict[int, tuple[str, str, str]] = field(default_factory=dict)

    def count_lost(self, members: list[Member]) -> None:
        """Number the acknowledged messages by time, and note each one some member still connected missed."""
        order = sorted(self.acked.items(), key=lambda kv: kv[1][0])
        self.times = [int((t - self.wall0) * self.speed) for _id, (t, *_rest) in order]
        by_room: dict[str, list[tuple[int, str, int, str, str]]] = {}
        for seq, (mid, (t, sender, room, server)) in enumerate(order):
            by_room.setdefault(room, []).append((seq, mid, t, sender, server))
        for m in sorted(members, key=lambda m: m.user):
            if m.conn is None or m.conn.closed or m.joined is None:
                continue
            for seq, mid, t, sender, server in by_room.get(m.room, ()):
                if sender == m.user or t <= m.joined or mid in m.got or seq in self.missed:
                    continue
                on = next((s for a, b, s in m.spans if a <= t and (b is None or t < b)), None)
                self.missed[seq] = (UNSHARED, server, on) if on is not None and on != server else (OFFLINE, server, "")

    def lost(self) -> dict[int, tuple[str, str, str]]:
        return dict(sorted(self.missed.items()))


class ChatLoad(LoadGenerator):
    """The chat journey's users; the rest (entries, answers no server gave, the tally) is the HTTP users'."""

    async def run(self, t0: float) -> object:
        self.t0 = t0
        self.book = self.tally.chat = ChatBook(wall_us(), self.speed)
        self.members: dict[str, Member] = {}
        users = []
        for cid in self.lay.clients():
            n = int(self.lay.diagram.node(cid).props.get("users", 1))
            for i in range(1, n + 1):
                u = User(f"{cid}-{i}", cid)
                users.append(u)
                self.members[u.id] = Member(u.id, cid)
        self.gate = asyncio.Semaphore(64)
        try:
            await asyncio.gather(*(self._user(u) for u in users))
            await asyncio.sleep(SETTLE_S)
            self.book.count_lost(list(self.members.values()))
        finally:
            await asyncio.gather(*(self._hang_up(m) for m in self.members.values()), return_exceptions=True)
        return self.tally

    async def _user(self, user: User) -> None:
        rng = random.Random(f"{self.plan.seed}:{user.id}")
        m = self.members[user.id]
        while self.now_us() < self.plan.duration_us:
            connected = m.conn is not None and not m.conn.closed
            action = SAY if connected else CONNECT
            async with self.gate:
                sent = self.now_us()
                answer = await (self._say(m) if connected else self._connect(user, m))
            at = self.now_us()
            self.tally.count(answer, at)
            if answer.server is not None:
                self.tally.server_requests[answer.server] += 1
            for store, n in answer.calls:
                self.tally.store_calls[store] += n
            if self.on_answer is not None:
                self.on_answer(user, action, answer, sent / SECOND, at / SECOND)
            await asyncio.sleep(rng.uniform(*THINK_S) / self.speed)

    # --- connecting -------------------------------------------------------------------------------------

    async def _connect(self, user: User, m: Member) -> Answer:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus, WebSocketException

        entries = self.lay.entries(user.client)
        start = self.rr.get(user.client, 0)
        query = urlencode({"room": m.room, "user": m.user, "after": m.newest if m.joined is not None else -1})
        for k in range(len(entries)):
            i = (start + k) % len(entries)
            entry = entries[i]
            url = f"ws://127.0.0.1:{self.ports[entry]}/chat?{query}"
            try:
                ws = await connect(url, open_timeout=ANSWER_TIMEOUT_S, close_timeout=1, ping_interval=None,
                                   compression=None, proxy=None, max_size=MAX_FRAME)
            except ConnectionRefusedError:
                continue  # that entry is down: the next one at once
            except InvalidStatus as exc:
                self.rr[user.client] = i + 1
                answer = self._unanswered(entry, exc.response.headers)
                answer.status, answer.entry = exc.response.status_code, entry
                return answer
            except (WebSocketException, OSError, TimeoutError):
                self.rr[user.client] = i + 1
                return self._broken(entry)
            self.rr[user.client] = i + 1
            return await self._hello(m, ws, entry)
        return Answer(OUTAGE, Cause.no_entry(user.client, tuple(entries)), status=503)

    async def _hello(self, m: Member, ws, entry: str) -> Answer:
        """The server's first frame: the history read back, or a store it needs that is down."""
        from websockets.exceptions import WebSocketException

        try:
            first = json.loads(await asyncio.wait_for(ws.recv(), ANSWER_TIMEOUT_S))
            server = self.by_name.get(str(first.get("hello") or first.get("answered_by") or ""))
        except (WebSocketException, OSError, TimeoutError, ValueError, AttributeError):
            await _close(ws)
            return self._broken(entry)
        if server is None:
            await _close(ws)
            return self._broken(entry)
        calls = self._calls(server, first.get("calls"))
        lb = entry if entry != server else None
        if "error" in first:
            await _close(ws)
            return self._store_down(server, str(first.get("store", "")), calls, entry)
        conn = m.conn = Conn(ws, server, lb)
        t = int(first.get("t", wall_us()))
        for mid, mt in first.get("history", ()):
            m.got.add(str(mid))
            m.newest = max(m.newest, int(mt))
        grant = "again"
        if m.joined is None:  # what the room said before it joined is none of its business
            m.joined = t
            m.newest = max(m.newest, t)
            grant = "first"
        else:
            self.book.reconnects += 1
        m.spans.append([t, None, server])
        conn.reader = asyncio.create_task(self._read_frames(m, conn))
        return Answer(OK, None, server, grant, status=101, entry=entry, calls=calls)

    async def _read_frames(self, m: Member, conn: Conn) -> None:
        try:
            async for text in conn.ws:
                try:
                    frame = json.loads(text)
                except ValueError:
                    continue
                if not isinstance(frame, dict):
                    continue
                if "msg" in frame:
                    m.got.add(str(frame["msg"]))
                    m.newest = max(m.newest, int(frame.get("t", -1)))
                elif "ack" in frame:
                    waiting = conn.acks.pop(str(frame["ack"]), None)
                    if waiting is not None and not waiting.done():
                        waiting.set_result(frame)
        except Exception:  # noqa: BLE001 - however the socket broke, the connection is gone
            pass
        finally:
            conn.closed = True
            if m.spans and m.spans[-1][1] is None:
                m.spans[-1][1] = wall_us()
            for waiting in conn.acks.values():
                if not waiting.done():
                    waiting.set_exception(ConnectionError("the connection dropped"))

    # --- sending ----------------------------------------------------------------------------------------

    async def _say(self, m: Member) -> Answer:
        conn = m.conn
        if m.pending is None:
            m.sent += 1
            m.pending = f"{m.user}:{m.sent}"
        mid = m.pending
        waiting = conn.acks[mid] = asyncio.get_running_loop().create_future()
        try:
            await conn.ws.send(json.dumps({"send": mid}))
            frame = await asyncio.wait_for(waiting, ANSWER_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - the connection dropped (or went silent) while the message was on its way
            conn.acks.pop(mid, None)
            return Answer(FAILOVER, Cause.at(Why.KILLED_IN_FLIGHT, conn.server), conn.server, status=502,
                          entry=conn.lb or conn.server)
        calls = self._calls(conn.server, frame.get("calls"))
        if "error" in frame:
            return self._store_down(conn.server, str(frame.get("store", "")), calls, conn.lb or conn.server)
        m.pending = None
        m.got.add(mid)
        self.book.messages += 1
        self.book.acked.setdefault(mid, (int(frame.get("t", wall_us())), m.user, m.room, conn.server))
        return Answer(OK, None, conn.server, status=200, entry=conn.lb or conn.server, calls=calls)

    # --- reading answers --------------------------------------------------------------------------------

    def _store_down(self, server: str, role: str, calls: tuple, entry: str) -> Answer:
        home = self.homes[server].of(role)
        store = home.node if home is not None else None
        if store in self.drill.failing_over:
            return Answer(FAILOVER, Cause.at(Why.STORE_FAILOVER, store), server, status=503, entry=entry,
                          calls=calls)
        return Answer(OUTAGE, Cause.at(Why.STORE_DOWN, store), server, status=503, entry=entry, calls=calls)

    def _calls(self, server: str, said) -> tuple[tuple[str, int], ...]:
        out = []
        for role, n in (said.items() if isinstance(said, dict) else ()):
            home = self.homes[server].of(str(role))
            if home is not None and home.shared and isinstance(n, int):
                out.append((home.node, n))
        return tuple(out)

    async def _hang_up(self, m: Member) -> None:
        conn = m.conn
        if conn is not None:
            await _close(conn.ws)
            if conn.reader is not None:
                conn.reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await conn.reader


async def _close(ws) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(ws.close(), 1.0)
