"""Every mission in the app, on the real main window: the browser on the start page, the mission panel, Check
mission through the same code as `statediagram check`, progress that survives a restart, the attempt kept."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from statediagram.core.catalog import KINDS
from statediagram.gui.missions.browser import MissionBrowser
from statediagram.gui.missions.progress import IN_PROGRESS, NOT_STARTED, PASSED, MissionProgress
from statediagram.gui.window import MainWindow
from statediagram.missions import ASSETS, check_mission, get_mission, list_missions


@pytest.fixture
def progress(tmp_path):
    """A temporary QSettings scope and attempts folder: the learner's real progress is never touched."""
    settings = QSettings(str(tmp_path / "missions.ini"), QSettings.Format.IniFormat)
    return MissionProgress(settings, tmp_path / "attempts")


def open_window(qtbot, progress) -> MainWindow:
    w = MainWindow(progress=MissionProgress(QSettings(progress.settings.fileName(), QSettings.Format.IniFormat),
                                            progress.attempts))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()  # active, so its shortcuts answer keys
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def leave(w: MainWindow) -> None:
    w.doc.undo_stack.setClean()  # no "save changes?" question when the test closes it
    w.close()


def test_start_page_shows_every_mission_in_lesson_order_with_its_starter_and_progress(qtbot, progress):
    w = open_window(qtbot, progress)
    cards = w.missions.browser.cards
    assert list(cards) == [m.id for m in list_missions()]
    w.missions.browser.draw_pictures()
    for mission_id, card in cards.items():
        assert card.isVisible() and card.title.text().endswith(get_mission(mission_id).title)
        assert card.status.text() == "○ Not started"
        picture = card.picture.pixmap().toImage()
        assert not picture.isNull()
        assert len({picture.pixel(x, y) for x in range(0, picture.width(), 4)
                    for y in range(0, picture.height(), 4)}) > 3  # the starter is drawn, not a blank box
    menu_titles = [a.text() for a in w.missions.menu.actions() if a.text()]
    assert menu_titles[0].startswith("&1. Make it stateless") and "Check Mission" in menu_titles[-1]
    leave(w)


def test_the_start_pages_pictures_come_one_per_turn_so_the_window_keeps_answering(qtbot):
    """Each starter's picture takes about 20 ms to draw: all of them in one go held the window 0.1-0.2 s just after
    it was shown (a run started then stuttered). One is drawn, then the window answers, then the next."""
    browser = MissionBrowser(list_missions())
    qtbot.addWidget(browser)

    def drawn() -> int:
        return sum(not card.picture.pixmap().isNull() for card in browser.cards.values())

    browser.draw_pictures_in_turns()
    assert drawn() == 1
    qtbot.waitUntil(lambda: drawn() == len(browser.cards))
    assert len(browser.cards) > 1


def test_open_sticky_fix_it_through_commands_and_check_mission_says_passed(qtbot, progress):
    w = open_window(qtbot, progress)
    sticky = w.missions.browser.cards["sticky"]
    qtbot.mouseClick(sticky.open_button, Qt.MouseButton.LeftButton)
    panel = w.missions.panel
    assert w.missions.dock.isVisible() and panel.isVisible()
    assert panel.title.text() == "The sticky-session trap"
    assert panel.goal.text() == get_mission("sticky").goal and "crashes" in panel.situation.text()
    assert "No load balancer in use is sticky" in panel.checklist.text()

    qtbot.mouseClick(panel.hint_button, Qt.MouseButton.LeftButton)  # hints one at a time
    assert panel.hints.text().startswith("1. Simulate with the calm scenario") and "2." not in panel.hints.text()

    with qtbot.waitSignal(w.missions.session.checked, timeout=20000):  # the check runs in a child process
        qtbot.keyClick(w.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Check mission, the starter
    result = w.missions.session.last_result
    assert result is not None and not result.passed
    assert panel.reasons.isVisible() and panel.reasons.count() == len(result.problems)
    assert panel.reasons.item(0).text().startswith("Load balancer still uses sticky sessions")
    assert "lb" in w.scene.selected_node_ids()  # the nodes the reasons name are highlighted on the canvas
    assert progress.status("sticky") == IN_PROGRESS

    w.editor.set_prop("lb", "policy", "round_robin")
    redis = w.editor.add_node("redis", 660, 120)
    w.editor.link("a", redis)
    w.editor.link("b", redis)
    with qtbot.waitSignal(w.missions.session.checked, timeout=20000):
        qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    result = w.missions.session.last_result
    assert result.passed, result.reasons
    assert result.reasons == check_mission("sticky", w.doc.diagram).reasons  # the same code as statediagram check
    assert panel.result.text().startswith("★ Mission complete! ★") and not panel.reasons.isVisible()
    assert panel.next_button.isVisible() and panel.next_button.text() == "Next mission: Avatars on local disk →"
    assert progress.status("sticky") == PASSED
    assert w.missions.browser.cards["sticky"].status.text() == "✓ Passed"
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    assert panel.title.text() == "Avatars on local disk" and panel.result.isHidden()
    leave(w)

    again = open_window(qtbot, progress)  # a restart: the progress is read back from the settings
    assert again.missions.browser.cards["sticky"].status.text() == "✓ Passed"
    assert again.missions.browser.cards["stateless"].status.text() == "○ Not started"
    leave(again)


def test_check_mission_runs_beside_the_window_pressed_twice_edited_or_cancelled(qtbot, progress):
    """The check runs in a child process: the press returns at once; pressed again with the diagram unchanged it
    is the same check, after an edit a new one of the diagram as it is now; Cancel stops it and says so."""
    w = open_window(qtbot, progress)
    assert w.open_mission("sticky", continue_attempt=False)
    session = w.missions.session
    first = session.check()
    assert first is not None and session.last_result is None  # not done yet: the window goes on meanwhile
    assert session.check() is first
    w.editor.set_prop("lb", "policy", "round_robin")
    with qtbot.waitSignal(session.checked, timeout=20000):
        again = session.check()
        assert again is not first and not first.running  # the check of the diagram before the edit is dropped
    assert not any(r.startswith("Load balancer still uses sticky sessions") for r in session.last_result.reasons)
    assert 0 < session.last_check_s < 20

    session.check()
    with qtbot.assertNotEmitted(session.checked, wait=1000):
        session.job.dialog.cancel()  # the progress dialog's Cancel
    assert session.job is None and w.statusBar().currentMessage() == "Check mission cancelled."
    leave(w)


def test_a_check_that_cannot_run_is_a_message_not_a_traceback(qtbot, progress, monkeypatch):
    from statediagram.gui.missions import session as session_module

    def dies(*_args, words):
        yield 0.0, words
        raise RuntimeError("the work stopped unexpectedly (exit status -9)")  # as CallWork says a child died

    monkeypatch.setattr(session_module, "in_spare_child", dies)
    w = open_window(qtbot, progress)
    assert w.open_mission("sticky", continue_attempt=False)
    w.missions.check.trigger()
    qtbot.waitUntil(lambda: w.missions.session.job is None)
    assert w.statusBar().currentMessage() == ("Check mission could not run: the work stopped unexpectedly "
                                              "(exit status -9)")
    assert w.missions.session.last_result is None and w.missions.panel.result.isHidden()
    leave(w)


def test_a_mission_in_progress_offers_to_continue_the_attempt_or_start_over(qtbot, progress, monkeypatch):
    w = open_window(qtbot, progress)
    assert w.open_mission("jwt")
    w.editor.set_prop("a", "auth", "jwt")
    w.missions.session.save_attempt()
    assert progress.status("jwt") == IN_PROGRESS
    leave(w)

    again = open_window(qtbot, progress)
    assert again.missions.browser.cards["jwt"].open_button.text() == "Continue"
    asked = []
    monkeypatch.setattr(again.missions.session, "ask_continue", lambda m: asked.append(m.id) or True)
    assert again.open_mission("jwt")
    assert asked == ["jwt"] and again.doc.node("a").props["auth"] == "jwt"  # the attempt, not the starter
    monkeypatch.setattr(again.missions.session, "ask_continue", lambda m: False)
    assert again.open_mission("jwt")
    assert again.doc.node("a").props["auth"] == "session"  # started over from the starter
    again.editor.set_prop("a", "auth", "jwt")
    monkeypatch.setattr(again.missions.session, "confirm_start_over", lambda m: False)
    qtbot.mouseClick(again.missions.panel.start_over_button, Qt.MouseButton.LeftButton)
    assert again.doc.node("a").props["auth"] == "jwt"  # the learner said no: nothing replaced
    monkeypatch.setattr(again.missions.session, "confirm_start_over", lambda m: True)
    qtbot.mouseClick(again.missions.panel.start_over_button, Qt.MouseButton.LeftButton)
    assert again.doc.node("a").props["auth"] == "session"
    monkeypatch.setattr(again.missions.session, "ask_continue", lambda m: None)
    again.editor.set_prop("b", "auth", "jwt")
    again.doc.undo_stack.setClean()
    assert not again.open_mission("jwt")  # cancelled: nothing changed
    assert again.doc.node("b").props["auth"] == "jwt"
    leave(again)


def teacher_file(tmp_path, **changes) -> str:
    record = json.loads((ASSETS / "stateless.mission.json").read_text(encoding="utf-8"))
    record.update(changes)
    shutil.copy(ASSETS / "stateless.statediagram.json", tmp_path / "stateless.statediagram.json")
    path = tmp_path / "teacher.mission.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return str(path)


def test_a_teachers_mission_file_restricts_the_palette_and_its_texts_stay_plain(qtbot, progress, tmp_path):
    path = teacher_file(tmp_path, id="redis-only", title="<b>Only</b> Redis",
                        rules=[{"rule": "survives"}, {"rule": "palette", "kinds": ["redis"]}])
    w = open_window(qtbot, progress)
    assert w.open_mission(path)
    assert w.palette.allowed() == ["redis"]
    panel = w.missions.panel
    assert panel.title.text() == "<b>Only</b> Redis"
    for label in (panel.title, panel.goal, panel.situation, panel.checklist, panel.hints, panel.result):
        assert label.textFormat() == Qt.TextFormat.PlainText
    card = w.missions.browser.cards["stateless"]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in (card.title, card.goal, card.status))
    assert card.goal.toolTip().startswith("<qt>")  # tooltips are always escaped rich text, never Qt's guess
    w.new_diagram()  # leaving the mission gives the whole palette back, and the panel goes
    assert w.palette.allowed() == list(KINDS) and not w.missions.dock.isVisible()
    leave(w)


def test_a_mission_file_given_as_the_file_to_open_opens_as_a_mission(qtbot, progress, tmp_path):
    path = teacher_file(tmp_path, id="from-the-command-line", title="Given on the command line")
    w = open_window(qtbot, progress)
    assert w.open_path(path)  # what `statediagram teacher.mission.json` does
    assert w.missions.session.mission.id == "from-the-command-line" and w.missions.dock.isVisible()
    assert w.missions.panel.title.text() == "Given on the command line"
    leave(w)


def test_a_broken_mission_file_shows_where_and_how_to_fix_and_changes_nothing(qtbot, progress, tmp_path,
                                                                              monkeypatch):
    path = teacher_file(tmp_path, rules=[{"rule": "shared_store", "state": "sessions", "kind": "postgres"}])
    w = open_window(qtbot, progress)
    assert w.open_mission("stateless")
    before = w.doc.to_json()
    shown = []
    monkeypatch.setattr(w, "show_error", lambda title, text: shown.append(text))
    assert not w.open_mission(path)
    assert len(shown) == 1 and "rules #1 (shared_store)" in shown[0] and "Use one of: redis" in shown[0]
    assert w.doc.to_json() == before and w.missions.session.mission.id == "stateless"
    leave(w)


def test_compare_with_the_starter_uses_the_open_mission(qtbot, progress):
    w = open_window(qtbot, progress)
    assert w.open_mission("avatars")
    redis_free = w.doc.node("redis")  # the avatars starter already shares a Redis
    assert redis_free.kind == "redis"
    qtbot.mouseClick(w.missions.panel.compare_button, Qt.MouseButton.LeftButton)
    dialog = w.simulation.ui.compare_dialog
    qtbot.waitUntil(lambda: dialog.reports is not None, timeout=120_000)  # both run off the GUI thread
    assert "Avatars on local disk" in dialog.right.toPlainText()
    _mine, theirs = dialog.reports
    assert theirs["journey"] == "full" and theirs["totals"]["lost_files"] > 0
    dialog.right.clear()
    qtbot.mouseClick(dialog.starter, Qt.MouseButton.LeftButton)  # the dialog's own button: the open mission too
    qtbot.waitUntil(lambda: dialog.reports is not None, timeout=120_000)
    assert "Avatars on local disk" in dialog.right.toPlainText()
    dialog.close()
    w.simulation.controller.stop()
    leave(w)


def test_progress_keeps_a_pass_when_the_learner_keeps_working(progress):
    progress.set_status("durable", PASSED)
    progress.set_status("durable", IN_PROGRESS)
    assert progress.status("durable") == PASSED
    progress.reset("durable")
    assert progress.status("durable") == NOT_STARTED
