"""The lesson reader on the real main window: opened from the Learn menu and the start page, its sections
in plain widgets with pictures the app draws, "see it" opening an example and running it, the comparison
table's cells opening the runs that prove them, "try it" opening the mission."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from statediagram.missions.lessonruns import measure


def learn_action(main, text: str):
    return next(a for a in main.learn_menu.actions() if a.text().replace("&", "") == text)


def shown(sim, key: str) -> int:
    """A counter as the metrics panel shows it."""
    return int("".join(ch for ch in sim.panel.metrics.values[key].text() if ch.isdigit()))


def run_to_end(main):
    player = main.simulation.controller.player
    player.set_playing(False)
    player.work_out()
    main.simulation.ui.seek(player.end)
    return main.simulation


def test_the_learn_menu_opens_the_lesson_beside_the_canvas(main, qtbot):
    assert [a.text() for a in main.menuBar().actions()][-2:] == ["&Learn", "&Help"]
    learn_action(main, "Lesson").trigger()
    dock = main.learning.dock
    assert dock.isVisible() and dock.widget() is main.learning.reader
    reader = main.learning.reader
    assert reader.chooser.count() == 8
    assert reader.chooser.itemText(0) == "1. The bartender and the fast-food counter"
    rect = dock.geometry()
    assert rect.width() >= 380 and main.rect().contains(rect)  # wide enough to read, inside the window


def test_the_start_page_has_a_learn_entry(main, qtbot):
    assert main.pages.currentWidget() is main.start
    button = main.learning.start_lesson
    assert button.isVisible() and button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert main.learning.dock.isVisible()
    qtbot.mouseClick(main.learning.start_quiz, Qt.MouseButton.LeftButton)
    assert main.learning.quiz.isVisible()


def test_see_it_opens_the_example_and_starts_its_run(main, qtbot):
    main.learning.show_lesson("traps")
    reader = main.learning.reader
    see = reader.see_buttons[0]
    assert see.text() == "See it: sticky sessions in the crash drill" and "sticky-sessions" in see.toolTip()
    qtbot.mouseClick(see, Qt.MouseButton.LeftButton)
    assert main.pages.currentWidget() is main.view
    assert main.doc.diagram.title == "Sticky sessions"
    assert main.files.path is None  # a copy: saving never overwrites the example
    sim = main.simulation
    assert sim.controller.replay is not None  # the run has started
    assert sim.controls.scenario.currentData() == "standard" and sim.controls.journey.currentData() == "sessions"
    run_to_end(main)
    assert sim.panel.verdict.survives is False
    assert shown(sim, "lost_sessions") > 0
    dock = main.learning.dock
    assert dock.isVisible()  # the lesson stays open beside the run, at a width to read it
    assert dock.width() >= 440 and dock.geometry().right() < main.view.mapTo(main, QPoint()).x()
    assert main.view.width() >= 500  # and the canvas keeps room for the run


def test_a_table_cell_opens_the_run_that_shows_its_claim(main, qtbot):
    main.learning.show_lesson("table")
    table = main.learning.reader.table
    assert (table.rowCount(), table.columnCount()) == (3, 3)
    assert table.item(1, 0).text() == "If a server crashes"
    for row, column in table.cells:  # every line of every cell is shown, nothing cut off
        assert table.visualItemRect(table.item(row, column)).height() >= 3 * table.fontMetrics().height()
    # A double-click on "if a server crashes / stateless" runs the shared Redis in the crash drill.
    rect = table.visualItemRect(table.item(1, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click's press
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert main.doc.diagram.title.startswith("Shared Redis")
    sim = run_to_end(main)
    assert sim.panel.verdict.survives is True
    assert shown(sim, "lost_sessions") == 0
    # The stateful cell beside it, by keyboard: select it and press Enter.
    table.setFocus()
    table.setCurrentCell(1, 1)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert main.doc.diagram.title == "Sticky sessions"
    sim = run_to_end(main)
    assert shown(sim, "lost_sessions") > 0
    report = sim.ui.report
    assert measure(report, "lost_sessions") > 0  # the panel's figure is the engine's report


def test_pictures_are_the_apps_own_drawings_of_the_examples(main):
    main.learning.show_lesson("duel")
    (picture,) = main.learning.reader.pictures
    image = picture.pixmap().toImage()
    assert image.width() >= 300
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 10  # cards, badges and links, not a blank or missing picture
    assert QColor("white").name() in colours


def test_try_it_opens_the_mission(main, qtbot):
    main.learning.show_lesson("traps")
    sticky, avatars = main.learning.reader.try_buttons
    assert sticky.isEnabled() and avatars.isEnabled()
    qtbot.mouseClick(avatars, Qt.MouseButton.LeftButton)
    from statediagram.missions import get_mission

    assert main.doc.diagram.title == get_mission("avatars").load_starter().title
    assert main.pages.currentWidget() is main.view


def test_sections_follow_one_another_by_keyboard(main, qtbot):
    main.learning.show_lesson()
    reader = main.learning.reader
    assert not reader.previous.isEnabled()
    qtbot.mouseClick(reader.next, Qt.MouseButton.LeftButton)
    assert reader.section.id == "table"
    reader.chooser.setFocus()
    qtbot.keyClick(reader.chooser, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert reader.section.id == "dataless"
    for _ in range(10):
        reader.step(1)
    assert reader.section.id == "cattle" and not reader.next.isEnabled()


def test_a_teachers_lesson_shows_its_text_as_text_never_as_markup(main, tmp_path):
    lesson = {"format": "statediagram-lesson", "version": 1, "sections": [
        {"id": "x", "title": "<h1>Big</h1>", "blocks": [
            {"text": "A <b>tag</b>, an <img src='x'> and **bold** words"},
            {"list": ["<a href='http://x'>link</a>"]}],
         "try": [{"label": "Try it: a mission that is not there", "mission": "nope"}]}]}
    path = tmp_path / "lesson.json"
    path.write_text(json.dumps(lesson), encoding="utf-8")
    assert main.learning.show_lesson(path=path)
    page = main.learning.reader.scroll.widget()
    from PySide6.QtGui import QTextDocument
    from PySide6.QtWidgets import QLabel

    shown = []
    for label in page.findChildren(QLabel):
        doc = QTextDocument()
        if label.textFormat() == Qt.TextFormat.RichText:
            doc.setHtml(label.text())
        else:
            doc.setPlainText(label.text())
        shown.append(doc.toPlainText())
    assert "<h1>Big</h1>" in shown
    assert "A <b>tag</b>, an <img src='x'> and bold words" in shown
    assert any(s.endswith("<a href='http://x'>link</a>") for s in shown)
    (button,) = main.learning.reader.try_buttons
    assert not button.isEnabled() and "not in this version" in button.toolTip()


def test_a_broken_lesson_file_is_a_message_not_a_traceback(main, tmp_path):
    path = tmp_path / "lesson.json"
    path.write_text('{"format": "statediagram-lesson", "version": 1, "sections": [{"id": "x"}]}', "utf-8")
    assert main.learning.show_lesson(path=path) is False
    ((title, text),) = main.errors
    assert title == "Cannot read the lesson" and 'section \'x\'' in text and '"blocks"' in text


def test_see_it_keeps_unsaved_work_when_the_learner_cancels(main, qtbot, monkeypatch):
    main.new_diagram()
    main.editor.add_node("server", 0, 0)
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(main.files, "ask_unsaved", lambda: QMessageBox.StandardButton.Cancel)
    main.learning.show_lesson("duel")
    qtbot.mouseClick(main.learning.reader.see_buttons[0], Qt.MouseButton.LeftButton)
    assert [n.kind for n in main.doc.diagram.nodes] == ["server"]
    assert main.simulation.controller.replay is None
    QApplication.processEvents()
    assert main.learning.reader.see_buttons[0].mapTo(main, QPoint(0, 0)).x() < main.view.mapTo(main, QPoint()).x()


def test_the_window_starts_without_loading_the_lesson_or_the_quiz():
    # The cold start stays lean: the reader, the quiz and their data modules load when first opened.
    import subprocess
    import sys

    code = ("import sys, statediagram.gui.window; "
            "print(sorted(m for m in sys.modules if 'lesson' in m or 'quiz' in m or m.endswith('learn.reader')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_run_this_version_cannot_make_is_a_message(main):
    from statediagram.missions.lessonruns import RunSpec

    assert main.learning.see(RunSpec("jwt", "standard", "multiplayer")) is False
    ((title, text),) = main.errors
    assert title.startswith("Cannot") and "journey 'multiplayer'" in text
    assert main.simulation.controller.replay is None


def test_a_teachers_caption_and_names_read_as_written_in_tooltips(main, tmp_path):
    import shutil

    from shown_text import tooltip_reads
    from statediagram.missions.lessonruns import EXAMPLES

    diagram = "<i>mine.statediagram.json"  # a diagram beside the lesson, its file name in markup
    shutil.copy(EXAMPLES / "sticky-sessions.statediagram.json", tmp_path / diagram)
    caption = "<b>Caption</b> & <img src='x'>"
    run = {"diagram": diagram, "scenario": "standard", "journey": "sessions"}
    lesson = {"format": "statediagram-lesson", "version": 1, "sections": [
        {"id": "x", "title": "T", "blocks": [
            {"picture": {"diagram": "sticky-sessions"}, "caption": caption},
            {"table": {"columns": ["", "Mine"], "rows": [["Crash", {"text": "lost", "run": run, "claims": []}]]}}],
         "see": [{"label": "See it", "run": run}],
         "try": [{"label": "Try it", "mission": "<b>nope</b>"}]}]}
    path = tmp_path / "lesson.json"
    path.write_text(json.dumps(lesson), encoding="utf-8")
    assert main.learning.show_lesson(path=path)
    reader = main.learning.reader
    assert tooltip_reads(reader.pictures[0].toolTip()) == caption
    assert tooltip_reads(reader.see_buttons[0].toolTip()).startswith(f"Opens {diagram} in the editor")
    assert tooltip_reads(reader.try_buttons[0].toolTip()).startswith("The mission “<b>nope</b>” is not")
    assert tooltip_reads(reader.table.item(0, 1).toolTip()).startswith(f"Opens {diagram} and runs it")
