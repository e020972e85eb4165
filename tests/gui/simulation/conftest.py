"""Shared set-up for the simulation GUI tests: the mission's starter, and the same with a shared Redis."""

from __future__ import annotations

import pytest

from statediagram.gui.simulation.compare import starter_diagram
from statediagram.gui.simulation.window import SimulationWindow


@pytest.fixture
def starter():
    return starter_diagram()


@pytest.fixture
def window(qtbot, starter):
    w = SimulationWindow(starter)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.sim.controller.stop()
