"""Live mode: seconds to start every process of a design, to restart a server, and a whole run's wall time.

Starts each example's processes (uvicorn servers, HAProxy, redis-server, PostgreSQL, moto's S3) a few times
and prints the start time (target: 5 s), then times a server's restart (SIGKILL, 2.5 s down, then until
/health answers)
and one calm run at speed 8. Needs the live extra, haproxy, redis-server and postgresql. Asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from statediagram.core.catalog import Role
from statediagram.core.fileio import load_diagram
from statediagram.live.layout import layout
from statediagram.live.runner import run_live
from statediagram.live.services import build_specs, http_ok
from statediagram.live.supervisor import Supervisor
from statediagram.sim.scenario import resolve

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROUNDS = 3


def start_times(path: Path) -> tuple[int, list[float], float]:
    lay = layout(load_diagram(path).diagram)
    times, restart = [], 0.0
    for _ in range(ROUNDS):
        with Supervisor() as sup:
            specs, ctx = build_specs(lay, sup, 1000)
            times.append(sup.start_all(specs))
            server = lay.nodes_with(Role.SERVER)[0]
            sup.crash(lay.names[server])
            time.sleep(2.5)  # the drill's down time at speed 2: the next process boots meanwhile
            t0 = time.monotonic()
            sup.restart(lay.names[server])
            while not http_ok(ctx.ports[server]) and time.monotonic() - t0 < 20:
                time.sleep(0.02)
            restart = max(restart, time.monotonic() - t0)
    return len(specs), times, restart


def main() -> None:
    print(f"{'design':24s} procs  start median / worst   server restart (worst)")
    for path in sorted(EXAMPLES.glob("*.statediagram.json")):
        n, times, restart = start_times(path)
        print(f"{path.name.split('.')[0]:24s} {n:5d}  {statistics.median(times):5.2f} s / {max(times):5.2f} s"
              f"   {restart:5.2f} s")
    d = load_diagram(EXAMPLES / "stateless-full.statediagram.json").diagram
    t0 = time.monotonic()
    report = run_live(d, resolve(d, "calm", "full"), speed=8, say=lambda text: None)
    print(f"stateless-full, calm (30 s) at speed 8: {time.monotonic() - t0:.1f} s wall, "
          f"{report['totals']['requests']} requests, start {report['start_s']} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
