"""Chat journey speed: the 40-server crash drill rebuilt with websocket servers, beside the HTTP journey's.

The target (issue: the real-time exception): the chat journey runs at no less than half the HTTP journey's
simulated requests per second. Both diagrams have 400 users, one load balancer, 40 servers, Redis and
PostgreSQL; the HTTP one adds object storage. Prints figures; asserts nothing.
"""

from __future__ import annotations

import resource
import time

from statediagram.core import Diagram, Link, Node
from statediagram.sim.engine import Engine
from statediagram.sim.scenario import resolve


def drill_diagram(kind: str, servers: int = 40, users: int = 400) -> Diagram:
    d = Diagram(title=f"benchmark ({kind})")
    d.nodes += [Node("users", "client", props={"users": users}), Node("lb", "load_balancer"),
                Node("redis", "redis"), Node("pg", "postgres")]
    d.links.append(Link("users", "lb"))
    if kind == "server":
        d.nodes.append(Node("s3", "object_storage"))
    for i in range(servers):
        sid = f"s{i:02d}"
        d.nodes.append(Node(sid, kind))
        d.links += [Link("lb", sid), Link(sid, "redis"), Link(sid, "pg")]
        if kind == "server":
            d.links.append(Link(sid, "s3"))
    return d


def rate(kind: str, journey: str) -> float:
    d = drill_diagram(kind)
    t0 = time.perf_counter()
    engine = Engine(d, resolve(d, "standard", journey, 1))
    engine.run()
    secs = time.perf_counter() - t0
    n = sum(engine.totals.values())
    extra = ""
    if engine.chat is not None:
        extra = (f", {engine.chat.messages} messages, {engine.chat.reconnects} reconnects, "
                 f"{len(engine.chat.lost())} lost")
    engine.close()
    print(f"  {journey:5s} on 40 {kind}s, 400 users: {n:7d} requests in {secs:6.2f} s wall -> "
          f"{n / secs:8,.0f} requests/s{extra}")
    return n / secs


def main() -> None:
    print("standard drill (415 s simulated):")
    http = rate("server", "full")
    chat = rate("websocket_server", "chat")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"chat / http = {chat / http:.2f} (target >= 0.5); peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
