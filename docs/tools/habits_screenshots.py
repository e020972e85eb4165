"""Take the README's pictures of editing examples/stateless-full with a right-click menu open, at 1600x1000 and
1280x720, on a real X server (Xvfb), grabbed from the screen; and of the run's panel at 1280x720.

    Xvfb :58 -screen 0 1600x1000x24 -dpi 96 &
    DISPLAY=:58 openbox &  # a window manager, as a learner has one
    DISPLAY=:58 QT_QPA_PLATFORM=xcb python docs/tools/habits_screenshots.py 1600 1000
    Xvfb :59 -screen 0 1280x720x24 -dpi 96 &
    DISPLAY=:59 openbox &  # a window manager, as a learner has one
    DISPLAY=:59 QT_QPA_PLATFORM=xcb python docs/tools/habits_screenshots.py 1280 720
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
EXAMPLE = DOCS.parent / "examples" / "stateless-full.statediagram.json"


def settle(app, rounds: int = 20) -> None:
    from PySide6.QtCore import QThread

    for _ in range(rounds):
        app.processEvents()
        QThread.msleep(15)


def main(width: int, height: int) -> int:
    private = tempfile.mkdtemp(prefix="statediagram-shots-")  # no recent files or autosaves of the user's
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[name] = private
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    from statediagram.gui.window import MainWindow

    app = QApplication(["statediagram"])
    window = MainWindow()
    window.setGeometry(0, 0, width, height)  # without a window manager the window is the screen
    window.showMaximized()  # under one (openbox) it fills the screen, its title bar included
    settle(app)
    window.open_path(str(EXAMPLE))
    settle(app, 40)
    scene, view = window.scene, window.view
    server = next(i for i in scene.node_items.values() if i.kind == "server")
    port = view.viewport()
    at = view.mapFromScene(server.mapToScene(QPointF(-40, -10)))
    app.sendEvent(port, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, port.mapToGlobal(at)))
    settle(app, 30)
    screen = app.primaryScreen()
    name = f"editing-menu-{width}x{height}.png"
    screen.grabWindow(0, 0, 0, width, height).save(str(DOCS / name))
    menu = view.input.menus.shown
    menu.close()
    print(f"{name}: window {window.width()}x{window.height()}, canvas {view.width()}x{view.height()}, "
          f"menu {[a.text() for a in menu.actions() if not a.isSeparator()]}")

    # The run at the end of the crash drill: the counters, chart and per-server load in the panel.
    sim = window.simulation
    sim.controls.simulate_action.trigger()
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    sim.ui.seek(player.end)
    settle(app, 40)
    name = f"run-panel-{width}x{height}.png"
    screen.grabWindow(0, 0, 0, width, height).save(str(DOCS / name))
    panel = sim.panel
    bars = panel.verticalScrollBar()
    shown = panel.viewport().rect()
    metrics = panel.metrics.geometry().translated(-panel.widget().pos().x(), -panel.widget().pos().y())
    print(f"{name}: panel {panel.width()}x{panel.height()}, its scroll bar "
          f"{'shown' if bars.isVisible() else 'hidden'} (range {bars.maximum()}); counters, chart and load "
          f"{metrics.width()}x{metrics.height()}, {'all in sight' if shown.contains(metrics) else 'cut'}")
    window.doc.undo_stack.clear()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
