"""Links on the canvas run along routes around the cards: on every example, after Tidy Up, while a card is
dragged, and zoomed far out; what the screen shows is what is wired."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor

from statediagram.core.model import LinkKey, link_key
from statediagram.core.routes import segment_crosses
from statediagram.gui import theme
from statediagram.gui.canvas.scene import DiagramScene
from statediagram.gui.document import Document
from statediagram.gui.window import MainWindow

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.statediagram.json"))


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    w.show()
    qtbot.waitExposed(w)
    w.new_diagram()
    yield w
    w.doc.undo_stack.setClean()
    w.close()


def cards(scene) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for node_id, item in scene.node_items.items():
        r = item.card_rect().translated(item.pos())
        out[node_id] = (r.left(), r.top(), r.right(), r.bottom())
    return out


def crossings(scene) -> list[tuple[LinkKey, str]]:
    """(link, node) for every piece of a drawn route that runs through a card (a link's own cards only for the
    pieces that do not leave from their ports)."""
    found = []
    rects = cards(scene)
    for key, link in scene.link_items.items():
        points = [(p.x(), p.y()) for p in link.points()]
        assert len(points) >= 2, key
        pieces = list(zip(points, points[1:], strict=False))
        for i, (p, q) in enumerate(pieces):
            for node_id, rect in rects.items():
                own_end = (node_id == link.a.node_id and i == 0) or (node_id == link.b.node_id and i == len(pieces) - 1)
                if not own_end and segment_crosses(p, q, rect):
                    found.append((key, node_id))
    return found


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_no_link_of_an_example_runs_under_a_card_as_opened_and_after_tidy_up(path, window, qtbot):
    assert window.open_path(str(path))
    scene = window.scene
    assert scene.link_items and not scene.router.provisional
    assert crossings(scene) == []
    window.actions.tidy.trigger()
    qtbot.waitUntil(lambda: not scene.router.provisional)
    assert crossings(scene) == []
    # Tidy Up refits the view: every card in sight
    seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert all(seen.contains(item.sceneBoundingRect()) for item in scene.node_items.values())


def test_a_link_that_would_run_under_a_card_goes_round_it_on_screen(window, qtbot):
    ed = window.editor
    a, b, store = ed.add_node("server", 0, 0), ed.add_node("server", 0, 200), ed.add_node("redis", 0, 400)
    ed.link(a, store)  # a straight line would run down through b's card
    scene = window.scene
    qtbot.waitUntil(lambda: not scene.router.provisional)
    assert crossings(scene) == []
    route = scene.link_items[link_key(a, store)].points()
    assert len(route) > 2
    window.view.centerOn(QPointF(0, 200))
    window.view.viewport().repaint()
    picture = window.view.viewport().grab().toImage()

    def link_coloured(pos: QPointF) -> bool:
        at = window.view.mapFromScene(pos)
        c = QColor(picture.pixel(at.x(), at.y()))
        return max(abs(c.red() - theme.LINK.red()), abs(c.green() - theme.LINK.green()),
                   abs(c.blue() - theme.LINK.blue())) < 40

    # the link is seen where its route runs beside b, and not across b's card
    beside = [p for p, q in zip(route, route[1:], strict=False) if p.x() == q.x() and min(p.y(), q.y()) < 200 <
              max(p.y(), q.y())]
    assert beside and link_coloured(QPointF(beside[0].x(), 200))
    card = scene.node_items[b].card_rect().translated(scene.node_items[b].pos())
    assert not any(link_coloured(QPointF(x, 200)) for x in range(int(card.left()) + 60, int(card.right()) - 10, 3))


def test_dragging_a_card_into_a_route_sends_the_link_round_it(window, qtbot):
    ed = window.editor
    a, store = ed.add_node("server", 0, 0), ed.add_node("redis", 400, 0)
    b = ed.add_node("postgres", 0, 400)
    ed.link(a, store)
    scene = window.scene
    link = scene.link_items[link_key(a, store)]
    assert len(link.points()) == 2  # straight across
    scene.node_items[b].setPos(200, 0)  # as a drag moves it, before the model hears of it
    qtbot.waitUntil(lambda: not scene.router.provisional)
    assert crossings(scene) == []
    assert len(link.points()) > 2
    # the same routes as a canvas that shows the diagram afresh with b there
    ed.move_nodes({b: ((0.0, 400.0), (200.0, 0.0))}, "Move")
    fresh = DiagramScene(Document(window.doc.diagram.copy()), interactive=False)
    try:
        assert {k: i.points() for k, i in fresh.link_items.items()} == \
            {k: i.points() for k, i in scene.link_items.items()}
    finally:
        fresh.clear()


def test_zoomed_out_the_view_draws_the_links_along_their_routes(window, qtbot):
    """Far out the view draws links and cards itself, in batches: the links still run round the cards."""
    ed = window.editor
    a, b, store = ed.add_node("server", 0, 0), ed.add_node("server", 0, 200), ed.add_node("redis", 0, 400)
    ed.link(a, store)
    scene = window.scene
    qtbot.waitUntil(lambda: not scene.router.provisional)
    route = scene.link_items[link_key(a, store)].points()
    window.view.resetTransform()
    window.view.scale(0.4, 0.4)
    window.view.centerOn(QPointF(0, 200))
    qtbot.wait(50)
    assert scene.overview_mode.on
    window.view.viewport().repaint()
    picture = window.view.viewport().grab().toImage()
    side = next(p for p, q in zip(route, route[1:], strict=False) if p.x() == q.x() and min(p.y(), q.y()) < 200 <
                max(p.y(), q.y()))
    at = window.view.mapFromScene(QPointF(side.x(), 200))
    darkest = min(QColor(picture.pixel(at.x() + dx, at.y())).lightness() for dx in (-1, 0, 1))
    assert darkest < 200  # the route's upright piece beside b's card is drawn
    inside = window.view.mapFromScene(QPointF(0, 200))
    assert QRectF(scene.node_items[b].sceneBoundingRect()).contains(QPointF(0, 200))
    assert QColor(picture.pixel(inside.x(), inside.y())) != QColor(theme.LINK)


def routes_cross(r1, r2) -> bool:
    """Whether two orthogonal routes cross (a level piece of one through an upright piece of the other)."""
    for p, q in zip(r1, r1[1:], strict=False):
        for s, t in zip(r2, r2[1:], strict=False):
            for (h0, h1), (v0, v1) in (((p, q), (s, t)), ((s, t), (p, q))):
                if h0.y() == h1.y() and v0.x() == v1.x() and \
                        min(h0.x(), h1.x()) < v0.x() < max(h0.x(), h1.x()) and \
                        min(v0.y(), v1.y()) < h0.y() < max(v0.y(), v1.y()):
                    return True
    return False


def test_tidy_up_places_each_store_level_with_its_server_so_routes_are_straight_and_do_not_cross(window, qtbot):
    ed = window.editor
    lb = ed.add_node("load_balancer", 0, 0)
    a, b = ed.add_node("server", 300, -200), ed.add_node("server", 300, 200)
    first, second = ed.add_node("redis", 600, 300), ed.add_node("redis", 600, -300)  # drawn the wrong way round
    for x, y in ((lb, a), (lb, b), (a, first), (b, second)):
        ed.link(x, y)
    scene = window.scene
    qtbot.waitUntil(lambda: not scene.router.provisional)
    store_routes = [scene.link_items[link_key(*pair)] for pair in ((a, first), (b, second))]
    assert routes_cross(store_routes[0].points(), store_routes[1].points())
    window.actions.tidy.trigger()
    qtbot.waitUntil(lambda: not scene.router.provisional)
    assert [len(link.points()) for link in store_routes] == [2, 2]  # straight across
    routes = [link.points() for link in scene.link_items.values()]
    assert not any(routes_cross(r1, r2) for i, r1 in enumerate(routes) for r2 in routes[i + 1:])
    assert crossings(scene) == []
