"""Takes docs/live-run.png: the lesson's starter run for real under the crash drill, in the Run for real window.

Needs the live extra, haproxy and redis-server. Run: QT_QPA_PLATFORM=offscreen python docs/tools/make_live_picture.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from statediagram.core.fileio import load_diagram
from statediagram.gui.live.dialog import LiveRunDialog

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    diagram = load_diagram(ROOT / "src/statediagram/assets/missions/stateless.statediagram.json").diagram
    d = LiveRunDialog(diagram)
    d.speed.setCurrentIndex(1)  # 2x: the 35-s drill in about 18 s
    d.show()
    d.start()
    loop = QEventLoop()
    d.finished_run.connect(lambda _report: loop.quit())
    QTimer.singleShot(120_000, loop.quit)  # bounded
    loop.exec()
    app.processEvents()
    d.grab().save(str(ROOT / "docs" / "live-run.png"))
    print("wrote docs/live-run.png" if d.report else "no report: " + d.status.text())


if __name__ == "__main__":
    main()
