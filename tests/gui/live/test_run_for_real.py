"""Run for real in the app: the Simulate menu opens it; a run shows its counters, the nodes it crashes for real,
and the simulation's verdict; Crash kills the real process; Stop leaves nothing behind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "live"))
from livehelp import EXAMPLES, alive, descendants, needs_live  # noqa: E402

from statediagram.core.fileio import load_diagram  # noqa: E402
from statediagram.core.model import ScenarioSpec  # noqa: E402

pytestmark = [pytest.mark.live, needs_live]


def dialog_for(qtbot, name: str):
    from statediagram.gui.live.dialog import LiveRunDialog

    d = LiveRunDialog(load_diagram(EXAMPLES / name).diagram)
    qtbot.addWidget(d)
    d.show()
    return d


def test_a_calm_run_shows_counters_and_the_verdict(qtbot) -> None:
    d = dialog_for(qtbot, "shared-redis.statediagram.json")
    d.speed.setCurrentIndex(2)  # 4x: 30 s of calm in 7.5 s
    d.diagram.scenario = ScenarioSpec(name="calm", journey="sessions")  # the drill would take longer
    qtbot.mouseClick(d.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.report is not None and d.process is None, timeout=90_000)
    assert d.verdict.text().startswith("SURVIVES")
    assert int(d.counter_labels["ok"].text()) > 20
    assert d.counter_labels["lost_sessions"].text() == "0"
    assert [d.node_list.item(i).text() for i in range(d.node_list.count())][0].startswith("Server A")


def test_crash_kills_the_real_process_and_stop_leaves_nothing(qtbot) -> None:
    d = dialog_for(qtbot, "stateful-round-robin.statediagram.json")
    qtbot.mouseClick(d.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.node_list.count() > 0, timeout=60_000)
    pid = d.process.processId()
    kids = descendants(pid)
    d.node_list.setCurrentRow(0)  # Server A
    qtbot.mouseClick(d.crash_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "a" in d.down, timeout=10_000)
    assert "down" in d.node_list.item(0).text()
    qtbot.mouseClick(d.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.process is None, timeout=30_000)
    assert d.status.text().startswith("Stopped")
    assert [p for p in kids if alive(p)] == []
