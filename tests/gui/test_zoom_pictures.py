"""A zoom step shows each card from a picture of a nearby scale while the exact picture waits for the view to rest
(cardpictures.py): what the learner sees at rest is the card drawn exactly, and a picture of the canvas is always
exact."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPixmapCache
from PySide6.QtWidgets import QApplication

from statediagram.core.model import Diagram, Link, Node
from statediagram.gui.canvas.items import TEXT_LOD, NodeItem
from statediagram.gui.canvas.scene import DiagramScene
from statediagram.gui.canvas.view import DiagramView
from statediagram.gui.document import Document
from statediagram.gui.editing.editor import Editor

KINDS = ("client", "load_balancer", "server", "redis")


@pytest.fixture
def view(qtbot):
    """Two cards of each of four kinds, the servers linked to the Redis (their badges say so)."""
    QPixmapCache.clear()  # Qt's cache is the process's: no picture from another test
    d = Diagram(title="zoom")
    for i, kind in enumerate(KINDS):
        for row in range(2):
            d.nodes.append(Node(f"{kind}{row}", kind, f"{kind} {row}", 260.0 * i, 170.0 * row))
    d.links += [Link("server0", "redis0"), Link("server1", "redis0")]
    doc = Document(d)
    scene = DiagramScene(doc)
    v = DiagramView(scene, Editor(doc, scene))
    qtbot.addWidget(v)
    v.resize(1000, 500)
    v.setTransformationAnchor(DiagramView.ViewportAnchor.AnchorViewCenter)  # wherever other tests left the mouse
    v.show()
    qtbot.waitExposed(v)
    v.set_zoom(0.8)
    v.centerOn(390, 85)
    qtbot.wait(10)  # the first paint, at 0.8
    return v


@pytest.fixture
def drawn(monkeypatch, view) -> list[str]:
    """The cards of ``view`` whose picture is drawn (not copied), in order: not those of a view another test left
    open, which Qt may paint meanwhile (run right after tests/gui/test_routed_links.py, its cards "a" and "redis"
    were counted)."""
    seen: list[str] = []
    real = NodeItem.paint_card

    def paint_card(self, *args):
        if self.scene() is view.scene():
            seen.append(self.node_id)
        real(self, *args)

    monkeypatch.setattr(NodeItem, "paint_card", paint_card)
    return seen


def looks(view: DiagramView) -> int:
    return len({item.look() for item in view.scene().node_items.values()})


def test_a_zoom_step_draws_no_card_picture_and_each_look_once_when_the_view_rests(view, drawn, qtbot):
    pictures = view.scene().card_pictures
    for step in (1.06, 1.06, 1 / 1.2, 1.25, 1.06):  # wheel steps both ways, a wheel notch, a key press
        view.zoom_by(step)
        view.viewport().repaint()
        assert drawn == [], step  # a nearby picture stood in for every card
        assert pictures.owed() == 8
    qtbot.waitUntil(lambda: pictures.owed() == 0, timeout=2000)  # the view rests: the exact pictures are drawn
    assert len(drawn) == looks(view) < 8  # one for each look, not one for each card
    view.viewport().repaint()
    assert len(drawn) == looks(view)


def test_just_under_the_texts_scale_the_pictures_with_texts_are_drawn_ahead(view, drawn, qtbot):
    """The first step of a zoom from far out into the texts' scale finds a picture with texts to stand in."""
    view.set_zoom(TEXT_LOD * 0.9)  # far out: the cards without their texts (badges without words)
    view.viewport().repaint()
    assert len(drawn) == looks(view)
    qtbot.waitUntil(lambda: len(drawn) == 2 * looks(view), timeout=2000)  # the event loop's next turns
    drawn.clear()
    view.zoom_by(1.2)  # a wheel notch into the texts' scale
    view.viewport().repaint()
    assert drawn == [] and view.scene().card_pictures.owed() == 8
    qtbot.waitUntil(lambda: view.scene().card_pictures.owed() == 0, timeout=2000)
    assert len(drawn) == looks(view)  # at rest, the exact ones


def on_screen(view: DiagramView) -> QImage:
    """What the viewport shows now (the window's backing store), not a picture painted anew for the asking."""
    viewport = view.viewport()
    at = viewport.mapTo(view.window(), viewport.rect().topLeft())
    return QApplication.primaryScreen().grabWindow(view.window().winId(), at.x(), at.y(), viewport.width(),
                                                   viewport.height()).toImage()


def test_at_rest_the_cards_are_the_exact_pictures_and_the_stand_ins_were_close(view, qtbot):
    view.zoom_by(1.45)  # the farthest a stand-in comes from: a picture two thirds its size
    view.centerOn(390, 85)
    view.viewport().repaint()
    soft = on_screen(view)  # the zoom step's frame
    assert view.scene().card_pictures.owed() == 8
    qtbot.waitUntil(lambda: view.scene().card_pictures.owed() == 0, timeout=2000)
    qtbot.wait(20)  # the repaint asked for
    rested = on_screen(view)
    QPixmapCache.clear()  # every picture drawn anew at this very scale, none standing in
    for item in view.scene().node_items.values():
        item.update()
    qtbot.wait(20)
    exact = on_screen(view)
    assert rested == exact
    assert soft != exact
    # The stand-ins cover the cards' places exactly (nothing jumps), their colours the exact ones but for smoothing.
    cards = [view.mapFromScene(item.sceneBoundingRect()).boundingRect().adjusted(-2, -2, 2, 2)
             for item in view.scene().node_items.values()]
    assert blanked(soft, cards) == blanked(exact, cards)
    inside = sorted(
        abs(a - b)
        for card in cards
        for y in range(max(card.top(), 0), min(card.bottom() + 1, exact.height()))
        for a, b in zip(bytes(soft.constScanLine(y))[4 * max(card.left(), 0):4 * (card.right() + 1)],
                        bytes(exact.constScanLine(y))[4 * max(card.left(), 0):4 * (card.right() + 1)], strict=True))
    # Measured: a mean of 3 levels in 255 a colour channel, nine in ten within 9 (edges a pixel soft).
    assert sum(inside) / len(inside) < 6 and inside[len(inside) * 9 // 10] <= 20


def blanked(image: QImage, rects) -> QImage:
    """``image`` with ``rects`` filled black."""
    image = image.copy()
    painter = QPainter(image)
    for rect in rects:
        painter.fillRect(rect, QColor("black"))
    painter.end()
    return image


def test_far_out_the_overview_shows_stand_ins_too_and_the_exact_pictures_at_rest(view, drawn, qtbot):
    """Below the texts' scale the view draws every card itself (overview.py), from the same pictures."""
    view.set_zoom(TEXT_LOD * 0.8)
    view.viewport().repaint()
    qtbot.wait(20)  # the pictures with texts drawn ahead (see the test above)
    drawn.clear()
    view.zoom_by(1.06)
    view.viewport().repaint()
    assert drawn == [] and view.scene().card_pictures.owed() == 8
    qtbot.waitUntil(lambda: view.scene().card_pictures.owed() == 0, timeout=2000)
    assert len(drawn) == looks(view)
    qtbot.wait(20)  # the repaint asked for
    rested = on_screen(view)
    QPixmapCache.clear()
    view.scene().update()
    qtbot.wait(20)
    assert on_screen(view) == rested


def test_a_picture_of_the_canvas_taken_during_a_zoom_has_the_exact_cards(view, drawn):
    scene = view.scene()
    view.zoom_by(1.06)
    view.viewport().repaint()
    assert drawn == [] and scene.card_pictures.owed()
    image = QImage(700, 300, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), scene.itemsBoundingRect())  # at a scale of its own
    painter.end()
    assert drawn  # drawn at its own scale, never stood in for
