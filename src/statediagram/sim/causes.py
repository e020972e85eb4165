"""Why a request failed: one small typed record, made by the engine and read by name everywhere else.

The report's explanations, the app's narration and its badges all read a ``Cause`` by its fields; nobody
decodes a cause by position. ``fields()`` is the cause as one flat tuple, which fixes the report's order of
findings (and which the digests of ``benchmarks/same_reports.py`` were recorded with).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Why(StrEnum):
    """What went wrong, in the words of the report."""

    MOVED = "moved"  # the state was kept somewhere the server that got the request does not look
    SERVER_WIPED = "server_wiped"  # the server that kept it in RAM crashed
    STORE_WIPED = "store_wiped"  # the store that kept it crashed and lost its keys
    DISK_WIPED = "disk_wiped"  # the server that kept the file on its local disk was replaced
    AUTH_MISMATCH = "auth_mismatch"  # a JWT sent to a session server, or a cookie to a JWT server
    TOKEN_REJECTED = "token_rejected"  # the server could not verify the token
    NO_ENTRY = "no_entry"  # nothing the client links to was running
    NO_SERVER = "no_server"  # the load balancer had no healthy server
    STORE_DOWN = "store_down"  # a store the request needs was down
    STORE_FAILOVER = "store_failover"  # a store the request needs was failing over to its replica
    SERVER_DOWN_UNNOTICED = "server_down_unnoticed"  # sent to a crashed server before a health check noticed
    KILLED_IN_FLIGHT = "killed_in_flight"  # the server crashed while it handled the request
    ENTRY_CRASHED = "entry_crashed"  # the load balancer or server the client reached was down


@dataclass(frozen=True, slots=True)
class Cause:
    """Why one request failed, naming the nodes involved.

    ``node`` is where it happened: the server that failed the request (moved, wiped, auth), the store (store
    wiped, down, failing over), the load balancer (no server), the client (no entry) or the crashed entry.
    """

    why: Why
    node: str
    origin: str | None = None  # moved, auth mismatch, token rejected: the server that kept the state or gave
    #                            the login ("" when none is known)
    kept_in: str = ""  # moved: the place the state was kept ("ram", "disk", or a store kind)
    looks_in: str = ""  # moved: the place ``node`` looks for it
    held: str = ""  # auth mismatch: what the user held, "token" or "cookie"
    down: tuple[str, ...] = ()  # no entry: every node the client links to; no server: servers believed down

    # --- the causes there are ---------------------------------------------------------------------------

    @classmethod
    def moved(cls, origin: str | None, server: str, kept_in: str, looks_in: str) -> Cause:
        return cls(Why.MOVED, server, origin, kept_in, looks_in)

    @classmethod
    def auth_mismatch(cls, origin: str, server: str, held: str) -> Cause:
        return cls(Why.AUTH_MISMATCH, server, origin, held=held)

    @classmethod
    def token_rejected(cls, origin: str, server: str) -> Cause:
        return cls(Why.TOKEN_REJECTED, server, origin)

    @classmethod
    def no_entry(cls, client: str, entries: tuple[str, ...]) -> Cause:
        return cls(Why.NO_ENTRY, client, down=entries)

    @classmethod
    def no_server(cls, balancer: str, down: tuple[str, ...]) -> Cause:
        return cls(Why.NO_SERVER, balancer, down=down)

    @classmethod
    def at(cls, why: Why, node: str) -> Cause:
        """A cause that names one node: a wipe, a store down or failing over, a crashed server or entry."""
        return cls(why, node)

    # --- reading ----------------------------------------------------------------------------------------

    def fields(self) -> tuple[object, ...]:
        """The cause as one flat tuple: what it is, then its nodes and places."""
        if self.why is Why.MOVED:
            return (self.why, self.origin, self.node, self.kept_in, self.looks_in)
        if self.why is Why.AUTH_MISMATCH:
            return (self.why, self.origin, self.node, self.held)
        if self.why is Why.TOKEN_REJECTED:
            return (self.why, self.origin, self.node)
        if self.why in (Why.NO_ENTRY, Why.NO_SERVER):
            return (self.why, self.node, self.down)
        return (self.why, self.node)

    def sort_key(self) -> tuple[str, ...]:
        """The order the report tells causes of equal count in."""
        return tuple(str(f) for f in self.fields())
