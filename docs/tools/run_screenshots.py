"""A screenshot of examples/stateless-full mid-run (its labels laid out, a server down) in docs/, at the size of
the screen it runs on: run it once on a 1600x1000 screen and once on a 1280x720 one.

Run under Xvfb, e.g.:
    Xvfb :57 -screen 0 1600x1000x24 -dpi 96 &
    DISPLAY=:57 openbox &  # a window manager, as a learner has one
    DISPLAY=:57 QT_QPA_PLATFORM=xcb PYTHONPATH=src python docs/tools/run_screenshots.py docs
    Xvfb :58 -screen 0 1280x720x24 -dpi 96 &
    DISPLAY=:58 openbox &  # a window manager, as a learner has one
    DISPLAY=:58 QT_QPA_PLATFORM=xcb PYTHONPATH=src python docs/tools/run_screenshots.py docs
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(out: Path) -> None:
    home = tempfile.mkdtemp(prefix="statediagram-shots-")
    os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_STATE_HOME"] = home
    from PySide6.QtWidgets import QApplication

    app = QApplication(["statediagram"])
    from statediagram.core.fileio import load_diagram
    from statediagram.gui.window import MainWindow

    def settle(rounds: int = 30) -> None:
        for _ in range(rounds):
            app.processEvents()
            time.sleep(0.02)

    example = Path(__file__).parents[2] / "examples" / "stateless-full.statediagram.json"
    screen = app.primaryScreen().geometry()
    for width, height in ((screen.width(), screen.height()),):
        w = MainWindow()
        w.resize(width, height)
        w.showMaximized()
        settle()
        w.files.new(load_diagram(example).diagram)
        settle()
        w.view.zoom_to_fit()
        sim = w.simulation
        sim.ui.simulate()
        player = sim.controller.player
        player.set_playing(False)
        player.work_out()
        layer = sim.controller.layer
        best, most = 0, -1  # the moment with the most kinds of label on screen (a server down among them)
        for t in range(0, player.end, 50_000):
            sim.ui.seek(t)
            kinds = {key[0] for key in layer.label_rects()}
            score = len(kinds) * 100 + len(layer.label_rects()) + (1000 if "down" in kinds else 0)
            if score > most:
                best, most = t, score
        sim.ui.seek(best)
        sim.ui.show_time(best, force=True)
        settle()
        # What the screen shows (a window larger than the screen is cut off at its edge, as the user sees it).
        app.primaryScreen().grabWindow(0).save(str(out / f"run-labels-{width}x{height}.png"))
        print(f"{width}x{height} (window {w.width()}x{w.height()}): t = {best / 1e6:.2f} s, "
              f"labels {sorted(layer.label_rects())}")
        sim.controller.stop()
        w.doc.undo_stack.setClean()
        w.close()
        settle(5)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
