"""Putting the simulation into a main window: ``install_simulation`` adds the Simulate bar (with the timeline)
and the verdict/metrics/inspector panel as docks. ``SimulationWindow`` is a stand-alone window around a
read-only picture of a diagram, for trying the simulation without the editor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QDockWidget, QGraphicsScene, QGraphicsView, QMainWindow

from ...core.model import Diagram
from .controller import SimulationController
from .controls import SimulationControls
from .geometry import SceneGeometry, build_model_scene
from .panel import SimulationPanel, SimulationUI


@dataclass
class InstalledSimulation:
    controller: SimulationController
    controls: SimulationControls
    panel: SimulationPanel
    ui: SimulationUI
    bar: QDockWidget
    side: QDockWidget
    space: object = None  # the Space-to-play filter, kept alive with the window


def selected_in(scene: QGraphicsScene) -> Callable[[], str | None]:
    """The id of the selected node item: its ``node_id``, its ``node.id``, or its data(0)."""

    def selected() -> str | None:
        for item in scene.selectedItems():
            nid = getattr(item, "node_id", None)
            if nid is None and getattr(item, "node", None) is not None:
                nid = getattr(item.node, "id", None)
            if nid is None and isinstance(item.data(0), str):
                nid = item.data(0)
            if nid:
                return nid
        return None

    return selected


def install_simulation(window: QMainWindow, scene: QGraphicsScene, geometry: SceneGeometry,
                       diagram: Callable[[], Diagram], selected: Callable[[], str | None] | None = None
                       ) -> InstalledSimulation:
    """Add the simulation to ``window``: one call, two docks, nothing else of the window touched."""
    controller = SimulationController(scene, geometry, diagram, window)
    controls = SimulationControls()
    panel = SimulationPanel()
    ui = SimulationUI(controller, controls, panel, selected or selected_in(scene), window)
    bar = QDockWidget("Simulation", window)
    bar.setObjectName("simulation-bar")
    bar.setWidget(controls)
    bar.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, bar)
    side = QDockWidget("Verdict, metrics and inspector", window)
    side.setObjectName("simulation-panel")
    side.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, side)
    return InstalledSimulation(controller, controls, panel, ui, bar, side)


class SimulationWindow(QMainWindow):
    """A diagram drawn read-only, with the simulation installed."""

    def __init__(self, diagram: Diagram) -> None:
        super().__init__()
        self.diagram = diagram
        self.setWindowTitle(f"statediagram simulation: {diagram.title or 'untitled'}")
        self.scene, self.geometry = build_model_scene(diagram)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setCentralWidget(self.view)
        self.sim = install_simulation(self, self.scene, self.geometry, lambda: self.diagram)
        from .editor_hook import SpaceToPlay

        self.sim.space = SpaceToPlay(self.view, self.sim.controller.player)
        self.sim.controller.attach_view(self.view)

    def set_diagram(self, diagram: Diagram) -> None:
        """Show another diagram (e.g. after adding Redis); the next Simulate runs it."""
        self.sim.controller.stop()
        self.diagram = diagram
        self.scene.clear()  # the simulation layer goes too; the controller makes a new one when needed
        build_model_scene(diagram, self.scene)
        self.geometry.diagram = diagram
        self.sim.controller.geometry_changed()
