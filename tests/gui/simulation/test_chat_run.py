"""The real-time exception on screen: websocket servers' badges, and a chat run's counters and verdict."""

from __future__ import annotations

from pathlib import Path

from simgui import run_to, show_diagram

from statediagram.core import load_diagram
from statediagram.sim.scenario import SECOND

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def shown(window, key: str) -> int:
    return int("".join(ch for ch in window.simulation.panel.metrics.values[key].text() if ch.isdigit()))


def chat(name: str):
    return load_diagram(EXAMPLES / f"{name}.statediagram.json").diagram


def test_websocket_servers_wear_the_exceptions_badges(window):
    show_diagram(window, chat("chat-stateful"))
    card = window.scene.node_items["a"]
    assert card.badges() == [("connections", "own (by design)", None, False),
                             ("messages", "this server only", False, False), ("history", "RAM", False, True)]
    show_diagram(window, chat("chat-redis"))
    card = window.scene.node_items["a"]
    assert card.badges()[1:] == [("messages", "Redis pub/sub", True, False), ("history", "Redis", True, False)]


def test_a_chat_run_counts_messages_and_reconnects_and_survives_with_a_shared_redis(window):
    show_diagram(window, chat("chat-redis"))
    window.simulation.ui.simulate()
    metrics = window.simulation.panel.metrics
    run_to(window, 15 * SECOND)  # Chat A crashed at 10 s: its users have reconnected to Chat B
    assert metrics.values["messages"].isVisibleTo(metrics) and shown(window, "messages") > 20
    assert shown(window, "reconnects") > 0
    run_to(window, window.simulation.controller.player.end)
    assert shown(window, "lost_messages") == 0
    assert window.simulation.panel.verdict.survives is True


def test_two_chat_servers_sharing_nothing_lose_messages_on_screen(window):
    show_diagram(window, chat("chat-stateful"))
    window.simulation.ui.simulate()
    run_to(window, window.simulation.controller.player.end)
    assert shown(window, "lost_messages") > 0
    assert window.simulation.panel.verdict.survives is False
    findings = window.simulation.panel.verdict.findings
    texts = [findings.item(i).text() for i in range(findings.count())]
    assert any("never received messages sent on Chat" in t for t in texts)


def test_an_http_run_hides_the_chat_counters(window):
    window.simulation.ui.simulate()
    run_to(window, 2 * SECOND)
    metrics = window.simulation.panel.metrics
    assert not metrics.values["messages"].isVisibleTo(metrics)
