"""Helpers for the simulation GUI tests."""

from __future__ import annotations

from statediagram.core import Link, Node


def with_redis(diagram):
    d = diagram.copy()
    d.nodes.append(Node("redis", "redis", "Redis", x=660, y=120))
    d.links += [Link("a", "redis"), Link("b", "redis")]
    return d


def show_diagram(window, diagram) -> None:
    """Put ``diagram`` on the main window's canvas, as a new unsaved diagram (the run shown, if any, stops)."""
    assert window.files.new(diagram.copy())
    window.view.zoom_to_fit()


def run_to(window, t_us: int) -> None:
    """Work the run out and put the play head at ``t_us``, paused (a node inspected: its table read there)."""
    player = window.simulation.controller.player
    player.set_playing(False)
    player.work_out()
    window.simulation.ui.seek(t_us)
    inspected(window)


def inspected(window, timeout_s: float = 30.0) -> None:
    """Until the inspector shows the table it asked its child process for (sim/node_tables.py)."""
    import time

    from PySide6.QtWidgets import QApplication

    inspector = window.simulation.panel.inspector
    deadline = time.monotonic() + timeout_s
    while inspector.reading and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    assert not inspector.reading, "the inspector's table never came"
