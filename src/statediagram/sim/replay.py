"""A replayable run: the engine works ahead in small chunks (``sim.ahead``), and an index answers "what was true
at t?". In the app the engine works in a child process (``sim.child_run``) and the same index takes its news.

The desktop app shows any moment of a run without asking the engine to go back: counters come from the
recorded requests (bisect on reply times), node up/down and load-balancer health from the engine's
events, and the figures only the engine knows (sessions in a server's RAM, keys in Redis, rows, files,
requests served) from snapshots taken on a fixed grid while the engine runs ahead.

A fault injected by hand at time t rebuilds the run from scratch with the plan's faults plus every
hand-made fault: the engine is deterministic, so everything before t is the same as before.

Qt-free; all times are integer microseconds of simulated time.
"""

from __future__ import annotations

import time
from array import array
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field

from ..core.model import Diagram
from .ahead import EVENTS_PER_STEP, SETTLE_US, SNAPSHOT_US, Ahead, News, RunFacts
from .answered import Answered, Kept, as_answered
from .chat import ACTIONS as CHAT_ACTIONS
from .chat import CONNECT as CHAT_CONNECT
from .chat import SEND as CHAT_SEND
from .connections import Channel, Connections
from .engine import Engine
from .faults import chaos_faults
from .nodes import OK, OUTCOMES, Request
from .report import Report, Totals
from .scenario import SECOND, Plan, resolve

__all__ = ["EVENTS_PER_STEP", "SETTLE_US", "SNAPSHOT_US", "Moment", "NodeState", "Replay", "RunSetup", "chaos_faults",
           "engine_at", "instants"]

LOSS_OUTCOMES = ("lost_session", "lost_file", "lost_data", "outage")


@dataclass(frozen=True)
class NodeState:
    """What one node shows at one moment."""

    up: bool = True
    failing_over: bool = False
    count: int = 0  # sessions in RAM (server), keys (Redis), rows (PostgreSQL), files (object storage)
    served: int = 0  # requests a server has handled so far
    crashes: int = 0
    health: tuple[tuple[str, bool], ...] = ()  # a load balancer's view: (server, believed healthy)


@dataclass
class Moment:
    """Everything the screen needs at one time t."""

    t: int
    totals: Totals
    nodes: dict[str, NodeState]


@dataclass
class RunSetup:
    """What a run is made of; two runs with equal setups are identical, event for event."""

    diagram: Diagram
    scenario: str | None = None
    journey: str | None = None
    seed: int | None = None
    hand_faults: list[tuple[int, str, str]] = field(default_factory=list)
    chaos_seed: int | None = None

    def plan(self) -> Plan:
        return resolve(self.diagram, self.scenario, self.journey, self.seed)


class Replay:
    """One run, worked ahead on demand, with an index of everything the player shows."""

    live = False  # a run on real processes (``live.feed.LiveReplay``) goes at its own pace, faults sent to it

    def __init__(self, setup: RunSetup, shown_trip_us: int = 0) -> None:
        """``shown_trip_us``: a player that draws each trip lasting at least this long counts a reply when the
        drawn token is back with the user (t_send + this), not before; 0 counts at the engine's reply time."""
        self.setup = setup
        self.shown_trip_us = shown_trip_us
        self.plan = setup.plan()
        self.end = self.plan.duration_us
        self.ahead: Ahead | None = Ahead(setup)  # the engine, worked ahead in this process
        self._begin(self.ahead.facts, self.ahead.extra_faults, self.ahead.first_snapshot)

    def _begin(self, facts: RunFacts, extra_faults: list[tuple[int, str, str]], first_snapshot: tuple) -> None:
        """The index, empty but for the figures at 0, once the run's facts are known."""
        self.facts = facts
        self.extra_faults = list(extra_faults)
        self.faults = sorted([*self.plan.faults, *self.extra_faults])
        self.labels = dict(facts.labels)
        self.kinds = {n.id: n.kind for n in self.setup.diagram.nodes}
        self.server_ids = list(facts.server_ids)
        self.balancer_ids = list(facts.balancer_ids)
        self.store_ids = list(facts.store_ids)
        # Index of requests (in the order they were sent, which is time order; request n is at n - 1). Those whose
        # outcome is final are kept as tuples the cyclic collector does not track (sim/answered.py).
        self.requests = Kept()
        self.t_sends = instants()
        self.max_trip = 0
        self.settled = Kept()  # requests whose outcome is final, in the order they were indexed
        self.settled_failures = Kept()  # ... those of them that did not end ok (the canvas's badges read them)
        self.replies: dict[str, array] = {o: instants() for o in OUTCOMES}
        self.chat_sent = instants()  # journey chat: when each acknowledged message's answer is shown, sorted
        self.chat_reconnects = instants()  # ... and each reconnect's
        # Journey chat: who is connected where at each moment; the rooms; when each lost message was sent.
        self.connections = Connections({r: list(ss) for r, ss in facts.relays.items()}) if facts.chat else None
        self.rooms: list[str] = list(facts.rooms)
        self.lost_message_times: list[int] = []  # known when the run is worked out to its end
        self.fail_times = instants()  # reply times of the requests that did not end ok, sorted
        self.failures = Kept()  # the same requests, in the same order
        self.moments = instants()  # every instant something happens, for Step and Step back
        # Up/down and health, from the engine's events: node -> ([t], [value]).
        self._event_times = instants()  # every event's time, in order
        self._states_cache: tuple[tuple[int, int, int], dict[str, NodeState]] | None = None
        self._up: dict[str, tuple[list[int], list[tuple[bool, bool]]]] = {}
        self._health: dict[tuple[str, str], tuple[list[int], list[bool]]] = {}
        self.snapshots: list[tuple[int, ...]] = [first_snapshot]  # snapshots[k] is the state at k * SNAPSHOT_US
        self.report: Report | None = None
        self.closed = False

    @property
    def engine(self) -> Engine:
        """The engine of a run worked out in this process (tests, the command line; not a child's run)."""
        if self.ahead is None:
            raise AttributeError("this run's engine is in another process")
        return self.ahead.engine

    # --- working ahead --------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.report is not None

    @property
    def horizon(self) -> int:
        """Every moment up to here is final and indexed."""
        if self.finished:
            return self.end
        return max(0, min(self.end, (len(self.snapshots) - 1) * SNAPSHOT_US - SETTLE_US))

    def advance(self, until_us: int | None = None, budget_s: float = 0.015, wait: bool = True) -> bool:
        """Run the engine ahead until the horizon passes ``until_us`` (or the end), within a wall-clock budget.
        ``wait``: for a run worked out in another process (``sim.child_run``), whether to wait idle for it within
        the budget; the player's ticks do not, they have a frame to draw.

        Returns True when the run is worked out as far as asked.
        """
        goal = self.end if until_us is None else min(until_us, self.end)
        deadline = time.perf_counter() + budget_s
        while not self._reached(goal):
            news = self.ahead.step()
            if news is not None:
                self._take(news)
            if time.perf_counter() >= deadline:
                break
        return self._reached(goal)

    def _reached(self, goal: int) -> bool:
        return self.finished or (goal < self.end and self.horizon >= goal)

    def close(self) -> None:
        """Free the run's engine (``Ahead.close``): reference counting frees the run as soon as it is dropped,
        without the cyclic garbage collector."""
        if self.closed:
            return
        self.closed = True
        if self.ahead is not None:
            self.ahead.close()

    def release(self, count: int = 10_000) -> bool:
        """Drop up to ``count`` entries of the run's long lists (after ``close``); True when none are left.

        A worked-out 10-minute run holds over a million objects; dropped at once, freeing them stops the
        caller for about 50 ms. Called a little at a time, it never does."""
        for entries in (self.requests, self.settled, self.settled_failures, self.failures, self.t_sends,
                        self.moments, self.fail_times, self.snapshots, self._event_times, self.chat_sent,
                        self.chat_reconnects, *self.replies.values()):
            if entries:
                del entries[-count:]
                return False
        return self.connections is None or self.connections.release(count)

    def run_to_end(self) -> None:
        while not self.advance(budget_s=1.0):
            pass

    def _take(self, news: News) -> None:
        """Index one step of the engine's work."""
        self.requests.extend(news.sent)
        self.t_sends.extend(news.t_sends)
        for row in news.updated:
            self.requests.update(row)
        for row, again in news.settled:
            r = as_answered(row)
            shown = self.shown_at(r)
            self.requests.settle(row)
            self.settled.append(row)
            insort(self.replies[r.outcome], shown)
            if r.outcome == OK and r.action in CHAT_ACTIONS:
                if r.action == CHAT_SEND:
                    insort(self.chat_sent, shown)
                elif again:
                    insort(self.chat_reconnects, shown)
                if r.action == CHAT_CONNECT and self.connections is not None:
                    self.connections.connected(r.user_id, r.client, r.t_server, shown, r.server, r.lb, again)
            if r.outcome != OK:
                self.settled_failures.append(row)
                i = bisect_right(self.fail_times, shown)
                self.fail_times.insert(i, shown)
                self.failures.insert(i, row)
            self.max_trip = max(self.max_trip, r.t_reply - r.t_send)
            for x in (r.t_send, r.t_lb, r.t_server, r.t_done, r.t_reply):
                if x is not None:
                    insort(self.moments, x)
        stores = self.facts.replicas
        for t, what, node, detail in news.events:
            insort(self.moments, t)
            self._event_times.append(t)
            if what == "health":
                server, state = detail.split(":")
                times, values = self._health.setdefault((node, server), ([], []))
                times.append(t)
                values.append(state == "up")
                continue
            times, states = self._up.setdefault(node, ([], []))
            prev_up, _ = states[-1] if states else (True, False)
            if what in ("crash", "replace") and self.connections is not None and node not in stores:
                self.connections.dropped_at(t, node)  # a websocket server's or load balancer's connections drop
            if what == "crash":
                state = (False, stores.get(node, 0) >= 1 and prev_up) if prev_up else states[-1]
            elif what in ("restart", "replace", "failover"):
                state = (True, False)
            else:
                continue
            times.append(t)
            states.append(state)
        if news.snapshot is not None:
            self.snapshots.append(news.snapshot)
        if news.report is not None:
            self.lost_message_times = news.lost_message_times
            self.report = news.report

    # --- asking about a moment ------------------------------------------------------------------

    def totals_at(self, t: int) -> Totals:
        """The report's totals counting the requests whose reply reached the user by ``t``; from the end of a
        finished run on, the report's own (which also counts the replies still on their way at the end)."""
        if self.finished and t >= self.end:
            return self.report.totals
        counts = {o: bisect_right(self.replies[o], t) for o in OUTCOMES}
        if not self.facts.chat:
            return Totals.of_outcomes(counts)
        # A lost message is one some member never got by the end: it is counted when the run ends, not before.
        return Totals.of_outcomes(counts, messages=bisect_right(self.chat_sent, t),
                                  reconnects=bisect_right(self.chat_reconnects, t))

    def losses_per_second(self, t: int) -> list[int]:
        """Losses (lost sessions, files, data, outages) in each simulated second up to ``t``."""
        lists = [self.replies[o] for o in LOSS_OUTCOMES]
        out = []
        for s in range(t // SECOND + 1):
            lo, hi = s * SECOND, min((s + 1) * SECOND - 1, t)
            out.append(sum(bisect_right(x, hi) - bisect_left(x, lo) for x in lists))
        return out

    def chat_per_second(self, t: int) -> dict[str, list[int]]:
        """Journey chat, in each simulated second up to ``t``: messages acknowledged, reconnects, and lost
        messages by the second they were sent (known only when the run has ended: no figures before)."""
        ended = self.finished and t >= self.end
        return {"messages": _per_second(self.chat_sent, t),
                "lost_messages": _per_second(self.lost_message_times, t) if ended else [],
                "reconnects": _per_second(self.chat_reconnects, t)}

    def channels_at(self, redis: str, t: int) -> list[Channel]:
        """Journey chat: the rooms' pub/sub channels on ``redis`` and the servers subscribed at ``t``."""
        if self.connections is None:
            return []
        up = {node: self._up_at(node, t)[0] for node in self._up}
        return self.connections.channels(redis, self.rooms, up)

    def down_windows(self, t: int) -> list[tuple[float, float]]:
        """(from, to) simulated seconds in which a server was down, up to ``t``."""
        out = []
        for s in self.server_ids:
            times, states = self._up.get(s, ([], []))
            since = None
            for x, (up, _) in zip(times, states, strict=True):
                if x > t:
                    break
                if not up and since is None:
                    since = x
                elif up and since is not None:
                    out.append((since / SECOND, x / SECOND))
                    since = None
            if since is not None:
                out.append((since / SECOND, t / SECOND))
        return out

    def node_states_at(self, t: int) -> dict[str, NodeState]:
        """Every node's state at ``t``; the same dict object while nothing changes (cheap to ask every frame)."""
        k = max(0, min(t // SNAPSHOT_US, len(self.snapshots) - 1))
        key = (k, bisect_right(self._event_times, t), len(self.snapshots))
        if self._states_cache is not None and self._states_cache[0] == key:
            return self._states_cache[1]
        out = self._states(t, k)
        self._states_cache = (key, out)
        return out

    def _states(self, t: int, k: int) -> dict[str, NodeState]:
        row = self.snapshots[k]
        out: dict[str, NodeState] = {}
        i = 0
        for s in self.server_ids:
            up, _ = self._up_at(s, t)
            sessions, served, _crashes = row[i : i + 3]
            out[s] = NodeState(up, False, sessions if up else 0, served, self._crashes_until(s, t))
            i += 3
        for sid in self.store_ids:
            up, failing = self._up_at(sid, t)
            count, _crashes = row[i : i + 2]
            if not up and not self.facts.persistent[sid] and not failing:  # its crash lost what it held
                count = 0
            out[sid] = NodeState(up, failing, count, 0, self._crashes_until(sid, t))
            i += 2
        for lb in self.balancers():
            up, _ = self._up_at(lb, t)
            health = tuple((s, self._health_at(lb, s, t)) for s in self.facts.balancer_servers[lb])
            out[lb] = NodeState(up, False, 0, 0, 0, health)
        return out

    def balancers(self) -> list[str]:
        return self.balancer_ids

    def _crashes_until(self, node: str, t: int) -> int:
        """Crashes up to ``t`` exactly (the snapshots may be one grid step older): each up -> down counts."""
        times, states = self._up.get(node, ([], []))
        crashes, prev = 0, True
        for up, _ in states[: bisect_right(times, t)]:
            crashes += prev and not up
            prev = up
        return crashes

    def _up_at(self, node: str, t: int) -> tuple[bool, bool]:
        times, states = self._up.get(node, ([], []))
        i = bisect_right(times, t)
        return states[i - 1] if i else (True, False)

    def _health_at(self, lb: str, server: str, t: int) -> bool:
        times, values = self._health.get((lb, server), ([], []))
        i = bisect_right(times, t)
        return values[i - 1] if i else True

    def moment(self, t: int) -> Moment:
        return Moment(t, self.totals_at(t), self.node_states_at(t))

    def shown_at(self, r: Request) -> int:
        """When the reply of ``r`` counts on screen (see ``shown_trip_us``)."""
        return max(r.t_reply, r.t_send + self.shown_trip_us)

    def last_failure(self, t: int, within_us: int | None = None) -> Request | Answered | None:
        """The latest request that did not end ok, answered by ``t`` (and no longer than ``within_us`` ago)."""
        i = bisect_right(self.fail_times, t)
        if not i or (within_us is not None and self.fail_times[i - 1] < t - within_us):
            return None
        return self.failures[i - 1]

    def sent_between(self, t0: int, t1: int) -> list[Request | Answered]:
        """Requests sent in [t0, t1], in the order they were sent."""
        return self.requests.between(bisect_left(self.t_sends, t0), bisect_right(self.t_sends, t1))

    def ids_sent_between(self, t0: int, t1: int) -> range:
        """The ids of the requests sent in [t0, t1], in the order they were sent (request n was the n-th sent)."""
        return range(bisect_left(self.t_sends, t0) + 1, bisect_right(self.t_sends, t1) + 1)

    def request(self, rid: int) -> Request | Answered:
        """Request ``rid`` as the engine made it (read anew at each call: a reader keeps what it needs of it)."""
        return self.requests[rid - 1]

    def next_moment(self, t: int) -> int:
        """The next instant after ``t`` at which something happens (for Step)."""
        i = bisect_right(self.moments, t)
        return self.moments[i] if i < len(self.moments) else min(self.end, self.horizon)

    def previous_moment(self, t: int) -> int:
        i = bisect_left(self.moments, t)
        return self.moments[i - 1] if i else 0


def instants() -> array:
    """A sorted list of instants (microseconds) kept as machine numbers: a worked-out 10-minute run holds about
    a million of them (every moment, send and reply), and as a Python list of ints each full garbage collection
    looked at every one of them."""
    return array("q")


def _per_second(times: list[int], t: int) -> list[int]:
    """How many of the sorted ``times`` fall in each simulated second up to ``t``."""
    return [bisect_right(times, min((s + 1) * SECOND - 1, t)) - bisect_left(times, s * SECOND)
            for s in range(t // SECOND + 1)]


def engine_at(setup: RunSetup, t: int) -> Engine:
    """A fresh engine of the same run, stopped at ``t``: its stores hold exactly what they held then."""
    engine = Ahead(setup).engine
    engine.run_until(t)
    return engine
