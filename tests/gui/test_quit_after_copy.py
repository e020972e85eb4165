"""Quitting the app after copying nodes ends the process cleanly (it segfaulted at exit before)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from statediagram.gui.app import set_up_application
    from statediagram.gui.editing import clipboard
    from statediagram.gui.window import MainWindow

    app = QApplication(["statediagram"])
    set_up_application(app)
    w = MainWindow()
    w.show()
    w.new_diagram()
    node = w.editor.add_node("server", 0, 0)
    w.scene.select_ids([node])
    assert clipboard.copy_selection(w.editor)
    if COPY_IMAGE:
        assert clipboard.copy_image(w.editor)
    w.doc.undo_stack.setClean()
    QTimer.singleShot(50, app.quit)
    app.exec()
    print("quit cleanly")
""")


@pytest.mark.parametrize("image", [False, True], ids=["nodes", "nodes then a picture"])
def test_quitting_after_a_copy_exits_cleanly(tmp_path, image):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path),
               XDG_DATA_HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path))
    script = f"COPY_IMAGE = {image}\n" + SCRIPT
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "quit cleanly" in run.stdout


QUIT_AT_ONCE = textwrap.dedent("""
    import atexit, sys
    from PySide6.QtWidgets import QApplication
    from statediagram.gui.warmup import LOADED
    from statediagram.gui.window import MainWindow

    app = QApplication(["statediagram"])
    w = MainWindow()  # starts loading the libraries it needs soon on a thread of its own
    w.doc.undo_stack.setClean()
    atexit.register(lambda: print("loaded before the exit:", all(name in sys.modules for name in LOADED)))
""")


def test_quitting_while_the_libraries_load_waits_for_them(tmp_path):
    """The app quit at once: Python finishes the warm-up's imports before it shuts down, rather than stopping the
    thread in the middle of one (inside PySide6's import hook, which can abort the process)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path),
               XDG_DATA_HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path))
    run = subprocess.run([sys.executable, "-c", QUIT_AT_ONCE], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "loaded before the exit: True" in run.stdout
