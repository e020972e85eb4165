"""The engine's side of a replay: the run worked ahead on the snapshot grid, each step told as plain data.

``sim.replay.Replay`` keeps an index of what a run did, and the player reads that index; what fills it is the
engine, worked ahead here. Each step ends at the next point of the snapshot grid (or at the end of the run) with
the ``News`` of that step: requests sent, requests whose outcome became final, the engine's events, and the
figures only the engine knows. News is plain data, so the engine can run in a process of its own
(``sim.child_run``) with only news crossing back, and the window's process then holds none of the engine's
objects, nor the libraries behind its stores.

Qt-free; all times are integer microseconds of simulated time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from .answered import answered
from .engine import Engine
from .faults import chaos_faults
from .nodes import Request
from .report import Report, build_report
from .scenario import SECOND

SNAPSHOT_US = 100_000  # the grid of the engine-only figures: 10 a second
EVENTS_PER_STEP = 200  # the engine's work between two looks at the clock: a few milliseconds at most
SETTLE_US = 200_000  # a request sent this long before the engine's clock has its final outcome


@dataclass(frozen=True)
class RunFacts:
    """What the readers of a run need to know about its nodes, fixed when the run begins."""

    labels: dict[str, str]
    server_ids: list[str]
    balancer_ids: list[str]
    store_ids: list[str]  # sorted: the order of a snapshot's store figures
    replicas: dict[str, int]  # store -> its replicas (a crash fails over when it has one)
    persistent: dict[str, bool]  # store -> keeps what it holds through a crash
    balancer_servers: dict[str, list[str]]  # load balancer -> the servers it sends to
    chat: bool  # journey chat: connections, rooms and relays
    relays: dict[str, list[str]]  # journey chat: Redis -> the websocket servers it relays between
    rooms: list[str]
    tokens: bool = False  # its servers sign tokens (JWT) with a key they share

    @classmethod
    def of(cls, engine: Engine) -> RunFacts:
        chat = engine.chat
        return cls(
            labels=dict(engine.labels), server_ids=list(engine.servers), balancer_ids=list(engine.balancers),
            store_ids=sorted(engine.stores), replicas={s: st.replicas for s, st in engine.stores.items()},
            persistent={s: st.persistent for s, st in engine.stores.items()},
            balancer_servers={lb: list(b.servers) for lb, b in engine.balancers.items()}, chat=chat is not None,
            relays={r: [s.id for s in ss] for r, ss in chat.relay.items()} if chat else {},
            rooms=sorted(chat.rooms.off) if chat else [], tokens=engine.signer is not None)


class News(NamedTuple):
    """What one step of the engine adds to a replay's index."""

    now: int  # the engine's clock: every request done by then has its final outcome
    sent: list[Request | tuple]  # requests sent in the step, in order (as rows when they cross processes)
    t_sends: list[int]  # ... and when each was sent
    updated: list[tuple]  # rows of requests sent before and still under way, as they are now (crossing only)
    settled: list[tuple[tuple, bool]]  # (row, reconnected) of each request whose outcome became final, in order
    events: list[tuple[int, str, str, str]]  # the engine's new events: (t, what, node, detail)
    snapshot: tuple[int, ...] | None  # the engine-only figures at ``now`` (None at the end)
    report: Report | None  # at the end: the run's report
    lost_message_times: list[int]  # at the end, journey chat: when each lost message was sent


class Ahead:
    """One run's engine, worked ahead a step at a time."""

    def __init__(self, setup: Any) -> None:
        """``setup``: a ``sim.replay.RunSetup``."""
        self.plan = setup.plan()
        self.engine = Engine(setup.diagram, self.plan, record_trace=True)
        self.extra_faults = list(setup.hand_faults)
        if setup.chaos_seed is not None:
            self.extra_faults += chaos_faults(setup.diagram, self.plan, setup.chaos_seed)
        for at, node, action in self.extra_faults:
            self.engine.inject(at, node, action)
        self.end = self.plan.duration_us
        self.facts = RunFacts.of(self.engine)
        self._pending: list[Request] = []  # sent, outcome not final yet
        self._events_seen = 0
        self.first_snapshot = self._snapshot()  # the figures at 0
        self.snapshots = 1  # how many grid points are behind
        self.done = False

    def step(self, as_rows: bool = False) -> News | None:
        """Up to ``EVENTS_PER_STEP`` events of engine work; the news when that reached the next grid point (or
        the end of the run), None when it did not. ``as_rows``: requests as plain rows, for another process."""
        t = self.snapshots * SNAPSHOT_US
        if t > self.end + SECOND:
            if not self.engine.run_until(2**62, EVENTS_PER_STEP):  # the replies still on their way, then none
                return None
            news = self._news(self.engine.now + SECOND, None, as_rows)
            chat = self.engine.chat
            lost = sorted(chat.times[seq] for seq in chat.lost()) if chat is not None else []
            self.done = True
            return news._replace(report=build_report(self.engine), lost_message_times=lost)
        if not self.engine.run_until(t, EVENTS_PER_STEP):
            return None
        self.snapshots += 1
        return self._news(t, self._snapshot(), as_rows)

    def _news(self, now: int, snapshot: tuple[int, ...] | None, as_rows: bool) -> News:
        sent = self.engine.take_sent()
        earlier = self._pending
        pending = earlier + sent
        still: list[Request] = []
        settled: list[tuple[tuple, bool]] = []
        for r in pending:
            if r.t_done is None or r.t_done > now:
                still.append(r)
            else:
                settled.append((answered(r), r.grant == "again"))
        self._pending = still
        events = self.engine.events[self._events_seen :]
        self._events_seen += len(events)
        times = [r.t_send for r in sent]
        if not as_rows:
            return News(now, sent, times, [], settled, events, snapshot, None, [])
        first_new = sent[0].id if sent else None
        updated = [answered(r) for r in still if first_new is None or r.id < first_new]
        return News(now, [answered(r) for r in sent], times, updated, settled, events, snapshot, None, [])

    def _snapshot(self) -> tuple[int, ...]:
        e = self.engine
        row: list[int] = []
        for s in self.facts.server_ids:
            srv = e.servers[s]
            row += (srv.count(), srv.requests, srv.crashes)
        for sid in self.facts.store_ids:
            st = e.stores[sid]
            row += (st.store.count(), st.crashes)
        return tuple(row)

    def close(self) -> None:
        """Free the stores and break the reference cycles the run is known to hold (user -> last request ->
        user; a fakeredis server and its keys), so reference counting frees it as soon as it is dropped."""
        engine = self.engine
        engine.close()  # every store lets go of what it holds
        for client in engine.clients.values():
            for user in client.users:
                user.last = None
