"""The command line: the desktop app by default, subcommands for headless work.

Exit statuses follow the contract: simulate 0 survives / 1 does not / 2 unreadable; check 0 all pass /
2 any unreadable / else 1 any fails; export 0 written / 2 unreadable. Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

SUBCOMMANDS = ("simulate", "check", "export", "missions")
SCENARIOS = ("calm", "standard", "chaos")
JOURNEYS = ("sessions", "full")


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with status 2 after one clear line (argparse's own habit too)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"statediagram: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="statediagram", description="Stateless vs stateful web tiers: draw, simulate, grade.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sim = sub.add_parser("simulate", help="run the simulation and print the report")
    sim.add_argument("file")
    sim.add_argument("--scenario", choices=SCENARIOS)
    sim.add_argument("--journey", choices=JOURNEYS)
    sim.add_argument("--seed", type=int)
    sim.add_argument("--json", action="store_true", help="print the report as JSON")
    sim.add_argument("--redis-url", help="run the Redis nodes on a real server, e.g. redis://127.0.0.1:6379/0")
    chk = sub.add_parser("check", help="grade diagram files (JSON or exported PNG) against a mission")
    chk.add_argument("files", nargs="+", metavar="FILE")
    chk.add_argument("--mission", required=True)
    fmt = chk.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    exp = sub.add_parser("export", help="render the diagram to PNG or SVG without a display")
    exp.add_argument("file")
    exp.add_argument("-o", "--output", required=True, metavar="OUT")
    exp.add_argument("--scale", type=float, default=1.0)
    exp.add_argument("--transparent", action="store_true", help="PNG with a transparent background")
    sub.add_parser("missions", help="list the missions")
    for p in (sim, chk, exp):
        p.error = parser.error  # type: ignore[method-assign]
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
        if len(argv) > 1:
            _error(f"unknown command {argv[0]!r}; use one of: {', '.join(SUBCOMMANDS)}, or give one FILE to open")
            return 2
        return _open_app(argv[0] if argv else None)
    args = build_parser().parse_args(argv)
    if args.command is None:
        return _open_app(None)
    try:
        return {"simulate": _simulate, "check": _check, "export": _export, "missions": _missions}[args.command](args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def _error(message: str) -> None:
    print(f"statediagram: {message}", file=sys.stderr)


def _load(path: str):
    """(diagram, None), or (None, why it is unreadable) after printing why to stderr."""
    from .core.fileio import DiagramError, load_diagram

    if Path(path).is_dir():
        message = f"{path}: is a folder, not a diagram file"
        _error(message)
        return None, message
    try:
        loaded = load_diagram(path)
    except DiagramError as exc:
        message = str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}"
        _error(message)
        return None, message
    for warning in loaded.warnings:
        _error(f"{path}: warning: {warning}")
    return loaded.diagram, None


def _open_app(path: str | None) -> int:
    try:
        from .gui.app import run_app
    except ImportError as exc:
        _error(f"the desktop app cannot start ({exc}); the command line works: statediagram --help")
        return 1
    return run_app(path)


def _simulate(args: argparse.Namespace) -> int:
    from .sim import simulate
    from .sim.report import format_report, report_json

    diagram, _ = _load(args.file)
    if diagram is None:
        return 2
    try:
        result = simulate(diagram, args.scenario, args.journey, args.seed, redis_url=args.redis_url)
    except ValueError as exc:
        _error(str(exc))
        return 2
    sys.stdout.write(report_json(result.report) if args.json else format_report(result.report))
    return 0 if result.survives else 1


def _check(args: argparse.Namespace) -> int:
    from .missions import check_mission, get_mission

    try:
        mission = get_mission(args.mission)
    except KeyError as exc:
        _error(exc.args[0])
        return 2
    rows: list[dict[str, Any]] = []
    for path in args.files:
        diagram, error = _load(path)
        if diagram is None:
            rows.append({"file": path, "mission": mission.id, "passed": False, "reasons": [], "error": error})
            continue
        result = check_mission(mission, diagram)
        rows.append({"file": path, "mission": mission.id, "passed": result.passed, "reasons": result.reasons,
                     "report": result.report})
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif args.csv:
        sys.stdout.write(_csv(rows))
    else:
        sys.stdout.write(_human(rows, mission.title))
    if any("error" in r for r in rows):
        return 2
    return 0 if all(r["passed"] for r in rows) else 1


CSV_TOTALS = ("requests", "ok", "lost_sessions", "lost_files", "lost_data", "outages", "failover_errors")


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "mission", "passed", "survives", *CSV_TOTALS, "reasons", "error"])
    for r in rows:
        report = r.get("report") or {}
        totals = report.get("totals", {})
        writer.writerow([r["file"], r["mission"], "yes" if r["passed"] else "no",
                         "" if not report else ("yes" if report["survives"] else "no"),
                         *[totals.get(k, "") for k in CSV_TOTALS], "; ".join(r["reasons"]), r.get("error", "")])
    return out.getvalue()


def _human(rows: list[dict[str, Any]], title: str) -> str:
    lines = []
    for r in rows:
        if "error" in r:
            lines.append(f"UNREADABLE  {r['error']}")
        elif r["passed"]:
            lines.append(f"PASS  {r['file']}")
        else:
            lines.append(f"FAIL  {r['file']}: {r['reasons'][0]}")
            lines += [f"        {reason}" for reason in r["reasons"][1:]]
    passed = sum(1 for r in rows if r["passed"])
    unreadable = sum(1 for r in rows if "error" in r)
    summary = f"{passed} of {len(rows)} passed the mission \"{title}\""
    if unreadable:
        summary += f", {unreadable} unreadable"
    return "\n".join([*lines, summary]) + "\n"


def _export(args: argparse.Namespace) -> int:
    diagram, _ = _load(args.file)
    if diagram is None:
        return 2
    if not 0.1 <= args.scale <= 8:
        _error(f"--scale must be from 0.1 to 8, not {args.scale:g}")
        return 2
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from .gui.export import export_diagram
    except ImportError as exc:
        _error(f"export needs the desktop part of statediagram ({exc})")
        return 2
    try:
        export_diagram(diagram, Path(args.output), scale=args.scale, transparent=args.transparent)
    except (ValueError, OSError) as exc:
        _error(f"{args.output}: {exc}")
        return 2
    print(f"wrote {args.output}")
    return 0


def _missions(args: argparse.Namespace) -> int:
    from .missions import list_missions

    for m in list_missions():
        print(f"{m.id:10s} {m.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
