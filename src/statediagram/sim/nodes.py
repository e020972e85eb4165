"""Run-time state of each node and user, and the request record the trace keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from ..core.topology import Home, ServerHomes
from .causes import Cause
from .stores import LocalDisk, Seen, Store, Table

# Outcomes of a request, in the words of the report.
OK = "ok"
LOST_SESSION = "lost_session"
LOST_FILE = "lost_file"
LOST_DATA = "lost_data"
OUTAGE = "outage"
FAILOVER = "failover_error"
OUTCOMES = (OK, LOST_SESSION, LOST_FILE, LOST_DATA, OUTAGE, FAILOVER)
TOTAL_KEYS = {
    OK: "ok",
    LOST_SESSION: "lost_sessions",
    LOST_FILE: "lost_files",
    LOST_DATA: "lost_data",
    OUTAGE: "outages",
    FAILOVER: "failover_errors",
}

LOGIN = "POST /login"
PROFILE = "GET /profile"
ADD_TO_CART = "POST /cart"
UPLOAD = "POST /avatar"
VIEW_AVATAR = "GET /avatar"
VIEW_CART = "GET /cart"
FULL_ROUND = (PROFILE, ADD_TO_CART, UPLOAD, VIEW_AVATAR, VIEW_CART)
PRODUCTS = ("book", "mug", "lamp", "plant")  # POST /cart adds these in turn


def method_and_path(action: str) -> tuple[str, str]:
    """The HTTP method and path of a request of the journey: its name says both ("POST /login")."""
    method, path = action.split(" ", 1)
    return method, path


class Request:
    """One request from one user, with the times of its hops, its outcome and the store calls it made."""

    __slots__ = (
        "id", "user", "action", "t_send", "entry", "lb", "server", "t_lb", "t_server", "t_done", "t_reply",
        "outcome", "status", "cause", "calls_flat", "grant", "shown", "credential", "fanout",
    )

    def __init__(self, rid: int, user: User, action: str, t_send: int) -> None:
        self.id = rid
        self.user = user
        self.action = action
        self.t_send = t_send
        self.entry: str | None = None
        self.lb: str | None = None
        self.server: str | None = None
        self.t_lb: int | None = None
        self.t_server: int | None = None
        self.t_done: int | None = None
        self.t_reply: int | None = None
        self.outcome: str | None = None
        self.status = 0
        self.cause: Cause | None = None
        # The store calls, when a trace is recorded: (time, store, what was asked) laid out one after the other in a
        # flat tuple of numbers and words, which the cyclic collector lets go of at its first look. A request under
        # way when it looks is moved to its oldest generation, and a list of calls went with it (or a tuple of
        # tuples, still tracked then): a third of the objects a run worked out ahead moved there (bench_promotions.py).
        self.calls_flat: tuple | None = None
        self.grant: Any = None  # what a successful request gives the user (a cookie, a token, an item...)
        self.shown: dict[str, int] | None = None  # the cart a GET /cart showed: product -> quantity
        self.credential: str | None = None  # the cookie or token the user sent
        self.fanout: Any = None  # journey chat, a trace being recorded: a message's sim.chat.Fanout

    @property
    def calls(self) -> tuple[tuple[int, str, str], ...] | None:
        """(time, store, what was asked) of each store call it made; None when no trace is recorded."""
        flat = self.calls_flat
        return None if flat is None else tuple(zip(flat[0::3], flat[1::3], flat[2::3], strict=True))

    @calls.setter
    def calls(self, calls) -> None:
        self.calls_flat = None if calls is None else tuple(chain.from_iterable(calls))

    @property
    def traced(self) -> bool:
        """Whether its store calls are recorded (a trace is being recorded)."""
        return self.calls_flat is not None

    def add_call(self, t: int, node: str, text: str) -> None:
        self.calls_flat += (t, node, text)

    def hops(self) -> list[tuple[str, str, int, int]]:
        """(from, to, start, end) of each hop there and back, in simulated microseconds."""
        return hops_of(self)


def hops_of(r) -> list[tuple[str, str, int, int]]:
    """(from, to, start, end) of each hop there and back of request ``r`` (a ``Request`` or an answered one, read by
    the same names: sim/answered.py), in simulated microseconds."""
    out: list[tuple[str, str, int, int]] = []
    client = r.user.client
    if r.entry is None or r.t_reply is None:
        return out
    first_end = r.t_lb if r.lb else r.t_server
    if first_end is None:  # failed on the way to the entry
        return [(client, r.entry, r.t_send, r.t_reply)]
    out.append((client, r.entry, r.t_send, first_end))
    if r.lb and r.server and r.t_server is not None:
        out.append((r.lb, r.server, r.t_lb, r.t_server))
    back_start = r.t_done if r.t_done is not None else (r.t_server or first_end)
    if r.lb and r.server and r.t_server is not None:
        mid = back_start + (r.t_server - r.t_lb)
        out.append((r.server, r.lb, back_start, mid))
        out.append((r.lb, client, mid, r.t_reply))
    else:
        out.append((r.entry, client, back_start, r.t_reply))
    return out


@dataclass(eq=False)
class User:
    id: str
    client: str
    cookie: str | None = None
    cookie_home: Home | None = None
    cookie_server: str | None = None
    token: str | None = None
    token_server: str | None = None
    needs_login: bool = True
    step: int = 0
    needs_upload: bool = True
    items_added: int = 0
    # What the user believes is in the cart (product -> quantity), and where each product's latest
    # acknowledged addition was kept, and by which server.
    cart: dict[str, int] = field(default_factory=dict)
    cart_where: dict[str, tuple[Home, str]] = field(default_factory=dict)
    avatar: tuple[Home, str] | None = None  # where an acknowledged upload was kept, and by which server
    last: Request | None = None


@dataclass(frozen=True)
class Session:
    """A login session kept in a server's own RAM: its id (the cookie's value) and whose it is."""

    sid: str
    user: str


@dataclass(frozen=True)
class RamCart:
    """A cart kept in a server's own RAM: whose it is and its (product, quantity) pairs."""

    user: str
    items: tuple[tuple[str, int], ...]


@dataclass(eq=False)
class ServerState:
    """A server's run-time state. What it keeps in its own RAM is read through snapshots (``sessions()``,
    ``carts()``) and what is on its disk through ``disk.files()``; only the server's own methods change it."""

    id: str
    auth: str
    homes: ServerHomes
    up: bool = True
    _sessions: dict[str, str] = field(default_factory=dict, repr=False)  # session id -> user
    _carts: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)  # user -> product -> quantity
    disk: LocalDisk = field(default_factory=LocalDisk)
    open: list[Request] = field(default_factory=list)
    requests: int = 0
    crashes: int = 0

    def keep_session(self, sid: str, user: str) -> None:
        """A login on a server that keeps sessions in its own RAM."""
        self._sessions[sid] = user

    def session_user(self, sid: str) -> str | None:
        """Whose session ``sid`` is, if this server's RAM still holds it."""
        return self._sessions.get(sid)

    def add_to_cart(self, user: str, product: str) -> None:
        cart = self._carts.setdefault(user, {})
        cart[product] = cart.get(product, 0) + 1

    def cart(self, user: str) -> dict[str, int]:
        """A copy of ``user``'s cart as this server's RAM holds it."""
        return dict(self._carts.get(user, {}))

    def sessions(self) -> tuple[Session, ...]:
        """A read-only snapshot of the sessions in its RAM, by session id."""
        return tuple(Session(sid, user) for sid, user in sorted(self._sessions.items()))

    def carts(self) -> tuple[RamCart, ...]:
        """A read-only snapshot of the carts in its RAM, by user."""
        return tuple(RamCart(user, tuple(sorted(cart.items()))) for user, cart in sorted(self._carts.items()))

    def count(self) -> int:
        """What the app counts on its card during a run: the sessions in its RAM (``len(sessions())``)."""
        return len(self._sessions)

    def wipe_ram(self) -> None:
        """What a crash does to the machine's memory: every session and cart kept in it is gone."""
        self._sessions.clear()
        self._carts.clear()

    def blank(self) -> None:
        """A new blank machine in its place: RAM and local disk empty (RAM is wiped by the crash before)."""
        self.disk = LocalDisk()

    def table(self, seen: Seen) -> Table:
        """What an inspector shows of the machine: its state, and what it keeps in its own RAM and on its disk."""
        rows = [["RAM", f"session:{s.sid}", s.user] for s in self.sessions()]
        rows += [["RAM", f"cart:{c.user}", ", ".join(f"{k}×{v}" for k, v in c.items)] for c in self.carts()]
        rows += [["disk", f.name, f"{f.size} bytes"] for f in self.disk.files()]
        what = f"{'up' if self.up else 'DOWN (RAM wiped)'}, {self.requests} requests"
        if not rows:  # the stateless case, said in words: a crash of this server loses nobody anything
            what += "; nothing in its own RAM or on its disk, so a crash loses nothing"
        return what, ["where", "what", "value"], rows


@dataclass(eq=False)
class BalancerState:
    id: str
    policy: str
    servers: list[str]
    believed: dict[str, bool]
    up: bool = True
    rr: int = 0
    pins: dict[str, str] = field(default_factory=dict)
    crashes: int = 0


@dataclass(eq=False)
class StoreState:
    id: str
    kind: str
    store: Store
    rtt_us: int
    persistent: bool
    replicas: int
    up: bool = True
    failing_over: bool = False
    crashes: int = 0


@dataclass(eq=False)
class ClientState:
    id: str
    entries: list[str]
    users: list[User]
    rr: int = 0
