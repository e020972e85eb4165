"""Helpers for the simulation GUI tests."""

from __future__ import annotations

from statediagram.core import Link, Node


def with_redis(diagram):
    d = diagram.copy()
    d.nodes.append(Node("redis", "redis", "Redis", x=660, y=120))
    d.links += [Link("a", "redis"), Link("b", "redis")]
    return d


def run_to(window, t_us: int) -> None:
    """Work the run out and put the play head at ``t_us``, paused."""
    player = window.sim.controller.player
    player.set_playing(False)
    player.work_out()
    window.sim.ui.seek(t_us)
