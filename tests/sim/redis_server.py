"""A redis-server of the test's own on a free loopback port, to kill, pause and restart mid-run."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PASSWORD = "hunter2-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """One redis-server process; ``appendonly`` keeps its keys over a kill -9 and restart, as a teacher's might."""

    def __init__(self, folder: Path, appendonly: bool = False) -> None:
        self.folder = folder
        self.port = free_port()
        self.appendonly = appendonly
        self.url = f"redis://:{PASSWORD}@127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir",
                str(self.folder), "--requirepass", PASSWORD]
        args += ["--appendonly", "yes", "--appendfsync", "always"] if self.appendonly else ["--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.client().ping()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def client(self):
        import redis

        return redis.Redis(port=self.port, password=PASSWORD, socket_timeout=2)

    def our_keys(self) -> list[bytes]:
        return list(self.client().scan_iter(match="statediagram:*"))

    def wait_for_keys(self, timeout_s: float = 20) -> None:
        """Until the run under test has written something: a crash then lands mid-run, whatever the machine's speed."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if len(self.our_keys()) > 5:
                return
            time.sleep(0.02)
        raise AssertionError("the run never wrote to Redis")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(10)


def have_redis_server() -> bool:
    return shutil.which("redis-server") is not None
