"""Work done a slice at a time shares one budget per turn of the event loop (gui/turns.py): two kinds of it whose
timers come due in the same turn do not each take their own full budget, so the turn stays short."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from statediagram.gui import turns

OWN_S = 0.020  # each kind's own budget: two of them in one turn would be 40 ms of work


def test_two_kinds_of_sliced_work_due_in_the_same_turn_share_its_budget(qapp):
    slices: list[tuple[float, float]] = []

    def slice_of_work() -> None:
        began, end = time.perf_counter(), turns.slice_end(OWN_S)
        while time.perf_counter() < end:
            pass
        slices.append((began, time.perf_counter()))

    QApplication.processEvents()  # the turns watched from here on
    QTimer.singleShot(0, slice_of_work)
    QTimer.singleShot(0, slice_of_work)
    QApplication.processEvents()  # one turn: both timers are due in it
    assert len(slices) == 2
    (first_began, first_ended), (second_began, second_ended) = slices
    assert first_ended - first_began >= OWN_S * 0.9  # the first had its own budget
    # the second only what was left of the turn (or the least a slice gets), not another 20 ms
    assert second_ended - second_began < OWN_S / 2


def test_a_slice_in_a_turn_already_used_up_still_gets_the_least(qapp):
    QApplication.processEvents()
    time.sleep(turns.TURN_S)  # as if the turn's work (a paint, other slices) took all of it
    began = time.perf_counter()
    assert turns.slice_end(OWN_S) - began >= turns.LEAST_S * 0.9  # the work goes on, a little a turn
