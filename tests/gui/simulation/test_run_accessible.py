"""During a run a screen reader hears each node's state at the play head from the node's accessible item."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from simgui import run_to

from statediagram.sim.scenario import SECOND


def _item(window, label: str):
    root = QAccessible.queryAccessibleInterface(window.view)
    for i in range(root.childCount()):
        child = root.child(i)
        if child.text(QAccessible.Text.Name) == label:
            return child
    raise AssertionError(f"no accessible item named {label}")


def test_after_a_crash_during_a_run_the_node_says_it_is_down(window, qtbot):
    sim = window.simulation
    sim.controls.set_choices("calm", None)  # no fault of the scenario's own: only the one by hand
    assert "During the run" not in _item(window, "Server A").text(QAccessible.Text.Description)  # no run yet
    sim.ui.simulate()
    player = sim.controller.player
    qtbot.waitUntil(lambda: not player.catching_up, timeout=20_000)
    player.set_playing(False)
    player.work_out()
    server = next(s for s in player.replay.server_ids if player.replay.labels[s] == "Server A")
    sim.ui.seek(5 * SECOND)
    said = _item(window, "Server A").text(QAccessible.Text.Description)
    assert said.startswith("During the run, at 5.00 s: up")  # the news first, then what the node is

    window.scene.clearSelection()
    window.scene.node_items[server].setSelected(True)
    sim.controls.crash_action.trigger()
    qtbot.waitUntil(lambda: not player.catching_up, timeout=20_000)
    said = _item(window, "Server A").text(QAccessible.Text.Description)
    assert "At 5.00 s: down".lower() in said.lower() and "crashed 1 time" in said
    assert "RAM wiped" in said or "sessions in" in said or "JWT" in said  # its pill, as the canvas shows it
    sim.ui.seek(2 * SECOND)  # before the crash: up again
    assert "at 2.00 s: up" in _item(window, "Server A").text(QAccessible.Text.Description)
    sim.ui.stop()
    assert "During the run" not in _item(window, "Server A").text(QAccessible.Text.Description)


def test_a_screen_reader_on_the_focused_server_hears_it_go_down(window, qtbot, monkeypatch):
    told = []
    tell = QAccessible.updateAccessibility

    def record(event):
        iface = event.accessibleInterface()
        told.append((event.type(), iface.text(QAccessible.Text.Name) if iface is not None else None))
        tell(event)

    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(record))
    sim = window.simulation
    sim.controls.set_choices("calm", None)
    sim.ui.simulate()
    player = sim.controller.player
    qtbot.waitUntil(lambda: not player.catching_up, timeout=20_000)
    player.set_playing(False)
    player.work_out()
    server = next(s for s in player.replay.server_ids if player.replay.labels[s] == "Server A")
    sim.ui.seek(5 * SECOND)
    window.view.setFocus()
    qtbot.waitUntil(lambda: window.view.hasFocus())
    window.scene.clearSelection()
    window.scene.node_items[server].setSelected(True)
    qtbot.waitUntil(lambda: (QAccessible.Event.Focus, "Server A") in told)
    told.clear()
    sim.controls.crash_action.trigger()
    qtbot.waitUntil(lambda: (QAccessible.Event.DescriptionChanged, "Server A") in told, timeout=20_000)
    assert (QAccessible.Event.Focus, "Server A") not in told  # the focus stayed where it was


def test_simulate_brings_the_verdict_forward_and_tells_a_screen_reader_the_focus_stayed(window, qtbot, monkeypatch):
    """Orca takes the verdict's tab coming to the front for a move of the user's, and leaves the canvas: the node
    the keyboard is on is told focused again, saying the run (heard with Orca 43: its crash was not spoken)."""
    told = []
    tell = QAccessible.updateAccessibility

    def record(event):
        iface = event.accessibleInterface()
        said = (iface.text(QAccessible.Text.Name), iface.text(QAccessible.Text.Description)) if iface else ("", "")
        told.append((event.type(), *said))
        tell(event)

    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(record))
    window.simulation.controls.set_choices("calm", None)
    window.view.setFocus()
    qtbot.waitUntil(lambda: window.view.hasFocus())
    server = next(i for i in window.scene.node_items.values() if i.label == "Server A")
    window.scene.clearSelection()
    server.setSelected(True)
    qtbot.waitUntil(lambda: any(t[:2] == (QAccessible.Event.Focus, "Server A") for t in told))
    told.clear()
    window.simulation.controls.simulate_action.trigger()
    qtbot.waitUntil(lambda: any(t[:2] == (QAccessible.Event.Focus, "Server A") for t in told), timeout=20_000)
    said = next(t[2] for t in told if t[:2] == (QAccessible.Event.Focus, "Server A"))
    assert said.startswith("During the run, at ")
    assert window.view.hasFocus()


def _unnamed(window) -> list[str]:
    """The widgets in sight that take the keyboard's focus but would reach a screen reader without a name."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    out = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus or widget.focusProxy():
            continue  # a spin box's line edit passes its focus to the spin box, which has the name
        iface = QAccessible.queryAccessibleInterface(widget)
        if iface is None or not iface.text(QAccessible.Text.Name).strip():
            out.append(f"{type(widget).__name__} {widget.objectName()!r} {widget.toolTip()[:40]!r}")
    return out


def test_every_widget_the_keyboard_reaches_has_a_name_while_editing_and_during_a_run(window, qtbot):
    assert _unnamed(window) == []
    sim = window.simulation
    sim.ui.simulate()
    qtbot.waitUntil(lambda: not sim.controller.player.catching_up, timeout=20_000)
    sim.controller.player.set_playing(False)
    assert _unnamed(window) == []
    run_to(window, sim.controller.player.end)  # the verdict and its list of explanations
    window.simulation.side.raise_()
    qtbot.waitUntil(lambda: window.simulation.panel.verdict.findings.isVisible())
    assert _unnamed(window) == []
