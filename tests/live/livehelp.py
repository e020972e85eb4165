"""Helpers for tests that run ``statediagram live`` as a real command and look for what it leaves behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MISSIONS = ROOT / "src" / "statediagram" / "assets" / "missions"


def have_postgres() -> bool:
    from statediagram.live.services import find_postgres_bin

    return find_postgres_bin("initdb") is not None and find_postgres_bin("postgres") is not None


def have_live() -> bool:
    from statediagram.live import missing_modules

    return not missing_modules() and shutil.which("haproxy") is not None and shutil.which("redis-server") is not None


needs_live = pytest.mark.skipif(
    not have_live(), reason="live mode needs its extra (pip install 'statediagram[live]'), haproxy and redis-server")


def live_env(tmp: Path, path: str | None = None) -> dict[str, str]:
    tmp.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    if path is not None:
        env["PATH"] = path
    return env


def start_live(args: list[str], tmp: Path, path: str | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "statediagram", "live", *args], env=live_env(tmp, path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def wait_started(proc: subprocess.Popen, timeout: float = 60) -> str:
    """Read the command's stderr until it says every process started; returns what it said."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("started "):
            return "".join(seen)
    proc.kill()
    raise AssertionError("live did not say it started: " + "".join(seen))


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children run in their own sessions, but their parent is still ``pid``)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out += kids
        todo += kids
    return out


def listening_ports(pids: list[int]) -> set[int]:
    """The TCP ports the given processes listen on (from /proc: their sockets' inodes in /proc/net/tcp)."""
    inodes = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and parts[9] in inodes:  # 0A: LISTEN
                ports.add(int(parts[1].rsplit(":", 1)[1], 16))
    return ports


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def port_listening(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


def assert_nothing_left(pids: list[int], ports: set[int], tmp: Path) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    assert [p for p in pids if alive(p)] == [], "processes left running"
    assert [p for p in ports if port_listening(p)] == [], "ports still open"
    assert sorted(x.name for x in tmp.iterdir()) == [], "temporary folders left"


def interrupt(proc: subprocess.Popen, sig: int = signal.SIGINT) -> None:
    proc.send_signal(sig)
