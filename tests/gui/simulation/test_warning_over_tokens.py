"""A card's warning triangle stays readable during a run: a token passing over it (or waiting at the port next
to it) is drawn under the triangle, not over it. Checked on the pixels of the real main window's canvas."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor
from simgui import run_to, show_diagram

from statediagram.core.fileio import load_diagram
from statediagram.gui import theme
from statediagram.gui.simulation.style import OK, REQUEST
from statediagram.gui.simulation.tokens import Frame

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "stateless-full.statediagram.json"


def close_to(a: QColor, b: QColor, tolerance: int = 40) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= tolerance


def test_tokens_over_a_warning_triangle_leave_it_in_sight(window, qtbot):
    show_diagram(window, load_diagram(EXAMPLE).diagram)
    window.refresh_findings()  # as the window does a moment after an edit
    qtbot.waitUntil(lambda: not window.findings_work.busy)  # worked out in a child process
    warned = [item for item in window.scene.node_items.values() if item.warnings]
    assert warned, "the example's load balancer is a single point of failure: it should carry a warning"
    card = warned[0].card_rect().translated(warned[0].pos())
    centre = QPointF(card.right() - 16, card.top())  # where the card draws its triangle (canvas/items.py)
    sim = window.simulation
    sim.ui.simulate()
    run_to(window, 5_000_000)
    layer = sim.controller.layer
    # Tokens right on the triangle, of two looks (a request on its way, a request answered).
    tokens = [(centre.x(), centre.y(), REQUEST, 1), (centre.x(), centre.y() - 4, OK, 2),
              (centre.x() - 24, centre.y() + 2, OK, 3)]  # and one beside it
    layer.show_frame(Frame(layer.frame.t, tokens=tokens, states=layer.frame.states))
    view = window.view
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    zoom = view.transform().m11()
    assert zoom > 0.5  # the triangle is a few pixels across: it must be large enough to be checked
    # Points inside the triangle, clear of its "!" and of its outline.
    for dx, dy in ((-5, 5), (5, 5), (0, -4)):
        at = view.mapFromScene(QPointF(centre.x() + dx, centre.y() + dy))
        seen = QColor(image.pixel(at))
        assert close_to(seen, theme.WARNING_FILL), f"at {dx}, {dy} from the triangle's centre: {seen.name()}"
    # Tokens are still drawn: the one beside the triangle shows.
    beside = view.mapFromScene(QPointF(centre.x() - 24, centre.y() + 2))
    seen = QColor(image.pixel(beside))
    assert not close_to(seen, theme.CARD, 10) and not close_to(seen, theme.WARNING_FILL), seen.name()
