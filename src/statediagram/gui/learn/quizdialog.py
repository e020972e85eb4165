"""The flash quiz window: a question, numbered answers (keys 1-9), the explanation, Next (Enter); then the
score and the missed questions again. A "predict the verdict" question shows the diagram as the app draws it
and is decided by the real engine, whose counters are shown with the answer.

The engine's run of a prediction is done in a child process started ahead (``sim.child_run``), not in the
window's: its engine, stores and libraries would be objects every full garbage collection of the window's
process walks. The window goes on meanwhile ("Running the simulation…"; a progress dialog with Cancel if it
takes longer than 300 ms); the answer shows when the run is back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...missions.lessondata import LessonFileError
from ...missions.lessonruns import RunResult
from ...missions.quiz import Answer, Question, Quiz, QuizRound
from ...sim.child_run import SPARES
from ...sim.wording import verdict_word
from ..plain_text import tip
from ..progress import POLL_MS, ProgressRun, in_spare_child, run_with_progress
from .pictures import diagram_pixmap
from .text import heading, lesson_label

PICTURE_WIDTH = 520
RIGHT, WRONG = "✓", "✗"  # shapes as well as colours: never red against green alone
CHOICE_STYLE = "QPushButton { text-align: left; padding: 7px 10px; }"
MARKED_STYLE = {  # after the answer: the right choices framed solid and bold, a wrong pick dashed
    RIGHT: "QPushButton { text-align: left; padding: 6px 9px; border: 2px solid #1f5fa8; font-weight: bold; }",
    WRONG: "QPushButton { text-align: left; padding: 6px 9px; border: 2px dashed #b35c00; }",
}
FEEDBACK_STYLE = {True: "QFrame#quizFeedback { background: #e3f0ff; border: 2px solid #1f5fa8; border-radius: 6px; }",
                  False: "QFrame#quizFeedback { background: #fff1e0; border: 2px dashed #b35c00; border-radius: 6px; }"}


class QuizDialog(QDialog):
    """One round after another of a quiz; ``watch_requested`` asks the window to run a question's diagram."""

    watch_requested = Signal(object)  # a RunSpec
    answered = Signal(object)  # the Answer, once graded (a prediction's once its run is back)

    def __init__(self, quiz: Quiz, section_titles: dict[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quizDialog")
        self.setWindowTitle(quiz.title)
        self.setAccessibleName(quiz.title)
        self.quiz = quiz
        self.titles = section_titles or {}
        self.round = QuizRound(quiz.questions)
        self.last: Answer | None = None
        self.job: ProgressRun | None = None  # a prediction's run under way
        self.choice_buttons: list[QPushButton] = []
        if any(q.predict is not None for q in quiz.questions):
            SPARES.prepare()  # a child with its imports done waits for the first prediction
        self.resize(720, 720)

        layout = QVBoxLayout(self)
        self.progress = QLabel()
        self.progress.setTextFormat(Qt.TextFormat.PlainText)
        self.progress.setAccessibleName("Progress")
        layout.addWidget(self.progress)
        self.question = heading("", 1.15)
        self.question.setAccessibleName("Question")
        layout.addWidget(self.question)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName("The diagram to predict")
        layout.addWidget(self.picture)
        self.choices = QVBoxLayout()
        layout.addLayout(self.choices)
        self.feedback = QFrame()
        self.feedback.setObjectName("quizFeedback")
        box = QVBoxLayout(self.feedback)
        self.verdict = heading("", 1.1)
        self.verdict.setAccessibleName("Your answer")
        self.engine = lesson_label("", plain=True)
        self.engine.setAccessibleName("What the simulation showed")
        self.explain = lesson_label("", plain=True)
        self.explain.setAccessibleName("Explanation")
        self.watch = QPushButton("▶ &Watch it run in the app")
        self.watch.setToolTip("Open this diagram in the editor and play the same run, animated")
        self.watch.setAutoDefault(False)
        self.watch.clicked.connect(self._watch)
        for w in (self.verdict, self.engine, self.explain):
            box.addWidget(w)
        box.addWidget(self.watch, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.feedback)
        self.summary = lesson_label("", plain=True)
        self.summary.setAccessibleName("Score")
        layout.addWidget(self.summary)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.retry = QPushButton("&Retry the missed ones")
        self.retry.setToolTip("A new round with only the questions you missed")
        self.restart = QPushButton("&Start over")
        self.restart.setToolTip("Every question again, from the first")
        self.next = QPushButton("Next ▶")
        self.next.setToolTip("The next question (Enter)")
        self.next.setDefault(True)
        for b in (self.retry, self.restart):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.next)
        layout.addLayout(buttons)
        self.next.clicked.connect(self.go_next)
        self.retry.clicked.connect(self.retry_missed)
        self.restart.clicked.connect(self.start_over)
        self._show_question()

    # --- flow -----------------------------------------------------------------------------------

    def choose(self, index: int) -> bool:
        """Answer the current question with its choice number ``index`` (0-based): graded at once, or, for a
        prediction, once the engine's run of it is back (``answered`` then). False when the choice was not taken
        (no such choice, already answered, or a run under way)."""
        question = self.round.current
        if question is None or self.round.answered or self.job is not None \
                or not 0 <= index < len(question.choices):
            return False
        if question.predict is None:
            self._answer(question, index, None)
            return True
        self._show_running(index)

        def done(ran: RunResult) -> None:
            self._run_ended()
            self._answer(question, index, ran)

        def failed(message: str) -> None:  # a teacher's prediction whose diagram cannot be run (LessonFileError)
            self._run_ended()
            self._show_run_failed(message)

        def cancelled() -> None:
            self._run_ended()
            self._reopen_question()  # as it was: no answer taken

        work = in_spare_child("lesson_run", question.predict, words="Running the simulation…")
        self.job = run_with_progress(work, "Running the simulation…", self, on_done=done, on_error=failed,
                                     poll_ms=POLL_MS)
        self.job.cancelled.connect(cancelled)
        return True

    def _answer(self, question: Question, index: int, ran: RunResult | None) -> None:
        if self.round.current is not question or self.round.answered:
            return  # the question changed meanwhile
        self.last = self.round.answer(question.choices[index], ran)
        self._show_answer(self.last, index)
        self.answered.emit(self.last)

    def _run_ended(self) -> None:
        if self.job is not None:
            self.job.deleteLater()  # a child of this dialog: one kept per prediction otherwise
        self.job = None

    def _stop_run(self) -> None:
        """Drop a prediction's run under way (its child is stopped)."""
        job = self.job
        if job is not None:
            self._run_ended()
            job.cancelled.disconnect()
            job.cancel()

    def go_next(self) -> None:
        if not self.round.answered and not self.round.finished:
            return
        self.round.next()
        if self.round.finished:
            self._show_score()
        else:
            self._show_question()

    def retry_missed(self) -> None:
        if self.round.finished and self.round.missed():
            self.round.retry_missed()
            self._show_question()

    def start_over(self) -> None:
        self.round.start_over()
        self._show_question()

    def _watch(self) -> None:
        if self.last is not None and self.last.question.predict is not None:
            self.watch_requested.emit(self.last.question.predict)

    # --- pages ----------------------------------------------------------------------------------

    def _clear_choices(self) -> None:
        for b in self.choice_buttons:
            self.choices.removeWidget(b)
            b.hide()  # gone from the screen now, deleted when Qt gets back to its loop
            b.deleteLater()
        self.choice_buttons = []

    def _show_question(self) -> None:
        self._stop_run()
        q = self.round.current
        assert q is not None
        right, asked = self.round.score()
        section = self.titles.get(q.section, q.section)
        again = f" (round {self.round.round}: the missed ones)" if self.round.round > 1 else ""
        self.progress.setText(f"Question {self.round.position + 1} of {len(self.round.queue)}{again}  ·  "
                              f"{right} right so far  ·  {section}")
        prefix = "Predict the verdict. "  # said once, whether or not the file's question says it
        asks_to_predict = q.predict is not None and not q.ask.startswith(prefix.strip())
        self.question.setText(prefix + q.ask if asks_to_predict else q.ask)
        self.question.setAccessibleDescription(q.ask)
        self.picture.clear()
        self.picture.setVisible(q.predict is not None)
        if q.predict is not None:
            try:
                self.picture.setPixmap(diagram_pixmap(q.predict, PICTURE_WIDTH, self.devicePixelRatioF()))
            except LessonFileError as exc:
                self.picture.setTextFormat(Qt.TextFormat.PlainText)
                self.picture.setText(f"(No picture: {exc})")
            self.picture.setToolTip(tip(f"{q.predict.diagram}: {q.predict.describe()}"))
        self._clear_choices()
        for i, words in enumerate(q.choice_words()):
            button = QPushButton(f"{i + 1}   {words}".replace("&", "&&"))
            button.setAutoDefault(False)  # Enter means Next, never "this answer"
            button.setToolTip(f"Answer {i + 1} (press {i + 1})")
            button.setAccessibleName(f"Answer {i + 1}: {words}")
            button.setStyleSheet(CHOICE_STYLE)
            button.clicked.connect(lambda _c=False, k=i: self.choose(k))
            self.choices.addWidget(button)
            if self.isVisible():
                button.show()  # now, not when Qt gets back to its loop
            self.choice_buttons.append(button)
        self.feedback.hide()
        self.summary.hide()
        self.retry.hide()
        self.restart.hide()
        self.next.show()
        self.next.setEnabled(False)
        self.next.setText("Next ▶")
        if self.choice_buttons:
            self.choice_buttons[0].setFocus()

    def _show_running(self, index: int) -> None:
        """While the engine runs the prediction: the choice made, the others not to be pressed."""
        for i, button in enumerate(self.choice_buttons):
            button.setEnabled(i == index)
        self.verdict.setText("Running the simulation…")
        for w in (self.engine, self.explain, self.watch):
            w.hide()
        self.feedback.setStyleSheet("")
        self.feedback.show()

    def _reopen_question(self) -> None:
        for button in self.choice_buttons:
            button.setEnabled(True)
        self.feedback.hide()

    def _show_run_failed(self, message: str) -> None:
        """The run could not be done: said in plain words; the question is still open (another choice runs it
        again)."""
        for button in self.choice_buttons:
            button.setEnabled(True)
        self.verdict.setText("")
        self.engine.setText(f"The simulation could not run: {message}")
        self.engine.show()
        for w in (self.explain, self.watch):
            w.hide()
        self.feedback.show()

    def _show_answer(self, answer: Answer, index: int) -> None:
        q = answer.question
        words = dict(zip(q.choices, q.choice_words(), strict=True))
        for i, (choice, button) in enumerate(zip(q.choices, self.choice_buttons, strict=True)):
            button.setEnabled(True)
            mark = RIGHT if choice in answer.correct else (WRONG if i == index else " ")
            button.setText(f"{mark} {i + 1}   {words[choice]}".replace("&", "&&"))
            button.setStyleSheet(MARKED_STYLE.get(mark, CHOICE_STYLE))  # still readable: not greyed out
        right_words = " or ".join(words[c] for c in answer.correct) or "none of these"
        if answer.right:
            self.verdict.setText(f"{RIGHT} Right!")
        else:
            self.verdict.setText(f"{WRONG} Not quite: the answer is {right_words}.")
        if answer.run is not None:
            verdict = verdict_word(answer.run.report.survives)
            self.engine.setText(f"The simulation ran it ({q.predict.describe()}): {verdict}. "
                                f"{answer.run.counters()}.")
            self.engine.show()
            self.watch.show()
        else:
            self.engine.hide()
            self.watch.hide()
        self.explain.setText(q.explain)
        self.explain.show()
        self.feedback.setStyleSheet(FEEDBACK_STYLE[answer.right])
        self.feedback.show()
        last = self.round.position == len(self.round.queue) - 1
        self.next.setText("See the score ▶" if last else "Next ▶")
        self.next.setEnabled(True)
        self.next.setFocus()

    def _show_score(self) -> None:
        right, asked = self.round.score()
        missed = self.round.missed()
        self.progress.setText(f"Round {self.round.round} done")
        self.question.setText(f"Score: {right} / {asked}")
        self.picture.hide()
        self._clear_choices()
        self.feedback.hide()
        if missed:
            lines = "\n".join(f"•  {q.ask}" for q in missed)
            self.summary.setText(f"Missed {len(missed)}:\n{lines}")
        else:
            self.summary.setText("Every answer right. Well done!")
        self.summary.show()
        self.retry.setVisible(bool(missed))
        self.retry.setText(f"&Retry the {len(missed)} missed" if missed else "&Retry the missed ones")
        self.restart.show()
        self.next.hide()
        (self.retry if missed else self.restart).setFocus()

    # --- keys and closing -----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and self.choose(key - Qt.Key.Key_1):
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.round.answered:
            self.go_next()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        if self.job is not None:  # closed while a prediction ran: its child stops, the question stays open
            self._stop_run()
            self._reopen_question()
        super().hideEvent(event)
