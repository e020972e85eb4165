"""Shared set-up for the simulation GUI tests: the mission's starter, and the same with a shared Redis; the
app's main window (which builds the simulation in itself) with the starter shown, or with the mission opened
from the start page."""

from __future__ import annotations

import pytest
from simgui import show_diagram

from statediagram.gui.simulation.compare import starter_diagram


@pytest.fixture
def starter():
    return starter_diagram()


def _main_window(qtbot, tmp_path, monkeypatch):
    from statediagram.gui import window as window_module
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    w = window_module.MainWindow()
    monkeypatch.setattr(w.files, "maybe_save", lambda: True)  # no "save changes?" dialog when the test closes it
    qtbot.addWidget(w)
    w.resize(1400, 900)
    return w


def _close(w) -> None:
    w.simulation.controller.stop()
    w.doc.undo_stack.clear()  # closed with nothing unsaved: no autosave or title work while it is torn down


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, starter):
    """The main window with the starter diagram on the canvas, its simulation built."""
    w = _main_window(qtbot, tmp_path, monkeypatch)
    w.simulation  # noqa: B018 - built now, as the window does just after its first paint
    w.show()
    qtbot.waitExposed(w)
    show_diagram(w, starter)
    yield w
    _close(w)


@pytest.fixture
def main(qtbot, tmp_path, monkeypatch):
    """The main window with the stateless mission opened from its start page: (window, its simulation)."""
    w = _main_window(qtbot, tmp_path, monkeypatch)
    sim = w.simulation
    w.show()
    qtbot.waitExposed(w)
    w.open_mission()
    yield w, sim
    _close(w)
