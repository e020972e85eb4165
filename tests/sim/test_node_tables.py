"""The inspector's tables, read in a child process, are what an engine stopped at that moment holds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from child_answers import answer_to

from statediagram.core.fileio import load_diagram
from statediagram.sim.node_tables import TableReader, node_table
from statediagram.sim.replay import RunSetup, engine_at
from statediagram.sim.scenario import SECOND

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


pytestmark = pytest.mark.usefixtures("no_spare_left")


def test_tables_read_in_a_child_match_a_fresh_engine_forward_and_back():
    d = load_diagram(EXAMPLES / "stateless-full.statediagram.json").diagram
    setup = RunSetup(d, hand_faults=[(4 * SECOND, "a", "crash")])
    labels = {n.id: n.label for n in d.nodes}
    reader = TableReader()
    try:
        # forward (the child goes on with the engine it kept), then back (a fresh engine), across the crash
        for node, t in [("redis", 2 * SECOND), ("redis", 3_500_000), ("a", 5 * SECOND), ("redis", 6 * SECOND),
                        ("redis", 1 * SECOND), ("b", 9 * SECOND)]:
            got = answer_to(reader, reader.ask(setup, node, t, labels))
            engine = engine_at(setup, t)
            try:
                assert got == node_table(engine, node, t, labels), (node, t)
            finally:
                engine.close()
        down = answer_to(reader, reader.ask(setup, "a", 4_500_000, labels))  # crashed by hand at 4 s
        assert down.up is False and down.what.startswith("DOWN")
    finally:
        reader.close()


def test_only_the_newest_question_waiting_is_answered():
    d = load_diagram(EXAMPLES / "stateless-full.statediagram.json").diagram
    setup = RunSetup(d)
    labels = {n.id: n.label for n in d.nodes}
    reader = TableReader()
    try:
        asked = [reader.ask(setup, "redis", t * SECOND, labels) for t in range(1, 30)]
        got = answer_to(reader, asked[-1])
        assert got.what
        time.sleep(0.3)
        assert reader.answer() is None  # nothing older comes after the newest
    finally:
        reader.close()
