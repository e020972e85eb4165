"""The timeline's fault marks: drawn where each fault happens, in its colour, hand-made ones hollow; drawn once for
a run (the 40-server crash drill has 80 of them: redrawn every frame they cost 3-4 ms of a frame), and again when
the faults or the width change."""

from __future__ import annotations

from PySide6.QtGui import QColor
from simgui import run_to

from statediagram.gui.simulation.timeline import FAULT_COLOURS
from statediagram.sim.scenario import SECOND

CRASH = QColor(FAULT_COLOURS["crash"])


def marked(timeline, at_us: int, colour: QColor) -> int:
    """Pixels close to ``colour`` in the fault marks' strip above the track, within 5 pixels of ``at_us``."""
    image = timeline.grab().toImage()
    x0 = int(timeline.x_of(at_us))
    top = int(timeline._track().top())
    n = 0
    for x in range(x0 - 5, x0 + 6):
        for y in range(0, top):
            c = QColor(image.pixel(x, y))
            n += abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + abs(c.blue() - colour.blue()) < 60
    return n


def test_the_fault_marks_are_drawn_once_a_run_and_again_when_the_faults_change(window):
    sim = window.simulation
    sim.controls.scenario.setCurrentIndex(sim.controls.scenario.findData("standard"))
    sim.ui.simulate()
    run_to(window, 2 * SECOND)
    timeline = sim.controls.timeline
    crashes = [at for at, _node, action, _hand in timeline.faults if action == "crash"]
    assert crashes
    assert marked(timeline, crashes[0], CRASH) > 5  # the crash's triangle and words, in the crash colour
    picture = timeline._marks
    assert picture is not None
    for t in (3 * SECOND, 6 * SECOND, 9 * SECOND):  # the play head moves: the marks are not drawn again
        run_to(window, t)
        timeline.repaint()
        assert timeline._marks is picture
    assert marked(timeline, crashes[0], CRASH) > 5

    at = 4 * SECOND + 500_000  # a crash made by hand joins the marks
    assert marked(timeline, at, CRASH) == 0
    timeline.set_run(timeline.end, [*[(a, n, w) for a, n, w, _ in timeline.faults], (at, "a", "crash")],
                     [(at, "a", "crash")], timeline.labels)
    timeline.repaint()
    assert timeline._marks is not picture
    assert marked(timeline, at, CRASH) > 3


def test_a_moving_play_head_leaves_the_track_as_a_full_repaint_draws_it(qtbot):
    """Each frame repaints only where the play head and the worked-out end moved: what is on screen after many
    frames is what a repaint of the whole track draws (no trace of an old play head, no bar end left behind)."""
    from statediagram.gui.simulation.timeline import Timeline
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.resize(800, 46)
    timeline.show()
    timeline.set_run(30 * SECOND, [(5 * SECOND, "s1", "crash")], [], {"s1": "Server A"})
    qtbot.waitExposed(timeline)
    for t in [*range(0, 12 * SECOND, 700_000), 4 * SECOND, 3_900_000]:  # forwards, then a jump and a step back
        timeline.set_time(t, min(30 * SECOND, 2 * t + SECOND))
        qtbot.wait(1)
    on_screen = timeline.screen().grabWindow(timeline.winId()).toImage()
    whole = timeline.grab().toImage()
    assert on_screen.convertToFormat(whole.format()) == whole
