"""A run for real as the app's player reads a run: the live processes' events, one at a time, turned into the
simulation's own requests, node states and counters, so the canvas draws a live run with the same tokens,
badges, counters and verdict as a simulated one.

Qt-free. ``LiveReplay.feed`` takes the events of ``statediagram live --events`` (an answer, a fault, the report).
Times are the scenario's microseconds. The screen can only show what has happened: the horizon is the run's
clock now less ``LAG_US``, because an answer is known only once it is back, and its trip is drawn from the
moment it was sent.
"""

from __future__ import annotations

import time
from bisect import bisect_right, insort
from collections.abc import Callable
from typing import Any

from ..core.catalog import Role, role_of
from ..core.topology import TOKEN, Finding, state_homes
from ..sim.ahead import RunFacts
from ..sim.causes import Cause, Why
from ..sim.chat import CONNECT as CHAT_CONNECT
from ..sim.chat import SEND as CHAT_SEND
from ..sim.chat import Fanout
from ..sim.connections import Connections
from ..sim.kinds import sim_kind
from ..sim.nodes import LOGIN, OK, OUTCOMES, Request, User
from ..sim.replay import NodeState, Replay, RunSetup
from ..sim.report import FaultDone, LiveFigures, Report, ServerFigures, StoreFigures, Totals
from ..sim.scenario import SECOND

LAG_US = 400_000  # the screen runs this far behind the run: most answers are back by then (a few ms each)
HEALTH_US = SECOND  # a load balancer notices a server down or up again at its next check (every 1 s)
MAX_REQUESTS = 200_000  # a run for real of 200 users for 10 minutes sends fewer; beyond, answers are not drawn
_FAULTS = ("crash", "restart", "replace", "failover")


def _us(value: Any) -> int:
    return int(round(float(value) * SECOND))


class LiveReplay(Replay):
    """One run for real, indexed as it is told, for the player (see ``sim.replay.Replay`` for what it offers).

    ``ask`` sends a fault asked for by hand to the run (the app writes it to the run's stdin); ``on_close``
    is called once when the run is no longer shown (the app then stops the run's processes).
    """

    live = True

    def __init__(self, setup: RunSetup, shown_trip_us: int, ask: Callable[[str, str], None],
                 on_close: Callable[[], None], clock: Callable[[], float] = time.monotonic) -> None:
        # Not Replay.__init__: there is no engine to run; the same index is filled from the run's events.
        d = setup.diagram
        self.setup = setup
        self.shown_trip_us = shown_trip_us
        self.plan = setup.plan()
        self.ask, self.on_close, self.clock = ask, on_close, clock
        self.end = self.plan.duration_us
        self.labels = {n.id: n.label for n in d.nodes}
        self.kinds = {n.id: n.kind for n in d.nodes}

        def having(role: Role) -> list[str]:
            return sorted(n.id for n in d.nodes if role_of(n.kind) == role)

        self.server_ids, self.balancer_ids, self.store_ids = having(Role.SERVER), having(Role.BALANCER), \
            having(Role.STORE)
        self.extra_faults: list[tuple[int, str, str]] = []  # faults asked for by hand, as the run did them
        self.faults = sorted(self.plan.faults)
        self.ahead = None  # no engine: the run's events fill the index
        # What Replay's readers ask about the nodes: the stores' kind of keeping, the balancers' servers.
        stores = {s: d.node(s) for s in self.store_ids}
        self.facts = RunFacts(
            labels=self.labels, server_ids=self.server_ids, balancer_ids=self.balancer_ids, store_ids=self.store_ids,
            replicas={s: sim_kind(n.kind).replicas(n.props) for s, n in stores.items()},
            persistent={s: bool(n.props.get("persistent")) for s, n in stores.items()},
            balancer_servers={lb: sorted(o for o in d.neighbours(lb) if o in self.server_ids)
                              for lb in self.balancer_ids},
            chat=self.plan.journey == "chat", relays={}, rooms=[],
            tokens=any(h.sessions is not None and h.sessions.place == TOKEN for h in state_homes(d).values()))
        # Journey chat: who is connected where (the simulation's own index), and which Redis relays between whom.
        self.pubsub: dict[str, str] = {}  # websocket server -> the Redis it publishes to
        if self.plan.journey == "chat":
            for sid, homes in state_homes(d).items():
                home = homes.of("pubsub")
                if home is not None and home.shared:
                    self.pubsub[sid] = home.node
        relays: dict[str, list[str]] = {}
        for sid, redis in sorted(self.pubsub.items()):
            relays.setdefault(redis, []).append(sid)
        self.connections = Connections(relays) if self.plan.journey == "chat" else None
        self.rooms = sorted(n.id for n in d.nodes if role_of(n.kind) == Role.USERS) if self.connections else []
        self.lost_message_times: list[int] = []
        self.requests: list[Request] = []  # in the order the answers came back: request id n is at n - 1
        self._by_send: list[Request] = []  # the same, in the order they were sent
        self.t_sends: list[int] = []
        self.max_trip = 0
        self._pending: list[Request] = []
        self.settled: list[Request] = []
        self.replies: dict[str, list[int]] = {o: [] for o in OUTCOMES}
        self.chat_sent: list[int] = []
        self.chat_reconnects: list[int] = []
        self.fail_times: list[int] = []
        self.failures: list[Request] = []
        self.settled_failures: list[Request] = []  # the failures in the order they were told
        self.moments: list[int] = []
        self._event_times: list[int] = []
        self._states_cache = None
        self._up: dict[str, tuple[list[int], list[tuple[bool, bool]]]] = {}
        self._health: dict[tuple[str, str], tuple[list[int], list[bool]]] = {}
        self._served: dict[str, list[int]] = {s: [] for s in self.server_ids}  # when each answer was back
        # What a server holds in its own RAM, as the simulation counts it: logins (a session each) or, for a
        # websocket server, connections made on it since it last crashed (which wiped or dropped them).
        self._holds: dict[str, list[int]] = {s: [] for s in self.server_ids}
        self.snapshots: list[tuple[int, ...]] = []
        self.users: dict[str, User] = {}
        self.report: Report | None = None
        self.closed = False
        self.started_at: float | None = None  # the wall clock when every process had started
        self.speed = 1.0
        self.start_s: float | None = None
        self.failed: str | None = None  # why the run could not go on, when it ended without a report

    # --- the run's clock ----------------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self.started_at is not None

    @property
    def horizon(self) -> int:
        if self.finished:
            return self.end
        if self.started_at is None:
            return 0
        now = int((self.clock() - self.started_at) * self.speed * SECOND) - LAG_US
        return max(0, min(self.end, now))

    def advance(self, until_us: int | None = None, budget_s: float = 0.0, wait: bool = True) -> bool:
        """Nothing to work out: the run goes at its own pace. True once it has got as far as asked."""
        goal = self.end if until_us is None else min(until_us, self.end)
        return self._reached(goal)

    def run_to_end(self) -> None:
        raise RuntimeError("a run for real cannot be worked out ahead: it goes at its own pace")

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.on_close()

    # --- events -------------------------------------------------------------------------------------------

    def feed(self, event: dict[str, Any]) -> None:
        """One event of the run (a dict read from its JSON line); an event it does not know is ignored."""
        kind = event.get("event")
        try:
            if kind == "started":
                self.started_at = self.clock()
                self.speed = float(event.get("speed", 1.0))
                self.start_s = float(event.get("start_s", 0.0))
            elif kind == "answer":
                self._answer(event)
            elif kind == "fault":
                self._fault(_us(event["t"]), str(event["node"]), str(event["action"]))
            elif kind == "report" and isinstance(event.get("report"), dict):
                self.report = report_from_json(event["report"])
            elif kind == "lost_messages":
                # a message sent in the run's last instant is written a moment after its end: shown at the end
                self.lost_message_times = sorted(min(_us(x), self.end) for x in event["at"][:MAX_REQUESTS])
        except (KeyError, TypeError, ValueError):
            return  # a line the run did not mean as this event: the run goes on

    def ask_fault(self, node: str, action: str) -> None:
        """A fault by hand: sent to the run, which kills (or starts) the real process and tells it back."""
        if node in self.labels and action in ("crash", "restart", "replace") and not self.finished:
            self.ask(node, action)

    def _user(self, uid: str, client: str) -> User:
        user = self.users.get(uid)
        if user is None:
            user = self.users[uid] = User(uid, client)
        return user

    def _answer(self, e: dict[str, Any]) -> None:
        if len(self.requests) >= MAX_REQUESTS:
            return
        client = str(e["group"])  # the client node the user belongs to
        if client not in self.labels or e["outcome"] not in OUTCOMES:
            return
        t_send, t_reply = _us(e["t_send"]), _us(e["t"])
        r = Request(len(self.requests) + 1, self._user(str(e["user"]), client), str(e["action"]), t_send)
        r.outcome, r.status = e["outcome"], int(e.get("status") or 0)
        entry, server = e.get("entry"), e.get("answered_by")
        r.entry = entry if entry in self.labels else None
        r.server = server if server in self._served else None
        r.lb = r.entry if r.entry in self.balancer_ids else None
        span = max(1, t_reply - t_send)
        # A real client sees when it sent and when the answer came back; the hops in between share the time.
        r.t_lb = t_send + span // 4 if r.lb else None
        r.t_server = t_send + span // 2 if r.server else None
        r.t_done = r.t_server if r.server else (r.t_lb or t_send + span // 2)
        r.t_reply = t_send + span
        if "cause" in e:
            c = dict(e["cause"])
            r.cause = Cause(Why(c["why"]), str(c["node"]), c.get("origin"), c.get("kept_in", ""),
                            c.get("looks_in", ""), c.get("held", ""), tuple(c.get("down", ())))
        if r.server and e.get("calls"):
            r.calls = [(r.t_server, str(store), f"{int(n)} command{'s' if int(n) != 1 else ''}")
                       for store, n in e["calls"] if store in self.labels]
        if e.get("again"):
            r.grant = "again"  # journey chat: a reconnect
        if r.outcome == OK and r.server and self.connections is not None:
            if r.action == CHAT_CONNECT:
                self.connections.connected(r.user.id, client, r.t_server, self.shown_at(r), r.server, r.lb,
                                           r.grant == "again")
            elif r.action == CHAT_SEND:  # handed on through its Redis to the servers subscribed (up) then
                relay = self.pubsub.get(r.server)
                others = self.connections.relays.get(relay, []) if relay else []
                r.fanout = Fanout(relay, tuple(o for o in others if o != r.server and self._up_at(o, r.t_server)[0]))
        self.requests.append(r)
        i = bisect_right(self.t_sends, t_send)
        self.t_sends.insert(i, t_send)
        self._by_send.insert(i, r)
        shown = self.shown_at(r)
        self.settled.append(r)
        insort(self.replies[r.outcome], shown)
        if r.outcome == OK and r.action == CHAT_SEND:
            insort(self.chat_sent, shown)
        elif r.outcome == OK and r.grant == "again":
            insort(self.chat_reconnects, shown)
        if r.outcome != OK:
            self.settled_failures.append(r)
            i = bisect_right(self.fail_times, shown)
            self.fail_times.insert(i, shown)
            self.failures.insert(i, r)
        if r.server:
            insort(self._served[r.server], shown)
            if r.outcome == OK and r.action in (LOGIN, CHAT_CONNECT):
                insort(self._holds[r.server], shown)
        self.max_trip = max(self.max_trip, r.t_reply - r.t_send)
        for x in (r.t_send, r.t_reply):
            insort(self.moments, x)

    def _fault(self, t: int, node: str, action: str) -> None:
        if node not in self.labels or action not in _FAULTS:
            return
        if action != "failover" and not any(f[1:] == (node, action) and abs(f[0] - t) < SECOND // 2
                                            for f in self.plan.faults):
            self.extra_faults.append((t, node, action))  # not the plan's: asked for by hand
            self.faults = sorted([*self.plan.faults, *self.extra_faults])
        self._mark(node, t, action)
        for lb in self.balancer_ids:  # its load balancers notice at their next health check
            if node in self.facts.balancer_servers[lb]:
                times, values = self._health.setdefault((lb, node), ([], []))
                at = max(t + HEALTH_US, times[-1] if times else 0)
                times.append(at)
                values.append(action != "crash")
                insort(self._event_times, at)

    def _mark(self, node: str, t: int, action: str) -> None:
        times, states = self._up.setdefault(node, ([], []))
        prev_up, _ = states[-1] if states else (True, False)
        if action == "crash":
            state = (False, self.facts.replicas.get(node, 0) >= 1 and prev_up) if prev_up else states[-1]
        else:
            state = (True, False)
        t = max(t, times[-1] if times else 0)  # told in the order they happened
        if action in ("crash", "replace") and self.connections is not None and node not in self.facts.replicas:
            self.connections.dropped_at(t, node)  # a websocket server's or load balancer's connections drop
        times.append(t)
        states.append(state)
        insort(self._event_times, t)
        insort(self.moments, t)

    # --- asking about a moment ----------------------------------------------------------------------------

    def _wiped_at(self, node: str, t: int) -> int:
        """When ``node`` last went down at or before ``t`` (-1: never)."""
        times, states = self._up.get(node, ([], []))
        i = bisect_right(times, t)
        return next((times[k] for k in range(i - 1, -1, -1) if not states[k][0]), -1)

    def sent_between(self, t0: int, t1: int) -> list[Request]:
        from bisect import bisect_left

        return self._by_send[bisect_left(self.t_sends, t0) : bisect_right(self.t_sends, t1)]

    def ids_sent_between(self, t0: int, t1: int) -> list[int]:
        return [r.id for r in self.sent_between(t0, t1)]

    def node_states_at(self, t: int) -> dict[str, NodeState]:
        served = tuple(bisect_right(self._served[s], t) for s in self.server_ids)
        key = (bisect_right(self._event_times, t), served)
        if self._states_cache is not None and self._states_cache[0] == key:
            return self._states_cache[1]
        out: dict[str, NodeState] = {}
        for s, n in zip(self.server_ids, served, strict=True):
            up, _ = self._up_at(s, t)
            held = bisect_right(self._holds[s], t) - bisect_right(self._holds[s], self._wiped_at(s, t))
            out[s] = NodeState(up, False, held if up else 0, n, self._crashes_until(s, t))
        for sid in self.store_ids:  # what a store holds is not read back from the real one: no count (-1)
            up, failing = self._up_at(sid, t)
            out[sid] = NodeState(up, failing, -1, 0, self._crashes_until(sid, t))
        for lb in self.balancer_ids:
            up, _ = self._up_at(lb, t)
            health = tuple((s, self._health_at(lb, s, t)) for s in self.facts.balancer_servers[lb])
            out[lb] = NodeState(up, False, 0, 0, self._crashes_until(lb, t), health)
        self._states_cache = (key, out)
        return out


def report_from_json(d: dict[str, Any]) -> Report:
    """The report a run for real printed as JSON (``Report.to_json``), as the object the app shows."""
    totals = d.get("totals", {})
    live = None
    if d.get("mode") == "live":
        live = LiveFigures(float(d.get("speed", 1)), float(d.get("start_s", 0)), float(d.get("wall_s", 0)),
                           tuple(dict(u) for u in d.get("unexpected_answers", ())))
    kinds = {"survives": bool, "scenario": str, "journey": str, "seed": int, "duration_s": float, "title": str}
    plain = {name: kind(d.get(name, "")) for name, kind in kinds.items()}
    return Report(
        **plain,
        labels={str(k): str(v) for k, v in dict(d.get("labels", {})).items()},
        totals=Totals(**{name: int(totals.get(name, 0)) for name in Totals.names()}),
        servers={str(k): ServerFigures(int(v["requests"]), int(v["crashes"])) for k, v in d.get("servers", {}).items()},
        stores={str(k): StoreFigures(str(v["kind"]), int(v["crashes"]), int(v["commands"]))
                for k, v in d.get("stores", {}).items()},
        faults=tuple(FaultDone(float(f["at"]), str(f["node"]), str(f["action"])) for f in d.get("faults", ())),
        findings=tuple(Finding(str(f["severity"]), str(f["code"]), str(f["message"]), tuple(f.get("nodes", ())),
                               f.get("at")) for f in d.get("findings", ())),
        live=live,
    )
