"""The simulation in the app: the engine's run replayed on the canvas, steered by hand.

``install_in_main_window(window)`` adds it to the editor's main window (one call);
``install_simulation(window, scene, geometry, diagram)`` to any main window over any scene; ``SimulationWindow``
is a stand-alone window for one diagram.
"""

from .controller import SimulationController
from .editor_hook import EditorGeometry, install_in_main_window
from .geometry import ModelGeometry, SceneGeometry, build_model_scene
from .install import InstalledSimulation, install_simulation
from .window import SimulationWindow

__all__ = ["EditorGeometry", "InstalledSimulation", "ModelGeometry", "SceneGeometry", "SimulationController",
           "SimulationWindow", "build_model_scene", "install_in_main_window", "install_simulation"]
