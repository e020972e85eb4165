"""Check mission and a quiz's prediction on the real main window: the engine runs in a child process. An engine
made in the window's process (its users, requests, stores and the libraries behind them) leaves objects there that
every full garbage collection walks, stopping the window meanwhile (issue 13: no GUI block over 50 ms)."""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt

from statediagram.missions import check_mission, lessonruns
from statediagram.sim.engine import Engine


def test_check_mission_and_a_prediction_make_no_engine_in_the_windows_process(main, qtbot, monkeypatch):
    made: list[str] = []
    engine_init = Engine.__init__

    def counted(self, *args, **kwargs):
        made.append(type(self).__name__)  # an engine made here, in the window's process (a child has its own)
        engine_init(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "__init__", counted)
    lessonruns._run.cache_clear()  # a run cached by an earlier test in this process would hide one made here

    assert main.open_mission("sticky", continue_attempt=False)
    session = main.missions.session
    with qtbot.waitSignal(session.checked, timeout=20000):
        main.missions.check.trigger()  # Check mission (Ctrl+Enter)
    result = session.last_result
    assert not result.passed
    shown = [main.missions.panel.reasons.item(i).text() for i in range(main.missions.panel.reasons.count())]
    assert shown[0].startswith("Load balancer still uses sticky sessions")

    next(a for a in main.learn_menu.actions() if a.text() == "Flash &Quiz").trigger()
    dialog = main.learning.quiz
    while dialog.round.current.predict is None:  # on to the first "predict the verdict"
        dialog.choose(0)
        dialog.go_next()
    question = dialog.round.current
    with qtbot.waitSignal(dialog.answered, timeout=20000):
        qtbot.keyClick(dialog, Qt.Key(Qt.Key.Key_1 + question.choices.index(question.answer)))
    assert dialog.verdict.text() == "✓ Right!"
    assert dialog.engine.text().startswith("The simulation ran it (a calm day, journey sessions): Does not survive.")

    gc.collect()
    assert made == []
    assert [o for o in gc.get_objects() if isinstance(o, Engine)] == []

    monkeypatch.undo()  # now the same runs here, to compare: what the window showed is what the engine says
    assert result.reasons == check_mission("sticky", main.doc.diagram).reasons
    assert f"{lessonruns.run(question.predict).counters()}." in dialog.engine.text()
