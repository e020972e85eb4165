"""A replay whose engine runs in a child process: the app's runs, worked ahead beside the window.

The window's process keeps the run's index (``sim.replay.Replay``: what the player, the canvas and the panels
read); the engine, its stores and the libraries behind them (fakeredis, redis, PyJWT) live in a child process
(``python -m statediagram.sim.child_run``), which works the run out as fast as the app reads it and sends each
step's ``News`` back. Why: CPython's full garbage collections stop the window for as long as they take, which
grows with every object the window's process tracks. The engine made and kept its objects there, and the
libraries alone held 28k of the window's 90k (about 15 ms of CPU a collection on the 2-core machine).

A child is started before it is needed (``Spares``): its interpreter and imports take 0.6-0.8 s, which the first
frame of a run must not wait for. Only plain data crosses: the setup going in, pickled on stdin; messages coming
out on stdout, each a pickle after its length (4 bytes, big-endian). The child stops when it has sent the run's
end, when its stdin or stdout closes (the app went away), or when the app kills it (the run was dropped).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import select
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .ahead import Ahead
from .replay import Replay, RunSetup


def framed(message: tuple) -> bytes:
    """A message as it crosses a pipe: its pickle, after its length (4 bytes, big-endian)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return struct.pack(">I", len(data)) + data


def send(out: BinaryIO, message: tuple) -> None:
    """One message to the other end, waiting until the pipe has taken it (for a child; the app uses ``Outbox``)."""
    out.write(framed(message))
    out.flush()


class Outbox:
    """Messages to a child, written without waiting: what the pipe does not take now is written by later
    ``flush`` calls (the reader's polls). Why: a pipe holds 64 KB, and a big diagram's setup is more; a child still
    loading its libraries, or busy at nice 10, reads nothing meanwhile, and a blocking write held the window's
    thread until it did (up to the child's 0.6-0.8 s of imports)."""

    def __init__(self, child: subprocess.Popen) -> None:
        self.stream = child.stdin
        os.set_blocking(self.stream.fileno(), False)
        self.pending = bytearray()
        self.last = False  # the stream is closed once everything is written

    def send(self, message: tuple, last: bool = False) -> None:
        """``message`` framed as ``next_message`` reads it (``framed``); ``last``: the stream ends after it."""
        self.write(framed(message), last)

    def write(self, data: bytes, last: bool = False) -> None:
        """``data`` as the child reads it: framed by ``framed`` (a message framed ahead), or a pickle alone for a
        child that reads one (``progress.in_child_process``). As much as the pipe takes is written now."""
        self.pending += data
        self.last = last
        self.flush()

    def flush(self) -> None:
        """Write what the pipe takes now. A child gone is not an error here: its reader sees its output end."""
        stream = self.stream
        if stream.closed:
            return
        try:
            while self.pending:
                written = os.write(stream.fileno(), self.pending)
                del self.pending[:written]
            if self.last:
                stream.close()
        except BlockingIOError:
            return
        except OSError:
            self.pending.clear()
            with contextlib.suppress(OSError):
                stream.close()


class Inbox:
    """Messages from the other end of a pipe (a child's stdout, or the child's stdin), read without blocking; framed
    as ``send`` writes them."""

    def __init__(self, stream: BinaryIO) -> None:
        self.fd = stream.fileno()
        os.set_blocking(self.fd, False)
        self.buffer = bytearray()
        self.ended = False  # the child closed its end

    def read(self, wait_s: float = 0.0) -> None:
        """Take what the child has written (waiting up to ``wait_s`` for something when nothing is there)."""
        if wait_s > 0 and not self.ended:
            select.select([self.fd], [], [], wait_s)
        for _ in range(64):  # at most 4 MB a call: a child faster than the app is held back by the pipe
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            if not chunk:
                self.ended = True
                return
            self.buffer += chunk

    def take(self) -> tuple | None:
        """The next whole message, or None."""
        if len(self.buffer) < 4:
            return None
        size = struct.unpack_from(">I", self.buffer)[0]
        if len(self.buffer) < 4 + size:
            return None
        message = pickle.loads(self.buffer[4 : 4 + size])  # from a child this app started, nothing else
        del self.buffer[: 4 + size]
        return message


def start_child(module: str) -> subprocess.Popen:
    """``python -m module`` of this very statediagram, whatever the child's path; its stderr is dropped."""
    _ENDED[:] = [ended for ended in _ENDED if ended.poll() is None]  # reaps those gone (never waits)
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p))
    return subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)


def give_job(child: subprocess.Popen, job: tuple, more: bool = False) -> Outbox:
    """Send a child started ahead its job; its stdin is closed after it unless ``more`` is to come. What the pipe
    does not take at once is written by the returned outbox's ``flush``."""
    outbox = Outbox(child)
    outbox.send(job, last=not more)
    return outbox


def kill_child(child: subprocess.Popen) -> None:
    """Kill ``child`` (if it still runs) and close the app's ends of its pipes."""
    if child.poll() is None:
        child.kill()
    for stream in (child.stdin, child.stdout):
        if stream is not None and not stream.closed:
            with contextlib.suppress(OSError):  # a pipe the killed child left half-written
                stream.close()


def stop_child(child: subprocess.Popen) -> None:
    """Kill ``child`` (if it still runs) and reap it; closes the app's ends of its pipes."""
    kill_child(child)
    child.wait()


# Children killed by stop_child_soon and not yet reaped: each is looked at (without waiting) when the next starts.
_ENDED: list[subprocess.Popen] = []


def stop_child_soon(child: subprocess.Popen) -> None:
    """As :func:`stop_child`, without waiting for the child to go (for the GUI thread: waiting for a child that
    had just answered held it 6-43 ms, its memory torn down; a thread to wait for it took 3-9 ms to start, on the
    busy 2-core machine). It is reaped when a later child starts; until then it is a zombie, which holds no memory."""
    kill_child(child)
    _ENDED.append(child)


class Spares:
    """One child started ahead, its imports done, waiting for a run: taken by the next run, which starts the
    next spare at once."""

    def __init__(self) -> None:
        self._spare: subprocess.Popen | None = None

    def prepare(self) -> None:
        if self._spare is None or self._spare.poll() is not None:
            self._spare = start_child(__name__)

    def take(self) -> subprocess.Popen:
        self.prepare()
        child, self._spare = self._spare, None
        self.prepare()
        return child

    def drop(self) -> None:
        """Stop the waiting child (the app is closing, or a test is done)."""
        if self._spare is not None:
            stop_child(self._spare)
            self._spare = None


SPARES = Spares()


class ChildReplay(Replay):
    """A replay (``sim.replay.Replay``: the same index, the same answers) whose engine runs in a child process.

    Until the child has told the run's facts (``ready``), the index is empty and the horizon 0; ``advance`` takes
    the child's news within its budget, waiting idle for more within it unless told not to.
    """

    def __init__(self, setup: RunSetup, shown_trip_us: int = 0) -> None:
        # Not Replay.__init__: the engine is the child's; the index is made when the child tells the run's facts.
        self.setup = setup
        self.shown_trip_us = shown_trip_us
        self.plan = setup.plan()
        self.end = self.plan.duration_us
        self.ahead = None
        self.report = None
        self.closed = False
        self.ready = False
        self.snapshots = []
        self._child = SPARES.take()
        self._outbox = give_job(self._child, ("run", setup))
        self._inbox = Inbox(self._child.stdout)

    def wait_ready(self, timeout_s: float = 10.0) -> None:
        """Until the child has told the run's facts (the run's first frame needs its nodes)."""
        if not self.poll_ready(timeout_s):
            raise RuntimeError("the simulation did not start")

    def poll_ready(self, wait_s: float = 0.0) -> bool:
        """Whether the child has told the run's facts, waiting up to ``wait_s`` for them; raises ``RuntimeError``
        when the child stopped or failed first."""
        deadline = time.perf_counter() + wait_s
        while not self.ready:
            self._take_messages(min(deadline, time.perf_counter() + 0.05), wait=True)
            if time.perf_counter() >= deadline:
                break
        return self.ready

    def advance(self, until_us: int | None = None, budget_s: float = 0.015, wait: bool = True) -> bool:
        goal = self.end if until_us is None else min(until_us, self.end)
        deadline = time.perf_counter() + budget_s
        while not (self.ready and self._reached(goal)):
            if not self._take_messages(deadline, wait) or time.perf_counter() >= deadline:
                break
        return self.ready and self._reached(goal)

    def _take_messages(self, deadline: float, wait: bool) -> bool:
        """Index the child's messages until ``deadline``; False when none was there (and none came in time)."""
        if self.closed:
            return False
        self._outbox.flush()  # the rest of a big setup the child could not take yet
        inbox = self._inbox
        message = inbox.take()
        if message is None:
            inbox.read(max(0.0, deadline - time.perf_counter()) if wait else 0.0)
            message = inbox.take()
            if message is None:
                if inbox.ended:
                    raise RuntimeError(f"the simulation stopped unexpectedly (exit status {self._child.poll()})")
                return False
        while message is not None:
            kind = message[0]
            if kind == "news":
                self._take(message[1])
            elif kind == "facts":
                self._begin(*message[1:])
                self.ready = True
            elif kind == "error":
                raise RuntimeError(message[1])
            if self.finished or time.perf_counter() >= deadline:
                break
            message = inbox.take()
        return True

    def close(self) -> None:
        """Stop the child (its run is dropped with it)."""
        if not self.closed:
            self.closed = True
            stop_child_soon(self._child)  # the player drops runs on the GUI thread: it does not wait for it to go

    def release(self, count: int = 10_000) -> bool:
        return not self.ready or super().release(count)


# What the app may ask a child to do besides a run: Qt-free work on the engine, named so that only these run.
CALLS = {
    "check_mission": ("statediagram.missions", "check_mission"),  # Check mission: the mission's run and rules
    "lesson_run": ("statediagram.missions.lessonruns", "run"),  # a lesson's or quiz's run of a teacher's diagram
}


class CallWork:
    """One call (``CALLS``) done in a child started ahead: ``poll()`` is True once it answered; ``result()`` then
    gives what the call returned or raises ``RuntimeError`` with its error's words. ``close()`` stops the child."""

    def __init__(self, name: str, *args: object) -> None:
        if name not in CALLS:
            raise ValueError(f"no such call for a child: {name}")
        self._child = SPARES.take()
        self._outbox = give_job(self._child, ("call", name, args))
        self._inbox = Inbox(self._child.stdout)
        self._answer: tuple | None = None
        self._closed = False

    def poll(self, wait_s: float = 0.0) -> bool:
        if self._answer is None:
            self._outbox.flush()
            self._inbox.read(wait_s)
            self._answer = self._inbox.take()
            if self._answer is None and self._inbox.ended:
                self._answer = ("error", f"the work stopped unexpectedly (exit status {self._child.poll()})")
        return self._answer is not None

    def result(self) -> object:
        while not self.poll(0.05):
            pass
        self.close()
        kind, value = self._answer
        if kind == "error":
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            stop_child_soon(self._child)


def child_main() -> None:
    """The child process: its imports done, waits for its job on stdin (a message as ``send`` writes them).
    ("run", setup): sends ("facts", facts, extra faults, figures at 0), then a ("news", News) per step, rows for
    requests, until the news of the run's end. ("call", name, args): sends ("done", what ``CALLS[name]``
    returned). ("tables",): answers questions about what nodes hold (``sim.node_tables.serve``) until stdin
    closes. ("findings",): answers questions about a diagram's design findings (``sim.findings_reader.serve``)
    until stdin closes. On an error: ("error", message)."""
    import fakeredis  # noqa: F401 - what the engine's stores and its report need, loaded while the child waits
    import jwt  # noqa: F401
    import networkx  # noqa: F401

    out = sys.stdout.buffer
    inbox = Inbox(sys.stdin.buffer)
    # The window first: where this child and the window's thread want the same core, the window gets it (its
    # frames, 16 ms each); the child's work is ahead of what is shown. At nice 10 a child gets about a tenth of a
    # core the window wants (Linux's weights: 1024 against 110); a big file's findings at nice 0 made the
    # 4,000 servers' longest block while drawn 108 ms, at nice 10 68 ms (medians of 5, bench_open_big.py).
    os.nice(10)
    try:
        job = next_message(inbox)
        if job is None:
            return  # the app went away before it needed this child
        if job[0] == "call":
            module, name = CALLS[job[1]]
            send(out, ("done", getattr(importlib.import_module(module), name)(*job[2])))
        elif job[0] == "tables":
            from .node_tables import serve

            serve(inbox, out)
        elif job[0] == "findings":
            from .findings_reader import serve as serve_findings

            serve_findings(inbox, out)
        elif job[0] == "run":
            ahead = Ahead(job[1])
            send(out, ("facts", ahead.facts, ahead.extra_faults, ahead.first_snapshot))
            while not ahead.done:
                news = ahead.step(as_rows=True)
                if news is not None:
                    send(out, ("news", news))
    except BrokenPipeError:
        return  # the app dropped the work
    except Exception as exc:  # noqa: BLE001 - the message goes back to the app, which shows it
        send(out, ("error", str(exc) or type(exc).__name__))


def newest_question(inbox: Inbox, kind: str, told: Callable[[tuple], None] = lambda _message: None) -> tuple | None:
    """For a child answering questions: waits for a question of ``kind`` and gives the newest one sent so far (its
    fields after the kind; older ones are dropped, nobody waits for them any more), handing every other message to
    ``told`` in order. None once the app closed its end."""
    while True:
        inbox.read()  # every message already sent, so that only the newest question is answered
        asked = None
        while (message := inbox.take()) is not None:
            if message[0] == kind:
                asked = message[1:]
            else:
                told(message)
        if asked is not None:
            return asked
        if inbox.ended:
            return None
        inbox.read(wait_s=60.0)


def next_message(inbox: Inbox) -> tuple | None:
    """The next message from the app, waiting for it; None once the app closed its end."""
    while True:
        message = inbox.take()
        if message is not None or inbox.ended:
            return message
        inbox.read(wait_s=60.0)


if __name__ == "__main__":
    child_main()
