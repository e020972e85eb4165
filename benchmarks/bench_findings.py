"""Design findings on a 2,000-node, 4,000-link diagram: what the editor runs after every edit. Qt-free.

Target (the editor refreshes findings after each edit, in their child process, sim/findings_reader.py: this is
how long after the edit they come, not a block of the window): ``design_findings`` well under 100 ms on the 2-core
machine, also just after a link edit (the neighbour index is rebuilt then). Also prints
``state_homes`` (the badges) and one ``neighbours`` call per server (what the simulation and the editor's
link checks do). Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_gui import big_record, check_allowed  # noqa: E402  (the same 2,000-node diagram as the GUI bench)

from statediagram.core.fileio import build_diagram  # noqa: E402
from statediagram.core.model import Diagram, Link  # noqa: E402
from statediagram.core.topology import design_findings, state_homes  # noqa: E402

RUNS = 7


def timed(fn: Callable[[], object], runs: int = RUNS, before: Callable[[], object] | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def show(what: str, times: list[float]) -> None:
    print(f"{what}: median {statistics.median(times) * 1000:.1f} ms, slowest {max(times) * 1000:.1f} ms "
          f"({len(times)} runs)")


def main() -> None:
    record = big_record()
    check_allowed(record)
    diagram: Diagram = build_diagram(record).diagram
    print(f"{len(diagram.nodes)} nodes, {len(diagram.links)} links; "
          f"{len(design_findings(diagram))} findings")
    servers = diagram.ids_of("server")
    spare = Link(servers[0], diagram.ids_of("object_storage")[-1])

    def edit_a_link() -> None:  # as the editor's add/remove link commands do, alternately
        if diagram.links[-1] is spare:
            diagram.links.pop()
        else:
            diagram.links.append(spare)

    show("design_findings", timed(lambda: design_findings(diagram)))
    show("design_findings just after a link edit", timed(lambda: design_findings(diagram), before=edit_a_link))
    show("state_homes", timed(lambda: state_homes(diagram)))
    show(f"neighbours of each of the {len(servers)} servers",
         timed(lambda: [diagram.neighbours(s) for s in servers]))


if __name__ == "__main__":
    main()
