"""Putting the simulation into a main window: ``install_simulation`` adds the Simulate bar (with the timeline)
and the verdict/metrics/inspector panel as docks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QGraphicsScene, QMainWindow

from ...core.model import Diagram
from .controller import SimulationController
from .controls import SimulationControls
from .geometry import SceneGeometry
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
