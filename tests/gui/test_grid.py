"""The canvas's grid: crisp one-pixel lines in its two colours at any zoom, never smeared over two pixels."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from statediagram.gui import theme
from statediagram.gui.window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    w.show()
    qtbot.waitExposed(w)
    w.new_diagram()
    QApplication.processEvents()
    yield w
    w.doc.undo_stack.setClean()  # no "save changes?" question on closing
    w.close()
    w.deleteLater()


def test_the_grid_is_drawn_in_whole_pixels_of_its_own_colours_at_any_zoom(window):
    wanted = {theme.CANVAS.rgb(), theme.GRID_MINOR.rgb(), theme.GRID_MAJOR.rgb()}
    for zoom in (0.5, 0.73, 1.0, 1.37):
        window.view.set_zoom(zoom)
        window.view.centerOn(13.3, 7.7)  # the scene's lines fall between pixels
        picture = window.view.viewport().grab().toImage()
        y = picture.height() // 2
        seen = {picture.pixel(x, y) for x in range(picture.width())}
        lines = sum(picture.pixel(x, y) == theme.GRID_MINOR.rgb() for x in range(picture.width()))
        assert seen <= wanted, (zoom, sorted(hex(c) for c in seen - wanted)[:5])
        assert lines >= picture.width() // (theme.GRID * 5 * zoom), zoom  # the lines are there


def test_zoomed_in_a_step_and_out_again_no_card_is_drawn_anew(window, monkeypatch):
    """Each card in sight is copied from a picture made at the view's scale; back at a scale it had a moment ago
    (which differs from it in its last bits only), the pictures made then serve again."""
    from statediagram.gui.canvas.items import NodeItem

    for i, kind in enumerate(("client", "load_balancer", "server", "redis")):
        window.editor.add_node(kind, 260 * i, 0)
    window.view.set_zoom(0.5)
    window.view.viewport().repaint()
    for _ in range(10):  # a wheel turned ten notches in...
        window.view.zoom_by(1.06)
        window.view.viewport().repaint()
    drawn = []
    monkeypatch.setattr(NodeItem, "paint_card", lambda self, *args: drawn.append(self.node_id))
    for _ in range(10):  # ... and back: the scales of a moment ago, but for their last bits
        window.view.zoom_by(1 / 1.06)
        window.view.viewport().repaint()
    assert drawn == []
