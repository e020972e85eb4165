"""The simulation in the app: the engine's run replayed on the canvas, steered by hand.

``build_simulation(window)`` builds it into the places the main window offers (see part.py).
"""

from .controller import SimulationController
from .part import RunHost, Simulation, build_simulation

__all__ = ["RunHost", "Simulation", "SimulationController", "build_simulation"]
