"""The flash quiz: enough questions over every section of the lesson, every "predict the verdict" answer equal
to what the real engine shows, a round that scores and asks the missed ones again, broken files named."""

from __future__ import annotations

import json

import pytest

from statediagram.missions.lesson import load_lesson
from statediagram.missions.lessondata import LessonFileError
from statediagram.missions.lessonruns import run
from statediagram.missions.quiz import QuizRound, grade, load_quiz

QUIZ = load_quiz()
PREDICTIONS = [q for q in QUIZ.questions if q.predict is not None]


def test_at_least_15_questions_5_of_them_predictions_covering_every_section():
    assert len(QUIZ.questions) >= 15
    assert len(PREDICTIONS) >= 5
    assert QUIZ.sections() == {s.id for s in load_lesson().sections}
    assert sum(q.section == "realtime" for q in QUIZ.questions) >= 2
    assert all(q.explain for q in QUIZ.questions)


@pytest.mark.parametrize("question", PREDICTIONS, ids=lambda q: f"{q.predict.diagram}-{q.predict.scenario}")
def test_every_predicted_verdict_is_what_the_engine_shows(question):
    shown = run(question.predict).outcomes
    assert shown == {question.answer}  # the one right choice, and no other choice also right
    wrong = [c for c in question.choices if c != question.answer]
    assert all(not grade(question, c).right for c in wrong)
    assert grade(question, question.answer).right


def test_predictions_cover_survives_and_each_kind_of_loss():
    assert {q.answer for q in PREDICTIONS} >= {"survives", "loses_sessions", "loses_files", "loses_data"}


def test_a_prediction_is_graded_by_the_engine_even_if_the_file_says_otherwise(tmp_path):
    record = {"format": "statediagram-quiz", "version": 1, "questions": [
        {"section": "traps", "ask": "Sticky on a calm day?", "explain": "It holds.", "answer": "loses_sessions",
         "predict": {"diagram": "sticky-sessions", "scenario": "calm", "journey": "sessions"}}]}
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    (question,) = load_quiz(path).questions
    answer = grade(question, "survives")
    assert answer.right and answer.correct == ("survives",)
    totals = answer.run.report["totals"]
    assert totals["ok"] == totals["requests"] > 0
    assert f"requests {totals['requests']}, ok {totals['ok']}, lost sessions 0" in answer.run.counters()


def test_a_prediction_run_elsewhere_decides_it_without_a_run_here(monkeypatch):
    """The app runs a prediction in a child process and grades it here with that run's result."""
    from statediagram.missions import quiz

    question = PREDICTIONS[0]
    ran = run(question.predict)
    monkeypatch.setattr(quiz, "run", lambda spec: pytest.fail("ran again"))
    answer = QuizRound([question]).answer(question.answer, ran)
    assert answer.right and answer.run is ran
    assert set(answer.correct) == set(ran.outcomes) & set(question.choices)


def test_a_round_scores_then_asks_only_the_missed_ones_again():
    questions = QUIZ.questions[:4]
    quiz = QuizRound(questions)
    for i, q in enumerate(questions):
        wrong = next(c for c in q.choices if c != q.answer)
        quiz.answer(q.answer if i % 2 == 0 else wrong)
        assert quiz.answered
        quiz.next()
    assert quiz.finished and quiz.score() == (2, 4)
    quiz.retry_missed()
    assert quiz.queue == [questions[1], questions[3]] and quiz.round == 2
    quiz.answer(questions[1].answer)
    with pytest.raises(ValueError):
        quiz.answer(questions[1].answer)  # once per question
    quiz.next()
    quiz.answer(questions[3].answer)
    quiz.next()
    assert quiz.score() == (2, 2) and quiz.missed() == []


GOOD_Q = {"section": "duel", "ask": "Q?", "choices": ["a", "b"], "answer": "a", "explain": "Because."}


@pytest.mark.parametrize("question, where, rule", [
    ({**GOOD_Q, "answer": "c"}, "question 1: answer", "'c' is not one of the choices"),
    ({**GOOD_Q, "choices": ["a"]}, "question 1: choices", "has 1 choices"),
    ({**GOOD_Q, "choices": ["a", "a"]}, "question 1: choices", "same choice twice"),
    ({k: v for k, v in GOOD_Q.items() if k != "explain"}, "question 1", 'needs "explain"'),
    ({**GOOD_Q, "predict": {"diagram": "jwt"}, "answer": "wins"}, "question 1: choices", "'a' is not an outcome"),
    ({"section": "jwt", "ask": "Q?", "explain": "E", "predict": {"diagram": "jwt"}, "answer": "wins"},
     "question 1: answer", "'wins' is not one of the choices"),
])
def test_a_broken_quiz_file_names_where_and_why(tmp_path, question, where, rule):
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps({"format": "statediagram-quiz", "version": 1, "questions": [question]}), "utf-8")
    with pytest.raises(LessonFileError) as caught:
        load_quiz(path)
    assert where in str(caught.value) and rule in str(caught.value)


def test_true_false_in_short(tmp_path):
    record = {"format": "statediagram-quiz", "version": 1,
              "questions": [{"section": "jwt", "ask": "Signed means secret?", "answer": False, "explain": "No."}]}
    path = tmp_path / "q.json"
    path.write_text(json.dumps(record), "utf-8")
    (q,) = load_quiz(path).questions
    assert q.choices == ("True", "False") and q.answer == "False"
