"""No work lost: an editor killed with SIGKILL leaves an autosave that the next start offers back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from statediagram.core.fileio import load_diagram
from statediagram.gui.files import autosave
from statediagram.gui.files.autosave import Autosaver, find_recoveries
from statediagram.gui.window import MainWindow

MARKER = "AUTOSAVED"

# The child edits through the editor's own commands, waits until the autosave holds every edit, says so,
# then keeps running (its event loop busy) until the test kills it.
CHILD = textwrap.dedent(f"""
    import sys, time
    from PySide6.QtWidgets import QApplication
    from statediagram.gui.window import MainWindow

    app = QApplication([])
    w = MainWindow(autosave_ms=50)
    w.show()
    w.new_diagram()
    ed = w.editor
    users = ed.add_node("client", -240, 0)
    lb = ed.add_node("load_balancer", 0, 0)
    a = ed.add_node("server", 240, -100)
    b = ed.add_node("server", 240, 100)
    assert ed.link(users, lb) is None
    ed.rename(a, "Crash me")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        app.processEvents()
        f = w.autosaver.diagram_file
        if f.exists() and w.autosaver.meta_file.exists() and f.read_text("utf-8") == w.doc.to_json():
            break
        time.sleep(0.01)
    else:
        sys.exit("no autosave within 20 s")
    print("{MARKER}", w.autosaver.diagram_file, flush=True)
    while True:
        app.processEvents()
        time.sleep(0.01)
""")


@pytest.fixture
def xdg(tmp_path, monkeypatch):
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def run_and_kill_editor(tmp_path: Path, env: dict[str, str]) -> Path:
    """Start an editor in a child process, edit, wait for the autosave, SIGKILL it; the autosave's path."""
    child_env = {**os.environ, **env, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-c", CHILD], env=child_env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith(MARKER), f"child said {line!r}, stderr: {proc.stderr.read() if proc.poll() else ''}"
        proc.send_signal(signal.SIGKILL)
        # Reaping matters: a killed child not yet waited for is a zombie, and a zombie's pid still answers.
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    return Path(line.split(maxsplit=1)[1].strip())


@pytest.fixture
def fresh_window(qtbot, xdg):
    windows = []

    def make() -> MainWindow:
        w = MainWindow(autosave_ms=50)  # not qtbot.addWidget: it would close before we mark the work saved
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.doc.undo_stack.setClean()  # closing must not stop on the "save changes?" question
        w.close()
        w.deleteLater()


def shape(diagram) -> tuple[set, set]:
    return ({(n.kind, n.label, n.x, n.y) for n in diagram.nodes},
            {frozenset(diagram.node(e).label for e in lk.ends) for lk in diagram.links})


def test_killed_editor_work_is_offered_back_exactly_and_unsaved(tmp_path, xdg, fresh_window, monkeypatch):
    left = run_and_kill_editor(tmp_path, xdg)
    assert left.is_relative_to(tmp_path / "data")
    expected = load_diagram(left).diagram
    nodes, links = shape(expected)
    assert {(k, lbl) for k, lbl, _x, _y in nodes} == {
        ("client", "Users"), ("load_balancer", "Load balancer"), ("server", "Crash me"), ("server", "Server B")}
    assert links == {frozenset({"Users", "Load balancer"})}

    w = fresh_window()
    asked = []
    monkeypatch.setattr(w, "ask_recover", lambda recovery: asked.append(recovery.describe()) or True)
    assert w.offer_recovery()
    assert len(asked) == 1 and "untitled diagram" in asked[0]
    assert shape(w.doc.diagram) == (nodes, links)
    assert set(w.scene.node_items) == {n.id for n in expected.nodes}
    assert len(w.scene.link_items) == 1
    assert w.isWindowModified() and "[*]" in w.windowTitle()
    assert w.pages.currentWidget() is w.view
    assert not left.exists()  # the dead program's copy is now this program's autosave
    assert find_recoveries() == []


def test_recovery_offered_through_the_real_question_box(tmp_path, xdg, fresh_window):
    run_and_kill_editor(tmp_path, xdg)
    w = fresh_window()
    seen = []

    def answer_yes() -> None:
        boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
        if not boxes:
            QTimer.singleShot(20, answer_yes)
            return
        seen.append(boxes[0].text())
        boxes[0].button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, answer_yes)
    assert w.offer_recovery()
    assert seen and "did not close properly" in seen[0] and "untitled diagram" in seen[0]
    assert len(w.doc.diagram.nodes) == 4 and w.isWindowModified()


def test_declining_removes_the_autosave(tmp_path, xdg, fresh_window, monkeypatch):
    left = run_and_kill_editor(tmp_path, xdg)
    meta = left.with_name(left.name.replace(".statediagram.json", ".meta.json"))
    assert meta.exists()
    w = fresh_window()
    monkeypatch.setattr(w, "ask_recover", lambda recovery: False)
    assert not w.offer_recovery()
    assert not left.exists() and not meta.exists()
    assert w.doc.diagram.nodes == []
    second = fresh_window()
    monkeypatch.setattr(second, "ask_recover", lambda recovery: pytest.fail("nothing is left to offer"))
    assert not second.offer_recovery()


def test_a_recycled_pid_does_not_hide_the_work(tmp_path, xdg, fresh_window, monkeypatch):
    # After a reboot (or in a container) the dead editor's pid may belong to another, living program.
    left = run_and_kill_editor(tmp_path, xdg)
    meta = left.with_name(left.name.replace(".statediagram.json", ".meta.json"))
    record = json.loads(meta.read_text())
    record["pid"] = os.getppid()  # alive, and not an editor
    meta.write_text(json.dumps(record))
    w = fresh_window()
    monkeypatch.setattr(w, "ask_recover", lambda recovery: True)
    assert w.offer_recovery()
    assert len(w.doc.diagram.nodes) == 4


def test_a_running_editor_autosave_is_not_offered(tmp_path, xdg, fresh_window):
    first = fresh_window()
    first.new_diagram()
    first.editor.add_node("server", 0, 0)
    first.autosaver.save_now()
    assert first.autosaver.diagram_file.exists()
    assert find_recoveries() == []


def test_the_autosave_is_written_atomically_and_never_half_written(xdg, fresh_window, qtbot, monkeypatch):
    w = fresh_window()
    w.new_diagram()
    for i in range(40):
        w.editor.add_node("server", i * 240, 0)
    w.autosaver.save_now()
    first = w.autosaver.diagram_file.read_bytes()
    written = []
    real_replace = os.replace

    def replace_and_look(src, dst):
        # Just before the rename the old autosave is still whole, and the new one is complete beside it.
        if Path(dst) == w.autosaver.diagram_file:
            written.append((Path(dst).read_bytes(), Path(src).read_bytes()))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_and_look)
    w.editor.add_node("redis", 0, 400)
    w.autosaver.save_now()
    assert len(written) == 1
    before, new = written[0]
    assert before == first
    assert len(load_diagram(w.autosaver.diagram_file).diagram.nodes) == 41
    assert new == w.autosaver.diagram_file.read_bytes()

    def broken_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_disk)
    w.editor.add_node("postgres", 0, 600)
    w.autosaver.save_now()
    assert w.autosaver.error and "No space left" in w.autosaver.error
    assert len(load_diagram(w.autosaver.diagram_file).diagram.nodes) == 41  # the last good copy stays whole
    assert [p.name for p in w.autosaver.diagram_file.parent.iterdir() if p.suffix == ".tmp"] == []


def test_autosave_follows_the_timer_and_a_clean_close_removes_it(xdg, fresh_window, qtbot):
    w = fresh_window()
    w.new_diagram()
    w.editor.add_node("client", 0, 0)
    qtbot.waitUntil(w.autosaver.diagram_file.exists, timeout=3000)
    assert w.autosaver.meta_file.exists()
    w.doc.undo_stack.setClean()
    w.close()
    assert not w.autosaver.diagram_file.exists() and not w.autosaver.meta_file.exists()


def test_saving_removes_the_autosave_and_an_edit_brings_it_back(tmp_path, xdg, fresh_window, qtbot, monkeypatch):
    w = fresh_window()
    w.new_diagram()
    w.editor.add_node("client", 0, 0)
    qtbot.waitUntil(w.autosaver.diagram_file.exists, timeout=3000)
    path = tmp_path / "kept.statediagram.json"
    monkeypatch.setattr(w.files, "choose_save_path", lambda: str(path))
    assert w.files.save()
    assert not w.autosaver.diagram_file.exists()
    w.editor.add_node("server", 240, 0)
    qtbot.waitUntil(w.autosaver.diagram_file.exists, timeout=3000)
    meta = json.loads(w.autosaver.meta_file.read_text())
    assert meta["path"] == str(path.resolve())


def test_two_windows_in_one_program_keep_separate_autosaves(xdg, fresh_window):
    one, two = fresh_window(), fresh_window()
    one.new_diagram()
    two.new_diagram()
    one.editor.add_node("client", 0, 0)
    two.editor.add_node("server", 0, 0)
    one.autosaver.save_now()
    two.autosaver.save_now()
    assert one.autosaver.diagram_file != two.autosaver.diagram_file
    assert [n.kind for n in load_diagram(one.autosaver.diagram_file).diagram.nodes] == ["client"]
    assert [n.kind for n in load_diagram(two.autosaver.diagram_file).diagram.nodes] == ["server"]


def test_autosaver_is_quiet_while_the_document_is_clean(xdg, qtbot):
    from statediagram.gui.document import Document

    doc = Document()
    saver = Autosaver(doc, interval_ms=10)
    saver.save_now()
    assert not saver.diagram_file.exists()
    assert autosave.autosave_dir().is_relative_to(Path(xdg["XDG_DATA_HOME"]))
