"""While a run is shown, the editor's diagram is drawn once and each frame paints only the simulation over it.
What the user sees must be exactly what the view itself would draw, and edits must still show at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QImage, QRegion
from PySide6.QtWidgets import QApplication
from simgui import show_diagram

from statediagram.core import Diagram, Link, Node
from statediagram.gui.editing import commands
from statediagram.sim.scenario import SECOND


class PaintCounter(QObject):
    """Counts the paint events a widget receives (installed last, so it sees them before anyone else)."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def canvas(w) -> QImage:
    return w.view.viewport().grab().toImage()


def drawn_by_the_view(w, sim) -> QImage:
    """The canvas as the editor's view paints it by itself (the picture switched off)."""
    backdrop = sim.controller.backdrop
    backdrop.set_enabled(False)
    try:
        return canvas(w)
    finally:
        backdrop.set_enabled(True)


def looks_as_the_view_draws_it(w, sim, image: QImage) -> bool:
    return differing_pixels(image, drawn_by_the_view(w, sim)) == 0


def move_node(w, node_id: str, dx: float, dy: float) -> None:
    node = w.doc.node(node_id)
    w.doc.undo_stack.push(commands.MoveNodes(w.doc, {node_id: ((node.x, node.y), (node.x + dx, node.y + dy))}, "Move"))


def differing_pixels(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    a = a.convertToFormat(QImage.Format.Format_RGB32)
    b = b.convertToFormat(QImage.Format.Format_RGB32)
    return sum(a.pixel(x, y) != b.pixel(x, y) for y in range(0, a.height(), 3) for x in range(0, a.width(), 3))


def shown_at(sim, t_us: int) -> int:
    """Pause at the first moment from ``t_us`` on with tokens on their way; returns it."""
    player = sim.controller.player
    player.set_playing(False)
    player.work_out(t_us + 3 * SECOND)
    for t in range(t_us, t_us + 2 * SECOND, 50_000):
        sim.ui.seek(t)
        if sim.controller.layer.token_count:
            return t
    raise AssertionError("no token on its way")


def test_tokens_over_the_picture_look_exactly_as_the_view_draws_them(main):
    w, sim = main
    sim.ui.simulate()
    t = shown_at(sim, 3 * SECOND)
    fast = canvas(w)
    assert sim.controller.backdrop.pictures_drawn >= 1  # the frame came from the picture
    assert looks_as_the_view_draws_it(w, sim, fast)
    sim.ui.seek(t + 100_000)  # tokens moved: the new frame differs, and still matches the view
    moved = canvas(w)
    assert differing_pixels(moved, fast) > 0
    assert looks_as_the_view_draws_it(w, sim, moved)


def test_a_node_moved_while_a_run_is_shown_is_drawn_at_its_new_place(main, qtbot):
    w, sim = main
    sim.ui.simulate()
    shown_at(sim, 3 * SECOND)
    before = canvas(w)
    move_node(w, "b", 120, 80)
    qtbot.wait(50)
    after = canvas(w)
    assert differing_pixels(after, before) > 0
    assert looks_as_the_view_draws_it(w, sim, after)


def test_a_click_selects_a_node_while_playing(main, qtbot):
    w, sim = main
    sim.ui.simulate()
    qtbot.wait(100)
    item = w.scene.node_items["a"]
    at = w.view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.wait(50)
    assert w.scene.selected_node_ids() == ["a"]
    sim.controller.player.set_playing(False)
    qtbot.wait(50)
    assert looks_as_the_view_draws_it(w, sim, canvas(w))


def test_after_the_run_is_stopped_edits_repaint_the_canvas(main, qtbot):
    w, sim = main
    sim.ui.simulate()
    qtbot.wait(200)  # frames painted over the picture while playing
    sim.ui.stop()
    qtbot.wait(50)
    paints = PaintCounter(w.view.viewport())
    move_node(w, "a", 100, 0)
    qtbot.waitUntil(lambda: paints.count > 0, timeout=1000)
    paints.count = 0
    w.scene.select_ids(["b"])
    qtbot.waitUntil(lambda: paints.count > 0, timeout=1000)


class PaintedRegions(QObject):
    """The regions of the paint events a widget receives."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.regions = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.regions.append(QRegion(event.region()))
        return False


def on_screen(w) -> QImage:
    """What the window shows of the canvas now: the window's pixels as painted so far (not painted again)."""
    viewport = w.view.viewport()
    at = viewport.mapTo(w, viewport.rect().topLeft())
    return w.screen().grabWindow(w.winId(), at.x(), at.y(), viewport.width(), viewport.height()).toImage()


def tall_diagram() -> Diagram:
    """Users over a load balancer over two servers over Redis: fitted into the wide canvas, a narrow column."""
    d = Diagram(title="tall")
    d.nodes += [Node("users", "client", "Users", 0, 0, {"users": 20}), Node("lb", "load_balancer", "LB", 0, 500),
                Node("a", "server", "Server A", -150, 1000), Node("b", "server", "Server B", 150, 1000),
                Node("redis", "redis", "Redis", 0, 1500)]
    d.links += [Link("users", "lb"), Link("lb", "a"), Link("lb", "b"), Link("a", "redis"), Link("b", "redis")]
    return d


@pytest.mark.parametrize("zoom", [None, 0.6])
def test_frames_repaint_only_where_the_run_draws_and_leave_nothing_behind(window, qtbot, zoom):
    """Each frame repaints the part of the canvas the run draws on, last frame's and this one's, not the whole
    canvas (a tall diagram in the wide canvas leaves most of it empty); what the window shows after many frames
    painted that way is what the view draws from scratch, with no token or label left where it was. Fitted, and
    closer in (0.6: the live chips, badges and store commands are drawn as words)."""
    w, sim = window, window.simulation
    show_diagram(w, tall_diagram())
    if zoom is not None:
        w.view.set_zoom(zoom)
        w.view.centerOn(0, 1000)
    qtbot.wait(20)
    sim.ui.simulate()
    t = shown_at(sim, 3 * SECOND)
    qtbot.wait(50)
    viewport = w.view.viewport()
    painted = PaintedRegions(viewport)
    behind = PaintedRegions(w)  # the window, behind the canvas and the run's panel
    player = sim.controller.player
    for i in range(1, 40):
        player.show_at(t + i * 16_000)
        qtbot.wait(5)  # the event loop paints what the frame asked for
    QApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)  # the last frame painted, if it was not yet
    assert not player.playing and sim.controller.layer.token_count
    if zoom is not None:
        assert sim.controller.layer.label_rects()  # words were drawn with the frames
    frames = [r for r in painted.regions if r.boundingRect() != viewport.rect()]
    assert len(frames) >= 20  # most frames repainted part of the canvas ...
    assert all(r.boundingRect().width() < viewport.width() * 0.6 for r in frames)
    # The canvas and the timeline cover what they repaint: the window behind them is not painted first (it was,
    # every frame, round the timeline's play head, and under the canvas where it repainted).
    timeline = sim.controls.timeline
    for widget in (viewport, timeline):
        area = QRect(widget.mapTo(w, QPoint(0, 0)), widget.size())
        assert not any(r.intersects(area) for r in behind.regions), widget
    shown = on_screen(w)
    assert differing_pixels(shown, canvas(w)) == 0  # ... and left it as a whole repaint would
    assert looks_as_the_view_draws_it(w, sim, shown)
