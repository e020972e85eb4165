"""Real processes for the nodes: started, watched, killed (SIGKILL), restarted, and always cleaned up.

Every child runs in its own session (its own process group), so a kill takes the whole group: PostgreSQL's
backends go with their postmaster. ``Supervisor`` is a context manager: leaving it (normally, on an error, on
Ctrl+C or SIGTERM turned into an exception by the caller) kills every group it started, waits for them, and
removes its temporary folder. Nothing it starts listens anywhere but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..timelimit import interrupts_deferred

LOG_TAIL = 1500  # characters of a dead child's log shown in the error
START_TIMEOUT_S = 60.0  # bound on waiting for every process to be ready (1-5 s on a quiet machine)


class ChildDied(Exception):
    """A process died by itself (not killed by the drill): the message names it and shows its log's tail."""


class StartFailed(Exception):
    """A process did not become ready in time, or could not be started."""


@dataclass
class Spec:
    """How to run one node: its command, environment, folder, and how to tell that it is ready."""

    name: str  # the safe name (layout.safe_names)
    label: str  # the learner's label, for messages only
    argv: list[str]
    ready: Callable[[], bool]
    env: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[], None] | None = None  # once, before the first start (initdb)
    wipe: Callable[[], None] | None = None  # on replace: what a new blank machine does not have
    freeze_on_crash: bool = False  # a managed store: a crash makes it unreachable (SIGSTOP), not empty
    boots_ahead: bool = False  # after a crash, start the next process at once, serving only from the restart
    # Started once every other process is ready: HAProxy counts its servers up from its start until its first
    # checks; started beside servers still booting, its readiness probe could land in that instant, and the run's
    # first users met an outage no design has (seen in CI: each of the six chat users' first connect).
    starts_last: bool = False


@dataclass
class Child:
    spec: Spec
    proc: subprocess.Popen | None = None
    expected_down: bool = False
    frozen: bool = False
    crashes: int = 0
    log: Path | None = None
    booted: subprocess.Popen | None = None  # the next process, booted ahead, waiting for its go line


OUTGOING = (32768, 60999)  # Linux's default range of ports for outgoing connections, if it cannot be read
_handed_out: set[int] = set()  # the ports this process has chosen: two nodes never get the same one
_pick = random.Random()  # not the simulation's seeded generator: a port needs no repeating


def _outgoing_range() -> tuple[int, int]:
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return low, high
    except (OSError, ValueError):
        return OUTGOING


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now, outside the range the OS hands to outgoing connections, and not
    chosen before by this process. The OS's own pick (a port 0 bind) comes from that range: between the choice and
    the node's own bind, a client's connection (the load generator, a store's client) could take it, and the node
    failed with "address already in use" (seen once in CI: a live test's server on port 41815)."""
    low, high = _outgoing_range()
    for _ in range(500):
        port = _pick.randrange(1024, 65536)
        if low <= port <= high or port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:  # every try taken: the OS's pick, as before
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


class Supervisor:
    """Owns the run's folder and every process started for it."""

    def __init__(self, prefix: str = "statediagram-live-") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=prefix))
        os.chmod(self.dir, 0o711)  # PostgreSQL runs as an unprivileged user and must reach its own folder
        self.children: dict[str, Child] = {}
        self.extra_dirs: list[Path] = []
        self.start_s: float | None = None

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def folder(self, name: str) -> Path:
        path = self.dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def folder_for_user(self, name: str, uid: int, gid: int) -> Path:
        """A folder of the run that user ``uid`` can reach: in the run's folder when every folder above it lets
        that user through, else a folder of its own under /tmp (still removed by ``stop``)."""
        if all(passable(p, uid, gid) for p in self.dir.parents):
            return self.folder(name)
        path = Path(tempfile.mkdtemp(prefix=f"statediagram-live-{os.getpid()}-{name}-", dir="/tmp"))
        self.extra_dirs.append(path)
        return path

    # --- starting ---------------------------------------------------------------------------------

    def start_all(self, specs: list[Spec]) -> float:
        """Start every process, those that ``starts_last`` once the others are ready; returns the seconds taken."""
        t0 = time.monotonic()
        for spec in specs:
            self.children[spec.name] = Child(spec, log=self.dir / f"{spec.name}.log")
        deadline = t0 + START_TIMEOUT_S
        first = [c for c in self.children.values() if not c.spec.starts_last]
        last = [c for c in self.children.values() if c.spec.starts_last]
        for group in (first, last):
            self._start_group(group, deadline)
        self.start_s = time.monotonic() - t0
        return self.start_s

    def _start_group(self, group: list[Child], deadline: float) -> None:
        """Prepare and start the group's processes at once, then wait until each is ready."""
        def one(child: Child) -> None:
            if child.spec.prepare is not None:
                child.spec.prepare()
            self._spawn(child)

        if not group:
            return
        with ThreadPoolExecutor(max_workers=max(1, min(8, len(group)))) as pool:
            for fut in [pool.submit(one, c) for c in group]:
                fut.result()
        waiting = list(group)
        while waiting:
            self.check_children()
            waiting = [c for c in waiting if not c.spec.ready()]
            if waiting and time.monotonic() > deadline:
                names = ", ".join(c.spec.label for c in waiting)
                raise StartFailed(f"not ready after {START_TIMEOUT_S:g} s: {names}; {self._tail(waiting[0])}")
            if waiting:
                time.sleep(0.05)

    def _spawn(self, child: Child) -> None:
        if child.booted is not None:  # booted ahead after its crash: tell it to serve
            booted, child.booted = child.booted, None
            if booted.poll() is None:
                with contextlib.suppress(OSError):
                    booted.stdin.write(b"go\n")
                    booted.stdin.close()
                child.proc = booted
                child.expected_down = False
                return
        child.proc = self._popen(child, ahead=False)
        child.expected_down = False

    def _popen(self, child: Child, ahead: bool) -> subprocess.Popen:
        spec = child.spec
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(self.dir),
               "PYTHONPATH": _our_path(), **spec.env}
        if ahead:
            env["WAIT_FOR_GO"] = "1"
        with open(child.log, "ab") as log:
            try:
                return subprocess.Popen(spec.argv, env=env, cwd=self.dir,
                                        stdin=subprocess.PIPE if ahead else subprocess.DEVNULL,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            except OSError as exc:
                raise StartFailed(f"{spec.label}: cannot start {spec.argv[0]}: {exc}") from exc

    # --- the drill ----------------------------------------------------------------------------------

    def crash(self, name: str) -> None:
        """SIGKILL the node's process group (a managed store is frozen instead: unreachable, data kept)."""
        child = self.children[name]
        if child.expected_down or child.frozen:
            return
        child.crashes += 1
        if child.spec.freeze_on_crash:
            self._signal(child, signal.SIGSTOP)
            child.frozen = True
            return
        child.expected_down = True
        self._kill(child)
        if child.spec.boots_ahead:
            child.booted = self._popen(child, ahead=True)

    def restart(self, name: str) -> None:
        child = self.children[name]
        if child.frozen:
            self._signal(child, signal.SIGCONT)
            child.frozen = False
            return
        if child.expected_down:
            self._spawn(child)

    def replace(self, name: str) -> None:
        """The node comes back at once as a new blank machine."""
        child = self.children[name]
        if not child.expected_down:
            self.crash(name)
        if child.frozen:
            return self.restart(name)
        if child.spec.wipe is not None:
            child.spec.wipe()
        self._spawn(child)  # a booted-ahead process has not touched the disk yet: it finds it blank

    def wait_ready(self, name: str, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until the node's process answers; True when it does."""
        deadline = time.monotonic() + timeout
        ready = self.children[name].spec.ready
        while not ready():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def check_children(self) -> None:
        """Raise ChildDied when a process that should be running has exited."""
        for child in self.children.values():
            p = child.proc
            if p is not None and not child.expected_down and p.poll() is not None:
                raise ChildDied(f"{child.spec.label} ({child.spec.argv[0].rsplit('/', 1)[-1]}) exited by itself "
                                f"with status {p.returncode}; {self._tail(child)}")

    def crashes(self, name: str) -> int:
        return self.children[name].crashes

    # --- stopping -------------------------------------------------------------------------------------

    def _signal(self, child: Child, sig: int) -> None:
        if child.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.proc.pid, sig)

    def _kill(self, child: Child) -> None:
        if child.proc is None:
            return
        self._signal(child, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.proc.wait(timeout=5)

    def pids(self) -> list[int]:
        return [c.proc.pid for c in self.children.values() if c.proc is not None and c.proc.poll() is None]

    def stop(self) -> None:
        """Kill every process group started, wait for them, and remove the run's folder. Safe to call twice. A
        Ctrl-C or SIGTERM meanwhile is raised once this is done: a second one, or the SIGTERM ``timeout`` sends
        twice (to the command and to its process group), landed in this cleanup and left the run's folder behind
        (seen once by hand)."""
        with interrupts_deferred():
            self._stop()

    def _stop(self) -> None:
        for child in self.children.values():
            child.expected_down = True
            self._kill(child)
            if child.booted is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.booted.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.booted.wait(timeout=5)
        for child in self.children.values():
            for proc in (child.proc, child.booted):
                if proc is not None:
                    _reap_group(proc.pid)
                    if proc.stdin is not None:
                        with contextlib.suppress(OSError):
                            proc.stdin.close()
        for path in [self.dir, *self.extra_dirs]:
            shutil.rmtree(path, ignore_errors=True)

    def _tail(self, child: Child) -> str:
        try:
            text = child.log.read_text(errors="replace")[-LOG_TAIL:].strip() if child.log else ""
        except OSError:
            text = ""
        return f"the end of its log:\n{text}" if text else "it wrote nothing to its log"


def passable(folder: Path, uid: int, gid: int) -> bool:
    """Whether user ``uid`` (group ``gid``) may go through ``folder``."""
    st = folder.stat()
    if st.st_uid == uid:
        return bool(st.st_mode & 0o100)
    if st.st_gid == gid:
        return bool(st.st_mode & 0o010)
    return bool(st.st_mode & 0o001)


def _our_path() -> str:
    """PYTHONPATH for children: the folder this very statediagram package is in, first (a source tree too)."""
    here = str(Path(__file__).resolve().parents[2])
    rest = os.environ.get("PYTHONPATH", "")
    return here + (os.pathsep + rest if rest else "")


def _reap_group(pgid: int) -> None:
    """Make sure no process of the group is left (a child that escaped its parent's death, e.g. a backend)."""
    for _ in range(50):  # bounded: 50 x 20 ms
        left = [pid for pid in _group_members(pgid)]
        if not left:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        time.sleep(0.02)


def _group_members(pgid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(entry.name))
    return out
