"""What a node holds at a moment of a run (the inspector's table), read in a child process of its own.

A store's keys, rows or files and a server's own RAM and disk are known only to an engine stopped at that moment:
the table comes from a fresh engine of the same run worked out to it (the engine is deterministic, so it holds
exactly what the run's engine held then). That takes 60-120 ms on the lesson's run and seconds late in a
10-minute run; on the window's thread it stopped the window for as long each time the play head moved with a
node inspected. A child (``python -m statediagram.sim.child_run``, job "tables") does it instead, keeps the
engine it stopped for the next question (a later moment of the same run goes on from there), and answers only
the newest question when several are waiting.

Qt-free; times are integer microseconds of simulated time.
"""

from __future__ import annotations

import subprocess
from typing import BinaryIO, NamedTuple

from .child_run import SPARES, Inbox, give_job, newest_question, send, stop_child_soon
from .engine import Engine
from .replay import RunSetup, engine_at
from .stores import Seen


class Table(NamedTuple):
    """What one node held at one moment."""

    what: str  # the kind's own words for what it holds (and a server's figures)
    headers: list[str]
    rows: list[list[str]]
    up: bool


def node_table(engine: Engine, node: str, t: int, labels: dict[str, str]) -> Table:
    """The table of ``node`` from ``engine`` stopped at ``t`` (the kind's own table)."""
    seen = Seen(t, labels)
    if node in engine.stores:
        st = engine.stores[node]
        what, headers, rows = st.store.table(seen)
        return Table(what, list(headers), [list(r) for r in rows], st.up)
    what, headers, rows = engine.servers[node].table(seen)
    return Table(what, list(headers), [list(r) for r in rows], engine.servers[node].up)


def serve(inbox: Inbox, out: BinaryIO) -> None:
    """The child's side: ("setup", setup, labels) sets the run; ("table", n, node, t) is answered with
    ("table", n, Table) or ("table", n, error words). Only the newest waiting question is answered."""
    setup: RunSetup | None = None
    labels: dict[str, str] = {}
    engine: Engine | None = None
    stopped_at = 0  # where the kept engine was stopped
    runs: list[tuple] = []  # ("setup", setup, labels) told since the last question: another run
    while (asked := newest_question(inbox, "table", runs.append)) is not None:
        if runs:
            _setup, setup, labels = runs[-1]
            runs.clear()
            if engine is not None:
                engine.close()
            engine = None
        n, node, t = asked
        try:
            if engine is None or t < stopped_at:
                if engine is not None:
                    engine.close()
                engine = engine_at(setup, t)
            else:
                engine.run_until(t)  # the same run goes on: what it holds at t is what a fresh one would
            stopped_at = t
            send(out, ("table", n, node_table(engine, node, t, labels)))
        except BrokenPipeError:
            raise
        except Exception as exc:  # noqa: BLE001 - the words go back to the app, which shows them
            send(out, ("table", n, str(exc) or type(exc).__name__))


class TableReader:
    """The app's side: asks a child for tables, never waiting for it. ``ask`` returns the question's number;
    ``answer`` gives (number, Table or error words) of the newest answer come in, or None."""

    def __init__(self) -> None:
        self._child: subprocess.Popen | None = None
        self._inbox: Inbox | None = None
        self._setup: RunSetup | None = None
        self.asked = 0

    def ask(self, setup: RunSetup, node: str, t: int, labels: dict[str, str]) -> int:
        if self._child is None or self._child.poll() is not None:
            self.close()
            self._child = SPARES.take()
            self._outbox = give_job(self._child, ("tables",), more=True)
            self._inbox = Inbox(self._child.stdout)
            self._setup = None
        if setup is not self._setup:
            self._outbox.send(("setup", setup, dict(labels)))
            self._setup = setup
        self.asked += 1
        self._outbox.send(("table", self.asked, node, t))
        return self.asked

    def answer(self) -> tuple[int, Table | str] | None:
        if self._inbox is None:
            return None
        self._outbox.flush()
        self._inbox.read()
        newest = None
        while (message := self._inbox.take()) is not None:
            if message[0] == "table":
                newest = (message[1], message[2])
        if newest is None and self._inbox.ended:
            self.close()
            return (self.asked, "the reading stopped unexpectedly")
        return newest

    def close(self) -> None:
        if self._child is not None:
            stop_child_soon(self._child)
        self._child = self._inbox = self._setup = None
