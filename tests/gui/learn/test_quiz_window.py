"""The flash quiz on the real main window: answered by the number keys and Enter, a prediction shown as the
app draws it and decided by the engine, a score, the missed questions again, a broken file as a message."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from statediagram.missions.lessonruns import run
from statediagram.missions.quiz import load_quiz

QUIZ = load_quiz()


def open_quiz(main):
    next(a for a in main.learn_menu.actions() if a.text() == "Flash &Quiz").trigger()
    dialog = main.learning.quiz
    assert dialog.isVisible()
    return dialog


def key_for(question, right: bool) -> Qt.Key:
    index = question.choices.index(question.answer)
    if not right:
        index = next(i for i, c in enumerate(question.choices) if c != question.answer)
    return Qt.Key(Qt.Key.Key_1 + index)


def test_the_quiz_runs_to_a_score_by_keyboard_then_retries_the_missed(main, qtbot):
    dialog = open_quiz(main)
    missed = []
    for i, question in enumerate(QUIZ.questions):
        assert dialog.round.current == question
        assert dialog.question.text().endswith(question.ask)
        assert [b.isVisible() for b in dialog.choice_buttons] == [True] * len(question.choices)
        right = i % 3 != 0
        with qtbot.waitSignal(dialog.answered, timeout=20000):  # a prediction's run is done in a child process
            qtbot.keyClick(dialog, key_for(question, right))
        assert dialog.feedback.isVisible()
        assert dialog.explain.text() == question.explain
        assert dialog.verdict.text().startswith("✓ Right" if right else "✗ Not quite")
        if not right:
            missed.append(question)
        qtbot.keyClick(dialog, Qt.Key.Key_1)  # a second answer is not taken
        assert len(dialog.round.answers) == i + 1
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.question.text() == f"Score: {len(QUIZ.questions) - len(missed)} / {len(QUIZ.questions)}"
    assert dialog.retry.isVisible() and dialog.retry.text() == f"&Retry the {len(missed)} missed"
    assert missed[0].ask in dialog.summary.text()
    qtbot.mouseClick(dialog.retry, Qt.MouseButton.LeftButton)
    assert dialog.round.queue == missed
    assert dialog.progress.text().startswith(f"Question 1 of {len(missed)} (round 2")
    for question in missed:
        with qtbot.waitSignal(dialog.answered, timeout=20000):
            qtbot.keyClick(dialog, key_for(question, True))
        qtbot.keyClick(dialog, Qt.Key.Key_Enter)
    assert dialog.question.text() == f"Score: {len(missed)} / {len(missed)}"
    assert not dialog.retry.isVisible() and dialog.restart.isVisible()


def test_a_prediction_shows_the_drawn_diagram_and_the_engines_counters(main, qtbot):
    dialog = open_quiz(main)
    while dialog.round.current.predict is None:  # answer on to the first "predict the verdict"
        qtbot.mouseClick(dialog.choice_buttons[0], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    question = dialog.round.current
    assert question.predict.diagram == "stateful-round-robin"
    assert dialog.picture.isVisible() and dialog.picture.pixmap().width() >= 400
    words = [b.text() for b in dialog.choice_buttons]
    assert words == ["1   Survives", "2   Logs users out (loses sessions)", "3   Loses uploaded files",
                     "4   Loses cart data"]
    with qtbot.waitSignal(dialog.answered, timeout=20000):
        qtbot.mouseClick(dialog.choice_buttons[0], Qt.MouseButton.LeftButton)  # "survives": wrong
        # The engine runs it in a child process: meanwhile the dialog says so, and takes no other answer.
        assert dialog.verdict.text() == "Running the simulation…" and not dialog.round.answered
        assert not dialog.choose(1) and not dialog.choice_buttons[1].isEnabled()
    assert dialog.verdict.text() == "✗ Not quite: the answer is Logs users out (loses sessions)."
    assert dialog.engine.text().startswith("The simulation ran it (a calm day, journey sessions): Does not survive.")
    lost = run(question.predict).report["totals"]["lost_sessions"]
    assert lost > 0 and f"lost sessions {lost}," in dialog.engine.text()
    assert dialog.choice_buttons[1].text().startswith("✓ 2") and dialog.choice_buttons[0].text().startswith("✗ 1")
    # Watch it run: the same diagram, opened and played in the window behind the quiz.
    qtbot.mouseClick(dialog.watch, Qt.MouseButton.LeftButton)
    sim = main.simulation
    assert main.doc.diagram.title == "Make it stateless" and sim.controller.replay is not None
    assert sim.controls.scenario.currentData() == "calm"
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    sim.ui.seek(player.end)
    assert sim.ui.report["totals"]["lost_sessions"] == lost  # the animated run is the one the quiz counted


def test_closing_the_quiz_while_a_prediction_runs_stops_it_and_leaves_the_question_open(main, qtbot):
    dialog = open_quiz(main)
    while dialog.round.current.predict is None:
        dialog.choose(0)
        dialog.go_next()
    assert dialog.choose(0)
    job = dialog.job
    qtbot.waitUntil(lambda: job.slices >= 1)  # the run was sent to its child process
    with qtbot.assertNotEmitted(dialog.answered, wait=500):
        dialog.close()
    assert dialog.job is None and not job.running and not dialog.round.answered
    dialog.show()
    assert all(b.isEnabled() for b in dialog.choice_buttons) and not dialog.feedback.isVisible()
    with qtbot.waitSignal(dialog.answered, timeout=20000):
        assert dialog.choose(1)  # answered again, run again
    assert dialog.round.answered and dialog.feedback.isVisible()


def test_the_answers_have_names_tooltips_and_enter_means_next(main, qtbot):
    dialog = open_quiz(main)
    first = dialog.choice_buttons[0]
    assert first.accessibleName().startswith("Answer 1: ") and first.toolTip() == "Answer 1 (press 1)"
    assert not first.autoDefault() and dialog.next.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # nothing answered yet: Enter does not skip the question
    assert dialog.round.position == 0 and dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_9)  # no ninth choice
    assert not dialog.round.answered


def test_a_broken_quiz_file_is_a_message_not_a_traceback(main, tmp_path):
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps({"format": "statediagram-quiz", "version": 1, "questions": [
        {"section": "x", "ask": "Q?", "choices": ["a", "b"], "answer": "c", "explain": "E"}]}), "utf-8")
    assert main.learning.show_quiz(path) is False
    ((title, text),) = main.errors
    assert title == "Cannot read the quiz"
    assert text.startswith("question 1: answer: 'c' is not one of the choices")
    assert main.learning.quiz is None


def test_a_teachers_quiz_file_is_shown_as_plain_text(main, tmp_path, qtbot):
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps({"format": "statediagram-quiz", "version": 1, "title": "<i>Mine</i>", "questions": [
        {"section": "x", "ask": "<b>Bold?</b>", "answer": True, "explain": "<a href='x'>no</a>"}]}), "utf-8")
    assert main.learning.show_quiz(path)
    dialog = main.learning.quiz
    assert dialog.windowTitle() == "<i>Mine</i>"
    assert dialog.question.textFormat() == Qt.TextFormat.PlainText and dialog.question.text() == "<b>Bold?</b>"
    qtbot.keyClick(dialog, Qt.Key.Key_1)
    assert dialog.explain.textFormat() == Qt.TextFormat.PlainText
    assert dialog.explain.text() == "<a href='x'>no</a>"


def test_a_prediction_whose_diagram_cannot_run_says_why_and_stays_open(main, qtbot, tmp_path):
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps({"format": "statediagram-quiz", "version": 1, "title": "Q", "questions": [
        {"section": "x", "ask": "Predict the verdict.", "answer": "survives", "explain": "E.",
         "predict": {"diagram": "no-such-example", "scenario": "calm"}}]}), "utf-8")
    assert main.learning.show_quiz(path)
    dialog = main.learning.quiz
    qtbot.keyClick(dialog, Qt.Key.Key_1)
    # The run fails in its child process (the file cannot be opened): its words, as plain text, not a traceback.
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20000)
    assert dialog.engine.isVisible()
    assert dialog.engine.text().startswith("The simulation could not run: no-such-example: cannot be opened")
    assert not dialog.round.answered and all(b.isEnabled() for b in dialog.choice_buttons)  # another try possible
    assert not dialog.next.isEnabled()


def test_a_quiz_diagram_named_in_markup_reads_as_written_in_the_pictures_tooltip(main, tmp_path):
    import shutil

    from shown_text import tooltip_reads
    from statediagram.missions.lessonruns import EXAMPLES

    diagram = "<i>mine.statediagram.json"  # beside the quiz file, its name in markup
    shutil.copy(EXAMPLES / "sticky-sessions.statediagram.json", tmp_path / diagram)
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps({"format": "statediagram-quiz", "version": 1, "title": "Q", "questions": [
        {"section": "x", "ask": "Predict the verdict.", "answer": "loses_sessions", "explain": "Re-pinned.",
         "predict": {"diagram": diagram, "scenario": "standard", "journey": "sessions"}}]}), "utf-8")
    assert main.learning.show_quiz(path)
    assert tooltip_reads(main.learning.quiz.picture.toolTip()).startswith(f"{diagram}: the crash drill")
