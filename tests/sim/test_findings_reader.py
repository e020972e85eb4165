"""The design findings worked out in a child process are the findings of the diagram as it was asked about."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from child_answers import answer_to

from statediagram.core.fileio import build_diagram, load_diagram
from statediagram.core.topology import design_findings
from statediagram.sim.findings_reader import FindingsReader, diagram_of, plain_diagram

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


pytestmark = pytest.mark.usefixtures("no_spare_left")


def test_a_diagram_in_plain_form_is_the_same_diagram():
    for path in sorted(EXAMPLES.glob("*.statediagram.json")):
        d = load_diagram(path).diagram
        assert diagram_of(plain_diagram(d)) == d, path.name


def test_findings_from_the_child_are_the_diagrams_findings_as_asked_even_if_it_changes_right_after():
    d = load_diagram(EXAMPLES / "stateless-full.statediagram.json").diagram
    reader = FindingsReader()
    try:
        expected = design_findings(d)
        n = reader.ask(d)
        d.links.clear()  # an edit right after the question: the answer is for the diagram as asked
        assert answer_to(reader, n) == expected
        got = answer_to(reader, reader.ask(d))
        assert got == design_findings(d) != expected
        assert any(f.code == "load_balancer_without_servers" for f in got)
    finally:
        reader.close()


def test_a_big_diagram_goes_to_the_child_without_holding_the_asker():
    sys.path.insert(0, str(ROOT / "tests" / "hostile"))
    from corpus import many_servers

    d = build_diagram(many_servers(4000)).diagram  # its question (260 KB) is larger than a pipe holds
    reader = FindingsReader()
    try:
        started = time.perf_counter()
        n = reader.ask(d)
        asked_in = time.perf_counter() - started
        assert answer_to(reader, n) == design_findings(d)
        assert asked_in < 0.2  # the child's imports (0.6-0.8 s) or its work are not waited for
    finally:
        reader.close()


def test_only_the_newest_question_waiting_is_answered():
    record = json.loads((EXAMPLES / "stateless-full.statediagram.json").read_text("utf-8"))
    reader = FindingsReader()
    try:
        asked = []
        for i in range(20):
            record["nodes"][0]["label"] = f"Shop users {i}"  # findings name the client
            asked.append(reader.ask(build_diagram(record).diagram))
        got = answer_to(reader, asked[-1])
        assert got == design_findings(build_diagram(record).diagram)
        seen = set()
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            seen.add(reader.answer()[0])
            time.sleep(0.01)
        assert seen == {asked[-1]}  # nothing older comes after the newest
    finally:
        reader.close()


def test_a_child_that_stops_is_said_and_the_next_question_starts_another():
    d = load_diagram(EXAMPLES / "stateless-full.statediagram.json").diagram
    reader = FindingsReader()
    try:
        assert answer_to(reader, reader.ask(d)) == design_findings(d)
        child = reader._child
        os.kill(child.pid, signal.SIGSTOP)  # it cannot answer the next question before it is killed
        n = reader.ask(d)
        child.kill()
        got = answer_to(reader, n)
        assert isinstance(got, str) and "stopped unexpectedly" in got
        assert answer_to(reader, reader.ask(d)) == design_findings(d)
        assert reader._child is not child
    finally:
        reader.close()
