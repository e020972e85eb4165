"""The chat journey for real: the history where state_homes says (here PostgreSQL), pub/sub through Redis, counted
from real receipts; a design that keeps the history in PostgreSQL and publishes through Redis survives the drill."""

from __future__ import annotations

import copy

import pytest
from livehelp import EXAMPLES, have_postgres, needs_live

from statediagram.core import Link, Node
from statediagram.core.fileio import load_diagram
from statediagram.live.runner import run_live
from statediagram.sim.scenario import resolve

pytestmark = [pytest.mark.live, needs_live]


@pytest.mark.skipif(not have_postgres(), reason="needs postgresql (apt-get install postgresql)")
def test_chat_history_in_postgresql_and_pubsub_in_redis_survive_the_drill_for_real() -> None:
    d = copy.deepcopy(load_diagram(EXAMPLES / "chat-redis.statediagram.json").diagram)
    d.nodes.append(Node("pg", "postgres", "PostgreSQL", x=660, y=260))
    d.links += [Link("a", "pg"), Link("b", "pg")]
    report = run_live(d, resolve(d, "standard", "chat"), speed=2, say=lambda text: None)
    t = report.totals
    assert report.survives, report.findings
    assert t.messages > 100 and t.lost_messages == 0
    assert t.reconnects >= 3  # both servers crashed: their users came back, and read the history back
    assert report.stores["pg"].commands > t.messages  # every message written to, and reconnects read from, SQL
    assert report.stores["redis"].commands >= t.messages  # every message published


def test_two_chat_servers_without_redis_lose_messages_for_real_and_say_why() -> None:
    d = load_diagram(EXAMPLES / "chat-stateful.statediagram.json").diagram
    report = run_live(d, resolve(d, "calm", "chat"), speed=4, say=lambda text: None)
    assert not report.survives
    assert report.totals.lost_messages > 20 and report.totals.reconnects == 0
    lost = [f for f in report.findings if f.code == "lost_messages"]
    assert lost and "never received messages sent on" in lost[0].message and "Redis" in lost[0].message


def test_a_load_balancer_sends_the_chat_only_to_websocket_servers_as_simulated() -> None:
    """A design with an application server beside the chat servers: the chat goes to the websocket servers only
    (the application server speaks the web journeys, not the chat), for real as in the simulation."""
    d = copy.deepcopy(load_diagram(EXAMPLES / "chat-redis.statediagram.json").diagram)
    d.nodes.append(Node("web", "server", "Web server", x=440, y=360))
    d.links.append(Link("lb", "web"))
    report = run_live(d, resolve(d, "calm", "chat"), speed=4, say=lambda text: None)
    assert report.survives and report.totals.messages > 50
    assert report.servers["web"].requests == 0 and report.servers["a"].requests > 0
