"""Requests whose outcome is final, kept in a form the cyclic garbage collector does not track.

Every ``Request`` object stays tracked by the cyclic collector as long as it lives, and a replay keeps every request
of its run: a worked-out 10-minute run of 200 users held 115k of them (and 121k lists of their store calls), and each
full collection walked them all (160-200 ms on the shared 2-core machine), several times while the run was worked
out. So a replay keeps a request
whose outcome is final as a plain tuple of numbers and words (``answered``): CPython stops tracking such a tuple at
the next collection. Readers get it back as an ``Answered``, read by the same names as a ``Request``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import NamedTuple

from .causes import Cause
from .nodes import Request, hops_of


class Who(NamedTuple):
    """The user who sent an answered request: its id and its client node."""

    id: str
    client: str


class Answered(NamedTuple):
    """A request whose outcome is final, as a replay keeps it: one flat tuple of numbers and words, its store calls
    and the cart it showed laid out after the named fields (``calls`` and ``shown`` read them back). Flat, because
    CPython stops tracking a tuple only once every item in it is untracked, and a collection may look at a tuple
    before it looks at a tuple inside it: measured, a third of the rows with a tuple of calls inside were still
    tracked after a full collection. What the user got back (a cookie, a token, an item) is not kept: the engine
    has given it to the user already, and nothing shows it."""

    id: int
    user_id: str
    client: str
    action: str
    t_send: int
    entry: str | None
    lb: str | None
    server: str | None
    t_lb: int | None
    t_server: int | None
    t_done: int | None
    t_reply: int | None
    outcome: str | None
    status: int
    cause: Cause | None  # the few failed requests keep a Cause: their tuples stay tracked
    credential: str | None
    fanout: object  # journey chat: a message's sim.chat.Fanout (tracked: a chat run's messages stay tracked)
    n_calls: int  # store calls laid out after the fields, 3 items each (-1: no trace was recorded)
    n_cart: int  # (product, quantity) pairs laid out after the calls (-1: the request showed no cart)

    @property
    def user(self) -> Who:
        return Who(self.user_id, self.client)

    @property
    def calls(self) -> tuple[tuple[int, str, str], ...] | None:
        """(time, store, what was asked) of each store call it made, as ``Request.calls``."""
        if self.n_calls < 0:
            return None
        flat = self[_LAID_OUT : _LAID_OUT + 3 * self.n_calls]
        return tuple(zip(flat[0::3], flat[1::3], flat[2::3], strict=True))

    @property
    def shown(self) -> dict[str, int] | None:
        """The cart a GET /cart showed: product -> quantity, as ``Request.shown``."""
        if self.n_cart < 0:
            return None
        at = _LAID_OUT + 3 * max(0, self.n_calls)
        flat = self[at : at + 2 * self.n_cart]
        return dict(zip(flat[0::2], flat[1::2], strict=True))

    def hops(self) -> list[tuple[str, str, int, int]]:
        return hops_of(self)

    def __repr__(self) -> str:
        return f"Answered(id={self.id}, action={self.action!r}, outcome={self.outcome!r}, t_send={self.t_send})"


_LAID_OUT = len(Answered._fields)


def answered(r: Request) -> tuple:
    """``r`` as a plain flat tuple in ``Answered``'s order."""
    calls, cart = r.calls_flat, r.shown
    return (r.id, r.user.id, r.user.client, r.action, r.t_send, r.entry, r.lb, r.server, r.t_lb, r.t_server,
            r.t_done, r.t_reply, r.outcome, r.status, r.cause, r.credential, r.fanout,
            -1 if calls is None else len(calls) // 3, -1 if cart is None else len(cart),
            *(calls or ()), *chain.from_iterable(cart.items() if cart else ()))


_as_answered = tuple.__new__  # tuple.__new__(Answered, row): an Answered without a Python call (read every frame)


def as_answered(row: tuple) -> Answered:
    """A row made by ``answered``, read by name."""
    return _as_answered(Answered, row)


class Kept:
    """A list of requests as the app reads them: one still under way is the engine's ``Request``; one whose outcome
    is final is held as the plain tuple ``answered`` makes of it, and read as an ``Answered``."""

    __slots__ = ("_items", "_window_at", "_window")

    def __init__(self) -> None:
        self._items: list[Request | tuple] = []
        self._window_at = 0  # where the last slice asked of ``between`` began, and what it gave
        self._window: list[Request | Answered] = []

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [x if type(x) is not tuple else _as_answered(Answered, x) for x in self._items[i]]
        x = self._items[i]
        return x if type(x) is not tuple else _as_answered(Answered, x)

    def __iter__(self) -> Iterator[Request | Answered]:
        return iter(self[:])

    def __delitem__(self, i) -> None:
        del self._items[i]
        self._window_at, self._window = 0, []

    def append(self, r: Request | tuple) -> None:
        self._items.append(r)

    def insert(self, i: int, r: Request | tuple) -> None:
        self._items.insert(i, r)
        self._window_at, self._window = 0, []

    def extend(self, rs: Iterable[Request | tuple]) -> None:
        self._items.extend(rs)

    def settle(self, row: tuple) -> None:
        """A request has its final outcome: keep ``row`` (``answered`` of it) in its place. Requests are numbered
        from 1 in the order they were sent, as they were added."""
        self.update(row)

    def update(self, row: tuple) -> None:
        """Keep ``row`` (``answered`` of a request) in place of what was kept of the same request."""
        i = row[0] - 1
        x = self._items[i] if 0 <= i < len(self._items) else None
        if x is None or (x[0] if type(x) is tuple else x.id) != row[0]:
            raise ValueError(f"request {row[0]} is not at {i}: requests were added out of order")
        self._items[i] = row
        if 0 <= i - self._window_at < len(self._window):
            self._window[i - self._window_at] = _as_answered(Answered, row)

    def between(self, lo: int, hi: int) -> list[Request | Answered]:
        """``self[lo:hi]``, reusing what the last call gave where the two overlap: the player asks for nearly the
        same requests every frame, and making them afresh cost 1.8 ms a frame in the 200-node run (1,700 requests
        in the frame's window), where reusing them costs about what a list's slice does."""
        at, window = self._window_at, self._window
        end = at + len(window)
        if hi <= at or lo >= end:
            window = self[lo:hi]
        else:
            window = self[lo:at] + window[max(0, lo - at) : hi - at] + self[max(lo, end) : hi]
        self._window_at, self._window = lo, window
        return list(window)
