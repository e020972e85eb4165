"""Faults: what a crash, a restart or a replacement does to a node, what a store that is down answers, and the
seeded chaos monkey.

The engine owns the clock and the event queue; it hands each fault to ``Faults.apply`` when its time comes, and
schedules what a fault sets off later (a replica taking over). ``Faults`` holds no reference to the engine, only
to the run's node states and its event log, so a run holds no reference cycle through it.
"""

from __future__ import annotations

import random

from ..core.model import Diagram
from .causes import Cause, Why
from .kinds import ids_where
from .nodes import FAILOVER, OUTAGE, BalancerState, ServerState, StoreState
from .scenario import SECOND, Plan

FaultAt = tuple[int, str, str]  # (at_us, node, action)


def unavailable(store: StoreState) -> tuple[str, int, Cause] | None:
    """How a request that needs ``store`` fails while it is down (None while it is up): a failover error while a
    replica is taking over, else an outage."""
    if store.up:
        return None
    if store.failing_over:
        return FAILOVER, 503, Cause.at(Why.STORE_FAILOVER, store.id)
    return OUTAGE, 503, Cause.at(Why.STORE_DOWN, store.id)


class Faults:
    """Applies crashes, restarts and replacements to the servers, load balancers and stores of one run.

    A crashed server loses its RAM and the requests in flight on it; a replaced one also gets a new blank disk.
    A crashed store with replicas fails over at the next second; without, a store whose kind keeps no data over
    a crash (Redis that is not persistent) loses it. Each fault is logged in ``events`` as ``(t, action, node, "")``.
    """

    def __init__(
        self,
        servers: dict[str, ServerState],
        balancers: dict[str, BalancerState],
        stores: dict[str, StoreState],
        events: list[tuple[int, str, str, str]],
    ) -> None:
        self.servers = servers
        self.balancers = balancers
        self.stores = stores
        self.events = events

    def apply(self, t: int, node: str, action: str) -> FaultAt | None:
        """Apply ``action`` ("crash", "restart", "replace", or "failover": a replica takes over) to ``node`` at
        ``t``. Returns the fault this one sets off later, for the caller to schedule, or None."""
        if action == "failover":
            store = self.stores[node]
            if store.failing_over:
                store.up, store.failing_over = True, False
                self.events.append((t, "failover", node, "a replica took over"))
            return None
        self.events.append((t, action, node, ""))
        if node in self.servers:
            self._server(t, self.servers[node], action)
        elif node in self.balancers:
            lb = self.balancers[node]
            if action == "crash" and lb.up:
                lb.up, lb.crashes = False, lb.crashes + 1
            elif action != "crash":
                lb.up = True
        elif node in self.stores:
            return self._store(t, self.stores[node], action)
        return None

    def _server(self, t: int, srv: ServerState, action: str) -> None:
        if action == "crash":
            if not srv.up:
                return
            srv.up = False
            srv.crashes += 1
            srv.wipe_ram()
            for r in srv.open:
                if r.t_done is not None and r.t_server <= t < r.t_done:
                    r.outcome, r.status, r.cause = FAILOVER, 502, Cause.at(Why.KILLED_IN_FLIGHT, srv.id)
            srv.open = [r for r in srv.open if r.t_done is None]
            return
        if action == "replace":
            if srv.up:  # a running machine is taken down first: what was in flight is lost
                self._server(t, srv, "crash")
            srv.blank()
        srv.up = True

    def _store(self, t: int, store: StoreState, action: str) -> FaultAt | None:
        if action == "crash":
            if not store.up:
                return None
            store.up = False
            store.crashes += 1
            if store.replicas >= 1:
                store.failing_over = True
                return (t // SECOND + 1) * SECOND, store.id, "failover"  # at the next second
            if not store.persistent:
                store.store.lose_keys()
            return None
        if store.up:
            return None
        store.failing_over = False
        store.up = True
        if action == "replace" and not store.persistent:
            store.store.lose_keys()
        return None


def chaos_faults(diagram: Diagram, plan: Plan, seed: int) -> list[FaultAt]:
    """A seeded chaos monkey: every 6 to 12 s it crashes one random server, which restarts 3 to 6 s later."""
    servers = ids_where(diagram, lambda k: k.drilled)
    rng = random.Random(f"chaos-monkey:{seed}")
    out: list[FaultAt] = []
    busy_until: dict[str, int] = {}
    t = 5 * SECOND
    while servers and t < plan.duration_us - 5 * SECOND:
        free = [s for s in servers if busy_until.get(s, 0) < t]
        if free:
            victim = rng.choice(free)
            back = t + rng.randint(3, 6) * SECOND
            out += [(t, victim, "crash"), (back, victim, "restart")]
            busy_until[victim] = back
        t += rng.randint(6, 12) * SECOND
    return out
