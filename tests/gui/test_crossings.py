"""A link whose straight line runs under a third node's card is drawn over the cards, dashed, and only then."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QColor

from statediagram.gui import theme
from statediagram.gui.crossings import segment_crosses
from statediagram.gui.window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    w = MainWindow()
    w.show()
    qtbot.waitExposed(w)
    w.new_diagram()
    yield w
    w.doc.undo_stack.setClean()
    w.close()


def test_segment_crossing_geometry():
    card = QRectF(0, 0, 100, 50)
    assert segment_crosses(QLineF(-50, 25, 150, 25), card)  # straight through
    assert segment_crosses(QLineF(50, -100, 50, 100), card)  # upright, through
    assert not segment_crosses(QLineF(-50, -10, 150, -10), card)  # passes above
    assert not segment_crosses(QLineF(-50, 25, -10, 25), card)  # stops short
    assert segment_crosses(QLineF(50, 25, 300, 300), card)  # starts inside


def test_a_link_under_a_card_is_drawn_dashed_over_it_until_the_card_moves_away(window, qtbot):
    ed = window.editor
    a = ed.add_node("server", 0, 0)
    b = ed.add_node("server", 0, 200)
    store = ed.add_node("redis", 0, 400)
    ed.link(a, store)  # straight down, through b's card
    ed.link(b, store)
    scene = window.scene
    hidden = scene.link_items[frozenset((a, store))]
    qtbot.waitUntil(lambda: hidden.over)
    assert not scene.link_items[frozenset((b, store))].over
    assert hidden.zValue() > scene.node_items[b].zValue()  # above the card that would hide it
    assert "runs under another node" in hidden.toolTip()
    # what the picture shows: the link's colour where it crosses b's card, which is white there without it
    window.view.centerOn(QPointF(0, 200))
    qtbot.wait(50)
    picture = window.view.viewport().grab().toImage()
    x = window.view.mapFromScene(QPointF(0, 0)).x()
    top, bottom = (window.view.mapFromScene(QPointF(0, y)).y() for y in (170, 230))
    link = theme.LINK
    near = [y for y in range(top, bottom) for dx in (-1, 0, 1)
            if max(abs(QColor(picture.pixel(x + dx, y)).red() - link.red()),
                   abs(QColor(picture.pixel(x + dx, y)).green() - link.green()),
                   abs(QColor(picture.pixel(x + dx, y)).blue() - link.blue())) < 30]
    assert len(near) >= 10  # dashes of the link's colour across the card
    scene.clearSelection()
    scene.node_items[b].setSelected(True)
    ed.nudge(400, 0)  # b moved out of the way (an undoable move, as an arrow key or a drag makes)
    assert window.doc.node(b).x == 400
    qtbot.waitUntil(lambda: not hidden.over)
    assert hidden.zValue() < scene.node_items[a].zValue()
