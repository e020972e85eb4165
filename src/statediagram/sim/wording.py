"""The words a learner reads about a run: the verdict, the counters, and each failed request told as it happens
(the caption under "What just happened" and the badge a failure leaves on a node). The findings' sentences, which
the report is built with, are in the sibling ``loss_wording.py``.

Used by the command line (``simulate``'s text), the missions (``check``'s reasons), the lessons and the app
alike. Qt-free; plain text (the app escapes it before it shows it in rich text).
"""

from __future__ import annotations

from ..core.topology import DISK, RAM, TOKEN, ServerHomes
from .causes import Cause, Why
from .nodes import FAILOVER, LOST_DATA, LOST_FILE, LOST_SESSION, OUTAGE
from .report import Report, Totals

# --- the verdict and the counters -------------------------------------------------------------------------

# A counter's name in a list of every counter ("requests 86, ok 86, lost sessions 0, ...") and in tables.
COUNTER_WORDS = {
    "requests": "requests", "ok": "ok", "lost_sessions": "lost sessions", "lost_files": "lost files",
    "lost_data": "lost data", "outages": "outages", "failover_errors": "failover errors",
    "messages": "messages", "lost_messages": "lost messages", "reconnects": "reconnects",
}
# A loss told after its number ("3 sessions lost, 2 outages"); a journey's own losses are listed too.
LOSS_WORDS = {
    "lost_sessions": "sessions lost", "lost_files": "files lost", "lost_data": "carts missing items",
    "outages": "outages", "lost_messages": "chat messages lost",
}


def verdict_word(survives: bool) -> str:
    return "Survives" if survives else "Does not survive"


# The counters only one kind of journey can move: the others are left out of its text (the JSON keeps them all).
JOURNEY_COUNTERS = {"chat": ("messages", "lost_messages", "reconnects")}
_OTHERS_ONLY = {"chat": ("lost_sessions", "lost_files", "lost_data")}


def counter_names(totals: Totals, journey: str = "") -> list[str]:
    """The counters a run of ``journey`` can move, in the report's order (another journey's own are left out)."""
    hidden = set(_OTHERS_ONLY.get(journey, ()))
    for other, names in JOURNEY_COUNTERS.items():
        if other != journey:
            hidden.update(names)
    return [name for name in totals.names() if name not in hidden]


def counter_word(name: str) -> str:
    return COUNTER_WORDS.get(name, name.replace("_", " "))


def counters_text(totals: Totals, journey: str = "") -> str:
    """Every counter of the journey with its number: "requests 86, ok 86, lost sessions 0, ..."."""
    return ", ".join(f"{counter_word(name)} {totals.count(name)}" for name in counter_names(totals, journey))


def ok_text(totals: Totals) -> str:
    """ "80 of 86 requests ok"."""
    return f"{totals.ok} of {totals.requests} requests ok"


def losses_text(totals: Totals) -> str:
    """The losses a run counted, in the report's order: "3 sessions lost, 2 outages" ("" when none)."""
    return ", ".join(f"{totals.count(name)} {LOSS_WORDS.get(name, name.replace('_', ' '))}"
                     for name in totals.loss_names() if totals.count(name))


def run_words(report: Report) -> str:
    """ "standard scenario, journey full"."""
    return f"{report.scenario} scenario, journey {report.journey}"


def format_report(report: Report) -> str:
    """``statediagram simulate``'s text: a verdict line, the counters, load per server, and the findings."""
    lines = [
        f"{verdict_word(report.survives).upper()}: scenario {report.scenario}, journey {report.journey}, "
        f"seed {report.seed}, {report.duration_s:g} s {'simulated' if report.live is None else 'run for real'}",
        "  " + counters_text(report.totals, report.journey),
    ]
    if report.servers:
        parts = []
        for sid, s in report.servers.items():
            crash = f", {s.crashes} crash{'es' if s.crashes != 1 else ''}" if s.crashes else ""
            parts.append(f"{report.label(sid)} {s.requests}{crash}")
        lines.append("  requests per server: " + "; ".join(parts))
    if report.findings:
        lines.append("Findings:")
        for f in report.findings:
            lines.append(f"  [{f.severity}] {f.message}")
    return "\n".join(lines) + "\n"


# --- one failed request, as it happens --------------------------------------------------------------------


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


def badge_text(outcome: str, status: int, cause: Cause | None, labels: dict[str, str]) -> str:
    """The short note a failed request leaves where it failed."""
    kind = cause.why if cause else ""
    if outcome == LOST_SESSION:
        if kind == Why.AUTH_MISMATCH:
            return f"{status} wrong kind of login"
        if kind == Why.TOKEN_REJECTED:
            return f"{status} token not verified"
        return f"{status} session not found"
    if outcome == LOST_FILE:
        return f"{status} image not found"
    if outcome == LOST_DATA:
        return "cart missing items"
    if outcome == OUTAGE:
        if kind == Why.STORE_DOWN:
            return f"{status} {labels.get(cause.node, cause.node)} down"
        return f"{status} no server up"
    if outcome == FAILOVER:
        if kind == Why.STORE_FAILOVER:
            return f"{status} failing over"
        return f"{status} server just crashed"
    return ""


def badge_node(req) -> str | None:
    """Where a failed request failed: the server for most, the load balancer or client when none was reached."""
    kind = req.cause.why if req.cause else ""
    if kind == Why.NO_ENTRY:
        return req.user.client
    if kind == Why.NO_SERVER or (kind == Why.ENTRY_CRASHED and req.server is None):
        return req.lb or req.entry
    return req.server or req.lb or req.user.client
