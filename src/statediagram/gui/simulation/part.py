"""The simulation as a part of the main window.

The window offers the places and the canvas a run needs (:class:`RunHost`): where the run's bar with the
timeline goes, where the verdict, metrics and inspector panel goes, the canvas (its scene takes the run's layer,
its view paints the frames and routes a run's clicks), the diagram with its change signals, the selection, and
the Simulate menu. :func:`build_simulation` builds the run's pieces into those places; nothing of the window is
looked up by name, and nothing of the editor is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

from ..canvas.scene import DiagramScene
from ..canvas.view import DiagramView
from ..document import Document
from .controller import SimulationController
from .controls import SimulationControls
from .geometry import CanvasGeometry
from .panel import SimulationPanel, SimulationUI
from .player import Player


class RunHost(Protocol):
    """What the main window offers the simulation."""

    doc: Document  # the diagram being edited, and its change signals
    scene: DiagramScene  # the canvas: the run's layer goes over its items
    view: DiagramView  # the canvas widget: frames painted over a picture of it; its input router
    simulate_menu: QMenu  # empty until the simulation fills it

    def selected_node(self) -> str | None:
        """The node the learner selected on the canvas (the first, if several), or None."""

    def place_run_bar(self, bar: QWidget, title: str) -> QDockWidget:
        """Put the run's bar (buttons, clock, timeline) under the canvas; shown with the canvas."""

    def place_run_panel(self, panel: QWidget, title: str) -> QDockWidget:
        """Put the run's panel (verdict, metrics, inspector) beside the editor's panels; shown with the canvas."""


@dataclass
class Simulation:
    """The run's pieces, as built into the window."""

    controller: SimulationController
    controls: SimulationControls
    panel: SimulationPanel
    ui: SimulationUI
    bar: QDockWidget
    side: QDockWidget
    live: object | None = None  # the run for real's LiveRunner (gui/live/run.py), made on its first use


def build_simulation(host: RunHost) -> Simulation:
    """The simulation in ``host``: its layer on the canvas, its bar and panel in their places, its menu."""
    controller = SimulationController(host.scene, CanvasGeometry(host.scene), lambda: host.doc.diagram, host)
    controller.attach_view(host.view)
    host.view.input.set_run(controller)
    host.view.accessible_items.run_words = controller  # a screen reader hears a node go down during a run
    controller.player.frame_changed.connect(lambda _t: host.view.accessible_items.run_moved())
    controls = SimulationControls()
    panel = SimulationPanel()
    ui = SimulationUI(controller, controls, panel, host.selected_node, host)
    bar = host.place_run_bar(controls, "Simulation")
    side = host.place_run_panel(panel, "Verdict, metrics and inspector")
    controls.simulate_action.triggered.connect(side.raise_)  # while simulating, the verdict matters most
    # ... and a screen reader, which followed that tab, is told the keyboard is still on the canvas (once the run
    # is shown: what the focused node says includes it).
    items = host.view.accessible_items
    controls.simulate_action.triggered.connect(lambda: when_run_shown(controller.player, items, items.tell_focus_again))
    doc = host.doc
    doc.node_moved.connect(lambda _id: controller.geometry_changed())
    host.scene.routes_changed.connect(controller.geometry_changed)  # tokens ride on the links' routes
    doc.topology_changed.connect(ui.diagram_changed)
    doc.reset.connect(ui.stop)
    sim = Simulation(controller, controls, panel, ui, bar, side)
    fill_simulate_menu(host.simulate_menu, sim)
    add_run_for_real(host, sim)
    return sim


def add_run_for_real(host: RunHost, sim: Simulation) -> None:
    """"Run for real" after Simulate: the diagram as real processes, played on the canvas (gui/live/run.py); the
    live package is imported only when it is used."""
    def run_for_real() -> None:
        if sim.live is None:
            from ..live.run import LiveRunner

            sim.live = LiveRunner(sim.ui, host.view.window())
        sim.live.toggle()  # Run for real; while a run goes, Stop for real

    sim.controls.live_action.triggered.connect(run_for_real)
    sim.controls.live_action.triggered.connect(sim.side.raise_)
    items = host.view.accessible_items  # a screen reader followed that tab: the keyboard is still on the canvas
    sim.controls.live_action.triggered.connect(lambda: QTimer.singleShot(0, items, items.tell_focus_again))
    menu = host.simulate_menu
    first = menu.actions()[1] if len(menu.actions()) > 1 else None
    menu.insertAction(first, sim.controls.live_action)


def fill_simulate_menu(menu: QMenu, sim: Simulation) -> None:
    """The window's Simulate menu: every simulation command with its keys, the keyboard way in."""
    c = sim.controls
    menu.addAction(c.simulate_action)
    stop = QAction("Stop (back to editing)", menu)
    stop.setShortcut(QKeySequence("Shift+F5"))
    stop.triggered.connect(sim.ui.stop)
    menu.addAction(stop)
    menu.addSeparator()
    # Space plays or pauses wherever the focus is (an application-wide shortcut: a speed list or button with
    # the focus does not take it). On the canvas Space is also the pan key: the canvas claims it (Qt's
    # shortcut override) and its input router hands a tap, with no drag, to the run.
    play = QAction("Play / Pause", menu)
    play.setShortcut(QKeySequence(Qt.Key.Key_Space))
    play.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
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


def when_run_shown(player: Player, context: QObject, then: Callable[[], None]) -> None:
    """``then`` (unless ``context`` is gone by then) once the run just asked for is on screen: at the next turn, or
    after its child has told the run's facts if it is still starting (see ``Player.start``)."""
    if not player.starting:
        QTimer.singleShot(0, context, then)
        return

    def shown() -> None:
        player.run_changed.disconnect(shown)
        QTimer.singleShot(0, context, then)

    player.run_changed.connect(shown)
