"""A design beyond what one run simulates (core/limits.py) opens in the editor; Simulate says why, in plain text,
and starts no run (it used to start one that never ended)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from statediagram.core import Link, Node
from statediagram.core.limits import MAX_SERVERS
from statediagram.gui.editing import commands


def test_simulate_on_too_many_servers_explains_and_runs_nothing(main, qtbot):
    w, sim = main
    servers = [Node(f"s{i}", "server", f"<b>S{i}</b>", x=800 + i % 20 * 30, y=i // 20 * 30)
               for i in range(MAX_SERVERS)]
    w.doc.undo_stack.push(commands.AddItems(w.doc, servers, [Link("lb", n.id) for n in servers], "Add servers"))
    sim.ui.simulate()
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    box = boxes[0]
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert f"at most {MAX_SERVERS}" in box.text() and "302 servers" in box.text()
    assert sim.controller.player.replay is None
    assert "Too big to simulate" in sim.panel.verdict.headline.text()
    box.close()
