"""The flash quiz as data, and a round of it: questions asked in turn, a score, the missed ones again.

Read from ``assets/lesson/quiz.json`` (format in docs/quiz.md); a teacher may replace it. A "predict the
verdict" question is graded by the real engine, not by the file: the learner is right when the run shows
what they predicted, whatever the file's ``answer`` says (a test keeps the built-in answers equal to the runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .lesson import LESSON_ASSETS
from .lessondata import LessonFileError, items, obj, read_record, text
from .lessonruns import OUTCOMES, RunResult, RunSpec, read_run, run

QUIZ_FORMAT = "statediagram-quiz"
QUIZ_FILE = LESSON_ASSETS / "quiz.json"
MAX_CHOICES = 9  # answered by the keys 1 to 9
PREDICT_CHOICES = ("survives", "loses_sessions", "loses_files", "loses_data")
TRUE_FALSE = ("True", "False")


@dataclass(frozen=True)
class Question:
    section: str  # the lesson section it checks
    ask: str
    choices: tuple[str, ...]  # texts; for a prediction, outcome codes (see OUTCOMES)
    answer: str  # one of the choices
    explain: str
    predict: RunSpec | None = None

    def choice_words(self) -> tuple[str, ...]:
        """What the learner reads on each answer button."""
        if self.predict is None:
            return self.choices
        return tuple(OUTCOMES[c][1] for c in self.choices)


@dataclass(frozen=True)
class Quiz:
    title: str
    questions: tuple[Question, ...]
    path: Path | None = field(default=None, compare=False)

    def sections(self) -> set[str]:
        return {q.section for q in self.questions}


def load_quiz(path: str | Path = QUIZ_FILE) -> Quiz:
    """The quiz in ``path``, or :class:`LessonFileError` naming where, the rule and the fix."""
    p = Path(path)
    record = read_record(p, QUIZ_FORMAT)
    questions = tuple(_read_question(q, f"question {i + 1}", p.parent)
                      for i, q in enumerate(items(record, "questions", p.name)))
    return Quiz(text(record, "title", p.name, default="Flash quiz"), questions, p)


def _read_question(raw: Any, where: str, base: Path) -> Question:
    record = obj(raw, where)
    ask, explain = text(record, "ask", where), text(record, "explain", where)
    section = text(record, "section", where)
    if "predict" in record:
        spec = read_run(record["predict"], f"{where}: predict", base)
        choices = tuple(items(record, "choices", where, required=False)) or PREDICT_CHOICES
        for c in choices:
            if c not in OUTCOMES:
                raise LessonFileError(f"{where}: choices", f"{c!r} is not an outcome",
                                      f"Use outcomes from: {', '.join(OUTCOMES)}.")
        answer = record.get("answer")
        if answer not in choices:
            raise LessonFileError(f"{where}: answer", f"{answer!r} is not one of the choices",
                                  f"Write the outcome the run shows, one of: {', '.join(choices)}.")
        return Question(section, ask, choices, answer, explain, spec)
    answer = record.get("answer")
    if isinstance(answer, bool) and "choices" not in record:  # a true/false question in short
        return Question(section, ask, TRUE_FALSE, TRUE_FALSE[0] if answer else TRUE_FALSE[1], explain)
    choices = tuple(items(record, "choices", where))
    if not 2 <= len(choices) <= MAX_CHOICES:
        raise LessonFileError(f"{where}: choices", f"has {len(choices)} choices",
                              f"Give between 2 and {MAX_CHOICES} (they are answered with the keys 1 to 9).")
    for k, c in enumerate(choices):
        text({"choice": c}, "choice", f"{where}: choice {k + 1}")
    if len(set(choices)) != len(choices):
        raise LessonFileError(f"{where}: choices", "has the same choice twice", "Make every choice different.")
    if answer not in choices:
        raise LessonFileError(f"{where}: answer", f"{answer!r} is not one of the choices",
                              "Copy the right choice's text exactly (or write true/false for a true/false question).")
    return Question(section, ask, choices, answer, explain)


@dataclass(frozen=True)
class Answer:
    """A learner's answer to one question, graded."""

    question: Question
    chosen: str
    right: bool
    correct: tuple[str, ...]  # the choices that were right
    run: RunResult | None = None  # for a prediction: the engine's run that decided it


def grade(question: Question, chosen: str, ran: RunResult | None = None) -> Answer:
    """Grade ``chosen`` (one of the question's choices); a prediction is decided by the engine's run of it:
    ``ran`` when the caller ran it elsewhere (the app runs it in a child process), else it is run here."""
    if chosen not in question.choices:
        raise ValueError(f"{chosen!r} is not a choice of this question")
    if question.predict is None:
        return Answer(question, chosen, chosen == question.answer, (question.answer,))
    result = ran if ran is not None else run(question.predict)
    shown = result.outcomes
    return Answer(question, chosen, chosen in shown, tuple(c for c in question.choices if c in shown), result)


class QuizRound:
    """Questions asked one after the other; then the score, and the missed ones can be asked again."""

    def __init__(self, questions: tuple[Question, ...] | list[Question]) -> None:
        self.all = tuple(questions)
        self.queue: list[Question] = list(self.all)
        self.position = 0
        self.answers: list[Answer] = []
        self.round = 1

    @property
    def current(self) -> Question | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    @property
    def answered(self) -> bool:
        """Whether the current question has been answered (and its explanation is due)."""
        return len(self.answers) > self.position

    def answer(self, chosen: str, ran: RunResult | None = None) -> Answer:
        """Grade ``chosen`` for the current question (``ran``: its prediction's run, when already done)."""
        question = self.current
        if question is None or self.answered:
            raise ValueError("no question is waiting for an answer")
        result = grade(question, chosen, ran)
        self.answers.append(result)
        return result

    def next(self) -> Question | None:
        if self.answered:
            self.position += 1
        return self.current

    @property
    def finished(self) -> bool:
        return self.current is None

    def score(self) -> tuple[int, int]:
        """(right, asked) in this round."""
        return sum(a.right for a in self.answers), len(self.answers)

    def missed(self) -> list[Question]:
        return [a.question for a in self.answers if not a.right]

    def retry_missed(self) -> None:
        """A new round of the questions missed in this one."""
        self.queue = self.missed()
        self.position, self.answers = 0, []
        self.round += 1

    def start_over(self) -> None:
        self.queue, self.position, self.answers, self.round = list(self.all), 0, [], 1
