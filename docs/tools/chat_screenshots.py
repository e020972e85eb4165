"""Screenshots of chat runs in docs/: examples/chat-redis at 10.95 s of the crash drill (Chat A down, its
connections dropped, the first reconnect on Chat B, a message through Redis) and examples/chat-stateful at
4.5 s of a calm day (messages not heard on the other server).

Run under Xvfb, e.g.:
    Xvfb :57 -screen 0 1600x1000x24 -dpi 96 &
    DISPLAY=:57 QT_QPA_PLATFORM=xcb PYTHONPATH=src python docs/tools/chat_screenshots.py docs
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = (("chat-redis", 10.95, "chat-run.png"), ("chat-stateful", 4.5, "chat-stateful-run.png"))


def main(out: Path) -> None:
    home = tempfile.mkdtemp(prefix="statediagram-shots-")
    os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_STATE_HOME"] = home
    from PySide6.QtWidgets import QApplication

    app = QApplication(["statediagram"])
    from statediagram.core.fileio import load_diagram
    from statediagram.gui.app import set_up_application
    from statediagram.gui.window import MainWindow

    set_up_application(app)

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    for example, at_s, name in SHOTS:
        w = MainWindow()
        w.resize(1600, 1000)
        w.showMaximized()
        settle()
        w.files.maybe_save = lambda: True  # a fresh window: nothing to save
        w.files.new(load_diagram(ROOT / "examples" / f"{example}.statediagram.json").diagram)
        settle()
        sim = w.simulation
        sim.ui.simulate()
        sim.side.raise_()  # the verdict, counters and chart beside the canvas
        player = sim.controller.player
        player.set_playing(False)
        player.work_out()
        settle()
        w.view.zoom_to_fit()
        sim.ui.seek(int(at_s * 1_000_000))
        sim.ui.show_time(player.t, force=True)
        settle()
        w.grab().save(str(out / name))
        print(out / name)
        sim.controller.stop()
        w.doc.undo_stack.clear()
        w.close()
        w.deleteLater()
        settle()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
