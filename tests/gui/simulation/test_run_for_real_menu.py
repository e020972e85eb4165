"""The Simulate menu offers Run for real right after Simulate, and it opens its window over the main window."""

from __future__ import annotations


def test_simulate_menu_offers_run_for_real_after_simulate(window) -> None:
    from statediagram.gui.live.dialog import LiveRunDialog

    texts = [a.text() for a in window.simulate_menu.actions()]
    assert texts[:2] == ["Simulate", "Run for real..."], texts
    assert "real processes" in window.simulate_menu.actions()[1].toolTip()
    window.simulate_menu.actions()[1].trigger()
    dialog = window.findChild(LiveRunDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.process is None  # nothing runs until Start
    dialog.close()
