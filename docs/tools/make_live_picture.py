"""Takes docs/live-run.png and docs/live-run-verdict.png: the lesson's starter run for real under the crash drill,
played on the main window's canvas (mid-run, just after Server A was killed; then at the end, with the verdict).

Needs the live extra, haproxy and redis-server, and a display: run it under Xvfb, e.g.
``Xvfb :57 -screen 0 1600x1000x24 -dpi 96 & DISPLAY=:57 QT_QPA_PLATFORM=xcb python docs/tools/make_live_picture.py``
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]


def wait_until(test, timeout_s: float) -> bool:
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: test() and loop.quit())
    poll.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)  # bounded
    loop.exec()
    poll.stop()
    return bool(test())


def main() -> None:
    import os

    home = tempfile.mkdtemp(prefix="statediagram-picture-")
    os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_STATE_HOME"] = home
    from statediagram.core.fileio import load_diagram
    from statediagram.gui.app import set_up_application
    from statediagram.gui.window import MainWindow
    from statediagram.sim.scenario import SECOND

    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_up_application(app)
    w = MainWindow()
    w.resize(1600, 960)
    w.show()
    w.files.new(load_diagram(ROOT / "src/statediagram/assets/missions/stateless.statediagram.json").diagram)
    sim = w.simulation  # built, and its docks placed, before the diagram is fitted to the canvas left
    wait_until(lambda: False, 0.5)
    w.view.zoom_to_fit()
    sim.controls.set_choices("standard", "sessions")
    sim.controls.live_action.trigger()
    replay = sim.controller.player.replay
    # Server A is killed at 10 s; its users' next requests reach Server B, which never saw their sessions.
    wait_until(lambda: replay.started and sim.controller.player.t >= int(11.3 * SECOND)
               and any(r.outcome == "lost_session" for r in replay.settled), 60)
    app.processEvents()
    w.grab().save(str(ROOT / "docs" / "live-run.png"))
    print(f"wrote docs/live-run.png at t = {sim.controller.player.t / SECOND:.1f} s, "
          f"{len(sim.controller.layer.frame.tokens)} tokens on the canvas")
    wait_until(lambda: sim.ui.panel.verdict.report is not None, 90)
    app.processEvents()
    w.grab().save(str(ROOT / "docs" / "live-run-verdict.png"))
    report = sim.ui.panel.verdict.report
    print("wrote docs/live-run-verdict.png: " + (f"{report.totals}, processes started in {report.live.start_s} s, "
                                                 f"run {report.live.wall_s} s wall" if report else "no report"))
    sim.live.shutdown(wait=True)
    sim.controller.stop()
    w.doc.undo_stack.clear()
    w.close()


if __name__ == "__main__":
    main()
