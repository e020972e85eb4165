"""The words of a run's findings: why each loss happened, told with its fix ("3 sessions lost: users logged in on
Server A were sent to Server B, which keeps sessions in its own RAM; link both servers to one Redis").

The sibling of ``wording.py`` (the verdict, the counters, each failed request told as it happens), kept apart
because the report is built with these words: ``report.py`` groups and orders the causes of the losses and asks
``loss_findings`` for the sentences, while ``wording.py`` reads the finished report. Qt-free; plain text.
"""

from __future__ import annotations

from collections import defaultdict

from ..core.catalog import KINDS
from ..core.topology import DISK, RAM, Finding, state_homes
from .causes import Cause, Why
from .chat import UNSHARED
from .nodes import FAILOVER, LOST_DATA, LOST_FILE, LOST_SESSION, OUTAGE
from .scenario import SECOND

_MAX_PAIRS = 4  # above this, moves between servers are told in one finding


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _names(labels: dict[str, str], ids) -> str:
    names = [labels.get(i, i) for i in ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


class _Explainer:
    def __init__(self, engine) -> None:
        self.e = engine
        self.labels = engine.labels
        self.homes = state_homes(engine.diagram)

    def L(self, node_id: str) -> str:  # noqa: N802 - a label, read aloud
        return self.labels.get(node_id, node_id)

    def at(self, outcome: str, causes) -> float:
        """The simulated second of the first request that failed as ``outcome`` for one of ``causes``."""
        return min(self.e.first_seen[(outcome, c)] for c in causes) / SECOND

    def where(self, server: str, what: str) -> str:
        home = getattr(self.homes[server], what)
        if home.place == RAM:
            return "its own RAM"
        if home.place == DISK:
            return "its own local disk"
        return self.L(home.node)


def loss_findings(engine, by_outcome: dict[str, list[tuple[Cause, int]]],
                  lost_messages: dict[int, tuple[str, str, str]]) -> list[Finding]:
    """The findings that explain a run's losses: ``by_outcome`` lists each outcome's (cause, requests), in the
    order the report tells them (most requests first); ``lost_messages`` the chat messages some member never got."""
    x = _Explainer(engine)
    out: list[Finding] = []
    for outcome, code, what, noun in (
        (LOST_SESSION, "lost_sessions", "sessions", ("session lost", "sessions lost")),
        (LOST_FILE, "lost_files", "uploads", ("file lost", "files lost")),
        (LOST_DATA, "lost_data", "cart", ("cart came back missing items", "carts came back missing items")),
    ):
        out += _losses(x, by_outcome.get(outcome, []), outcome, code, what, noun)
    out += _lost_messages(x, lost_messages)
    out += _outages(x, by_outcome.get(OUTAGE, []))
    out += _failovers(x, by_outcome.get(FAILOVER, []))
    return out


def _lost_messages(x: _Explainer, lost: dict[int, tuple[str, str, str]]) -> list[Finding]:
    """Lost chat messages, told by why the first member that missed each one did: most messages first."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for seq, why in lost.items():
        groups.setdefault(why, []).append(seq)
    out: list[Finding] = []
    for (why, origin, other), seqs in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        head = _plural(len(seqs), "message lost", "messages lost")
        at = x.e.chat.times[seqs[0]] / SECOND
        if why == UNSHARED:
            text = (f"{head}: users on {x.L(other)} never received messages sent on {x.L(origin)}; link both "
                    "servers to one Redis so they can publish to each other")
            nodes: tuple[str, ...] = (origin, other)
        else:
            home = x.homes[origin].of("history")
            if home.place == RAM:
                text = (f"{head}: users who were reconnecting when they were sent never got them, because "
                        f"{x.L(origin)} keeps the chat history in its own RAM, which the server they reconnected "
                        "to cannot read and a crash wipes; keep the history in a PostgreSQL (or a Redis) that "
                        "every websocket server links to")
                nodes = (origin,)
            else:
                text = (f"{head}: users who were reconnecting when they were sent never got them, because the "
                        f"history in {x.L(home.node)} did not have them any more (it lost its keys in a crash); "
                        "keep the history in PostgreSQL, or make that Redis persistent")
                nodes = (origin, home.node)
        out.append(Finding("error", "lost_messages", text, nodes, at))
    return out


_FIX = {
    "sessions": ("Redis", "link both servers to one Redis", "link all servers to one shared Redis"),
    "cart": ("PostgreSQL", "link both servers to one PostgreSQL", "link all servers to one PostgreSQL"),
    "uploads": ("object storage", "link both servers to object storage", "link all servers to object storage"),
}
_SUBJECT = {
    "sessions": ("users logged in on {a} were sent to {b}", "keeps sessions in"),
    "cart": ("items added to carts on {a} were asked for on {b}", "keeps carts in"),
    "uploads": ("avatars uploaded to {a} were asked for on {b}", "keeps uploads on"),
}


def _losses(x: _Explainer, items, outcome: str, code: str, what: str, noun: tuple[str, str]) -> list[Finding]:
    def head(n: int) -> str:
        return f"{n} {noun[0] if n == 1 else noun[1]}"

    out: list[Finding] = []
    moved = [(c, n) for c, n in items if c.why is Why.MOVED]
    if moved and len(moved) <= _MAX_PAIRS:
        for cause, n in moved:
            a, b, from_place, to_place = cause.origin, cause.node, cause.kept_in, cause.looks_in
            subject, keeps = _SUBJECT[what]
            where_b = x.where(b, what)
            text = f"{head(n)}: {subject.format(a=x.L(a), b=x.L(b))}, which {keeps} {where_b}"
            if from_place not in (RAM, DISK):
                text += f", not {x.where(a, what)}"
            fix = _FIX[what][1]
            if from_place not in (RAM, DISK) and to_place not in (RAM, DISK):
                fix = fix.replace(" one ", " the same ").replace(" to object", " to the same object")
            out.append(Finding("error", code, f"{text}; {fix}", (a, b), x.at(outcome, [cause])))
    elif moved:
        n = sum(c for _, c in moved)
        pairs = ", ".join(f"{x.L(c.origin)} → {x.L(c.node)}: {n}" for c, n in moved[:_MAX_PAIRS])
        more = f", and {len(moved) - _MAX_PAIRS} more pairs" if len(moved) > _MAX_PAIRS else ""
        subject = {"sessions": "users logged in on one server were sent to another that cannot see their session",
                   "cart": "cart items added on one server were asked for on another that cannot see them",
                   "uploads": "avatars uploaded to one server were asked for on another that cannot see them"}[what]
        nodes = tuple(sorted({c.origin for c, _ in moved} | {c.node for c, _ in moved}))
        out.append(Finding("error", code, f"{head(n)}: {subject} ({pairs}{more}); {_FIX[what][2]}", nodes,
                           x.at(outcome, [c for c, _ in moved])))
    for cause, n in items:
        why = cause.why
        if why is Why.MOVED:
            continue
        if why is Why.SERVER_WIPED:
            s = cause.node
            thing = {"sessions": "the sessions", "cart": "the carts"}[what]
            fix = {"sessions": "keep sessions in Redis so a crash logs nobody out",
                   "cart": "keep carts in PostgreSQL"}[what]
            msg = f"{head(n)}: {x.L(s)} crashed and its RAM, with {thing} in it, was wiped; {fix}"
            nodes = (s,)
        elif why is Why.STORE_WIPED:
            r = cause.node
            if what == "sessions":
                msg = f"{head(n)}: {x.L(r)} crashed and lost its keys; make it persistent or give it a replica"
            else:
                msg = (f"{head(n)}: {x.L(r)} crashed and the carts kept in it were lost; keep durable data "
                       "in PostgreSQL")
            nodes = (r,)
        elif why is Why.DISK_WIPED:
            s = cause.node
            msg = (f"{head(n)}: {x.L(s)} was replaced by a new blank machine and its local disk went with it; "
                   "keep uploads in object storage")
            nodes = (s,)
        elif why is Why.AUTH_MISMATCH:
            a, b, held = cause.origin, cause.node, cause.held
            held_text = "a JWT" if held == "token" else "a session cookie"
            wants = "a session cookie" if held == "token" else "a JWT"
            origin = f" from {x.L(a)}" if a else ""
            msg = (f"{head(n)}: users holding {held_text}{origin} were sent to {x.L(b)}, which expects {wants}; "
                   "give all servers the same auth")
            nodes = tuple(i for i in (a, b) if i)
        else:  # token rejected
            b = cause.node
            msg = f"{head(n)}: {x.L(b)} rejected tokens it could not verify; every server must share one key"
            nodes = (b,)
        out.append(Finding("error", code, msg, nodes, x.at(outcome, [cause])))
    return out


def _outages(x: _Explainer, items) -> list[Finding]:
    out: list[Finding] = []
    for cause, n in items:
        head = _plural(n, "request")
        if cause.why is Why.NO_ENTRY:
            client, entries = cause.node, cause.down
            if not entries:
                msg = (f"{head} failed as outages: {x.L(client)} is linked to no load balancer or server; "
                       "link it to a load balancer")
            else:
                msg = (f"{head} failed as outages: nothing that {x.L(client)} links to was running "
                       f"({_names(x.labels, entries)} down); put a load balancer in front of two or more servers")
            nodes = (client, *entries)
        elif cause.why is Why.NO_SERVER:
            lb, down = cause.node, cause.down
            if not x.e.balancers[lb].servers:
                msg = f"{head} failed as outages: {x.L(lb)} has no server behind it; link servers to it"
            else:
                msg = (f"{head} failed as outages: {x.L(lb)} had no healthy server while "
                       f"{_names(x.labels, down)} {'was' if len(down) == 1 else 'were'} down; "
                       "add another server behind it")
            nodes = (lb, *down)
        else:  # store down
            st = cause.node
            kind = KINDS[x.e.stores[st].kind].label
            msg = (f"{head} failed as outages while {x.L(st)} was down: the requests that needed it could not "
                   f"be served; give the {kind} a replica")
            nodes = (st,)
        out.append(Finding("error", "outages", msg, nodes, x.at(OUTAGE, [cause])))
    return out


def _failovers(x: _Explainer, items) -> list[Finding]:
    out: list[Finding] = []
    per_server: dict[str, int] = defaultdict(int)
    server_causes = []
    for cause, n in items:
        if cause.why is Why.STORE_FAILOVER:
            st = cause.node
            out.append(Finding(
                "info", "failover_errors",
                f"{_plural(n, 'failover error')} while {x.L(st)} failed over to its replica; users retried, "
                "nothing was lost", (st,), x.at(FAILOVER, [cause])))
        else:
            per_server[cause.node] += n
            server_causes.append(cause)
    if per_server:
        total = sum(per_server.values())
        order = sorted(per_server, key=lambda s: (-per_server[s], s))
        detail = ", ".join(f"{x.L(s)}: {per_server[s]}" for s in order)
        out.insert(0, Finding(
            "info", "failover_errors",
            f"{_plural(total, 'failover error')}: requests reached a node that had just crashed ({detail}), "
            "before a health check took it out; users retried, nothing was lost", tuple(order),
            x.at(FAILOVER, server_causes)))
    return out
