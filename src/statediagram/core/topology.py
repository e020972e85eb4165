"""What the wiring means: where each server keeps its state, who reaches whom, and design findings.

``state_homes`` is the one place that applies the contract's table of where a server keeps sessions,
carts and uploads; the simulation, the editor's badges and the mission checks all call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .breathing import breathe
from .catalog import DISK, KINDS, RAM, STATES, TOKEN, Role, role_of
from .model import Diagram, Node

__all__ = ["DISK", "RAM", "STATES", "TOKEN", "Finding", "Home", "ServerHomes", "design_findings", "request_graph",
           "reachable_servers", "served_servers", "state_homes"]


@dataclass(frozen=True)
class Home:
    """Where one kind of state lives: ``ram``/``disk`` of ``node`` (a server), a store node, or a token."""

    place: str  # "ram", "disk", "token", or the kind of a store node ("redis", "postgres", ...)
    node: str | None  # the server (for ram/disk) or the store node; None for a token

    @property
    def on_server(self) -> bool:
        """Kept on the server's own machine (its RAM or its local disk): lost with it, seen by no other server."""
        return self.place in (RAM, DISK)

    @property
    def shared(self) -> bool:
        return not self.on_server

    def describe(self, labels: dict[str, str]) -> str:
        if self.place == TOKEN:
            return "a signed token (JWT) the client keeps"
        if self.place == RAM:
            return f"{labels.get(self.node or '', self.node)}'s own RAM"
        if self.place == DISK:
            return f"{labels.get(self.node or '', self.node)}'s local disk"
        return labels.get(self.node or "", self.node or "")

    def badge(self) -> str:
        own = {RAM: "RAM", DISK: "disk", TOKEN: "JWT"}
        return own[self.place] if self.place in own else KINDS[self.place].label


@dataclass(frozen=True)
class ServerHomes:
    """Where one server keeps each kind of state its kind keeps: an application server's sessions, cart and
    uploads (None for a kind that keeps none of them: a websocket server), and the other kinds of state its kind
    keeps (``more``: a websocket server's chat history and pub/sub)."""

    sessions: Home | None = None
    cart: Home | None = None
    uploads: Home | None = None
    more: tuple[tuple[str, Home], ...] = ()  # the other kinds of state the server's kind keeps (its ``keeps``)

    def of(self, state: str) -> Home | None:
        """Where this server keeps ``state``, or None when its kind keeps no such state."""
        if state in STATES:
            return getattr(self, state)
        return next((home for s, home in self.more if s == state), None)


@dataclass(frozen=True)
class Finding:
    severity: str  # "error", "warning" or "info"
    code: str
    message: str
    nodes: tuple[str, ...] = field(default=())
    at: float | None = None  # simulated second of the first such loss, for findings of a run

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "severity": self.severity, "code": self.code, "message": self.message, "nodes": list(self.nodes)
        }
        if self.at is not None:
            out["at"] = self.at
        return out


def linked_store(diagram: Diagram, server_id: str, store_kind: str, nodes: dict[str, Node] | None = None) -> str | None:
    nodes = nodes or diagram.node_map()
    for other in sorted(diagram.neighbours(server_id)):
        if nodes[other].kind == store_kind:
            return other
    return None


def state_homes(diagram: Diagram) -> dict[str, ServerHomes]:
    """For every server: where it keeps login sessions, carts and uploaded files (the contract's table).

    A place the server's props decide comes first (a JWT login lives in a token); then, of the stores it links
    to, the one that ranks first for that kind of state (a cart: PostgreSQL, else Redis); else the server's own
    place for it (RAM or disk). The ranks and own places are the kinds' registry entries.
    """
    nodes = diagram.node_map()
    stores: dict[str, dict[str, str]] = {n.id: {} for n in diagram.nodes if role_of(n.kind) == Role.SERVER}
    for lk in diagram.links:
        breathe()
        for a, b in ((lk.source, lk.target), (lk.target, lk.source)):
            if a in stores and role_of(nodes[b].kind) == Role.STORE:
                stores[a].setdefault(nodes[b].kind, b)
    homes: dict[str, ServerHomes] = {}
    # Equal places are one object (servers sharing a store): a canvas keeps every server's for its badges, and a
    # 2,000-node diagram's 1,200 servers made 4,800 objects for Python's cyclic collector to look at.
    same: dict = {}
    for sid, linked in stores.items():
        breathe()
        kind = KINDS[nodes[sid].kind]
        own = dict(kind.keeps)
        places: dict[str, Home] = {}
        for state in own:  # only what its kind keeps: a websocket server has no cart
            decided = kind.decides(nodes[sid].props, state) if kind.decides else None
            ranked = sorted((KINDS[k].rank(state), k) for k in linked if KINDS[k].rank(state) is not None)
            if decided is not None:
                home = Home(decided, None)
            elif ranked:
                home = Home(ranked[0][1], linked[ranked[0][1]])
            else:
                home = Home(own.get(state, RAM), sid)
            places[state] = same.setdefault(home, home)
        more = tuple((state, places.pop(state)) for state in list(places) if state not in STATES)
        server_homes = ServerHomes(**places, more=more)
        homes[sid] = same.setdefault(server_homes, server_homes)
    return homes


_PATH_ROLES = {Role.USERS: 0, Role.BALANCER: 1, Role.SERVER: 2}  # the way a request goes


def request_graph(diagram: Diagram):
    """A directed networkx graph of the paths requests take: client -> load balancer -> server."""
    import networkx as nx

    nodes = diagram.node_map()
    g = nx.DiGraph()
    g.add_nodes_from(n.id for n in diagram.nodes if role_of(n.kind) in _PATH_ROLES)
    for lk in diagram.links:
        a, b = lk.source, lk.target
        if a in g and b in g:
            if _PATH_ROLES[role_of(nodes[a].kind)] > _PATH_ROLES[role_of(nodes[b].kind)]:
                a, b = b, a
            g.add_edge(a, b)
    return g


def reachable_servers(diagram: Diagram, g=None) -> dict[str, list[str]]:
    """For every client, the servers its requests can reach, in node id order."""
    import networkx as nx

    g = g if g is not None else request_graph(diagram)
    nodes = diagram.node_map()
    out: dict[str, list[str]] = {}
    for cid in diagram.ids_playing(Role.USERS):
        out[cid] = sorted(s for s in nx.descendants(g, cid) if role_of(nodes[s].kind) == Role.SERVER)
    return out


def served_servers(diagram: Diagram) -> list[str]:
    """Servers that some client reaches, in node id order."""
    return sorted({s for servers in reachable_servers(diagram).values() for s in servers})


def design_findings(diagram: Diagram) -> list[Finding]:
    """Problems visible from the drawing alone: no client, unreachable servers, single points of failure."""
    nodes = diagram.node_map()
    labels = {n.id: n.label for n in diagram.nodes}
    g = request_graph(diagram)
    reach = reachable_servers(diagram, g)
    served = sorted({s for servers in reach.values() for s in servers})
    findings: list[Finding] = []
    clients = diagram.ids_playing(Role.USERS)
    servers = diagram.ids_playing(Role.SERVER)
    if not clients:
        findings.append(
            Finding("warning", "no_client", "No client: nobody sends requests. Add a client and link it to a "
                    "load balancer or a server.")
        )
    for c in clients:
        if not any(g.successors(c)):
            findings.append(
                Finding("warning", "client_not_linked",
                        f"{labels[c]} is linked to no load balancer or server: its users send requests nowhere. "
                        "Link it to a load balancer.", (c,))
            )
    for lb in diagram.ids_playing(Role.BALANCER):
        behind = [s for s in g.successors(lb)]
        if not behind:
            findings.append(
                Finding("warning", "load_balancer_without_servers",
                        f"{labels[lb]} has no server behind it: every request it gets fails. Link it to servers.",
                        (lb,))
            )
        if not any(role_of(nodes[c].kind) == Role.USERS for c in g.predecessors(lb)):
            findings.append(
                Finding("warning", "unreachable_load_balancer",
                        f"{labels[lb]} gets no traffic: no client is linked to it.", (lb,))
            )
    if clients:
        served_set = set(served)
        for s in servers:
            if s not in served_set:
                findings.append(
                    Finding("warning", "unreachable_server",
                            f"{labels[s]} gets no traffic: no client or load balancer reaches it. "
                            "Link it to a load balancer.", (s,))
                )
    for st in diagram.ids_playing(Role.STORE):
        if not any(role_of(nodes[o].kind) == Role.SERVER for o in diagram.neighbours(st)):
            findings.append(
                Finding("warning", "unused_store", f"{labels[st]} is not used by any server: link servers to it.",
                        (st,))
            )
    findings.extend(_single_points_of_failure(diagram, g, reach, served, labels))
    auths = {nodes[s].props["auth"] for s in served if "auth" in nodes[s].props}
    if len(auths) > 1:
        findings.append(
            Finding("warning", "mixed_auth",
                    "Servers mix session cookies and JWTs: a user logged in on one kind is rejected by the "
                    "other. Give every server the same auth.", tuple(served))
        )
    sticky = [lb for lb in diagram.ids_playing(Role.BALANCER) if nodes[lb].props.get("policy") == "sticky"]
    for lb in sticky:
        behind = list(g.successors(lb))
        if behind and all(KINDS[nodes[s].kind].connected for s in behind):
            findings.append(
                Finding("info", "sticky_connections",
                        f"{labels[lb]} is sticky in front of servers that hold open connections: no trap here. A "
                        "connection stays on its server anyway; the load balancer only picks the server a user "
                        "connects to, and after a crash the user reconnects to another one and reads the history.",
                        (lb,))
            )
            continue
        findings.append(
            Finding("info", "sticky_sessions",
                    f"{labels[lb]} uses sticky sessions: users are married to one server, so its crash still "
                    "logs them out, and load can pile up on one server.", (lb,))
        )
    findings.extend(_unshared_messages(diagram, reach, labels))
    return findings


def _unshared_messages(diagram: Diagram, reach: dict[str, list[str]], labels: dict[str, str]) -> list[Finding]:
    """Servers of one client's room that pass messages on through no shared Redis: their users never hear each
    other ("users on Chat A never hear users on Chat B")."""
    homes = state_homes(diagram)
    out: list[Finding] = []
    seen: set[tuple[str, ...]] = set()
    for servers in reach.values():
        relays = [s for s in servers if homes[s].of("pubsub") is not None]
        if len(relays) < 2:
            continue
        shared = {homes[s].of("pubsub").node for s in relays if homes[s].of("pubsub").shared}
        if len(shared) == 1 and all(homes[s].of("pubsub").shared for s in relays):
            continue
        key = tuple(relays)
        if key in seen:
            continue
        seen.add(key)
        a, b = relays[0], relays[1]
        out.append(
            Finding("warning", "unshared_messages",
                    f"Users on {labels[a]} never hear users on {labels[b]}: the servers share no Redis to publish "
                    f"each message to the others. Link {_and(labels[s] for s in relays)} to one Redis.",
                    tuple(relays))
        )
    return out


def _and(names) -> str:
    names = list(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _single_points_of_failure(diagram, g, reach, served, labels) -> list[Finding]:
    nodes = diagram.node_map()
    out: list[Finding] = []
    if not served:
        return out
    clients = [c for c in reach if reach[c]]
    cuts = _cut_clients(g, clients, [s for s in g if role_of(nodes[s].kind) == Role.SERVER])
    for v in sorted(n for n in cuts if role_of(nodes[n].kind) != Role.USERS):
        cut = cuts[v]
        if len(cut) == len(clients):
            who = "no user reaches any server"
        else:
            who = f"the users of {', '.join(labels[c] for c in cut)} reach no server"
        if role_of(nodes[v].kind) == Role.BALANCER:
            fix = "Link the clients to a second load balancer as well."
        else:
            fix = "Add a second server, behind a load balancer."
        out.append(
            Finding("warning", "single_point_of_failure",
                    f"{labels[v]} is a single point of failure: if it goes down, {who}. {fix}", (v,))
        )
    homes = state_homes(diagram)
    held: dict[str, list[str]] = {}
    for attr, what in (("sessions", "sessions"), ("cart", "carts")):
        used = {getattr(homes[s], attr) for s in served} - {None}
        if len(used) != 1:
            continue
        (home,) = used
        replicable = home.place in KINDS and KINDS[home.place].prop("replicas") is not None
        if replicable and nodes[home.node].props.get("replicas", 0) == 0:
            held.setdefault(home.node, []).append(what)
    for store, whats in held.items():
        what = " and ".join(whats)
        out.append(
            Finding("warning", "single_point_of_failure",
                    f"{labels[store]} is a single point of failure for {what}: if it goes down, no server can "
                    f"reach the {what}. Give it a replica (replicas 1 or more).", (store,))
        )
    return out


_SERVERS = object()  # a virtual node every server leads to (its identity cannot clash with a node id)


def _cut_clients(g, clients: list[str], servers: list[str]) -> dict[str, list[str]]:
    """For every node whose loss leaves some of ``clients`` reaching no server: those clients, in given order.

    Losing ``v`` cuts client ``c`` off when every request path from ``c`` to a server goes through ``v``; that
    is, ``v`` dominates ``c`` when walking the request graph backwards from a virtual node that every server
    leads to. One dominator tree answers for every node and client at once, instead of a reachability search
    per removed node (which took seconds on a 2,000-node diagram).
    """
    import networkx as nx

    back = nx.DiGraph()  # only what the virtual node reaches matters: the request graph's edges, reversed
    back.add_edges_from([(_SERVERS, s) for s in servers] + [(b, a) for a, b in g.edges])
    idom = nx.immediate_dominators(back, _SERVERS)
    cuts: dict[str, list[str]] = {}
    for c in clients:
        v = idom.get(c)
        while v is not None and v is not _SERVERS:
            cuts.setdefault(v, []).append(c)
            v = idom.get(v)
    return cuts
