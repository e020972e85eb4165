"""The load generator: the journeys' users as real HTTP clients (asyncio + httpx), counted like the simulation.

Each user follows the contract's journey (``sim.nodes.FULL_ROUND``), with the same think time, retries and
re-logins, and every answer is read into the same outcomes and causes as ``sim.engine`` uses, from what a real
client can see: the status, the ``X-Server`` that answered, the store a 503 names, and what the user was
acknowledged before. Times are the scenario's seconds: wall-clock seconds times ``speed``.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie

from ..core.topology import RAM, ServerHomes, state_homes
from ..sim.causes import Cause, Why
from ..sim.nodes import (
    ADD_TO_CART,
    FAILOVER,
    LOGIN,
    LOST_DATA,
    LOST_FILE,
    LOST_SESSION,
    OK,
    OUTAGE,
    UPLOAD,
    VIEW_AVATAR,
    VIEW_CART,
    User,
    method_and_path,
)
from ..sim.scenario import SECOND, Plan
from ..sim.shop import advance, next_action, next_product, take_grant
from .haproxy import STICKY_COOKIE
from .layout import Layout

THINK_S = (0.75, 1.25)
CONNECT_TIMEOUT_S = 1.0
ANSWER_TIMEOUT_S = 8.0
MAX_IN_FLIGHT = 64


@dataclass
class Answer:
    """What came back for one request, as the outcome and cause the report counts."""

    outcome: str
    cause: Cause | None = None
    server: str | None = None
    grant: object = None
    shown: dict[str, int] | None = None
    status: int = 0  # the HTTP status the user saw (502 for a connection broken mid-request, 503 for none made)
    entry: str | None = None  # the node the user reached: a load balancer or a server
    calls: tuple[tuple[str, int], ...] = ()  # (store, commands) the server said it sent while answering


@dataclass
class Tally:
    """The counts a run's report is built from (the same names the simulation's report reads)."""

    totals: Counter = field(default_factory=Counter)
    causes: Counter = field(default_factory=Counter)
    first_seen: dict = field(default_factory=dict)
    server_requests: Counter = field(default_factory=Counter)
    store_calls: Counter = field(default_factory=Counter)
    unexpected: Counter = field(default_factory=Counter)  # answers no journey step explains (status, server)
    chat: object = None  # journey chat: the messages' bookkeeping (``chatload.ChatBook``)

    def count(self, answer: Answer, at_us: int) -> None:
        self.totals[answer.outcome] += 1
        if answer.cause is not None:
            key = (answer.outcome, answer.cause)
            self.causes[key] += 1
            self.first_seen.setdefault(key, at_us)


class Drill:
    """What the fault schedule has done so far: nodes down, and stores whose replica is taking over."""

    def __init__(self) -> None:
        self.down: set[str] = set()
        self.failing_over: set[str] = set()


class LoadGenerator:
    def __init__(self, layout: Layout, plan: Plan, ports: dict[str, int], speed: float, drill: Drill,
                 on_answer: Callable[[User, str, Answer, float, float], None] | None = None) -> None:
        self.lay = layout
        self.plan = plan
        self.ports = ports
        self.speed = speed
        self.drill = drill
        self.on_answer = on_answer
        self.homes: dict[str, ServerHomes] = state_homes(layout.diagram)
        self.by_name = {name: node for node, name in layout.names.items()}
        self.tally = Tally()
        self.t0 = 0.0
        self.rr: dict[str, int] = {}
        self.jars: dict[str, dict[str, str]] = {}

    def now_us(self) -> int:
        return int((time.monotonic() - self.t0) * self.speed * SECOND)

    async def run(self, t0: float) -> Tally:
        import httpx

        self.t0 = t0
        blocked = http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT)
        self.gate = asyncio.Semaphore(MAX_IN_FLIGHT)
        async with httpx.AsyncClient(timeout=httpx.Timeout(ANSWER_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
                                     limits=limits, cookies=blocked, trust_env=False) as client:
            self.http = client
            users = []
            for cid in self.lay.clients():
                n = int(self.lay.diagram.node(cid).props.get("users", 1))
                users += [User(f"{cid}-{i}", cid) for i in range(1, n + 1)]
            await asyncio.gather(*(self._user(u) for u in users))
        return self.tally

    # --- one user ---------------------------------------------------------------------------------------

    async def _user(self, user: User) -> None:
        rng = random.Random(f"{self.plan.seed}:{user.id}")
        self.jars[user.id] = {}
        end = self.plan.duration_us
        while self.now_us() < end:
            action = next_action(user, self.plan.journey)
            async with self.gate:
                sent = self.now_us()
                answer = await self._send(user, action)
            at = self.now_us()
            self.tally.count(answer, at)
            if self.on_answer is not None:
                self.on_answer(user, action, answer, sent / SECOND, at / SECOND)
            self._apply(user, action, answer)
            await asyncio.sleep(rng.uniform(*THINK_S) / self.speed)

    async def _send(self, user: User, action: str) -> Answer:
        import httpx

        entries = self.lay.entries(user.client)
        n = len(entries)
        start = self.rr.get(user.client, 0)
        for k in range(n):
            i = (start + k) % n
            entry = entries[i]
            try:
                resp = await self._request(user, action, entry)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                continue  # that entry is down: the next one at once
            except httpx.HTTPError:  # the connection broke mid-request: the node died under it
                self.rr[user.client] = i + 1
                return self._broken(entry)
            self.rr[user.client] = i + 1
            answer = self._read(user, action, entry, resp)
            answer.status, answer.entry = resp.status_code, entry
            answer.calls = tuple(self._store_calls(answer.server, resp))
            return answer
        return Answer(OUTAGE, Cause.no_entry(user.client, tuple(entries)), status=503)

    def _broken(self, entry: str) -> Answer:
        """The connection to ``entry`` broke mid-request: the node died under it (or, through a load balancer,
        the server behind it that the drill killed)."""
        if entry not in self.homes:
            behind = next((s for s in self.lay.servers_behind(entry) if s in self.drill.down), None)
            if behind is not None:
                return Answer(FAILOVER, Cause.at(Why.SERVER_DOWN_UNNOTICED, behind), behind, status=502, entry=entry)
        return Answer(FAILOVER, Cause.at(Why.ENTRY_CRASHED, entry), entry if entry in self.homes else None,
                      status=502, entry=entry)

    async def _request(self, user: User, action: str, entry: str):
        method, path = method_and_path(action)
        headers = {}
        jar = self.jars[user.id]
        cookies = {k: v for k, v in jar.items() if k == STICKY_COOKIE}
        if user.cookie:
            cookies["session"] = user.cookie
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if user.token:
            headers["Authorization"] = f"Bearer {user.token}"
        kwargs: dict = {"headers": headers}
        if action == LOGIN:
            kwargs["json"] = {"user": user.id}
        elif action == ADD_TO_CART:
            kwargs["json"] = {"product": next_product(user)}
        elif action == UPLOAD:
            kwargs["content"] = b"\x89PNG avatar of " + user.id.encode()
        resp = await self.http.request(method, f"http://127.0.0.1:{self.ports[entry]}{path}", **kwargs)
        for line in resp.headers.get_list("set-cookie"):
            try:
                parsed = SimpleCookie(line)
            except CookieError:
                continue
            for key, morsel in parsed.items():
                jar[key] = morsel.value
        return resp

    # --- reading an answer ------------------------------------------------------------------------------

    def _read(self, user: User, action: str, entry: str, resp) -> Answer:
        server = self.by_name.get(resp.headers.get("x-server", ""))
        if server is None or server not in self.homes:
            return self._unanswered(entry, resp.headers)
        self.tally.server_requests[server] += 1
        homes = self.homes[server]
        for store, n in self._store_calls(server, resp):
            self.tally.store_calls[store] += n
        status = resp.status_code
        if status == 503 and resp.headers.get("x-store-down"):
            role = resp.headers["x-store-down"]
            home = getattr(homes, role, None)
            store = home.node if home is not None else None
            if store in self.drill.failing_over:
                return Answer(FAILOVER, Cause.at(Why.STORE_FAILOVER, store), server)
            return Answer(OUTAGE, Cause.at(Why.STORE_DOWN, store), server)
        if status == 401:
            return Answer(LOST_SESSION, self._session_cause(user, server), server)
        if action == LOGIN and status == 200:
            if self.lay.diagram.node(server).props.get("auth") == "jwt":
                return Answer(OK, None, server, ("token", resp.json().get("token")))
            sid = self.jars[user.id].get("session")
            return Answer(OK, None, server, ("cookie", sid, homes.sessions, server))
        if action == ADD_TO_CART and status == 200:
            product = next_product(user)
            user.items_added += 1
            return Answer(OK, None, server, (product, homes.cart, server))
        if action == VIEW_CART and status == 200:
            return self._cart(user, server, homes, resp.json().get("items", {}))
        if action == UPLOAD and status == 200:
            return Answer(OK, None, server, (homes.uploads, server))
        if action == VIEW_AVATAR and status in (200, 404):
            if status == 200 or user.avatar is None:
                return Answer(OK, None, server)
            was_home, was_server = user.avatar
            home = homes.uploads
            cause = (Cause.moved(was_server, server, was_home.place, home.place) if was_home != home
                     else Cause.at(Why.DISK_WIPED, server))
            return Answer(LOST_FILE, cause, server)
        if status == 200:
            return Answer(OK, None, server)
        self.tally.unexpected[(status, server)] += 1
        return Answer(FAILOVER, Cause.at(Why.ENTRY_CRASHED, server), server)

    def _unanswered(self, entry: str, headers) -> Answer:
        """An answer no server gave: the load balancer had no server up, or the one it chose was down."""
        if headers.get("x-outage") == "no-server":
            behind = self.lay.servers_behind(entry)
            down = tuple(s for s in behind if s in self.drill.down) or tuple(behind)
            return Answer(OUTAGE, Cause.no_server(entry, down))
        chosen = self.by_name.get(headers.get("x-backend-server", ""))
        if chosen not in self.homes:  # HAProxy did not say: a server behind it that the drill took down
            chosen = next((s for s in self.lay.servers_behind(entry) if s in self.drill.down), None)
        if chosen is not None:
            return Answer(FAILOVER, Cause.at(Why.SERVER_DOWN_UNNOTICED, chosen), chosen)
        return Answer(FAILOVER, Cause.at(Why.ENTRY_CRASHED, entry))

    def _store_calls(self, server: str | None, resp) -> list[tuple[str, int]]:
        """The stores the server says it called while answering (its ``X-Store-Calls``), with how many commands."""
        homes = self.homes.get(server) if server is not None else None
        out = []
        for part in filter(None, resp.headers.get("x-store-calls", "").split(",")) if homes else ():
            role, _, n = part.partition("=")
            home = getattr(homes, role, None)
            if home is not None and home.node and n.isdigit():
                out.append((home.node, int(n)))
        return out

    def _session_cause(self, user: User, server: str) -> Cause:
        if self.lay.diagram.node(server).props.get("auth") == "jwt":
            if user.token is None:
                return Cause.auth_mismatch(user.cookie_server or "", server, "cookie")
            return Cause.token_rejected(user.token_server or "", server)
        if user.cookie is None:
            return Cause.auth_mismatch(user.token_server or "", server, "token")
        home = self.homes[server].sessions
        if user.cookie_home != home:
            return Cause.moved(user.cookie_server, server, user.cookie_home.place, home.place)
        if home.place == RAM:
            return Cause.at(Why.SERVER_WIPED, server)
        return Cause.at(Why.STORE_WIPED, home.node)

    def _cart(self, user: User, server: str, homes: ServerHomes, shown_raw: object) -> Answer:
        shown = {str(k): int(v) for k, v in shown_raw.items()} if isinstance(shown_raw, dict) else {}
        missing = [p for p, qty in user.cart.items() if shown.get(p, 0) < qty]
        if not missing:
            return Answer(OK, None, server)
        home = homes.cart
        was_home, was_server = user.cart_where[missing[0]]
        if was_home != home:
            cause = Cause.moved(was_server, server, was_home.place, home.place)
        elif home.place == RAM:
            cause = Cause.at(Why.SERVER_WIPED, server)
        else:
            cause = Cause.at(Why.STORE_WIPED, home.node)
        return Answer(LOST_DATA, cause, server, shown=shown)

    # --- what the user does with it (an ok answer: sim.shop.take_grant) ----------------------------------------

    def _apply(self, user: User, action: str, a: Answer) -> None:
        if a.outcome == OK:
            take_grant(user, action, a.grant, a.server, self.plan.journey)
        elif a.outcome == LOST_SESSION:
            if self.lay.diagram.node(a.server).props.get("auth") == "jwt":
                user.token = user.token_server = None
            else:
                user.cookie = user.cookie_home = user.cookie_server = None
                self.jars[user.id].pop("session", None)
            user.needs_login = True
        elif a.outcome == LOST_FILE:
            user.avatar, user.needs_upload = None, True
            advance(user, self.plan.journey)
        elif a.outcome == LOST_DATA:
            user.cart = dict(a.shown or {})
            where = (self.homes[a.server].cart, a.server)
            user.cart_where = dict.fromkeys(user.cart, where)
            advance(user, self.plan.journey)
