"""A chat run on the canvas: connections drawn as arcs from the room to its servers, dropped by a crash and
re-formed on another server; messages fanning out through Redis, or staying on their server without one;
the chart's chat series; the inspectors of a websocket server and of Redis."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from simgui import inspected, run_to, show_diagram

from statediagram.core import load_diagram
from statediagram.gui.kinds import gui_kind
from statediagram.gui.simulation.metrics import CHAT_SERIES, PLAIN_H
from statediagram.gui.simulation.style import CONNECTED_COLOUR, LOOKS, MESSAGE
from statediagram.sim.scenario import SECOND

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
PLUM = QColor(CONNECTED_COLOUR)  # the websocket server's own colour
RED = QColor("#C62828")
GLOW = QColor.fromRgbF(*(0.75 + 0.25 * c for c in PLUM.getRgbF()[:3]))  # round an open connection's line


def chat(name: str):
    return load_diagram(EXAMPLES / f"{name}.statediagram.json").diagram


def canvas(window) -> QImage:
    return window.view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def near(image: QImage, window, at: QPointF, colour: QColor, radius: int = 3, tolerance: int = 60) -> int:
    """How many pixels within ``radius`` of scene point ``at`` are close to ``colour``."""
    p = window.view.mapFromScene(at)
    n = 0
    for y in range(p.y() - radius, p.y() + radius + 1):
        for x in range(p.x() - radius, p.x() + radius + 1):
            if 0 <= x < image.width() and 0 <= y < image.height():
                c = QColor(image.pixel(x, y))
                if abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + abs(c.blue() - colour.blue()) \
                        <= tolerance:
                    n += 1
    return n


def frame(window):
    return window.simulation.controller.layer.frame


def lines(window) -> dict[str, int]:
    """The open connections drawn now: server -> users (every example has one room, ``users``)."""
    return {line.server: line.users for line in frame(window).lines if line.room == "users"}


def arc_middle(window, server: str) -> QPointF:
    """A point on the part of the arc that is the server's own (the leg from the load balancer to it; the room's
    leg to the load balancer carries the other server's connections too)."""
    pts = window.simulation.controller.planner.chat.own_leg("users", server)
    return pts[len(pts) // 3]  # a third of the way from the load balancer: clear of the nodes and the marks' words


def simulate(window, name: str) -> None:
    show_diagram(window, chat(name))
    window.simulation.ui.simulate()
    window.simulation.controller.player.set_playing(False)


def test_a_crash_drops_the_connections_to_chat_a_and_they_form_again_on_chat_b(window):
    simulate(window, "chat-redis")
    run_to(window, 5 * SECOND)  # before the drill's first crash (Chat A at 10 s)
    assert lines(window) == {"a": 3, "b": 3}
    before = canvas(window)
    assert near(before, window, arc_middle(window, "a"), PLUM) > 0  # the arc joins the room and Chat A
    assert near(before, window, arc_middle(window, "a"), GLOW, radius=6, tolerance=20) > 0
    rect_a = window.simulation.controller.layer.node_rect("a")
    arc = window.simulation.controller.planner.chat.points("users", "a")
    assert rect_a.adjusted(-12, -12, 12, 12).contains(arc[-1])  # ... and ends at Chat A
    assert window.simulation.controller.layer.node_rect("users").adjusted(-12, -12, 12, 12).contains(arc[0])
    bounds = window.simulation.controller.layer.boundingRect()
    assert all(bounds.contains(p) for line in frame(window).lines for p in line.points)  # repainted with the layer

    run_to(window, 10 * SECOND + 200_000)  # Chat A just crashed: its connections break and fade
    assert "a" not in lines(window)
    dropped = [m for m in frame(window).marks if m.what == "dropped"]
    assert [(m.server, m.count) for m in dropped] == [("a", 3)]
    image = canvas(window)
    pts = dropped[0].points
    assert near(image, window, pts[1], RED) > 0  # the broken arc, dashed red
    middle = pts[len(pts) // 2]
    assert near(image, window, middle, RED) == 0  # and broken in the middle: no line there
    assert near(image, window, middle, GLOW, tolerance=20) == 0  # nor an open connection's glow

    run_to(window, 11 * SECOND)  # the first of them has reconnected, to Chat B
    assert any(m.what == "reconnected" and m.server == "b" for m in frame(window).marks)

    run_to(window, 13 * SECOND)  # all three are on Chat B; nothing joins the room and Chat A any more
    assert lines(window) == {"b": 6}
    after = canvas(window)
    assert near(after, window, arc_middle(window, "a"), PLUM) == 0
    assert near(after, window, arc_middle(window, "b"), PLUM) > 0

    run_to(window, 5 * SECOND)  # scrubbing back shows the moment as it was
    assert lines(window) == {"a": 3, "b": 3}
    assert not [m for m in frame(window).marks if m.what != "not heard"]


def message_tokens(window, t0: int, t1: int, step: int = 25_000):
    """(x, y, server the message was sent on) of every message token drawn from t0 to t1."""
    sim = window.simulation
    requests = sim.controller.player.replay.requests
    out = []
    for t in range(t0, t1, step):
        sim.ui.seek(t)
        out += [(x, y, requests[rid - 1].server) for x, y, look, rid in frame(window).tokens if look == MESSAGE]
    return out


def within(window, node: str, x: float, y: float, margin: float = 12) -> bool:
    return window.simulation.controller.layer.node_rect(node).adjusted(-margin, -margin, margin, margin).contains(
        QPointF(x, y))


def test_messages_fan_out_through_redis_to_the_other_server(window):
    simulate(window, "chat-redis")
    run_to(window, 3 * SECOND)
    tokens = message_tokens(window, 3 * SECOND, 5 * SECOND)
    assert any(within(window, "redis", x, y) for x, y, _ in tokens)  # published to Redis ...
    assert any(within(window, "b", x, y) for x, y, origin in tokens if origin == "a")  # ... handed on to Chat B
    assert any(within(window, "a", x, y) for x, y, origin in tokens if origin == "b")


def test_without_a_shared_redis_a_message_never_reaches_the_other_server(window):
    simulate(window, "chat-stateful")
    run_to(window, 3 * SECOND)
    tokens = message_tokens(window, 3 * SECOND, 5 * SECOND)
    from_a = [(x, y) for x, y, origin in tokens if origin == "a"]
    assert from_a  # messages sent on Chat A do travel, to its own users ...
    assert not any(within(window, "b", x, y) for x, y in from_a)  # ... and never to Chat B
    assert not any(within(window, "a", x, y) for x, y, origin in tokens if origin == "b")
    run_to(window, 4 * SECOND)
    heard = []
    for t in range(4 * SECOND, 5 * SECOND, 50_000):
        window.simulation.ui.seek(t)
        heard += [(m.server, m.origin) for m in frame(window).marks if m.what == "not heard"]
    assert ("b", "a") in heard and ("a", "b") in heard  # the users elsewhere are marked: they did not hear it


def test_message_tokens_look_like_tokens_in_the_websocket_colour(window):
    look = LOOKS[MESSAGE]
    assert QColor(look.colour) == QColor(gui_kind("websocket_server").colour)
    assert look.shape not in {LOOKS[o].shape for o in LOOKS if o != MESSAGE}  # a shape of its own, not colour alone


def test_the_chart_gains_chat_series_on_a_chat_run_only(window):
    chart = window.simulation.panel.metrics.chart
    window.simulation.ui.simulate()  # the starter: journey sessions
    run_to(window, 3 * SECOND)
    assert chart.chat is None and chart.height() == PLAIN_H
    assert chart.series_points("messages") == []
    metrics = window.simulation.panel.metrics
    bubbles = [w for w in metrics.chat_rows if not w.pixmap().isNull()]  # the message token's legend
    assert bubbles and not any(w.isVisibleTo(metrics) for w in bubbles)

    simulate(window, "chat-redis")
    run_to(window, 14 * SECOND)
    assert chart.chat is not None and chart.height() > PLAIN_H
    assert all(w.isVisibleTo(metrics) for w in bubbles)
    messages = chart.series_points("messages")
    assert len(messages) == 15  # one point a second, 0 to 14 s
    reconnects = chart.series_points("reconnects")
    assert min(p.y() for p in reconnects) < max(p.y() for p in reconnects)  # the crash's reconnects show as a rise
    image = chart.grab().toImage()
    hits = 0
    for pt in messages[2:-2]:
        for dy in range(-2, 3):
            c = QColor(image.pixel(int(pt.x()), int(pt.y()) + dy))
            hits += abs(c.red() - PLUM.red()) + abs(c.green() - PLUM.green()) + abs(c.blue() - PLUM.blue()) < 90
    assert hits >= 5  # the messages' line is drawn where its points are
    styles = {(s.dash, s.marker) for s in CHAT_SERIES}
    assert len({d for d, _ in styles}) == len(CHAT_SERIES) and len({m for _, m in styles}) == len(CHAT_SERIES)

    assert chart.series_points("lost_messages") == []  # not known before the run ends: no line yet, not a line at 0
    run_to(window, window.simulation.controller.player.end)
    lost = chart.series_points("lost_messages")
    assert lost and max(chart.chat["lost_messages"]) == 0  # then its line: nothing lost with a shared Redis


def test_lost_messages_join_the_chart_when_the_run_ends(window):
    simulate(window, "chat-stateful")
    chart = window.simulation.panel.metrics.chart
    run_to(window, 20 * SECOND)
    assert chart.chat["lost_messages"] == []  # not known before the end
    run_to(window, window.simulation.controller.player.end)
    assert sum(chart.chat["lost_messages"]) == window.simulation.controller.player.replay.report.totals.lost_messages


def table(window) -> list[list[str]]:
    t = window.simulation.panel.inspector.table
    return [[t.item(i, j).text() for j in range(t.columnCount())] for i in range(t.rowCount())]


def test_the_inspectors_show_connected_users_history_and_channels_at_the_play_head(window):
    simulate(window, "chat-redis")
    sim = window.simulation
    run_to(window, 5 * SECOND)
    sim.controller.inspect_node.emit("a")
    inspected(window)
    title = sim.panel.inspector.title.text()
    assert "Chat A at 5.00 s: up, 3 users connected" in title
    rows = table(window)
    assert ["connection", "users", "3 users: users-1, users-3, users-5"] in rows
    assert any(r[0] == "Redis" and r[1] == "history of users" and r[2].split()[0].isdigit() for r in rows)

    sim.controller.inspect_node.emit("redis")

    inspected(window)
    rows = table(window)
    assert ["chat:users", "pub/sub channel; subscribed now: Chat A, Chat B", ""] in rows
    run_to(window, 12 * SECOND)  # Chat A is down: only Chat B listens
    assert ["chat:users", "pub/sub channel; subscribed now: Chat B", ""] in table(window)
    sim.controller.inspect_node.emit("b")
    inspected(window)
    assert ["connection", "users", "6 users: users-1, users-2, users-3, users-4, users-5, users-6"] in table(window)
