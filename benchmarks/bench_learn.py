"""The lesson and the quiz in the app, offscreen: what a learner waits for.

Prints: opening the lesson the first time (reading lesson.json, building the first section, drawing its
picture), turning to each section (pictures drawn at show time), "see it" (an example opened and its run
started), and answering each "predict the verdict" question the first time (the engine runs the diagram in a
child process started ahead, its libraries imported: from the press to the answer shown, and how long the press
itself held the window). Target: each under 0.5 s on the 2-core machine, so the click feels immediate. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    private = tempfile.mkdtemp(prefix="statediagram-bench-")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[name] = private
    from PySide6.QtWidgets import QApplication

    app = QApplication(["bench"])
    from statediagram.gui.warmup import wait_for_warm_up
    from statediagram.gui.window import MainWindow

    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    _ = window.simulation  # installed just after the first paint in the app
    wait_for_warm_up()
    for _ in range(20):  # the start page's own deferred work (mission thumbnails) done before timing
        app.processEvents()
        time.sleep(0.01)
    learning = window.learning

    t0 = time.perf_counter()
    learning.show_lesson()
    app.processEvents()
    print(f"open the lesson (first time): {(time.perf_counter() - t0) * 1000:.0f} ms")

    turns = []
    for i in range(1, len(learning.lesson.sections)):
        t0 = time.perf_counter()
        learning.reader.chooser.setCurrentIndex(i)
        app.processEvents()
        turns.append(time.perf_counter() - t0)
    print(f"turn to a section: median {statistics.median(turns) * 1000:.0f} ms, slowest {max(turns) * 1000:.0f} ms")

    sees = []
    for section in learning.lesson.sections:
        for see in section.see:
            t0 = time.perf_counter()
            learning.see(see.run)
            app.processEvents()
            sees.append(time.perf_counter() - t0)
    print(f"see it (open + start the run): median {statistics.median(sees) * 1000:.0f} ms, "
          f"slowest {max(sees) * 1000:.0f} ms over {len(sees)}")

    learning.show_quiz()
    dialog = learning.quiz
    predictions, presses = [], []
    while not dialog.round.finished:
        question = dialog.round.current
        if question.predict is not None:
            for _ in range(100):  # the learner looks at the diagram a second: the next child's imports are done
                app.processEvents()
                time.sleep(0.01)
        t0 = time.perf_counter()
        dialog.choose(0)
        pressed = time.perf_counter() - t0
        while not dialog.round.answered:
            app.processEvents()
            time.sleep(0.001)
        if question.predict is not None:
            predictions.append(time.perf_counter() - t0)
            presses.append(pressed)
        dialog.go_next()
        app.processEvents()
    print(f"answer a prediction (engine run in a child): median {statistics.median(predictions) * 1000:.0f} ms, "
          f"slowest {max(predictions) * 1000:.0f} ms over {len(predictions)}; the press held the window at most "
          f"{max(presses) * 1000:.1f} ms")
    dialog.close()
    window.simulation.controller.stop()
    window.doc.undo_stack.clear()
    window.close()
    from statediagram.sim.child_run import SPARES

    SPARES.drop()


if __name__ == "__main__":
    main()
