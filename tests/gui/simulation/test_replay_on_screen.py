"""Going back shows what was seen going forward; tokens look like their outcome; inspectors and the verdict."""

from __future__ import annotations

import json
import struct

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from simgui import inspected, run_to, show_diagram, with_redis

from statediagram.core import Diagram, Link, Node
from statediagram.gui.simulation.export import PNG_SIGNATURE, save_replay_apng, save_report
from statediagram.gui.simulation.style import LOOKS, REQUEST
from statediagram.gui.simulation.tokens import MIN_TRIP_US
from statediagram.sim.scenario import SECOND


def seen(window) -> tuple:
    layer = window.simulation.controller.layer
    return (dict(window.simulation.panel.metrics.shown), dict(layer.frame.states), list(layer.frame.tokens),
            window.simulation.controls.clock.text())


def test_scrubbing_back_shows_what_was_seen_going_forward(window):
    window.simulation.ui.simulate()
    player = window.simulation.controller.player
    player.set_playing(False)
    forward = {}
    t = 0
    while t < 30 * SECOND:  # forward in small steps, the engine working ahead only as far as needed
        player.tick()
        player.seek(t)
        if player.t == t:
            window.simulation.ui.show_time(t, force=True)
            forward[t] = seen(window)
            if t == 11 * SECOND + 200_000:
                window.simulation.controller.inject("b", "crash")  # a hand-made fault on the way
                player.work_out(t + SECOND)
                player.seek(t)
                window.simulation.ui.show_time(t, force=True)
                forward[t] = seen(window)
            t += 200_000
    player.work_out()
    assert len(forward) > 100
    assert any(v[0]["lost_sessions"] for v in forward.values())
    assert any(not s.up for v in forward.values() for s in v[1].values())
    timeline = window.simulation.controls.timeline
    for t in sorted(forward, reverse=True)[::7]:
        window.simulation.ui.seek(t)
        window.simulation.ui.show_time(t, force=True)
        assert seen(window) == forward[t], f"at {t / SECOND} s"
    assert timeline.t == player.t


def test_timeline_drag_moves_the_play_head(window, qtbot):
    window.simulation.ui.simulate()
    run_to(window, 0)
    timeline = window.simulation.controls.timeline
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPointF(timeline.x_of(20 * SECOND), 25).toPoint())
    assert abs(window.simulation.controller.player.t - 20 * SECOND) < SECOND / 2
    assert window.simulation.controller.player.playing is False


def test_every_outcome_has_its_own_shape_and_colour():
    shapes = [look.shape for look in LOOKS.values()]
    colours = [look.colour for look in LOOKS.values()]
    assert len(set(shapes)) == len(shapes)
    assert len(set(colours)) == len(colours)


def test_tokens_are_drawn_in_their_outcome_look(window):
    window.simulation.ui.simulate()
    player = window.simulation.controller.player
    player.work_out()
    replay = player.replay
    layer = window.simulation.controller.layer
    looks_seen = set()
    for t in range(0, replay.end, 50_000):
        player.seek(t)
        for _x, _y, look, rid in layer.frame.tokens:
            req = replay.requests[rid - 1]
            assert look in (REQUEST, req.outcome)
            looks_seen.add(look)
    assert {REQUEST, "ok", "lost_session"} <= looks_seen
    # the pixel at a returning lost-session token is the lost-session colour
    t = next(t for t in range(0, replay.end, 50_000)
             if (player.seek(t) or any(lk == "lost_session" for *_, lk, _r in layer.frame.tokens)))
    x, y, look, _ = next(tok for tok in layer.frame.tokens if tok[2] == "lost_session")
    image = QImage(400, 400, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    window.scene.render(p, QRectF(image.rect()), QRectF(x - 20, y - 20, 40, 40))
    p.end()
    centre = image.pixelColor(200, 202)  # tokens are stamped at their screen size: the centre of the triangle
    want = QColor(LOOKS["lost_session"].colour)
    assert abs(centre.red() - want.red()) < 40 and abs(centre.green() - want.green()) < 40


def _click_token(window, qtbot, look: str | None = None):
    layer = window.simulation.controller.layer
    player = window.simulation.controller.player
    for t in range(2 * SECOND, player.end, 20_000):
        player.seek(t)
        toks = [tok for tok in layer.frame.tokens if look is None or tok[2] == look]
        if toks:
            x, y, _, rid = toks[0]
            pos = window.view.mapFromScene(QPointF(x, y))
            qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
            return rid
    raise AssertionError("no token to click")


def jwt_diagram() -> Diagram:
    d = Diagram(title="JWT")
    d.nodes += [Node("users", "client", "Users", 0, 120, {"users": 3}), Node("lb", "load_balancer", "LB", 220, 120),
                Node("a", "server", "Server A", 440, 40, {"auth": "jwt"}),
                Node("b", "server", "Server B", 440, 200, {"auth": "jwt"})]
    d.links += [Link("users", "lb"), Link("lb", "a"), Link("lb", "b")]
    return d


def test_clicking_a_token_of_a_jwt_design_shows_the_decoded_token(window, qtbot):
    show_diagram(window, jwt_diagram())
    window.simulation.ui.simulate()
    window.simulation.controller.player.work_out()
    rid = _click_token(window, qtbot, "ok")
    req = window.simulation.controller.player.replay.requests[rid - 1]
    text = window.simulation.panel.inspector.text.toPlainText()
    assert f"Request #{rid}" in text
    if req.action == "POST /login":  # a login carries no token yet; the next request of that user does
        rid = next(r.id for r in window.simulation.controller.player.replay.requests[rid:] if r.credential)
        window.simulation.panel.inspector.show_request(window.simulation.controller.player.replay, rid)
        text = window.simulation.panel.inspector.text.toPlainText()
    assert '"alg": "HS256"' in text and '"typ": "JWT"' in text
    assert '"sub": "users-' in text
    assert "signature verifies" in text
    window.simulation.controller.stop()


def test_redis_inspector_lists_real_session_keys_with_ttls(window, starter):
    show_diagram(window, with_redis(starter))
    window.simulation.ui.simulate()
    run_to(window, 8 * SECOND)
    window.simulation.ui.inspect_node("redis")
    inspected(window)
    table = window.simulation.panel.inspector.table
    keys = [table.item(i, 0).text() for i in range(table.rowCount())]
    assert keys and all(k.startswith("session:") for k in keys)
    ttls = [int(table.item(i, 2).text().split()[0]) for i in range(table.rowCount())]
    assert all(3590 <= ttl <= 3600 for ttl in ttls)  # set within the first seconds, simulated
    assert len(keys) == window.simulation.controller.layer.frame.states["redis"].count
    window.simulation.ui.inspect_node("a")  # the server itself keeps nothing to lose, and says so
    inspected(window)
    assert window.simulation.panel.inspector.table.rowCount() == 0
    assert "nothing in its own RAM" in window.simulation.panel.inspector.title.text()


def test_clicking_an_explanation_highlights_its_nodes_and_jumps_to_the_first_loss(window):
    window.simulation.ui.simulate()
    run_to(window, window.simulation.controller.player.end)
    findings = window.simulation.panel.verdict.findings
    item = findings.item(0)
    findings.itemClicked.emit(item)
    report = window.simulation.controller.player.replay.report
    first = report["findings"][0]
    assert window.simulation.controller.layer.highlighted == tuple(first["nodes"])
    assert window.simulation.controller.player.t == int(first["at"] * SECOND) + MIN_TRIP_US
    player = window.simulation.controller.player
    assert player.replay.totals_at(player.t).lost_sessions >= 1


def test_export_report_and_animated_png(window, tmp_path):
    window.simulation.ui.simulate()
    player = window.simulation.controller.player
    player.work_out()
    save_report(player.replay.report, tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text()) == json.loads(json.dumps(player.replay.report.to_json()))
    n = save_replay_apng(window.simulation.controller, tmp_path / "run.apng", 9.0, 12.0, fps=5, speed=1.0, width=300)
    data = (tmp_path / "run.apng").read_bytes()
    assert data.startswith(PNG_SIGNATURE) and n == 15
    i = data.index(b"acTL")
    assert struct.unpack(">I", data[i + 4 : i + 8])[0] == n
    assert data.count(b"fcTL") == n


def test_compare_the_starter_with_a_redis_design(window, starter, qtbot):
    from statediagram.gui.simulation.compare import CompareDialog

    show_diagram(window, with_redis(starter))
    window.simulation.ui.simulate()
    dialog = CompareDialog(window.simulation.controller, window)
    dialog.compare_with(starter, "Mission starter")  # run off the GUI thread
    qtbot.waitUntil(lambda: dialog.reports is not None, timeout=120_000)
    mine, theirs = dialog.reports
    assert mine["survives"] and not theirs["survives"]
    assert mine["seed"] == theirs["seed"] and mine["scenario"] == theirs["scenario"]
    assert "Does not survive" in dialog.right.toPlainText() and "Survives" in dialog.left.toPlainText()


def test_postgres_and_object_storage_inspectors_show_rows_and_files(window, starter):
    d = with_redis(starter)
    d.nodes += [Node("pg", "postgres", "PostgreSQL", 660, 260), Node("s3", "object_storage", "Files", 660, 380)]
    d.links += [Link(s, store) for s in ("a", "b") for store in ("pg", "s3")]
    show_diagram(window, d)
    window.simulation.controls.journey.setCurrentIndex(window.simulation.controls.journey.findData("full"))
    window.simulation.ui.simulate()
    run_to(window, 12 * SECOND)
    window.simulation.ui.inspect_node("pg")
    inspected(window)
    table = window.simulation.panel.inspector.table
    rows = [[table.item(i, j).text() for j in range(3)] for i in range(table.rowCount())]
    assert rows and {r[1] for r in rows} <= {"book", "mug", "lamp", "plant"}
    assert all(r[0].startswith("users-") and int(r[2]) >= 1 for r in rows)
    window.simulation.ui.inspect_node("s3")
    inspected(window)
    files = [table.item(i, 0).text() for i in range(table.rowCount())]
    assert files == sorted(f"avatars/users-{i}.png" for i in range(1, 4))
    report = window.simulation.controller.player.replay.report
    assert report is None or report["survives"]
    window.simulation.controller.stop()


def test_what_just_happened_tells_the_lost_session_in_the_lessons_words(window):
    from statediagram.core.topology import state_homes
    from statediagram.sim.wording import narrate

    window.simulation.ui.simulate()
    run_to(window, window.simulation.controller.player.end)
    replay = window.simulation.controller.player.replay
    moved = next(r for r in replay.failures if r.outcome == "lost_session" and r.cause.why == "moved")
    text = narrate(moved, replay.labels, state_homes(replay.setup.diagram))
    a, b = replay.labels[moved.cause.origin], replay.labels[moved.cause.node]
    assert f"kept in {a}'s own RAM" in text and f"sent the next request to {b}" in text and "logged out" in text
    window.simulation.ui.seek(replay.shown_at(moved))
    assert "lost session" in window.simulation.panel.happened.text()
