"""Grading a class with the HTML report: `statediagram check 300 files --mission stateless --report class.html`.

Target (issue 11): at most 20 s on the 2-core machine, start-up, grading and the 300 pictures included. The
files are a mixed class: every mission's starter and reference solution, three- and four-server designs,
each with its own seed (so no two files are the same), and a few unreadable ones. Runs the real command in a
fresh process, as a teacher would, prints the figures; asserts nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "src" / "statediagram" / "assets" / "missions"
SOLUTIONS = ROOT / "tests" / "missions" / "solutions"
FILES = 300
UNREADABLE_EVERY = 30  # one file in 30 is broken JSON


def designs() -> list[dict]:
    """The class's designs: starters, solutions, and bigger shared-Redis variants."""
    out = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(ASSETS.glob("*.statediagram.json"))]
    out += [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SOLUTIONS.glob("*.statediagram.json"))]
    base = json.loads((SOLUTIONS / "stateless.statediagram.json").read_text(encoding="utf-8"))
    for extra in ("c", "d"):
        base = json.loads(json.dumps(base))
        base["nodes"].append({"id": extra, "kind": "server", "label": f"Server {extra.upper()}", "x": 440,
                              "y": 360 + 120 * (extra == "d"), "props": {"auth": "session"}})
        base["edges"] += [{"source": "lb", "target": extra}, {"source": extra, "target": "redis"}]
        out.append(base)
    return out


def statediagram_command() -> list[str]:
    script = Path(sys.executable).with_name("statediagram")
    return [str(script)] if script.exists() else [sys.executable, "-m", "statediagram"]


def main() -> None:
    pool = designs()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(FILES):
            path = Path(tmp) / f"student-{i:03d}.statediagram.json"
            if i % UNREADABLE_EVERY == UNREADABLE_EVERY - 1:
                path.write_text('{"format": "statediagram", "nodes": [', encoding="utf-8")
            else:
                record = json.loads(json.dumps(pool[i % len(pool)]))
                record["scenario"] = {**record.get("scenario", {}), "seed": i + 1}
                path.write_text(json.dumps(record), encoding="utf-8")
            files.append(str(path))
        report = Path(tmp) / "class.html"
        cmd = [*statediagram_command(), "check", *files, "--mission", "stateless", "--csv", "--report", str(report)]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        size = report.stat().st_size if report.exists() else 0
        pictures = report.read_text(encoding="utf-8").count("data:image/png;base64,") if size else 0
        t0 = time.perf_counter()
        subprocess.run([*statediagram_command(), "check", *files, "--mission", "stateless", "--csv"],
                       capture_output=True, text=True)
        plain = time.perf_counter() - t0
    rows = done.stdout.count("\n") - 1
    print(f"statediagram check --report: {FILES} files ({len(pool)} designs, own seeds, 1 in {UNREADABLE_EVERY} "
          "unreadable), mission stateless")
    print(f"  exit status {done.returncode}, {rows} CSV rows, {pictures} pictures, page {size / 1e6:.1f} MB")
    print(f"  wall time with the report {seconds:.2f} s (target <= 20 s); without it {plain:.2f} s; "
          f"the report's share {seconds - plain:.2f} s ({(seconds - plain) / max(pictures, 1) * 1000:.1f} ms a "
          "picture)")


if __name__ == "__main__":
    main()
