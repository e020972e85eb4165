"""Simulation speed: simulated requests per second with the real stores behind the nodes.

Runs the standard crash drill on 40 servers, 400 users, Redis + PostgreSQL + object storage, journey
`full`, then the same diagram with fewer users to show that cost grows linearly with users x time.
Prints figures; asserts nothing (targets are in the README).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

from statediagram.core import Diagram, Fault, Link, Node, ScenarioSpec
from statediagram.sim import simulate


def big_diagram(servers: int = 40, users: int = 400) -> Diagram:
    d = Diagram(title="benchmark")
    d.nodes += [Node("users", "client", props={"users": users}), Node("lb", "load_balancer"),
                Node("redis", "redis"), Node("pg", "postgres"), Node("s3", "object_storage")]
    d.links.append(Link("users", "lb"))
    for i in range(servers):
        sid = f"s{i:02d}"
        d.nodes.append(Node(sid, "server"))
        d.links += [Link("lb", sid), Link(sid, "redis"), Link(sid, "pg"), Link(sid, "s3")]
    return d


def timed(d: Diagram, **kw) -> tuple[float, dict]:
    t0 = time.perf_counter()
    report = simulate(d, **kw).report
    return time.perf_counter() - t0, report


def main() -> None:
    d = big_diagram()
    secs, report = timed(d, scenario="standard", journey="full")
    n = report["totals"]["requests"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"standard drill, 40 servers, 400 users, journey full: {n} requests in {report['duration_s']:g} s "
          f"simulated, {secs:.2f} s wall -> {n / secs:,.0f} simulated requests/s (target >= 12,000); "
          f"survives={report['survives']}; peak RSS {peak_mb:.0f} MB")
    print("linearity (users x simulated time):")
    for users in (100, 200, 400):
        secs, report = timed(big_diagram(40, users), scenario="standard", journey="full")
        n = report["totals"]["requests"]
        print(f"  {users:4d} users: {n:7d} requests, {secs:6.2f} s, {secs / n * 1e6:5.1f} us/request")
    for seconds in (100, 200, 400):
        d = big_diagram(40, 200)
        d.scenario = ScenarioSpec(faults=[Fault(10, "s00", "crash"), Fault(15, "s00", "restart")],
                                  duration_s=seconds)
        secs, report = timed(d, journey="full")
        n = report["totals"]["requests"]
        print(f"  200 users, {seconds:3d} s simulated: {n:7d} requests, {secs:6.2f} s, "
              f"{secs / n * 1e6:5.1f} us/request")
    starter = Path(__file__).resolve().parents[1] / "src/statediagram/assets/missions/stateless.statediagram.json"
    exe = Path(sys.executable).with_name("statediagram")
    if exe.exists():
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([str(exe), "simulate", str(starter)], capture_output=True, check=False)
            times.append(time.perf_counter() - t0)
        times.sort()
        print(f"`statediagram simulate` of the starter, with start-up: median {times[2]:.2f} s (target < 1 s)")


if __name__ == "__main__":
    main()
