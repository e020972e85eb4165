"""The web shop's journeys, ``sessions`` and ``full``: what a user asks next (log in, then the profile, the
cart and the avatar in turn), what a server does with it (where it keeps the session, the cart and the upload,
and the store calls it makes), and what the user holds after the answer. The engine routes each request of
these journeys here, as it routes the chat journey's to ``chat.py``.

A server spends 1 ms on a request, plus a round trip per store call (each store kind's ``rtt_us`` in
``kinds.py``), or 2 ms for its own local disk.
"""

from __future__ import annotations

import random

from ..core.topology import DISK, RAM
from .causes import Cause, Why
from .faults import unavailable
from .nodes import (
    ADD_TO_CART,
    FULL_ROUND,
    LOGIN,
    LOST_DATA,
    LOST_FILE,
    LOST_SESSION,
    OK,
    PRODUCTS,
    PROFILE,
    UPLOAD,
    VIEW_CART,
    Request,
    ServerState,
    StoreState,
    User,
)
from .scenario import SECOND
from .stores import TokenSigner

PROCESS_US = 1_000
DISK_US = 2_000


class ShopJourney:
    """The ``sessions`` or ``full`` journey of one run: its users' next steps, its servers' answers."""

    def __init__(self, servers: dict[str, ServerState], stores: dict[str, StoreState], signer: TokenSigner | None,
                 rng: random.Random, journey: str) -> None:
        self.servers = servers
        self.stores = stores
        self.signer = signer
        self.rng = rng  # the run's one random source: a session id is drawn from it when the server makes one
        self.journey = journey

    # --- the user's side ------------------------------------------------------------------------------

    def step(self, user: User) -> tuple[str, None]:
        """What ``user`` asks next (as the chat journey's ``step``: and no open connection to send it over)."""
        return next_action(user, self.journey), None

    def apply(self, req: Request) -> None:
        """The user reads the response: update what the user holds and where it is kept."""
        user, outcome, action = req.user, req.outcome, req.action
        if outcome == OK:
            take_grant(user, action, req.grant, req.server, self.journey)
        elif outcome == LOST_SESSION:
            if self.servers[req.server].auth == "jwt":
                user.token = user.token_server = None
            else:
                user.cookie = user.cookie_home = user.cookie_server = None
            user.needs_login = True
        elif outcome == LOST_FILE:
            user.avatar, user.needs_upload = None, True
            advance(user, self.journey)
        elif outcome == LOST_DATA:
            user.cart = dict(req.shown)
            where = (self.servers[req.server].homes.cart, req.server)
            user.cart_where = dict.fromkeys(user.cart, where)
            advance(user, self.journey)
        # outage and failover error: the same step is tried again after the think time

    # --- the server's side ----------------------------------------------------------------------------

    def serve(self, req: Request, srv: ServerState, t: int) -> tuple[str, int, Cause | None, int]:
        """Run the request on a server that is up: its store calls, its status and its outcome."""
        user = req.user
        cost = PROCESS_US
        homes = srv.homes
        if req.action == LOGIN:
            if srv.auth == "jwt":
                req.grant = ("token", self.signer.issue(user.id, t / SECOND))
                return OK, 200, None, cost
            sid = f"{self.rng.getrandbits(64):016x}"
            home = homes.sessions
            if home.place == RAM:
                srv.keep_session(sid, user.id)
            else:
                store = self.stores[home.node]
                bad = unavailable(store)
                if bad:
                    return (*bad, cost)
                store.store.set_session(sid, user.id, t)
                if req.traced:
                    _call(req, t, store.id, store.store.set_session_text(sid, user.id))
                cost += store.rtt_us
            req.grant = ("cookie", sid, home, srv.id)
            return OK, 200, None, cost

        # Every other step needs the login.
        if srv.auth == "jwt":
            req.credential = user.token
            if user.token is None:
                return LOST_SESSION, 401, Cause.auth_mismatch(user.cookie_server or "", srv.id, "cookie"), cost
            if self.signer.verify(user.token, t / SECOND) is None:
                return LOST_SESSION, 401, Cause.token_rejected(user.token_server or "", srv.id), cost
        else:
            req.credential = user.cookie
            if user.cookie is None:
                return LOST_SESSION, 401, Cause.auth_mismatch(user.token_server or "", srv.id, "token"), cost
            home = homes.sessions
            if home.place == RAM:
                found = srv.session_user(user.cookie)
            else:
                store = self.stores[home.node]
                bad = unavailable(store)
                if bad:
                    return (*bad, cost)
                found = store.store.get_session(user.cookie)
                if req.traced:
                    _call(req, t, store.id, store.store.get_session_text(user.cookie))
                cost += store.rtt_us
            if found is None:
                return LOST_SESSION, 401, self._session_cause(user, srv), cost

        action = req.action
        if action == PROFILE:
            return OK, 200, None, cost
        if action in (ADD_TO_CART, VIEW_CART):
            return self._cart(req, srv, t, cost)
        return self._avatar(req, srv, t, cost)

    def _session_cause(self, user: User, srv: ServerState) -> Cause:
        home = srv.homes.sessions
        if user.cookie_home != home:
            return Cause.moved(user.cookie_server, srv.id, user.cookie_home.place, home.place)
        if home.place == RAM:
            return Cause.at(Why.SERVER_WIPED, srv.id)
        return Cause.at(Why.STORE_WIPED, home.node)

    def _cart(self, req: Request, srv: ServerState, t: int, cost: int) -> tuple[str, int, Cause | None, int]:
        user = req.user
        home = srv.homes.cart
        store = None
        if home.place != RAM:
            store = self.stores[home.node]
            bad = unavailable(store)
            if bad:
                return (*bad, cost)
            cost += store.rtt_us
        if req.action == ADD_TO_CART:
            product = next_product(user)
            user.items_added += 1
            if store is None:
                srv.add_to_cart(user.id, product)
            else:
                store.store.add_to_cart(user.id, product)
                if req.traced:
                    _call(req, t, store.id, store.store.add_to_cart_text(user.id, product))
            req.grant = (product, home, srv.id)
            return OK, 200, None, cost
        if store is None:
            shown = srv.cart(user.id)
        else:
            shown = store.store.cart(user.id)
            if req.traced:
                _call(req, t, store.id, store.store.cart_text(user.id))
        missing = [p for p, qty in user.cart.items() if shown.get(p, 0) < qty]
        if not missing:
            return OK, 200, None, cost
        req.shown = shown
        was_home, was_server = user.cart_where[missing[0]]
        if was_home != home:
            cause = Cause.moved(was_server, srv.id, was_home.place, home.place)
        elif home.place == RAM:
            cause = Cause.at(Why.SERVER_WIPED, srv.id)
        else:
            cause = Cause.at(Why.STORE_WIPED, home.node)
        return LOST_DATA, 200, cause, cost

    def _avatar(self, req: Request, srv: ServerState, t: int, cost: int) -> tuple[str, int, Cause | None, int]:
        user = req.user
        home = srv.homes.uploads
        name = f"avatars/{user.id}.png"
        if home.place == DISK:
            bucket = srv.disk
            cost += DISK_US
            where = srv.id
        else:
            store = self.stores[home.node]
            bad = unavailable(store)
            if bad:
                return (*bad, cost)
            bucket = store.store
            cost += store.rtt_us
            where = store.id
        if req.action == UPLOAD:
            bucket.put(name, b"\x89PNG avatar of " + user.id.encode())
            _call(req, t, where, bucket.put_text(name))
            req.grant = (home, srv.id)
            return OK, 200, None, cost
        _call(req, t, where, bucket.get_text(name))
        if bucket.get(name) is not None or user.avatar is None:
            return OK, 200, None, cost
        was_home, was_server = user.avatar
        cause = Cause.moved(was_server, srv.id, was_home.place, home.place) if was_home != home \
            else Cause.at(Why.DISK_WIPED, srv.id)
        return LOST_FILE, 404, cause, cost


def take_grant(user: User, action: str, grant, server: str, journey: str) -> None:
    """An ok answer: the user keeps what it granted (a token or a cookie, a cart line, an avatar) and moves on
    (the simulation's users and live mode's real clients alike)."""
    if action == LOGIN:
        if grant[0] == "token":
            user.token, user.token_server = grant[1], server
        else:
            _, user.cookie, user.cookie_home, user.cookie_server = grant
        user.needs_login = False
        return
    if action == ADD_TO_CART:
        product, home, where = grant
        user.cart[product] = user.cart.get(product, 0) + 1
        user.cart_where[product] = (home, where)
    elif action == UPLOAD:
        user.avatar, user.needs_upload = grant, False
    advance(user, journey)


def next_action(user: User, journey: str) -> str:
    """What ``user`` asks next: a login while logged out, else the journey's next step (the same in a run on real
    processes, ``live/load.py``)."""
    if user.needs_login:
        return LOGIN
    return PROFILE if journey == "sessions" else FULL_ROUND[user.step]


def advance(user: User, journey: str) -> None:
    """On to the next step of the full round (an avatar is uploaded until one is kept)."""
    if journey == "sessions":
        return
    i = (user.step + 1) % len(FULL_ROUND)
    if FULL_ROUND[i] == UPLOAD and not user.needs_upload:
        i += 1
    user.step = i


def next_product(user: User) -> str:
    """The product ``user``'s next POST /cart adds: each in turn."""
    return PRODUCTS[user.items_added % len(PRODUCTS)]


def _call(req: Request, t: int, node: str, text: str) -> None:
    if req.traced:
        req.add_call(t, node, text)
