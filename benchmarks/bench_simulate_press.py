"""Pressing Simulate (F5) as a learner does: how long the window is held by the press, how long until the run is on
screen, and the longest turn of the event loop in between. Offscreen, examples/stateless-full.

Three presses: right after the window shows (the child started ahead for the first run is still loading its
libraries, 0.6-0.8 s), once it is ready (seconds later), and again 0.2 s after that (the next child, started when
the run before took the ready one, is still loading). Target (issue 13): no GUI block over 50 ms. Asserts nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
PRIVATE = tempfile.mkdtemp(prefix="bench-simulate-")  # recent files and autosaves go here, not to the user's folders
os.environ["XDG_CONFIG_HOME"] = str(Path(PRIVATE) / "config")
os.environ["XDG_DATA_HOME"] = str(Path(PRIVATE) / "data")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "stateless-full.statediagram.json"


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from statediagram.gui.app import set_up_application
    from statediagram.gui.window import MainWindow

    app = QApplication.instance() or QApplication(["statediagram"])
    set_up_application(app)
    began = time.perf_counter()
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    window.open_path(str(EXAMPLE))
    app.processEvents()
    print(f"window shown with {EXAMPLE.name} after {time.perf_counter() - began:.2f} s")
    player = window.simulation.controller.player
    f5 = window.simulation.controls.simulate_action

    def press(words: str) -> None:
        pressed = time.perf_counter()
        f5.trigger()
        held = time.perf_counter() - pressed
        starting = player.starting
        longest, last = 0.0, time.perf_counter()
        while player.starting or player.t == 0:
            app.processEvents()
            now = time.perf_counter()
            longest, last = max(longest, now - last), now
            if now - pressed > 20:
                break
        shown = time.perf_counter() - pressed
        child = "still loading" if starting else "ready"
        print(f"{words}: the press held the window {held * 1000:.0f} ms (its child {child}); the run playing on "
              f"screen {shown:.2f} s after the press; the longest turn meanwhile {longest * 1000:.0f} ms")

    def wait(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()

    wait(0.3)
    press("Simulate 0.3 s after the window showed")
    wait(3.0)
    press("Simulate once the next child is ready")
    wait(0.2)
    press("Simulate again 0.2 s later")
    window.simulation.controller.stop()
    window.doc.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    sys.exit(main())
