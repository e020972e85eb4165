"""Habits from other diagram tools, on the real main window: right-click menus, copy as image, one remembered
folder, pictures in the Open dialog, a legend in exported pictures, a refit when the window shrinks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from statediagram.core.fileio import save_diagram
from statediagram.core.model import Diagram, Link, LinkKey, Node, link_key
from statediagram.core.pngchunk import read_text_chunk
from statediagram.gui import theme
from statediagram.gui.files import export
from statediagram.gui.files.legend import WORDS
from statediagram.gui.window import MainWindow


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings" / "statediagram.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    w = MainWindow(settings=settings)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.new_diagram()
    yield w
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()


def right_click(w: MainWindow, scene_point: QPointF) -> QMenu:
    port = w.view.viewport()
    at = w.view.mapFromScene(scene_point)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, port.mapToGlobal(at))
    QApplication.sendEvent(port, event)
    menu = w.view.input.menus.shown
    assert menu is not None and menu.isVisible()
    return menu


def entries(menu: QMenu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def choose(menu: QMenu, words: str) -> None:
    action = next(a for a in menu.actions() if a.text().replace("&", "") == words)
    menu.close()
    action.trigger()


def point_on_link(w: MainWindow, key: LinkKey) -> QPointF:
    """A scene point where the link, and no card, answers a click (whatever shape the link's line takes)."""
    link = w.scene.link_items[key]
    box = link.sceneBoundingRect()
    menus = w.view.input.menus
    for i in range(int(box.width()) // 2):
        for j in range(int(box.height()) // 2):
            at = QPointF(box.left() + 2 * i, box.top() + 2 * j)
            if menus.link_at(at) is link and w.scene.node_item_at(at) is None:
                return at
    raise AssertionError("no point of the link is clear of the cards")


def two_servers_and_a_link(w: MainWindow) -> tuple[str, str]:
    a, r = w.editor.add_node("server", 0, 0), w.editor.add_node("redis", 400, 0)
    w.editor.link(a, r)
    w.scene.clearSelection()
    w.view.centerOn(200, 0)
    return a, r


# --- right-click menus ----------------------------------------------------------------------------------------


def test_a_node_menu_offers_the_usual_commands_and_acts_on_the_node_clicked(window):
    w = window
    a, r = two_servers_and_a_link(w)
    menu = right_click(w, QPointF(400, 0))
    assert menu.objectName() == "nodeMenu"
    words = entries(menu)
    for wanted in ("Rename…", "Link To…", "Properties", "Bring to Front", "Copy as Image", "Delete"):
        assert wanted in words
    assert w.scene.selected_node_ids() == [r]  # the right-clicked node is what the menu acts on
    choose(menu, "Delete")
    assert not w.doc.has_node(r) and w.doc.has_node(a)
    assert w.doc.diagram.links == [] or len(w.doc.diagram.links) == 0


def test_a_link_menu_deletes_the_link_and_selects_its_ends(window):
    w = window
    a, r = two_servers_and_a_link(w)
    middle = point_on_link(w, link_key(a, r))
    menu = right_click(w, middle)
    assert menu.objectName() == "linkMenu"
    choose(menu, "Select Its Two Nodes")
    assert sorted(w.scene.selected_node_ids()) == sorted([a, r])
    menu = right_click(w, middle)
    choose(menu, "Delete")
    assert w.doc.diagram.find_link(a, r) is None
    assert w.doc.has_node(a) and w.doc.has_node(r)


def test_add_here_on_the_empty_canvas_never_lands_on_a_card(window):
    w = window
    a, r = two_servers_and_a_link(w)
    menu = right_click(w, QPointF(200, 300))
    assert menu.objectName() == "canvasMenu"
    words = entries(menu)
    for wanted in ("Add Server Here", "Add Redis Here", "Paste Here", "Select All", "Tidy Up in Tiers"):
        assert wanted in words
    choose(menu, "Add Server Here")
    new = w.scene.selected_node_ids()[0]
    assert (w.doc.node(new).x, w.doc.node(new).y) == (200, 300)  # free there: exactly where clicked
    # Right-click on the card's own edge: the new node goes beside it, not on it.
    edge = w.scene.node_items[a].card_rect().translated(0, 0)
    menu = right_click(w, QPointF(0, edge.bottom() + 6))
    choose(menu, "Add Redis Here")
    cards = [i.card_rect().translated(i.pos()) for i in w.scene.node_items.values()]
    assert not any(c.intersects(d) for n, c in enumerate(cards) for d in cards[n + 1:])


def test_a_mission_palette_limits_add_here_too(window):
    w = window
    w.restrict_palette(("server", "redis"))
    menu = right_click(w, QPointF(0, 0))
    adds = [t for t in entries(menu) if t.startswith("Add ")]
    assert adds == ["Add Server Here", "Add Redis Here"]
    menu.close()


def test_bring_to_front_draws_a_node_over_the_card_it_overlaps_and_undoes(window):
    w = window
    w.scene.snap_enabled = False
    a = w.editor.add_node("server", 0, 0)
    b = w.editor.add_node("server", 60, 30)  # added later: drawn over a
    overlap = QPointF(30, 15)
    assert w.scene.node_item_at(overlap).node_id == b
    menu = right_click(w, QPointF(-60, -20))
    assert w.scene.selected_node_ids() == [a]
    choose(menu, "Bring to Front")
    assert w.scene.node_item_at(overlap).node_id == a
    assert w.doc.diagram.nodes[-1].id == a  # kept in the file: last drawn, on top
    w.doc.undo_stack.undo()
    assert w.scene.node_item_at(overlap).node_id == b
    assert [n.id for n in w.doc.diagram.nodes] == [a, b]


# --- copy as image ---------------------------------------------------------------------------------------------


def clipboard_png() -> bytes:
    mime = QGuiApplication.clipboard().mimeData()
    assert mime is not None and mime.hasFormat("image/png")
    return bytes(mime.data("image/png").data())


def test_ctrl_shift_c_copies_a_picture_of_the_selection_carrying_it(window, qtbot):
    w = window
    a, r = two_servers_and_a_link(w)
    lb = w.editor.add_node("load_balancer", -400, 0)
    w.scene.select_ids([a, r])
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    data = clipboard_png()
    image = QImage.fromData(data, "PNG")
    assert not image.isNull()
    carried = read_text_chunk(data, "statediagram")
    assert '"server"' in carried and '"redis"' in carried and lb not in carried
    whole = export.render_image(w.doc.diagram, 2.0)
    assert image.width() < whole.width()  # the selection only, not the load balancer on the left
    assert not QGuiApplication.clipboard().image().isNull()  # other programs take it as a plain image too
    w.scene.clearSelection()
    w.actions.copy_image.trigger()
    assert lb in read_text_chunk(clipboard_png(), "statediagram")  # nothing selected: the whole diagram
    assert "whole diagram" in w.statusBar().currentMessage()


# --- one remembered folder ---------------------------------------------------------------------------------------


def test_open_save_and_export_start_in_one_remembered_folder(window, tmp_path, monkeypatch, settings, qtbot):
    w = window
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    save_diagram(Diagram(nodes=[Node("a", "server", "Server A", 0, 0)]), first / "one.statediagram.json")
    asked: list[tuple[str, str]] = []

    def open_dialog(parent, caption, folder, filters):
        asked.append(("open", folder, filters))
        return "", ""

    def save_dialog(parent, caption, suggested, filters):
        asked.append(("save", suggested, filters))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_dialog)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    w.open_path(str(first / "one.statediagram.json"))
    w.actions.open.trigger()
    assert asked[-1][1] == str(first)
    w.files._write(str(second / "two.statediagram.json"))  # saved elsewhere: that folder from now on
    w.actions.export_png.trigger()
    assert asked[-1][0] == "save" and asked[-1][1].startswith(str(second) + "/")
    w.actions.save_as.trigger()
    assert asked[-1][1].startswith(str(second) + "/")
    w.missions.open_file.trigger()  # Missions > Open Mission File… starts there too
    assert asked[-1] == ("open", str(second), asked[-1][2])
    again = MainWindow(settings=QSettings(settings.fileName(), QSettings.Format.IniFormat))  # a new start
    try:
        again.open_diagram()
        assert asked[-1][1] == str(second)
    finally:
        again.close()
        again.deleteLater()


def test_the_open_dialog_shows_diagrams_and_exported_pictures_in_its_first_filter(window, monkeypatch):
    seen = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda parent, caption, folder, filters: seen.append(filters) or ("", ""))
    window.actions.open.trigger()
    first = seen[0].split(";;")[0]
    for pattern in ("*.statediagram.json", "*.png"):
        assert pattern in first


def test_a_remembered_folder_that_is_gone_falls_back_to_home(settings, tmp_path):
    from pathlib import Path

    from statediagram.gui.files.folders import RememberedFolder

    folders = RememberedFolder(settings)
    gone = tmp_path / "gone"
    gone.mkdir()
    folders.remember(str(gone / "x.png"))
    assert folders.folder() == str(gone)
    gone.rmdir()
    assert folders.folder() == str(Path.home())


# --- a legend in exported pictures ----------------------------------------------------------------------------


def colour_count(image: QImage, colour, rows: range) -> int:
    rgb = colour.rgb() & 0xFFFFFF
    return sum(1 for y in rows for x in range(image.width()) if image.pixel(x, y) & 0xFFFFFF == rgb)


def test_an_exported_picture_explains_its_badges_under_the_diagram(qapp):
    own = Diagram(nodes=[Node("a", "server", "Server A", 0, 0)])
    bare = Diagram(nodes=[Node("c", "client", "Users", 0, 0), Node("lb", "load_balancer", "LB", 240, 0)],
                   links=[Link("c", "lb")])
    plain = export.render_image(bare)
    from statediagram.gui.canvas.scene import DiagramScene
    from statediagram.gui.document import Document

    scene = DiagramScene(Document(bare.copy()), interactive=False)
    assert plain.height() == round(export.picture_rect(scene).height())  # nothing to explain: no legend
    scene.clear()
    with_badges = export.render_image(own)
    scene = DiagramScene(Document(own.copy()), interactive=False)
    without = round(export.picture_rect(scene).height())
    scene.clear()
    assert with_badges.height() >= without + 25  # a line of legend under the card
    legend_rows = range(without - 10, with_badges.height())  # below the card (its bottom margin is 32)
    assert colour_count(with_badges, theme.LOCAL_FILL, legend_rows) > 50  # the "own" swatch in the legend
    assert colour_count(with_badges, theme.SHARED_FILL, legend_rows) == 0  # nothing shared: not explained
    svg = export.svg_bytes(own).decode("utf-8")
    assert WORDS[False].split(":")[0] in svg  # the same legend in SVG, as text
    assert WORDS[True].split(" (")[0] not in svg  # only what the picture shows


def test_the_legend_names_shared_places_when_a_server_uses_one(qapp):
    shared = Diagram(nodes=[Node("a", "server", "Server A", 0, 0, {"auth": "jwt"}),
                            Node("p", "postgres", "PostgreSQL", 300, 0),
                            Node("o", "object_storage", "Files", 300, 200)],
                     links=[Link("a", "p"), Link("a", "o")])
    svg = export.svg_bytes(shared).decode("utf-8")
    assert "kept in a shared place" in svg and "lost when it crashes" not in svg


# --- the window's size ------------------------------------------------------------------------------------------


def test_a_window_made_smaller_than_the_diagram_refits_it(window, qtbot):
    w = window
    for i in range(6):
        w.editor.add_node("server", i * 240, 0)
    w.view.zoom_to_fit()
    qtbot.wait(200)  # the simulation's bar and panel are in place
    wide = w.view.width()
    w.resize(1280, 720)
    qtbot.waitUntil(lambda: w.view.width() < wide - 50)
    QApplication.processEvents()
    shown = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    assert shown.contains(w.view.diagram_rect())


def test_the_diagrams_extent_holds_every_card_whole_whatever_its_kind_and_place(window):
    """Fit, refit and the window's resize use the extent of the cards: the union of every card's rectangle, tall
    server cards (their badges) and short ones alike, wherever they lie."""
    w = window
    kinds = ("server", "redis", "client", "load_balancer", "postgres", "websocket_server")
    places = [(-900, 40), (1200, -700), (300, 1500), (-40, -30), (2200, 2100), (-1500, 900), (700, 700)]
    for i, (x, y) in enumerate(places):
        w.editor.add_node(kinds[i % len(kinds)], x, y)
    union = QRectF()
    for card in w.scene.node_items.values():
        union = union.united(card.sceneBoundingRect())
    extent = w.view.diagram_rect()
    assert (extent.left(), extent.top(), extent.right(), extent.bottom()) == (
        union.left(), union.top(), union.right(), union.bottom())
    card = next(iter(w.scene.node_items.values()))
    card.setPos(card.x() - 5000, card.y() + 4000)  # as a drag leaves it
    assert w.view.diagram_rect().left() == card.sceneBoundingRect().left()
    assert w.view.diagram_rect().bottom() == card.sceneBoundingRect().bottom()


def test_a_diagram_zoomed_into_stays_zoomed_when_the_window_shrinks(window, qtbot):
    w = window
    for i in range(6):
        w.editor.add_node("server", i * 240, 0)
    w.view.set_zoom(2.0)
    qtbot.wait(200)
    wide = w.view.width()
    w.resize(1280, 720)
    qtbot.waitUntil(lambda: w.view.width() < wide - 50)
    assert w.view.zoom() == 2.0


def test_a_diagram_fitted_in_a_small_window_stays_centred_when_the_window_grows(window, qtbot):
    w = window
    for i in range(3):
        w.editor.add_node("server", i * 240, 0)
    qtbot.wait(200)  # the simulation's bar and panel are in place
    w.resize(1280, 720)
    qtbot.waitUntil(lambda: w.height() <= 720)
    QApplication.processEvents()
    w.view.zoom_to_fit()
    small = w.view.width()
    w.resize(1600, 1000)  # maximized on a bigger screen: the diagram was off to the top left
    qtbot.waitUntil(lambda: w.view.width() > small + 100)
    QApplication.processEvents()
    centre = w.view.mapFromScene(w.view.diagram_rect().center())
    middle = w.view.viewport().rect().center()
    assert abs(centre.x() - middle.x()) <= 4 and abs(centre.y() - middle.y()) <= 4, (centre, middle)


def test_the_window_fits_a_1280_by_720_screen_with_the_run_bar_in_place(window, qtbot):
    w = window
    qtbot.waitUntil(lambda: w._simulation is not None)
    QApplication.processEvents()
    need = w.minimumSizeHint()
    assert need.width() <= 1280 - 40 and need.height() <= 720 - 60  # room left for a window frame and a panel


def test_pasting_twice_never_stacks_the_copies_on_one_another(window):
    from statediagram.gui.editing import clipboard

    w = window
    a, r = two_servers_and_a_link(w)
    w.scene.select_ids([a, r])
    assert clipboard.copy_selection(w.editor)
    for _ in range(3):
        clipboard.paste(w.editor)
    assert len(w.doc.diagram.nodes) == 8
    cards = [(i.node_id, i.card_rect().translated(i.pos())) for i in w.scene.node_items.values()]
    assert [(p, q) for n, (p, c) in enumerate(cards) for q, d in cards[n + 1:] if c.intersects(d)] == []


def test_the_menu_key_opens_the_selected_nodes_menu_where_it_is(window):
    w = window
    a, r = two_servers_and_a_link(w)
    w.scene.select_ids([r])
    port = w.view.viewport()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, port.rect().center(),
                              port.mapToGlobal(port.rect().center()))
    QApplication.sendEvent(port, event)
    menu = w.view.input.menus.shown
    assert menu is not None and menu.objectName() == "nodeMenu"
    assert w.scene.selected_node_ids() == [r]
    at = w.view.mapFromScene(w.scene.node_items[r].pos())
    assert (w.view.input.menus.shown_at - port.mapToGlobal(at)).manhattanLength() < 4  # at the node, not the centre
    menu.close()


def test_the_window_opens_no_bigger_than_a_1280_by_720_screen(qapp, monkeypatch):
    from PySide6.QtCore import QRect

    from statediagram.gui import short_window as window_module

    class Screen:
        def availableGeometry(self):  # noqa: N802 - Qt's name
            return QRect(0, 0, 1280, 720)

    monkeypatch.setattr(window_module.QGuiApplication, "primaryScreen", staticmethod(lambda: Screen()))
    monkeypatch.setattr(window_module.QGuiApplication, "platformName", staticmethod(lambda: "xcb"))
    assert window_module.initial_size() == (1280, 720)


def test_paste_here_puts_the_copies_where_the_canvas_was_right_clicked(window):
    from statediagram.gui.editing import clipboard

    w = window
    a, r = two_servers_and_a_link(w)
    w.scene.select_ids([a, r])
    assert clipboard.copy_selection(w.editor)
    w.scene.clearSelection()
    menu = right_click(w, QPointF(200, 400))
    choose(menu, "Paste Here")
    pasted = w.scene.selected_node_ids()
    assert len(pasted) == 2 and not {a, r} & set(pasted)
    xs = [w.doc.node(n).x for n in pasted]
    ys = [w.doc.node(n).y for n in pasted]
    assert ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2) == (200, 400)
    assert len(w.doc.diagram.links) == 2  # the link between the two came along
