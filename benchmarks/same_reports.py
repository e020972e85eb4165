"""Proof that a refactor changed nothing a learner or a teacher sees: reports and traces, byte for byte.

For every example, every mission starter and N random diagrams (built from a fixed seed), under the
scenarios calm, standard and chaos and the file's own scenario, with the journeys sessions and full, this
records sha256 digests of:

- ``report``: ``statediagram simulate --json`` output (run through ``cli.main``, the command line's own path);
- ``text``: ``statediagram simulate`` output (the readable report);
- ``trace``: what the desktop app replays (``sim.replay.Replay`` worked to the end): every request with its
  hops, outcome, cause and store calls, the engine's events, the snapshots the player shows, the report the
  replay ends with, and what each store and server holds at the end;
- ``words``: the sentences the app shows for each failed request (narration, badge text, badge node).

Examples and starters are also graded against every mission (``statediagram check --json``).

    python benchmarks/same_reports.py            # compare with the committed digests; exit 1 on a difference
    python benchmarks/same_reports.py --record   # rewrite them on purpose (say which cases changed, and why)
    python benchmarks/same_reports.py --sample 40 --random 50   # a quicker look
    python benchmarks/same_reports.py --only example/ starter/   # some diagrams (with --record: only theirs)

The digests live in ``benchmarks/same_reports.json``. Record them only from a tree whose behaviour is
known good; a change in a digest is either a bug or a deliberate change to name in the commit message.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = Path(__file__).with_suffix(".json")
SEED = 20261201
RANDOM_DIAGRAMS = 300
SCENARIOS = ("calm", "standard", "chaos", None)  # None: the file's own scenario block (faults included)
JOURNEYS = ("sessions", "full")
FORMAT = 1


# --- the cases -------------------------------------------------------------------------------------------


def random_record(rng: random.Random, i: int) -> dict[str, Any]:
    """A diagram record a learner could draw: every kind, random props and links, sometimes a fault list."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, str]] = []

    def add(prefix: str, kind: str, count: int, props) -> list[str]:
        ids = []
        for k in range(count):
            nid = f"{prefix}{k}"
            label = rng.choice([f"{prefix.upper()} {k}", f"Nœud {prefix}{k}", f"{kind} {k}"])
            nodes.append({"id": nid, "kind": kind, "label": label, "x": 100 * k, "y": 0, "props": props()})
            ids.append(nid)
        return ids

    clients = add("u", "client", rng.choice([0, 1, 1, 1, 2]), lambda: {"users": rng.randint(1, 4)})
    lbs = add("lb", "load_balancer", rng.choice([0, 1, 1, 2]),
              lambda: {"policy": rng.choice(["round_robin", "least_connections", "sticky"])})
    servers = add("s", "server", rng.randint(0, 4), lambda: {"auth": rng.choice(["session", "session", "jwt"])})
    redis = add("r", "redis", rng.choice([0, 0, 1, 1, 2]),
                lambda: {"persistent": rng.random() < 0.3, "replicas": rng.choice([0, 0, 1, 2])})
    pgs = add("pg", "postgres", rng.choice([0, 1]), lambda: {"replicas": rng.choice([0, 0, 1])})
    buckets = add("os", "object_storage", rng.choice([0, 1]), lambda: {})

    def link(a: str, b: str) -> None:
        edges.append({"source": a, "target": b} if rng.random() < 0.8 else {"source": b, "target": a})

    for c in clients:
        for target in rng.sample(lbs + servers, min(len(lbs + servers), rng.choice([0, 1, 1, 1, 2]))):
            link(c, target)
    for lb in lbs:
        for s in servers:
            if rng.random() < 0.75:
                link(lb, s)
    for s in servers:
        for group in (redis, pgs, buckets):  # a server links to at most one store of each kind
            if group and rng.random() < 0.6:
                link(s, rng.choice(group))
    record: dict[str, Any] = {"format": "statediagram", "version": 1, "title": f"Random {i}", "nodes": nodes,
                              "edges": edges}
    roll = rng.random()
    crashable = [n["id"] for n in nodes if n["kind"] != "client"]
    if roll < 0.3 and crashable:
        faults = []
        for _ in range(rng.randint(1, 4)):
            node = rng.choice(crashable)
            at = rng.choice([0, 1, 2.5, 5, 10, 12, 15, 20, 29.9, 30, 45])
            faults.append({"at": at, "node": node, "action": rng.choice(["crash", "restart", "replace"])})
        record["scenario"] = {"faults": faults, "seed": rng.randint(1, 9)}
        if rng.random() < 0.5:
            record["scenario"]["duration_s"] = rng.choice([20, 30, 40])
    elif roll < 0.5:
        record["scenario"] = {"name": rng.choice(["calm", "standard", "chaos"]), "seed": rng.randint(1, 9)}
    return record


def cases(count: int) -> Iterator[tuple[str, str]]:
    """(name, diagram file text): examples, mission starters, then ``count`` random diagrams."""
    for path in sorted((ROOT / "examples").glob("*.statediagram.json")):
        yield f"example/{path.name.removesuffix('.statediagram.json')}", path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "src/statediagram/assets/missions").glob("*.statediagram.json")):
        yield f"starter/{path.name.removesuffix('.statediagram.json')}", path.read_text(encoding="utf-8")
    rng = random.Random(SEED)
    for i in range(count):
        yield f"random/{i:03d}", json.dumps(random_record(rng, i), ensure_ascii=False)


# --- what is digested ------------------------------------------------------------------------------------


def _cli(argv: list[str]) -> str:
    from statediagram.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(argv)
    return out.getvalue()


def cause_fields(cause: Any) -> list[Any] | None:
    """A cause as plain values, the same before and after causes became typed."""
    if cause is None:
        return None
    if isinstance(cause, tuple):
        return list(cause)
    return list(cause.fields())


def store_contents(engine) -> dict[str, Any]:
    """What every store and server holds at the end of a run, as the inspectors may show it."""
    from statediagram.core.catalog import OBJECT_STORAGE, POSTGRES, REDIS

    out: dict[str, Any] = {}
    for sid, st in sorted(engine.stores.items()):
        store = st.store
        if st.kind == REDIS:
            out[sid] = [[e.key, e.value] for e in store.entries(engine.now)]  # the TTLs are in the trace's times
        elif st.kind == POSTGRES:
            out[sid] = [list(row) for row in store.rows()]
        elif st.kind == OBJECT_STORAGE:
            out[sid] = [[f.name, f.data.hex()] for f in store.files()]
    for sid, srv in sorted(engine.servers.items()):  # read through the servers' snapshots, each in its own order
        out[sid] = {"sessions": [(s.sid, s.user) for s in srv.sessions()],
                    "carts": [(c.user, list(c.items)) for c in srv.carts()],
                    "disk": [[f.name, f.data.hex()] for f in srv.disk.files()]}
    return out


def trace_of(diagram, scenario: str | None, journey: str) -> tuple[Any, Any]:
    """(the replay's trace as plain values, the words the app shows for its failures)."""
    from statediagram.core.topology import state_homes
    from statediagram.sim.replay import Replay, RunSetup
    from statediagram.sim.report import report_json

    replay = Replay(RunSetup(diagram, scenario, journey))
    try:
        replay.run_to_end()
        requests = [[r.id, r.user.id, r.action, r.t_send, r.entry, r.lb, r.server, r.t_lb, r.t_server, r.t_done,
                     r.t_reply, r.outcome, r.status, cause_fields(r.cause), r.calls, r.credential,
                     sorted(r.shown.items()) if r.shown is not None else None] for r in replay.requests]
        report = replay.report
        trace = {"requests": requests, "events": replay.engine.events, "snapshots": replay.snapshots,
                 "report": report_json(report),
                 "stores": store_contents(replay.engine)}
        say, badge, where = _words_functions()
        homes = state_homes(diagram)
        words = [[r.id, say(r, replay.labels, homes), badge(r.outcome, r.status, r.cause, replay.labels), where(r)]
                 for r in replay.requests if r.outcome not in (None, "ok")]
        return trace, words
    finally:
        replay.close()


def _words_functions():
    """The app's sentences about one failed request: (narration, badge text, badge node)."""
    from statediagram.sim.wording import badge_node, badge_text, narrate

    return narrate, badge_text, badge_node


def digest(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]  # 64 bits: no accidental match among a few thousand


def record_case(name: str, text: str, folder: Path) -> dict[str, dict[str, str]]:
    """Every digest of one diagram: each scenario x journey, and for examples and starters every mission."""
    from statediagram.core.fileio import parse_diagram

    path = Path(name.replace("/", "-") + ".statediagram.json")  # relative: `check` prints the path it was given
    (folder / path).write_text(text, encoding="utf-8")
    diagram = parse_diagram(text).diagram
    out: dict[str, dict[str, str]] = {}
    for scenario in SCENARIOS:
        for journey in JOURNEYS:
            args = [str(path), "--journey", journey] + (["--scenario", scenario] if scenario else [])
            trace, words = trace_of(diagram, scenario, journey)
            out[f"{name}/{scenario or 'file'}/{journey}"] = {
                "report": digest(_cli(["simulate", "--json", *args])),
                "text": digest(_cli(["simulate", *args])),
                "trace": digest(trace),
                "words": digest(words),
            }
    if not name.startswith("random/"):
        from statediagram.missions import list_missions

        for mission in list_missions():
            out[f"{name}/check/{mission.id}"] = {"check": digest(_cli(["check", str(path), "--mission", mission.id,
                                                                       "--json"]))}
    return out


def record_all(count: int, sample: int | None = None, progress: bool = False,
               only: tuple[str, ...] = ()) -> dict[str, dict[str, str]]:
    """Digests of every case (or of every ``sample``-th diagram, the examples and starters always; or of the
    diagrams whose name starts with one of ``only``)."""
    out: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        for k, (name, text) in enumerate(cases(count)):
            if sample and name.startswith("random/") and k % sample:
                continue
            if only and not name.startswith(only):
                continue
            out.update(record_case(name, text, Path(tmp)))
            if progress and k % 25 == 0:
                print(f"  {k} diagrams...", file=sys.stderr)
    return out


# --- comparing -------------------------------------------------------------------------------------------


def load_digests() -> dict[str, Any]:
    return json.loads(DIGESTS.read_text(encoding="utf-8"))


def differences(expected: dict[str, dict[str, str]], actual: dict[str, dict[str, str]]) -> list[str]:
    """One line per case whose digests differ, naming the parts that changed; cases not run are skipped."""
    out = []
    for case, parts in actual.items():
        before = expected.get(case)
        if before is None:
            out.append(f"{case}: new case")
            continue
        changed = [p for p in sorted(set(parts) | set(before)) if parts.get(p) != before.get(p)]
        if changed:
            out.append(f"{case}: {', '.join(changed)} changed")
    return out


def _one_case_a_line(data: dict[str, Any]) -> str:
    """The digests file with one case a line, so a diff names the cases that changed."""
    head = {k: v for k, v in data.items() if k != "cases"}
    lines = [f"{json.dumps(c)}: {json.dumps(d, sort_keys=True)}" for c, d in sorted(data["cases"].items())]
    return json.dumps(head)[:-1] + ', "cases": {\n' + ",\n".join(lines) + "\n}}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="rewrite the committed digests")
    parser.add_argument("--random", type=int, default=RANDOM_DIAGRAMS, metavar="N", help="random diagrams (300)")
    parser.add_argument("--sample", type=int, metavar="K", help="only every K-th random diagram")
    parser.add_argument("--only", nargs="+", default=(), metavar="PREFIX",
                        help="only the diagrams whose name starts so (e.g. example/ starter/stateless random/01)")
    args = parser.parse_args(argv)
    if args.record and (args.sample or args.random != RANDOM_DIAGRAMS):
        parser.error("--record records every case: drop --sample and --random")
    started = time.perf_counter()
    actual = record_all(args.random, args.sample, progress=True, only=tuple(args.only))
    took = time.perf_counter() - started
    if args.record:
        old = load_digests()["cases"] if DIGESTS.exists() else {}
        changed = differences(old, actual)
        if args.only:  # the other cases keep their digests
            actual = {**old, **actual}
        changed += [f"{c}: gone" for c in old if c not in actual]
        data = {"format": FORMAT, "seed": SEED, "random_diagrams": args.random, "cases": actual}
        DIGESTS.write_text(_one_case_a_line(data), encoding="utf-8")
        print(f"recorded {len(actual)} cases in {took:.0f} s; {len(changed)} changed")
        for line in changed:
            print("  " + line)
        return 0
    diffs = differences(load_digests()["cases"], actual)
    print(f"{len(actual)} cases in {took:.0f} s: {'all the same' if not diffs else f'{len(diffs)} differ'}")
    for line in diffs:
        print("  " + line)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
