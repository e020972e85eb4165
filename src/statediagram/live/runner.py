"""``statediagram live``: start every node as a real process, drive the journeys, apply the drill, report.

The report is built by the simulation's own ``build_report`` from a ``LiveRun`` that offers what it reads
(totals, causes, per-node figures), so text and JSON have the same shape; JSON adds ``"mode": "live"``,
``start_s`` (seconds to start every process) and ``wall_s``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import queue
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..core.catalog import Role, role_of
from ..core.model import Diagram
from ..sim.kinds import sim_kind
from ..sim.scenario import SECOND, Plan
from ..termination import stop_if_asked
from . import CannotRunLive, check_runnable, require_modules
from .chatload import ChatLoad
from .layout import Layout, layout
from .load import Drill, LoadGenerator, Tally
from .services import build_specs
from .supervisor import Supervisor

if TYPE_CHECKING:
    from ..sim.report import Report

MIN_SPEED, MAX_SPEED = 0.5, 8.0
WATCH_S = 0.2  # how often the children are checked for a death nobody asked for
REPLICA_READY_S = 5.0  # bound on waiting for a store that stands for its replica to answer


@dataclass
class LiveRun:
    """What ``sim.report.build_report`` reads from a run, filled from a live one."""

    diagram: Diagram
    plan: Plan
    tally: Tally
    crashes: dict[str, int]
    labels: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        d = self.diagram
        self.labels = {n.id: n.label for n in d.nodes}
        self.totals = self.tally.totals
        self.causes = self.tally.causes
        self.first_seen = self.tally.first_seen
        self.chat = self.tally.chat  # journey chat: its ChatBook (messages, reconnects, lost messages)
        def having(role: Role) -> list[str]:
            return sorted(n.id for n in d.nodes if role_of(n.kind) == role)

        self.servers = {s: SimpleNamespace(id=s, requests=self.tally.server_requests[s],
                                           crashes=self.crashes.get(s, 0)) for s in having(Role.SERVER)}
        self.stores = {st: SimpleNamespace(id=st, kind=d.node(st).kind, crashes=self.crashes.get(st, 0),
                                           store=SimpleNamespace(commands=self.tally.store_calls[st]))
                       for st in having(Role.STORE)}
        self.balancers = {lb: SimpleNamespace(servers=sorted(o for o in d.neighbours(lb)
                                                             if role_of(d.node(o).kind) == Role.SERVER))
                          for lb in having(Role.BALANCER)}


def run_live(diagram: Diagram, plan: Plan, speed: float = 1.0, redis_fallback: bool = False,
             say: Callable[[str], None] | None = None, on_event: Callable[[dict[str, Any]], None] | None = None,
             commands: queue.Queue | None = None) -> Report:
    """Run ``plan`` on real processes and return the report (the simulation's, with its ``live`` figures).

    ``on_event`` is told every answer and fault as it happens (the app's live view); ``commands`` brings
    faults asked for by hand, as (node id, action).

    Raises CannotRunLive (missing program or package, a process that would not start or died by itself).
    Everything started is stopped and its folder removed before this returns or raises, KeyboardInterrupt
    included, and ``termination.Terminated`` (SIGTERM).
    """
    from .services import Missing
    from .supervisor import ChildDied, StartFailed

    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise CannotRunLive(f"--speed must be from {MIN_SPEED:g} to {MAX_SPEED:g}, not {speed:g}")
    check_runnable(diagram)
    try:
        require_modules()
    except Exception as exc:
        raise CannotRunLive(str(exc)) from None
    lay = layout(diagram, plan.journey)
    wall0 = time.monotonic()
    try:
        with Supervisor() as sup:
            specs, ctx = build_specs(lay, sup, check_ms=max(100, round(1000 / speed)), redis_fallback=redis_fallback)
            started = sup.start_all(specs)
            say(f"started {len(specs)} processes in {started:.1f} s (folder {sup.dir}); running "
                f"{plan.duration_s:g} s of scenario {plan.name} at speed {speed:g}")
            if on_event is not None:
                on_event({"event": "started", "start_s": round(started, 2), "duration_s": plan.duration_s,
                          "speed": speed, "nodes": {n: diagram.node(n).label for n in lay.names}})
            tally = asyncio.run(_drive(lay, plan, ctx.ports, speed, sup, on_event, commands))
            crashes = {node: sup.crashes(name) for node, name in lay.names.items()}
    except (Missing, StartFailed, ChildDied) as exc:
        raise CannotRunLive(str(exc)) from None
    from ..sim.report import LiveFigures, build_report

    report = build_report(LiveRun(diagram, plan, tally, crashes))
    unexpected = tuple({"status": status, "node": server, "count": n}
                       for (status, server), n in sorted(tally.unexpected.items()))
    if unexpected:  # answers no journey step explains (counted as failover errors): say so, never hide
        say("unexpected answers (counted as failover errors): " + ", ".join(
            f"{n} x {status} from {diagram.node(server).label}" for (status, server), n in tally.unexpected.items()))
    if on_event is not None and tally.chat is not None:  # the app's chart shows when each lost message was sent
        book = tally.chat
        on_event({"event": "lost_messages", "at": [round(book.times[seq] / SECOND, 4) for seq in book.lost()]})
    live = LiveFigures(speed, round(started, 2), round(time.monotonic() - wall0, 2), unexpected)
    return dataclasses.replace(report, live=live)


async def _drive(lay: Layout, plan: Plan, ports: dict[str, int], speed: float, sup: Supervisor,
                 on_event: Callable[[dict[str, Any]], None] | None, commands: queue.Queue | None) -> Tally:
    drill = Drill()
    on_answer = None
    if on_event is not None:
        def on_answer(user, action, answer, sent, t) -> None:
            on_event(answer_event(user, action, answer, sent, t))
    gen = (ChatLoad if plan.journey == "chat" else LoadGenerator)(lay, plan, ports, speed, drill, on_answer)
    t0 = time.monotonic()
    drills = Drills(lay, speed, sup, drill, t0, on_event)
    users = asyncio.create_task(gen.run(t0))
    helpers = [asyncio.create_task(drills.scheduled(plan)), asyncio.create_task(_watch(sup))]
    if commands is not None:
        helpers.append(asyncio.create_task(drills.by_hand(commands)))
    # bounded: the run, then the answers' timeout for the last requests in flight
    deadline = t0 + plan.duration_s / speed + 15
    try:
        while not users.done():
            left = deadline - time.monotonic()
            if left <= 0:
                raise CannotRunLive(f"the run did not end {deadline - t0:.0f} s after it began")
            pending = {users} | {t for t in helpers if not t.done()}
            done, _ = await asyncio.wait(pending, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not users and task.exception() is not None:
                    raise task.exception()
        return users.result()
    finally:
        drills.cancel()
        for task in (users, *helpers):
            task.cancel()
        await asyncio.gather(users, *helpers, return_exceptions=True)


def answer_event(user, action: str, answer, sent: float, t: float) -> dict[str, Any]:
    """One answer as the event stream tells it: enough for the app to draw the request's trip and its badge."""
    event: dict[str, Any] = {"event": "answer", "t_send": round(sent, 4), "t": round(t, 4), "user": user.id,
                             "group": user.client, "action": action, "outcome": answer.outcome,
                             "status": answer.status, "entry": answer.entry, "answered_by": answer.server}
    if answer.grant == "again":
        event["again"] = True  # journey chat: a reconnect
    if answer.calls:
        event["calls"] = [[store, n] for store, n in answer.calls]
    if answer.cause is not None:
        event["cause"] = {k: v for k, v in dataclasses.asdict(answer.cause).items() if v not in (None, "", ())}
    return event


async def _watch(sup: Supervisor) -> None:
    while True:
        sup.check_children()
        stop_if_asked()  # a SIGTERM whose own exception was lost (termination.py): the run stops all the same
        await asyncio.sleep(WATCH_S)


class Drills:
    """Applies faults to the real processes: the plan's at their times, and those asked for by hand meanwhile."""

    def __init__(self, lay: Layout, speed: float, sup: Supervisor, drill: Drill, t0: float,
                 on_event: Callable[[dict[str, Any]], None] | None) -> None:
        self.lay, self.speed, self.sup, self.drill, self.t0 = lay, speed, sup, drill, t0
        self.on_event = on_event
        self.later: set[asyncio.Task] = set()

    def now_us(self) -> int:
        return int((time.monotonic() - self.t0) * self.speed * SECOND)

    async def apply(self, node: str, action: str) -> None:
        lay, sup, drill = self.lay, self.sup, self.drill
        name = lay.names[node]
        at = self.now_us()
        if self.on_event is not None:
            self.on_event({"event": "fault", "t": round(at / SECOND, 3), "node": node, "action": action})
        if action == "crash":
            await asyncio.to_thread(sup.crash, name)
            drill.down.add(node)
            props = lay.diagram.node(node).props
            if lay.role(node) == Role.STORE and sim_kind(lay.kind(node)).replicas(props) >= 1:
                drill.failing_over.add(node)
                task = asyncio.create_task(self._failover(node, (at // SECOND + 1) * SECOND))
                self.later.add(task)
                task.add_done_callback(self.later.discard)
        else:
            await asyncio.to_thread(sup.replace if action == "replace" else sup.restart, name)
            drill.failing_over.discard(node)
            drill.down.discard(node)

    async def _failover(self, node: str, at_us: int) -> None:
        """A replica takes over at the next second: the store comes back with its data, failing over until it
        answers again."""
        await asyncio.sleep(max(0.0, self.t0 + at_us / SECOND / self.speed - time.monotonic()))
        if node in self.drill.failing_over:
            name = self.lay.names[node]
            await asyncio.to_thread(self.sup.restart, name)
            await asyncio.to_thread(self.sup.wait_ready, name, REPLICA_READY_S)
            self.drill.failing_over.discard(node)
            self.drill.down.discard(node)
            if self.on_event is not None:
                self.on_event({"event": "fault", "t": round(self.now_us() / SECOND, 3), "node": node,
                               "action": "failover"})

    async def scheduled(self, plan: Plan) -> None:
        for at, node, action in plan.faults:  # in the order they happen
            if node not in self.lay.names:
                continue
            wait = self.t0 + at / SECOND / self.speed - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            await self.apply(node, action)

    async def by_hand(self, commands: queue.Queue) -> None:
        """Faults asked for while the run goes (the app's Crash button): (node id, action), checked here."""
        while True:
            try:
                node, action = commands.get_nowait()
            except queue.Empty:
                await asyncio.sleep(0.05)
                continue
            if node in self.lay.names and action in ("crash", "restart", "replace"):
                await self.apply(node, action)
            elif self.on_event is not None:
                self.on_event({"event": "refused", "node": str(node)[:100], "action": str(action)[:20]})

    def cancel(self) -> None:
        for task in list(self.later):
            task.cancel()
