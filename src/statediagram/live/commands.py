"""The ``live`` and ``deploy`` subcommands' arguments and handlers (cli.py only wires them in).

Exit statuses of ``live``: 0 the design survives, 1 it does not, 2 unreadable file, 3 live mode cannot run
here (a missing program or package, a process that would not start or died by itself), 130 after Ctrl+C and
143 after SIGTERM (cli.main turns it into an exception), once everything started was stopped and removed.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import threading

CANNOT_RUN = 3


def add_parsers(sub, scenarios: tuple[str, ...], journeys: tuple[str, ...]) -> None:
    live = sub.add_parser(
        "live", help="run the design for real: every node a real process on 127.0.0.1",
        description="Start every node as a real process on this machine (uvicorn servers, HAProxy, redis-server, "
                    "PostgreSQL, an S3 server), drive the journeys with real HTTP clients, crash nodes with "
                    "SIGKILL at the scenario's times, and print the same report as simulate. Exit status: 0 "
                    "survives, 1 does not, 2 unreadable file, 3 cannot run live here, 130/143 after Ctrl+C/SIGTERM.")
    live.add_argument("file", metavar="FILE", help="a diagram file (.statediagram.json) or an exported PNG")
    live.add_argument("--scenario", choices=scenarios, help="overrides the file's scenario")
    live.add_argument("--journey", choices=journeys, help="overrides the file's journey (default: full)")
    live.add_argument("--seed", type=int, metavar="N", help="overrides the file's seed (default: 1)")
    live.add_argument("--json", action="store_true", help="print the report as JSON (with \"mode\": \"live\")")
    live.add_argument("--speed", type=float, default=1.0, metavar="X",
                      help="run X times faster than the scenario's seconds (think times, faults, health checks); "
                           "default 1, from 0.5 to 8")
    live.add_argument("--events", action="store_true",
                      help="print one JSON line per answer and fault as they happen, then the report as the last "
                           "line; read faults to apply from stdin, one JSON line each: {\"node\": ID, \"action\": "
                           "\"crash\"} (the app's Run for real uses this)")
    live.add_argument("--redis-fallback", action="store_true",
                      help="without redis-server, run Redis nodes on fakeredis's TCP server (keeps no keys over "
                           "a crash)")
    dep = sub.add_parser(
        "deploy", help="write a deployment of the design: compose.yaml (or Kubernetes manifests)",
        description="Write compose.yaml, haproxy.cfg, a Dockerfile for the app and a README into DIR (or, with "
                    "--kubernetes, plain manifests). Exit status: 0 written, 2 unreadable file or DIR not usable.")
    dep.add_argument("file", metavar="FILE")
    dep.add_argument("-o", "--output", required=True, metavar="DIR", help="a new or empty folder")
    dep.add_argument("--kubernetes", action="store_true", help="Kubernetes manifests instead of compose")


def run_live_command(args: argparse.Namespace, diagram) -> int:
    from ..sim.report import report_json
    from ..sim.scenario import resolve
    from ..sim.wording import format_report
    from .runner import CannotRunLive, run_live

    try:
        plan = resolve(diagram, args.scenario, args.journey, args.seed)
    except ValueError as exc:
        print(f"statediagram: {exc}", file=sys.stderr)
        return 2
    on_event, commands = (_emit, _read_commands()) if args.events else (None, None)
    try:
        report = run_live(diagram, plan, speed=args.speed, redis_fallback=args.redis_fallback, on_event=on_event,
                          commands=commands)
    except CannotRunLive as exc:
        print(f"statediagram: live mode cannot run: {exc}", file=sys.stderr)
        return CANNOT_RUN
    if args.events:
        _emit({"event": "report", "report": report.to_json()})
    else:
        sys.stdout.write(report_json(report) if args.json else format_report(report))
    return 0 if report.survives else 1


MAX_COMMANDS = 200  # faults asked for by hand in one run
MAX_LINE = 1000


def _emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _read_commands() -> queue.Queue:
    """Faults asked for on stdin, one JSON line each, read by a helper thread into a queue (bounded)."""
    commands: queue.Queue = queue.Queue()

    def read() -> None:
        for n, line in enumerate(sys.stdin):
            if n >= MAX_COMMANDS:
                break
            try:
                asked = json.loads(line[:MAX_LINE])
                commands.put((str(asked["node"]), str(asked["action"])))
            except (ValueError, KeyError, TypeError):
                continue  # not a command: the run goes on

    threading.Thread(target=read, name="live-commands", daemon=True).start()
    return commands


def run_deploy_command(args: argparse.Namespace, diagram) -> int:
    from .deploy import DeployError, write_deployment

    try:
        written = write_deployment(diagram, args.output, kubernetes=args.kubernetes)
    except DeployError as exc:
        print(f"statediagram: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0
