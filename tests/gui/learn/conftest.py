"""The editor's main window, as a learner opens it, for the lesson and quiz tests."""

from __future__ import annotations

import pytest

from statediagram.gui.window import MainWindow


@pytest.fixture
def main(qtbot, tmp_path, monkeypatch):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name))
    w = MainWindow()
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(w, "show_error", lambda title, text: errors.append((title, text)))
    w.errors = errors
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    if w.learning.quiz is not None:
        w.learning.quiz.close()
    if w._simulation is not None:
        w._simulation.controller.stop()
    w.doc.undo_stack.clear()  # closed with nothing unsaved: no question while it is torn down
