"""The simulation inside the editor's main window, through small hooks only.

``install_in_main_window(window)`` needs from the editor: ``window.scene`` (``node_items``, ``link_items``,
``selected_node_ids()``), ``window.doc`` (``diagram`` and its change signals), ``window.view``,
``window.pages`` and ``window.simulate_menu`` (an empty menu it fills). Nothing of the editor is changed; the
simulation layer sits on top of its scene.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QGraphicsView, QMenu

from .install import InstalledSimulation, install_simulation
from .player import Player


class EditorGeometry:
    """Node rectangles and link paths read from the editor's own items (so tokens follow its links)."""

    def __init__(self, scene) -> None:
        self.scene = scene

    def node_rect(self, node_id: str) -> QRectF | None:
        item = self.scene.node_items.get(node_id)
        if item is None:
            return None
        return item.card_rect().translated(item.pos())

    def link_points(self, a: str, b: str) -> list[QPointF]:
        item = self.scene.link_items.get(frozenset((a, b)))
        if item is None:
            return []
        line = item.line()
        if item.a.node_id == a:
            return [line.p1(), line.p2()]
        return [line.p2(), line.p1()]


class SpaceToPlay(QObject):
    """A tap on Space plays or pauses the run; Space held while dragging still pans the editor's view.

    The editor uses Space+drag to pan, so a plain shortcut on Space would take that away. This filter only
    watches: it toggles play on a Space release when no mouse button was pressed since the Space press.
    """

    def __init__(self, view: QGraphicsView, player: Player) -> None:
        super().__init__(view)
        self.view, self.player = view, player
        self._down = False
        self._dragged = False
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if key_event.key() != Qt.Key.Key_Space or key_event.isAutoRepeat():
                return False
            if kind == QEvent.Type.KeyPress:
                self._down, self._dragged = True, False
            elif self._down:
                self._down = False
                if not self._dragged and self.player.replay is not None:
                    self.player.toggle()
        elif kind == QEvent.Type.MouseButtonPress and self._down:
            self._dragged = True
        return False


def install_in_main_window(window) -> InstalledSimulation:
    """One call from the editor's main window: docks, canvas layer, context menu, Space to play."""
    scene = window.scene
    geometry = EditorGeometry(scene)

    def selected() -> str | None:
        ids = scene.selected_node_ids()
        return ids[0] if ids else None

    sim = install_simulation(window, scene, geometry, lambda: window.doc.diagram, selected)
    sim.space = SpaceToPlay(window.view, sim.controller.player)
    sim.controller.attach_view(window.view)
    doc = window.doc
    doc.node_moved.connect(lambda _id: sim.controller.geometry_changed())
    doc.topology_changed.connect(sim.ui.diagram_changed)
    doc.reset.connect(sim.ui.stop)
    if hasattr(window, "panels_menu"):
        window.panels_menu.addAction(sim.bar.toggleViewAction())
        window.panels_menu.addAction(sim.side.toggleViewAction())
    properties = next((d for d in getattr(window, "docks", []) if d.objectName() == "Properties"), None)
    if properties is not None:  # while simulating, the verdict and metrics matter more than the properties
        window.tabifyDockWidget(properties, sim.side)
        sim.controls.simulate_action.triggered.connect(sim.side.raise_)

        def editing() -> None:  # no run shown and a node chosen: its properties are what the learner wants
            if not (shiboken6.isValid(scene) and shiboken6.isValid(properties)):
                return  # the window is being torn down (a selection change comes with it)
            if sim.controller.player.replay is None and scene.selected_node_ids():
                properties.raise_()

        scene.selectionChanged.connect(editing)
    findings = next((d for d in getattr(window, "docks", []) if d.objectName() == "Design_findings"), None)
    if findings is not None:  # a few lines of findings; the rest of the height for the verdict and metrics
        window.resizeDocks([sim.side, findings], [640, 150], Qt.Orientation.Vertical)
    fill_simulate_menu(window.simulate_menu, sim)
    pages = getattr(window, "pages", None)
    if pages is not None:  # the start page shows no docks; the simulation's follow the editor's
        def follow(_index: int) -> None:
            on_canvas = pages.currentWidget() is window.view
            sim.bar.setVisible(on_canvas)
            sim.side.setVisible(on_canvas)  # shown, a tabbed dock comes to the front
            if on_canvas and properties is not None and sim.controller.player.replay is None:
                properties.show()  # (the window shows its docks after this page change)
                properties.raise_()  # with no run to show, the canvas opens on the editor's side

        pages.currentChanged.connect(follow)
        follow(pages.currentIndex())
    return sim


def fill_simulate_menu(menu: QMenu, sim: InstalledSimulation) -> None:
    """The window's Simulate menu: every simulation command with its keys, the keyboard way in."""
    c = sim.controls
    menu.addAction(c.simulate_action)
    stop = QAction("Stop (back to editing)", menu)
    stop.setShortcut(QKeySequence("Shift+F5"))
    stop.triggered.connect(sim.ui.stop)
    menu.addAction(stop)
    menu.addSeparator()
    # Space is also the editor's pan key, so the menu names it without owning it (SpaceToPlay does the work).
    play = QAction("Play / Pause\tSpace", menu)
    play.triggered.connect(c.play_action.trigger)
    for action in (play, c.back_action, c.step_action, c.restart_action):
        menu.addAction(action)
    menu.addSeparator()
    for action in (c.crash_action, c.restart_node_action, c.replace_action):
        menu.addAction(action)
    chaos = QAction("Chaos monkey", menu, checkable=True)
    chaos.toggled.connect(c.chaos.setChecked)
    c.chaos.toggled.connect(chaos.setChecked)
    menu.addAction(chaos)
    menu.addSeparator()
    for action in (c.compare_action, c.export_report_action, c.export_movie_action):
        menu.addAction(action)

    def follow() -> None:  # Play and the monkey are there only while a run is shown, as in the bar
        play.setEnabled(c.play_action.isEnabled())
        chaos.setEnabled(c.play_action.isEnabled())

    c.play_action.changed.connect(follow)
    follow()
