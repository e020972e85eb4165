"""The deterministic discrete-event engine.

Time is simulated, in integer microseconds. Every random choice comes from one ``random.Random(seed)``.
Events at the same instant run in this order: health checks, then faults, then requests; within a
class, in the order they were scheduled.

Hop latencies (one way): client to load balancer or server 20 ms; load balancer to server 1 ms. What a server
does with a request, and what it costs, is its journey's: ``shop.py`` (sessions, full) or ``chat.py`` (chat).
"""

from __future__ import annotations

import heapq
import random
from collections import Counter

from ..core.catalog import KINDS, Role, kinds_with
from ..core.model import Diagram
from ..core.topology import state_homes
from ..timelimit import check_deadline
from .causes import Cause, Why
from .chat import SEND as CHAT_SEND
from .chat import ChatJourney
from .faults import Faults
from .kinds import server_maker, sim_kind, store_maker
from .nodes import (
    FAILOVER,
    OUTAGE,
    BalancerState,
    ClientState,
    Request,
    StoreState,
    User,
)
from .scenario import SECOND, Plan
from .shop import ShopJourney
from .stores import TokenSigner

CLIENT_HOP_US = 20_000
LB_HOP_US = 1_000
THINK_US = (750_000, 1_250_000)

# Event kinds; the tuple index doubles as the priority at one instant.
CHECK, FAULT, SEND, AT_LB, AT_SERVER = 0, 1, 2, 2, 2
_CHECK, _FAULT, _SEND, _AT_LB, _AT_SERVER = "check", "fault", "send", "at_lb", "at_server"


class Engine:
    """One run of one diagram under one plan. Steerable: faults can be injected while it runs."""

    def __init__(
        self,
        diagram: Diagram,
        plan: Plan,
        redis_url: str | None = None,
        record_trace: bool = False,
    ) -> None:
        self.diagram = diagram
        self.plan = plan
        self.end = plan.duration_us
        self.now = 0
        self.rng = random.Random(plan.seed)
        self.record = record_trace
        self.requests: list[Request] = []  # kept only when recording a trace (until a reader takes them: take_sent)
        self.events: list[tuple[int, str, str, str]] = []  # (t, what, node, detail): faults, health, failover
        self.totals: Counter[str] = Counter()
        self.causes: Counter[tuple[str, Cause]] = Counter()  # (outcome, cause) -> requests
        self.first_seen: dict[tuple[str, Cause], int] = {}
        # The events to come: (t, priority, seq, kind) in a heap, and what each is about (a user, a request, a fault)
        # by its seq. Apart, because a tuple holding a user or a request stays tracked by the cyclic collector, and
        # one event per user is pending whenever it looks: each middle-generation collection moved 200-470 of them to
        # its oldest generation (bench_promotions.py --types); a tuple of numbers and words it lets go of.
        self._heap: list[tuple[int, int, int, str]] = []
        self._about: dict[int, object] = {}
        self._seq = 0
        self._rid = 0
        self.labels = {n.id: n.label for n in diagram.nodes}
        # Health checks run at t = 1, 2, 3 ... s, but one that follows no change of a server finds nothing to do:
        # only the first check after a fault is scheduled, and it looks only at the servers that changed. A run
        # then costs O(faults) for its checks, not O(servers x seconds): 4,000 servers in the standard drill
        # (40,000 s) would check 160 million times.
        self._changed: set[str] = set()
        self._checks_due: set[int] = set()
        self._build(redis_url)
        for at, node, action in plan.faults:
            self.inject(at, node, action)

    # --- set-up ---------------------------------------------------------------------------------

    def _build(self, redis_url: str | None) -> None:
        d = self.diagram
        nodes = d.node_map()
        homes = state_homes(d)
        self.stores: dict[str, StoreState] = {}
        for kind in kinds_with(Role.STORE):  # kind by kind in registry order, as the report lists them
            sk = sim_kind(kind.name)
            for sid in d.ids_of(kind.name):
                p = nodes[sid].props
                store = store_maker(kind.name)(nodes[sid], redis_url)
                self.stores[sid] = StoreState(sid, kind.name, store, sk.rtt_us, sk.keeps_data(p), sk.replicas(p))
        self.servers = {s: server_maker(nodes[s].kind)(nodes[s], homes[s]) for s in d.ids_playing(Role.SERVER)}
        self.signer = TokenSigner(self.plan.seed) if any(s.auth == "jwt" for s in self.servers.values()) else None
        # Load balancers and clients send the journey's requests only to the servers whose kind speaks it.
        speaks = {s for s in self.servers if self.plan.journey in KINDS[nodes[s].kind].journeys}
        self.balancers: dict[str, BalancerState] = {}
        for lb in d.ids_playing(Role.BALANCER):
            behind = sorted(o for o in d.neighbours(lb) if o in speaks)
            self.balancers[lb] = BalancerState(lb, nodes[lb].props["policy"], behind, dict.fromkeys(behind, True))
        self.clients: dict[str, ClientState] = {}
        for cid in d.ids_playing(Role.USERS):
            entries = sorted(o for o in d.neighbours(cid) if o in speaks or o in self.balancers)
            users = [User(f"{cid}-{i}", cid) for i in range(1, nodes[cid].props["users"] + 1)]
            self.clients[cid] = ClientState(cid, entries, users)
            for u in users:
                self._push(0, SEND, _SEND, u)
        # The chat journey's users stay connected; its own module keeps the rooms (each client is one).
        self.chat: ChatJourney | None = None
        if self.plan.journey == "chat":
            rooms = {c.id: c.users for c in self.clients.values()}
            self.chat = ChatJourney(self.servers, self.stores, rooms, speaks)
        # The journey asked what each user does next, what a server does with it, and what the user makes of
        # the answer: chosen once here, not at every request.
        self.journey: ChatJourney | ShopJourney = self.chat if self.chat is not None else ShopJourney(
            self.servers, self.stores, self.signer, self.rng, self.plan.journey)
        self.faults = Faults(self.servers, self.balancers, self.stores, self.events,
                             self.chat.drop_through if self.chat is not None else None)
        self._balancers_of: dict[str, list[tuple[int, int, BalancerState]]] = {}
        for i, lb in enumerate(self.balancers.values()):
            for j, s in enumerate(lb.servers):
                self._balancers_of.setdefault(s, []).append((i, j, lb))

    def _push(self, t: int, prio: int, kind: str, payload: object) -> None:
        self._seq += 1
        self._about[self._seq] = payload
        heapq.heappush(self._heap, (t, prio, self._seq, kind))

    # --- steering -------------------------------------------------------------------------------

    def inject(self, at_us: int, node: str, action: str) -> None:
        """Schedule a fault (crash, restart or replace) at ``at_us``, no earlier than now; ``Faults`` applies it.
        A fault at or after the run's end is ignored: not run, not counted."""
        if at_us >= self.end:
            return
        self._push(max(at_us, self.now), FAULT, _FAULT, (node, action))

    def run_until(self, t_us: int, max_events: int | None = None) -> bool:
        """Run the events up to ``t_us``; True when all are done. ``max_events`` bounds one call's work: the next
        call goes on with the very next event, so the run is the same event for event however it is cut up."""
        heap = self._heap
        pop = heapq.heappop
        about = self._about.pop
        left = -1 if max_events is None else max_events  # counts down to 0; from -1 it never gets there
        done = 0
        while heap and heap[0][0] <= t_us:
            if left == 0:
                return False
            left -= 1
            done += 1
            if not done & 2047:  # every 2,048 events (~0.2 s): `check --timeout` stops a run between two events
                check_deadline()
            t, _prio, seq, kind = pop(heap)
            payload = about(seq)
            self.now = t
            if kind == _SEND:
                self._send(payload, t)
            elif kind == _AT_LB:
                self._at_lb(payload, t)
            elif kind == _AT_SERVER:
                self._at_server(payload, t)
            elif kind == _CHECK:
                self._health_check(t)
            else:
                later = self.faults.apply(t, *payload)  # faults.py; a store's crash may set off its failover
                if later is not None:
                    self._push(later[0], FAULT, _FAULT, later[1:])
                if payload[0] in self._balancers_of:
                    self._check_after(payload[0], t)
        self.now = max(self.now, min(t_us, self.end))
        return True

    def run(self) -> None:
        self.run_until(2**62)

    def take_sent(self) -> list[Request]:
        """The requests recorded since the last call, handed over: the engine keeps them no longer (a replay keeps
        them in a form of its own, sim/answered.py)."""
        sent, self.requests = self.requests, []
        return sent

    @property
    def finished(self) -> bool:
        return not self._heap

    # --- users ----------------------------------------------------------------------------------

    def _send(self, user: User, t: int) -> None:
        if user.last is not None:
            self._apply(user, user.last)
            user.last = None
        if t >= self.end:
            return
        action, member = self.journey.step(user)
        self._rid += 1
        req = Request(self._rid, user, action, t)
        if self.record:
            req.calls_flat = ()  # see Request.calls_flat
            self.requests.append(req)
        user.last = req
        if action == CHAT_SEND:  # over the user's open connection: to its server, through the same load balancer
            req.entry, req.lb, req.server = member.lb or member.server, member.lb, member.server
            if req.lb:
                return self._push(t + CLIENT_HOP_US, AT_LB, _AT_LB, req)
            return self._push(t + CLIENT_HOP_US, AT_SERVER, _AT_SERVER, req)
        client = self.clients[user.client]
        entry = self._pick_entry(client)
        if entry is None:
            down = tuple(client.entries)
            return self._finish(req, t, OUTAGE, 503, Cause.no_entry(client.id, down), t)
        req.entry = entry
        if entry in self.balancers:
            req.lb = entry
            self._push(t + CLIENT_HOP_US, AT_LB, _AT_LB, req)
        else:
            req.server = entry
            self._push(t + CLIENT_HOP_US, AT_SERVER, _AT_SERVER, req)

    def _pick_entry(self, client: ClientState) -> str | None:
        n = len(client.entries)
        for k in range(n):
            i = (client.rr + k) % n
            node = client.entries[i]
            if self._entry_up(node):
                client.rr = i + 1
                return node
        return None

    def _entry_up(self, node: str) -> bool:
        lb = self.balancers.get(node)
        return lb.up if lb is not None else self.servers[node].up

    def _think(self) -> int:
        return self.rng.randrange(THINK_US[0], THINK_US[1] + 1)  # randint(a, b) is randrange(a, b + 1)

    def _finish(self, req: Request, t_done: int, outcome: str, status: int, cause: Cause | None,
                t_reply: int) -> None:
        req.t_done, req.t_reply = t_done, t_reply
        req.outcome, req.status, req.cause = outcome, status, cause
        self._push(t_reply + self._think(), SEND, _SEND, req.user)

    def _apply(self, user: User, req: Request) -> None:
        """The user reads the response: count it, and update what the user holds and where it is."""
        outcome = req.outcome
        self.totals[outcome] += 1
        if req.cause is not None:
            key = (outcome, req.cause)
            self.causes[key] += 1
            self.first_seen.setdefault(key, req.t_reply)
        self.journey.apply(req)

    # --- load balancers -------------------------------------------------------------------------

    def _check_after(self, server: str, t: int) -> None:
        """Note that ``server`` may have changed at ``t``; the next whole second's health check looks at it (a
        check at the same instant as a fault has already run: it runs first)."""
        self._changed.add(server)
        due = (t // SECOND + 1) * SECOND
        if due < self.end and due not in self._checks_due:
            self._checks_due.add(due)
            self._push(due, CHECK, _CHECK, None)

    def _health_check(self, t: int) -> None:
        """Every load balancer compares what it believes of each server that changed with the truth, in load
        balancer order, then its servers' order (as a check of every server would find them)."""
        self._checks_due.discard(t)
        seen = sorted(entry for s in self._changed for entry in self._balancers_of[s])
        self._changed.clear()
        for _i, _j, lb in seen:
            s = lb.servers[_j]
            healthy = self.servers[s].up
            if lb.believed[s] != healthy:
                lb.believed[s] = healthy
                self.events.append((t, "health", lb.id, f"{s}:{'up' if healthy else 'down'}"))

    def _at_lb(self, req: Request, t: int) -> None:
        lb = self.balancers[req.lb]
        req.t_lb = t
        back = t + CLIENT_HOP_US
        if not lb.up:
            return self._finish(req, t, FAILOVER, 502, Cause.at(Why.ENTRY_CRASHED, lb.id), back)
        server = req.server or self._choose(lb, req.user, t)  # a message goes to the server its user is on
        if server is None:
            down = tuple(s for s in lb.servers if not lb.believed[s])
            return self._finish(req, t, OUTAGE, 503, Cause.no_server(lb.id, down), back)
        req.server = server
        self.servers[server].open.append(req)
        self._push(t + LB_HOP_US, AT_SERVER, _AT_SERVER, req)

    def _choose(self, lb: BalancerState, user: User, t: int) -> str | None:
        believed = lb.believed
        if lb.policy == "sticky":
            pinned = lb.pins.get(user.id)
            if pinned is not None and believed[pinned]:
                return pinned
        servers = lb.servers
        n = len(servers)
        least = None
        if lb.policy == "least_connections":
            load = {s: self._in_flight(s, t) for s in servers if believed[s]}
            least = min(load.values(), default=None)
        for k in range(n):
            i = (lb.rr + k) % n
            s = servers[i]
            if believed[s] and (least is None or load[s] == least):
                lb.rr = i + 1
                if lb.policy == "sticky":
                    lb.pins[user.id] = s
                return s
        return None  # no server believed healthy

    def _in_flight(self, server: str, t: int) -> int:
        srv = self.servers[server]
        srv.open = [r for r in srv.open if r.t_done is None or r.t_done > t]
        return len(srv.open)

    # --- servers --------------------------------------------------------------------------------

    def _at_server(self, req: Request, t: int) -> None:
        srv = self.servers[req.server]
        req.t_server = t
        back = (LB_HOP_US if req.lb else 0) + CLIENT_HOP_US
        if not srv.up:
            cause = Cause.at(Why.SERVER_DOWN_UNNOTICED if req.lb else Why.ENTRY_CRASHED, srv.id)
            return self._finish(req, t, FAILOVER, 502, cause, t + back)
        srv.requests += 1
        if not req.lb:
            srv.open.append(req)
        if len(srv.open) > 64:
            srv.open = [r for r in srv.open if r.t_done is None or r.t_done > t]
        outcome, status, cause, cost = self.journey.serve(req, srv, t)  # its store calls, status and outcome
        self._finish(req, t + cost, outcome, status, cause, t + cost + back)

    def close(self) -> None:
        for store in self.stores.values():
            store.store.close()

