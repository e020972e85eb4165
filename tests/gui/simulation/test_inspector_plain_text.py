"""A student's labels, ids and title carry markup and runs of spaces: the request inspector and the node
inspector show them character for character, as plain text (no image, no link, no bold taken from the file)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextFormat
from simgui import run_to, show_diagram

from statediagram.core import Diagram, Link, Node
from statediagram.sim.scenario import SECOND

MARKUP = "<b>bold</b> <img src=x> <a href='https://example.invalid/'>link</a> &amp;"
SERVER = f"Server  A {MARKUP}"  # two spaces: rich text would show one
REDIS = f"  Redis {MARKUP}"  # leading spaces: rich text would drop them


def markup_diagram() -> Diagram:
    d = Diagram(title=f"Title {MARKUP}")
    d.nodes += [Node("users", "client", f"Users {MARKUP}", 0, 120, {"users": 3}),
                Node("lb", "load_balancer", f"LB {MARKUP}", 220, 120),
                Node("a<b>", "server", SERVER, 440, 40), Node("b&amp;", "server", f"Server B {MARKUP}", 440, 200),
                Node("redis", "redis", REDIS, 660, 120)]
    d.links += [Link("users", "lb"), Link("lb", "a<b>"), Link("lb", "b&amp;"), Link("a<b>", "redis"),
                Link("b&amp;", "redis")]
    return d


def _formats(document) -> list[QTextCharFormat]:
    found, block = [], document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            found.append(it.fragment().charFormat())
            it += 1
        block = block.next()
    return found


def test_the_request_trail_shows_labels_with_markup_as_written(window):
    show_diagram(window, markup_diagram())
    window.simulation.ui.simulate()
    run_to(window, 12 * SECOND)
    replay = window.simulation.controller.player.replay
    inspector = window.simulation.panel.inspector
    req = next(r for r in replay.requests if r.server == "a<b>" and r.calls and r.outcome
               and r.credential)
    inspector.show_request(replay, req.id)
    text = inspector.text.toPlainText()
    assert f"{SERVER} → {REDIS}" not in text  # not a hop
    assert f"LB {MARKUP} → {SERVER}" in text  # the hop, as written, spaces and all
    assert f"{REDIS}: " in text  # the store call names the store as written
    assert f"{SERVER} looks it up in" in text
    formats = _formats(inspector.text.document())
    assert formats and not any(f.isAnchor() or f.isImageFormat() or f.objectType() != QTextFormat.ObjectTypes.NoObject
                               for f in formats)
    assert inspector.title.textFormat() == Qt.TextFormat.PlainText
    bar = inspector.text.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0  # a trail longer than its view opens at its heading


def test_the_node_inspector_title_is_plain_text(window):
    show_diagram(window, markup_diagram())
    window.simulation.ui.simulate()
    run_to(window, 8 * SECOND)
    inspector = window.simulation.panel.inspector
    for node, label in (("redis", REDIS), ("a<b>", SERVER)):
        window.simulation.ui.inspect_node(node)
        assert inspector.title.textFormat() == Qt.TextFormat.PlainText
        assert inspector.title.text().startswith(f"{label} at 8.00 s")
        assert inspector.title.font().bold()
    inspector.show_node_state(window.simulation.controller.player.replay, 9 * SECOND)  # while playing
    assert inspector.title.textFormat() == Qt.TextFormat.PlainText
    assert inspector.title.text().startswith(f"{SERVER} at 9.00 s: up")


def test_a_servers_chip_names_a_long_store_label_cut_short():
    """A store labelled at length: the chip under its servers says where their sessions are in a few words, ending
    in an ellipsis, instead of running across the canvas."""
    from statediagram.gui.kinds import STORE_NAME_SHOWN, gui_kind
    from statediagram.sim.replay import NodeState

    long = "Redis " + "shared by every server of the shop " * 4
    text, _colour = gui_kind("server").live(NodeState(count=0), "r", {"r": long})
    assert text == "sessions in " + long[: STORE_NAME_SHOWN - 1] + "…"
    assert gui_kind("server").live(NodeState(count=0), "r", {"r": "Redis"})[0] == "sessions in Redis"


def test_a_long_server_name_beside_its_load_bar_shows_its_beginning_and_its_down_mark(qapp):
    from PySide6.QtGui import QFont, QFontMetrics

    from statediagram.gui.simulation.metrics import load_row_name

    metrics = QFontMetrics(QFont())
    name = load_row_name(metrics, SERVER, False, 74)
    assert name.startswith("Server") and name.endswith("… ✗")
    assert metrics.horizontalAdvance(name) <= 74
    assert load_row_name(metrics, "B", True, 74) == "B"
