"""Long work and the window: the longest the GUI thread is held up while the app exports a run's animation,
works a ten-minute run out for the report, and compares two designs; beside each, how long the same work held
the window when it was done in one go (as before the progress dialogs). Offscreen; prints figures.

The GUI-block measure is heartbeat.py's: a 1 ms heartbeat timer on the real event loop; the longest gap between
two beats is the longest the window could not answer, printed with the GUI thread's own CPU time in it (the rest
is the machine's load). Target: <= 50 ms.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="statediagram-bench-")  # recent files and autosaves go here, not to the user's
os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_STATE_HOME"] = _HOME

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from bench_simview import ten_minutes  # noqa: E402
from heartbeat import Heartbeat  # noqa: E402

from statediagram.core.fileio import load_diagram  # noqa: E402
from statediagram.gui.app import set_up_application  # noqa: E402
from statediagram.gui.progress import finish  # noqa: E402
from statediagram.gui.simulation.compare import CompareDialog  # noqa: E402
from statediagram.gui.simulation.export import replay_apng_steps  # noqa: E402
from statediagram.gui.warmup import wait_for_warm_up  # noqa: E402
from statediagram.gui.window import MainWindow  # noqa: E402
from statediagram.sim.side_by_side import run_both  # noqa: E402

EXAMPLE = Path(__file__).parents[1] / "examples" / "stateless-full.statediagram.json"


def blocks_during(start, job_of) -> tuple[str, float, int]:
    """Start the work, run the event loop until it is done; (the longest block in words, wall time, slices).
    Prints what of the longest gap the work itself and the garbage collector account for."""
    collections: list[float] = []
    began: list[float] = []

    def timed(phase: str, _info: dict) -> None:
        if phase == "start":
            began[:] = [time.perf_counter()]
        elif began:
            collections.append(time.perf_counter() - began[0])

    gc.callbacks.append(timed)
    heart = Heartbeat().start()
    loop = QEventLoop()
    t0 = time.perf_counter()
    start()
    job = job_of()
    for signal in (job.done, job.failed, job.cancelled):
        signal.connect(lambda *_a: loop.quit())
    loop.exec()
    heart.stop()
    if job.error:
        raise RuntimeError(job.error)
    gc.callbacks.remove(timed)
    print(f"  (the work itself, longest in one turn of the event loop: {job.longest_slice_s * 1000:.1f} ms; "
          f"longest garbage collection in the app's process meanwhile: {max(collections, default=0) * 1000:.1f} ms)")
    return heart.words(), time.perf_counter() - t0, job.slices


def idle_floor(seconds: float = 5.0) -> str:
    """The longest gap between heartbeats with the window doing nothing: what the machine's load alone costs
    (another program on the same cores delays the heartbeat itself)."""
    heart = Heartbeat().start()
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    heart.stop()
    wall, cpu = heart.longest()
    return f"{wall * 1000:.1f} ms (the GUI thread ran {cpu * 1000:.1f} ms of it)"


def window_with(diagram) -> MainWindow:
    w = MainWindow()
    w.resize(1400, 900)
    w.show()
    w.files.new(diagram)
    QApplication.processEvents()
    w.view.zoom_to_fit()
    QApplication.processEvents()
    return w


def close(w: MainWindow) -> None:
    w.simulation.controller.stop()
    w.doc.undo_stack.clear()
    w.close()
    QApplication.processEvents()


def save_to(path: Path) -> None:
    """The Save dialogs of the run's exports answer ``path`` (no dialog waits for a click)."""
    import statediagram.gui.simulation.panel as panel_module

    panel_module.QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: (str(path), ""))


def export_animation(out: Path) -> None:
    w = window_with(load_diagram(EXAMPLE).diagram)
    sim = w.simulation
    sim.ui.simulate()
    sim.controller.player.set_playing(False)
    sim.controller.player.work_out()
    t0 = time.perf_counter()
    frames = finish(replay_apng_steps(sim.controller, out / "at-once.apng"))
    at_once = time.perf_counter() - t0
    size = (out / "at-once.apng").stat().st_size / 2**20
    save_to(out / "sliced.apng")
    block, wall, slices = blocks_during(sim.controls.export_movie_action.trigger, lambda: sim.ui.job)
    print(f"export animation of stateless-full ({frames} frames, {size:.1f} MB): in one go the window was held "
          f"{at_once * 1000:.0f} ms; in slices: {block} over {wall:.1f} s, "
          f"{slices} slices (target <= 50 ms)")
    close(w)


def work_out_for_report(out: Path) -> None:
    w = window_with(ten_minutes())
    sim = w.simulation
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    t0 = time.perf_counter()
    player.work_out()
    at_once = time.perf_counter() - t0
    sim.ui.simulate()  # the same run again, from the start
    player.set_playing(False)
    save_to(out / "report.json")
    block, wall, slices = blocks_during(sim.controls.export_report_action.trigger, lambda: sim.ui.job)
    print(f"export report of a ten-minute run not yet worked out: in one go the window was held {at_once:.1f} s; "
          f"in slices: {block} over {wall:.1f} s, {slices} slices (target <= 50 ms)")
    close(w)


def compare() -> None:
    w = window_with(ten_minutes())
    sim = w.simulation
    sim.ui.simulate()
    sim.controller.player.set_playing(False)
    sim.controller.player.work_out()  # the run shown is done: what is measured is Compare's alone
    other = ten_minutes(150)
    setup = sim.controller.player.setup
    t0 = time.perf_counter()
    run_both(setup, other.copy(), lambda f, which: None)
    at_once = time.perf_counter() - t0
    dialog = CompareDialog(sim.controller, w)
    block, wall, slices = blocks_during(lambda: dialog.compare_with(other, "150 users"), lambda: dialog.job)
    print(f"compare two ten-minute runs: in one go the window was held {at_once:.1f} s; in a child process: "
          f"{block} over {wall:.1f} s (target <= 50 ms)")
    dialog.deleteLater()
    close(w)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    set_up_application(app)
    wait_for_warm_up()
    out = Path(tempfile.mkdtemp(prefix="statediagram-bench-out-"))
    w = window_with(load_diagram(EXAMPLE).diagram)
    print(f"idle window, 5 s: longest gap between heartbeats {idle_floor()} (the machine's own noise)")
    close(w)
    export_animation(out)
    work_out_for_report(out)
    compare()
    del app


if __name__ == "__main__":
    main()
