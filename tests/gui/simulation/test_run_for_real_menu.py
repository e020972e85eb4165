"""The Simulate menu offers Run for real right after Simulate, and the run bar has its button beside Simulate."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence


def test_simulate_menu_offers_run_for_real_after_simulate(window) -> None:
    texts = [a.text() for a in window.simulate_menu.actions()]
    assert texts[:2] == ["Simulate", "Run for real"], texts
    action = window.simulate_menu.actions()[1]
    assert "real processes" in action.toolTip()
    assert action.shortcut() == QKeySequence("Ctrl+F5")
    c = window.simulation.controls
    assert c.live.defaultAction() is action and c.live.isVisibleTo(window)
    # beside Simulate in the bar
    assert abs(c.live.geometry().left() - c.simulate.geometry().right()) < 20
    assert window.simulation.live is None  # nothing of live mode is made (or imported) until it is asked for
