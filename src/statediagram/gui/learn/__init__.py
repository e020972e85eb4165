"""Learning in the app: the lesson reader (a dock), the flash quiz (a window), their menu and start-page entry.

``install_learning(window)`` needs from the main window: ``learn_menu`` (an empty menu it fills), ``start``
(``add_entry(widget)``), ``files.new(diagram)``, ``view.zoom_to_fit()``, ``simulation`` (its controls and
panel), ``open_mission(id)``, ``show_error(title, text)`` and ``show_message(text)``. The lesson and the quiz
are read when first opened, not at start-up: this module imports nothing of them (the window's cold start
must stay under 0.6 s; the reader, the quiz and the missions' modules take 0.1-0.3 s to import).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from .. import icons

if TYPE_CHECKING:
    from ...missions.lesson import Lesson
    from ...missions.lessonruns import RunSpec
    from .quizdialog import QuizDialog
    from .reader import LessonReader

DOCK_WIDTH = 470


def mission_known(mission_id: str) -> bool:
    from ...missions import list_missions

    return any(m.id == mission_id for m in list_missions())


class Learning(QObject):
    """The lesson dock and the quiz window of one main window."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.lesson: Lesson | None = None
        self.reader: LessonReader | None = None
        self.dock: QDockWidget | None = None
        self.quiz: QuizDialog | None = None
        self.lesson_action = self._action("&Lesson", self.show_lesson, "Ctrl+Shift+L",
                                          "Read the lesson: stateful vs stateless, with runs to watch")
        self.quiz_action = self._action("Flash &Quiz", self.show_quiz, "Ctrl+Shift+U",
                                        "Test yourself: questions and predictions checked by the simulation")
        self.open_lesson_action = self._action("Open a Lesson File…", self.choose_lesson, "",
                                               "Read a lesson written by your teacher (a .json lesson file)")
        self.open_quiz_action = self._action("Open a Quiz File…", self.choose_quiz, "",
                                             "Take a quiz written by your teacher (a .json quiz file)")
        menu = window.learn_menu
        for action in (self.lesson_action, self.quiz_action, None, self.open_lesson_action, self.open_quiz_action):
            menu.addSeparator() if action is None else menu.addAction(action)
        window.start.add_entry(self._start_entry())

    def _action(self, text: str, slot, keys: str, tip: str) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
            tip += f" ({keys})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _c=False: slot())
        return action

    def _start_entry(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("learnEntry")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(frame)
        box.addWidget(QLabel("<b>Learn</b>: the lesson in eight short sections, each with a run to watch, "
                             "then a flash quiz where the simulation says who was right."))
        box.itemAt(0).widget().setWordWrap(True)
        row = QHBoxLayout()
        self.start_lesson = QPushButton(icons.drawn(icons.paint_help), "&Read the lesson")
        self.start_lesson.setToolTip(self.lesson_action.toolTip())
        self.start_quiz = QPushButton("Take the flash &quiz")
        self.start_quiz.setToolTip(self.quiz_action.toolTip())
        for b in (self.start_lesson, self.start_quiz):
            b.setIconSize(QSize(20, 20))
            row.addWidget(b)
        row.addStretch(1)
        box.addLayout(row)
        self.start_lesson.clicked.connect(self.lesson_action.trigger)
        self.start_quiz.clicked.connect(self.quiz_action.trigger)
        return frame

    # --- the lesson -------------------------------------------------------------------------------

    def show_lesson(self, section_id: str | None = None, path: str | Path | None = None) -> bool:
        """Open the lesson dock (reading the lesson file the first time); False if the file is unusable."""
        from ...missions.lesson import LESSON_FILE, load_lesson
        from ...missions.lessondata import LessonFileError

        path = Path(path or LESSON_FILE)
        if self.reader is None or path != self.lesson.path:
            try:
                lesson = load_lesson(path)
            except LessonFileError as exc:
                self.window.show_error("Cannot read the lesson", str(exc))
                return False
            self._make_reader(lesson)
        if section_id is not None:
            self.reader.show_section(section_id)
        first = not self.dock.isVisible()
        self.dock.show()
        self.dock.raise_()
        if first:
            self._widen()
        self.reader.chooser.setFocus()
        return True

    def _make_reader(self, lesson: Lesson) -> None:
        from .reader import LessonReader

        self.lesson = lesson
        if self.reader is not None:
            self.reader.deleteLater()
        self.reader = LessonReader(lesson, mission_known)
        self.reader.see_requested.connect(self.see)
        self.reader.try_requested.connect(self.try_mission)
        if self.dock is None:
            self.dock = QDockWidget("Lesson", self.window)
            self.dock.setObjectName("lesson")
            self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                  | QDockWidget.DockWidgetFeature.DockWidgetClosable
                                  | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            self.window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
            self.window.panels_menu.addAction(self.dock.toggleViewAction())
        self.dock.setWidget(self.reader)

    def _widen(self) -> None:
        """Give the lesson its reading width (the window hands spare width to the canvas otherwise)."""
        if self.dock is not None and self.dock.isVisible() and self.dock.width() < DOCK_WIDTH:
            self.window.resizeDocks([self.dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)

    def choose_lesson(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a lesson file", str(Path.home()),
                                              "Lesson files (*.json)")
        if path:
            self.show_lesson(path=path)

    # --- doing ------------------------------------------------------------------------------------

    def see(self, spec: RunSpec) -> bool:
        """Open the run's diagram as a new, unsaved copy (the example file itself stays as it is) and play it."""
        from ...missions.lessondata import LessonFileError
        from ...missions.lessonruns import load_run_diagram

        w = self.window
        try:
            diagram = load_run_diagram(spec)
        except LessonFileError as exc:
            w.show_error("Cannot open the example", str(exc))
            return False
        if not w.files.new(diagram):
            return False  # the learner kept their unsaved work
        self._widen()  # the editor's docks came back with the canvas: the lesson keeps its width
        w.view.zoom_to_fit()
        sim = w.simulation
        try:
            sim.controls.set_choices(spec.scenario, spec.journey)
        except ValueError:  # a journey this version's Simulate bar does not offer: say so, run nothing
            w.show_error("Cannot run the example", f"{spec.diagram}: the app cannot run {spec.describe()} yet.")
            return False
        sim.controls.simulate_action.trigger()  # runs it and brings the verdict panel forward
        w.show_message(f"{diagram.title or spec.diagram}: {spec.describe()}. Watch the verdict on the right.")
        return True

    def try_mission(self, mission_id: str) -> None:
        self.window.open_mission(mission_id)

    # --- the quiz ---------------------------------------------------------------------------------

    def show_quiz(self, path: str | Path | None = None) -> bool:
        """Open the quiz window on a new round; False (with a message) if the quiz file is unusable."""
        from ...missions.lessondata import LessonFileError
        from ...missions.quiz import QUIZ_FILE, load_quiz
        from .quizdialog import QuizDialog

        try:
            quiz = load_quiz(path or QUIZ_FILE)
        except LessonFileError as exc:
            self.window.show_error("Cannot read the quiz", str(exc))
            return False
        titles = self._section_titles()
        if self.quiz is not None:
            self.quiz.close()
            self.quiz.deleteLater()
        self.quiz = QuizDialog(quiz, titles, self.window)
        self.quiz.watch_requested.connect(self.see)
        self.quiz.show()
        self.quiz.raise_()
        self.quiz.activateWindow()
        return True

    def _section_titles(self) -> dict[str, str]:
        from ...missions.lesson import load_lesson
        from ...missions.lessondata import LessonFileError

        lesson = self.lesson
        if lesson is None:
            try:
                lesson = load_lesson()
            except LessonFileError:
                return {}  # the quiz still works; its progress line shows the section ids
        return {s.id: s.title for s in lesson.sections}

    def choose_quiz(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a quiz file", str(Path.home()),
                                              "Quiz files (*.json)")
        if path:
            self.show_quiz(path)


def install_learning(window) -> Learning:
    return Learning(window)


__all__ = ["Learning", "install_learning"]
