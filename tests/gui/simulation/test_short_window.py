"""At 1280x720 the run's panel shows the counters, the chart and the per-server load whole, with no scroll
bar of its own (they had 3-4 rows of a scroll area inside the panel), and the window fits the screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from statediagram.gui.window import MainWindow

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "stateless-full.statediagram.json"


def test_the_run_panel_gives_its_figures_room_in_a_1280_by_720_window(qtbot, monkeypatch):
    w = MainWindow()
    monkeypatch.setattr(w.files, "maybe_save", lambda: True)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    sim = w.simulation
    try:
        assert w.open_path(str(EXAMPLE))
        sim.controls.simulate_action.trigger()
        player = sim.controller.player
        player.set_playing(False)
        player.work_out()
        sim.ui.seek(player.end)
        for _ in range(10):
            qtbot.wait(20)
        QApplication.processEvents()
        panel = sim.panel
        assert sim.side.isVisible() and panel.isVisible()
        assert w.height() <= 720 and w.width() <= 1280
        in_sight = panel.viewport().rect()
        figures = panel.metrics.geometry().translated(panel.widget().pos())
        assert in_sight.contains(figures), (in_sight, figures)
        assert panel.verticalScrollBar().maximum() == 0
        assert panel.verdict.findings.count() > 0 and panel.verdict.findings.isVisible()
    finally:
        sim.controller.stop()
        w.doc.undo_stack.clear()
