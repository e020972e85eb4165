"""What the editor's fast paths must not change for the learner: far out every node still shows (as a block
of its colour), clicks still land, zooming back in brings the cards back, pictures always have the cards."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest

from statediagram.core.model import Diagram, Link, Node
from statediagram.gui import theme
from statediagram.gui.canvas import view as view_module
from statediagram.gui.canvas.items import BLOCKS_LOD, TEXT_LOD
from statediagram.gui.canvas.scene import DiagramScene
from statediagram.gui.canvas.view import DiagramView
from statediagram.gui.document import Document
from statediagram.gui.editing.editor import Editor

KINDS = ("client", "load_balancer", "server", "redis", "postgres", "object_storage")


def big_diagram(columns: int = 20, rows: int = 15) -> Diagram:
    """300 nodes of every kind on a grid, each server linked to the load balancer to its left."""
    d = Diagram(title="big")
    for c in range(columns):
        for r in range(rows):
            kind = KINDS[c % len(KINDS)]
            d.nodes.append(Node(f"n{c}-{r}", kind, f"{kind} {c}.{r}", c * 260.0, r * 180.0))
            if kind == "server":
                d.links.append(Link(f"n{c - 1}-{r}", f"n{c}-{r}"))
    return d


@pytest.fixture
def canvas(qtbot):
    doc = Document(big_diagram())
    scene = DiagramScene(doc)
    editor = Editor(doc, scene)
    view = DiagramView(scene, editor)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def zoom_all_out(view: DiagramView, qtbot) -> None:
    """Fit the diagram, and give the items the few turns of the event loop they take to stop drawing."""
    view.zoom_to_fit()
    picture(view)
    qtbot.wait(100)


def picture(view: DiagramView) -> QImage:
    return view.viewport().grab().toImage()


def colour_at(image: QImage, at: QPoint) -> QColor:
    return image.pixelColor(at.x(), at.y())


def close(a: QColor, b: QColor, tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def centre_on_screen(view: DiagramView, node_id: str) -> QPoint:
    item = view.scene().node_items[node_id]
    return view.mapFromScene(item.pos())


def test_zoomed_all_the_way_out_every_node_still_shows_as_a_block_of_its_colour(canvas, qtbot):
    zoom_all_out(canvas, qtbot)
    assert canvas.zoom() < BLOCKS_LOD  # far enough out for the batched drawing
    image = picture(canvas)
    missing = [
        node_id for node_id, item in canvas.scene().node_items.items()
        if not close(colour_at(image, centre_on_screen(canvas, node_id)), theme.kind_colour(item.kind).lighter(150))
    ]
    assert missing == []


def test_just_above_fit_every_node_in_sight_shows_even_at_the_edges(canvas, qtbot):
    """Far out, only the part of the diagram in sight is drawn: nothing in sight may be left out."""
    canvas.set_zoom(BLOCKS_LOD * 0.9)
    canvas.centerOn(canvas.scene().node_items["n13-11"])
    picture(canvas)
    qtbot.wait(100)
    image = picture(canvas)
    inside = canvas.viewport().rect().adjusted(2, 2, -2, -2)
    items = canvas.scene().node_items
    in_sight = {node_id: centre_on_screen(canvas, node_id) for node_id in items}
    in_sight = {node_id: at for node_id, at in in_sight.items() if inside.contains(at)}
    assert 20 < len(in_sight) < len(items)  # a part of the diagram, out to the edges
    block = {node_id: theme.kind_colour(items[node_id].kind).lighter(150) for node_id in in_sight}
    missing = [node_id for node_id, at in in_sight.items() if not close(colour_at(image, at), block[node_id])]
    assert missing == []


def test_zoomed_out_a_click_still_selects_the_node_and_shows_it_selected(canvas, qtbot):
    zoom_all_out(canvas, qtbot)
    at = centre_on_screen(canvas, "n3-7")
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert canvas.scene().selected_node_ids() == ["n3-7"]
    assert close(colour_at(picture(canvas), at), theme.SELECTION)


def test_zoomed_out_a_moved_node_shows_where_it_went(canvas, qtbot):
    zoom_all_out(canvas, qtbot)
    node = canvas.scene().doc.node("n0-0")
    canvas.editor.move_nodes({"n0-0": ((node.x, node.y), (node.x, node.y - 400.0))}, "Move")
    image = picture(canvas)
    block = theme.kind_colour("client").lighter(150)
    assert close(colour_at(image, centre_on_screen(canvas, "n0-0")), block)
    assert not close(colour_at(image, canvas.mapFromScene(QPointF(node.x, node.y + 400.0))), block)


def test_zooming_back_in_draws_the_whole_card_again(canvas, qtbot):
    zoom_all_out(canvas, qtbot)
    canvas.set_zoom(1.0)
    canvas.centerOn(canvas.scene().node_items["n1-3"])
    item = canvas.scene().node_items["n1-3"]
    inside = item.card_rect().bottomRight() + QPointF(-8, -8)  # plain card, no icon or text there
    colour = colour_at(picture(canvas), canvas.mapFromScene(item.mapToScene(inside)))
    assert close(colour, theme.CARD)


def test_renaming_a_node_redraws_its_card(canvas):
    canvas.set_zoom(1.0)
    item = canvas.scene().node_items["n1-3"]
    canvas.centerOn(item)
    area = canvas.mapFromScene(item.sceneBoundingRect()).boundingRect()
    before = canvas.viewport().grab(area).toImage()
    canvas.editor.rename("n1-3", "Edge balancer")
    after = canvas.viewport().grab(area).toImage()
    assert before != after


def test_a_picture_taken_while_the_view_is_zoomed_out_has_the_cards(canvas, qtbot):
    zoom_all_out(canvas, qtbot)
    item = canvas.scene().node_items["n1-3"]
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    source = QRectF(item.pos().x() - 200, item.pos().y() - 150, 400, 300)
    canvas.scene().render(painter, QRectF(0, 0, 400, 300), source)
    painter.end()
    label_row = image.copy(200 - 38, 150 - item.card_rect().height() / 2 + 12, 100, 16)
    assert any(label_row.pixelColor(x, y).lightness() < 120 for x in range(100) for y in range(16))  # the label


# --- between the blocks and the texts, the view draws the cards in batches -----------------------------------


def look_in_between(view: DiagramView, qtbot, batched: bool, monkeypatch) -> QImage:
    """The view at zoom 0.4 (cards without texts), drawn in batches or (as at any zoom) by the items."""
    monkeypatch.setattr(view_module, "TEXT_LOD", TEXT_LOD if batched else 0.0)
    view.set_zoom(0.4)
    view.centerOn(QPointF(8 * 260.0, 7 * 180.0))  # where n8-7 is
    picture(view)
    qtbot.wait(100)  # the items out of sight switch over a few turns of the event loop
    assert view.scene().overview_mode.on == batched
    return picture(view)


def differences(a: QImage, b: QImage) -> tuple[int, int]:
    """How many bytes of two pictures differ, and by how much at most."""
    count = worst = 0
    for y in range(a.height()):
        row_a, row_b = bytes(a.constScanLine(y)), bytes(b.constScanLine(y))
        if row_a != row_b:
            changed = [abs(p - q) for p, q in zip(row_a, row_b, strict=True) if p != q]
            count, worst = count + len(changed), max(worst, *changed)
    return count, worst


@pytest.mark.parametrize("moved", [False, True])
def test_between_blocks_and_texts_the_cards_look_as_the_items_draw_them(canvas, qtbot, monkeypatch, moved):
    scene = canvas.scene()
    scene.node_items["n8-6"].setSelected(True)
    scene.node_items["n8-8"].hovered = True
    scene.node_items["n9-7"].set_warnings(["Sessions live in this server's memory."])
    batched = look_in_between(canvas, qtbot, True, monkeypatch)
    if moved:  # a drag step: the batches follow the node and its link without being made again
        node = scene.doc.node("n8-7")
        canvas.editor.move_nodes({"n8-7": ((node.x, node.y), (node.x + 40.0, node.y + 60.0))}, "Move")
        batched = picture(canvas)
    drawn = look_in_between(canvas, qtbot, False, monkeypatch)
    count, worst = differences(batched, drawn)
    assert count < batched.sizeInBytes() // 1000 and worst <= 64  # only the end dots' soft edges


def test_between_blocks_and_texts_a_click_still_selects_the_node(canvas, qtbot, monkeypatch):
    look_in_between(canvas, qtbot, True, monkeypatch)
    at = centre_on_screen(canvas, "n8-7")
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert canvas.scene().selected_node_ids() == ["n8-7"]


def test_a_tile_holding_thousands_of_links_makes_its_drawing_in_steps_and_the_same_drawing():
    """4,000 stacked servers put their 8,001 links in one tile of the overview: its drawing, made ahead while the
    file opens, comes in steps between which the window gets its turn (made in one piece it held it 0.22 s), and
    is the drawing made in one piece when first painted."""
    from statediagram.gui.canvas.overview import DRAWING_STEP, _Tile

    def tile() -> _Tile:
        t = _Tile()
        for i in range(2001):
            t.add_link(i, ((0.0, i), (50.0, i), (50.0, i + 7.0)), i % 9 == 0)  # any key stands for a link item
        return t

    stepped, whole = tile(), tile()
    assert sum(1 for _ in stepped.drawing()) == 2001 // DRAWING_STEP >= 4
    for (a, b) in zip(stepped.drawn(), whole.drawn(), strict=True):
        assert a == b
    assert whole.drawn()[0].elementCount() == 4 * (2001 - 223)  # two pieces a link, a move and a line each


def test_a_tile_drawn_in_steps_shows_a_link_added_or_dropped_between_two_steps():
    """A link added or dropped while the tile's drawing is being made ahead is in (or out of) what is drawn."""
    from statediagram.gui.canvas.overview import DRAWING_STEP, _Tile

    for change in ("add", "drop"):
        t = _Tile()
        for i in range(2 * DRAWING_STEP):
            t.add_link(i, ((0.0, i), (50.0, i)), False)
        steps = t.drawing()
        next(steps)
        if change == "add":
            t.add_link("new", ((0.0, -5.0), (50.0, -5.0)), False)
        else:
            t.drop_link(0)
        for _step in steps:
            pass
        expected = 2 * DRAWING_STEP + (1 if change == "add" else -1)
        assert t.drawn()[2].size() == 2 * expected  # two end dots a link
        assert t.drawn()[0].elementCount() == 2 * expected  # one piece a link: a move and a line


def test_cards_in_sight_are_counted_again_when_one_goes_and_another_comes(qtbot, monkeypatch):
    """Whether the view is crowded is kept while nothing changes; a card deleted in sight and one added out of it
    (as many cards as before) change the answer."""
    from statediagram.gui.canvas import crowding

    monkeypatch.setattr(crowding, "CROWDED", 3)  # cards in sight beyond which the view is crowded
    doc = Document(Diagram(nodes=[Node(f"s{i}", "server", f"Server {i}", 200 * i, 0) for i in range(5)]))
    scene = DiagramScene(doc)
    sight = QRectF(-100, -100, 850, 200)  # s0 to s3
    assert scene.crowded(sight)
    doc.remove_node("s0")
    doc.insert_node(4, Node("far", "server", "Far away", 50_000, 0))  # as many cards as before, three in sight
    assert not scene.crowded(sight)


def test_a_dragged_card_is_counted_where_it_went_without_asking_every_card_again(qtbot, monkeypatch):
    """Each frame of a drag moves a card: crowded() counts it at its new place, the others from the places it
    kept (asking 2,000 cards for their places took 3.5 ms a frame)."""
    from PySide6.QtWidgets import QGraphicsItem

    from statediagram.gui.canvas import crowding
    from statediagram.gui.canvas.items import NodeItem

    monkeypatch.setattr(crowding, "CROWDED", 3)  # cards in sight beyond which the view is crowded
    doc = Document(Diagram(nodes=[Node(f"s{i}", "server", f"Server {i}", 200 * i, 0) for i in range(5)]))
    scene = DiagramScene(doc)
    sight = QRectF(-100, -100, 850, 200)  # s0 to s3
    assert scene.crowded(sight)
    asked: list[str] = []
    monkeypatch.setattr(NodeItem, "x", lambda self: asked.append(self.node_id) or QGraphicsItem.x(self))
    dragged = scene.node_items["s0"]
    dragged.setPos(5000, 0)  # as a drag moves it: the item first, the model on release
    assert not scene.crowded(sight)
    dragged.setPos(0, 0)
    assert scene.crowded(sight)
    assert set(asked) == {"s0"}


def test_the_diagrams_extent_is_kept_and_follows_every_card_that_comes_goes_or_moves(qtbot):
    """A fit asks for the rectangle holding every card; it is kept between fits, and is what the union of the
    cards' rectangles is after a drag, a move of the model's node, a card added and a card deleted."""
    doc = Document(Diagram(nodes=[Node(f"s{i}", "server", f"S{i}", 300 * i, 100 * i) for i in range(4)]))
    scene = DiagramScene(doc)

    def union() -> QRectF:
        rect = QRectF()
        for item in scene.node_items.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    assert scene.places.extent() == union()
    scene.node_items["s3"].setPos(-4000, 2500)  # as a drag moves it: the item first, the model on release
    assert scene.places.extent() == union() and scene.places.extent().left() < -3900
    doc.move_node("s3", 900, 300)  # as a move made, undone or redone moves the model's node
    assert scene.places.extent() == union() and scene.node_items["s3"].x() == 900
    doc.insert_node(4, Node("far", "redis", "Far", 9000, -700))
    assert scene.places.extent() == union() and scene.places.extent().right() > 9000
    doc.remove_node("far")
    assert scene.places.extent() == union()


def test_crowded_says_what_counting_the_cards_in_sight_says_as_cards_move(qtbot, monkeypatch):
    """Most views are answered from the cards between their left and right edges alone (two bisections); the
    answer is the one counting every card's place gives, for views of every shape and after cards moved."""
    import random

    from statediagram.gui.canvas import crowding

    monkeypatch.setattr(crowding, "CROWDED", 6)
    rng = random.Random(3)
    doc = Document(Diagram(nodes=[Node(f"s{i}", "server", f"S{i}", rng.randrange(0, 2000, 50),
                                       rng.randrange(0, 2000, 50)) for i in range(60)]))
    scene = DiagramScene(doc)
    answers = set()
    for step in range(300):
        if step % 3 == 0:  # a card dragged
            scene.node_items[f"s{rng.randrange(60)}"].setPos(rng.randrange(0, 2000, 50), rng.randrange(0, 2000, 50))
        x, y = rng.uniform(-100, 2000), rng.uniform(-100, 2000)
        sight = QRectF(x, y, rng.choice([80, 300, 900, 2500]), rng.choice([80, 300, 900, 2500]))
        counted = sum(1 for item in scene.node_items.values() if sight.contains(item.pos()))
        assert scene.crowded(sight) == (counted > 6), (step, counted)
        answers.add(counted > 6)
    assert answers == {True, False}
