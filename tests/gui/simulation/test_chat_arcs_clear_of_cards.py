"""A chat run's connection arcs never run over a card: they follow the routed links the connection came through
(room, load balancer, server), so the load balancer's card and any card between a room and its server stay clear,
from the first connect to the end, through the crash drill's drops and reconnects."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QLineF
from simgui import run_to, show_diagram

from statediagram.core import Diagram, Link, Node, ScenarioSpec, load_diagram
from statediagram.core.routes import segment_crosses
from statediagram.sim.scenario import SECOND

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def straight_past_a_card():
    """Two rooms: one through a load balancer, one linked straight to its server with Redis in the way."""
    d = load_diagram(EXAMPLES / "chat-redis.statediagram.json").diagram.copy()
    d.nodes.append(Node("hall", "client", "Hall", 300, 420, {"users": 4}))
    d.nodes.append(Node("c", "websocket_server", "Chat C", 900, 420))
    d.nodes.append(Node("cache", "redis", "Cache", 600, 420))  # on the straight way from the hall to Chat C
    d.links += [Link("hall", "c"), Link("c", "redis")]
    d.scenario = ScenarioSpec(name="standard", journey="chat", seed=1)
    return d


def two_columns():
    """The benchmark's chat drill, smaller: two rooms, a load balancer, six websocket servers in two columns (a
    straight arc to the far column passes over the near one's cards) sharing one Redis."""
    d = Diagram(title="two columns")
    d.nodes += [Node("lb", "load_balancer", "LB", 300, 300), Node("redis", "redis", "Redis", 1100, 300)]
    for r in range(2):
        d.nodes.append(Node(f"room{r}", "client", f"Room {r}", 0, 300 * r + 150, {"users": 12}))
        d.links.append(Link(f"room{r}", "lb"))
    for i in range(6):
        sid = f"w{i}"
        d.nodes.append(Node(sid, "websocket_server", f"Chat {i}", 620 + (i % 2) * 220, (i // 2) * 140 + 100))
        d.links += [Link("lb", sid), Link(sid, "redis")]
    d.scenario = ScenarioSpec(name="standard", journey="chat", seed=1)
    return d


def diagrams():
    yield "chat-redis", load_diagram(EXAMPLES / "chat-redis.statediagram.json").diagram
    yield "chat-stateful", load_diagram(EXAMPLES / "chat-stateful.statediagram.json").diagram
    yield "straight-past-a-card", straight_past_a_card()
    yield "two-columns", two_columns()


def over_cards(pieces: list[QLineF], ends: set[str], cards: dict[str, tuple]) -> list[str]:
    """The cards that ``pieces`` run through: any card, except the first piece into its start's card and the last
    into its end's (``ends``: the nodes a piece may touch at its own end)."""
    found = []
    for i, seg in enumerate(pieces):
        p, q = (seg.x1(), seg.y1()), (seg.x2(), seg.y2())
        for nid, rect in cards.items():
            own = nid in ends and i in (0, len(pieces) - 1)
            if not own and segment_crosses(p, q, rect):
                found.append(nid)
    return found


@pytest.mark.parametrize("name,diagram", list(diagrams()), ids=[n for n, _ in diagrams()])
def test_no_connection_arc_runs_over_a_card_other_than_its_ends(window, name, diagram):
    show_diagram(window, diagram)
    sim = window.simulation
    sim.controls.journey.setCurrentIndex(sim.controls.journey.findData("chat"))
    sim.controls.scenario.setCurrentIndex(sim.controls.scenario.findData("standard"))
    sim.ui.simulate()
    layer = sim.controller.layer
    player = sim.controller.player
    run_to(window, 0)
    cards = {}
    for nid in player.replay.kinds:
        r = layer.node_rect(nid)
        cards[nid] = (r.left(), r.top(), r.right(), r.bottom())
    seen_lines = seen_dropped = 0
    for t in range(0, player.end + 1, 250_000):
        sim.ui.seek(t)
        frame = layer.frame
        for line in frame.lines:
            seen_lines += 1
            # along each link it came through, touching only that link's ends (before: one arc straight from the
            # room to the server, which ran over the cards between in two of these diagrams)
            assert line.segments == [seg for leg in line.legs for seg in leg.lines]  # what is drawn: the legs
            bad = [n for leg in line.legs for n in over_cards(leg.lines, set(leg.ends), cards)]
            assert bad == [], f"{name} at {t / SECOND:.2f} s: {line.room} -> {line.server} runs over {bad}"
        for mark in frame.marks:  # a dropped connection is drawn along the same way, dashed
            if mark.what == "dropped":
                seen_dropped += 1
                assert mark.legs and [n for leg in mark.legs for n in over_cards(
                    [QLineF(p, q) for p, q in zip(leg.points, leg.points[1:], strict=False)], set(leg.ends), cards)
                ] == [], f"{name} at {t / SECOND:.2f} s: the dropped {mark.room} -> {mark.server} runs over a card"
    assert seen_lines, "no connection was drawn: the test would prove nothing"
    if name != "chat-stateful":
        assert seen_dropped  # the crash drill's drops were drawn too
