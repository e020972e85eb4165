"""The screenshots of the mission browser and the mission panel (failed, then passed) in docs/.

Run under Xvfb, e.g.:
    Xvfb :57 -screen 0 1600x1000x24 -dpi 96 &
    DISPLAY=:57 QT_QPA_PLATFORM=xcb PYTHONPATH=src python docs/tools/mission_screenshots.py docs
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def main(out: Path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(["statediagram"])
    from statediagram.gui.missions.progress import IN_PROGRESS, PASSED, MissionProgress
    from statediagram.gui.window import MainWindow

    def settle(rounds: int = 40) -> None:
        for _ in range(rounds):
            app.processEvents()
            time.sleep(0.02)

    tmp = Path(tempfile.mkdtemp())
    progress = MissionProgress(QSettings(str(tmp / "m.ini"), QSettings.Format.IniFormat), tmp)
    progress.set_status("stateless", PASSED)
    progress.set_status("sticky", IN_PROGRESS)
    w = MainWindow(progress=progress)
    w.resize(1500, 950)
    w.show()
    settle()
    w.missions.browser.draw_pictures()
    settle()
    w.grab().save(str(out / "missions-browser.png"))

    w.open_mission("sticky", continue_attempt=False)
    w.missions.panel.show_next_hint()
    w.missions.check.trigger()
    w.missions.panel.reasons.setCurrentRow(0)
    settle()
    w.grab().save(str(out / "mission-failed.png"))

    w.editor.set_prop("lb", "policy", "round_robin")
    redis = w.editor.add_node("redis", 700, 130)
    w.editor.link("a", redis)
    w.editor.link("b", redis)
    w.scene.clearSelection()
    w.view.zoom_to_fit()
    w.missions.check.trigger()
    settle()
    w.grab().save(str(out / "mission-passed.png"))
    w.doc.undo_stack.setClean()
    w.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
