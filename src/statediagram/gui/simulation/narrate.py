"""One failed request told in plain words, as it happens: the caption under "What just happened".

The engine gives each failure a cause (who, where, what was kept where); this turns it into the sentence a
teacher would say, so the learner sees *why* the user was logged out while it happens, not only at the end.
"""

from __future__ import annotations

from ...core.topology import DISK, RAM, TOKEN, ServerHomes


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
    cause = req.cause or ("",)
    kind = cause[0]
    what = {"lost_session": ("session", "sessions", "logged out against their will"),
            "lost_file": ("avatar", "uploads", "the image is gone (404)"),
            "lost_data": ("cart items", "cart", "the cart came back missing items")}.get(req.outcome)
    if what and kind == "moved":
        _, a, b, _from, _to = cause
        noun, attr, effect = what
        here = getattr(homes[b], attr) if b in homes else None
        there = getattr(homes[a], attr) if a in homes else None
        kept_b = _place(here.place, here.node, labels) if here else "?"
        kept_a = _place(there.place, there.node, labels) if there else "?"
        by = "" if there and there.place in (RAM, DISK) else f" (by {L(a, a)})"
        return (f"{user}'s {noun} was kept in {kept_a}{by}. The load balancer sent the next request "
                f"to {L(b, b)}, which looks in {kept_b} and finds nothing: {user} is {effect}.")
    if what and kind == "server_wiped":
        s = cause[1]
        return (f"{user}'s {what[0]} was in {L(s, s)}'s RAM. {L(s, s)} crashed and its RAM was wiped: "
                f"{user} is {what[2]}.")
    if what and kind == "store_wiped":
        r = cause[1]
        return f"{L(r, r)} crashed and lost its keys, {user}'s {what[0]} with them: {user} is {what[2]}."
    if what and kind == "disk_wiped":
        s = cause[1]
        return f"{L(s, s)} was replaced by a new blank machine; the avatar on its old disk is gone (404)."
    if kind == "auth_mismatch":
        b = cause[2]
        held = "a JWT" if cause[3] == "token" else "a session cookie"
        return f"{user} holds {held}, but {L(b, b)} expects the other kind of login: 401."
    if kind == "token_rejected":
        return f"{L(cause[2], cause[2])} could not verify {user}'s token (a different signing key?): 401."
    if kind == "no_server":
        return f"{L(cause[1], cause[1])} had no healthy server to send {user}'s request to: outage (503)."
    if kind == "no_entry":
        return f"Nothing {L(cause[1], cause[1])} links to was running: outage (503)."
    if kind == "store_down":
        return f"{L(cause[1], cause[1])} was down, so {L(req.server, req.server)} could not serve it: outage (503)."
    if kind == "server_down_unnoticed":
        s = cause[1]
        return (f"{L(s, s)} had just crashed and the load balancer's health check (every 1 s) had not noticed "
                f"yet: failover error (502); {user} simply retries.")
    if kind == "killed_in_flight":
        s = cause[1]
        return f"{L(s, s)} crashed while handling {user}'s request: failover error (502); {user} retries."
    if kind == "entry_crashed":
        return f"{L(cause[1], cause[1])} was down when the request arrived: failover error; {user} retries."
    if kind == "store_failover":
        return f"{L(cause[1], cause[1])} was failing over to its replica: failover error; nothing was lost."
    return f"{user}'s request ended as {req.outcome}."
