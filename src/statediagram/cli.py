"""The command line: the desktop app by default, subcommands for headless work.

Exit statuses follow the contract: simulate 0 survives / 1 does not / 2 unreadable; check 0 all pass /
2 any unreadable / else 1 any fails; export 0 written / 2 unreadable; missions 0. One more, never a verdict:
3, the run could not finish (its real Redis went away); check gives 3 when no file is unreadable but one could
not finish, or ran longer than ``--timeout``. Ctrl-C gives 130; SIGTERM ends a command like Ctrl-C does
(exit 143), after its cleanup. Errors are one line on stderr naming the file, never a traceback; every text
from a file is printed terminal-safe (core/text.py). Heavy modules (the simulation, networkx, fakeredis, Qt) are
imported only by the command that needs them, so ``statediagram missions`` starts at once.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .check_output import check_csv, check_json, check_text, json_safe
from .core.model import JOURNEYS
from .core.text import brief, safe_lines, terminal_safe
from .termination import Terminated, on_sigterm, stop_asked
from .termination import forget as forget_sigterm
from .timelimit import RunTimedOut, interrupts_deferred, time_limit

SUBCOMMANDS = ("simulate", "check", "export", "missions", "live", "deploy")
SCENARIOS = ("calm", "standard", "chaos")
MIN_SCALE, MAX_SCALE = 0.1, 8.0
EXIT_NOT_FINISHED = 3  # the run could not finish: no verdict (0 and 1 are verdicts, 2 an unreadable file)
REDIS_URL_HELP = "run the Redis nodes on a real server, e.g. redis://127.0.0.1:6379/0"
DEFAULT_TIMEOUT_S = 60.0
INTERRUPTED = 130
TERMINATED = 128 + signal.SIGTERM


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors print the usage and one clear line, then exit with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="statediagram",
        description="Stateless vs stateful web tiers: draw, simulate, grade. Without a command, opens the "
                    "desktop app (statediagram FILE opens FILE in it).",
    )
    parser.add_argument("--version", action="version", version=f"statediagram {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sim = sub.add_parser("simulate", help="run the simulation and print the report",
                         description="Run the simulation and print the report. Exit status: 0 the design "
                                     "survives, 1 it does not, 2 the file is unreadable, 3 the run could not "
                                     "finish (its real Redis went away, or --timeout).")
    sim.add_argument("file", metavar="FILE", help="a diagram file (.statediagram.json) or an exported PNG")
    sim.add_argument("--scenario", choices=SCENARIOS, help="overrides the file's scenario (default: the file's, "
                                                           "else standard)")
    sim.add_argument("--journey", choices=JOURNEYS, help="overrides the file's journey (default: full)")
    sim.add_argument("--seed", type=int, metavar="N", help="overrides the file's seed (default: 1)")
    sim.add_argument("--json", action="store_true", help="print the report as JSON")
    sim.add_argument("--redis-url", metavar="URL", help=REDIS_URL_HELP)
    _timeout_option(sim, "the run")
    chk = sub.add_parser("check", help="grade diagram files (JSON or exported PNG) against a mission",
                         description="Grade one or many files against a mission. Exit status: 0 all pass, "
                                     "2 any file is unreadable, else 3 any run could not finish (its real "
                                     "Redis went away, or --timeout), else 1 any fails.")
    chk.add_argument("files", nargs="+", metavar="FILE")
    chk.add_argument("--mission", required=True, metavar="ID|MISSION.json",
                     help="a mission id (see: statediagram missions) or the path of a mission file")
    chk.add_argument("--redis-url", metavar="URL", help=REDIS_URL_HELP)
    fmt = chk.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON list, an object per file")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row, a row per file")
    chk.add_argument("--report", metavar="CLASS.html",
                     help="also write one HTML page for the class: a summary, then each file's verdict, reasons "
                          "and a small picture of its diagram")
    _timeout_option(chk, "each file")
    exp = sub.add_parser("export", help="render the diagram to PNG or SVG without a display",
                         description="Render the diagram to a picture. A PNG carries the diagram, so it can be "
                                     "handed in and graded. Exit status: 0 written, 2 unreadable.")
    exp.add_argument("file", metavar="FILE")
    exp.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.png or OUT.svg")
    exp.add_argument("--scale", type=float, default=1.0, metavar="N",
                     help=f"size factor, {MIN_SCALE:g} to {MAX_SCALE:g} (default 1)")
    exp.add_argument("--transparent", action="store_true", help="PNG with a transparent background")
    mis = sub.add_parser("missions", help="list the missions, or write a new mission's template",
                         description="List the mission ids and titles. With --new ID, write ID.mission.json and "
                                     "its starter ID.statediagram.json, a template a teacher fills in "
                                     "(docs/missions.md).")
    mis.add_argument("--new", metavar="ID", help="write a template for a new mission with this id")
    mis.add_argument("--dir", default=".", metavar="DIR", help="where --new writes (default: here)")
    from .live.commands import add_parsers

    add_parsers(sub, SCENARIOS, JOURNEYS)
    return parser


def _timeout_option(parser: argparse.ArgumentParser, what: str) -> None:
    def seconds(text: str) -> float:
        value = float(text)
        if not 0 <= value < 10**6:
            raise argparse.ArgumentTypeError(f"must be from 0 to 1000000 seconds, not {text}")
        return value

    parser.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT_S, metavar="S",
                        help=f"stop {what} after S seconds of wall time, reported as could not finish "
                             f"(exit status 3); 0 for no bound (default {DEFAULT_TIMEOUT_S:g})")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        return _open_app(None)
    if argv[0] not in SUBCOMMANDS and not argv[0].startswith("-"):
        if len(argv) > 1:
            _error(f"unknown command {argv[0]!r}; use one of: {', '.join(SUBCOMMANDS)}, or give one FILE to open")
            return 2
        return _open_file_in_app(argv[0])
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse has printed what to say
        return exc.code if isinstance(exc.code, int) else 2
    commands = {"simulate": _simulate, "check": _check, "export": _export, "missions": _missions, "live": _live,
                "deploy": _deploy}
    if args.command is None:
        return _open_app(None)
    forget_sigterm()
    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        status = commands[args.command](args)
        return TERMINATED if stop_asked() else status  # its Terminated was lost in a callback (termination.py)
    except BrokenPipeError:  # `statediagram check ... | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return INTERRUPTED
    except Terminated:
        return TERMINATED
    finally:
        signal.signal(signal.SIGTERM, previous)


def _error(message: str) -> None:
    """One line on stderr; whatever a file put in the message is shown, never obeyed by the terminal."""
    print(f"statediagram: {terminal_safe(message)}", file=sys.stderr)


def _write(text: str) -> None:
    """Lines on stdout, each terminal-safe (a label cannot clear the screen or set the window's title)."""
    sys.stdout.write(safe_lines(text))


def _name(path: str) -> str:
    """A file name as printed: bytes that are not UTF-8 (a name from a student's archive) and control
    characters escaped, so it always prints."""
    return brief(path, 1000)


def _unreadable(path: str, exc: Exception) -> str:
    """The message for a file that cannot be read: its name, then where in it, the rule and the fix."""
    from .core.fileio import file_where

    message = str(exc)
    return message if message.startswith(file_where(path)) else f"{_name(path)}: {message}"


def _load(path: str) -> tuple[Any, str | None]:
    """(diagram, None), or (None, why it is unreadable) after printing why to stderr. Warnings go to stderr."""
    from .core.fileio import DiagramError, load_diagram

    try:
        loaded = load_diagram(path)
    except DiagramError as exc:
        message = _unreadable(path, exc)
        _error(message)
        return None, message
    for warning in loaded.warnings:
        _error(f"{_name(path)}: warning: {warning}")
    return loaded.diagram, None


def _open_file_in_app(path: str) -> int:
    if Path(path).is_dir():
        _error(f"{_name(path)}: is a folder, not a diagram file")
        return 2
    if not Path(path).exists():
        _error(f"{_name(path)}: no such file, and no such command (commands: {', '.join(SUBCOMMANDS)})")
        return 2
    return _open_app(path)


def _open_app(path: str | None) -> int:
    try:
        from .gui.app import run_app
    except ImportError as exc:
        _error(f"the desktop app cannot start ({exc}); the command line still works: statediagram --help")
        return 1
    return run_app(path)


def _simulate(args: argparse.Namespace) -> int:
    from .core.fileio import DiagramError

    try:
        with time_limit(args.timeout):
            diagram, _ = _load(args.file)
            if diagram is None:
                return 2
            from .sim import RunCouldNotFinish, simulate
            from .sim.report import report_json
            from .sim.wording import format_report

            try:
                result = simulate(diagram, args.scenario, args.journey, args.seed, redis_url=args.redis_url)
            except DiagramError as exc:  # a run bigger than one run simulates (core/limits.py)
                _error(_unreadable(args.file, exc))
                return 2
            except ValueError as exc:  # a Redis URL that is not one
                _error(str(exc))
                return 2
            except RunCouldNotFinish as exc:
                _error(f"{_name(args.file)}: {exc}")
                return EXIT_NOT_FINISHED
    except RunTimedOut as exc:
        _error(f"{_name(args.file)}: could not finish: {exc}")
        return EXIT_NOT_FINISHED
    _write(json_safe(report_json(result.report)) if args.json else format_report(result.report))
    return 0 if result.survives else 1


def _live(args: argparse.Namespace) -> int:
    diagram, _ = _load(args.file)
    if diagram is None:
        return 2
    from .live.commands import run_live_command

    return run_live_command(args, diagram)


def _deploy(args: argparse.Namespace) -> int:
    diagram, _ = _load(args.file)
    if diagram is None:
        return 2
    from .live.commands import run_deploy_command

    return run_deploy_command(args, diagram)


def _check(args: argparse.Namespace) -> int:
    from .missions import MissionError, UnknownMission, find_mission

    try:
        loaded = find_mission(args.mission)
    except UnknownMission as exc:
        _error(f"{exc} (or give the path of a .mission.json file)")
        return 2
    except MissionError as exc:
        _error(f"mission {exc}")
        return 2
    mission = loaded.mission
    for warning in loaded.warnings:
        _error(f"{args.mission}: warning: {warning}")
    if args.report is not None and not _writable_target(args.report):
        return 2
    if args.redis_url is not None and not _redis_url_is_one(args.redis_url):
        return 2
    rows: list[dict[str, Any]] = []
    diagrams: dict[int, Any] = {}  # row index -> diagram, kept for the report's pictures
    for path in args.files:
        row, diagram = _check_one(mission, path, args)
        if diagram is not None and args.report is not None:
            diagrams[len(rows)] = diagram
        rows.append(row)
    if args.json:
        _write(check_json(rows))
    elif args.csv:
        _write(check_csv(rows))
    else:
        _write(check_text(rows, mission.id, mission.title))
    if args.report is not None:
        if not _write_report(args.report, rows, diagrams, mission):
            return 2
        if not (args.json or args.csv):
            print(f"wrote {_name(args.report)}")
    if any("error" in r for r in rows):
        return 2
    if any("not_finished" in r for r in rows):
        return EXIT_NOT_FINISHED
    return 0 if all(r["passed"] for r in rows) else 1


def _check_one(mission: Any, path: str, args: argparse.Namespace) -> tuple[dict[str, Any], Any]:
    """One file's row and its diagram (None when unreadable). The row holds its verdict and report, or "error"
    (unreadable), or "not_finished" (its run could not finish: its real Redis went away, or it ran longer than
    --timeout, so one file cannot stall a class)."""
    from .core.fileio import DiagramError
    from .missions import check_mission
    from .sim import RunCouldNotFinish

    row: dict[str, Any] = {"file": _name(path), "mission": mission.id, "passed": False, "reasons": []}
    diagram = None
    try:
        with time_limit(args.timeout):
            diagram, error = _load(path)
            if diagram is None:
                return {**row, "error": error}, None
            result = check_mission(mission, diagram, args.redis_url)
    except DiagramError as exc:  # a run bigger than one run simulates (core/limits.py)
        message = _unreadable(path, exc)
        _error(message)
        return {**row, "error": message}, diagram
    except (RunCouldNotFinish, RunTimedOut) as exc:
        message = f"{_name(path)}: {'could not finish: ' if isinstance(exc, RunTimedOut) else ''}{exc}"
        _error(message)
        return {**row, "not_finished": message}, diagram
    return {**row, "passed": result.passed, "reasons": result.reasons, "report": result.report}, diagram


def _writable_target(path: str) -> bool:
    """Whether a file can be written at ``path`` (checked before grading a class, not after)."""
    target = Path(path)
    if target.is_dir():
        _error(f"{path}: is a folder; give the name of the HTML file to write")
        return False
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        _error(f"{path}: the folder {folder} does not exist")
        return False
    return True


REPORT_MAX_NODES = 400  # a bigger design is not drawn in the report: each picture must stay a few milliseconds


def _write_report(path: str, rows: list[dict[str, Any]], diagrams: dict[int, Any], mission: Any) -> bool:
    """Write the class report (pictures drawn offscreen, like export); False after saying why it failed."""
    from .classreport import html_report
    from .core.fileio import atomic_write

    pictures: dict[int, bytes | None] = {}
    note = ""
    try:
        from .gui.files.export import thumbnail_png
    except ImportError as exc:
        note = f"No pictures: drawing them needs the desktop part of statediagram (PySide6), which cannot load: {exc}"
    else:
        for i, diagram in diagrams.items():
            if len(diagram.nodes) <= REPORT_MAX_NODES:
                pictures[i] = thumbnail_png(diagram)
        if any(len(d.nodes) > REPORT_MAX_NODES for d in diagrams.values()):
            note = f"Designs with more than {REPORT_MAX_NODES} nodes are not drawn here (open them in the app)."
    page = html_report(rows, mission.id, mission.title, pictures, note)
    try:
        atomic_write(Path(path), page.encode("utf-8"))
    except OSError as exc:
        _error(f"{path}: cannot write the report ({exc.strerror or exc})")
        return False
    return True


def _redis_url_is_one(url: str) -> bool:
    """False, after saying why, for a --redis-url that is not a Redis URL (a server that is not there is fine
    here: each file's run then could not finish)."""
    from .sim import RunCouldNotFinish
    from .sim.realredis import check_url

    try:
        check_url(url)
    except ValueError as exc:
        _error(str(exc))
        return False
    except RunCouldNotFinish:
        pass
    return True


def _export(args: argparse.Namespace) -> int:
    diagram, _ = _load(args.file)
    if diagram is None:
        return 2
    if not MIN_SCALE <= args.scale <= MAX_SCALE:
        _error(f"--scale must be from {MIN_SCALE:g} to {MAX_SCALE:g}, not {args.scale:g}")
        return 2
    if Path(args.output).suffix.lower() not in (".png", ".svg"):
        _error(f"{_name(args.output)}: the picture must end in .png or .svg")
        return 2
    try:
        from .gui.files.export import MAX_PIXELS, MAX_SIDE, picture_bytes
    except ImportError as exc:
        _error(f"export needs the desktop part of statediagram (PySide6), which cannot load: {exc}")
        return 2
    from .core.fileio import atomic_write

    # Ctrl-C while Qt paints only sets a flag (raised inside a C++ paint call it crashed the process); the
    # export stops between steps, before anything is written, and main() answers 130.
    with interrupts_deferred() as interrupts:
        try:
            data, scale = picture_bytes(diagram, args.output, args.scale, args.transparent)
            interrupts.stop_if_requested()
            atomic_write(Path(args.output), data)
        except (ValueError, OSError) as exc:
            _error(f"{_name(args.output)}: cannot write the picture ({exc})")
            return 2
    if scale < args.scale:
        _error(f"{_name(args.output)}: note: drawn at scale {scale:.3g}, not {args.scale:g}: a picture has at most "
               f"{MAX_PIXELS // 1_000_000} megapixels and {MAX_SIDE:,} pixels a side, and this diagram spans a "
               "large canvas")
    print(f"wrote {_name(args.output)}")
    return 0


def _missions(args: argparse.Namespace) -> int:
    from .missions import MissionError, get_mission, list_missions

    if args.new is not None:
        from .missions.files import write_template

        try:
            paths = write_template(args.new, Path(args.dir), get_mission("stateless").load_starter())
        except MissionError as exc:
            _error(str(exc))
            return 2
        except OSError as exc:
            _error(f"{args.dir}: cannot write the template ({exc.strerror or exc})")
            return 2
        for p in paths:
            print(f"wrote {_name(str(p))}")
        print(f"Edit both (docs/missions.md lists the rules), then: statediagram check FILE --mission "
              f"{_name(str(paths[0]))}")
        return 0
    missions = list_missions()
    width = max(len(m.id) for m in missions)
    for m in missions:
        print(terminal_safe(f"{m.id:{width}s}  {m.title}"))  # a mission file is a teacher's: shown, not obeyed
    return 0


if __name__ == "__main__":
    sys.exit(main())
