"""One failed request told in plain words, as it happens: the caption under "What just happened".

The engine gives each failure a cause (who, where, what was kept where); this turns it into the sentence a
teacher would say, so the learner sees *why* the user was logged out while it happens, not only at the end.
"""

from __future__ import annotations

from ...core.topology import DISK, RAM, TOKEN, ServerHomes
from ...sim.causes import Why


def _place(place: str, node: str | None, labels: dict[str, str]) -> str:
    if place == RAM:
        return f"{labels.get(node or '', node)}'s own RAM"
    if place == DISK:
        return f"{labels.get(node or '', node)}'s own local disk"
    if place == TOKEN:
        return "a signed token"
    return labels.get(node or "", node or place)


def narrate(req, labels: dict[str, str], homes: dict[str, ServerHomes]) -> str:
    """A sentence or two on why ``req`` failed."""
    L = labels.get  # noqa: N806 - read aloud: the label of a node
    user = req.user.id
    cause = req.cause
    why = cause.why if cause is not None else None
    what = {"lost_session": ("session", "sessions", "logged out against their will"),
            "lost_file": ("avatar", "uploads", "the image is gone (404)"),
            "lost_data": ("cart items", "cart", "the cart came back missing items")}.get(req.outcome)
    if cause is None:
        return f"{user}'s request ended as {req.outcome}."
    n = cause.node
    if what and why is Why.MOVED:
        a, b = cause.origin, n
        noun, attr, effect = what
        here = getattr(homes[b], attr) if b in homes else None
        there = getattr(homes[a], attr) if a in homes else None
        kept_b = _place(here.place, here.node, labels) if here else "?"
        kept_a = _place(there.place, there.node, labels) if there else "?"
        by = "" if there and there.place in (RAM, DISK) else f" (by {L(a, a)})"
        return (f"{user}'s {noun} was kept in {kept_a}{by}. The load balancer sent the next request "
                f"to {L(b, b)}, which looks in {kept_b} and finds nothing: {user} is {effect}.")
    if what and why is Why.SERVER_WIPED:
        return (f"{user}'s {what[0]} was in {L(n, n)}'s RAM. {L(n, n)} crashed and its RAM was wiped: "
                f"{user} is {what[2]}.")
    if what and why is Why.STORE_WIPED:
        return f"{L(n, n)} crashed and lost its keys, {user}'s {what[0]} with them: {user} is {what[2]}."
    if what and why is Why.DISK_WIPED:
        return f"{L(n, n)} was replaced by a new blank machine; the avatar on its old disk is gone (404)."
    if why is Why.AUTH_MISMATCH:
        held = "a JWT" if cause.held == "token" else "a session cookie"
        return f"{user} holds {held}, but {L(n, n)} expects the other kind of login: 401."
    if why is Why.TOKEN_REJECTED:
        return f"{L(n, n)} could not verify {user}'s token (a different signing key?): 401."
    if why is Why.NO_SERVER:
        return f"{L(n, n)} had no healthy server to send {user}'s request to: outage (503)."
    if why is Why.NO_ENTRY:
        return f"Nothing {L(n, n)} links to was running: outage (503)."
    if why is Why.STORE_DOWN:
        return f"{L(n, n)} was down, so {L(req.server, req.server)} could not serve it: outage (503)."
    if why is Why.SERVER_DOWN_UNNOTICED:
        return (f"{L(n, n)} had just crashed and the load balancer's health check (every 1 s) had not noticed "
                f"yet: failover error (502); {user} simply retries.")
    if why is Why.KILLED_IN_FLIGHT:
        return f"{L(n, n)} crashed while handling {user}'s request: failover error (502); {user} retries."
    if why is Why.ENTRY_CRASHED:
        return f"{L(n, n)} was down when the request arrived: failover error; {user} retries."
    if why is Why.STORE_FAILOVER:
        return f"{L(n, n)} was failing over to its replica: failover error; nothing was lost."
    return f"{user}'s request ended as {req.outcome}."
