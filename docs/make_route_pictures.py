"""Take the README's pictures of routed links: examples/stateless-full as a learner opens it, editing and in the
middle of its run, at 1600x1000 and at 1280x720, on a real X server (Xvfb), grabbed from the screen.

    Xvfb :58 -screen 0 1600x1000x24 -dpi 96 &
    DISPLAY=:58 openbox &  # a window manager, as a learner has one
    DISPLAY=:58 QT_QPA_PLATFORM=xcb python docs/make_route_pictures.py 1600 1000
    Xvfb :59 -screen 0 1280x720x24 -dpi 96 &
    DISPLAY=:59 openbox &  # a window manager, as a learner has one
    DISPLAY=:59 QT_QPA_PLATFORM=xcb python docs/make_route_pictures.py 1280 720
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
EXAMPLE = DOCS.parent / "examples" / "stateless-full.statediagram.json"


def settle(app, rounds: int = 30) -> None:
    from PySide6.QtCore import QThread

    for _ in range(rounds):
        app.processEvents()
        QThread.msleep(15)


def main(width: int, height: int) -> int:
    private = tempfile.mkdtemp(prefix="statediagram-shots-")  # no recent files or autosaves of the user's
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[name] = private
    from PySide6.QtWidgets import QApplication

    from statediagram.gui.window import MainWindow

    app = QApplication(["statediagram"])
    window = MainWindow()
    window.setGeometry(0, 0, width, height)  # without a window manager the window is the screen
    window.showMaximized()  # under one (openbox) it fills the screen, its title bar included
    settle(app)
    assert window.open_path(str(EXAMPLE))
    settle(app)
    window.view.zoom_to_fit()
    settle(app)
    frame = window.frameGeometry()
    print(f"{width}x{height}: window frame {frame.x()},{frame.y()} {frame.width()}x{frame.height()}, "
          f"canvas {window.view.width()}x{window.view.height()}")
    screen = app.primaryScreen()
    screen.grabWindow(0, 0, 0, width, height).save(str(DOCS / f"routes-{width}x{height}.png"))
    sim = window.simulation
    sim.ui.simulate()
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    sim.ui.seek(12_400_000)  # Server A down since 10 s, the requests going round it through Server B
    settle(app, 40)
    screen.grabWindow(0, 0, 0, width, height).save(str(DOCS / f"routes-run-{width}x{height}.png"))
    window.doc.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
