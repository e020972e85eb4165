"""The design findings of a diagram (``core.topology.design_findings``), worked out in a child process.

The findings need networkx, and networkx alone held 20.7k of the 90k objects Python's cyclic collector tracked
in the window's process: each full collection walked them, and a full collection stops the window for as long
as it takes. A child (``python -m statediagram.sim.child_run``, job "findings") works them out instead; the
window's process never imports networkx.

The diagram goes to the child as plain data (``plain_diagram``: tuples, strings and numbers), which
pickles in a quarter of the time the diagram's own objects take (4,000 servers: 4.2 ms instead of 14.5 ms,
measured; 2,000 nodes: 1.9 ms instead of 6.3 ms), on the window's thread. Only one question is with the child at
a time, and a newer question replaces one not yet sent: only the newest waiting question is answered. The
questions are written without blocking (a big diagram's question is larger than a pipe holds, and a child still
importing or still working would hold the window's thread until it read it).

Qt-free.
"""

from __future__ import annotations

import subprocess
from typing import Any, BinaryIO

from ..core.model import Diagram, Link, Node, ScenarioSpec
from ..core.topology import Finding, design_findings
from .child_run import SPARES, Inbox, Outbox, framed, give_job, newest_question, send, stop_child

PlainDiagram = tuple[str, list[tuple[str, str, str, float, float, tuple[str, ...], tuple[Any, ...]]],
                     list[tuple[str, str, Any]], ScenarioSpec | None]


def plain_diagram(diagram: Diagram) -> PlainDiagram:
    """``diagram`` as tuples of plain values: all of it, in its order. A node's props are its names and its values,
    not its dict: a tuple holding a dict stays tracked by Python's cyclic collector, and 4,004 of the 4,000-server
    file's nodes lived long enough, asked about as it opened, to count toward a full collection."""
    return (diagram.title, [(n.id, n.kind, n.label, n.x, n.y, tuple(n.props), tuple(n.props.values()))
                            for n in diagram.nodes],
            [(lk.source, lk.target, lk.id) for lk in diagram.links], diagram.scenario)


def diagram_of(plain: PlainDiagram) -> Diagram:
    """The diagram ``plain_diagram`` gave."""
    title, nodes, links, scenario = plain
    made = [Node(node_id, kind, label, x, y, dict(zip(names, values, strict=True)))
            for node_id, kind, label, x, y, names, values in nodes]
    return Diagram(title, made, [Link(*lk) for lk in links], scenario)


def serve(inbox: Inbox, out: BinaryIO) -> None:
    """The child's side: ("findings", n, plain diagram) is answered with ("findings", n, list of Finding) or
    ("findings", n, error words). Only the newest waiting question is answered."""
    while (asked := newest_question(inbox, "findings")) is not None:
        n, plain = asked
        try:
            diagram = diagram_of(plain)
            send(out, ("findings", n, design_findings(diagram) if diagram.nodes else []))
        except BrokenPipeError:
            raise
        except Exception as exc:  # noqa: BLE001 - the words go back to the app, which shows them
            send(out, ("findings", n, str(exc) or type(exc).__name__))


class FindingsReader:
    """The app's side: asks a child for a diagram's findings, never waiting for it. ``ask`` returns the question's
    number; ``answer`` gives (number, findings or error words) of the newest answer come in, or None."""

    def __init__(self) -> None:
        self._child: subprocess.Popen | None = None
        self._inbox: Inbox | None = None
        self._outbox: Outbox | None = None  # the question being written to the child (the rest of it)
        self._next: tuple[int, bytes] | None = None  # the newest question, framed, not yet sent
        self._with_child: int | None = None  # the question the child has, not yet answered
        self._newest: tuple[int, list[Finding] | str] | None = None
        self.asked = 0

    def ask(self, diagram: Diagram) -> int:
        """Ask for ``diagram``'s findings as it is now (it is copied at once: it may change right after)."""
        self.asked += 1
        self._next = (self.asked, framed(("findings", self.asked, plain_diagram(diagram))))
        self._pump()
        return self.asked

    @property
    def waiting(self) -> bool:
        """A question is not yet answered: call ``answer`` now and then, which also writes the rest of it."""
        return self._sending or self._next is not None or self._with_child is not None

    @property
    def _sending(self) -> bool:
        return self._outbox is not None and bool(self._outbox.pending)

    def answer(self) -> tuple[int, list[Finding] | str] | None:
        if self._child is None:
            self._pump()  # a question left when a child stopped goes to another
            if self._child is None:
                return self._newest
        self._inbox.read()
        while (message := self._inbox.take()) is not None:
            if message[0] == "findings":
                self._newest = (message[1], message[2])
                if message[1] == self._with_child:
                    self._with_child = None
        if self._inbox.ended and (self._with_child is not None or self._sending):
            self._newest = (self._with_child or self.asked, "the process working out the findings stopped unexpectedly")
            self.close()  # the next question starts another child
        else:
            self._pump()
        return self._newest

    def _pump(self) -> None:
        """Write what the child may have now, as much as the pipe takes without waiting."""
        if not self._sending and self._with_child is None and self._next is not None:
            if self._child is None or self._child.poll() is not None:
                self._start()
            (self._with_child, data), self._next = self._next, None
            self._outbox.write(data)
        elif self._outbox is not None:
            self._outbox.flush()

    def _start(self) -> None:
        self.close()
        self._child = SPARES.take()
        self._outbox = give_job(self._child, ("findings",), more=True)  # the questions follow through it
        self._inbox = Inbox(self._child.stdout)

    def close(self) -> None:
        """Stop the child (a question with it is dropped; the next one starts another)."""
        if self._child is not None:
            stop_child(self._child)
        self._child = self._inbox = self._with_child = self._outbox = None
