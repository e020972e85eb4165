"""Builders for the diagrams learners hand in: the lesson's shape, with as many parts as a test needs."""

from __future__ import annotations

from statediagram.core import Diagram, Link, Node


def lesson(servers: int = 2, clients: int = 1, balancers: int = 1, auth: str = "session", policy="round_robin",
           stores: tuple[tuple[str, str, dict], ...] = ()) -> Diagram:
    """Clients -> load balancers -> servers, every server linked to every store given as (id, kind, props).

    Ids and labels differ from the starter's on purpose (``shop0``, ``lb0``, ``web-a`` / "Web A"), so the
    checks are seen to work from the wiring, not from the names.
    """
    d = Diagram()
    lbs = [f"lb{j}" for j in range(balancers)]
    for i in range(clients):
        d.nodes.append(Node(f"shop{i}", "client", f"Shoppers {i}", props={"users": 3}))
        d.links += [Link(f"shop{i}", lb) for lb in lbs]
    d.nodes += [Node(lb, "load_balancer", props={"policy": policy}) for lb in lbs]
    for k in range(servers):
        sid = f"web-{chr(ord('a') + k)}"
        d.nodes.append(Node(sid, "server", f"Web {chr(ord('A') + k)}", props={"auth": auth}))
        d.links += [Link(lb, sid) for lb in lbs]
        d.links += [Link(sid, store_id) for store_id, _, _ in stores]
    d.nodes += [Node(store_id, kind, props=props) for store_id, kind, props in stores]
    return d


REDIS = ("cache", "redis", {})
POSTGRES = ("db", "postgres", {})
BUCKET = ("files", "object_storage", {})
