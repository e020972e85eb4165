"""Take the README's pictures of the lesson reader and of a "predict the verdict" question, as a learner sees
them: on a real X server (Xvfb), driven by clicks, grabbed from the screen.

    Xvfb :57 -screen 0 1600x1000x24 -dpi 96 &
    DISPLAY=:57 QT_QPA_PLATFORM=xcb python docs/make_learn_pictures.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def settle(app, rounds: int = 20) -> None:
    from PySide6.QtCore import QThread

    for _ in range(rounds):
        app.processEvents()
        QThread.msleep(15)


def main() -> int:
    private = tempfile.mkdtemp(prefix="statediagram-shots-")  # no recent files or autosaves of the user's
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[name] = private
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from statediagram.gui.window import MainWindow

    app = QApplication(["statediagram"])
    window = MainWindow()
    window.setGeometry(0, 0, 1600, 1000)
    window.show()
    settle(app)
    # The lesson, its comparison table, and the run behind its "if a server crashes / stateful" cell.
    QTest.mouseClick(window.learning.start_lesson, Qt.MouseButton.LeftButton)
    window.learning.reader.show_section("table")
    settle(app)
    table = window.learning.reader.table
    rect = table.visualItemRect(table.item(1, 1))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    sim = window.simulation
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    sim.ui.seek(player.end)
    settle(app, 40)
    screen = app.primaryScreen()
    screen.grabWindow(0, 0, 0, 1600, 1000).save(str(DOCS / "lesson-reader.png"))

    # A "predict the verdict" question, answered: the diagram as the app draws it, the engine's counters.
    window.learning.quiz_action.trigger()  # Learn > Flash Quiz
    dialog = window.learning.quiz
    dialog.move(440, 60)
    settle(app)
    while dialog.round.current.predict is None or dialog.round.current.predict.diagram != "sticky-sessions":
        QTest.keyClick(dialog, Qt.Key.Key_1)
        QTest.keyClick(dialog, Qt.Key.Key_Return)
    QTest.keyClick(dialog, Qt.Key.Key_2)  # "logs users out" on a calm day: the sticky pin holds, so wrong
    settle(app, 40)
    g = dialog.frameGeometry()
    screen.grabWindow(0, g.x(), g.y(), g.width(), g.height()).save(str(DOCS / "quiz-predict.png"))
    # On to the score by mouse, as a learner: the first answer each time, then Next.
    QTest.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    while not dialog.round.finished:
        QTest.mouseClick(dialog.choice_buttons[0], Qt.MouseButton.LeftButton)
        QTest.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    settle(app)
    print(f"lesson run shown: {window.windowTitle()}; quiz: {dialog.question.text()}, "
          f"{len(dialog.round.missed())} to retry")
    dialog.close()
    window.doc.undo_stack.clear()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
