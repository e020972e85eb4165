"""Grading speed: one `statediagram check` call over 300 copies of a 3-server solution of `stateless`.

Target (issue 2): at most 15 s on the 2-core machine, start-up included. Runs the real command in a fresh
process, as a teacher would, and prints the figures; asserts nothing.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COPIES = 300
STARTER = Path(__file__).resolve().parents[1] / "src" / "statediagram" / "assets" / "missions" / \
    "stateless.statediagram.json"


def three_server_solution() -> str:
    """The starter with a Server C behind the load balancer and one Redis all three servers share."""
    record = json.loads(STARTER.read_text(encoding="utf-8"))
    record["nodes"] += [
        {"id": "c", "kind": "server", "label": "Server C", "x": 440, "y": 360, "props": {"auth": "session"}},
        {"id": "redis", "kind": "redis", "label": "Redis", "x": 660, "y": 200},
    ]
    record["edges"] += [{"source": "lb", "target": "c"}] + [
        {"source": s, "target": "redis"} for s in ("a", "b", "c")
    ]
    return json.dumps(record, indent=2)


def statediagram_command() -> list[str]:
    script = Path(sys.executable).with_name("statediagram")
    return [str(script)] if script.exists() else [sys.executable, "-m", "statediagram"]


def main() -> None:
    text = three_server_solution()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(COPIES):
            path = Path(tmp) / f"student-{i:03d}.statediagram.json"
            path.write_text(text, encoding="utf-8")
            files.append(str(path))
        cmd = [*statediagram_command(), "check", *files, "--mission", "stateless", "--json"]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
    rows = json.loads(done.stdout)
    passed = sum(r["passed"] for r in rows)
    requests = sum(r["report"]["totals"]["requests"] for r in rows)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"statediagram check: {COPIES} files (3 servers, 1 shared Redis, 3 users; mission stateless: standard "
          "drill, journey sessions)")
    print(f"  exit status {done.returncode}, {passed} of {len(rows)} passed")
    print(f"  wall time {seconds:.2f} s (target <= 15 s), {seconds / COPIES * 1000:.1f} ms per file")
    print(f"  simulated requests {requests:,} ({requests / seconds:,.0f} per second of wall time)")
    print(f"  peak memory of the check process {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
