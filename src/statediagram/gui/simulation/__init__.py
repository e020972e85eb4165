"""The simulation in the app: the engine's run replayed on the canvas, steered by hand.

``install_simulation(window, scene, geometry, diagram)`` adds it to a main window; ``SimulationWindow`` is a
stand-alone window for one diagram.
"""

from .controller import SimulationController
from .geometry import ModelGeometry, SceneGeometry, build_model_scene
from .window import InstalledSimulation, SimulationWindow, install_simulation

__all__ = ["InstalledSimulation", "ModelGeometry", "SceneGeometry", "SimulationController", "SimulationWindow",
           "build_model_scene", "install_simulation"]
