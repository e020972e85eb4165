"""Run for real on the canvas, inside the main window: how long the processes took to start, the run's wall
time, and the longest GUI-thread block while the run is played (its events read, tokens drawn, a crash by hand
sent, the report read). Offscreen. Needs the live extra, haproxy and redis-server. Asserts nothing.

Target: no block > 50 ms. Usage: python benchmarks/bench_live_canvas.py [DIAGRAM] [SPEED]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="statediagram-bench-")
os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = _HOME

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from heartbeat import Heartbeat  # noqa: E402

from statediagram.core.fileio import load_diagram  # noqa: E402
from statediagram.gui.app import set_up_application  # noqa: E402
from statediagram.gui.simulation.compare import starter_diagram  # noqa: E402
from statediagram.gui.window import MainWindow  # noqa: E402


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_up_application(app)
    d = load_diagram(Path(sys.argv[1])).diagram if len(sys.argv) > 1 and sys.argv[1] else starter_diagram()
    speed = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    w = MainWindow()
    w.resize(1400, 900)
    w.show()
    w.files.new(d)
    QApplication.processEvents()
    w.view.zoom_to_fit()
    sim = w.simulation
    settle = QEventLoop()  # as a learner would: the window shown and settled (its warm-up done) before the press
    QTimer.singleShot(2000, settle.quit)
    settle.exec()
    sim.controls.set_choices("standard", "sessions")
    sim.controls.speed.setCurrentIndex(sim.controls.speed.findData(speed))
    heart = Heartbeat().start()
    t0 = time.perf_counter()
    sim.controls.live_action.trigger()
    pressed = time.perf_counter() - t0  # the press itself: checks, the diagram's file, the child started
    replay = sim.controller.player.replay
    server = next(n.id for n in d.nodes if n.kind == "server")
    QTimer.singleShot(int(6_000 / speed), lambda: sim.controller.inject(server, "crash"))  # by hand, for real
    loop = QEventLoop()
    done = QTimer()
    done.setInterval(50)
    done.timeout.connect(lambda: (replay.finished or replay.failed or time.perf_counter() - t0 > 180) and loop.quit())
    done.start()
    loop.exec()
    heart.stop()
    worst = sorted(((w, cpu, at - t0) for w, cpu, at in heart.gaps()), reverse=True)[:3]
    gaps = sorted(w for w, _cpu, _at in heart.gaps())
    wall = time.perf_counter() - t0
    report = replay.report
    if report is None:
        print(f"the run did not end with a report: {replay.failed}")
    else:
        print(f"{d.title or 'diagram'}, standard drill ({report.duration_s:g} s) at speed {speed:g}: processes "
              f"started in {report.live.start_s:.2f} s, run {report.live.wall_s:.1f} s wall ({wall:.1f} s in the app),"
              f" {report.totals.requests} requests, {len(replay.requests)} drawn")
    print(f"the press of Run for real took {pressed * 1000:.0f} ms")
    print(f"GUI thread while playing it: {heart.words()}; 99th percentile "
          f"{gaps[int(len(gaps) * 0.99)] * 1000:.1f} ms over {len(heart.beats)} heartbeats (target <= 50 ms); "
          "the longest three at " + ", ".join(f"{at:.1f} s ({gap * 1000:.0f} ms, the GUI thread ran {cpu * 1000:.0f})"
                                              for gap, cpu, at in worst))
    w.simulation.live.shutdown(wait=True)
    sim.controller.stop()
    w.doc.undo_stack.clear()
    w.close()


if __name__ == "__main__":
    main()
