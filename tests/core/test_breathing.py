"""Background work in the window's process lets the window's thread have Python every few milliseconds
(core/breathing.py); elsewhere (the command line, a child process, tests) its calls cost nothing."""

from __future__ import annotations

import threading
import time

from statediagram.core import breathing


def _sleeps_while_looping(monkeypatch, seconds: float, in_breathing: bool) -> list[float]:
    slept: list[float] = []
    real_sleep = time.sleep
    monkeypatch.setattr(breathing.time, "sleep", lambda s: (slept.append(s), real_sleep(s)))

    def loop() -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            breathing.breathe()

    if in_breathing:
        with breathing.breathing():
            loop()
    else:
        loop()
    return slept


def test_a_breathing_thread_lets_go_of_python_about_every_interval(monkeypatch):
    slept = _sleeps_while_looping(monkeypatch, 0.1, in_breathing=True)
    # 0.1 s of work: a pause about every 2 ms (fewer on a loaded machine, never more)
    assert 10 <= len(slept) <= 0.1 / breathing.EVERY_S + 1
    assert set(slept) == {breathing.PAUSE_S}


def test_outside_breathing_the_calls_never_sleep(monkeypatch):
    assert _sleeps_while_looping(monkeypatch, 0.02, in_breathing=False) == []


def test_breathing_is_the_calling_threads_own(monkeypatch):
    """A thread set up to breathe does not make another (the window's own) pause."""
    other: list[list[float]] = []
    with breathing.breathing():
        worker = threading.Thread(target=lambda: other.append(_sleeps_while_looping(monkeypatch, 0.02, False)))
        worker.start()
        worker.join()
    assert other == [[]]
