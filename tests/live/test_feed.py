"""The app's view of a run for real (live/feed.py): the run's events become the simulation's requests, node states,
counters and report, as the player reads them. Qt-free, no processes: the events are written here."""

from __future__ import annotations

from statediagram.gui.simulation.compare import starter_diagram
from statediagram.live.feed import LAG_US, LiveReplay, report_from_json
from statediagram.sim import simulate
from statediagram.sim.replay import RunSetup
from statediagram.sim.scenario import SECOND


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def replay_of(clock: Clock, asked: list, closed: list) -> LiveReplay:
    return LiveReplay(RunSetup(starter_diagram(), "standard", "sessions", None), 600_000,
                      lambda node, action: asked.append((node, action)), lambda: closed.append(True), clock)


def answer(user: str, sent: float, back: float, outcome: str = "ok", server: str = "a", **more) -> dict:
    return {"event": "answer", "t_send": sent, "t": back, "user": user, "group": "users", "action": "GET /profile",
            "outcome": outcome, "status": 200 if outcome == "ok" else 401, "entry": "lb", "answered_by": server,
            **more}


def test_answers_become_requests_drawn_from_their_send_time_through_the_load_balancer() -> None:
    clock, asked, closed = Clock(), [], []
    r = replay_of(clock, asked, closed)
    assert r.horizon == 0  # nothing started: nothing to show
    r.feed({"event": "started", "start_s": 1.2, "speed": 2.0, "duration_s": 35})
    clock.now += 3.0  # 3 s of wall clock at speed 2: 6 s of the scenario
    assert r.horizon == 6 * SECOND - LAG_US
    r.feed(answer("users-2", 2.50, 2.52, calls=[["nowhere", 1]]))
    r.feed(answer("users-1", 2.40, 2.60, server="b"))  # sent before, back after: drawn in the order sent
    assert [q.user.id for q in r.sent_between(0, 3 * SECOND)] == ["users-1", "users-2"]
    first = r.requests[0]
    assert first.id == 1 and first.user.id == "users-2" and first.lb == "lb" and first.server == "a"
    assert [(a, b) for a, b, *_ in first.hops()] == [("users", "lb"), ("lb", "a"), ("a", "lb"), ("lb", "users")]
    assert first.calls == ()  # a store that is not in the run is not drawn
    assert r.totals_at(r.horizon).ok == 2
    assert r.node_states_at(r.horizon)["a"].served == 1


def test_a_fault_marks_the_node_down_its_balancer_notices_at_the_next_check_and_a_loss_has_its_cause() -> None:
    clock, asked, closed = Clock(), [], []
    r = replay_of(clock, asked, closed)
    r.feed({"event": "started", "start_s": 1.0, "speed": 1.0})
    r.feed({"event": "fault", "t": 10.0, "node": "a", "action": "crash"})  # the plan's: not a fault by hand
    r.feed({"event": "fault", "t": 12.0, "node": "b", "action": "crash"})  # not in the plan: by hand
    r.feed(answer("users-1", 10.5, 10.6, "lost_session", server="b",
                  cause={"why": "moved", "node": "b", "origin": "a", "kept_in": "ram", "looks_in": "ram"}))
    states = r.node_states_at(int(10.5 * SECOND))
    assert not states["a"].up and states["b"].up
    assert dict(states["lb"].health)["a"] is True  # believed up until the next check, 1 s later
    assert dict(r.node_states_at(11 * SECOND)["lb"].health)["a"] is False
    assert r.extra_faults == [(12 * SECOND, "b", "crash")]
    lost = r.failures[0]
    assert lost.cause.origin == "a" and lost.cause.why == "moved"
    assert r.last_failure(12 * SECOND) is lost
    r.ask_fault("b", "restart")
    r.ask_fault("nobody", "crash")  # not a node of the run: not sent
    assert asked == [("b", "restart")]
    r.close()
    r.close()
    assert closed == [True]  # the app stops the run once


def test_lines_that_are_not_events_of_the_run_are_ignored() -> None:
    r = replay_of(Clock(), [], [])
    for junk in ({"event": "answer"}, {"event": "answer", **answer("u", "x", 1)}, {"event": "fault", "t": 1},
                 {"event": "fault", "t": 1, "node": "nobody", "action": "crash"}, {"event": "report", "report": 5},
                 answer("users-1", 1, 1.1, outcome="exploded"), {"event": 3}):
        r.feed(junk)
    assert r.requests == [] and r.report is None and r.extra_faults == []


def test_the_report_read_back_from_its_json_is_the_same_report() -> None:
    report = simulate(starter_diagram(), "standard", "sessions").report
    again = report_from_json(report.to_json())
    assert again == report
    r = replay_of(Clock(), [], [])
    r.feed({"event": "report", "report": report.to_json()})
    assert r.finished and r.horizon == r.end and r.totals_at(r.end) == report.totals


def test_a_server_counts_the_sessions_in_its_ram_as_the_simulation_does_and_a_crash_wipes_them() -> None:
    r = replay_of(Clock(), [], [])
    r.feed({"event": "started", "start_s": 1.0, "speed": 1.0})
    for i, at in enumerate((1.0, 2.0, 3.0), start=1):
        r.feed({**answer(f"users-{i}", at, at + 0.01), "action": "POST /login"})
    r.feed(answer("users-1", 4.0, 4.01))  # not a login: no session made
    assert r.node_states_at(5 * SECOND)["a"].count == 3
    r.feed({"event": "fault", "t": 10.0, "node": "a", "action": "crash"})
    r.feed({"event": "fault", "t": 15.0, "node": "a", "action": "restart"})
    assert r.node_states_at(16 * SECOND)["a"].count == 0  # RAM wiped
    r.feed({**answer("users-1", 17.0, 17.01), "action": "POST /login"})
    assert r.node_states_at(18 * SECOND)["a"].count == 1
