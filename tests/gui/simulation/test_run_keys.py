"""The run's keys belong to the run wherever the focus is, and the shortcut sheet lists every key."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QLabel, QSpinBox, QToolButton, QWidget

from statediagram.gui.shortcuts import command_words, shortcuts


def _run_bar_widgets(window):
    """Every widget of the run bar that can take the focus (buttons, lists, the seed box, the timeline)."""
    bar = window.simulation.controls
    found = [w for w in bar.findChildren(QWidget)
             if w.isVisible() and w.isEnabled() and w.focusPolicy() != Qt.FocusPolicy.NoFocus
             and not isinstance(w, QLabel) and w.parent() is not None and w.window() is window]
    # the seed box's own line edit gives its focus to the box: the box stands for it
    return [w for w in found if w.focusProxy() is None]


def _start(window):
    sim = window.simulation
    sim.ui.simulate()
    sim.controller.player.set_playing(True)
    return sim.controller.player


def test_space_pauses_and_plays_with_the_focus_on_every_widget_of_the_run_bar(window, qtbot):
    player = _start(window)
    widgets = _run_bar_widgets(window)
    for kind in (QComboBox, QSpinBox, QToolButton, QCheckBox):  # the speed list, the seed, buttons, the monkey
        assert any(isinstance(w, kind) for w in widgets), kind
    speed = window.simulation.controls.speed
    for w in widgets:
        w.setFocus()
        qtbot.waitUntil(w.hasFocus, timeout=1000)
        assert player.playing, type(w).__name__
        qtbot.keyClick(w, Qt.Key.Key_Space)
        assert not player.playing, f"Space did not pause with the focus on {type(w).__name__}"
        qtbot.keyClick(w, Qt.Key.Key_Space)
        assert player.playing, f"Space did not play again with the focus on {type(w).__name__}"
        if isinstance(w, QComboBox):
            assert w.view().isVisible() is False  # the speed list did not open
    assert speed.currentData() == 1.0  # and the speed did not change


def test_shift_arrows_step_with_the_focus_on_the_speed_list(window, qtbot):
    player = _start(window)
    player.set_playing(False)
    player.work_out()  # its moments known: a step goes to the next one (under load the first second came late)
    window.simulation.ui.seek(0)
    speed = window.simulation.controls.speed
    speed.setFocus()
    qtbot.waitUntil(speed.hasFocus, timeout=1000)
    before = player.t
    qtbot.keyClick(speed, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.t > before
    qtbot.keyClick(speed, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert player.t == before
    assert speed.currentData() == 1.0


def test_space_on_the_canvas_still_pans_when_held_and_plays_when_tapped(window, qtbot):
    player = _start(window)
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus, timeout=1000)
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert not player.playing
    qtbot.keyPress(window.view, Qt.Key.Key_Space)
    assert window.view.input.space_held  # held: the canvas's pan key, not the shortcut
    qtbot.keyRelease(window.view, Qt.Key.Key_Space)
    assert player.playing


def test_the_shortcut_sheet_lists_every_action_with_a_key(window, qtbot):
    window.simulation.ui.simulate()  # the run's actions are enabled too; the sheet lists them either way
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=1000)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Question)
    sheet = window.shortcut_sheet
    assert sheet.isVisible()
    table = sheet.table
    listed = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
    expected = set()
    for action in window.findChildren(QAction):
        keys = [k.toString(k.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        if keys:
            expected.add((", ".join(keys), command_words(action)))
    assert expected and expected <= listed
    commands = {c for _k, c in listed}
    for words in ("Save", "Undo", "Play / Pause", "Step ▶", "Simulate", "Crash the selected node",
                  "Keyboard Shortcuts…"):
        assert words in commands
    assert ("Space", "Play / Pause") in listed
    rows = shortcuts(window)
    assert [r.where for r in rows if r.command == "Save"] == ["File"]
    sheet.close()


@pytest.mark.parametrize("via_menu", [True])
def test_help_menu_opens_the_sheet(window, via_menu):
    help_menu = next(a.menu() for a in window.menuBar().actions() if command_words(a) == "Help")
    item = next(a for a in help_menu.actions() if command_words(a) == "Keyboard Shortcuts…")
    item.trigger()
    assert window.shortcut_sheet.isVisible()
    assert isinstance(window.shortcut_sheet.findChild(QAbstractButton), QAbstractButton)
    window.shortcut_sheet.close()
