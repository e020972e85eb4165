"""Run for real on the main canvas: the live run's answers drawn as the simulation's tokens, its counters and its
verdict in the simulation's panel; a crash by hand kills the real process; Stop and closing the window leave no
process and no folder behind."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "live"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "gui" / "simulation"))
from livehelp import alive, descendants, needs_live  # noqa: E402
from simgui import show_diagram  # noqa: E402

from statediagram.gui.simulation.compare import starter_diagram  # noqa: E402
from statediagram.sim.scenario import SECOND  # noqa: E402

pytestmark = [pytest.mark.live, needs_live]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from statediagram.gui import window as window_module

    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path))
    runs = tmp_path / "runs"
    runs.mkdir()
    monkeypatch.setenv("TMPDIR", str(runs))  # the run's folders, and its diagram file, go here
    w = window_module.MainWindow()
    monkeypatch.setattr(w.files, "maybe_save", lambda: True)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.simulation  # noqa: B018 - built now, as the window does just after its first paint
    w.show()
    qtbot.waitExposed(w)
    show_diagram(w, starter_diagram())
    w.runs = runs
    yield w
    live = w.simulation.live
    if live is not None:
        live.shutdown(wait=True)
    w.simulation.controller.stop()
    w.doc.undo_stack.clear()


def run_for_real(qtbot, w, scenario: str, journey: str, speed: float) -> None:
    c = w.simulation.controls
    c.set_choices(scenario, journey)
    c.speed.setCurrentIndex(c.speed.findData(speed))
    c.live_action.trigger()
    replay = w.simulation.controller.player.replay
    assert replay is not None and replay.live
    qtbot.waitUntil(lambda: replay.started, timeout=60_000)


def server_pid(w, node_name: str) -> int:
    """The pid of the uvicorn process that runs a server (its SERVER_NAME is the node's safe name)."""
    for pid in descendants(w.simulation.live.process.processId()):
        try:
            env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"SERVER_NAME={node_name}".encode() in env and alive(pid):
            return pid
    raise AssertionError(f"no process runs {node_name}")


def test_the_drill_plays_on_the_canvas_with_tokens_counters_and_the_verdict(qtbot, window) -> None:
    w = window
    ui, controller = w.simulation.ui, w.simulation.controller
    run_for_real(qtbot, w, "standard", "sessions", 4.0)
    assert not ui.controls.compare_action.isEnabled()  # nothing of a simulated run's tools on a real one
    seen_tokens = []

    def tokens_drawn() -> bool:
        frame = controller.layer.frame
        if frame is not None and frame.tokens:
            seen_tokens.append(len(frame.tokens))
        return bool(seen_tokens)

    qtbot.waitUntil(tokens_drawn, timeout=30_000)
    replay = controller.player.replay
    qtbot.waitUntil(lambda: replay.finished and ui.panel.verdict.report is not None, timeout=90_000)
    report = ui.panel.verdict.report
    assert report.live is not None and report.live.start_s <= 30
    assert not report.survives and report.totals.lost_sessions > 0
    assert "Does not survive" in ui.panel.verdict.headline.text()
    assert any("session" in f.message for f in report.findings)
    # the counters in the panel are the run's own
    assert ui.panel.metrics.shown["lost_sessions"] == report.totals.lost_sessions
    # what the canvas drew: the drill's crashes (Server A down from 10 s), answers from both servers
    states = replay.node_states_at(12 * SECOND)
    assert not states["a"].up and states["b"].up
    assert states["b"].served > 0
    assert replay.settled and any(r.outcome == "lost_session" for r in replay.settled)


def test_a_crash_by_click_kills_the_real_process_and_stop_leaves_nothing(qtbot, window) -> None:
    w = window
    controller = w.simulation.controller
    run_for_real(qtbot, w, "calm", "sessions", 1.0)
    live = w.simulation.live
    top = live.process.processId()
    kids = descendants(top)
    victim = server_pid(w, "server-a")
    menu = controller.node_menu("a")
    crash = controller.action(menu, "Crash")
    assert crash.text().endswith("now, for real")
    crash.trigger()
    replay = controller.player.replay
    qtbot.waitUntil(lambda: not alive(victim), timeout=10_000)
    qtbot.waitUntil(lambda: replay.extra_faults != [], timeout=10_000)
    assert replay.extra_faults[0][1:] == ("a", "crash")
    qtbot.waitUntil(lambda: not replay.node_states_at(replay.horizon)["a"].up, timeout=10_000)
    w.simulation.ui.stop()  # back to editing: the run stops everything it started
    qtbot.waitUntil(lambda: live.process is None, timeout=30_000)
    assert [p for p in [top, *kids] if alive(p)] == []
    assert sorted(x.name for x in w.runs.iterdir()) == []


def test_closing_the_window_stops_every_process(qtbot, window) -> None:
    w = window
    run_for_real(qtbot, w, "calm", "sessions", 1.0)
    live = w.simulation.live
    pids = [live.process.processId(), *descendants(live.process.processId())]
    assert len(pids) >= 4  # the run, HAProxy, two servers
    w.close()
    assert [p for p in pids if alive(p)] == []
    assert sorted(x.name for x in w.runs.iterdir()) == []


def test_a_design_live_mode_cannot_run_is_told_before_anything_starts(qtbot, window, monkeypatch) -> None:
    from statediagram.gui.live import run as live_run

    w = window
    d = starter_diagram()
    d.nodes[0].props["users"] = 5000  # far more real clients than this machine runs
    show_diagram(w, d)
    w.simulation.controls.live_action.trigger()
    live = w.simulation.live
    assert live.process is None and w.simulation.controller.player.replay is None
    assert "at most" in live.message.text()
    assert isinstance(live, live_run.LiveRunner)
    assert os.listdir(w.runs) == []


def test_a_chat_run_for_real_counts_messages_and_shows_lost_ones(qtbot, window) -> None:
    from statediagram.core.fileio import load_diagram

    w = window
    show_diagram(w, load_diagram(Path(__file__).resolve().parents[3] / "examples" / "chat-stateful.statediagram.json")
                 .diagram)
    ui, controller = w.simulation.ui, w.simulation.controller
    run_for_real(qtbot, w, "calm", "chat", 4.0)
    replay = controller.player.replay
    qtbot.waitUntil(lambda: replay.totals_at(replay.horizon).messages > 10, timeout=30_000)
    qtbot.waitUntil(lambda: bool(controller.layer.frame.lines), timeout=10_000)  # the open connections drawn
    rooms = {link.room for link in replay.connections.open_at(replay.horizon)}
    servers = {link.server for link in replay.connections.open_at(replay.horizon)}
    assert rooms == {"users"} and servers == {"a", "b"}  # the room is split over both servers, as simulated
    qtbot.waitUntil(lambda: ui.panel.verdict.report is not None, timeout=90_000)
    report = ui.panel.verdict.report
    assert not report.survives and report.totals.lost_messages > 0
    assert ui.panel.metrics.shown["messages"] == report.totals.messages
    assert any(f.code == "lost_messages" for f in report.findings)
    qtbot.waitUntil(lambda: len(replay.lost_message_times) == report.totals.lost_messages, timeout=5_000)
    assert sum(replay.chat_per_second(replay.end)["lost_messages"]) == report.totals.lost_messages


def test_stop_for_real_stops_the_run_keeps_what_it_showed_and_leaves_nothing(qtbot, window) -> None:
    w = window
    c, controller = w.simulation.controls, w.simulation.controller
    run_for_real(qtbot, w, "calm", "sessions", 1.0)
    live = w.simulation.live
    assert c.live_action.text() == "Stop for real"  # the same button stops it
    pids = [live.process.processId(), *descendants(live.process.processId())]
    replay = controller.player.replay
    qtbot.waitUntil(lambda: len(replay.requests) >= 3, timeout=20_000)
    c.live_action.trigger()
    qtbot.waitUntil(lambda: live.process is None, timeout=30_000)
    assert c.live_action.text() == "Run for real"
    assert "Stopped" in w.simulation.ui.panel.verdict.headline.text()
    assert controller.player.replay is replay and replay.requests  # what it did stays on the canvas
    assert [p for p in pids if alive(p)] == []
    assert sorted(x.name for x in w.runs.iterdir()) == []
