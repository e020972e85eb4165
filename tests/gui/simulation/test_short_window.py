"""At 1280x720 the run's panel shows the counters, the chart and the per-server load whole, with no scroll
bar of its own (they had 3-4 rows of a scroll area inside the panel), and the window fits the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from statediagram.gui.window import MainWindow

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "stateless-full.statediagram.json"


@pytest.mark.parametrize("height", [720, 701], ids=["bare", "under-a-title-bar"])
def test_the_run_panel_gives_its_figures_room_in_a_1280_by_720_window(qtbot, monkeypatch, height):
    # 701: the window maximized on a 1280x720 screen by a window manager whose title bar takes 19 px (openbox).
    w = MainWindow()
    monkeypatch.setattr(w.files, "maybe_save", lambda: True)
    qtbot.addWidget(w)
    w.resize(1280, height)
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


def test_the_run_docks_follow_the_window_when_it_is_resized_both_ways(qtbot, monkeypatch, tmp_path):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path))
    w = MainWindow()
    monkeypatch.setattr(w.files, "maybe_save", lambda: True)
    qtbot.addWidget(w)
    w.resize(1400, 900)  # tall when the run's docks are built
    w.show()
    qtbot.waitExposed(w)
    sim = w.simulation
    findings = w.findings_dock

    def settle() -> None:
        for _ in range(5):
            qtbot.wait(10)

    def in_front() -> set[str]:
        return {d.windowTitle() for d in (w.properties_dock, sim.side, findings) if not d.visibleRegion().isEmpty()}

    try:
        assert w.open_path(str(EXAMPLE))
        sim.controls.simulate_action.trigger()
        settle()
        sim.side.raise_()
        settle()
        # Tall: the findings a few lines under the run's panel, both in sight; the run bar has its title.
        assert in_front() == {sim.side.windowTitle(), findings.windowTitle()}
        assert findings.geometry().top() >= sim.side.geometry().bottom()
        assert sim.bar.titleBarWidget() is None
        w.resize(1280, 720)
        settle()
        # Short: the findings are a tab of the panel's place (the panel stays in front, with the column's
        # height), the bar gives its title line to the panel.
        assert w.height() < 780
        assert in_front() == {sim.side.windowTitle()}
        assert findings in w.tabifiedDockWidgets(sim.side)
        panel = sim.panel  # the counters, chart and load bars whole, with no scroll bar
        figures = panel.metrics.geometry().translated(panel.widget().pos())
        assert panel.viewport().rect().contains(figures), (panel.viewport().rect(), figures)
        assert sim.bar.titleBarWidget() is not None  # an empty one: no title line
        w.resize(1400, 900)
        settle()
        assert in_front() == {sim.side.windowTitle(), findings.windowTitle()}  # and back again
        assert findings not in w.tabifiedDockWidgets(sim.side)
        assert findings.geometry().top() >= sim.side.geometry().bottom()
        assert sim.bar.titleBarWidget() is None
    finally:
        sim.controller.stop()
        w.doc.undo_stack.clear()
