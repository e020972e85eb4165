"""Missions in the app: opening each mission, and Check mission on each starter, on the real main window.

Targets (issue 11): opening a mission <= 0.5 s; Check mission on any starter <= 1 s. Opening is timed from the
call to the window painted with the starter and the mission panel; Check from the key press to the result
shown. The machine's first run of each is included (nothing warmed but the window itself). Prints the
figures; asserts nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["bench"])
    from statediagram.gui.missions.progress import MissionProgress
    from statediagram.gui.warmup import wait_for_warm_up
    from statediagram.gui.window import MainWindow
    from statediagram.missions import list_missions

    tmp = Path(tempfile.mkdtemp())
    window = MainWindow(progress=MissionProgress(QSettings(str(tmp / "m.ini"), QSettings.Format.IniFormat), tmp))
    window.resize(1400, 900)
    window.show()
    for _ in range(20):
        app.processEvents()
    wait_for_warm_up()
    print("mission     open (s)  check (s)  verdict")
    worst_open = worst_check = 0.0
    for mission in list_missions():
        t0 = time.perf_counter()
        window.open_mission(mission.id, continue_attempt=False)
        app.processEvents()
        window.repaint()
        opened = time.perf_counter() - t0
        t0 = time.perf_counter()
        window.missions.check.trigger()
        app.processEvents()
        window.repaint()
        checked = time.perf_counter() - t0
        result = window.missions.session.last_result
        worst_open, worst_check = max(worst_open, opened), max(worst_check, checked)
        print(f"{mission.id:10s}  {opened:8.3f}  {checked:9.3f}  {'passed' if result.passed else 'failed'} "
              f"({mission.scenario}, {mission.journey})")
    print(f"worst: open {worst_open:.3f} s (target <= 0.5 s), check {worst_check:.3f} s (target <= 1 s)")
    window.doc.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    main()
