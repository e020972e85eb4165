"""Long work shows progress with Cancel and leaves the window answering: exporting the run's animation is drawn
a frame per turn of the event loop (Cancel writes nothing), Compare runs both designs off the GUI thread."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton
from simgui import show_diagram, with_redis

from statediagram.core import Fault, ScenarioSpec
from statediagram.core.fileio import load_diagram
from statediagram.gui.progress import ProgressRun, in_child_process
from statediagram.gui.simulation.export import PNG_SIGNATURE
from statediagram.sim.replay import RunSetup
from statediagram.sim.scenario import SECOND

EXAMPLES = Path(__file__).parents[3] / "examples"


def ten_busy_minutes(starter):
    """The starter with a shared Redis, 60 users, a crash and ten minutes of simulated time: seconds of work."""
    d = with_redis(starter)
    d.scenario = ScenarioSpec(seed=3, journey="sessions", faults=[Fault(60, "a", "crash")], duration_s=600)
    next(n for n in d.nodes if n.kind == "client").props["users"] = 60
    return d


def start_export(window, monkeypatch, path: Path) -> ProgressRun:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    sim = window.simulation
    sim.ui.simulate()  # a fresh run, not worked out: the export works it out first
    sim.controls.export_movie_action.trigger()
    return sim.ui.job


def test_cancel_during_the_animation_export_leaves_no_file_and_the_window_answers(window, monkeypatch, qtbot,
                                                                                   tmp_path):
    window.files.new(load_diagram(EXAMPLES / "stateless-full.statediagram.json").diagram)
    out = tmp_path / "run.apng"
    job = start_export(window, monkeypatch, out)
    ticks = []
    beat = QTimer()
    beat.timeout.connect(lambda: ticks.append(1))
    beat.start(5)
    # The dialog shows after a moment, with how far the work got; its Cancel button is clicked for real.
    qtbot.waitUntil(lambda: job.dialog.isVisible() and "Drawing frame" in job.dialog.labelText()
                    and job.slices >= 10, timeout=60_000)
    beat.stop()
    assert 0 < job.dialog.value() < job.dialog.maximum()
    assert len(ticks) > 3  # the event loop ran its timers between the slices: the window answered
    cancel = job.dialog.findChild(QPushButton)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not job.running
    qtbot.wait(200)
    assert list(tmp_path.iterdir()) == []  # no file, no half-written temporary file
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in window.findChildren(QProgressDialog))
    # The window goes on: the run plays and pauses.
    player = window.simulation.controller.player
    window.simulation.controls.play_action.trigger()
    assert player.playing
    window.simulation.controls.play_action.trigger()
    assert not player.playing


def test_the_animation_export_finishes_in_slices_and_writes_a_whole_apng(window, monkeypatch, qtbot, tmp_path):
    out = tmp_path / "run.apng"
    job = start_export(window, monkeypatch, out)
    done = []
    job.done.connect(done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=120_000)
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and b"acTL" in data and b"fdAT" in data
    assert done[0] > 100 and job.slices > 10  # many frames, drawn over many turns of the event loop
    assert window.simulation.controller.player.t == 0  # the play head is back where it was


def test_compare_shows_progress_and_runs_in_a_child_process(window, starter, qtbot):
    from statediagram.gui.simulation.compare import CompareDialog

    window.simulation.ui.simulate()
    dialog = CompareDialog(window.simulation.controller, window)
    long = ten_busy_minutes(starter)
    job = dialog.compare_with(long, "Ten busy minutes with Redis")
    turns = []
    beat = QTimer()
    beat.timeout.connect(lambda: turns.append(1))
    beat.start(5)
    qtbot.waitUntil(lambda: job.dialog.isVisible() and "Running" in job.dialog.labelText(), timeout=60_000)
    assert 0 <= job.dialog.value() < job.dialog.maximum()
    qtbot.mouseClick(job.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # Cancel: the child is ended
    beat.stop()
    assert len(turns) > 3 and not job.running
    assert dialog.reports is None and "Cancelled" in dialog.left.toPlainText()
    dialog.deleteLater()


def test_a_long_run_worked_out_for_the_report_export_shows_progress(window, starter, monkeypatch, qtbot, tmp_path):
    long = ten_busy_minutes(starter)
    show_diagram(window, long)
    out = tmp_path / "report.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.simulation.ui.simulate()
    window.simulation.controls.export_report_action.trigger()
    job = window.simulation.ui.job
    qtbot.waitUntil(lambda: job.dialog.isVisible() and "Working out the run" in job.dialog.labelText(),
                    timeout=60_000)
    qtbot.waitUntil(lambda: not job.running, timeout=120_000)
    assert job.slices > 10 and out.read_text().startswith("{")
    player = window.simulation.controller.player
    assert player.horizon == player.end == 600 * SECOND


def test_the_animations_first_frame_is_the_run_as_drawn(window, tmp_path):
    from PySide6.QtGui import QImage

    from statediagram.gui.simulation.export import render_frame, save_replay_apng

    sim = window.simulation
    sim.ui.simulate()
    sim.controller.player.work_out()
    assert save_replay_apng(sim.controller, tmp_path / "run.apng", 0.0, 1.0, fps=5, width=400) == 3
    shown = QImage(str(tmp_path / "run.apng")).convertToFormat(QImage.Format.Format_RGB32)  # its first frame
    c = sim.controller
    source = c.layer.sceneBoundingRect().united(c.scene.itemsBoundingRect())
    drawn = render_frame(c, 0, source, 400).convertToFormat(QImage.Format.Format_RGB32)
    assert shown.size() == drawn.size() and shown == drawn


def test_a_turn_of_long_work_stops_before_a_step_that_would_run_it_over(window, qtbot):
    """Steps of 15 ms each: one a turn (two would make 30 ms, over the 25 ms slice), so the window gets its turn
    between any two steps; before, a turn took a second step once the first had not filled the slice."""
    import time

    from statediagram.gui.progress import SLICE_S, run_with_progress

    step_s = 0.015
    assert 2 * step_s > SLICE_S > step_s

    def work():
        for i in range(6):
            time.sleep(step_s)
            yield (i + 1) / 6, f"Step {i + 1} of 6"
        return "done"

    job = run_with_progress(work(), "Six steps", window)
    qtbot.waitUntil(lambda: not job.running, timeout=10_000)
    assert job.result == "done"
    assert job.slices == 7  # six turns with a step each, and the turn that found the work finished


def test_the_canvas_is_not_repainted_for_each_frame_of_the_animation_export(window, monkeypatch, qtbot, tmp_path):
    """The frames are drawn for the file only: the canvas keeps showing the play head's frame, unpainted, until
    the export is done (it was repainted each turn, on top of the export's work)."""
    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        count = 0

        def eventFilter(self, _watched, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                Paints.count += 1
            return False

    sim = window.simulation
    sim.ui.simulate()
    sim.controller.player.set_playing(False)
    sim.controller.player.work_out()
    qtbot.waitUntil(lambda: not window.findings_work.busy)  # the design findings in (they come from a child)
    qtbot.wait(100)  # the canvas shows the run's first frame
    viewport = window.view.viewport()
    paints = Paints()
    viewport.installEventFilter(paints)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "run.apng"), ""))
    sim.controls.export_movie_action.trigger()
    job = sim.ui.job
    done = []
    job.done.connect(done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=120_000)
    qtbot.waitUntil(lambda: Paints.count >= 1)  # the canvas's one repaint once the export is done (a loaded
    qtbot.wait(200)  # machine may take over 200 ms to get to it), and nothing more after it
    viewport.removeEventFilter(paints)
    assert done[0] > 100 and job.slices > 20
    assert 1 <= Paints.count <= 3  # repainted when the export is done, not for each of its frames
    assert viewport.updatesEnabled()


def test_the_ticks_leave_working_out_the_run_to_an_export_under_way(window, starter, qtbot):
    """While an export works the run out a slice per turn, the player's ticks do not work it out too (both in
    one turn of the event loop doubled the turn)."""
    show_diagram(window, ten_busy_minutes(starter))
    sim = window.simulation
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    work = player.working_out()
    next(work)
    horizon = player.horizon
    for _ in range(5):
        player.tick()
    assert player.horizon == horizon
    # The run is worked out in its child; the export's slices take in what it sent (a slice may find nothing new)
    qtbot.waitUntil(lambda: next(work) is not None and player.horizon > horizon, timeout=10_000)
    work.close()
    horizon = player.horizon
    qtbot.waitUntil(lambda: player.horizon > horizon, timeout=10_000)  # no export under way: the ticks take it in


def test_work_in_a_fresh_child_takes_a_payload_bigger_than_a_pipe_holds_without_waiting_for_it():
    """As Compare sends two big diagrams to ``python -m statediagram.sim.side_by_side``, which reads them once its
    imports are done: written a pipe's worth at a time as the work is polled, they arrive whole and the reports
    come back."""
    big = load_diagram(EXAMPLES / "stateless-full.statediagram.json").diagram
    for node in big.nodes:  # long labels: two setups of about 100 KB pickled
        node.label = f"{node.label} " + "with a long name " * 1000
    setup = RunSetup(big, "calm")
    work = in_child_process("statediagram.sim.side_by_side", (setup, big), lambda message: "")
    try:
        assert next(work) == (0.0, "Starting…")
        deadline = time.monotonic() + 60
        with pytest.raises(StopIteration) as done:
            while time.monotonic() < deadline:
                next(work)
                time.sleep(0.01)
        mine, theirs = done.value.value
        assert mine == theirs  # the same diagram run alike
    finally:
        work.close()
