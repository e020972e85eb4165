"""A link whose straight line runs under a third node's card is drawn over the cards, dashed, and only then."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QColor

from statediagram.gui import theme
from statediagram.gui.canvas.crossings import segment_crosses
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


def column(window, x: float, top: float, bottom: float) -> list[int]:
    """The view's pixels on the vertical line ``x`` from ``top`` to ``bottom`` (scene units), as drawn now."""
    window.view.viewport().repaint()
    picture = window.view.viewport().grab().toImage()
    px = window.view.mapFromScene(QPointF(x, top)).x()
    y0, y1 = (window.view.mapFromScene(QPointF(x, y)).y() for y in (top, bottom))
    return [picture.pixel(px, y) for y in range(y0, y1)]


def test_the_link_goes_back_under_when_the_card_in_its_way_is_deleted(window, qtbot):
    ed = window.editor
    a, b, store = ed.add_node("server", 0, 0), ed.add_node("server", 0, 200), ed.add_node("redis", 0, 400)
    ed.link(a, store)
    hidden = window.scene.link_items[frozenset((a, store))]
    qtbot.waitUntil(lambda: hidden.over)
    window.scene.clearSelection()
    window.scene.node_items[b].setSelected(True)
    ed.delete_selection()
    qtbot.waitUntil(lambda: not hidden.over)


def test_zoomed_out_the_view_still_draws_the_hidden_link_over_the_card(window, qtbot):
    """Below the texts' zoom the view draws links and cards itself, in batches: the link must stay on top."""
    ed = window.editor
    a, store = ed.add_node("server", 0, 0), ed.add_node("redis", 0, 400)
    ed.add_node("server", 0, 200)  # in the way
    ed.link(a, store)
    hidden = window.scene.link_items[frozenset((a, store))]
    qtbot.waitUntil(lambda: hidden.over)
    window.view.resetTransform()
    window.view.scale(0.4, 0.4)
    window.view.centerOn(QPointF(0, 200))
    qtbot.wait(50)
    assert window.scene.overview_mode.on
    over = column(window, 0, 175, 225)  # across the card in the way
    hidden.set_over(False)
    window.scene._forget_overview()
    under = column(window, 0, 175, 225)
    assert sum(a != b for a, b in zip(over, under, strict=True)) >= 4  # the dashes show only when drawn over
