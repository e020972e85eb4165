"""Shared set-up for the simulation GUI tests: the mission's starter, and the same with a shared Redis; the
stand-alone simulation window; the editor's main window with the mission open."""

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


@pytest.fixture
def main(qtbot, tmp_path, monkeypatch):
    """The editor's main window (which installs the simulation itself) with the stateless mission open."""
    from statediagram.gui import window as window_module
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    w = window_module.MainWindow()
    monkeypatch.setattr(w.files, "maybe_save", lambda: True)  # no "save changes?" dialog when the test closes it
    qtbot.addWidget(w)
    w.resize(1400, 900)
    sim = w.simulation
    w.show()
    qtbot.waitExposed(w)
    w.open_mission()
    yield w, sim
    sim.controller.stop()
    w.doc.undo_stack.clear()  # closed with nothing unsaved: no autosave or title work while it is torn down
