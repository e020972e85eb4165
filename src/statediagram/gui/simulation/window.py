"""``SimulationWindow``: a stand-alone window around a read-only picture of a diagram, for trying the
simulation without the editor."""

from __future__ import annotations

from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsView, QMainWindow

from ...core.model import Diagram
from .editor_hook import SpaceToPlay
from .geometry import build_model_scene
from .install import install_simulation


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
